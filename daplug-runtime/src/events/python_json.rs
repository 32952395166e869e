//! The event body format: JSON as daplug-ddb's publisher writes it (Python `simplejson.dumps`
//! defaults), so subscribers cannot tell a Rust producer from a Python one. Pure; no I/O.
//!
//! daplug-ddb publishes the item it stored, read back as Python values: a number is the `Decimal`
//! of its `N` text, printed as that text. Floats are therefore written here as the text the item
//! stores for them (`codec/float_text.rs`: `0.1` for the `f32` `0.1`, not its `f64` widening
//! `0.10000000149011612`; `2` for `2.0`), and a [`Decimal`](crate::Decimal) as its own text.

use std::io;

use serde::Serialize;

use crate::codec::float_text::{f32_text, f64_text};

/// `value` as daplug-ddb's publisher writes it, and the keys of its top-level object (none when it
/// is not an object), collected while it is written.
pub(crate) fn to_python_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<(String, Vec<String>)> {
    let mut out = Vec::with_capacity(256);
    let mut formatter = PythonFormatter { depth: 0, key: None, keys: Vec::new() };
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, &mut formatter);
    value.serialize(&mut serializer)?;
    let keys = std::mem::take(&mut formatter.keys);
    // The formatter only writes ASCII.
    let text =
        String::from_utf8(out).map_err(|err| serde_json::Error::io(io::Error::new(io::ErrorKind::InvalidData, err)))?;
    Ok((text, keys))
}

/// `", "` and `": "` separators, `\uXXXX` escapes for non-ASCII, numbers as their stored text;
/// records the top-level object's keys.
struct PythonFormatter {
    /// How many objects and arrays the writer is inside.
    depth: usize,
    /// A top-level key being written.
    key: Option<String>,
    keys: Vec<String>,
}

impl serde_json::ser::Formatter for &mut PythonFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if self.depth == 1 {
            self.key = Some(String::new());
        }
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        if let Some(key) = self.key.take() {
            self.keys.push(key);
        }
        Ok(())
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(f64_text(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(f32_text(value).as_bytes())
    }
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        if let Some(key) = &mut self.key {
            key.push_str(fragment);
        }
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        use serde_json::ser::CharEscape;
        if let Some(key) = &mut self.key {
            key.push(match escape {
                CharEscape::Quote => '"',
                CharEscape::ReverseSolidus => '\\',
                CharEscape::Solidus => '/',
                CharEscape::Backspace => '\u{8}',
                CharEscape::FormFeed => '\u{c}',
                CharEscape::LineFeed => '\n',
                CharEscape::CarriageReturn => '\r',
                CharEscape::Tab => '\t',
                CharEscape::AsciiControl(byte) => char::from(byte),
            });
        }
        serde_json::ser::CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_simplejson() {
        let value = serde_json::json!({"a": [1, 2.0, 2.5], "b": "Caf\u{e9} \u{2615} \u{1F600}", "c": null, "d": true});
        let (text, keys) = to_python_json(&value).unwrap();
        assert_eq!(text, r#"{"a": [1, 2, 2.5], "b": "Caf\u00e9 \u2615 \ud83d\ude00", "c": null, "d": true}"#);
        assert_eq!(keys, ["a", "b", "c", "d"]);
    }

    #[test]
    fn numbers_are_written_as_the_item_stores_them() {
        #[derive(Serialize)]
        struct Numbers {
            single: f32,
            double: f64,
            whole: f64,
            big: f64,
            decimal: crate::codec::decimal::Decimal,
        }
        let numbers = Numbers { single: 0.1, double: 0.1, whole: 2.0, big: 1e20, decimal: "12.50".parse().unwrap() };
        let (text, _) = to_python_json(&numbers).unwrap();
        let big = "100000000000000000000";
        assert_eq!(text, format!(r#"{{"single": 0.1, "double": 0.1, "whole": 2, "big": {big}, "decimal": 12.50}}"#));
        let item = crate::codec::to_item(&numbers).unwrap();
        for (name, written) in
            [("single", "0.1"), ("double", "0.1"), ("whole", "2"), ("big", big), ("decimal", "12.50")]
        {
            assert_eq!(item[name], aws_sdk_dynamodb::types::AttributeValue::N(written.into()), "{name}");
        }
    }

    #[test]
    fn only_top_level_keys_are_collected_escapes_included() {
        let value = serde_json::json!({"a\"b": {"inner": 1}, "list": [{"x": 1}], "\u{e9}": 2});
        let (_, keys) = to_python_json(&value).unwrap();
        assert_eq!(keys, ["a\"b", "list", "\u{e9}"]);
        assert!(to_python_json(&[1, 2]).unwrap().1.is_empty());
    }
}
