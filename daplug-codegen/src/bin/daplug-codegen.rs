//! `daplug-codegen SPEC [OUT]`: writes the code `schema!("SPEC")` expands to, formatted, to OUT (or
//! standard output), for readers who want to see or check in their models. Build with
//! `--features pretty`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out) = match args.as_slice() {
        [spec] => (spec, None),
        [spec, out] => (spec, Some(out)),
        _ => {
            eprintln!("usage: daplug-codegen SPEC [OUT]");
            return ExitCode::from(2);
        }
    };
    let span = proc_macro2::Span::call_site();
    let code = daplug_codegen::spec::Spec::load_path(spec, Path::new(spec), span)
        .and_then(|spec| daplug_codegen::generate(&spec))
        .and_then(daplug_codegen::render);
    let code = match code {
        Ok(code) => code,
        Err(err) => {
            for err in err {
                eprintln!("error: {err}");
            }
            return ExitCode::FAILURE;
        }
    };
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
