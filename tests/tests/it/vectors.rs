//! Behaviour vectors: every vector of `fixtures/vectors.json` (daplug-ddb 1.0.0b18 recorded on moto
//! 5.2.5; format in BEHAVIOR.md §14, copied here so the tests do not need `../shared`) replayed
//! through the Rust adapter on the emulator.
//!
//! For each vector: a fresh `pk`/`sk` table with `status-index` and a fresh topic with a queue; the
//! seed items written raw; an [`Adapter`] built from `adapter_config`; the `call` translated to the
//! Rust call; then the stored items (`expected_stored_item`, compared as DynamoDB JSON with numbers
//! compared by value), the event bodies (`Message_parsed`) and the user-given message attributes,
//! the return value of reads, updates and deletes, and the error kind are compared. Every failing
//! vector is reported at the end.
//!
//! # Translation
//!
//! * A call with `schema` and a schema file (adapter or per call) uses the generated model
//!   (`vectors::Order`, ...), mapped with `from_json`; every other call, and every read (daplug-ddb
//!   ignores `schema` there), uses [`Dynamic`], a schemaless model over a JSON map.
//! * Keys describe the table in Rust, so every adapter has `range_key("sk")` (daplug-ddb's
//!   `range_key` only switched on range prefixing). A per-call `hash_key` naming `sk` moved
//!   daplug-ddb's hash prefix onto `sk`: in Rust that is the per-call `range_prefix`.
//! * `query` dicts become [`Condition`]s (`a = :v`, `begins_with(a, :v)`, `#name` aliases), `Limit`,
//!   `IndexName` and `ExclusiveStartKey`; `raw_query` / `raw_scan` become the one-page [`Page`]
//!   (items, count, scanned count, last evaluated key). Python's `{}` for "no item" is Rust's `None`.
//! * `update` with `operation='get'` is [`Repository::update`](daplug_runtime::Repository::update) by key;
//!   `operation='query'` is `update_where(..).first_match(true)` (daplug-ddb took the first item).
//!   `update_list_operation` / `update_dict_operation` are [`ListOp`] / [`MapOp`]; `idempotence_key`,
//!   `raise_idempotence_error` and `idempotence_use_latest` are the adapter's idempotence key,
//!   `require_lock_value` and [`LockPolicy::LatestWins`].
//! * Events: Rust adds `operation` and `schema` message attributes (daplug-ddb sent none); only those
//!   two may appear besides the ones the vector expects.
//! * Schema-mapped vectors get one normalisation, [`drop_mapper_fills`]: daplug-ddb's mapper stored
//!   every schema property (missing or null → `NULL`, a missing object → `{}`, a missing array of
//!   objects → `[]`); generated Rust models omit absent fields instead.
//!
//! # Skipped vectors
//!
//! | vector | why |
//! |---|---|
//! | `insert_unknown_schema` | schema names are Rust types: an unknown schema does not compile |
//! | `get_without_query` | `get` takes a key by type: a get without one does not compile |
//! | `update_list_unknown_operation` | `ListOp` is an enum: there is no unknown list operation |
//! | `update_without_operation_get` | Python kwargs quirk (`'key'` vs `'Key'`); Rust's update takes a key or a query by type |
//! | `update_without_query_kwarg` | Python kwargs shape (update with no `query`); not expressible in Rust |
//! | `sns_publish_data_pydantic_model` | Pydantic payloads are Python-only |
//! | `prefix_batch_insert`, `prefix_batch_delete`, `batch_insert_60_batch_size_25`, `batch_insert_60_batch_size_100`, `batch_insert_non_list`, `batch_delete_non_list`, `batch_delete_60`, `batch_delete_extra_attributes`, `batch_insert_duplicate_keys`, `batch_size_zero` | batch engine tested separately (and non-list batch data is a Python-only shape) |
//!
//! # Corrected vectors (Python's result is wrong; the test asserts what Rust does instead)
//!
//! | vector | daplug-ddb | daplug (asserted) |
//! |---|---|---|
//! | `insert_schema_missing_fields` | `status` mapped to `NULL`, put rejected (NULL GSI key) | absent `status` is omitted: written, published |
//! | `insert_schema_type_mismatch` | wrong-typed values stored verbatim | `Error::Validation`, nothing written |
//! | `insert_schema_array_of_objects_string` | a string for an array of objects stored as `[]` | `Error::Validation`, nothing written |
//! | `insert_schema_array_of_objects_null` | `TypeError` crash | `null` means absent: written without `line_items` |
//! | `insert_polymorph_verbatim` | `oneOf` / `allOf` members copied with unknown keys | typed members drop unknown keys (`payload.bogus`, `merged.junk`) |
//! | `insert_untyped_schema` | schema without `type: object` mapped to `{}`, put rejected | its properties are mapped: written, published |
//! | `insert_float_rejected` | `TypeError` for a float | floats are numbers: written, published |
//! | `update_list_remove` | only the first patch element removed, neighbours skipped: `[1,2,3]` | every listed element removed: `[1]` |
//! | `update_list_remove_empty_new` | `IndexError` | an empty list removes nothing: written unchanged, published |
//! | `idempotence_raise_changed_value` | `raise_idempotence_error` refused every bumped value | the bump is written under the equality condition |
//! | `use_latest_with_raise` | newer value refused (same bug) | newer value written |
//! | `update_changes_hash_key_in_data` | a second item written under the new key | `Error::InvalidKey`, nothing written |
//! | `prefix_query_placeholder_mismatch` | `pk = :v` not prefixed, no results | values prefixed by attribute: both `abc` items |
//! | `sns_attribute_number_value` | `DataType Number` with a raw int: publish failed silently | published with `priority` (Number `5`) |
//! | `sns_attribute_bool_value` | publish failed silently | published with `flag` (String `true`) |
//! | `sns_attribute_empty_string` | written, then SNS rejected the event silently | `Error::Config` before the write, nothing written |
//! | `sns_fifo_kwargs_on_standard_topic` | written, publish failure swallowed (WARN line) | written, `Error::Publish` returned |
//! | `sns_required_payload_keys` | `PublishContractError` after the write | `Error::PublishContract` before the write, nothing written |
//! | `sns_required_headers` | `PublishContractError` after the write | `Error::PublishContract` before the write, nothing written |
//! | `sns_publish_data_empty` | an empty replacement payload (falsy) was not published | the payload is published as given (`{}`); `publish(false)` skips events |
//!
//! Vectors where Python raised and Rust fails too (same stored items, no event) are replayed with
//! the Rust error kind named in [`plans`] (e.g. `insert_existing_item` → `AlreadyExists`,
//! `use_latest_mixed_timezone` → `Validation`, a missing hash key → `Config` at build time).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::compat::{Read, WriteMode};
use daplug_runtime::events::MessageAttribute;
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::ops::{ListOp, MapOp, Page};
use daplug_runtime::{Adapter, Condition, Error, Item, Model, ModelMeta};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::harness::{create_table, raw_get, sdk_config, TableSpec, Topic};
use crate::models::vectors;

