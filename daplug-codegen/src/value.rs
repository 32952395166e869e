//! The spec document as a tree: [`Value`], read from YAML or JSON text by [`parse`].
//!
//! daplug walks the document itself instead of deserialising it into a typed OpenAPI model (see
//! `spec.rs`), so it needs a tree that (1) keeps the file's key order, because struct fields and
//! enum variants follow it; (2) never fails on a value it does not use: a number is kept as the text
//! written (`minimum: -9223372036854776000` in OpenAI's spec, `1e999`), so a keyword the generator
//! ignores cannot make a spec unreadable, and a number it does use (`const: 1`, an integer `enum`) is
//! converted where it is used, with an error naming its pointer; (3) has string keys only (YAML's
//! `200:` response codes become `"200"`), which is what JSON pointers address.
//!
//! The reader is `yaml-rust2`: a maintained pure-Rust YAML 1.2 parser (JSON is YAML 1.2, so one reader
//! takes both) that reports numbers as their text when they do not fit an `i64`. `serde_yaml` 0.9,
//! used before, is deprecated and rejects integers beyond 64 bits while building its own tree (its
//! successors inherit that); a serde-free reader also keeps the proc-macro's build small.
//!
//! YAML aliases (`*x`) are expanded into copies of their anchor's node, so nine nested levels of ten
//! aliases each ("billion laughs") would ask for 10⁹ nodes and exhaust the compiler's memory. The
//! tree is built from the parser's events (`Loader`), counting its nodes as it grows, an alias as
//! the size of its anchor's node, and an alias that would take the count past
//! [`MAX_EXPANDED_NODES`] is not expanded: the document is refused with a message, having cost no
//! more than the largest one accepted. The text is read once: reading it is most of what the macro
//! does with a large spec (unoptimised, as proc macros are in a debug build).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::{ScanError, Yaml};

/// The most nodes (scalars, keys, lists and maps) a document may hold once its YAML aliases are
/// expanded. The largest public specs daplug compiles hold a few hundred thousand.
pub const MAX_EXPANDED_NODES: usize = 2_000_000;

/// One node of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string.
    String(String),
    /// A list.
    Sequence(Vec<Value>),
    /// A map with string keys, in file order.
    Mapping(Mapping),
}

/// A number exactly as the file spells it (`12.50`, `-9223372036854776000`, `1e999`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The text as written.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as a `u64`, when it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// The value as a finite `f64`, when it has one.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

/// A map with string keys that keeps insertion order. Lookups are linear: maps in specs are small,
/// except `components/schemas`, which the lowering reads by name once per reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    entries: Vec<(String, Value)>,
}

impl Mapping {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, keeping its position when it already exists.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, old)) => *old = value,
            None => self.entries.push((key.to_owned(), value)),
        }
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(at).1)
    }

    /// Entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keys in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Values in file order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// The member `key` of a map (`None` for other nodes).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_mapping()?.get(key)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is one in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The list, if this is one.
    pub fn as_sequence(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// True for a list.
    pub fn is_sequence(&self) -> bool {
        matches!(self, Value::Sequence(_))
    }

    /// A short name of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a map",
        }
    }
}

/// Parses YAML or JSON text into one document. An empty file is `Null`; a file with several YAML
/// documents is refused (a spec is one document).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut loader = Loader::default();
    Parser::new_from_str(text).load(&mut loader, true).map_err(|err| err.to_string())?;
    loader.finish()
}

/// Builds the documents from the parser's events as yaml-rust2's `YamlLoader` does (the same scalar
/// types, a duplicated key refused) but straight into [`Value`]s, and counts their nodes on the way:
/// an alias adds the size of the node its anchor names, and once the count passes
/// [`MAX_EXPANDED_NODES`] (before the alias that takes it there is copied) nothing more is built.
#[derive(Default)]
struct Loader {
    /// The lists and maps being read, innermost last.
    open: Vec<Open>,
    /// Each anchored node read so far, with its size in nodes.
    anchors: HashMap<usize, (Value, usize)>,
    /// The current document's node, once read.
    root: Option<Value>,
    /// Each document read: its node, or the first value in it a [`Value`] cannot hold.
    docs: Vec<Result<Value, String>>,
    /// The first value of the current document a [`Value`] cannot hold (a key that is not a scalar,
    /// text its `!!` tag's type cannot hold).
    invalid: Option<String>,
    /// The nodes read so far, aliases counted as expanded.
    nodes: usize,
    /// The first duplicated key, as yaml-rust2 words it.
    duplicate: Option<String>,
}

/// A list or a map being read.
struct Open {
    node: OpenNode,
    /// Its anchor (0: none).
    anchor: usize,
    /// The nodes read before it (its size is the count when it closes, less this).
    start: usize,
}

/// What a list or a map being read holds so far.
enum OpenNode {
    Sequence(Vec<Value>),
    /// The map so far, its keys as read (to refuse a duplicate as yaml-rust2 does: `1` and `"1"`
    /// differ), and the key waiting for its value, with its text.
    Mapping(Mapping, Vec<Value>, Option<(Value, String)>),
}

