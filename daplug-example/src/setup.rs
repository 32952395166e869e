//! Where the tour runs: DynamoDB in this process with events recorded (the default when no AWS
//! endpoint or credentials are configured), the local moto server (`--moto`), or the AWS configuration
//! of the environment; and the resources it needs.

use std::process::Command;

use daplug_runtime::aws::aws_config::{self, BehaviorVersion, Region, SdkConfig};
use daplug_runtime::aws::dynamodb::config::{Credentials, SharedCredentialsProvider};

/// Command-line options.
#[derive(Debug, Default)]
pub struct Options {
    pub table: Option<String>,
    pub topic_arn: Option<String>,
    pub endpoint: Option<String>,
    pub local: bool,
    pub moto: bool,
    pub keep: bool,
}

pub const HELP: &str = "\
daplug-example: a tour of daplug on the sample openapi.yml

USAGE:
    cargo run -p daplug-example -- [OPTIONS]

With no AWS endpoint or credentials in the environment, DynamoDB is an emulator inside this process
(daplug-runtime's `testing` feature) and the events the writes would publish to SNS are recorded
and printed, bodies and message attributes as SNS would receive them: Rust alone, nothing to install.
With --moto, the local moto server (Python 3; installed into .venv/ by scripts/emulator.sh) serves
DynamoDB, SNS and SQS, and the events are read back from an SQS queue subscribed to the topic.
Otherwise the standard AWS configuration chain is used (AWS_REGION, credentials, AWS_ENDPOINT_URL),
events through SNS and SQS as with --moto. At the end a subscriber decodes every event into the typed
model and reads the table's stream (turned on for a table the run created) into typed changes.

OPTIONS:
    --table NAME       table to use (env DAPLUG_EXAMPLE_TABLE); created if missing, deleted at the end
                       only if this run created it
    --topic-arn ARN    SNS topic for events (env DAPLUG_EXAMPLE_TOPIC_ARN); a temporary topic is
                       created (and deleted) otherwise; not with the in-process emulator
    --endpoint URL     endpoint override for DynamoDB, SNS and SQS
    --local            always use the in-process emulator, whatever the environment says
    --moto             start the local moto server for DynamoDB, SNS and SQS (needs Python 3)
    --keep             keep the resources this run created (not with the in-process emulator)
    -h, --help         print this help
";

impl Options {
    /// Parses `std::env::args`; `Ok(None)` means help was printed.
    pub fn parse() -> Result<Option<Options>, String> {
        let mut options = Options {
            table: std::env::var("DAPLUG_EXAMPLE_TABLE").ok(),
            topic_arn: std::env::var("DAPLUG_EXAMPLE_TOPIC_ARN").ok(),
            ..Options::default()
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
            match arg.as_str() {
                "--table" => options.table = Some(value("--table")?),
                "--topic-arn" => options.topic_arn = Some(value("--topic-arn")?),
                "--endpoint" => options.endpoint = Some(value("--endpoint")?),
                "--local" => options.local = true,
                "--moto" => options.moto = true,
                "--keep" => options.keep = true,
                "-h" | "--help" => {
                    print!("{HELP}");
                    return Ok(None);
                }
                other => return Err(format!("unknown argument `{other}` (try --help)")),
            }
        }
        if options.moto && (options.local || options.endpoint.is_some()) {
            return Err("--moto starts its own endpoint: it does not go with --local or --endpoint".into());
        }
        if options.local && options.endpoint.is_some() {
            return Err("--local runs in process: it does not go with --endpoint".into());
        }
        Ok(Some(options))
    }

    /// True when the tour runs in process: asked for, or nothing points at a real AWS account or
    /// another endpoint (and moto was not asked for).
    pub fn in_process(&self) -> bool {
        self.local || (!self.moto && self.nothing_configured())
    }

    /// True when nothing points at a real AWS account or another endpoint.
    fn nothing_configured(&self) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let aws_files = std::env::var_os("HOME")
            .map(std::path::PathBuf::from)
            .is_some_and(|home| home.join(".aws/credentials").exists() || home.join(".aws/config").exists());
        self.endpoint.is_none()
            && !["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"]
                .iter()
                .any(|name| set(name))
            && !aws_files
    }
}

/// Starts moto through the project's script; it stops when this process exits.
fn start_moto() -> Result<String, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/emulator.sh");
    let output = Command::new("bash")
        .arg(script)
        .args(["start", "--owner-pid", &std::process::id().to_string()])
        .output()
        .map_err(|err| format!("cannot run {script}: {err}"))?;
    if !output.status.success() {
        return Err(format!("the local moto server did not start:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The AWS configuration for a run on moto or AWS, and a description of where it points.
/// The AWS configuration of the in-process emulator at `endpoint` (for the clients daplug does not
/// make itself: the tour's stream reader). Nothing is read from the environment.
pub fn emulator(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test",
            "test",
            None,
            None,
            "daplug-example",
        )))
        .build()
}

pub async fn aws(options: &Options) -> Result<(SdkConfig, String), String> {
    if options.moto {
        let endpoint = start_moto()?;
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "daplug-example"))
            .load()
            .await;
        return Ok((config, format!("local moto server at {endpoint}")));
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(endpoint) = &options.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let config = loader.load().await;
    let place = match (&options.endpoint, config.region()) {
        (Some(endpoint), _) => format!("endpoint {endpoint}"),
        (None, Some(region)) => format!("AWS region {region}"),
        (None, None) => return Err("no AWS region configured (set AWS_REGION)".into()),
    };
    Ok((config, place))
}