// ------------------------------------------------------------------------------------------------
// The vector file
// ------------------------------------------------------------------------------------------------

/// One recorded vector (the fields this test and `subscriber_vectors.rs` use).
#[derive(Debug, Deserialize)]
pub(crate) struct Vector {
    pub(crate) name: String,
    adapter_config: Map<String, Value>,
    call: Call,
    input: Value,
    seed_items: Vec<Value>,
    expected_return: Value,
    expected_error: Option<Value>,
    #[serde(default)]
    expected_stored_mode: Option<String>,
    expected_stored_item: Value,
    pub(crate) expected_sns: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct Call {
    method: String,
    kwargs: Map<String, Value>,
}

impl Vector {
    fn kw(&self, name: &str) -> Option<&Value> {
        self.call.kwargs.get(name)
    }
    fn kw_str(&self, name: &str) -> Option<&str> {
        self.kw(name).and_then(Value::as_str)
    }
    /// The `query` kwarg (boto3 request parameters).
    fn params(&self) -> Map<String, Value> {
        self.kw("query").and_then(Value::as_object).cloned().unwrap_or_default()
    }
    /// `query['Key']`.
    fn key(&self) -> Value {
        self.params().get("Key").cloned().expect("query.Key")
    }
    /// The schema the call is mapped through, when daplug-ddb mapped it: a `schema` kwarg on a write,
    /// with a schema file on the adapter or the call.
    pub(crate) fn mapped_schema(&self) -> Option<&str> {
        let writes = matches!(self.call.method.as_str(), "insert" | "overwrite" | "create" | "update");
        let file = self.adapter_config.contains_key("schema_file") || self.call.kwargs.contains_key("schema_file");
        self.kw_str("schema").filter(|_| writes && file)
    }
    /// The `operation` message attribute Rust sends for this call.
    pub(crate) fn operation(&self) -> &'static str {
        match (self.call.method.as_str(), self.kw_str("operation")) {
            ("create", Some("overwrite")) | ("overwrite", _) => "overwrite",
            ("insert" | "create", _) => "insert",
            ("update", _) => "update",
            ("delete", _) => "delete",
            (other, _) => panic!("no event expected from {other}"),
        }
    }
}

pub(crate) fn load_vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read fixtures/vectors.json")).expect("vectors.json")
}

// ------------------------------------------------------------------------------------------------
// Per-vector plan
// ------------------------------------------------------------------------------------------------

/// Edits the expectation derived from Python's recording into what Rust does.
type Fix = fn(&Vector, &mut Expected);

