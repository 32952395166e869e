//! [`SnsSink`]: events published to one SNS topic (the `sns` feature, on by default).

use futures::future::BoxFuture;

use super::sink::{EventSink, FailedEvent, Message, MessageAttribute, PublishBatchError, SinkError};
use std::collections::BTreeMap;

/// Most entries one SNS `PublishBatch` request accepts.
pub const SNS_BATCH_LIMIT: usize = 10;

/// Publishes events to one SNS topic.
#[derive(Debug, Clone)]
pub struct SnsSink {
    client: aws_sdk_sns::Client,
    topic_arn: String,
}

impl SnsSink {
    /// A sink for `topic_arn` using `client`.
    pub fn new(client: aws_sdk_sns::Client, topic_arn: impl Into<String>) -> Self {
        SnsSink { client, topic_arn: topic_arn.into() }
    }

    /// The topic this sink publishes to.
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }
}

impl EventSink for SnsSink {
    fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            let request = self
                .client
                .publish()
                .topic_arn(&self.topic_arn)
                .message(event.body)
                .set_message_group_id(event.group_id)
                .set_message_deduplication_id(event.deduplication_id)
                .set_message_attributes(Some(sns_attributes(event.attributes)?));
            let output = request.send().await.map_err(aws_sdk_sns::Error::from)?;
            tracing::debug!(message_id = output.message_id(), "event published");
            Ok(())
        })
    }

    /// `PublishBatch` in requests of at most [`SNS_BATCH_LIMIT`] entries (entry id = index in
    /// `events`). Failed entries, and every entry of a request that failed as a whole, are reported in
    /// a [`PublishBatchError`].
    fn publish_batch(&self, events: Vec<Message>) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            let mut failed = Vec::new();
            let mut events = events.into_iter().enumerate().peekable();
            while events.peek().is_some() {
                let chunk: Vec<(usize, Message)> = events.by_ref().take(SNS_BATCH_LIMIT).collect();
                let indexes: Vec<usize> = chunk.iter().map(|(index, _)| *index).collect();
                let mut entries = Vec::with_capacity(chunk.len());
                for (index, event) in chunk {
                    entries.push(batch_entry(index, event)?);
                }
                match self
                    .client
                    .publish_batch()
                    .topic_arn(&self.topic_arn)
                    .set_publish_batch_request_entries(Some(entries))
                    .send()
                    .await
                {
                    Ok(output) => {
                        tracing::debug!(
                            published = output.successful().len(),
                            failed = output.failed().len(),
                            "event batch published"
                        );
                        for entry in output.failed() {
                            let index = entry.id().parse().unwrap_or(usize::MAX);
                            failed.push(FailedEvent {
                                index,
                                code: Some(entry.code().to_owned()),
                                message: entry.message().unwrap_or("failed").to_owned(),
                            });
                        }
                    }
                    Err(err) => {
                        let err = aws_sdk_sns::Error::from(err);
                        let code = aws_sdk_sns::error::ProvideErrorMetadata::code(&err).map(str::to_owned);
                        failed.extend(indexes.into_iter().map(|index| FailedEvent {
                            index,
                            code: code.clone(),
                            message: err.to_string(),
                        }));
                    }
                }
            }
            PublishBatchError::result(failed)
        })
    }
}

fn batch_entry(index: usize, event: Message) -> Result<aws_sdk_sns::types::PublishBatchRequestEntry, SinkError> {
    let entry = aws_sdk_sns::types::PublishBatchRequestEntry::builder()
        .id(index.to_string())
        .message(event.body)
        .set_message_group_id(event.group_id)
        .set_message_deduplication_id(event.deduplication_id)
        .set_message_attributes(Some(sns_attributes(event.attributes)?));
    Ok(entry.build()?)
}

/// An event's attributes as SNS message attributes (typed, string values on the wire).
fn sns_attributes(
    attributes: BTreeMap<String, MessageAttribute>,
) -> Result<std::collections::HashMap<String, aws_sdk_sns::types::MessageAttributeValue>, SinkError> {
    let mut out = std::collections::HashMap::with_capacity(attributes.len());
    for (name, value) in attributes {
        let attribute = aws_sdk_sns::types::MessageAttributeValue::builder()
            .data_type(value.data_type())
            .string_value(value.as_str())
            .build()?;
        out.insert(name, attribute);
    }
    Ok(out)
}
