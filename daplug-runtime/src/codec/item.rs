//! [`Item`], the DynamoDB item. The bottom floor: nothing of the crate is imported here. Its
//! conversions (to and from models, to JSON) are in `codec/`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

/// A DynamoDB item: attribute name to value, exactly what the SDK sends and receives.
pub type Item = HashMap<String, AttributeValue>;