enum Plan {
    /// Replayed against Python's recorded result.
    Replay,
    /// Python raised; Rust fails with this [`Error`] variant, with the same stored items and no event.
    ReplayErr(&'static str),
    /// Python's result is wrong (the reason); the fix turns the expectation into Rust's behaviour.
    Correct(&'static str, Fix),
    /// Not replayable (the reason).
    Skip(&'static str),
}

const BATCH: &str = "batch engine tested separately";

/// Every vector's plan, in file order.
fn plans() -> Vec<(&'static str, Plan)> {
    use Plan::*;
    vec![
        ("insert_schema_full", Replay),
        (
            "insert_schema_missing_fields",
            Correct("absent status is omitted, not a NULL GSI key", |_, e| {
                e.error = None;
                let item = json!({"pk": "order-2", "sk": "v1"});
                e.stored.insert("order-2|v1".into(), Some(ddb(&item)));
                e.events = vec![ExpectedEvent::body(&item)];
            }),
        ),
        ("insert_schema_missing_fields_no_gsi_attr", Replay),
        ("insert_schema_partial_nested", Replay),
        ("insert_schema_empty_nested_object", Replay),
        ("insert_schema_type_mismatch", Correct("models validate types", |_, e| e.refused("Validation", "order-4|v1"))),
        (
            "insert_schema_array_of_objects_string",
            Correct("a string is not an array of objects", |_, e| e.refused("Validation", "order-4b|v1")),
        ),
        (
            "insert_schema_array_of_objects_null",
            Correct("null is absent, not a crash", |_, e| {
                e.error = None;
                let item = json!({"pk": "order-5", "sk": "v1", "status": "s"});
                e.stored.insert("order-5|v1".into(), Some(ddb(&item)));
                e.events = vec![ExpectedEvent::body(&item)];
            }),
        ),
        ("insert_schema_nested_object_null", Replay),
        ("insert_allof", Replay),
        (
            "insert_polymorph_verbatim",
            Correct("oneOf/allOf members are typed: unknown keys dropped", |_, e| {
                for value in e.stored.values_mut().flatten().chain(e.events.iter_mut().map(|ev| &mut ev.body)) {
                    set(value, "payload", json!({"street": "s"}));
                    set(value, "merged", json!({"lat": 1}));
                }
            }),
        ),
        (
            "insert_untyped_schema",
            Correct("an object schema without `type` is still mapped", |_, e| {
                e.error = None;
                let item = json!({"pk": "u-1", "sk": "v1"});
                e.stored.insert("u-1|v1".into(), Some(ddb(&item)));
                e.events = vec![ExpectedEvent::body(&item)];
            }),
        ),
        ("insert_empty_data_with_schema", ReplayErr("Validation")),
        ("insert_unknown_schema", Skip("schema names are Rust types: an unknown schema does not compile")),
        ("insert_no_schema", Replay),
        ("insert_schema_without_schema_file", Replay),
        ("insert_per_call_schema_file", Replay),
        ("insert_existing_item", ReplayErr("AlreadyExists")),
        ("insert_same_hash_different_range", Replay),
        ("insert_without_hash_key_config", ReplayErr("Config")),
        ("create_without_hash_key_config", ReplayErr("Config")),
        (
            "insert_float_rejected",
            Correct("floats are numbers", |_, e| {
                e.error = None;
                let item = json!({"pk": "f-1", "sk": "v1", "price": 1.5});
                e.stored.insert("f-1|v1".into(), Some(ddb(&item)));
                e.events = vec![ExpectedEvent::body(&item)];
            }),
        ),
        // The recorded input cannot carry Python's Decimal('12345678901234567890.123') exactly (JSON
        // float); stored numbers are compared by value, so this checks the f64 round trip.
        ("insert_decimal_numbers", Replay),
        ("insert_non_ascii", Replay),
        ("create_default_is_insert", ReplayErr("AlreadyExists")),
        ("create_operation_overwrite", Replay),
        ("overwrite_existing_no_schema", Replay),
        ("get_existing", Replay),
        ("get_missing", Replay),
        ("get_without_query", Skip("`get` takes a key by type: a get without one does not compile")),
        ("read_default_get", Replay),
        ("read_operation_query", Replay),
        ("read_operation_scan", Replay),
        ("query_gsi", Replay),
        ("query_raw", Replay),
        ("query_limit_no_pagination", Replay),
        ("query_limit_raw", Replay),
        // Rust refuses a query without a key condition before sending it.
        ("query_without_query_kwarg", ReplayErr("Config")),
        ("scan_all", Replay),
        ("scan_raw", Replay),
        ("scan_limit_no_pagination", Replay),
        ("scan_limit_raw", Replay),
        ("scan_filter", Replay),
        ("update_list_add_default", Replay),
        ("update_list_replace", Replay),
        (
            "update_list_remove",
            Correct("remove drops every listed element", |_, e| {
                e.set_everywhere("scores", json!([1]));
            }),
        ),
        ("update_list_remove_nonadjacent", Replay),
        ("update_list_remove_objects", Replay),
        (
            "update_list_remove_empty_new",
            Correct("an empty remove list removes nothing", |v, e| {
                e.error = None;
                e.events = vec![ExpectedEvent::body(&v.seed_items[0])];
                e.ret = Some(ddb(&v.seed_items[0]));
            }),
        ),
        ("update_list_unknown_operation", Skip("ListOp is an enum: there is no unknown list operation")),
        ("update_list_add_objects", Replay),
        ("update_list_over_scalar", Replay),
        ("update_nested_dict_deep_merge", Replay),
        ("update_nested_dict_old_empty", Replay),
        ("update_nested_list_in_dict", Replay),
        ("update_scalar_null", Replay),
        ("update_dict_operation_remove_no_schema", Replay),
        ("update_dict_operation_remove_with_schema", Replay),
        ("update_no_schema_keeps_unknown", Replay),
        ("update_schema_drops_unknown", Replay),
        ("update_not_found", ReplayErr("NotFound")),
        (
            "update_without_operation_get",
            Skip("Python kwargs quirk ('key' vs 'Key'); Rust's update takes a key or a query by type"),
        ),
        ("update_via_query_first_item", Replay),
        ("idempotence_success", Replay),
        // The concurrent writer runs in a DynamoDB client interceptor right before the PutItem.
        ("idempotence_conflict", ReplayErr("Conflict")),
        (
            "idempotence_raise_changed_value",
            Correct("require_lock_value does not refuse a bumped value", |v, e| {
                e.error = None;
                e.set_everywhere("modified", v.input["modified"].clone());
                let mut item = v.seed_items[0].clone();
                item["modified"] = v.input["modified"].clone();
                e.events = vec![ExpectedEvent::body(&item)];
                e.ret = Some(ddb(&item));
            }),
        ),
        ("idempotence_raise_unchanged_value", Replay),
        ("idempotence_missing_in_original_no_raise", Replay),
        ("idempotence_missing_in_original_raise", ReplayErr("Validation")),
        ("use_latest_stale", Replay),
        ("use_latest_newer", Replay),
        ("use_latest_equal", Replay),
        ("use_latest_invalid", ReplayErr("Validation")),
        ("use_latest_mixed_timezone", ReplayErr("Validation")),
        ("use_latest_string_vs_datetime_semantics", Replay),
        (
            "use_latest_with_raise",
            Correct("a newer value wins even with require_lock_value", |v, e| {
                e.error = None;
                e.set_everywhere("modified", v.input["modified"].clone());
                let mut item = v.seed_items[0].clone();
                item["modified"] = v.input["modified"].clone();
                e.events = vec![ExpectedEvent::body(&item)];
                e.ret = Some(ddb(&item));
            }),
        ),
        ("delete_existing", Replay),
        ("delete_missing", Replay),
        ("prefix_insert", Replay),
        ("prefix_insert_already_prefixed", Replay),
        ("prefix_get", Replay),
        ("prefix_query_placeholder_named_after_key", Replay),
        ("prefix_query_alias", Replay),
        (
            "prefix_query_placeholder_mismatch",
            Correct("values are prefixed by attribute, not placeholder name", |_, e| {
                e.ret = Some(ddb(&json!([
                    {"pk": "abc", "sk": "cfg", "status": "s", "n": 1},
                    {"pk": "abc", "sk": "other", "status": "s"}
                ])));
            }),
        ),
        ("prefix_scan_raw_limit", Replay),
        ("prefix_scan_exclusive_start_key", Replay),
        ("prefix_update", Replay),
        ("prefix_delete", Replay),
        ("prefix_per_call_override", Replay),
        ("prefix_strip_only_leading", Replay),
        ("prefix_batch_insert", Skip(BATCH)),
        ("prefix_batch_delete", Skip(BATCH)),
        ("batch_insert_60_batch_size_25", Skip(BATCH)),
        ("batch_insert_non_list", Skip(BATCH)),
        ("batch_delete_non_list", Skip(BATCH)),
        ("batch_delete_60", Skip(BATCH)),
        ("batch_delete_extra_attributes", Skip(BATCH)),
        ("batch_insert_duplicate_keys", Skip(BATCH)),
        ("batch_size_zero", Skip(BATCH)),
        ("sns_attributes_merge", Replay),
        (
            "sns_attribute_number_value",
            Correct("number attributes are sent as DataType Number", |v, e| {
                e.events = vec![ExpectedEvent::body(&v.input).attribute("priority", "Number", "5")];
            }),
        ),
        (
            "sns_attribute_bool_value",
            Correct("bool attributes are sent as the string true/false", |v, e| {
                e.events = vec![ExpectedEvent::body(&v.input).attribute("flag", "String", "true")];
            }),
        ),
        ("sns_attribute_numeric_string", Replay),
        ("sns_publish_false", Replay),
        ("sns_publish_data", Replay),
        (
            "sns_publish_data_empty",
            Correct("a replacement payload is published as given", |_, e| {
                e.events = vec![ExpectedEvent::body(&json!({}))];
            }),
        ),
        ("sns_no_arn", Replay),
        (
            "sns_fifo_kwargs_on_standard_topic",
            Correct("a failed publish is an error, not a log line", |_, e| {
                e.error = Some("Publish");
            }),
        ),
        (
            "sns_required_payload_keys",
            Correct("the contract is checked before the write", |_, e| e.refused("PublishContract", "s-7|v1")),
        ),
        (
            "sns_required_headers",
            Correct("the contract is checked before the write", |_, e| e.refused("PublishContract", "s-8|v1")),
        ),
        ("sns_required_headers_ok", Replay),
        ("sns_update_publishes_merged_item", Replay),
        ("sns_publish_data_pydantic_model", Skip("Pydantic payloads are Python-only")),
        (
            "sns_attribute_empty_string",
            Correct("an empty attribute value is refused before the write", |_, e| e.refused("Config", "s-11|v1")),
        ),
        ("update_without_query_kwarg", Skip("Python kwargs shape (update with no query); not expressible in Rust")),
        ("prefix_per_call_hash_key_override", Replay),
        ("batch_insert_60_batch_size_100", Skip(BATCH)),
        ("delete_with_schema_kwarg", Replay),
        // daplug locks overwrites only under the version policy: with latest-wins it is a plain put.
        ("overwrite_with_idempotence_key", Replay),
        // A map over a stored string is a merge error (Python crashed with AttributeError).
        ("update_dict_over_scalar", ReplayErr("Validation")),
        ("update_nested_dict_operation_remove", Replay),
        (
            "update_changes_hash_key_in_data",
            Correct("key attributes cannot change in an update", |_, e| {
                e.refused("InvalidKey", "order-1-copy|v1");
            }),
        ),
    ]
}

// ------------------------------------------------------------------------------------------------
// Expectations
// ------------------------------------------------------------------------------------------------

/// What the Rust call must produce. Values are DynamoDB JSON (`{"M": {...}}` for items) so types
/// are compared too; see [`diff`].
#[derive(Debug)]
struct Expected {
    /// `Some(variant)`: the call fails with this [`Error`] variant.
    error: Option<&'static str>,
    /// `"pk|sk"` → the raw stored item, `None` = no item.
    stored: BTreeMap<String, Option<Value>>,
    events: Vec<ExpectedEvent>,
    /// The return value of reads, updates and deletes.
    ret: Option<Value>,
}

#[derive(Debug)]
struct ExpectedEvent {
    body: Value,
    /// The message attributes the vector gives: name → (type, value).
    attributes: BTreeMap<String, (String, String)>,
}

impl ExpectedEvent {
    fn body(plain: &Value) -> Self {
        ExpectedEvent { body: ddb(plain), attributes: BTreeMap::new() }
    }
    fn attribute(mut self, name: &str, kind: &str, value: &str) -> Self {
        self.attributes.insert(name.into(), (kind.into(), value.into()));
        self
    }
}

impl Expected {
    /// Python's recorded result.
    fn python(v: &Vector, plan: &Plan) -> Self {
        let error = match (plan, &v.expected_error) {
            (Plan::ReplayErr(kind), _) => Some(*kind),
            (_, Some(_)) => Some("<python raised: the plan must name the Rust error>"),
            (_, None) => None,
        };
        assert!(
            v.expected_stored_mode.as_deref().is_none_or(|mode| mode.starts_with("client.get_item")),
            "{}: only get_item stored modes are replayed",
            v.name
        );
        let stored = v
            .expected_stored_item
            .as_object()
            .expect("expected_stored_item map")
            .iter()
            .map(|(key, item)| (key.clone(), (!item.is_null()).then(|| json!({ "M": item }))))
            .collect();
        let events = v
            .expected_sns
            .iter()
            .map(|message| ExpectedEvent {
                body: ddb(&message["Message_parsed"]),
                attributes: message
                    .get("MessageAttributes")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, a)| {
                        let text = |k: &str| a[k].as_str().expect("attribute field").to_owned();
                        (name.clone(), (text("Type"), text("Value")))
                    })
                    .collect(),
            })
            .collect();
        let ret = match v.call.method.as_str() {
            // Rust's puts return nothing.
            "insert" | "overwrite" | "create" => None,
            _ if v.expected_error.is_some() => None,
            _ => Some(ddb(&raw_page_fields(&v.expected_return))),
        };
        Expected { error, stored, events, ret }
    }

    /// Refused before the write: `error`, no item under `key`, no event, no return value.
    fn refused(&mut self, error: &'static str, key: &str) {
        self.error = Some(error);
        self.stored.insert(key.into(), None);
        self.events.clear();
        self.ret = None;
    }

    /// Sets attribute `name` in every stored item, event body and the returned item.
    fn set_everywhere(&mut self, name: &str, plain: Value) {
        let values = self.stored.values_mut().flatten().chain(self.events.iter_mut().map(|e| &mut e.body));
        for value in values.chain(self.ret.as_mut()) {
            set(value, name, plain.clone());
        }
    }
}

/// Sets attribute `name` of a DynamoDB JSON item (`{"M": ...}`) to a plain JSON value.
fn set(item: &mut Value, name: &str, plain: Value) {
    item["M"][name] = ddb(&plain);
}

/// The fields of a raw query/scan response that Rust's [`Page`] carries (other values unchanged).
fn raw_page_fields(value: &Value) -> Value {
    match value.as_object() {
        Some(map) if map.contains_key("Items") => {
            let keep = ["Items", "Count", "ScannedCount", "LastEvaluatedKey"];
            Value::Object(
                map.iter().filter(|(k, _)| keep.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect(),
            )
        }
        _ => value.clone(),
    }
}

/// The one normalisation of schema-mapped vectors. daplug-ddb's mapper wrote every schema property:
/// a missing or `null` scalar as `NULL`, a missing (or `null`) object with properties as `{}`, a
/// missing array of objects as `[]`. Generated Rust models omit absent fields (`None`) instead, so
/// this removes from Python's expectation every `NULL` map entry, and every empty map or list the
/// source data (`source`, plain JSON: the input of a put, the stored item overlaid with the patch of
/// an update) did not give, at every depth.
fn drop_mapper_fills(value: &mut Value, source: Option<&Value>) {
    if let Some(Value::Object(map)) = value.get_mut("M") {
        map.retain(|name, v| {
            let given = source.and_then(|s| s.get(name)).is_some_and(|g| !g.is_null());
            let empty = |kind: &str| {
                v.get(kind).is_some_and(|x| {
                    x.as_object().is_some_and(Map::is_empty) || x.as_array().is_some_and(Vec::is_empty)
                })
            };
            !(v.get("NULL").is_some() || (!given && (empty("M") || empty("L"))))
        });
        for (name, v) in map.iter_mut() {
            drop_mapper_fills(v, source.and_then(|s| s.get(name)));
        }
    } else if let Some(Value::Array(list)) = value.get_mut("L") {
        for (i, v) in list.iter_mut().enumerate() {
            drop_mapper_fills(v, source.and_then(|s| s.get(i)));
        }
    }
}

/// `base` with `patch` merged in (maps deeply, anything else replaced): the data a mapped update
/// is built from, for [`drop_mapper_fills`].
fn overlay(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p {
                let merged = out.get(k).map_or_else(|| v.clone(), |old| overlay(old, v));
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => patch.clone(),
    }
}

// ------------------------------------------------------------------------------------------------
// JSON <-> DynamoDB
// ------------------------------------------------------------------------------------------------

/// Plain JSON to an attribute value, as boto3's resource writes it (numbers → `N`).
fn attribute_value(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(list) => AttributeValue::L(list.iter().map(attribute_value).collect()),
        Value::Object(map) => AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), attribute_value(v))).collect()),
    }
}

