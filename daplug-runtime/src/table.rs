//! Table management: create a model's table (with its GSIs) when missing, and compare an existing
//! table with the model ("drift"), for service start-up checks and tests.

use std::fmt;

use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType as SdkKeyType, Projection,
    ProjectionType, ScalarAttributeType, TableDescription, TableStatus,
};

use crate::adapter::Adapter;
use crate::error::{Error, Result};
use crate::failure::Repeat;
use crate::meta::{KeyAttribute, KeyType};
use crate::model::Model;

/// One way an existing table differs from what a model and adapter expect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Drift {
    /// The table does not exist.
    MissingTable,
    /// A key of the table (`index` = `None`) or of an index has another attribute or type.
    Key {
        /// Index name, `None` for the table itself.
        index: Option<String>,
        /// `HASH` or `RANGE`.
        role: &'static str,
        /// Expected `name (type)`, or `-` for none.
        expected: String,
        /// Found `name (type)`, or `-` for none.
        found: String,
    },
    /// An index the model declares is missing.
    MissingIndex(String),
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::MissingTable => f.write_str("table does not exist"),
            Drift::Key { index, role, expected, found } => {
                let place = index.as_deref().map_or_else(|| "table".to_owned(), |i| format!("index `{i}`"));
                write!(f, "{place}: {role} key is {found}, expected {expected}")
            }
            Drift::MissingIndex(name) => write!(f, "index `{name}` is missing"),
        }
    }
}

/// A key attribute: name and type.
type Key = (String, KeyType);

/// The table and index keys a model expects on this adapter.
struct Expected {
    hash: Key,
    range: Option<Key>,
    indexes: Vec<(&'static str, Key, Option<Key>)>,
}

fn expected<M: Model>(adapter: &Adapter) -> Expected {
    let keys = adapter.keys();
    // Key attribute names are the adapter's; types come from the model when it declares that key.
    let typed = |name: &str, declared: Option<KeyAttribute>| -> Key {
        (name.to_owned(), declared.filter(|k| k.name == name).map_or(KeyType::S, |k| k.key_type))
    };
    let owned = |k: KeyAttribute| (k.name.to_owned(), k.key_type);
    Expected {
        hash: typed(&keys.hash_key, M::META.hash_key),
        range: keys.range_key.as_deref().map(|r| typed(r, M::META.range_key)),
        indexes: M::META.indexes.iter().map(|i| (i.name, owned(i.hash_key), i.range_key.map(owned))).collect(),
    }
}

fn scalar(key_type: KeyType) -> ScalarAttributeType {
    match key_type {
        KeyType::S => ScalarAttributeType::S,
        KeyType::N => ScalarAttributeType::N,
        KeyType::B => ScalarAttributeType::B,
    }
}

fn build_error(err: aws_sdk_dynamodb::error::BuildError) -> Error {
    Error::build("CreateTable")(err)
}

impl Adapter {
    /// Creates the table for model `M` (keys from this adapter, key types and GSIs from the model's
    /// metadata; on-demand billing) unless it exists, and waits until it is active. Returns whether it
    /// created the table. An existing table is left as it is: use [`Adapter::table_drift`] to check it.
    pub async fn create_table_if_missing<M: Model>(&self) -> Result<bool> {
        if self.describe().await?.is_some() {
            return Ok(false);
        }
        let expected = expected::<M>(self);
        let keys = self.keys();
        let mut definitions: Vec<(String, KeyType)> = Vec::new();
        let mut define = |name: &str, key_type: KeyType| {
            if !definitions.iter().any(|(n, _)| n == name) {
                definitions.push((name.to_owned(), key_type));
            }
        };
        for (name, key_type) in std::iter::once(&expected.hash).chain(&expected.range) {
            define(name, *key_type);
        }
        for (_, hash, range) in &expected.indexes {
            for (name, key_type) in std::iter::once(hash).chain(range) {
                define(name, *key_type);
            }
        }
        let element = |name: &str, role: SdkKeyType| {
            KeySchemaElement::builder().attribute_name(name).key_type(role).build().map_err(build_error)
        };
        let mut request = self
            .client()
            .create_table()
            .table_name(self.table())
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(element(&keys.hash_key, SdkKeyType::Hash)?);
        if let Some(range) = &keys.range_key {
            request = request.key_schema(element(range, SdkKeyType::Range)?);
        }
        for (name, key_type) in &definitions {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(name)
                    .attribute_type(scalar(*key_type))
                    .build()
                    .map_err(build_error)?,
            );
        }
        for (name, hash, range) in &expected.indexes {
            let mut index = GlobalSecondaryIndex::builder()
                .index_name(*name)
                .key_schema(element(&hash.0, SdkKeyType::Hash)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build());
            if let Some(range) = range {
                index = index.key_schema(element(&range.0, SdkKeyType::Range)?);
            }
            request = request.global_secondary_indexes(index.build().map_err(build_error)?);
        }
        tracing::info!(table = self.table(), schema = M::META.schema, "creating table");
        request.send().await.map_err(|err| Error::dynamodb("CreateTable", Repeat::NotIdempotent, err))?;
        for attempt in 0..100u32 {
            if let Some(table) = self.describe().await? {
                if table.table_status() == Some(&TableStatus::Active) {
                    return Ok(true);
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 * u64::from(attempt.min(20) + 1))).await;
        }
        Err(Error::Timeout { table: self.table().to_owned(), what: "the created table to become active" })
    }

