use daplug_runtime::DaplugModel;
use daplug_runtime::__private::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DaplugModel)]
#[serde(crate = "daplug_runtime::__private::serde")]
#[daplug(tag = "kind", tag_value = "Line")]
struct Line {
    #[daplug(hash_key)]
    pk: String,
    #[daplug(range_key, prefix = "LINE#")]
    sk: String,
}

#[derive(Serialize, Deserialize, DaplugModel)]
#[serde(crate = "daplug_runtime::__private::serde")]
#[daplug(tag = "kind", tag_value = "Extra")]
struct Extra {
    #[daplug(hash_key)]
    pk: String,
    #[daplug(range_key, prefix = "LINE#X")]
    sk: String,
}

// `LINE#X` starts with `LINE#`: a query of the lines would read the extras too.
#[derive(Serialize, Deserialize, DaplugModel)]
#[serde(crate = "daplug_runtime::__private::serde")]
#[serde(tag = "kind")]
enum Part {
    Line(Line),
    Extra(Extra),
}

fn main() {}