fn item_of(value: &Value) -> Item {
    match attribute_value(value) {
        AttributeValue::M(item) => item,
        other => panic!("not an item: {other:?}"),
    }
}

/// An attribute value as DynamoDB JSON (`{"S": "x"}`), like `client.get_item` output.
fn ddb_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::L(list) => json!({ "L": list.iter().map(ddb_json).collect::<Vec<_>>() }),
        AttributeValue::M(map) => {
            json!({ "M": map.iter().map(|(k, v)| (k.clone(), ddb_json(v))).collect::<Map<_, _>>() })
        }
        other => json!({ "?": format!("{other:?}") }),
    }
}

/// Plain JSON as DynamoDB JSON.
fn ddb(plain: &Value) -> Value {
    ddb_json(&attribute_value(plain))
}

/// An attribute value as plain JSON (for last evaluated keys).
fn plain(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!(s),
        AttributeValue::N(n) => serde_json::from_str(n).expect("number"),
        AttributeValue::Bool(b) => json!(b),
        AttributeValue::L(list) => Value::Array(list.iter().map(plain).collect()),
        AttributeValue::M(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
        _ => Value::Null,
    }
}

/// The first difference between two DynamoDB JSON values; `N` values are compared as numbers
/// (`"10"` == `"10.0"` == `"1E1"`), everything else exactly.
fn diff(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    let number = |v: &Value| {
        v.as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("N"))
            .and_then(Value::as_str)
            .and_then(|n| n.parse::<f64>().ok())
    };
    if let (Some(e), Some(a)) = (number(expected), number(actual)) {
        let close = (e - a).abs() <= 1e-9 * e.abs().max(1.0);
        return (!close).then(|| format!("{path}: expected {e}, got {a}"));
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    None => return Some(format!("{path}.{k}: missing (expected {ev})")),
                    Some(av) => {
                        if let Some(d) = diff(&format!("{path}.{k}"), ev, av) {
                            return Some(d);
                        }
                    }
                }
            }
            a.iter().find(|(k, _)| !e.contains_key(*k)).map(|(k, av)| format!("{path}.{k}: unexpected {av}"))
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            e.iter().zip(a).enumerate().find_map(|(i, (ev, av))| diff(&format!("{path}[{i}]"), ev, av))
        }
        _ => (expected != actual).then(|| format!("{path}: expected {expected}, got {actual}")),
    }
}

