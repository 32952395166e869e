//! Every spec of the public corpus (`daplug-codegen/tests/corpus/`), as `schema!` expands it: the
//! golden files under `golden/`, written and checked by `daplug-codegen/tests/golden.rs`. This crate
//! only has to compile, warning-free and clippy-clean: generated code must never fail to compile.
#![deny(warnings)]
#![allow(missing_docs)]

/// `adyen_transfer_v4`.
pub mod adyen_transfer_v4 {
    include!("golden/adyen_transfer_v4.rs");
}
/// `box`.
pub mod r#box {
    include!("golden/box.rs");
}
/// `digitalocean`.
pub mod digitalocean {
    include!("golden/digitalocean.rs");
}
/// `discord`.
pub mod discord {
    include!("golden/discord.rs");
}
/// `k8s_apps_v1`.
pub mod k8s_apps_v1 {
    include!("golden/k8s_apps_v1.rs");
}
/// `min_allof_anyof_plus_properties`.
pub mod min_allof_anyof_plus_properties {
    include!("golden/min_allof_anyof_plus_properties.rs");
}
/// `min_allof_oneof_null`.
pub mod min_allof_oneof_null {
    include!("golden/min_allof_oneof_null.rs");
}
/// `min_allof_ref_description_collision`.
pub mod min_allof_ref_description_collision {
    include!("golden/min_allof_ref_description_collision.rs");
}
/// `min_allof_ref_to_oneof`.
pub mod min_allof_ref_to_oneof {
    include!("golden/min_allof_ref_to_oneof.rs");
}
/// `min_anyof_nullable_scalar_collision`.
pub mod min_anyof_nullable_scalar_collision {
    include!("golden/min_anyof_nullable_scalar_collision.rs");
}
/// `min_anyof_single_ref_nullable_collision`.
pub mod min_anyof_single_ref_nullable_collision {
    include!("golden/min_anyof_single_ref_nullable_collision.rs");
}
/// `min_big_integer`.
pub mod min_big_integer {
    include!("golden/min_big_integer.rs");
}
/// `min_const_oneof_int_enum`.
pub mod min_const_oneof_int_enum {
    include!("golden/min_const_oneof_int_enum.rs");
}
/// `min_discriminator_alternative_is_oneof`.
pub mod min_discriminator_alternative_is_oneof {
    include!("golden/min_discriminator_alternative_is_oneof.rs");
}
/// `min_enum_case_collision`.
pub mod min_enum_case_collision {
    include!("golden/min_enum_case_collision.rs");
}
/// `min_external_ref`.
pub mod min_external_ref {
    include!("golden/min_external_ref.rs");
}
/// `min_external_ref_wholefile`.
pub mod min_external_ref_wholefile {
    include!("golden/min_external_ref_wholefile.rs");
}
/// `min_inline_anyof_two_refs_collision`.
pub mod min_inline_anyof_two_refs_collision {
    include!("golden/min_inline_anyof_two_refs_collision.rs");
}
/// `min_inline_enum_name_collision`.
pub mod min_inline_enum_name_collision {
    include!("golden/min_inline_enum_name_collision.rs");
}
/// `min_key_suffix_collision`.
pub mod min_key_suffix_collision {
    include!("golden/min_key_suffix_collision.rs");
}
/// `min_not_required`.
pub mod min_not_required {
    include!("golden/min_not_required.rs");
}
/// `min_oneof_null_ref_collision`.
pub mod min_oneof_null_ref_collision {
    include!("golden/min_oneof_null_ref_collision.rs");
}
/// `min_properties_with_anyof_required`.
pub mod min_properties_with_anyof_required {
    include!("golden/min_properties_with_anyof_required.rs");
}
/// `min_properties_with_oneof_constraints`.
pub mod min_properties_with_oneof_constraints {
    include!("golden/min_properties_with_oneof_constraints.rs");
}
/// `museum`.
pub mod museum {
    include!("golden/museum.rs");
}
/// `oai_link_example`.
pub mod oai_link_example {
    include!("golden/oai_link_example.rs");
}
/// `oai_petstore`.
pub mod oai_petstore {
    include!("golden/oai_petstore.rs");
}
/// `oai_petstore_expanded`.
pub mod oai_petstore_expanded {
    include!("golden/oai_petstore_expanded.rs");
}
/// `oai_uspto`.
pub mod oai_uspto {
    include!("golden/oai_uspto.rs");
}
/// `openai`.
pub mod openai {
    include!("golden/openai.rs");
}
/// `oai_webhook_example`.
pub mod oai_webhook_example {
    include!("golden/oai_webhook_example.rs");
}
/// `swagger_petstore3`.
pub mod swagger_petstore3 {
    include!("golden/swagger_petstore3.rs");
}
/// `train_travel`.
pub mod train_travel {
    include!("golden/train_travel.rs");
}
/// `twilio_verify_v2`.
pub mod twilio_verify_v2 {
    include!("golden/twilio_verify_v2.rs");
}
/// `xero_payroll_uk`.
pub mod xero_payroll_uk {
    include!("golden/xero_payroll_uk.rs");
}
