//! What DynamoDB can store: nesting at most [`MAX_DEPTH`] levels (the one limit, and its one
//! message, for every reader and writer of the codec), and numbers DynamoDB accepts (finite, at
//! most 38 significant digits, magnitude between 1E-130 and
//! 9.9999999999999999999999999999999999999E+125, or zero). [`check_item`] checks an item built
//! outside the checked serializer (merged updates, patches); a violation names the attribute's
//! path, as decoding errors do.

use aws_sdk_dynamodb::types::AttributeValue;

use super::item::Item;
use super::number;
use super::path::{render, Step};

/// How deep a value may be nested: 32 levels below the item, DynamoDB's own limit for nested
/// attributes (a top-level attribute is at level 1).
pub const MAX_DEPTH: usize = 32;

/// The one message for a value nested deeper than [`MAX_DEPTH`], whoever reads or writes it.
#[cold]
pub(crate) fn too_deep() -> String {
    format!("nested deeper than {MAX_DEPTH} levels (DynamoDB's limit)")
}

/// Checks every attribute of `item`; the error is (path, message).
pub(crate) fn check_item(item: &Item) -> Result<(), (String, String)> {
    for (name, value) in item {
        check_value(value, 1).map_err(|(mut steps, message)| {
            steps.push(Step::key(name.clone()));
            (render(&steps), message)
        })?;
    }
    Ok(())
}

/// Checks `value` at `depth` levels below the item; on error the steps are innermost first.
fn check_value(value: &AttributeValue, depth: usize) -> Result<(), (Vec<Step>, String)> {
    if depth > MAX_DEPTH {
        return Err((Vec::new(), too_deep()));
    }
    match value {
        AttributeValue::N(text) => number::check(text).map_err(|message| (Vec::new(), message)),
        AttributeValue::Ns(numbers) => numbers
            .iter()
            .enumerate()
            .try_for_each(|(index, text)| number::check(text).map_err(|message| (vec![Step::Index(index)], message))),
        AttributeValue::L(values) => values.iter().enumerate().try_for_each(|(index, value)| {
            check_value(value, depth + 1).map_err(|(mut steps, message)| {
                steps.push(Step::Index(index));
                (steps, message)
            })
        }),
        AttributeValue::M(map) => map.iter().try_for_each(|(name, value)| {
            check_value(value, depth + 1).map_err(|(mut steps, message)| {
                steps.push(Step::key(name.clone()));
                (steps, message)
            })
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_errors_name_the_path_and_nesting_is_bounded() {
        let n = |text: &str| AttributeValue::N(text.into());
        let item: Item =
            [("a".to_owned(), AttributeValue::M([("b".to_owned(), AttributeValue::L(vec![n("1"), n("inf")]))].into()))]
                .into();
        let (path, message) = check_item(&item).unwrap_err();
        assert_eq!(path, "a.b[1]");
        assert!(message.contains("inf"), "{message}");

        let nest = |levels: usize| {
            let mut value = n("1");
            for _ in 0..levels {
                value = AttributeValue::M([("x".to_owned(), value)].into());
            }
            Item::from([("top".to_owned(), value)])
        };
        assert_eq!(check_item(&nest(MAX_DEPTH - 1)), Ok(()));
        let (path, message) = check_item(&nest(MAX_DEPTH)).unwrap_err();
        assert_eq!(path, format!("top{}", ".x".repeat(MAX_DEPTH)));
        assert!(message.contains("nested deeper"), "{message}");
        assert!(check_item(&nest(1000)).is_err());
        let sets = Item::from([("ns".to_owned(), AttributeValue::Ns(vec!["1".into(), "NaN".into()]))]);
        assert_eq!(check_item(&sets).unwrap_err().0, "ns[1]");
    }
}
