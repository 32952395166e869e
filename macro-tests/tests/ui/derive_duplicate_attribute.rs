#[derive(daplug_runtime::DaplugModel)]
#[daplug(schema_name = "orders", schema_name = "again")]
struct Order {
    #[daplug(hash_key)]
    pk: String,
    #[daplug(hash_key)]
    sk: String,
}

fn main() {}
