//! Line numbers of byte offsets, for the outline's nodes.

/// Byte offset -> 1-based line number.
pub(crate) struct LineIndex {
    pub(super) starts: Vec<usize>,
    /// The last answer: lookups mostly move forward a line or two.
    cursor: std::cell::Cell<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex { starts, cursor: std::cell::Cell::new(1) }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        // The answer is the number of line starts at or before `offset`:
        // try the few after the last answer before searching.
        let (starts, c) = (&self.starts, self.cursor.get());
        if starts[c - 1] <= offset {
            let mut k = c;
            while k < starts.len() && k < c + 4 && starts[k] <= offset {
                k += 1;
            }
            if k == starts.len() || starts[k] > offset {
                self.cursor.set(k);
                return k;
            }
        }
        let k = starts.partition_point(|&s| s <= offset);
        self.cursor.set(k);
        k
    }

    /// Line `i` (0-based) of `text`, with its line end.
    pub(super) fn line_text<'t>(&self, text: &'t str, i: usize) -> &'t str {
        let end = self.starts.get(i + 1).copied().unwrap_or(text.len());
        &text[self.starts[i]..end]
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len()
    }
}
