//! Character classes, quick for the characters most text is made of (ASCII
//! and Russian letters).

use unicode_normalization::{IsNormalized, is_nfkc_quick};

/// `char::is_alphanumeric`, quick for ASCII and Russian letters.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { matches!(c, 'А'..='я' | 'ё' | 'Ё') || c.is_alphanumeric() }
}

/// `char::is_alphabetic`, quick for ASCII and Russian letters.
pub(crate) fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { matches!(c, 'А'..='я' | 'ё' | 'Ё') || c.is_alphabetic() }
}

/// Whether a text is in NFKC, asking the normaliser only about its `others`,
/// the characters that are not [`is_common`]: those have combining class 0
/// and no decomposition, so the check over the others alone can only err
/// towards "no" (and then normalising changes nothing).
pub(crate) fn others_are_nfkc(others: impl Iterator<Item = char>) -> bool {
    is_nfkc_quick(others) == IsNormalized::Yes
}

/// ASCII and Russian letters: the characters most text is made of, each in
/// NFKC with combining class 0.
pub(crate) fn is_common(c: char) -> bool {
    c.is_ascii() || matches!(c, 'А'..='я' | 'ё' | 'Ё')
}
