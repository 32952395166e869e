//! serde's `Serialize` for generated types as serde's derive writes them: a struct as a chain of
//! calls ([`fields`]), a string enum as its unit variant ([`serialize_unit_enum`]).

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::shape::{name, UnitEnum};

/// A struct being serialised field by field; the first error is kept and returned by
/// [`end`](Self::end).
#[derive(Debug)]
pub struct Fields<S: SerializeStruct> {
    state: Result<S, S::Error>,
}

/// Starts serialising a struct `name` of `required` fields that are always written and one
/// optional field per `present` entry (`true` when it is written): serde's `serialize_struct` with
/// the derive's count of the fields written, which formats such as MessagePack write ahead of them.
#[inline]
pub fn fields<S: Serializer>(
    serializer: S,
    name: &'static str,
    required: usize,
    present: &[bool],
) -> Fields<S::SerializeStruct> {
    let len = required + present.iter().filter(|written| **written).count();
    Fields { state: serializer.serialize_struct(name, len) }
}

impl<S: SerializeStruct> Fields<S> {
    /// A field that is always written.
    #[inline]
    pub fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(state) = &mut self.state {
            if let Err(err) = state.serialize_field(key, value) {
                self.state = Err(err);
            }
        }
        self
    }

    /// A field written only when it is `Some` (serde's `skip_serializing_if = "Option::is_none"`).
    #[inline]
    pub fn optional<T: Serialize>(mut self, key: &'static str, value: &Option<T>) -> Self {
        if let Ok(state) = &mut self.state {
            let written = match value {
                Some(_) => state.serialize_field(key, value),
                None => state.skip_field(key),
            };
            if let Err(err) = written {
                self.state = Err(err);
            }
        }
        self
    }

    /// Finishes the struct.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// A string enum's variant, as the derive writes a unit variant: the enum's name, the variant's
/// position and its wire name.
#[inline]
pub fn serialize_unit_enum<E: UnitEnum, S: Serializer>(value: E, serializer: S) -> Result<S::Ok, S::Error> {
    let index = value.index();
    // A position is below `u32::MAX`: an enum has far fewer variants.
    serializer.serialize_unit_variant(E::NAME, u32::try_from(index).unwrap_or(u32::MAX), name(E::VARIANTS, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Patch {
        name: Option<String>,
        qty: Option<i64>,
        pk: String,
    }

    impl Serialize for Patch {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            fields(serializer, "Patch", 1, &[self.name.is_some(), self.qty.is_some()])
                .optional("name", &self.name)
                .optional("qty", &self.qty)
                .field("pk", &self.pk)
                .end()
        }
    }

    #[test]
    fn fields_skip_none_and_keep_order() {
        let patch = Patch { name: None, qty: Some(3), pk: "a".into() };
        assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"qty":3,"pk":"a"}"#);
    }

    #[test]
    fn the_first_error_is_returned() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("bad value"))
            }
        }
        struct Two;
        impl Serialize for Two {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                fields(serializer, "Two", 2, &[]).field("a", &Bad).field("b", &1).end()
            }
        }
        assert!(serde_json::to_string(&Two).unwrap_err().to_string().contains("bad value"));
    }
}
