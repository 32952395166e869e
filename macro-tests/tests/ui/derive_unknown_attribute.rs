#[derive(daplug_macros::DaplugModel)]
#[daplug(table = "orders")]
struct Order {
    #[daplug(partition_key)]
    pk: String,
}

fn main() {}
