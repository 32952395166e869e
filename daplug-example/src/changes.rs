//! The tour's stream subscriber: the table's DynamoDB stream, read with the streams API
//! (`DescribeStream`, `GetShardIterator`, `GetRecords`) and each record decoded into a typed
//! `Change<ExampleModel>`, prefixes stripped as the repository strips them.

use std::time::Duration;

use daplug_runtime::aws::aws_config::SdkConfig;
use daplug_runtime::aws::dynamodb::types::{StreamSpecification, StreamViewType};
use daplug_runtime::aws::dynamodbstreams::types::{ShardIteratorType, StreamStatus};
use daplug_runtime::aws::dynamodbstreams::Client as StreamsClient;
use daplug_runtime::streams::Change;
use daplug_runtime::Adapter;

use crate::models::ExampleModel;

/// How long the tour waits for a stream it turned on to be readable (DynamoDB: `ENABLING` →
/// `ENABLED`; the emulators are immediate).
const ENABLE_WAIT: Duration = Duration::from_secs(60);
/// `GetRecords` calls per shard at most: a shard is read until a call returns nothing.
const READS_PER_SHARD: usize = 50;

fn fail<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> String + '_ {
    move |err| format!("{what}: {err}")
}

/// A reader of one table's stream.
pub struct StreamTap {
    client: StreamsClient,
    stream_arn: String,
}

impl StreamTap {
    /// Turns on the stream (new and old images) of a table this run created, and waits until it can
    /// be read. The tour never changes a table it did not create: for one of those it reads the
    /// stream the table has, or `None` when it has none.
    pub async fn open(adapter: &Adapter, config: &SdkConfig, created: bool) -> Result<Option<StreamTap>, String> {
        let client = StreamsClient::new(config);
        let described = adapter
            .client()
            .describe_table()
            .table_name(adapter.table())
            .send()
            .await
            .map_err(fail("describe table"))?;
        let table = described.table();
        let enabled = table.and_then(|t| t.stream_specification()).is_some_and(|s| s.stream_enabled());
        let stream_arn = match (enabled, table.and_then(|t| t.latest_stream_arn())) {
            (true, Some(arn)) => arn.to_owned(),
            _ if !created => return Ok(None),
            _ => {
                let stream = StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .map_err(fail("stream specification"))?;
                let updated = adapter
                    .client()
                    .update_table()
                    .table_name(adapter.table())
                    .stream_specification(stream)
                    .send()
                    .await
                    .map_err(fail("turn on the table's stream"))?;
                updated
                    .table_description()
                    .and_then(|t| t.latest_stream_arn())
                    .ok_or("turn on the table's stream: no stream ARN returned")?
                    .to_owned()
            }
        };
        let tap = StreamTap { client, stream_arn };
        tap.wait_until_enabled().await?;
        Ok(Some(tap))
    }

    async fn wait_until_enabled(&self) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + ENABLE_WAIT;
        loop {
            let described = self
                .client
                .describe_stream()
                .stream_arn(&self.stream_arn)
                .send()
                .await
                .map_err(fail("describe stream"))?;
            let status = described.stream_description().and_then(|d| d.stream_status());
            if status == Some(&StreamStatus::Enabled) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "stream {} not enabled after {ENABLE_WAIT:?} (status {status:?})",
                    self.stream_arn
                ));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Every change on the stream so far, shard by shard, decoded.
    pub async fn changes(&self, adapter: &Adapter) -> Result<Vec<Change<ExampleModel>>, String> {
        let prefixes = adapter.prefixes();
        let described =
            self.client.describe_stream().stream_arn(&self.stream_arn).send().await.map_err(fail("describe stream"))?;
        let shards = described.stream_description().map(|d| d.shards().to_vec()).unwrap_or_default();
        let mut changes = Vec::new();
        for shard in shards {
            let Some(shard_id) = shard.shard_id() else { continue };
            let mut iterator = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(shard_id)
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .map_err(fail("shard iterator"))?
                .shard_iterator;
            for _ in 0..READS_PER_SHARD {
                let Some(current) = iterator.take() else { break };
                let out =
                    self.client.get_records().shard_iterator(current).send().await.map_err(fail("get records"))?;
                if out.records().is_empty() {
                    break;
                }
                for record in out.records() {
                    changes.push(Change::from_stream_record(record, &prefixes).map_err(fail("decode change"))?);
                }
                iterator = out.next_shard_iterator;
            }
        }
        Ok(changes)
    }
}
