use daplug_runtime::DaplugModel;
use daplug_runtime::__private::serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DaplugModel)]
#[serde(crate = "daplug_runtime::__private::serde")]
struct Line {
    #[daplug(hash_key)]
    pk: String,
}

// A family is read back by its tag: the enum needs `#[serde(tag = "...")]`.
#[derive(Serialize, Deserialize, DaplugModel)]
#[serde(crate = "daplug_runtime::__private::serde")]
enum Part {
    Line(Line),
}

fn main() {}
