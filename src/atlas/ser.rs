//! Compact JSON, byte for byte as `serde_json::to_writer` writes it, but
//! for strings: serde_json looks each byte up in a table, which was most of
//! writing atlas.json; here a vectorised scan finds the bytes to escape and
//! the runs between them are copied whole. Numbers are left to serde_json.

use serde::ser::{self, Impossible, Serialize};
use std::fmt::Display;
use std::io::Write;

/// What writing failed on: the writer, or a value serde refused.
#[derive(Debug)]
pub(crate) struct Error(std::io::Error);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(std::io::Error::other(msg.to_string()))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error(e.into())
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        e.0
    }
}

/// Compact JSON of `value` into `w`.
pub(crate) fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> std::io::Result<()> {
    let mut json = Json { w: Vec::with_capacity(SPILL * 2), out };
    value.serialize(&mut json)?;
    json.out.write_all(&json.w)?;
    json.out.flush()
}

/// How much JSON [`Json`] holds before handing it on.
const SPILL: usize = 64 * 1024;

/// The JSON written so far, in `w`: a growing vector takes a small write
/// in a few instructions, where a `BufWriter` checks and calls for each.
/// Handed on to `out` at the end of an array or object past [`SPILL`] bytes.
struct Json<W> {
    w: Vec<u8>,
    out: W,
}

impl<W: Write> Json<W> {
    fn spill(&mut self) -> Result<(), Error> {
        if self.w.len() >= SPILL {
            self.out.write_all(&self.w)?;
            self.w.clear();
        }
        Ok(())
    }
}

/// Whether JSON escapes byte `b`: a quote, a backslash or a control character.
const fn special(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// [`special`] of every byte, for the last few bytes of a string.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = special(b as u8);
        b += 1;
    }
    table
};

/// Whether any of the eight bytes in `word` is [`special`]: the exact
/// "has a byte below n" and "has a zero byte" tests.
fn word_special(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (below_space | zero_bytes(word ^ (ONES * u64::from(b'"'))) | zero_bytes(word ^ (ONES * u64::from(b'\\')))) != 0
}

/// The first byte at or after `from` JSON escapes: eight bytes at a time,
/// then byte by byte in the word that has one, or in the last few bytes.
fn next_special(s: &[u8], from: usize) -> Option<usize> {
    let rest = s.get(from..)?;
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    for word in &mut words {
        if word_special(u64::from_le_bytes(word.try_into().unwrap_or_default())) {
            return word.iter().position(|&b| SPECIAL[usize::from(b)]).map(|i| at + i);
        }
        at += 8;
    }
    words.remainder().iter().position(|&b| SPECIAL[usize::from(b)]).map(|i| at + i)
}

/// `s` as a JSON string, escaped as serde_json escapes it: the runs between
/// special bytes copied whole.
fn write_str<W: Write>(w: &mut W, s: &str) -> Result<(), Error> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    w.write_all(b"\"")?;
    let mut run = 0;
    while let Some(i) = next_special(bytes, run) {
        w.write_all(&bytes[run..i])?;
        let b = bytes[i];
        let unicode = [b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]];
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => &unicode,
        };
        w.write_all(escaped)?;
        run = i + 1;
    }
    w.write_all(&bytes[run..])?;
    w.write_all(b"\"")?;
    Ok(())
}

macro_rules! display {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Error> {
            write!(self.w, "{v}")?;
            Ok(())
        }
    )*};
}

fn write_u64<W: Write>(w: &mut W, n: u64) -> Result<(), Error> {
    w.write_all(crate::text::decimal(n, &mut [0; 20]).as_bytes())?;
    Ok(())
}

macro_rules! unsigned {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Error> {
            write_u64(&mut self.w, u64::from(v))
        }
    )*};
}

macro_rules! signed {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Error> {
            if v < 0 {
                self.w.write_all(b"-")?;
            }
            write_u64(&mut self.w, i64::from(v).unsigned_abs())
        }
    )*};
}

