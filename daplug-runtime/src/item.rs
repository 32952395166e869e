//! [`Item`], the DynamoDB item, and its codecs to and from JSON (the form merges, lock decisions and
//! event bodies work on). The bottom floor: nothing of the crate is imported here.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

/// A DynamoDB item: attribute name to value, exactly what the SDK sends and receives.
pub type Item = HashMap<String, AttributeValue>;

/// Decodes an (unprefixed) item as JSON.
pub(crate) fn to_json(item: &Item) -> Result<Value, serde_dynamo::Error> {
    let item: serde_dynamo::Item = item.clone().into();
    serde_dynamo::from_item(item)
}

/// Decodes one attribute value as JSON.
pub(crate) fn attribute_to_json(value: &AttributeValue) -> Result<Value, serde_dynamo::Error> {
    serde_dynamo::from_attribute_value(serde_dynamo::AttributeValue::from(value.clone()))
}

/// Encodes a JSON value as an attribute value.
pub(crate) fn attribute_from_json(value: &Value) -> Result<AttributeValue, serde_dynamo::Error> {
    serde_dynamo::to_attribute_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let item: Item = [
            ("pk".to_owned(), AttributeValue::S("a".into())),
            ("n".to_owned(), AttributeValue::N("2".into())),
            ("tags".to_owned(), AttributeValue::L(vec![AttributeValue::Bool(true)])),
        ]
        .into_iter()
        .collect();
        let json = to_json(&item).unwrap();
        assert_eq!(json, serde_json::json!({"pk": "a", "n": 2, "tags": [true]}));
        assert_eq!(attribute_to_json(&item["n"]).unwrap(), serde_json::json!(2));
        assert_eq!(attribute_from_json(&json["pk"]).unwrap(), AttributeValue::S("a".into()));
    }
}
