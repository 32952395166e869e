#!/usr/bin/env bash
# The price of SNS in a service's binary: a release program doing one conditional insert through
# daplug, with and without the `sns` feature, against the same put written with the SDK alone.
# Prints the stripped sizes in bytes. Builds in a scratch workspace next to the target directory
# (it reuses the workspace's Cargo.lock, so the AWS crates are the same versions).
#
#     scripts/bench/binary_size.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/bench/binary-size"
rm -rf "$WORK" && mkdir -p "$WORK/insert/src" "$WORK/sdk/src" "$WORK/out"
cp "$ROOT/Cargo.lock" "$WORK/"
printf '[workspace]\nresolver = "2"\nmembers = ["insert", "sdk"]\n' > "$WORK/Cargo.toml"
cat > "$WORK/insert/Cargo.toml" <<TOML
[package]
name = "one-insert"
version = "0.0.0"
edition = "2021"
publish = false

[features]
sns = ["daplug-runtime/sns"]

[dependencies]
daplug-runtime = { path = "$ROOT/daplug-runtime", default-features = false }
serde = { version = "1.0.200", features = ["derive", "alloc"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "time", "sync"] }
TOML
cat > "$WORK/insert/src/main.rs" <<'RS'
//! One conditional insert through daplug.
use daplug_runtime::{Adapter, DaplugModel};

#[derive(serde::Serialize, serde::Deserialize, DaplugModel)]
#[daplug(schema_name = "orders")]
struct Order {
    #[daplug(hash_key)]
    pk: String,
    qty: i64,
}

#[tokio::main]
async fn main() -> daplug_runtime::Result<()> {
    let adapter = Adapter::builder().table("orders").keys_from::<Order>().from_env().await?;
    adapter.repository::<Order>().insert(&Order { pk: "a".into(), qty: 1 }).await
}
RS
cat > "$WORK/sdk/Cargo.toml" <<'TOML'
[package]
name = "one-put"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
aws-config = { version = "1.13", default-features = false, features = ["default-https-client", "rt-tokio", "behavior-version-latest"] }
aws-sdk-dynamodb = { version = "1.136", default-features = false, features = ["default-https-client", "rt-tokio", "behavior-version-latest"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "time", "sync"] }
TOML
cat > "$WORK/sdk/src/main.rs" <<'RS'
//! The same conditional put, written with the SDK alone.
use aws_sdk_dynamodb::types::AttributeValue;

#[tokio::main]
async fn main() -> Result<(), aws_sdk_dynamodb::Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    client
        .put_item()
        .table_name("orders")
        .item("pk", AttributeValue::S("a".into()))
        .item("qty", AttributeValue::N("1".into()))
        .condition_expression("attribute_not_exists(#k)")
        .expression_attribute_names("#k", "pk")
        .send()
        .await?;
    Ok(())
}
RS
cd "$WORK"
export CARGO_TARGET_DIR="$TARGET"
cargo build -q --release -p one-put -p one-insert
strip -o out/sdk-alone "$TARGET/release/one-put"
strip -o out/daplug-without-sns "$TARGET/release/one-insert"
cargo build -q --release -p one-insert --features sns
strip -o out/daplug-with-sns "$TARGET/release/one-insert"
for binary in sdk-alone daplug-without-sns daplug-with-sns; do
  printf '%-20s %s bytes\n' "$binary" "$(wc -c < "out/$binary")"
done
