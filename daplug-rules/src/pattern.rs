//! JSON Schema's `pattern`: an ECMA-262 regular expression, matched anywhere in the string (not
//! anchored unless it says `^` / `$`), through `regress`, which implements ECMA-262's syntax and
//! semantics. Each pattern is compiled once per process, with the `u` (Unicode) flag as JSON Schema
//! asks (so `\p{L}` is a letter and `.` a character, not a UTF-16 unit); a pattern that is only
//! valid without it (an identity escape such as `\-` outside a class, common in specs) is compiled
//! without it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regress::Regex;

/// Compiled patterns by their source.
fn cache() -> &'static Mutex<HashMap<String, Arc<Regex>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// `source` compiled, with the `u` flag where it allows it.
fn compile(source: &str) -> Result<Regex, String> {
    Regex::with_flags(source, "u")
        .or_else(|_| Regex::new(source))
        .map_err(|err| format!("the pattern `{source}` is not an ECMA-262 regular expression: {err}"))
}

/// Why `source` is not an ECMA-262 regular expression `regress` can run, if it is not.
pub fn unsupported(source: &str) -> Option<String> {
    compile(source).err()
}

/// Whether `text` holds a match of `source` (compiled on first use).
pub fn is_match(source: &str, text: &str) -> Result<bool, String> {
    let regex = {
        let mut cache = cache().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match cache.get(source) {
            Some(regex) => Arc::clone(regex),
            None => {
                let regex = Arc::new(compile(source)?);
                cache.insert(source.to_owned(), Arc::clone(&regex));
                regex
            }
        }
    };
    Ok(regex.find(text).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecma_syntax_searches_unanchored() {
        assert_eq!(is_match("^\\d{3}$", "123"), Ok(true));
        assert_eq!(is_match("^\\d{3}$", "1234"), Ok(false));
        assert_eq!(is_match("b", "abc"), Ok(true));
        // ECMA-262: `\d` is ASCII only.
        assert_eq!(is_match("^\\d$", "٣"), Ok(false));
        assert_eq!(is_match("^\\p{L}+$", "héllo"), Ok(true), "the `u` flag: \\p is a property escape");
        assert_eq!(is_match("^a\\-b$", "a-b"), Ok(true), "an identity escape, valid without `u`");
        assert!(unsupported("(").is_some());
        assert!(unsupported("^[a-z]+$").is_none());
    }
}
