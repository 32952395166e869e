#[derive(daplug_runtime::DaplugModel)]
#[daplug(table = "orders")]
struct Order {
    #[daplug(partition_key)]
    pk: String,
}

fn main() {}
