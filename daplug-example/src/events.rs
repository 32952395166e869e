//! The tour's events, as delivered and decoded by a subscriber: recorded in process (the in-process
//! run), or read back from a temporary SQS queue subscribed to the SNS topic (moto or AWS); each one
//! read into a typed `Event<ExampleModel>` the way a downstream service would.

use std::sync::Arc;

use daplug_runtime::aws::aws_config::SdkConfig;
use daplug_runtime::aws::sns;
use daplug_runtime::aws::sqs::types::QueueAttributeName;
use daplug_runtime::events::{Delivery, Event};
use daplug_runtime::testing::RecordingSink;

use crate::models::ExampleModel;

/// Where the tour's events go.
pub enum Events {
    /// Published to SNS, read back through SQS.
    Sns(EventTap),
    /// Recorded in process, never published.
    Recorded(Arc<RecordingSink>),
}

impl Events {
    /// Everything delivered (or recorded) since the last call, decoded.
    pub async fn drain(&self) -> Result<Vec<Delivered>, String> {
        match self {
            Events::Sns(tap) => tap.drain().await,
            Events::Recorded(sink) => sink
                .take()
                .into_iter()
                .map(|message| {
                    // What raw message delivery hands a subscriber: the body and the attributes.
                    let event = Event::from_raw(&message.body, message.attributes).map_err(fail("decode event"))?;
                    Ok(Delivered { body: message.body, event })
                })
                .collect(),
        }
    }

    /// Removes what the run created to read events (queue, subscription, temporary topic).
    pub async fn remove(self) -> Result<(), String> {
        match self {
            Events::Sns(tap) => tap.remove().await,
            Events::Recorded(_) => Ok(()),
        }
    }
}

/// A queue subscribed to the topic, and what this run created (to clean it up).
pub struct EventTap {
    pub topic_arn: String,
    created_topic: bool,
    queue_url: String,
    subscription_arn: Option<String>,
    sns: sns::Client,
    sqs: daplug_runtime::aws::sqs::Client,
}

/// One event as delivered: the SNS `Message` text, and what a subscriber decodes from it.
pub struct Delivered {
    pub body: String,
    pub event: Event<ExampleModel>,
}

fn fail<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> String + '_ {
    move |err| format!("{what}: {err}")
}

impl EventTap {
    /// Subscribes a new queue to `topic_arn`, creating a topic when none is given.
    pub async fn create(config: &SdkConfig, topic_arn: Option<String>, name: &str) -> Result<EventTap, String> {
        let sns = sns::Client::new(config);
        let sqs = daplug_runtime::aws::sqs::Client::new(config);
        let (topic_arn, created_topic) = match topic_arn {
            Some(arn) => (arn, false),
            None => {
                let out = sns.create_topic().name(name).send().await.map_err(fail("create topic"))?;
                (out.topic_arn.ok_or("create topic: no ARN returned")?, true)
            }
        };
        let queue_url = sqs
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .map_err(fail("create queue"))?
            .queue_url
            .ok_or("create queue: no URL returned")?;
        let mut tap = EventTap { topic_arn, created_topic, queue_url, subscription_arn: None, sns, sqs };
        let queue_arn = tap
            .sqs
            .get_queue_attributes()
            .queue_url(&tap.queue_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(fail("queue attributes"))?
            .attributes
            .and_then(|mut attributes| attributes.remove(&QueueAttributeName::QueueArn))
            .ok_or("queue attributes: no ARN")?;
        let subscription = tap
            .sns
            .subscribe()
            .topic_arn(&tap.topic_arn)
            .protocol("sqs")
            .endpoint(queue_arn)
            .send()
            .await
            .map_err(fail("subscribe"))?;
        tap.subscription_arn = subscription.subscription_arn;
        Ok(tap)
    }

    /// Everything delivered so far.
    pub async fn drain(&self) -> Result<Vec<Delivered>, String> {
        let mut delivered = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                // Real SNS delivers asynchronously; the emulator delivers before Publish returns.
                .wait_time_seconds(1)
                .send()
                .await
                .map_err(fail("receive"))?;
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return Ok(delivered);
            }
            for message in messages {
                // The SNS envelope as SQS delivers it (no raw message delivery on this subscription).
                let event = Event::from_sqs_message(&message, Delivery::Enveloped).map_err(fail("decode event"))?;
                let envelope: serde_json::Value =
                    serde_json::from_str(message.body().unwrap_or_default()).map_err(fail("envelope"))?;
                let body = envelope["Message"].as_str().unwrap_or_default().to_owned();
                delivered.push(Delivered { body, event });
                if let Some(handle) = message.receipt_handle() {
                    self.sqs
                        .delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .map_err(fail("delete message"))?;
                }
            }
        }
    }

    /// Removes the queue, the subscription and (if this run made it) the topic.
    pub async fn remove(self) -> Result<(), String> {
        if let Some(arn) = &self.subscription_arn {
            self.sns.unsubscribe().subscription_arn(arn).send().await.map_err(fail("unsubscribe"))?;
        }
        self.sqs.delete_queue().queue_url(&self.queue_url).send().await.map_err(fail("delete queue"))?;
        if self.created_topic {
            self.sns.delete_topic().topic_arn(&self.topic_arn).send().await.map_err(fail("delete topic"))?;
        }
        Ok(())
    }
}