    /// Compares the existing table with model `M` and this adapter's keys: key attributes and types of
    /// the table and of every index the model declares. Empty when they agree.
    pub async fn table_drift<M: Model>(&self) -> Result<Vec<Drift>> {
        let Some(table) = self.describe().await? else {
            return Ok(vec![Drift::MissingTable]);
        };
        let expected = expected::<M>(self);
        let type_of = |name: &str| {
            let definitions = table.attribute_definitions();
            definitions.iter().find(|d| d.attribute_name() == name).map(|d| d.attribute_type().as_str().to_owned())
        };
        let found = |schema: &[KeySchemaElement], role: SdkKeyType| {
            schema.iter().find(|k| *k.key_type() == role).map(|k| k.attribute_name().to_owned())
        };
        let describe = |key: Option<(&str, String)>| match key {
            Some((name, key_type)) => format!("`{name}` ({key_type})"),
            None => "-".to_owned(),
        };
        let compare = |index: Option<&str>, role: &'static str, want: Option<&Key>, have: Option<String>| {
            let expected = describe(want.map(|(n, t)| (n.as_str(), scalar(*t).as_str().to_owned())));
            let found = describe(have.as_deref().map(|n| (n, type_of(n).unwrap_or_else(|| "?".into()))));
            (expected != found).then(|| Drift::Key { index: index.map(str::to_owned), role, expected, found })
        };
        let mut drift = Vec::new();
        drift.extend(compare(None, "HASH", Some(&expected.hash), found(table.key_schema(), SdkKeyType::Hash)));
        drift.extend(compare(None, "RANGE", expected.range.as_ref(), found(table.key_schema(), SdkKeyType::Range)));
        for (name, hash, range) in &expected.indexes {
            let Some(index) = table.global_secondary_indexes().iter().find(|i| i.index_name() == Some(*name)) else {
                drift.push(Drift::MissingIndex((*name).to_owned()));
                continue;
            };
            drift.extend(compare(Some(name), "HASH", Some(hash), found(index.key_schema(), SdkKeyType::Hash)));
            drift.extend(compare(Some(name), "RANGE", range.as_ref(), found(index.key_schema(), SdkKeyType::Range)));
        }
        Ok(drift)
    }

    async fn describe(&self) -> Result<Option<TableDescription>> {
        match self.client().describe_table().table_name(self.table()).send().await {
            Ok(out) => Ok(out.table),
            Err(err) if matches!(err.as_service_error(), Some(DescribeTableError::ResourceNotFoundException(_))) => {
                Ok(None)
            }
            Err(err) => Err(Error::dynamodb("DescribeTable", Repeat::Read, err)),
        }
    }
}
