//! Typed DynamoDB Streams records: a record of a table's stream, from the SDK's `GetRecords` output
//! (`sdk.rs`, feature `streams`) or a Lambda DynamoDB event (`lambda.rs`, feature `lambda`),
//! decoded into a [`Change<M>`]: the key as `M::Key`, the images as `M` through the model's item
//! decoder, key prefixes stripped as the repository strips them on a read.
//!
//! A record's images depend on the stream's view type (`StreamSpecification.StreamViewType`,
//! DynamoDB Developer Guide, "Change data capture for DynamoDB Streams"): `NEW_AND_OLD_IMAGES`
//! gives every change both images it has, `NEW_IMAGE` the new one, `OLD_IMAGE` the old one,
//! `KEYS_ONLY` none. The images a change has are `Some` exactly when the view type includes them.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::Error;
use crate::model::Model;
use crate::prefix::Prefixes;

mod error;
#[cfg(feature = "lambda")]
mod lambda;
#[cfg(feature = "streams")]
mod sdk;

pub use error::ChangeError;

/// What a stream record's write did to an item, with its key and the images the stream's view
/// type carries.
///
/// ```
/// use daplug_runtime::aws::dynamodb::types::AttributeValue;
/// use daplug_runtime::adapter::Prefixes;
/// use daplug_runtime::streams::{Change, ChangeKind, ViewType};
/// # use daplug_runtime::{Item, KeyAttribute, KeyType, Model, ModelMeta};
/// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # struct Order { pk: String, qty: u32 }
/// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # struct OrderKey { pk: String }
/// # impl Model for Order {
/// #     type Key = OrderKey;
/// #     type Patch = serde_json::Value;
/// #     const META: ModelMeta = ModelMeta {
/// #         hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
/// #         ..ModelMeta::named("Order")
/// #     };
/// # }
/// let item = |qty: &str| Item::from([
///     ("pk".to_owned(), AttributeValue::S("tenant#o-1".into())),
///     ("qty".to_owned(), AttributeValue::N(qty.into())),
/// ]);
/// let keys = Item::from([("pk".to_owned(), AttributeValue::S("tenant#o-1".into()))]);
/// let prefixes = Prefixes::none().with("pk", "tenant#");
/// let change = Change::<Order>::from_images(
///     ChangeKind::Modify, Some(ViewType::NewAndOldImages), keys, Some(item("3")), Some(item("2")), &prefixes,
/// )?;
/// assert_eq!(change.key(), &OrderKey { pk: "o-1".into() });
/// assert_eq!(change.new_image()?.qty, 3);
/// assert_eq!(change.old_image()?.qty, 2);
/// # Ok::<(), daplug_runtime::streams::ChangeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Change<M: Model> {
    /// A new item was written (`INSERT`).
    Insert {
        /// The item's key.
        key: M::Key,
        /// The item as written; `None` when the view type has no new image.
        new: Option<M>,
    },
    /// An existing item was changed (`MODIFY`): an overwrite, an update.
    Modify {
        /// The item's key.
        key: M::Key,
        /// The item before; `None` when the view type has no old image.
        old: Option<M>,
        /// The item after; `None` when the view type has no new image.
        new: Option<M>,
    },
    /// An item was deleted (`REMOVE`), by a write or by TTL.
    Remove {
        /// The item's key.
        key: M::Key,
        /// The item as it was; `None` when the view type has no old image.
        old: Option<M>,
    },
}

/// The kind of a change: a record's `eventName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// `INSERT`.
    Insert,
    /// `MODIFY`.
    Modify,
    /// `REMOVE`.
    Remove,
}

impl ChangeKind {
    /// The event name a stream record carries (`INSERT`, `MODIFY`, `REMOVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Insert => "INSERT",
            ChangeKind::Modify => "MODIFY",
            ChangeKind::Remove => "REMOVE",
        }
    }

    /// The kind an event name names, if any.
    pub fn parse(name: &str) -> Option<ChangeKind> {
        [ChangeKind::Insert, ChangeKind::Modify, ChangeKind::Remove].into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether a change of this kind has the image.
    fn has(self, image: Image) -> bool {
        match image {
            Image::New => self != ChangeKind::Remove,
            Image::Old => self != ChangeKind::Insert,
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a stream's records carry (`StreamViewType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewType {
    /// `KEYS_ONLY`: the key alone.
    KeysOnly,
    /// `NEW_IMAGE`: the item after the change.
    NewImage,
    /// `OLD_IMAGE`: the item before the change.
    OldImage,
    /// `NEW_AND_OLD_IMAGES`: both.
    NewAndOldImages,
}

impl ViewType {
    /// The wire name (`NEW_AND_OLD_IMAGES`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ViewType::KeysOnly => "KEYS_ONLY",
            ViewType::NewImage => "NEW_IMAGE",
            ViewType::OldImage => "OLD_IMAGE",
            ViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }

    /// The view type a wire name names, if any.
    pub fn parse(name: &str) -> Option<ViewType> {
        [ViewType::KeysOnly, ViewType::NewImage, ViewType::OldImage, ViewType::NewAndOldImages]
            .into_iter()
            .find(|view| view.as_str() == name)
    }

    /// Whether records of this view type carry the image.
    pub fn includes(self, image: Image) -> bool {
        matches!(
            (self, image),
            (ViewType::NewAndOldImages, _) | (ViewType::NewImage, Image::New) | (ViewType::OldImage, Image::Old)
        )
    }
}

impl fmt::Display for ViewType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of a record's two images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Image {
    /// `NewImage`: the item after the change.
    New,
    /// `OldImage`: the item before the change.
    Old,
}

impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Image::New => "new image",
            Image::Old => "old image",
        })
    }
}

impl<M: Model> Change<M>
where
    M::Key: DeserializeOwned,
{
    /// The one decoding, from a record's parts: its event name, its view type (when the record
    /// says), its keys and images as stored (prefixed); `prefixes` are the rules the repository
    /// reads with ([`Adapter::prefixes`](crate::Adapter::prefixes)), under the entity's own
    /// prefixes where it has them (a family's variant: the entity its image's tag names, as a read
    /// through the repository strips it; [`Model::ENTITY`] for a record without images). An image the view type
    /// promises for this change but the record lacks is a [`ChangeError::MissingImage`]; an image
    /// a change does not have (an insert's old image) is ignored.
    pub fn from_images(
        kind: ChangeKind,
        view_type: Option<ViewType>,
        keys: Item,
        new: Option<Item>,
        old: Option<Item>,
        prefixes: &Prefixes,
    ) -> Result<Self, ChangeError> {
        // An update never changes an item's entity, so the keys are stripped by the entity of
        // whichever image the record has.
        let of_image = |image: Image, item: &Item| {
            M::entity_of_item(item).map_err(|source| ChangeError::Decode {
                change: kind,
                image: Some(image),
                source: Box::new(source),
            })
        };
        let entity = match (&new, &old) {
            (Some(item), _) => of_image(Image::New, item)?,
            (None, Some(item)) => of_image(Image::Old, item)?,
            (None, None) => M::ENTITY,
        };
        let key = crate::codec::from_item::<M::Key>(entity_rules::<M>(prefixes, &entity).stripped(keys)).map_err(
            |(path, err)| ChangeError::Decode {
                change: kind,
                image: None,
                source: Box::new(Error::Validation { schema: M::META.schema, path, message: err.to_string() }),
            },
        )?;
        let image = |image: Image, item: Option<Item>| -> Result<Option<M>, ChangeError> {
            if !kind.has(image) {
                return Ok(None);
            }
            match (item, view_type) {
                (Some(item), _) => {
                    let rules = entity_rules::<M>(prefixes, &of_image(image, &item)?);
                    M::from_item(rules.stripped(item)).map(Some).map_err(|source| ChangeError::Decode {
                        change: kind,
                        image: Some(image),
                        source: Box::new(source),
                    })
                }
                (None, Some(view_type)) if view_type.includes(image) => {
                    Err(ChangeError::MissingImage { change: kind, image, view_type })
                }
                (None, _) => Ok(None),
            }
        };
        let (new, old) = (image(Image::New, new)?, image(Image::Old, old)?);
        Ok(match kind {
            ChangeKind::Insert => Change::Insert { key, new },
            ChangeKind::Modify => Change::Modify { key, old, new },
            ChangeKind::Remove => Change::Remove { key, old },
        })
    }
}

/// The rules `M`'s repository strips `entity`'s items with: the adapter's `prefixes`, under the
/// entity's own prefixes on the model's key attributes (only a family's variants have their own).
fn entity_rules<M: Model>(prefixes: &Prefixes, entity: &Entity) -> Prefixes {
    let mut rules = prefixes.clone();
    for (prefix, key) in [(entity.hash_prefix, M::META.hash_key), (entity.range_prefix, M::META.range_key)] {
        if let (Some(prefix), Some(key)) = (prefix, key) {
            rules = rules.with(key.name, prefix);
        }
    }
    rules
}

impl<M: Model> Change<M> {
    /// The kind of change.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::Insert { .. } => ChangeKind::Insert,
            Change::Modify { .. } => ChangeKind::Modify,
            Change::Remove { .. } => ChangeKind::Remove,
        }
    }

    /// The changed item's key.
    pub fn key(&self) -> &M::Key {
        match self {
            Change::Insert { key, .. } | Change::Modify { key, .. } | Change::Remove { key, .. } => key,
        }
    }

    /// The item after the change, or [`ChangeError::NoImage`] when the record does not carry it (a
    /// remove; a stream whose view type has no new image).
    pub fn new_image(&self) -> Result<&M, ChangeError> {
        match self {
            Change::Insert { new: Some(new), .. } | Change::Modify { new: Some(new), .. } => Ok(new),
            _ => Err(ChangeError::NoImage { change: self.kind(), image: Image::New }),
        }
    }

    /// The item before the change, or [`ChangeError::NoImage`] when the record does not carry it (an
    /// insert; a stream whose view type has no old image).
    pub fn old_image(&self) -> Result<&M, ChangeError> {
        match self {
            Change::Modify { old: Some(old), .. } | Change::Remove { old: Some(old), .. } => Ok(old),
            _ => Err(ChangeError::NoImage { change: self.kind(), image: Image::Old }),
        }
    }
}

/// A record part that is not there, as a [`ChangeError::Malformed`].
#[cfg(any(feature = "streams", feature = "lambda"))]
fn missing(path: &str) -> ChangeError {
    ChangeError::Malformed { path: path.to_owned(), message: "missing".to_owned() }
}

#[cfg(test)]
mod tests;
