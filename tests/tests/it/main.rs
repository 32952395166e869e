//! Integration tests: every feature against local emulators: moto's server for SNS and SQS, and for
//! DynamoDB moto's (the default) or the in-process emulator (`DAPLUG_TEST_DYNAMODB=dynoxide`).
//!
//! One moto server per test run: `DAPLUG_TEST_ENDPOINT` when set (the README's test command sets it),
//! otherwise this binary starts one through `scripts/emulator.sh` and it stops when the run ends.
//! Every test gets its own table (and topic/queue), so tests run in parallel. `testing_kit` tests
//! the testing feature itself, each test on emulators of its own.

mod fault_layer;
mod harness;

mod batch;
mod bodies;
mod constraints;
mod constructs;
mod crud;
mod cursors;
mod decimals;
mod decoder;
mod errors;
mod events;
mod families;
mod faults;
mod inbound;
mod models;
mod prefixes;
mod reads;
mod retries;
mod roundtrip;
mod serde_twin;
mod spans;
mod streams;
mod subscriber_vectors;
mod subscribers;
mod tables;
mod testing_kit;
mod timeouts;
mod transact;
mod typed_names;
mod unions;
mod unreadable;
mod update;
mod update_one;
mod vectors;
