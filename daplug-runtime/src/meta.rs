//! Persistence metadata of a model: its schema name, keys, prefixes, locking attribute, indexes and
//! the places an update sets whole ([`ModelMeta`], [`KeyAttribute`], [`KeyType`], [`IndexMeta`],
//! [`PathStep`]), as `x-daplug` or `#[daplug(...)]` declare them.

/// The DynamoDB scalar type of a key attribute (`AttributeDefinition.AttributeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// String (`S`).
    S,
    /// Number (`N`).
    N,
    /// Binary (`B`).
    B,
}

/// One key attribute of a table or index: its name and scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttribute {
    /// Attribute name as stored (the wire name, after serde renames).
    pub name: &'static str,
    /// Scalar type of the attribute.
    pub key_type: KeyType,
}

/// A global secondary index declared by a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexMeta {
    /// Index name.
    pub name: &'static str,
    /// Partition key of the index.
    pub hash_key: KeyAttribute,
    /// Sort key of the index, if any.
    pub range_key: Option<KeyAttribute>,
}

/// Persistence metadata of a model: schema name, keys, prefixes, locking attribute and indexes.
///
/// Comes from the `x-daplug` extension of the OpenAPI schema or from `#[daplug(...)]` attributes.
/// Everything except `schema` is optional: an [`Adapter`](crate::Adapter) can supply keys and prefixes
/// itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelMeta {
    /// Schema name as written in the OpenAPI file (e.g. `test-dynamo-model`), or the struct name.
    pub schema: &'static str,
    /// Partition key.
    pub hash_key: Option<KeyAttribute>,
    /// Sort key.
    pub range_key: Option<KeyAttribute>,
    /// Prefix stored in front of the partition key value (`tenant#`).
    pub hash_prefix: Option<&'static str>,
    /// Prefix stored in front of the sort key value.
    pub range_prefix: Option<&'static str>,
    /// Attribute used for optimistic locking.
    pub idempotence_key: Option<&'static str>,
    /// Global secondary indexes.
    pub indexes: &'static [IndexMeta],
    /// Where an update replaces a map value whole instead of merging the patch's map into the
    /// stored one: the values of unions (a `oneOf`, or an `allOf` inheritance base), so that a patch
    /// switching a payment method from card to PayPal stores the PayPal value alone, never the
    /// card's fields with PayPal's mixed in. `schema!` lists every such place its models hold.
    pub replaced: &'static [&'static [PathStep]],
}

impl ModelMeta {
    /// Metadata with only a schema name; the adapter must supply keys.
    pub const fn named(schema: &'static str) -> Self {
        ModelMeta {
            schema,
            hash_key: None,
            range_key: None,
            hash_prefix: None,
            range_prefix: None,
            idempotence_key: None,
            indexes: &[],
            replaced: &[],
        }
    }
}

/// One step of a path in [`ModelMeta::replaced`]: a field, or any key of
/// a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// The field (or map key) with this name.
    Field(&'static str),
    /// Any key of a map (`additionalProperties`).
    AnyKey,
}

impl PathStep {
    /// Whether this step names the map key `key`.
    pub fn matches(self, key: &str) -> bool {
        match self {
            PathStep::Field(name) => name == key,
            PathStep::AnyKey => true,
        }
    }
}
