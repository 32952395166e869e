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
//! document's size once expanded is counted from the parser's events first, without expanding
//! anything; a document over [`MAX_EXPANDED_NODES`] is refused with a message.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, EventReceiver, Parser};
use yaml_rust2::{Yaml, YamlLoader};

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
    let expanded = expanded_nodes(text)?;
    if expanded > MAX_EXPANDED_NODES {
        return Err(format!(
            "its aliases expand to more than {MAX_EXPANDED_NODES} nodes (the limit of a spec once its aliases \
             are expanded; nested aliases multiply)"
        ));
    }
    let docs = YamlLoader::load_from_str(text).map_err(|err| err.to_string())?;
    match docs.len() {
        0 => Ok(Value::Null),
        1 => convert(docs.into_iter().next().unwrap_or(Yaml::Null)),
        n => Err(format!("expected one YAML document, found {n}")),
    }
}

/// How many nodes `text` holds once its aliases are expanded (saturating), counted from the parser's
/// events: an alias counts as the size of the node its anchor names, nothing is copied.
fn expanded_nodes(text: &str) -> Result<usize, String> {
    let mut counter = NodeCounter::default();
    Parser::new_from_str(text).load(&mut counter, true).map_err(|err| err.to_string())?;
    Ok(counter.total)
}

/// Counts nodes while the parser reports them.
#[derive(Default)]
struct NodeCounter {
    /// The open lists and maps: their anchor (0 for none) and their size so far.
    open: Vec<(usize, usize)>,
    /// The expanded size of every anchored node closed so far.
    anchors: HashMap<usize, usize>,
    /// Nodes of the documents' roots.
    total: usize,
}

impl NodeCounter {
    fn closed(&mut self, anchor: usize, size: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, size);
        }
        match self.open.last_mut() {
            Some((_, parent)) => *parent = parent.saturating_add(size),
            None => self.total = self.total.saturating_add(size),
        }
    }
}

impl EventReceiver for NodeCounter {
    fn on_event(&mut self, event: Event) {
        match event {
            Event::Scalar(_, _, anchor, _) => self.closed(anchor, 1),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => self.open.push((anchor, 1)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    self.closed(anchor, size);
                }
            }
            Event::Alias(anchor) => {
                let size = self.anchors.get(&anchor).copied().unwrap_or(1);
                self.closed(0, size);
            }
            _ => {}
        }
    }
}

fn convert(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(Number(i.to_string())),
        Yaml::Real(text) => Value::Number(Number(text)),
        Yaml::String(s) => Value::String(s),
        Yaml::Array(items) => Value::Sequence(items.into_iter().map(convert).collect::<Result<_, _>>()?),
        Yaml::Hash(hash) => {
            let mut map = Mapping { entries: Vec::with_capacity(hash.len()) };
            for (key, value) in hash {
                let key = match key {
                    Yaml::String(s) | Yaml::Real(s) => s,
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    other => return Err(format!("map keys must be scalars, found {other:?}")),
                };
                map.insert(&key, convert(value)?);
            }
            Value::Mapping(map)
        }
        Yaml::Alias(_) => return Err("unresolved YAML alias".to_owned()),
        Yaml::BadValue => return Err("invalid YAML value".to_owned()),
    })
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

    #[test]
    fn aliases_are_counted_as_expanded_and_a_bomb_is_refused() {
        // The root map, then each key and its value: `[1, 2, 3]` is 4 nodes wherever it appears.
        assert_eq!(
            expanded_nodes("a: &x [1, 2, 3]\nb: *x\nc: [*x, *x]\n").unwrap(),
            1 + (1 + 4) + (1 + 4) + (1 + 1 + 4 + 4)
        );
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..=9 {
            let below = format!("*l{}", level - 1);
            bomb.push_str(&format!("l{level}: &l{level} [{}]\n", vec![below; 10].join(", ")));
        }
        let started = std::time::Instant::now();
        let err = parse(&bomb).unwrap_err();
        assert!(err.contains("aliases expand to more than 2000000 nodes"), "{err}");
        assert!(started.elapsed().as_secs() < 5, "refused without expanding");
        // Below the limit, aliases still expand.
        let small = bomb.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(parse(&small).is_ok());
    }

    #[test]
    fn errors_are_messages() {
        assert!(parse("a: [").is_err());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