// ------------------------------------------------------------------------------------------------
// The schemaless model
// ------------------------------------------------------------------------------------------------

/// A schemaless model: any JSON object, stored as is. Used where daplug-ddb did not map the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Dynamic(pub(crate) Map<String, Value>);

impl Model for Dynamic {
    type Key = Value;
    type Patch = Value;
    const META: ModelMeta = ModelMeta::named("Dynamic");
}

// ------------------------------------------------------------------------------------------------
// Adapter and call translation
// ------------------------------------------------------------------------------------------------

/// A message attribute from a daplug-ddb `sns_attributes` value (`None` values were dropped).
fn message_attribute(value: &Value) -> Option<MessageAttribute> {
    match value {
        Value::String(s) => Some(s.as_str().into()),
        Value::Bool(b) => Some((*b).into()),
        Value::Number(n) => Some(n.as_i64().map_or_else(|| n.as_f64().expect("number").into(), Into::into)),
        _ => None,
    }
}

/// The adapter described by `adapter_config`, on `table`, publishing to `topic`.
fn adapter_for(
    v: &Vector,
    config: &aws_config::SdkConfig,
    table: &str,
    topic: &Topic,
    client: Option<aws_sdk_dynamodb::Client>,
) -> Result<Adapter, Error> {
    let cfg = &v.adapter_config;
    let text = |k: &str| cfg.get(k).and_then(Value::as_str);
    let flag = |k: &str| cfg.get(k) == Some(&Value::Bool(true));
    let list = |k: &str| -> Vec<String> {
        cfg.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let mut builder = Adapter::builder().sdk_config(config.clone()).table(table).range_key("sk");
    if let Some(key) = text("hash_key") {
        builder = builder.hash_key(key);
    }
    if let Some(prefix) = text("hash_prefix") {
        builder = builder.hash_prefix(prefix);
    }
    if let Some(prefix) = text("range_prefix") {
        builder = builder.range_prefix(prefix);
    }
    if let Some(key) = text("idempotence_key") {
        builder = builder.idempotence_key(key);
    }
    if flag("raise_idempotence_error") {
        builder = builder.require_lock_value(true);
    }
    if flag("idempotence_use_latest") {
        builder = builder.lock_policy(LockPolicy::LatestWins);
    }
    if text("sns_arn").is_some() {
        builder = builder.sns_topic(&topic.arn);
    }
    for (name, value) in cfg.get("sns_attributes").and_then(Value::as_object).into_iter().flatten() {
        if let Some(attribute) = message_attribute(value) {
            builder = builder.sns_attribute(name, attribute);
        }
    }
    if cfg.contains_key("required_payload_keys") {
        builder = builder.required_payload_keys(list("required_payload_keys"));
    }
    if cfg.contains_key("required_headers") {
        builder = builder.required_attributes(list("required_headers"));
    }
    if let Some(client) = client {
        builder = builder.client(client);
    }
    builder.build()
}

/// Per-call prefix overrides. A per-call `hash_key` of `sk` moved daplug-ddb's hash prefix to the
/// sort key: that is Rust's per-call range prefix.
macro_rules! with_prefixes {
    ($request:expr, $v:expr) => {{
        let v: &Vector = $v;
        let mut request = $request;
        if let Some(prefix) = v.kw_str("hash_prefix") {
            request = match v.kw_str("hash_key") {
                Some("sk") => request.range_prefix(prefix),
                _ => request.hash_prefix(prefix),
            };
        }
        if let Some(prefix) = v.kw_str("range_prefix") {
            request = request.range_prefix(prefix);
        }
        request
    }};
}

/// Per-call prefix and event settings of a write.
macro_rules! with_options {
    ($request:expr, $v:expr) => {{
        let v: &Vector = $v;
        let mut request = with_prefixes!($request, v);
        for (name, value) in v.kw("sns_attributes").and_then(Value::as_object).into_iter().flatten() {
            if let Some(attribute) = message_attribute(value) {
                request = request.sns_attribute(name, attribute);
            }
        }
        if v.kw("publish") == Some(&Value::Bool(false)) {
            request = request.publish(false);
        }
        if let Some(payload) = v.kw("publish_data") {
            request = request.publish_payload(payload.clone());
        }
        if let Some(id) = v.kw_str("fifo_group_id") {
            request = request.fifo_group_id(id);
        }
        if let Some(id) = v.kw_str("fifo_duplication_id") {
            request = request.fifo_deduplication_id(id);
        }
        request
    }};
}

/// A `KeyConditionExpression` / `FilterExpression` of the vectors (`a = :v`, `begins_with(a, :v)`,
/// joined by `AND`; `#x` names resolved) as conditions.
fn conditions(params: &Map<String, Value>, field: &str) -> Vec<Condition> {
    let Some(text) = params.get(field).and_then(Value::as_str) else { return Vec::new() };
    let names = params.get("ExpressionAttributeNames").cloned().unwrap_or_default();
    let values = params.get("ExpressionAttributeValues").cloned().unwrap_or_default();
    let name = |n: &str| if n.starts_with('#') { names[n].as_str().expect("name").to_owned() } else { n.to_owned() };
    let value = |p: &str| values.get(p).cloned().unwrap_or_else(|| panic!("{field}: no value for {p}"));
    text.split(" AND ")
        .map(|clause| {
            let clause = clause.trim();
            if let Some(args) = clause.strip_prefix("begins_with(").and_then(|c| c.strip_suffix(')')) {
                let (attribute, placeholder) = args.split_once(',').expect("begins_with(a, :v)");
                Condition::begins_with(name(attribute.trim()), value(placeholder.trim()))
            } else {
                let (attribute, placeholder) = clause.split_once(" = ").unwrap_or_else(|| panic!("{field}: {clause}"));
                Condition::eq(name(attribute.trim()), value(placeholder.trim()))
            }
        })
        .collect()
}

/// Index, filter, limit and exclusive start key of a query or scan.
macro_rules! with_read_params {
    ($request:expr, $params:expr) => {{
        let params: &Map<String, Value> = $params;
        let mut request = $request;
        if let Some(index) = params.get("IndexName").and_then(Value::as_str) {
            request = request.index(index);
        }
        for condition in conditions(params, "FilterExpression") {
            request = request.filter(condition);
        }
        if let Some(limit) = params.get("Limit").and_then(Value::as_u64) {
            request = request.limit(u32::try_from(limit).expect("limit"));
        }
        if let Some(start) = params.get("ExclusiveStartKey") {
            request = request.exclusive_start_key(item_of(start));
        }
        request
    }};
}

fn query<M: Model>(repo: &daplug_runtime::Repository<M>, v: &Vector) -> daplug_runtime::ops::Query<M> {
    let params = v.params();
    let mut query = with_read_params!(with_prefixes!(repo.query(), v), &params);
    for condition in conditions(&params, "KeyConditionExpression") {
        query = query.key(condition);
    }
    query
}

fn scan<M: Model>(repo: &daplug_runtime::Repository<M>, v: &Vector) -> daplug_runtime::ops::Scan<M> {
    with_read_params!(with_prefixes!(repo.scan(), v), &v.params())
}

fn to_json<M: Model>(model: &M) -> Value {
    serde_json::to_value(model).expect("model json")
}

/// A page as daplug-ddb's raw response (`Items`, `Count`, `ScannedCount`, `LastEvaluatedKey`).
fn page_json<M: Model>(page: &Page<M>) -> Value {
    let mut out = json!({
        "Items": page.items.iter().map(to_json).collect::<Vec<_>>(),
        "Count": page.count,
        "ScannedCount": page.scanned_count,
    });
    if let Some(key) = &page.last_evaluated_key {
        out["LastEvaluatedKey"] = plain(&AttributeValue::M(key.clone()));
    }
    out
}

fn items_json<M: Model>(items: &[M]) -> Value {
    Value::Array(items.iter().map(to_json).collect())
}

/// Runs the vector's call with model `M`; returns what reads, updates and deletes return, as
/// plain JSON (`{}` for "no item", as daplug-ddb returned it).
async fn execute<M: Model<Key = Value>>(v: &Vector, adapter: &Adapter) -> Result<Option<Value>, Error> {
    let repo = adapter.repository::<M>();
    let raw = |flag: &str| v.kw(flag) == Some(&Value::Bool(true));
    Ok(match v.call.method.as_str() {
        method @ ("insert" | "overwrite" | "create") => {
            let model = M::from_json(&v.input)?;
            match method {
                "insert" => with_options!(repo.insert(&model), v).await?,
                "overwrite" => with_options!(repo.overwrite(&model), v).await?,
                _ => {
                    let mode = if v.kw_str("operation") == Some("overwrite") {
                        WriteMode::Overwrite
                    } else {
                        WriteMode::Insert
                    };
                    with_options!(repo.create(&model, mode), v).await?
                }
            }
            None
        }
        "get" => Some(with_prefixes!(repo.get(&v.key()), v).await?.map_or_else(|| json!({}), |m| to_json(&m))),
        "read" => {
            let read = match v.kw_str("operation") {
                Some("query") => Read::Query(query(&repo, v)),
                Some("scan") => Read::Scan(scan(&repo, v)),
                _ => Read::Get(v.key()),
            };
            let items = repo.read(read).await?;
            Some(match v.kw_str("operation") {
                Some("query" | "scan") => items_json(&items),
                _ => items.first().map_or_else(|| json!({}), to_json),
            })
        }
        "query" if raw("raw_query") => Some(page_json(&query(&repo, v).await?)),
        "query" => Some(items_json(&query(&repo, v).await?.items)),
        "scan" if raw("raw_scan") => Some(page_json(&scan(&repo, v).await?)),
        "scan" => Some(items_json(&scan(&repo, v).await?.items)),
        "update" => {
            let by_key = v.kw_str("operation") == Some("get") || v.params().contains_key("key");
            let mut update = if by_key {
                repo.update(&v.key(), &v.input)
            } else {
                repo.update_where(query(&repo, v), &v.input).first_match(true)
            };
            update = match v.kw_str("update_list_operation") {
                None | Some("add") => update.list_op(ListOp::Add),
                Some("remove") => update.list_op(ListOp::Remove),
                Some("replace") => update.list_op(ListOp::Replace),
                Some(other) => panic!("no ListOp for {other}"),
            };
            if v.kw_str("update_dict_operation") == Some("remove") {
                update = update.map_op(MapOp::Remove);
            }
            Some(to_json(&with_options!(update, v).await?))
        }
        "delete" => Some(with_options!(repo.delete(&v.key()), v).await?.map_or_else(|| json!({}), |m| to_json(&m))),
        other => panic!("no translation for method {other}"),
    })
}

/// Dispatches to the generated model of the mapped schema, or [`Dynamic`].
async fn run_call(v: &Vector, adapter: &Adapter) -> Result<Option<Value>, Error> {
    match v.mapped_schema() {
        None => execute::<Dynamic>(v, adapter).await,
        Some("Order") => execute::<vectors::Order>(v, adapter).await,
        Some("OrderWithAudit") => execute::<vectors::OrderWithAudit>(v, adapter).await,
        Some("Polymorph") => execute::<vectors::Polymorph>(v, adapter).await,
        Some("Untyped") => execute::<vectors::Untyped>(v, adapter).await,
        Some(other) => panic!("no generated model for schema {other}"),
    }
}

/// The concurrent writer of `idempotence_conflict`: before the first `PutItem` of the adapter's
/// client it writes `item` through a client of its own (daplug-ddb's vector used a hook there too).
#[derive(Debug)]
struct ConcurrentWriter {
    table: String,
    item: Item,
    fired: AtomicBool,
}

impl Intercept for ConcurrentWriter {
    fn name(&self) -> &'static str {
        "ConcurrentWriter"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context.input().downcast_ref::<PutItemInput>().is_none() || self.fired.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let (table, item) = (self.table.clone(), self.item.clone());
        // Interceptors are synchronous: write from a thread with its own runtime and client.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async move {
                let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
                client.put_item().table_name(table).set_item(Some(item)).send().await?;
                Ok::<_, BoxError>(())
            })
        })
        .join()
        .expect("concurrent writer thread")
    }
}

