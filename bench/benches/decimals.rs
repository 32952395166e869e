//! Which representation for `format: decimal`: correctness (does the DynamoDB `N` text survive a
//! parse and a print?) and speed (parse + print), for `f64`, rust_decimal, bigdecimal and daplug's
//! text-keeping `Decimal`. Prints a markdown table for BENCHMARKS.md:
//! `cargo bench -p daplug-bench --bench decimals`.

use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

use daplug_runtime::Decimal;

/// Trailing zeros, 38 significant digits, a negative exponent, DynamoDB's largest magnitude.
const TEXTS: [&str; 6] = [
    "12.50",
    "12345678901234567890.123456789012345678",
    "1.5e-7",
    "-0.000100",
    "99999999999999999999999999999999999999",
    "9.9999999999999999999999999999999999999E+125",
];

type Codec = fn(&str) -> Option<String>;

fn f64_codec(text: &str) -> Option<String> {
    f64::from_str(text).ok().map(|v| v.to_string())
}
fn rust_decimal_codec(text: &str) -> Option<String> {
    rust_decimal::Decimal::from_str_exact(text)
        .or_else(|_| rust_decimal::Decimal::from_scientific(text))
        .ok()
        .map(|v| v.to_string())
}
fn bigdecimal_codec(text: &str) -> Option<String> {
    bigdecimal::BigDecimal::from_str(text).ok().map(|v| v.to_string())
}
fn daplug_codec(text: &str) -> Option<String> {
    Decimal::from_str(text).ok().map(|v| v.to_string())
}

fn main() {
    let codecs: [(&str, Codec); 4] = [
        ("`f64`", f64_codec),
        ("rust_decimal 1", rust_decimal_codec),
        ("bigdecimal 0.4", bigdecimal_codec),
        ("daplug `Decimal`", daplug_codec),
    ];
    println!("| representation | texts kept exactly (of {}) | value kept | parse + print, ns per value |", TEXTS.len());
    println!("|---|---|---|---|");
    for (name, codec) in codecs {
        let exact = TEXTS.iter().filter(|t| codec(t).as_deref() == Some(**t)).count();
        let value =
            TEXTS.iter().filter(|t| codec(t).and_then(|out| daplug_codec_value(&out)) == daplug_codec_value(t)).count();
        let rounds = 200_000;
        let start = Instant::now();
        for _ in 0..rounds {
            for text in TEXTS {
                black_box(codec(black_box(text)));
            }
        }
        let per_value = start.elapsed().as_nanos() as f64 / (rounds * TEXTS.len()) as f64;
        println!("| {name} | {exact} | {value} | {per_value:.0} |");
    }
}

/// The value of a number text (for "value kept": equal as DynamoDB compares numbers).
fn daplug_codec_value(text: &str) -> Option<Decimal> {
    // bigdecimal prints `1E-7` forms with an upper-case `E` and a sign: still a number.
    Decimal::from_str(text).ok()
}
