//! # daplug — schema-driven DynamoDB access
//!
//! Typed models generated at compile time from an OpenAPI file (`schema!`) or derived from
//! hand-written structs (`#[derive(DaplugModel)]`), and a generic [`Repository`] per model with
//! conditional inserts, reads that follow pages as streams, key prefixing, optimistic locking and an
//! event after every successful write.
//!
//! See the README for a tour. Every operation is a constructor on [`Repository`]; the crate root
//! holds the everyday API, the request types are in [`ops`], events in [`events`], locking in
//! [`lock`], batch retries in [`retry`], table management in [`table`], the adapter's configuration
//! types in [`adapter`], page cursors (and what they protect against) in [`cursor`] and the
//! daplug-ddb parity shims in [`compat`]. With the `testing` feature,
//! `testing` gives a model's table in an in-process DynamoDB with its events recorded.
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

// Alphabetical, as rustfmt keeps them; the floors (which module may import which) are in ARCHITECTURE.md.
pub mod adapter;
mod attempts;
mod attr;
mod codec;
pub mod compat;
pub mod cursor;
mod entity;
mod error;
pub mod events;
mod expr;
mod failure;
mod key;
pub mod lock;
mod meta;
mod model;
mod not_applied;
pub mod ops;
mod prefix;
mod repo;
pub mod retry;
pub mod streams;
pub mod table;
#[cfg(feature = "testing")]
pub mod testing;
mod timestamp;

pub use adapter::{Adapter, Repository};
pub use attr::{AttrPath, Attribute, AttributeIn, AttributeOf, Field, IndexOf};
pub use codec::decimal::{Decimal, DecimalError};
pub use codec::item::Item;
pub use codec::limits::MAX_DEPTH as MAX_NESTING_DEPTH;
pub use codec::nothing::Nothing;
pub use codec::support::UnknownVariant;
pub use error::{Error, Result};
pub use expr::Condition;
pub use failure::{AwsErrorKind, DispatchCause, Repeat};
pub use model::Model;

pub use daplug_macros::{payload, schema, DaplugModel};

// What generated code names (`::daplug_runtime::ModelMeta`, ...), and hand-written models with it.
pub use entity::Entity;
pub use meta::{IndexMeta, KeyAttribute, KeyType, ModelMeta, PathStep};

/// The AWS SDK crates daplug is built on, for callers who need raw types (clients, `AttributeValue`).
pub mod aws {
    pub use aws_config;
    /// Feature `lambda` (off by default): Lambda's event records (SNS, SQS, DynamoDB Streams).
    #[cfg(feature = "lambda")]
    pub use aws_lambda_events as lambda_events;
    pub use aws_sdk_dynamodb as dynamodb;
    /// Feature `streams` (off by default): for services that read a table's stream.
    #[cfg(feature = "streams")]
    pub use aws_sdk_dynamodbstreams as dynamodbstreams;
    #[cfg(feature = "sns")]
    pub use aws_sdk_sns as sns;
    /// Feature `sqs` (off by default): for services that read the queue a topic delivers to.
    #[cfg(feature = "sqs")]
    pub use aws_sdk_sqs as sqs;
}

/// Paths used by generated code. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::de::DeError as DecodeError;
    pub use crate::codec::generated_item;
    pub use crate::codec::support::{
        check_field, debug_unit_enum, decode_struct, decode_untagged, deserialize_checked, deserialize_struct,
        deserialize_tagged, deserialize_unit_enum, display_unit_enum, field_rules, fields, parse_unit_enum,
        serde_decode, serialize_tagged, serialize_unit_enum, tag_text, tagged_alternative, unit_text,
        AlternativeDecoder, Decode, Elements, FieldList, FieldReader, FieldSource, FieldValue, Fields, Given, KeyPart,
        MissingField, Optional, Required, Rules, StructDef, TaggedUnion, UnitEnum, Validate, Violation,
    };
    pub use crate::entity::{
        distinct_indexes, entity_tagged, family_prefixes_ok, merge_indexes, tag_value, unknown_tag,
    };
    pub use crate::model::{decode_model, model_item, serde_model, tagged_item, validate_model, validate_model_patch};
    pub use aws_sdk_dynamodb::types::AttributeValue;
    pub use daplug_rules::{Bound, Format};
    pub use serde;
    pub use serde_json;
    pub use std;
}
