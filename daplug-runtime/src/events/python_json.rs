//! The event body format: JSON as daplug-ddb's publisher writes it (Python `simplejson.dumps`
//! defaults), so subscribers cannot tell a Rust producer from a Python one. Pure; no I/O.

use std::io;

use serde::Serialize;

/// Serialises `value` as daplug-ddb's publisher does (Python `simplejson.dumps` defaults).
pub(crate) fn to_python_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut serializer)?;
    // The formatter only writes ASCII.
    String::from_utf8(out).map_err(|err| serde_json::Error::io(io::Error::new(io::ErrorKind::InvalidData, err)))
}

/// `", "` and `": "` separators, `\uXXXX` escapes for non-ASCII, integral floats without `.0`.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        // Python publishes the stored Decimal, which has no fraction for integral values.
        if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
            write!(writer, "{}", value as i64)
        } else {
            write!(writer, "{value}")
        }
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_simplejson() {
        let value = serde_json::json!({"a": [1, 2.0, 2.5], "b": "Caf\u{e9} \u{2615} \u{1F600}", "c": null, "d": true});
        assert_eq!(
            to_python_json(&value).unwrap(),
            r#"{"a": [1, 2, 2.5], "b": "Caf\u00e9 \u2615 \ud83d\ude00", "c": null, "d": true}"#
        );
    }
}
