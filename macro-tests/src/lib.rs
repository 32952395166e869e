//! The tests of `schema!`, `#[derive(DaplugModel)]` and `payload!` against the real
//! `daplug-runtime`, as a service uses them (serde keeps its equivalent in a `test_suite` crate):
//! `tests/generated.rs` compiles real expansions under `deny(warnings)` and checks what they accept
//! and refuse, `tests/compiletest.rs` pins the compile errors of misuse (`tests/ui/`).
