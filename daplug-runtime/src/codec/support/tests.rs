//! The generic impls against serde's derive: the same types written both ways (`derived::*` with
//! `#[derive(Serialize, Deserialize)]`, `table::*` through `StructDef` / `UnitEnum` as `schema!`
//! writes them), read from the same inputs and written back: the values, the errors and the output
//! must be equal.

use serde::de::value::MapDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod derived {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Pet {
        pub id: i64,
        #[serde(rename = "Name")]
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tag: Option<String>,
        pub note: Option<String>,
        pub owner: Owner,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kinds: Option<Vec<Kind>>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Owner {
        pub name: String,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Empty {}

    #[derive(Debug, Clone, Copy, Serialize, Deserialize)]
    pub enum Kind {
        #[serde(rename = "cat")]
        Cat,
        #[serde(rename = "dog")]
        Dog,
        Other,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Wide {
        pub a: i64,
        pub bb: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ccc: Option<i64>,
        pub d: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ee: Option<String>,
        pub f: bool,
        pub g: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hh: Option<bool>,
        pub i: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub jj: Option<Kind>,
        pub k: String,
    }
}

mod table {
    use super::super::{FieldList, Optional, Required, StructDef, UnitEnum};

    // A struct's fields are read by the reader both `Deserialize` and the item decoder use, so a
    // field's type reads both ways, as every generated type does.
    macro_rules! serde_impls {
        ($($name:ident),*) => {$(
            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    super::super::deserialize_struct(deserializer)
                }
            }

            impl super::super::Decode for $name {
                fn decode(
                    value: aws_sdk_dynamodb::types::AttributeValue,
                    depth: usize,
                ) -> Result<Self, crate::codec::de::DeError> {
                    super::super::decode_struct(value, depth)
                }
            }
        )*};
    }

    #[derive(Debug)]
    pub struct Pet {
        pub id: i64,
        pub name: String,
        pub tag: Option<String>,
        pub note: Option<String>,
        pub owner: Owner,
        pub kinds: Option<Vec<Kind>>,
    }

    impl StructDef for Pet {
        const NAME: &'static str = "Pet";
        const FIELDS: &'static [&'static str] = &["id", "Name", "tag", "note", "owner", "kinds"];
        type Fields = (
            Required<i64>,
            Required<String>,
            Optional<String>,
            Required<Option<String>>,
            Required<Owner>,
            Optional<Vec<Kind>>,
        );
        fn build((id, name, tag, note, owner, kinds): <Self::Fields as FieldList>::Values) -> Self {
            Pet { id, name, tag, note, owner, kinds }
        }
        fn field_index(key: &[u8]) -> Option<usize> {
            match key {
                b"id" => Some(0),
                b"Name" => Some(1),
                b"tag" => Some(2),
                b"note" => Some(3),
                b"owner" => Some(4),
                b"kinds" => Some(5),
                _ => None,
            }
        }
    }

    impl serde::Serialize for Pet {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::super::fields(serializer, "Pet", 4, &[self.tag.is_some(), self.kinds.is_some()])
                .field("id", &self.id)
                .field("Name", &self.name)
                .optional("tag", &self.tag)
                .field("note", &self.note)
                .field("owner", &self.owner)
                .optional("kinds", &self.kinds)
                .end()
        }
    }

    #[derive(Debug)]
    pub struct Owner {
        pub name: String,
    }

    impl StructDef for Owner {
        const NAME: &'static str = "Owner";
        const FIELDS: &'static [&'static str] = &["name"];
        type Fields = (Required<String>,);
        fn build((name,): (String,)) -> Self {
            Owner { name }
        }
        fn field_index(key: &[u8]) -> Option<usize> {
            match key {
                b"name" => Some(0),
                _ => None,
            }
        }
    }

    impl serde::Serialize for Owner {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::super::fields(serializer, "Owner", 1, &[]).field("name", &self.name).end()
        }
    }

    #[derive(Debug)]
    pub struct Empty {}

    impl StructDef for Empty {
        const NAME: &'static str = "Empty";
        const FIELDS: &'static [&'static str] = &[];
        type Fields = ();
        fn build((): ()) -> Self {
            Empty {}
        }
        fn field_index(_: &[u8]) -> Option<usize> {
            None
        }
    }

    impl serde::Serialize for Empty {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::super::fields(serializer, "Empty", 0, &[]).end()
        }
    }

    #[derive(Debug, Clone, Copy)]
    pub enum Kind {
        Cat,
        Dog,
        Other,
    }

    impl UnitEnum for Kind {
        const NAME: &'static str = "Kind";
        const VARIANTS: &'static [&'static str] = &["cat", "dog", "Other"];
        const IDENTS: &'static [&'static str] = &["Cat", "Dog", "Other"];
        const ALL: &'static [Self] = &[Kind::Cat, Kind::Dog, Kind::Other];
        fn index(self) -> usize {
            self as usize
        }
        fn variant_index(key: &[u8]) -> Option<usize> {
            match key {
                b"cat" => Some(0),
                b"dog" => Some(1),
                b"Other" => Some(2),
                _ => None,
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Kind {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::super::deserialize_unit_enum(deserializer)
        }
    }

    impl serde::Serialize for Kind {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::super::serialize_unit_enum(*self, serializer)
        }
    }

    impl super::super::Decode for Kind {
        fn decode(
            value: aws_sdk_dynamodb::types::AttributeValue,
            depth: usize,
        ) -> Result<Self, crate::codec::de::DeError> {
            super::super::serde_decode(value, depth)
        }
    }

    /// Eleven fields: tuples of tuples.
    #[derive(Debug)]
    pub struct Wide {
        pub a: i64,
        pub bb: Option<i64>,
        pub ccc: Option<i64>,
        pub d: String,
        pub ee: Option<String>,
        pub f: bool,
        pub g: i64,
        pub hh: Option<bool>,
        pub i: i64,
        pub jj: Option<Kind>,
        pub k: String,
    }

    impl StructDef for Wide {
        const NAME: &'static str = "Wide";
        const FIELDS: &'static [&'static str] = &["a", "bb", "ccc", "d", "ee", "f", "g", "hh", "i", "jj", "k"];
        type Fields = (
            (
                Required<i64>,
                Required<Option<i64>>,
                Optional<i64>,
                Required<String>,
                Optional<String>,
                Required<bool>,
                Required<i64>,
                Optional<bool>,
            ),
            (Required<i64>, Optional<Kind>, Required<String>),
        );
        fn build(((a, bb, ccc, d, ee, f, g, hh), (i, jj, k)): <Self::Fields as FieldList>::Values) -> Self {
            Wide { a, bb, ccc, d, ee, f, g, hh, i, jj, k }
        }
        fn field_index(key: &[u8]) -> Option<usize> {
            match key {
                b"a" => Some(0),
                b"bb" => Some(1),
                b"ccc" => Some(2),
                b"d" => Some(3),
                b"ee" => Some(4),
                b"f" => Some(5),
                b"g" => Some(6),
                b"hh" => Some(7),
                b"i" => Some(8),
                b"jj" => Some(9),
                b"k" => Some(10),
                _ => None,
            }
        }
    }

    impl serde::Serialize for Wide {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let present = [self.ccc.is_some(), self.ee.is_some(), self.hh.is_some(), self.jj.is_some()];
            super::super::fields(serializer, "Wide", 7, &present)
                .field("a", &self.a)
                .field("bb", &self.bb)
                .optional("ccc", &self.ccc)
                .field("d", &self.d)
                .optional("ee", &self.ee)
                .field("f", &self.f)
                .field("g", &self.g)
                .optional("hh", &self.hh)
                .field("i", &self.i)
                .optional("jj", &self.jj)
                .field("k", &self.k)
                .end()
        }
    }

    serde_impls!(Pet, Owner, Empty, Wide);
}

