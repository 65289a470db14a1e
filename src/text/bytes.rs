//! Byte scans: quick answers about a text's bytes that every stage asks.

/// `n` in decimal, as `Display` writes it, without `fmt`'s machinery (a
/// rubric's points and lines come to a hundred numbers a submission), in
/// the end of `digits`.
pub(crate) fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &str {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits.
    std::str::from_utf8(&digits[at..]).unwrap_or_default()
}

/// Whether any byte of `s` passes `hit` (which no NUL byte may pass): a
/// fixed-size block at a time, without branching inside it, so the compiler
/// can vectorise the test. Short texts are padded to a block, and a long
/// text's tail is its last block.
pub(crate) fn any_byte(s: &[u8], hit: impl Fn(u8) -> bool) -> bool {
    const BLOCK: usize = 32;
    debug_assert!(!hit(0));
    let block = |b: &[u8]| b.iter().fold(false, |acc, &x| acc | hit(x));
    if s.len() < BLOCK {
        let mut padded = [0; BLOCK];
        padded[..s.len()].copy_from_slice(s);
        return block(&padded);
    }
    let mut blocks = s.chunks_exact(BLOCK);
    if blocks.any(&block) {
        return true;
    }
    !blocks.remainder().is_empty() && block(&s[s.len() - BLOCK..])
}

/// `text.lines()`, through `memchr`: every check reads every line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(end) = memchr::memchr(b'\n', rest.as_bytes()) else { return Some(std::mem::take(&mut rest)) };
        let line = &rest[..end];
        rest = &rest[end + 1..];
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// The number of words in `s`, as `split_whitespace` counts them, but
/// counting no further than `limit + 1`: callers compare it with `limit`.
pub(crate) fn words_up_to(s: &str, limit: usize) -> usize {
    let bytes = s.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while let Some(&b) = bytes.get(i) {
        let (space, len) = if b < 0x80 {
            (matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if space {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > limit {
                break;
            }
        }
        i += len;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_like_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            " a b\tc\n",
            "a\u{a0}b",
            "a\u{3000}b\u{85}c",
            "x\x0By\x0Cz\rw",
            "я ты — мы",
            "  lead  trail  ",
        ] {
            let n = s.split_whitespace().count();
            for limit in 0..6 {
                assert_eq!(words_up_to(s, limit), n.min(limit + 1), "{s:?} {limit}");
            }
        }
    }
}
