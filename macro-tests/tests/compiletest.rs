//! Misuse of the macros must fail to compile with a message that names the file, the JSON pointer and
//! the fix, pointing at the right token. Cases live in `tests/ui/*.rs` with their `.stderr`
//! (`TRYBUILD=overwrite cargo test -p daplug-macros --test compiletest` regenerates them; read the
//! result before committing).
//!
//! trybuild 1.0.122 compiles the cases in its own project, `<target>/tests/trybuild/daplug-macros`,
//! and that directory is the `CARGO_MANIFEST_DIR` the macros see. The cases therefore name their
//! fixtures as `../../../../daplug-macros/tests/ui/fixtures/...`, which assumes the default target
//! directory (`<workspace>/target`); with `CARGO_TARGET_DIR` elsewhere these cases fail to find them.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