impl<'a, W: Write> ser::Serializer for &'a mut Json<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    display!(serialize_i128: i128, serialize_u128: u128);
    unsigned!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);
    signed!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64);

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.w.write_all(if v { b"true" } else { b"false" })?;
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        Ok(serde_json::to_writer(&mut self.w, &v)?)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        Ok(serde_json::to_writer(&mut self.w, &v)?)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(&mut self.w, v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(&mut self.w, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        Ok(serde_json::to_writer(&mut self.w, v)?)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.w.write_all(b"null")?;
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Error> {
        write_str(&mut self.w, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.w.write_all(b"{")?;
        write_str(&mut self.w, variant)?;
        self.w.write_all(b":")?;
        value.serialize(&mut *self)?;
        self.w.write_all(b"}")?;
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.w.write_all(b"[")?;
        Ok(Compound { ser: self, first: true, close: b"]" })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant, b":[", b"]}")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.w.write_all(b"{")?;
        Ok(Compound { ser: self, first: true, close: b"}" })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant, b":{", b"}}")
    }
}

impl<W: Write> Json<W> {
    /// `{"variant":` and the array or object `open` starts (`close` ends both).
    fn open_variant(&mut self, variant: &str, open: &[u8], close: &'static [u8]) -> Result<Compound<'_, W>, Error> {
        self.w.write_all(b"{")?;
        write_str(&mut self.w, variant)?;
        self.w.write_all(open)?;
        Ok(Compound { ser: self, first: true, close })
    }
}

/// An array or object being written: `close` ends it.
pub(crate) struct Compound<'a, W> {
    ser: &'a mut Json<W>,
    first: bool,
    close: &'static [u8],
}

impl<W: Write> Compound<'_, W> {
    fn comma(&mut self) -> Result<(), Error> {
        if !std::mem::take(&mut self.first) {
            self.ser.w.write_all(b",")?;
        }
        Ok(())
    }
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma()?;
        value.serialize(&mut *self.ser)
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.comma()?;
        // A field's name: a Rust name or a rename, never one to escape.
        debug_assert!(next_special(key.as_bytes(), 0).is_none());
        self.ser.w.write_all(b"\"")?;
        self.ser.w.write_all(key.as_bytes())?;
        self.ser.w.write_all(b"\":")?;
        value.serialize(&mut *self.ser)
    }
    fn finish(self) -> Result<(), Error> {
        self.ser.w.write_all(self.close)?;
        self.ser.spill()
    }
}

macro_rules! seq_like {
    ($($tr:ident :: $f:ident),*) => {$(
        impl<W: Write> ser::$tr for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn $f<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    )*};
}
seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! struct_like {
    ($($tr:ident),*) => {$(
        impl<W: Write> ser::$tr for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    )*};
}
struct_like!(SerializeStruct, SerializeStructVariant);

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma()?;
        key.serialize(Key(&mut self.ser.w))?;
        self.ser.w.write_all(b":")?;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// An object key: a string, or a number or boolean in quotes, as serde_json
/// writes them; anything else is refused, as serde_json refuses it.
struct Key<'a, W>(&'a mut W);

macro_rules! quoted {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Error> {
            write!(self.0, "\"{v}\"")?;
            Ok(())
        }
    )*};
}

macro_rules! refused {
    ($($f:ident($($t:ty),*)),*) => {$(
        fn $f(self, $(_: $t),*) -> Result<(), Error> {
            not_a_key()
        }
    )*};
}

impl<W: Write> ser::Serializer for Key<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    quoted!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128);
    refused!(
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str)
    );

    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.0, v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.0, v)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        not_a_key()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Error> {
        write_str(self.0, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        not_a_key()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_tuple(self, _: usize) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible<(), Error>, Error> {
        not_a_key()
    }
}

/// What serde_json says of an object key that is no string.
fn not_a_key<T>() -> Result<T, Error> {
    Err(ser::Error::custom("an object key must be a string"))
}

#[cfg(test)]
mod tests;