// ------------------------------------------------------------------------------------------------
// Replay
// ------------------------------------------------------------------------------------------------

fn error_kind(err: &Error) -> &'static str {
    match err {
        Error::Config(_) => "Config",
        Error::Validation { .. } => "Validation",
        Error::Serialize { .. } => "Serialize",
        Error::InvalidKey { .. } => "InvalidKey",
        Error::AlreadyExists { .. } => "AlreadyExists",
        Error::NotFound { .. } => "NotFound",
        Error::AmbiguousUpdate { .. } => "AmbiguousUpdate",
        Error::Conflict { .. } => "Conflict",
        Error::Publish { .. } => "Publish",
        Error::PublishContract { .. } => "PublishContract",
        Error::BatchIncomplete { .. } => "BatchIncomplete",
        Error::DynamoDb { .. } => "DynamoDb",
        _ => "Other",
    }
}

/// Replays one vector; the problems found (empty: it matched).
async fn replay(config: &aws_config::SdkConfig, v: &Vector, plan: &Plan) -> Vec<String> {
    let table = create_table(config, &TableSpec::STANDARD).await;
    let topic = Topic::create(config).await;
    let client = aws_sdk_dynamodb::Client::new(config);
    for seed in &v.seed_items {
        client.put_item().table_name(&table).set_item(Some(item_of(seed))).send().await.expect("seed");
    }
    let hooked = (v.name == "idempotence_conflict").then(|| {
        let mut item = v.seed_items[0].clone();
        item["modified"] = json!("2030-01-01T00:00:00");
        let writer = ConcurrentWriter { table: table.clone(), item: item_of(&item), fired: AtomicBool::new(false) };
        aws_sdk_dynamodb::Client::from_conf(aws_sdk_dynamodb::config::Builder::from(config).interceptor(writer).build())
    });

    let outcome = match adapter_for(v, config, &table, &topic, hooked) {
        Ok(adapter) => run_call(v, &adapter).await,
        Err(err) => Err(err),
    };
    let received = topic.drain().await;

    let mut expected = Expected::python(v, plan);
    if v.mapped_schema().is_some() {
        let source = match v.call.method.as_str() {
            "update" => overlay(&v.seed_items[0], &v.input),
            _ => v.input.clone(),
        };
        let values = expected.stored.values_mut().flatten().chain(expected.events.iter_mut().map(|e| &mut e.body));
        for value in values.chain(expected.ret.as_mut()) {
            drop_mapper_fills(value, Some(&source));
        }
    }
    if let Plan::Correct(_, fix) = plan {
        fix(v, &mut expected);
    }

    let mut problems = Vec::new();
    let returned = match (outcome, expected.error) {
        (Ok(returned), None) => returned,
        (Err(err), Some(kind)) if error_kind(&err) == kind => None,
        (Ok(_), Some(kind)) => {
            problems.push(format!("expected Error::{kind}, the call succeeded"));
            None
        }
        (Err(err), kind) => {
            problems.push(format!("expected {}, got Error::{}: {err}", kind.unwrap_or("success"), error_kind(&err)));
            None
        }
    };
    for (key, want) in &expected.stored {
        let (pk, sk) = key.split_once('|').expect("pk|sk");
        let got = raw_get(config, &table, pk, sk).await.map(|item| ddb_json(&AttributeValue::M(item)));
        match (want, &got) {
            (None, None) => {}
            (Some(want), Some(got)) => problems.extend(diff(&format!("stored[{key}]"), want, got)),
            (None, Some(got)) => problems.push(format!("stored[{key}]: expected no item, found {got}")),
            (Some(_), None) => problems.push(format!("stored[{key}]: missing")),
        }
    }
    if received.len() != expected.events.len() {
        let bodies: Vec<&str> = received.iter().map(|r| r.message.as_str()).collect();
        problems.push(format!("expected {} event(s), received {bodies:?}", expected.events.len()));
    } else {
        for (i, (want, got)) in expected.events.iter().zip(&received).enumerate() {
            problems.extend(diff(&format!("event[{i}].body"), &want.body, &ddb(&got.body)));
            for (name, attribute) in &want.attributes {
                if got.attributes.get(name) != Some(attribute) {
                    problems
                        .push(format!("event[{i}].{name}: expected {attribute:?}, got {:?}", got.attributes.get(name)));
                }
            }
            let operation = ("String".to_owned(), v.operation().to_owned());
            if got.attributes.get("operation") != Some(&operation) {
                problems.push(format!(
                    "event[{i}].operation: expected {operation:?}, got {:?}",
                    got.attributes.get("operation")
                ));
            }
            let extra: Vec<&String> = got
                .attributes
                .keys()
                .filter(|n| !want.attributes.contains_key(*n) && !["operation", "schema"].contains(&n.as_str()))
                .collect();
            if !extra.is_empty() {
                problems.push(format!("event[{i}]: unexpected attributes {extra:?}"));
            }
        }
    }
    match (&expected.ret, returned) {
        (Some(want), Some(got)) => problems.extend(diff("return", want, &ddb(&got))),
        (Some(want), None) if problems.is_empty() => problems.push(format!("expected return {want}, got none")),
        _ => {}
    }
    problems
}

