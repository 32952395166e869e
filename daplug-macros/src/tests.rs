//! Pipeline tests: spec text → IR → tokens, checked as strings.

use proc_macro2::Span;

use crate::ir::{EnumKind, Module, Ty, TypeDef};
use crate::spec::Spec;
use crate::{emit, lower};

fn spec(text: &str) -> Spec {
    Spec::parse("t.yml", text, Span::call_site()).expect("spec parses")
}

fn lower_ok(text: &str) -> Module {
    lower::lower(&spec(text)).expect("lowers")
}

fn lower_err(text: &str) -> String {
    match lower::lower(&spec(text)) {
        Ok(_) => panic!("expected an error"),
        Err(err) => err
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn expand(text: &str) -> String {
    let tokens = emit::module(&lower_ok(text));
    syn::parse2::<syn::File>(tokens.clone()).expect("output parses as a file");
    tokens.to_string()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture exists")
}

#[test]
fn seed_and_vectors_expand() {
    for name in ["seed-openapi.yml", "vectors-openapi.yml"] {
        let out = expand(&fixture(name));
        assert!(
            out.contains("impl :: daplug_runtime :: Model for"),
            "{name}"
        );
    }
}

#[test]
fn print_vectors() {
    println!(
        "{}",
        emit::module(&lower_ok(&fixture("vectors-openapi.yml")))
    );
}
