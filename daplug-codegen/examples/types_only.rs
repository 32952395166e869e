//! `cargo run -p daplug-codegen --example types_only -- SPEC OUT`: writes the types of SPEC as a user
//! would write them by hand (the same structs and enums with the same derives and serde attributes,
//! and each model's `<Name>Key` and `<Name>Patch` with serde's derives), without the rest of what
//! `schema!` adds for daplug (the `Model` impls, item conversions, constraints and field constants).
//!
//! It shows the library used from a tool (lower a spec to the IR, emit part of it), and it is the
//! hand-written twin the compile-cost benchmark (`scripts/bench/compile_cost.py`) compares `schema!`
//! against.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: types_only SPEC OUT");
        return ExitCode::from(2);
    };
    let span = proc_macro2::Span::call_site();
    let module = daplug_codegen::spec::Spec::load_path(spec, Path::new(spec), span)
        .and_then(|spec| daplug_codegen::lower::lower(&spec));
    let module = match module {
        Ok(module) => module,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let types = module.defs.iter().map(daplug_codegen::emit::user_type);
    let companions = module.defs.iter().filter_map(|def| match def {
        daplug_codegen::ir::TypeDef::Struct(s) => {
            s.model.as_ref().map(|meta| daplug_codegen::emit::derived_companions(s, meta))
        }
        _ => None,
    });
    // What a user writes once to tell a patch's `null` (clear) from an absent field (leave).
    let double_option = quote::quote! {
        #[allow(dead_code)]
        fn double_option<'de, D, T>(deserializer: D) -> ::std::result::Result<Option<Option<T>>, D::Error>
        where
            D: ::daplug_runtime::__private::serde::Deserializer<'de>,
            T: ::daplug_runtime::__private::serde::Deserialize<'de>,
        {
            <Option<T> as ::daplug_runtime::__private::serde::Deserialize>::deserialize(deserializer).map(Some)
        }
    };
    let file = quote::quote!(#double_option #(#types)* #(#companions)*);
    let code = match syn::parse2::<syn::File>(file) {
        Ok(file) => prettyplease::unparse(&file),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match std::fs::write(out, code) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: couldn't write {out}: {err}");
            ExitCode::FAILURE
        }
    }
}