impl Loader {
    /// `value` read (`size` nodes): the current document's node, a list's next item, or a map's next
    /// key or value.
    fn add(&mut self, value: Value, anchor: usize, size: usize, mark: Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), size));
        }
        let Some(open) = self.open.last_mut() else {
            self.root = Some(value);
            return;
        };
        match &mut open.node {
            OpenNode::Sequence(items) => items.push(value),
            OpenNode::Mapping(_, _, pending @ None) => {
                let text = match &value {
                    Value::String(text) => text.clone(),
                    Value::Number(number) => number.0.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_owned(),
                    other => {
                        self.invalid.get_or_insert_with(|| format!("map keys must be scalars, found {other:?}"));
                        String::new()
                    }
                };
                *pending = Some((value, text));
            }
            OpenNode::Mapping(map, keys, pending) => {
                let Some((key, text)) = pending.take() else { return };
                if keys.contains(&key) {
                    let message = format!("{key:?}: duplicated key in mapping");
                    self.duplicate.get_or_insert_with(|| ScanError::new_string(mark, message).to_string());
                    return;
                }
                keys.push(key);
                map.insert(&text, value);
            }
        }
    }

    /// The document, or why it is refused: first a count over [`MAX_EXPANDED_NODES`], then a
    /// duplicated key, then more than one document, then a value a [`Value`] cannot hold.
    fn finish(self) -> Result<Value, String> {
        if self.nodes > MAX_EXPANDED_NODES {
            return Err(format!(
                "its aliases expand to more than {MAX_EXPANDED_NODES} nodes (the limit of a spec once its aliases \
                 are expanded; nested aliases multiply)"
            ));
        }
        if let Some(duplicate) = self.duplicate {
            return Err(duplicate);
        }
        let mut docs = self.docs;
        match docs.len() {
            0 => Ok(Value::Null),
            1 => docs.pop().unwrap_or(Ok(Value::Null)),
            n => Err(format!("expected one YAML document, found {n}")),
        }
    }
}

impl MarkedEventReceiver for Loader {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.nodes > MAX_EXPANDED_NODES {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.nodes += 1;
                let value = scalar(text, style, tag).unwrap_or_else(|| {
                    self.invalid.get_or_insert_with(|| "invalid YAML value".to_owned());
                    Value::Null
                });
                self.add(value, anchor, 1, mark);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let node = match event {
                    Event::SequenceStart(..) => OpenNode::Sequence(Vec::new()),
                    _ => OpenNode::Mapping(Mapping::default(), Vec::new(), None),
                };
                self.open.push(Open { node, anchor, start: self.nodes });
                self.nodes += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.open.pop() {
                    let value = match open.node {
                        OpenNode::Sequence(items) => Value::Sequence(items),
                        OpenNode::Mapping(map, ..) => Value::Mapping(map),
                    };
                    self.add(value, open.anchor, self.nodes - open.start, mark);
                }
            }
            // The parser refuses an alias whose anchor it has not seen.
            Event::Alias(anchor) => {
                if let Some((value, size)) = self.anchors.get(&anchor) {
                    let size = *size;
                    self.nodes += size;
                    if self.nodes <= MAX_EXPANDED_NODES {
                        let value = value.clone();
                        self.add(value, 0, size, mark);
                    }
                }
            }
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or(Value::Null);
                self.docs.push(self.invalid.take().map_or(Ok(root), Err));
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
        if self.nodes > MAX_EXPANDED_NODES {
            // Refused (`finish`): what was built goes now.
            *self = Loader { nodes: self.nodes, ..Loader::default() };
        }
    }
}

/// A scalar's value as yaml-rust2's `YamlLoader` types it: a quoted or block scalar is a string, a
/// plain one takes the type YAML 1.2's core schema gives its text (`Yaml::from_str`) or the one its
/// `!!` tag names. `None` for text that tag's type cannot hold (`!!int x`).
fn scalar(text: String, style: TScalarStyle, tag: Option<Tag>) -> Option<Value> {
    if style != TScalarStyle::Plain {
        return Some(Value::String(text));
    }
    let typed = match tag {
        None => Yaml::from_str(&text),
        Some(tag) if tag.handle != "tag:yaml.org,2002:" => Yaml::String(text),
        Some(tag) => match tag.suffix.as_str() {
            "bool" => match text.as_str() {
                "true" | "True" | "TRUE" => Yaml::Boolean(true),
                "false" | "False" | "FALSE" => Yaml::Boolean(false),
                _ => Yaml::BadValue,
            },
            "int" => text.parse().map_or(Yaml::BadValue, Yaml::Integer),
            "float" if is_float(&text) => Yaml::Real(text),
            "float" => Yaml::BadValue,
            "null" if text == "~" || text == "null" => Yaml::Null,
            "null" => Yaml::BadValue,
            _ => Yaml::String(text),
        },
    };
    Some(match typed {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(Number(i.to_string())),
        Yaml::Real(text) => Value::Number(Number(text)),
        Yaml::String(text) => Value::String(text),
        _ => return None,
    })
}

