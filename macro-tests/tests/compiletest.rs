//! Misuse of the macros must fail to compile with a message that names the file, the JSON pointer
//! and the fix, pointing at the right token; so must a typed attribute of another model or a value
//! of the wrong type. Cases live in `tests/ui/*.rs` with their `.stderr`, compiled against the real
//! `daplug-runtime` (`TRYBUILD=overwrite cargo test -p daplug-macro-tests --test compiletest`
//! regenerates them; read the result before committing). They are pinned to this compiler (stable
//! 1.95).
//!
//! trybuild compiles the cases in its own project, `<target>/tests/trybuild/daplug-macro-tests`, and
//! that directory is the `CARGO_MANIFEST_DIR` the macros resolve spec paths against. The fixtures
//! are copied there first, so the cases name them `fixtures/...` wherever the target directory is.
//! One message holds the resolved path itself (`missing_file.stderr`): it is pinned for the default
//! target directory (`<workspace>/target`, as CI builds), and differs under another.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn ui() {
    let project = target_dir().join("tests").join("trybuild").join(env!("CARGO_PKG_NAME"));
    copy_fixtures(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/fixtures"), &project.join("fixtures"));
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

/// The target directory, as trybuild finds it (`cargo metadata`).
fn target_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    PathBuf::from(metadata["target_directory"].as_str().expect("a target directory"))
}

fn copy_fixtures(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the fixtures' directory in trybuild's project");
    for entry in std::fs::read_dir(from).expect("tests/ui/fixtures") {
        let path = entry.expect("a fixture").path();
        let name = path.file_name().expect("a file name");
        std::fs::copy(&path, to.join(name)).expect("the fixture is copied");
    }
}
