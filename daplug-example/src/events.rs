//! The tour's events, as delivered: recorded in process (the in-process run), or read back from a
//! temporary SQS queue subscribed to the SNS topic (moto or AWS); each one decoded into a typed
//! `Event<M>` the way a downstream service would.

use std::sync::Arc;

use daplug_runtime::aws::aws_config::SdkConfig;
use daplug_runtime::aws::sns;
use daplug_runtime::aws::sqs::types::Message as SqsMessage;
use daplug_runtime::aws::sqs::types::QueueAttributeName;
use daplug_runtime::events::{Delivery, Event, EventError, Message};
use daplug_runtime::testing::RecordingSink;
use daplug_runtime::Model;

/// Where the tour's events go.
pub enum Events {
    /// Published to SNS, read back through SQS.
    Sns(EventTap),
    /// Recorded in process, never published.
    Recorded(Arc<RecordingSink>),
}

impl Events {
    /// Everything delivered (or recorded) since the last call.
    pub async fn drain(&self) -> Result<Vec<Delivered>, String> {
        match self {
            Events::Sns(tap) => tap.drain().await,
            Events::Recorded(sink) => Ok(sink.take().into_iter().map(Delivered::Recorded).collect()),
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

/// One event as delivered.
pub enum Delivered {
    /// An SQS message from the queue subscribed to the topic: the SNS envelope (raw message
    /// delivery is off on this subscription).
    Sqs(SqsMessage),
    /// A message the in-process run recorded: what raw message delivery would hand a subscriber
    /// (the body and the message attributes).
    Recorded(Message),
}

impl Delivered {
    /// The event decoded as a subscriber of `M` decodes it.
    pub fn decode<M: Model>(&self) -> Result<Event<M>, EventError>
    where
        M::Key: serde::de::DeserializeOwned,
    {
        match self {
            Delivered::Sqs(message) => Event::from_sqs_message(message, Delivery::Enveloped),
            Delivered::Recorded(message) => Event::from_raw(&message.body, message.attributes.clone()),
        }
    }

    /// The message text as SNS carries it (the envelope's `Message`), for display.
    pub fn body(&self) -> String {
        match self {
            Delivered::Sqs(message) => serde_json::from_str::<serde_json::Value>(message.body().unwrap_or_default())
                .ok()
                .and_then(|envelope| envelope["Message"].as_str().map(str::to_owned))
                .unwrap_or_default(),
            Delivered::Recorded(message) => message.body.clone(),
        }
    }
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
                if let Some(handle) = message.receipt_handle() {
                    self.sqs
                        .delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .map_err(fail("delete message"))?;
                }
                delivered.push(Delivered::Sqs(message));
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
