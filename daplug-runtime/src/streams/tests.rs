//! Decoding from a record's parts: images by view type, prefixes, refusals with paths (the
//! emulator round trips are in `tests/tests/it/streams.rs`).

use aws_sdk_dynamodb::types::AttributeValue;

use super::*;
use crate::ops::test_support::{Thing, ThingKey};

fn stored(pk: &str, n: &str) -> Item {
    Item::from([("pk".to_owned(), AttributeValue::S(pk.into())), ("n".to_owned(), AttributeValue::N(n.into()))])
}

fn keys(pk: &str) -> Item {
    Item::from([("pk".to_owned(), AttributeValue::S(pk.into()))])
}

fn decode(
    kind: ChangeKind,
    view: Option<ViewType>,
    new: Option<Item>,
    old: Option<Item>,
) -> Result<Change<Thing>, ChangeError> {
    Change::from_images(kind, view, keys("t#a"), new, old, &Prefixes::none().with("pk", "t#"))
}

#[test]
fn images_are_decoded_as_the_model_with_prefixes_stripped() {
    let both = Some(ViewType::NewAndOldImages);
    let change = decode(ChangeKind::Modify, both, Some(stored("t#a", "2")), Some(stored("t#a", "1"))).unwrap();
    assert_eq!(
        change,
        Change::Modify { key: ThingKey::new("a"), old: Some(Thing::new("a", 1)), new: Some(Thing::new("a", 2)) }
    );
    assert_eq!(change.kind(), ChangeKind::Modify);
    let insert = decode(ChangeKind::Insert, both, Some(stored("t#a", "1")), None).unwrap();
    assert_eq!(insert.new_image().unwrap(), &Thing::new("a", 1));
    assert!(matches!(insert.old_image(), Err(ChangeError::NoImage { change: ChangeKind::Insert, image: Image::Old })));
    let remove = decode(ChangeKind::Remove, both, None, Some(stored("t#a", "1"))).unwrap();
    assert_eq!(remove, Change::Remove { key: ThingKey::new("a"), old: Some(Thing::new("a", 1)) });
}

#[test]
fn a_view_type_without_an_image_gives_none_and_says_so_when_asked() {
    let keys_only = decode(ChangeKind::Modify, Some(ViewType::KeysOnly), None, None).unwrap();
    assert_eq!(keys_only, Change::Modify { key: ThingKey::new("a"), old: None, new: None });
    let err = keys_only.new_image().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the MODIFY record carries no new image (its stream's view type or its change lacks it)"
    );
    let new_only = decode(ChangeKind::Remove, Some(ViewType::NewImage), None, None).unwrap();
    assert!(matches!(new_only.old_image(), Err(ChangeError::NoImage { image: Image::Old, .. })));
    assert_eq!(new_only.key(), &ThingKey::new("a"));
}

#[test]
fn an_image_the_view_type_promises_but_the_record_lacks_is_refused() {
    let err = decode(ChangeKind::Modify, Some(ViewType::NewAndOldImages), Some(stored("t#a", "2")), None).unwrap_err();
    assert!(matches!(
        err,
        ChangeError::MissingImage {
            change: ChangeKind::Modify,
            image: Image::Old,
            view_type: ViewType::NewAndOldImages
        }
    ));
    assert_eq!(
        err.to_string(),
        "the MODIFY record has no old image, though its stream's view type is NEW_AND_OLD_IMAGES"
    );
    // A record that does not say its view type gives what it carries.
    assert!(decode(ChangeKind::Modify, None, Some(stored("t#a", "2")), None).is_ok());
}

#[test]
fn keys_and_images_that_are_not_the_model_name_their_path() {
    let bad = Item::from([
        ("pk".to_owned(), AttributeValue::S("t#a".into())),
        ("n".to_owned(), AttributeValue::S("x".into())),
    ]);
    let err = decode(ChangeKind::Insert, Some(ViewType::NewImage), Some(bad), None).unwrap_err();
    match &err {
        ChangeError::Decode { image: Some(Image::New), source, .. } => match source.as_ref() {
            Error::Validation { path, .. } => assert_eq!(path, "n"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let numeric = Item::from([("pk".to_owned(), AttributeValue::N("1".into()))]);
    let err =
        Change::<Thing>::from_images(ChangeKind::Remove, None, numeric, None, None, &Prefixes::none()).unwrap_err();
    assert!(
        matches!(&err, ChangeError::Decode { image: None, source, .. } if matches!(source.as_ref(), Error::Validation { path, .. } if path == "pk")),
        "{err:?}"
    );
}

#[test]
fn names_read_back_from_their_wire_text() {
    for kind in [ChangeKind::Insert, ChangeKind::Modify, ChangeKind::Remove] {
        assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
    }
    for view in [ViewType::KeysOnly, ViewType::NewImage, ViewType::OldImage, ViewType::NewAndOldImages] {
        assert_eq!(ViewType::parse(&view.to_string()), Some(view));
    }
    assert_eq!(ChangeKind::parse("UPSERT"), None);
    assert!(ViewType::OldImage.includes(Image::Old) && !ViewType::OldImage.includes(Image::New));
}