/// Whether `!!float` text is a float, as yaml-rust2 decides: `.inf`, `.nan` and their spellings, or
/// Rust's float syntax with a digit in it (`inf` alone is not).
fn is_float(text: &str) -> bool {
    matches!(
        text,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN"
    ) || (text.bytes().any(|b| b.is_ascii_digit()) && text.parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let doc = parse("a: -9223372036854776000\nb: 1e999\nc: 12.50\nd: 7\n").expect("parses");
        let text = |k: &str| doc.get(k).and_then(Value::as_number).map(|n| n.text().to_owned());
        assert_eq!(text("a").as_deref(), Some("-9223372036854776000"));
        assert_eq!(text("b").as_deref(), Some("1e999"));
        assert_eq!(text("c").as_deref(), Some("12.50"));
        assert_eq!(doc.get("d").and_then(Value::as_u64), Some(7));
        assert_eq!(doc.get("a").and_then(Value::as_number).and_then(Number::as_i64), None);
        assert_eq!(doc.get("b").and_then(Value::as_number).and_then(Number::as_f64), None);
    }

    #[test]
    fn keys_keep_order_and_become_strings() {
        let doc = parse("z: 1\n200: ok\na: 2\n").expect("parses");
        let keys: Vec<&str> = doc.as_mapping().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(keys, ["z", "200", "a"]);
    }

    #[test]
    fn json_with_tabs_and_escapes() {
        let doc = parse("{\n\t\"a\": [1, 2.5, \"\\u00e9\\/\", true, null],\n\t\"b\": {}\n}").expect("parses");
        let a = doc.get("a").and_then(Value::as_sequence).expect("a");
        assert_eq!(a[2].as_str(), Some("é/"));
        assert!(a[4].is_null());
        assert!(doc.get("b").and_then(Value::as_mapping).is_some_and(Mapping::is_empty));
    }

    #[test]
    fn anchors_are_expanded() {
        let doc = parse("a: &x {type: string}\nb: *x\n").expect("parses");
        assert_eq!(doc.get("b").and_then(|b| b.get("type")).and_then(Value::as_str), Some("string"));
    }

    /// The nodes of `text` once its aliases are expanded.
    fn expanded_nodes(text: &str) -> usize {
        let mut loader = Loader::default();
        Parser::new_from_str(text).load(&mut loader, true).expect("parses");
        loader.nodes
    }

    #[test]
    fn aliases_are_counted_as_expanded_and_a_bomb_is_refused() {
        // The root map, then each key and its value: `[1, 2, 3]` is 4 nodes wherever it appears.
        assert_eq!(expanded_nodes("a: &x [1, 2, 3]\nb: *x\nc: [*x, *x]\n"), 1 + (1 + 4) + (1 + 4) + (1 + 1 + 4 + 4));
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..=9 {
            let below = format!("*l{}", level - 1);
            bomb.push_str(&format!("l{level}: &l{level} [{}]\n", vec![below; 10].join(", ")));
        }
        let started = std::time::Instant::now();
        let err = parse(&bomb).unwrap_err();
        assert!(err.contains("aliases expand to more than 2000000 nodes"), "{err}");
        assert!(started.elapsed().as_secs() < 5, "refused before expanding past the limit");
        // Below the limit, aliases still expand.
        let small = bomb.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(parse(&small).is_ok());
    }

    #[test]
    fn scalars_are_typed_as_yaml_rust2_types_them() {
        let doc = parse("a: !!int 5\nb: !!str 5\nc: '5'\nd: !!float .inf\ne: 0x1F\nf: ~\ng: TRUE\nh: !custom 5\n")
            .expect("parses");
        assert_eq!(doc.get("a").and_then(Value::as_u64), Some(5));
        for key in ["b", "c", "h"] {
            assert_eq!(doc.get(key).and_then(Value::as_str), Some("5"), "{key}");
        }
        assert_eq!(doc.get("d").and_then(Value::as_number).map(Number::text), Some(".inf"));
        assert_eq!(doc.get("e").and_then(Value::as_u64), Some(31));
        assert!(doc.get("f").is_some_and(Value::is_null));
        assert_eq!(doc.get("g"), Some(&Value::Bool(true)));
        assert_eq!(parse("a: !!int x\n").unwrap_err(), "invalid YAML value");
    }

    #[test]
    fn a_duplicated_key_is_refused() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert!(err.starts_with("String(\"a\"): duplicated key in mapping at byte"), "{err}");
        // `1` and `"1"` are different YAML keys but one text here: the later value stays.
        let doc = parse("1: a\n\"1\": b\n").expect("parses");
        assert_eq!(doc.get("1").and_then(Value::as_str), Some("b"));
        assert!(parse("? [a]\n: 1\n").unwrap_err().starts_with("map keys must be scalars"));
    }

    #[test]
    fn errors_are_messages() {
        assert!(parse("a: [").is_err());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
