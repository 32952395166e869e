//! `daplug-codegen SPEC [OUT]`: writes the code `schema!("SPEC")` expands to, formatted, to OUT (or
//! standard output), for readers who want to see or check in their models.
//! `daplug-codegen --check SPEC`: only reports whether SPEC expands (its errors, or nothing), for a CI
//! step that checks a spec without building Rust. Build with `--features pretty`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out, check) = match args.as_slice() {
        [flag, spec] if flag == "--check" => (spec, None, true),
        [spec] => (spec, None, false),
        [spec, out] => (spec, Some(out), false),
        _ => {
            eprintln!("usage: daplug-codegen SPEC [OUT] | daplug-codegen --check SPEC");
            return ExitCode::from(2);
        }
    };
    let span = proc_macro2::Span::call_site();
    let tokens = daplug_codegen::spec::Spec::load_path(spec, Path::new(spec), span)
        .and_then(|spec| daplug_codegen::generate(&spec));
    let code = if check { tokens.map(|_| String::new()) } else { tokens.and_then(daplug_codegen::render) };
    let code = match code {
        Ok(code) => code,
        Err(err) => {
            for err in err {
                eprintln!("error: {err}");
            }
            return ExitCode::FAILURE;
        }
    };
    if check {
        return ExitCode::SUCCESS;
    }
    let written = match out {
        Some(out) => std::fs::write(out, code),
        None => {
            print!("{code}");
            Ok(())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: couldn't write {}: {err}", out.map(String::as_str).unwrap_or("-"));
            ExitCode::FAILURE
        }
    }
}
