//! An SQS message as the SDK's `ReceiveMessage` returns it (feature `sqs`), decoded by how the queue
//! is subscribed to the topic.

use aws_sdk_sqs::types::{Message as SqsMessage, MessageSystemAttributeName};
use serde::de::DeserializeOwned;

use super::error::EventError;
use super::{envelope, Delivery, Event, Received};
use crate::model::Model;

impl<M: Model> Event<M>
where
    M::Key: DeserializeOwned,
{
    /// Decodes an SQS message received from a queue subscribed to the topic. The FIFO ids are read
    /// from the message's system attributes `MessageGroupId` and `MessageDeduplicationId` (ask for
    /// them with `message_system_attribute_names(All)` on `ReceiveMessage`).
    ///
    /// ```no_run
    /// # use daplug_runtime::Model;
    /// # async fn demo<M: Model>(sqs: daplug_runtime::aws::sqs::Client, queue_url: &str) -> Result<(), Box<dyn std::error::Error>>
    /// # where M::Key: serde::de::DeserializeOwned {
    /// use daplug_runtime::events::{Delivery, Event};
    /// let received = sqs.receive_message().queue_url(queue_url).send().await?;
    /// for message in received.messages() {
    ///     let event = Event::<M>::from_sqs_message(message, Delivery::Enveloped)?;
    ///     // ... event.operation, event.payload ...
    /// }
    /// # Ok(()) }
    /// ```
    pub fn from_sqs_message(message: &SqsMessage, delivery: Delivery) -> Result<Self, EventError> {
        let body = message.body().ok_or_else(|| EventError::Malformed {
            path: "Body".into(),
            message: "the SQS message has no body".into(),
        })?;
        let mut received = match delivery {
            Delivery::Enveloped => envelope::open(body)?,
            Delivery::Raw => {
                let mut attributes = Vec::new();
                for (name, value) in message.message_attributes().into_iter().flatten() {
                    let text = value.string_value().ok_or_else(|| EventError::UnsupportedAttribute {
                        name: name.clone(),
                        data_type: value.data_type().to_owned(),
                    })?;
                    attributes.push((name.clone(), value.data_type().to_owned(), text.to_owned()));
                }
                Received {
                    body: body.to_owned(),
                    attributes,
                    message_id: message.message_id().map(str::to_owned),
                    ..Received::default()
                }
            }
        };
        let system = message.attributes();
        let system = |name: MessageSystemAttributeName| system.and_then(|attributes| attributes.get(&name)).cloned();
        received.group_id = system(MessageSystemAttributeName::MessageGroupId);
        received.deduplication_id = system(MessageSystemAttributeName::MessageDeduplicationId);
        Self::decode(received)
    }
}
