//! Text helpers every stage may use: folding for comparison, byte scans,
//! character classes, a fast hasher and a per-thread memo. The bottom layer:
//! it imports no stage.

mod bytes;
mod chars;
mod folding;
mod hash;
mod html;
pub(crate) mod memo;

pub(crate) use bytes::{any_byte, decimal, lines, words_up_to};
pub(crate) use chars::{is_alphabetic, is_alphanumeric, is_common, others_are_nfkc};
pub(crate) use folding::{SepBytes, find, fold, fold_short_ascii, tidy, word_count};
pub(crate) use hash::{FxMap, FxSet};
pub(crate) use html::is_element;
