use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;

/// serde_dynamo's item for `value`, in the SDK's types (what daplug wrote before this codec).
fn reference<T: Serialize>(value: &T) -> Item {
    let item: serde_dynamo::Item = serde_dynamo::to_item(value).expect("serde_dynamo serialises it");
    item.into()
}

fn same<T: Serialize>(value: &T) {
    assert_eq!(to_item(value).expect("direct codec serialises it"), reference(value));
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Everything {
    text: String,
    flag: bool,
    small: i8,
    int: i32,
    long: i64,
    unsigned: u64,
    float: f32,
    double: f64,
    not_a_number: f64,
    infinite: f32,
    letter: char,
    nothing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
    some: Option<Box<Everything>>,
    list: Vec<Option<i32>>,
    bytes: Vec<u8>,
    tuple: (u8, String),
    unit: (),
    by_name: BTreeMap<String, Vec<String>>,
    by_number: HashMap<i32, bool>,
    by_flag: BTreeMap<bool, u8>,
    json: serde_json::Value,
    shapes: Vec<Shape>,
    tagged: Vec<Tagged>,
    untagged: Vec<Untagged>,
    newtype: Meters,
    strings: serde_dynamo::string_set::StringSet<Vec<String>>,
    numbers: serde_dynamo::number_set::NumberSet<Vec<i64>>,
}

#[derive(Serialize)]
struct Meters(f64);

#[derive(Serialize)]
enum Shape {
    Point,
    Circle(f64),
    Pair(i32, i32),
    Rect { w: u32, h: u32 },
}

#[derive(Serialize)]
#[serde(tag = "kind")]
enum Tagged {
    Card { last4: String },
    Wire(Wire),
    Nothing,
}

#[derive(Serialize)]
struct Wire {
    iban: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Untagged {
    Number(i64),
    Text(String),
    Object(Wire),
}

fn everything(some: Option<Box<Everything>>) -> Everything {
    Everything {
        text: "héllo \u{1F600}".into(),
        flag: true,
        small: -8,
        int: i32::MIN,
        long: i64::MAX,
        unsigned: u64::MAX,
        float: 0.1,
        double: 12.50,
        not_a_number: f64::NAN,
        infinite: f32::INFINITY,
        letter: 'ß',
        nothing: None,
        skipped: None,
        some,
        list: vec![Some(1), None],
        bytes: vec![0, 255],
        tuple: (7, "x".into()),
        unit: (),
        by_name: BTreeMap::from([("a".into(), vec!["b".into()]), ("".into(), vec![])]),
        by_number: HashMap::from([(-3, true), (4, false)]),
        by_flag: BTreeMap::from([(true, 1)]),
        json: json!({"n": [1, -2.5, 1e300, null, {"deep": {"er": "x"}}], "b": false, "s": ""}),
        shapes: vec![Shape::Point, Shape::Circle(1.5), Shape::Pair(1, 2), Shape::Rect { w: 3, h: 4 }],
        tagged: vec![Tagged::Card { last4: "4242".into() }, Tagged::Wire(Wire { iban: "DE".into() }), Tagged::Nothing],
        untagged: vec![Untagged::Number(3), Untagged::Text("t".into()), Untagged::Object(Wire { iban: "FR".into() })],
        newtype: Meters(3.25),
        strings: serde_dynamo::string_set::StringSet(vec!["a".into(), "b".into()]),
        numbers: serde_dynamo::number_set::NumberSet(vec![1, 2]),
    }
}

#[test]
fn writes_what_serde_dynamo_writes_for_every_shape() {
    same(&everything(Some(Box::new(everything(None)))));
    same(&json!({"pk": "a", "nested": {"list": [[], {}, [1, "2"]]}}));
    same(&BTreeMap::from([("k", 1)]));
}

#[test]
fn refuses_what_is_not_a_map_and_keys_that_are_not_text() {
    assert!(to_item(&3).unwrap_err().to_string().contains("expected a map"));
    assert!(to_item(&vec![1]).is_err());
    let float_keys = vec![(1.5_f64, 1)];
    struct FloatKeys(Vec<(f64, i32)>);
    impl Serialize for FloatKeys {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    assert!(to_item(&FloatKeys(float_keys)).unwrap_err().to_string().contains("Key must be a string"));
}

#[test]
fn a_serialisation_error_is_returned() {
    #[derive(Serialize)]
    #[serde(tag = "kind")]
    enum BadTag {
        Text(String),
    }
    #[derive(Serialize)]
    struct Holder {
        bad: BadTag,
    }
    assert!(to_item(&Holder { bad: BadTag::Text("x".into()) }).is_err());
}

#[test]
fn writes_128_bit_integers_which_serde_dynamo_refuses() {
    let item = to_item(&BTreeMap::from([("n", i128::MIN)])).unwrap();
    assert_eq!(item["n"], AttributeValue::N("-170141183460469231731687303715884105728".into()));
}

#[test]
fn generated_item_is_the_item() {
    assert_eq!(generated_item(&json!({"a": 1})), reference(&json!({"a": 1})));
}

/// What serde_dynamo reads from `item` (what daplug read before this codec), with the path.
fn reference_read<T: serde::de::DeserializeOwned>(item: Item) -> Result<T, (String, String)> {
    let item: serde_dynamo::Item = item.into();
    let deserializer = serde_dynamo::Deserializer::from_attribute_value(serde_dynamo::AttributeValue::M(item.into()));
    crate::codec::json::deserialize(deserializer).map_err(|(path, err)| (path, err.to_string()))
}

/// What the JSON path (`Model::from_json`) reads from the same item written as JSON: the reference
/// for messages, so that one mistake has one message whichever way it is read. `None` when the item
/// has no JSON form (a non-finite number, nesting beyond the limit, `Null(false)`).
fn json_read<T: serde::de::DeserializeOwned>(item: &Item) -> Option<Result<T, (String, String)>> {
    let json = to_json(item).ok()?;
    Some(crate::codec::json::deserialize(&json).map_err(|(path, err)| (path, err.to_string())))
}

/// The item's error against the JSON path's: the same path and message; for an item with no JSON
/// form, the same path as the path tracker finds.
fn same_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(what: &str, item: Item) {
    let direct = read::<T>(item.clone()).expect_err(what);
    match json_read::<T>(&item) {
        Some(reference) => assert_eq!(direct, reference.expect_err(what), "{what}"),
        None => assert_eq!(direct.0, reference_read::<T>(item).expect_err(what).0, "{what}"),
    }
}

fn read<T: serde::de::DeserializeOwned>(item: Item) -> Result<T, (String, String)> {
    from_item(item).map_err(|(path, err)| (path, err.to_string()))
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    pk: String,
    qty: i32,
    big: u64,
    price: Option<f64>,
    ratio: f32,
    flag: bool,
    letter: char,
    #[serde(default)]
    missing: Option<String>,
    nothing: Option<i64>,
    lines: Vec<Line>,
    by_name: BTreeMap<String, i64>,
    by_number: BTreeMap<u16, String>,
    by_flag: BTreeMap<bool, String>,
    by_state: BTreeMap<State, i64>,
    json: serde_json::Value,
    shapes: Vec<ReadShape>,
    tagged: Vec<ReadTagged>,
    untagged: Vec<ReadUntagged>,
    tuple: (u8, String),
    unit: (),
    newtype: ReadMeters,
    #[serde(with = "serde_dynamo::string_set")]
    strings: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Line {
    sku: String,
    qty: i32,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
enum State {
    Open,
    Closed,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ReadMeters(f64);

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum ReadShape {
    Point,
    Circle(f64),
    Pair(i32, i32),
    Rect { w: u32, h: u32 },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
enum ReadTagged {
    Card { last4: String },
    Wire(Line),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum ReadUntagged {
    Number(i64),
    Text(String),
    Object(Line),
}

fn order() -> Order {
    Order {
        pk: "p".into(),
        qty: -3,
        big: u64::MAX,
        price: Some(12.5),
        ratio: 0.1,
        flag: true,
        letter: 'ß',
        missing: None,
        nothing: None,
        lines: vec![Line { sku: "a".into(), qty: 1 }, Line { sku: "b".into(), qty: 2 }],
        by_name: BTreeMap::from([("x".into(), 1)]),
        by_number: BTreeMap::from([(7, "seven".into())]),
        by_flag: BTreeMap::from([(false, "no".into())]),
        by_state: BTreeMap::from([(State::Open, 1)]),
        json: json!({"a": [1, -2, 2.5, u64::MAX, null, true, {"b": "c"}]}),
        shapes: vec![ReadShape::Point, ReadShape::Circle(1.5), ReadShape::Pair(1, 2), ReadShape::Rect { w: 3, h: 4 }],
        tagged: vec![ReadTagged::Card { last4: "4242".into() }, ReadTagged::Wire(Line { sku: "w".into(), qty: 9 })],
        untagged: vec![
            ReadUntagged::Number(3),
            ReadUntagged::Text("t".into()),
            ReadUntagged::Object(Line { sku: "o".into(), qty: 0 }),
        ],
        tuple: (7, "x".into()),
        unit: (),
        newtype: ReadMeters(3.25),
        strings: vec!["a".into(), "b".into()],
    }
}

#[test]
fn reads_what_serde_dynamo_reads() {
    let item = to_item(&order()).unwrap();
    let direct: Order = read(item.clone()).unwrap();
    assert_eq!(direct, order());
    assert_eq!(Ok(direct), reference_read::<Order>(item));
}

#[test]
fn errors_name_the_same_path_with_the_same_message() {
    let s = |v: &str| AttributeValue::S(v.into());
    let n = |v: &str| AttributeValue::N(v.into());
    let mut cases: Vec<(&str, Item)> = Vec::new();
    let base = to_item(&order()).unwrap();
    let with = |name: &str, value: AttributeValue| {
        let mut item = base.clone();
        item.insert(name.to_owned(), value);
        item
    };
    cases.push(("string for a number", with("qty", s("three"))));
    cases.push(("bad number text", with("qty", n("1.5"))));
    cases.push(("number too big", with("qty", n("99999999999"))));
    cases.push(("bad float", with("price", n("abc"))));
    cases.push(("map for a string", with("pk", AttributeValue::M(HashMap::new()))));
    cases.push(("list for a map", with("by_name", AttributeValue::L(vec![]))));
    cases.push(("number for a bool", with("flag", n("1"))));
    cases.push(("long char", with("letter", s("ab"))));
    cases.push(("empty char", with("letter", s(""))));
    cases.push(("null false for a unit", with("unit", AttributeValue::Null(false))));
    cases.push(("bad map key", with("by_number", AttributeValue::M(HashMap::from([("x".into(), s("y"))])))));
    cases.push(("bad bool key", with("by_flag", AttributeValue::M(HashMap::from([("yes".into(), s("y"))])))));
    cases.push(("unknown variant", with("shapes", AttributeValue::L(vec![s("Hexagon")]))));
    cases.push((
        "two-key variant",
        with(
            "shapes",
            AttributeValue::L(vec![AttributeValue::M(HashMap::from([
                ("Circle".into(), n("1")),
                ("Pair".into(), n("2")),
            ]))]),
        ),
    ));
    cases.push(("bool for an enum", with("shapes", AttributeValue::L(vec![AttributeValue::Bool(true)]))));
    cases.push((
        "nested",
        with(
            "lines",
            AttributeValue::L(vec![AttributeValue::M(HashMap::from([("sku".into(), s("a")), ("qty".into(), s("x"))]))]),
        ),
    ));
    cases.push(("untagged mismatch", with("untagged", AttributeValue::L(vec![AttributeValue::Bool(true)]))));
    cases.push((
        "bad tag",
        with("tagged", AttributeValue::L(vec![AttributeValue::M(HashMap::from([("kind".into(), s("Cash"))]))])),
    ));
    cases.push(("bad set", with("strings", n("1"))));
    let mut missing = base.clone();
    missing.remove("pk");
    cases.push(("missing field", missing));
    for (what, item) in cases {
        same_error::<Order>(what, item);
    }
    // Both ways, a string where a number belongs is serde's own message, not a second one.
    let (_, message) = read::<Order>(with("qty", s("ten"))).unwrap_err();
    assert_eq!(message, r#"invalid type: string "ten", expected i32"#);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Priced {
    total: super::decimal::Decimal,
    lines: Vec<super::decimal::Decimal>,
    maybe: Option<super::decimal::Decimal>,
}

#[test]
fn decimals_are_their_n_text_both_ways() {
    let texts = ["12.50", "-12345678901234567890123456789012345678", "1.5e-7", "1E+125", "0.0"];
    for text in texts {
        let priced = Priced { total: text.parse().unwrap(), lines: vec![text.parse().unwrap()], maybe: None };
        let item = to_item(&priced).unwrap();
        assert_eq!(item["total"], AttributeValue::N(text.into()));
        assert_eq!(item["lines"], AttributeValue::L(vec![AttributeValue::N(text.into())]));
        let back: Priced = from_item(item).unwrap();
        assert_eq!(back.total.as_str(), text, "the text is kept, not only the value");
        assert_eq!(back.lines[0].as_str(), text);
        assert_eq!(back, priced);
    }
    // serde_json's own raw fragments are numbers only.
    let raw = serde_json::value::RawValue::from_string("2.50".into()).unwrap();
    assert_eq!(raw.serialize(ser::AttributeSerializer::PLAIN).unwrap(), AttributeValue::N("2.50".into()));
    let raw = serde_json::value::RawValue::from_string("{}".into()).unwrap();
    assert!(raw.serialize(ser::AttributeSerializer::PLAIN).is_err());
}

#[test]
fn a_decimal_read_from_a_non_number_names_the_path() {
    // One bad attribute at a time: fields are read in the item's (hash map) order.
    let mut item = Item::from([
        ("total".to_owned(), AttributeValue::S("12.50".into())),
        ("lines".to_owned(), AttributeValue::L(vec![AttributeValue::N("1".into())])),
    ]);
    let (path, _) = read::<Priced>(item.clone()).unwrap_err();
    assert_eq!(path, "total");
    item.insert("total".into(), AttributeValue::N("1".into()));
    item.insert(
        "lines".into(),
        AttributeValue::L(vec![AttributeValue::N("1".into()), AttributeValue::N("NaN".into())]),
    );
    let (path, message) = read::<Priced>(item).unwrap_err();
    assert_eq!(path, "lines[1]");
    assert!(message.contains("NaN"), "{message}");
}

#[test]
fn items_read_as_json_as_serde_dynamo_reads_them() {
    let item = Item::from([
        ("pk".to_owned(), AttributeValue::S("a".into())),
        ("n".to_owned(), AttributeValue::N("2".into())),
        ("f".to_owned(), AttributeValue::N("-2.5".into())),
        ("tags".to_owned(), AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)])),
        ("set".to_owned(), AttributeValue::Ss(vec!["x".into()])),
    ]);
    let json = to_json(&item).unwrap();
    assert_eq!(json, json!({"pk": "a", "n": 2, "f": -2.5, "tags": [true, null], "set": ["x"]}));
    let reference: serde_json::Value = serde_dynamo::from_item(serde_dynamo::Item::from(item.clone())).unwrap();
    assert_eq!(json, reference);
    assert_eq!(attribute_to_json(&item["n"]).unwrap(), json!(2));
    assert_eq!(to_attribute_value(&json["pk"]).unwrap(), AttributeValue::S("a".into()));
}

/// Every shape whose errors the path tracker names in its own way: variants (both forms), sets,
/// keys that are not plain strings, buffered enums, decimals, nesting and floats.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Shapes {
    #[serde(default)]
    shape: Option<ReadShape>,
    #[serde(default)]
    tagged: Option<ReadTagged>,
    #[serde(default)]
    untagged: Option<ReadUntagged>,
    #[serde(default)]
    lines: BTreeMap<String, Line>,
    #[serde(default)]
    by_code: BTreeMap<Code, i64>,
    #[serde(default)]
    by_state: BTreeMap<State, i64>,
    #[serde(default)]
    strict: Option<Strict>,
    #[serde(default, with = "serde_dynamo::number_set")]
    floats: Vec<f64>,
    #[serde(default, with = "serde_dynamo::string_set")]
    words: Vec<String>,
    #[serde(default)]
    counts: Option<Vec<i64>>,
    #[serde(default)]
    single: Option<f32>,
    #[serde(default)]
    double: Option<f64>,
    #[serde(default)]
    json: Option<serde_json::Value>,
    #[serde(default)]
    total: Option<super::decimal::Decimal>,
    #[serde(default)]
    pair: Option<(u8, Line)>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Code(String);

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    a: i32,
}

fn nest(levels: usize, inner: AttributeValue) -> AttributeValue {
    (0..levels).fold(inner, |value, _| AttributeValue::M(HashMap::from([("x".to_owned(), value)])))
}

#[test]
fn errors_name_the_tracker_s_path_on_every_shape() {
    let s = |v: &str| AttributeValue::S(v.into());
    let n = |v: &str| AttributeValue::N(v.into());
    let m = |entries: Vec<(&str, AttributeValue)>| {
        AttributeValue::M(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let l = AttributeValue::L;
    let line = |qty: AttributeValue| m(vec![("sku", s("a")), ("qty", qty)]);
    let cases: Vec<(&str, &str, AttributeValue)> = vec![
        ("newtype variant as its name", "shape", s("Circle")),
        ("tuple variant as its name", "shape", s("Pair")),
        ("struct variant as its name", "shape", s("Rect")),
        ("newtype variant content", "shape", m(vec![("Circle", s("round"))])),
        ("tuple variant element", "shape", m(vec![("Pair", l(vec![n("1"), s("2")]))])),
        ("tuple variant length", "shape", m(vec![("Pair", l(vec![n("1")]))])),
        ("struct variant field", "shape", m(vec![("Rect", m(vec![("w", n("1")), ("h", n("-1"))]))])),
        ("struct variant missing field", "shape", m(vec![("Rect", m(vec![("w", n("1"))]))])),
        ("unknown variant", "shape", m(vec![("Hexagon", n("1"))])),
        ("empty variant map", "shape", m(vec![])),
        ("internally tagged content", "tagged", m(vec![("kind", s("Wire")), ("sku", s("a")), ("qty", s("x"))])),
        ("internally tagged without tag", "tagged", m(vec![("sku", s("a"))])),
        ("untagged with a non-finite float", "untagged", m(vec![("sku", s("a")), ("qty", n("1e999"))])),
        ("map of structs", "lines", m(vec![("first", line(s("x")))])),
        ("map value not a map", "lines", m(vec![("first", n("1"))])),
        ("newtype key's value", "by_code", m(vec![("c", s("x"))])),
        ("unknown enum key", "by_state", m(vec![("Pending", n("1"))])),
        ("enum key's value", "by_state", m(vec![("Open", s("x"))])),
        ("unknown field", "strict", m(vec![("a", n("1")), ("b", n("2"))])),
        ("NaN in a number set", "floats", AttributeValue::Ns(vec!["1".into(), "NaN".into()])),
        ("bad number in a number set", "floats", AttributeValue::Ns(vec!["x".into()])),
        ("number set for a string set", "words", AttributeValue::Ns(vec!["1".into()])),
        ("string set for a list of numbers", "counts", AttributeValue::Ss(vec!["a".into()])),
        ("number set for a list of numbers, bad element", "counts", AttributeValue::Ns(vec!["1".into(), "1.5".into()])),
        ("f32 out of range", "single", n("3.5e38")),
        ("f64 infinite", "double", n("1e999")),
        ("f64 NaN", "double", n("NaN")),
        ("json infinite", "json", m(vec![("a", l(vec![n("1"), n("-1e999")]))])),
        ("json nested too deep", "json", nest(40, n("1"))),
        ("json at the limit, then one more", "json", nest(31, m(vec![("y", n("1"))]))),
        ("list nested too deep", "json", (0..40).fold(n("1"), |v, _| l(vec![v]))),
        ("decimal from a string", "total", s("12.50")),
        ("decimal NaN", "total", n("NaN")),
        ("tuple element", "pair", l(vec![n("1"), line(s("x"))])),
        ("tuple too short", "pair", l(vec![n("1")])),
        ("null false", "double", AttributeValue::Null(false)),
    ];
    for (what, attribute, value) in cases {
        same_error::<Shapes>(what, Item::from([(attribute.to_owned(), value)]));
    }
    // And what must still read.
    let item = Item::from([
        ("floats".to_owned(), AttributeValue::Ns(vec!["1.5".into()])),
        ("json".to_owned(), nest(31, n("1"))),
        ("by_code".to_owned(), m(vec![("c", n("1"))])),
        ("by_state".to_owned(), m(vec![("Open", n("1"))])),
        ("shape".to_owned(), s("Point")),
    ]);
    assert_eq!(read::<Shapes>(item.clone()), reference_read::<Shapes>(item));
}

#[test]
fn nesting_is_bounded_without_recursing_into_the_rest() {
    // Far deeper than the limit: refused at the limit, with the path to it.
    let item = Item::from([("json".to_owned(), nest(5_000, AttributeValue::Null(true)))]);
    let (path, message) = read::<Shapes>(item).unwrap_err();
    assert_eq!(path, format!("json{}", ".x".repeat(crate::codec::limits::MAX_DEPTH)));
    assert!(message.contains("nested deeper"), "{message}");
}

/// What `limits::check_item` says of the plain item: the walk the checked serializer replaces.
fn walked<T: Serialize>(value: &T) -> Result<Item, (String, String)> {
    let item = to_item(value).expect("the plain serializer writes it");
    crate::codec::limits::check_item(&item).map(|()| item)
}

fn checked<T: Serialize>(value: &T) -> Result<Item, (String, String)> {
    to_checked_item(value).map_err(|err| (err.limit_path().expect("a limit error"), err.to_string()))
}

#[derive(Serialize)]
enum Wrapped {
    One(f64),
    Two(i32, f64),
    Named { x: f64 },
}

#[test]
fn checked_items_refuse_what_the_limits_walk_refuses_at_the_same_path() {
    let deep = |levels: usize| (0..levels).fold(json!(1), |value, _| json!({ "x": value }));
    let deep_list = |levels: usize| (0..levels).fold(json!(1), |value, _| json!([value]));
    let raw = |text: &str| serde_json::value::RawValue::from_string(text.into()).unwrap();
    let floats = [
        0.0,
        -0.0,
        1.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e200,
        -1e200,
        1e-200,
        f64::MIN_POSITIVE,
        9.9e125,
        1e126_f64.next_down(),
        1e126,
        1e-129,
        1e-130,
        1e-130_f64.next_up(),
        1e-130_f64.next_down(),
        9.9e-131,
        f64::MAX,
    ];
    type Written = Result<Item, (String, String)>;
    let mut cases: Vec<(String, Written, Written)> = Vec::new();
    for x in floats {
        let value = BTreeMap::from([("f", x)]);
        cases.push((format!("float {x:e}"), checked(&value), walked(&value)));
        let value = BTreeMap::from([("l", vec![vec![1.0, x]])]);
        cases.push((format!("float {x:e} in a list"), checked(&value), walked(&value)));
        let value = BTreeMap::from([("v", vec![Wrapped::One(x), Wrapped::Two(1, x), Wrapped::Named { x }])]);
        cases.push((format!("float {x:e} in variants"), checked(&value), walked(&value)));
        let value = BTreeMap::from([("f32", x as f32)]);
        cases.push((format!("f32 {x:e}"), checked(&value), walked(&value)));
        let value = BTreeMap::from([("set", serde_dynamo::number_set::NumberSet(vec![1.0, x]))]);
        cases.push((format!("float {x:e} in a number set"), checked(&value), walked(&value)));
    }
    for levels in [30, 31, 32, 33, 40] {
        let value = json!({ "deep": deep(levels) });
        cases.push((format!("{levels} maps"), checked(&value), walked(&value)));
        let value = json!({ "deep": deep_list(levels) });
        cases.push((format!("{levels} lists"), checked(&value), walked(&value)));
        let value = BTreeMap::from([("v", (0..levels).fold(Vec::new(), |_, _| vec![Wrapped::Two(1, 2.0)]))]);
        cases.push((format!("{levels} variants"), checked(&value), walked(&value)));
    }
    let value = json!({ "deep": deep(31), "fine": 1 });
    cases.push(("a map at the limit".into(), checked(&value), walked(&value)));
    let value = BTreeMap::from([("wide", i128::MIN)]);
    cases.push(("39 digits".into(), checked(&value), walked(&value)));
    let value = BTreeMap::from([("wide", 10i128.pow(37))]);
    cases.push(("38 digits".into(), checked(&value), walked(&value)));
    for text in ["1e999", "1e-999", "12.50", "123456789012345678901234567890123456789"] {
        let value = BTreeMap::from([("raw", raw(text))]);
        cases.push((format!("raw {text}"), checked(&value), walked(&value)));
    }
    let mut refused = 0;
    for (what, checked, walked) in cases {
        assert_eq!(checked, walked, "{what}");
        refused += usize::from(checked.is_err());
    }
    assert!(refused > 40, "the cases must include refusals ({refused})");
}

#[test]
fn checked_and_plain_items_are_the_same_item() {
    assert_eq!(to_checked_item(&order()).unwrap(), to_item(&order()).unwrap());
    assert_eq!(to_checked_item(&everything_storable()).unwrap(), reference(&everything_storable()));
}

/// [`everything`] without the values DynamoDB cannot store.
fn everything_storable() -> Everything {
    let storable = |some| Everything {
        not_a_number: 0.5,
        infinite: -2.0,
        json: json!({"n": [1, -2.5, 1e100, null, {"deep": {"er": "x"}}], "b": false, "s": ""}),
        ..everything(some)
    };
    storable(Some(Box::new(storable(None))))
}

/// Bytes written as a binary (`B`) and read back from one, as `serde_bytes` does it.
#[derive(Debug, Clone, PartialEq)]
struct Binary(Vec<u8>);

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Binary;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary(v.to_vec()))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Sets {
    #[serde(with = "serde_dynamo::string_set")]
    strings: Vec<String>,
    #[serde(with = "serde_dynamo::number_set")]
    numbers: Vec<f64>,
    #[serde(with = "serde_dynamo::binary_set")]
    binaries: Vec<Binary>,
    one: Binary,
}

#[test]
fn sets_and_binaries_are_written_and_read_as_serde_dynamo_does_without_it() {
    let sets = Sets {
        strings: vec!["a".into(), "b".into()],
        numbers: vec![1.5, -2.0, 1e-7],
        binaries: vec![Binary(vec![0, 255]), Binary(vec![])],
        one: Binary(b"\x01\x02".to_vec()),
    };
    let item = to_item(&sets).unwrap();
    assert_eq!(item, reference(&sets));
    assert_eq!(item["binaries"], AttributeValue::Bs(vec![vec![0, 255].into(), vec![].into()]));
    assert_eq!(item["one"], AttributeValue::B(vec![1, 2].into()));
    let back: Sets = from_item(item.clone()).unwrap();
    assert_eq!(back.strings, sets.strings);
    assert_eq!(back.numbers, sets.numbers);
    assert_eq!(back.binaries, sets.binaries);
    assert_eq!(back.one, sets.one);
    // JSON has no binaries: reading one as JSON is refused, with serde_dynamo's message.
    let json = to_json(&item).unwrap_err().to_string();
    let reference_json = serde_dynamo::from_item::<_, serde_json::Value>(serde_dynamo::Item::from(item)).unwrap_err();
    assert_eq!(json, reference_json.to_string());
    // A set nested in a map is a set too, and its numbers are checked as any number is.
    let nested = BTreeMap::from([("n".to_owned(), serde_dynamo::number_set::NumberSet(vec![1_i64, 2]))]);
    assert_eq!(to_item(&nested).unwrap(), reference(&nested));
    let bad = BTreeMap::from([("n".to_owned(), serde_dynamo::number_set::NumberSet(vec![1.0, f64::NAN]))]);
    assert_eq!(checked(&bad).unwrap_err().0, "n[1]");
}

#[test]
fn what_cannot_be_a_set_is_refused_with_serde_dynamo_s_message() {
    fn same_error<T: Serialize>(value: &T) {
        let direct = to_attribute_value(value).unwrap_err().to_string();
        let reference =
            serde_dynamo::to_attribute_value::<_, AttributeValue>(value).map(|_| ()).unwrap_err().to_string();
        assert_eq!(direct, reference);
    }
    same_error(&serde_dynamo::string_set::StringSet(vec![1, 2]));
    same_error(&serde_dynamo::number_set::NumberSet(vec!["x"]));
    same_error(&serde_dynamo::binary_set::BinarySet(vec!["x"]));
    same_error(&serde_dynamo::string_set::StringSet("not a list"));
    // Something else read where a binary is expected: serde's message, naming the visitor's type.
    let item = Item::from([("one".to_owned(), AttributeValue::S("x".into()))]);
    let read = |item: Item| from_item::<BTreeMap<String, Binary>>(item).map_err(|(path, err)| (path, err.to_string()));
    assert_eq!(read(item), Err(("one".into(), r#"invalid type: string "x", expected bytes"#.into())));
}