/// What reading gave, comparable across the two types: the value written back as JSON, or the
/// error's message.
fn outcome<T: Serialize, E: ToString>(result: Result<T, E>) -> Result<String, String> {
    match result {
        Ok(value) => serde_json::to_string(&value).map_err(|err| format!("written: {err}")),
        Err(err) => Err(err.to_string()),
    }
}

/// `input` read as `D` and as `T` (from its text and from a `Value`) gives the same outcome.
fn same_from_json<D: DeserializeOwned + Serialize, T: DeserializeOwned + Serialize>(
    input: &str,
) -> Result<String, String> {
    let derived = outcome(serde_json::from_str::<D>(input));
    assert_eq!(derived, outcome(serde_json::from_str::<T>(input)), "from_str of {input}");
    if let Ok(value) = serde_json::from_str::<Value>(input) {
        assert_eq!(
            outcome(serde_json::from_value::<D>(value.clone())),
            outcome(serde_json::from_value::<T>(value)),
            "from_value of {input}"
        );
    }
    derived
}

#[test]
fn structs_read_and_write_as_the_derive_does() {
    let owner = r#""owner":{"name":"o"}"#;
    let cases = [
        format!(r#"{{"id":1,"Name":"rex","tag":"t","note":"n",{owner},"kinds":["cat","Other"]}}"#),
        format!(r#"{{"id":1,"Name":"rex","note":null,{owner}}}"#),
        // A required `Option` may be absent; an optional field may be null.
        format!(r#"{{"id":1,"Name":"rex",{owner},"tag":null}}"#),
        // Unknown entries are skipped, whatever they hold; field names are case-sensitive.
        format!(r#"{{"x":{{"deep":[1,2,{{"y":null}}]}},"id":1,"name":"no","Name":"rex",{owner},"ID":7}}"#),
        // Missing, duplicate (also after a null), wrong types.
        format!(r#"{{"Name":"rex",{owner}}}"#),
        r#"{"id":1,"Name":"rex"}"#.to_owned(),
        format!(r#"{{"id":1,"id":2,"Name":"rex",{owner}}}"#),
        format!(r#"{{"id":1,"Name":"rex","tag":null,"tag":"t",{owner}}}"#),
        format!(r#"{{"id":1,"Name":"rex","note":null,"note":null,{owner}}}"#),
        format!(r#"{{"id":"1","Name":"rex",{owner}}}"#),
        format!(r#"{{"id":1,"Name":"rex",{owner},"kinds":["bird"]}}"#),
        format!(r#"{{"id":1,"Name":"rex",{owner},"kinds":[3]}}"#),
        format!(r#"{{"id":1,"Name":"rex",{owner},"kinds":[{{"cat":null}}]}}"#),
        r#"{"id":1,"Name":"rex","owner":{"name":1}}"#.to_owned(),
        r#"{"id":1,"Name":"rex","owner":[]}"#.to_owned(),
        r#"{"id":1,"Name":"rex","owner":["o"]}"#.to_owned(),
        r#"{"id":1,"Name":"rex","owner":["o", 2]}"#.to_owned(),
        // The whole value of another type, or a sequence of the fields in order.
        "5".to_owned(),
        r#""pet""#.to_owned(),
        "null".to_owned(),
        r#"[1,"rex","t",null,{"name":"o"},["dog"]]"#.to_owned(),
        r#"[1,"rex","t",null,{"name":"o"}]"#.to_owned(),
        r#"[1,"rex"]"#.to_owned(),
        "[]".to_owned(),
        r#"[1,"rex","t",null,{"name":"o"},null,7]"#.to_owned(),
        r#"{"id":1,"Name":"rex","#.to_owned(),
    ];
    let mut errors = 0;
    for input in &cases {
        errors += usize::from(same_from_json::<derived::Pet, table::Pet>(input).is_err());
    }
    // Most cases are errors, so the comparison covers the messages, not only the values.
    assert!(errors > cases.len() / 2, "{errors} errors of {}", cases.len());
    let empty = ["{}", r#"{"x":1}"#, "[]", "[1]", "3", r#"{"a":1,"a":2}"#];
    let read: Vec<bool> =
        empty.iter().map(|input| same_from_json::<derived::Empty, table::Empty>(input).is_ok()).collect();
    assert_eq!(read, [true, true, true, false, false, true]);
    let owner = [r#"{"name":"o"}"#, "[]", r#"["o"]"#, r#"{"name":"o","name":"p"}"#];
    let read: Vec<bool> =
        owner.iter().map(|input| same_from_json::<derived::Owner, table::Owner>(input).is_ok()).collect();
    assert_eq!(read, [true, false, true, false]);
}

#[test]
fn the_messages_are_the_derives() {
    // Pinned, so that a change on both sides (a serde upgrade) is seen too.
    let read = |input: &str| serde_json::from_str::<table::Pet>(input).unwrap_err().to_string();
    assert_eq!(read(r#"{"Name":"rex"}"#), "missing field `id` at line 1 column 14");
    assert_eq!(read(r#"{"id":1,"id":2}"#), "duplicate field `id` at line 1 column 12");
    assert_eq!(read(r#"[1]"#), "invalid length 1, expected struct Pet with 6 elements at line 1 column 3");
    assert_eq!(read("5"), "invalid type: integer `5`, expected struct Pet at line 1 column 1");
    let one = serde_json::from_str::<table::Owner>("[]").unwrap_err().to_string();
    assert_eq!(one, "invalid length 0, expected struct Owner with 1 element at line 1 column 2");
    let kind = serde_json::from_str::<table::Kind>(r#""bird""#).unwrap_err().to_string();
    assert_eq!(kind, "unknown variant `bird`, expected one of `cat`, `dog`, `Other` at line 1 column 6");
}

#[test]
fn unit_enums_read_and_write_as_the_derive_does() {
    let inputs =
        [r#""cat""#, r#""dog""#, r#""Other""#, r#""Cat""#, r#""""#, "1", "null", r#"{"dog":null}"#, r#"{"dog":1}"#];
    let read: Vec<bool> =
        inputs.iter().map(|input| same_from_json::<derived::Kind, table::Kind>(input).is_ok()).collect();
    assert_eq!(read, [true, true, true, false, false, false, false, true, false]);
}

/// `debug_unit_enum`'s output, through a `Display` (only `format!` makes a `Formatter`).
fn debug_text<E: super::UnitEnum>(kind: E) -> String {
    struct Show<E>(E);
    impl<E: super::UnitEnum> std::fmt::Display for Show<E> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            super::debug_unit_enum(self.0, f)
        }
    }
    Show(kind).to_string()
}

/// Reading through a deserializer other than JSON's: keys given as field indexes (`visit_u64`)
/// and as bytes (`visit_bytes`), as some formats give them.
#[test]
fn keys_as_indexes_and_bytes_are_read_as_the_derive_does() {
    fn read<T: DeserializeOwned + Serialize, K: IntoDeserializer<'static, serde_json::Error>>(
        entries: Vec<(K, Value)>,
    ) -> Result<String, String> {
        outcome(T::deserialize(MapDeserializer::<_, serde_json::Error>::new(entries.into_iter())))
    }
    let owner = || serde_json::json!({"name": "o"});
    let by_index = || {
        vec![
            (0u64, Value::from(1)),
            (1, Value::from("rex")),
            (3, Value::Null),
            (4, owner()),
            (9, Value::from("skipped")),
        ]
    };
    let value = read::<derived::Pet, _>(by_index());
    assert!(value.is_ok(), "{value:?}");
    assert_eq!(value, read::<table::Pet, _>(by_index()));
    let duplicate = || vec![(0u64, Value::from(1)), (0, Value::from(2))];
    assert_eq!(read::<derived::Pet, _>(duplicate()), read::<table::Pet, _>(duplicate()));

    let by_bytes = || {
        vec![
            (serde_bytes(b"id"), Value::from(1)),
            (serde_bytes(b"Name"), Value::from("rex")),
            (serde_bytes(b"\xff"), Value::Null),
            (serde_bytes(b"owner"), owner()),
        ]
    };
    let value = read::<derived::Pet, _>(by_bytes());
    assert_eq!(value, read::<table::Pet, _>(by_bytes()));
    // `\xff` is no field, and the absent `note` is a `Required<Option<_>>`: read as `None`.
    assert!(value.is_ok(), "{value:?}");

    // Variants by index and by bytes.
    let variant = |key: Value| {
        let derived = outcome(derived::Kind::deserialize(key.clone()));
        assert_eq!(derived, outcome(table::Kind::deserialize(key)));
        derived
    };
    assert!(variant(serde_json::json!({"dog": null})).is_ok());
    let index = |index: u64| {
        let derived =
            outcome(derived::Kind::deserialize(serde::de::value::U64Deserializer::<serde_json::Error>::new(index)));
        let table =
            outcome(table::Kind::deserialize(serde::de::value::U64Deserializer::<serde_json::Error>::new(index)));
        assert_eq!(derived, table);
        derived
    };
    assert!(index(2).is_err(), "a bare number is not an enum here");
    let named = |bytes: &'static [u8]| {
        let de = || serde::de::value::BytesDeserializer::<serde_json::Error>::new(bytes);
        let derived = outcome(derived::Kind::deserialize(de()));
        assert_eq!(derived, outcome(table::Kind::deserialize(de())));
    };
    named(b"dog");
    named(b"\xffdog");
}

fn serde_bytes(bytes: &'static [u8]) -> serde::de::value::BytesDeserializer<'static, serde_json::Error> {
    serde::de::value::BytesDeserializer::new(bytes)
}

/// A small deterministic generator (xorshift), for the random inputs below.
struct Gen(u64);

impl Gen {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

/// Random objects of `Wide`'s keys (and others), some missing, some twice, values of every kind,
/// and random arrays: read both ways, outcomes equal.
#[test]
fn random_inputs_read_as_the_derive_reads_them() {
    const KEYS: [&str; 14] = ["a", "bb", "ccc", "d", "ee", "f", "g", "hh", "i", "jj", "k", "z", "A", "kk"];
    const VALUES: [&str; 10] = ["1", "-7", "null", "true", r#""s""#, r#""cat""#, r#""bird""#, "[]", "{}", "2.5"];
    let mut gen = Gen(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut failed) = (0, 0);
    for round in 0..4000 {
        let input = if round % 5 == 4 {
            let items: Vec<&str> = (0..gen.next(13)).map(|_| VALUES[gen.next(VALUES.len())]).collect();
            format!("[{}]", items.join(","))
        } else {
            // A valid object, then a few random changes.
            let mut entries: Vec<(String, String)> =
                [("a", "1"), ("bb", "null"), ("d", r#""s""#), ("f", "true"), ("g", "2"), ("i", "3"), ("k", r#""k""#)]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
            for _ in 0..gen.next(4) {
                match gen.next(3) {
                    0 if !entries.is_empty() => {
                        let at = gen.next(entries.len());
                        entries.remove(at);
                    }
                    1 => {
                        let at = gen.next(entries.len() + 1);
                        entries.insert(
                            at,
                            (KEYS[gen.next(KEYS.len())].to_owned(), VALUES[gen.next(VALUES.len())].to_owned()),
                        );
                    }
                    _ if !entries.is_empty() => {
                        let at = gen.next(entries.len());
                        entries[at].1 = VALUES[gen.next(VALUES.len())].to_owned();
                    }
                    _ => {}
                }
            }
            let body: Vec<String> = entries.iter().map(|(k, v)| format!(r#""{k}":{v}"#)).collect();
            format!("{{{}}}", body.join(","))
        };
        match same_from_json::<derived::Wide, table::Wide>(&input) {
            Ok(_) => ok += 1,
            Err(_) => failed += 1,
        }
    }
    // Both kinds of outcome are compared many times.
    assert!(ok > 400 && failed > 400, "{ok} read, {failed} refused");
}

#[test]
fn debug_of_a_unit_enum_is_its_rust_name() {
    let kinds = [
        (table::Kind::Cat, derived::Kind::Cat),
        (table::Kind::Dog, derived::Kind::Dog),
        (table::Kind::Other, derived::Kind::Other),
    ];
    for (table, derived) in kinds {
        assert_eq!(debug_text(table), format!("{derived:?}"));
    }
}

/// The count handed to `serialize_struct` is the derive's: the fields written.
#[test]
fn the_struct_length_is_the_number_of_fields_written() {
    struct Len(Vec<usize>);
    impl serde::Serializer for &mut Len {
        type Ok = ();
        type Error = serde::de::value::Error;
        type SerializeSeq = serde::ser::Impossible<(), Self::Error>;
        type SerializeTuple = serde::ser::Impossible<(), Self::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), Self::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), Self::Error>;
        type SerializeMap = serde::ser::Impossible<(), Self::Error>;
        type SerializeStruct = Counted;
        type SerializeStructVariant = serde::ser::Impossible<(), Self::Error>;
        fn serialize_struct(self, _: &'static str, len: usize) -> Result<Counted, Self::Error> {
            self.0.push(len);
            Ok(Counted)
        }
        fn serialize_bool(self, _: bool) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_f32(self, _: f32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_f64(self, _: f64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_char(self, _: char) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_str(self, _: &str) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit(self) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
            Err(serde::ser::Error::custom("seq"))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
            Err(serde::ser::Error::custom("tuple"))
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Self::Error> {
            Err(serde::ser::Error::custom("tuple struct"))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Self::Error> {
            Err(serde::ser::Error::custom("tuple variant"))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
            Err(serde::ser::Error::custom("map"))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Self::Error> {
            Err(serde::ser::Error::custom("struct variant"))
        }
    }
    struct Counted;
    impl serde::ser::SerializeStruct for Counted {
        type Ok = ();
        type Error = serde::de::value::Error;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }
        fn end(self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    fn lengths<T: Serialize>(value: &T) -> Vec<usize> {
        let mut len = Len(Vec::new());
        value.serialize(&mut len).unwrap();
        len.0
    }
    let owner = || serde_json::json!({"name": "o"});
    for pet in [
        serde_json::json!({"id": 1, "Name": "rex", "owner": owner()}),
        serde_json::json!({"id": 1, "Name": "rex", "tag": "t", "owner": owner()}),
        serde_json::json!({"id": 1, "Name": "rex", "tag": "t", "kinds": [], "owner": owner()}),
    ] {
        let derived: derived::Pet = serde_json::from_value(pet.clone()).unwrap();
        let table: table::Pet = serde_json::from_value(pet).unwrap();
        assert_eq!(lengths(&derived), lengths(&table));
    }
    assert_eq!(lengths(&table::Empty {}), vec![0]);
}