#[tokio::test]
async fn behaviour_vectors_replay() {
    let vectors = load_vectors();
    let plans = plans();
    let mut failures = Vec::new();
    for (name, _) in &plans {
        if vectors.iter().filter(|v| v.name == *name).count() != 1 {
            failures.push(format!("{name}: planned but not exactly once in vectors.json"));
        }
    }
    let config = sdk_config().await;
    let (mut replayed, mut corrected, mut skipped) = (0, 0, 0);
    for v in &vectors {
        let Some((_, plan)) = plans.iter().find(|(name, _)| *name == v.name) else {
            failures.push(format!("{}: no plan", v.name));
            continue;
        };
        match plan {
            Plan::Skip(why) => {
                println!("skipped   {}: {why}", v.name);
                skipped += 1;
                continue;
            }
            Plan::Correct(why, _) => {
                println!("corrected {}: {why}", v.name);
                corrected += 1;
            }
            Plan::Replay | Plan::ReplayErr(_) => replayed += 1,
        }
        let problems = replay(&config, v, plan).await;
        if !problems.is_empty() {
            failures.push(format!("{}: {}", v.name, problems.join("; ")));
        }
    }
    println!("behaviour vectors: replayed {replayed}, corrected {corrected}, skipped {skipped} (of {})", vectors.len());
    assert!(failures.is_empty(), "{} vector(s) failed:\n{}", failures.len(), failures.join("\n"));
}
