#!/usr/bin/env python3
"""`schema!` compile cost against the same types written by hand.

For every case, two tiny crates are generated under OUT (default target/bench/compile), each its own
workspace root with the workspace's Cargo.lock and dev profile, depending on daplug-runtime by path
and built into the workspace's target dir (so dependencies are built once):

    gen-<case>    src/lib.rs = `daplug_runtime::schema!("spec.yml");`
    twin-<case>   src/lib.rs = the same spec's types as a user writes them by hand: the structs and enums
                  with the same derives (Debug, Clone, PartialEq, Serialize, Deserialize) and serde
                  attributes, without what schema! adds (`<Name>Key`, `<Name>Patch`, `Model` impls, item
                  conversions). Written by `cargo run -p daplug-codegen --example types_only`.

Cases: a generated spec of N schemas for each N in --schemas (five shapes, cycling), and each spec in
--corpus (files under daplug-codegen/tests/corpus). After one untimed build of each crate
(dependencies), every pair is built clean (`cargo clean -p` + `cargo build`) in alternation, --reps
times; the time and peak RSS are those of the final crate's rustc (scripts/bench/time_rustc.sh as
RUSTC_WORKSPACE_WRAPPER: waiting for the target dir's lock is not counted).

Two more measurements on the largest generated spec, with five of its models:
    used     binaries that convert those five models (from_json, Item::from, from_item), one depending on
             the models crate of the whole spec, one on a crate of a spec holding only those five and what
             they reach: a binary pays codegen for the models it uses, not for the spec's size.
    subset   `schema!("spec.yml", schemas = [five])` on the whole spec, against the twin of the small spec.
And the expansion alone (`daplug-codegen --check`, release build: read, lower, emit) at N and 2N
schemas, which should grow linearly.

Prints one JSON object.

    compile_cost.py [--schemas 200,1000] [--corpus adyen-transfer-v4.yaml,xero-payroll-uk.yaml,box.json] [--reps 1]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
RUSTC_LOG = os.path.join(ROOT, "target", "bench", "rustc-times.log")
CORPUS = os.path.join(ROOT, "daplug-codegen", "tests", "corpus")


def schema(i: int) -> dict:
    """One of five shapes, cycling: plain object, string enum, object of $refs, allOf, deep nesting."""
    kind = i % 5
    if kind == 0:
        return {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "count": {"type": "integer", "format": "int32"},
                "total": {"type": "integer"},
                "ratio": {"type": "number"},
                "active": {"type": "boolean"},
                "created": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "address": {
                    "type": "object",
                    "properties": {"street": {"type": "string"}, "city": {"type": "string"}, "zip": {"type": "string"}},
                },
            },
        }
    if kind == 1:
        return {"type": "string", "enum": [f"state{j}" for j in range(6)]}
    if kind == 2:
        return {
            "type": "object",
            "required": ["pk"],
            "x-daplug": {"hash_key": "pk"},
            "properties": {
                "pk": {"type": "string"},
                "base": {"$ref": f"#/components/schemas/S{i - 2:04d}"},
                "state": {"$ref": f"#/components/schemas/S{i - 1:04d}"},
                "history": {"type": "array", "items": {"$ref": f"#/components/schemas/S{i - 2:04d}"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "note": {"type": "string", "nullable": True},
            },
        }
    if kind == 3:
        return {
            "allOf": [
                {"$ref": f"#/components/schemas/S{i - 3:04d}"},
                {
                    "type": "object",
                    "properties": {
                        "extra": {"type": "string"},
                        "level": {"type": "string", "enum": ["low", "mid", "high"]},
                        "scores": {"type": "array", "items": {"type": "number"}},
                    },
                },
            ]
        }
    return {
        "type": "object",
        "required": ["pk", "sk"],
        "x-daplug": {"hash_key": "pk", "range_key": "sk", "hash_prefix": "t#"},
        "properties": {
            "pk": {"type": "string"},
            "sk": {"type": "string"},
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["sku"],
                    "properties": {
                        "sku": {"type": "string"},
                        "qty": {"type": "integer"},
                        "dims": {"type": "object", "properties": {"w": {"type": "number"}, "h": {"type": "number"}}},
                    },
                },
            },
            "owner": {"$ref": f"#/components/schemas/S{i - 4:04d}"},
        },
    }


def spec(schemas: dict) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "compile-cost benchmark", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def generated(count: int) -> dict:
    return {f"S{i:04d}": schema(i) for i in range(count)}


def reached(schemas: dict, names: list) -> dict:
    """`names` and every schema they reach through `$ref`s, in spec order."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(re.findall(r"#/components/schemas/(\w+)", json.dumps(schemas[name])))
    return {name: body for name, body in schemas.items() if name in seen}


# Five models of the generated spec: two with a hash key, three with hash and range keys.
USED = [502, 504, 507, 509, 514]
USED_JSON = {
    2: '{"pk": "p", "base": {"id": "i", "name": "n"}, "state": "state1", "history": [], "labels": {"a": "b"}}',
    4: '{"pk": "p", "sk": "s", "lines": [{"sku": "x", "qty": 2, "dims": {"w": 1.5}}], "owner": {"id": "i", "name": "n"}}',
}

MANIFEST = """[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
daplug-runtime = {{ path = "{root}/daplug-runtime" }}
{extra}
# Its own workspace root (not a member of daplug's workspace), with daplug's dev profile so the
# already-built dependencies are reused.
[workspace]

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"""

HEADER = "//! compile-cost benchmark crate (generated)\n#![allow(missing_docs, dead_code)]\n"


def write_crate(out: str, name: str, files: dict, extra: str = "") -> str:
    path = os.path.join(out, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "src"))
    with open(os.path.join(path, "Cargo.toml"), "w") as f:
        f.write(MANIFEST.format(name=name, root=ROOT, extra=extra))
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(path, "Cargo.lock"))
    for relative, text in files.items():
        with open(os.path.join(path, relative), "w") as f:
            f.write(text)
    return path


def write_spec(out: str, name: str, schemas: dict) -> str:
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"{name}.yml")
    with open(path, "w") as f:
        json.dump(spec(schemas), f, indent=1)  # JSON is YAML: no YAML library needed here.
    return path


def pair(out: str, case: str, spec_path: str) -> dict:
    """The gen-/twin- crates of one spec."""
    spec_text = open(spec_path).read()
    gen = write_crate(out, f"gen-{case}", {"src/lib.rs": HEADER + 'daplug_runtime::schema!("spec.yml");\n',
                                           "spec.yml": spec_text})
    twin_rs = os.path.join(out, f"twin-{case}.rs")
    subprocess.run(["cargo", "run", "-q", "-p", "daplug-codegen", "--example", "types_only", "--", spec_path, twin_rs],
                   cwd=ROOT, check=True)
    twin = write_crate(out, f"twin-{case}", {"src/lib.rs": HEADER + open(twin_rs).read()})
    return {"gen": (f"gen-{case}", gen), "twin": (f"twin-{case}", twin)}


def cargo(path: str, *args: str) -> None:
    subprocess.run(["cargo", *args], cwd=path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed_clean_build(name: str, path: str) -> tuple:
    """`cargo clean -p` + `cargo build`; returns (rustc seconds, rustc peak RSS MiB) of the crate itself."""
    cargo(path, "clean", "-p", name)
    open(RUSTC_LOG, "w").close()
    cargo(path, "build")
    crate = name.replace("-", "_")
    runs = [line.split() for line in open(RUSTC_LOG) if line.split()[0] == crate]
    if not runs:
        raise SystemExit(f"compile_cost: {name} was not recompiled")
    _, seconds, kib = runs[-1]
    return float(seconds), int(kib) / 1024


def measure(crates: dict, reps: int) -> dict:
    """Builds each crate once (dependencies), then clean builds in alternation; medians and all runs."""
    for name, path in crates.values():
        print(f"compile_cost: warming {name}", file=sys.stderr)
        cargo(path, "build")
    runs = {key: [] for key in crates}
    for rep in range(reps):
        for key, (name, path) in crates.items():
            runs[key].append(timed_clean_build(name, path))
            print(f"compile_cost: rep {rep} {name}: {runs[key][-1][0]:.1f} s, {runs[key][-1][1]:.0f} MiB",
                  file=sys.stderr)
    return {key: {"s": statistics.median(r[0] for r in rs), "mib": statistics.median(r[1] for r in rs),
                  "all": [[round(s, 2), round(m)] for s, m in rs]} for key, rs in runs.items()}


def used_bin(out: str, name: str, models: tuple) -> str:
    """A binary converting the five USED models of the `models` crate."""
    calls = "".join(f"    roundtrip::<models::S{i:04d}>(r#\"{USED_JSON[i % 5]}\"#);\n" for i in USED)
    main = f"""//! compile-cost benchmark binary (generated)
use daplug_runtime::{{Item, Model}};

fn roundtrip<M: Model + std::fmt::Debug + Into<Item>>(json: &str) {{
    let value: serde_json::Value = serde_json::from_str(json).expect("json");
    let model = M::from_json(&value).expect("from_json");
    let item: Item = model.into();
    println!("{{:?}}", M::from_item(item).expect("from_item"));
}}

fn main() {{
{calls}}}
"""
    extra = f'serde_json = "1"\nmodels = {{ path = "../{models[0]}", package = "{models[0]}" }}\n'
    return write_crate(out, name, {"src/main.rs": main}, extra)


def expansion_seconds(spec_path: str, reps: int = 3) -> float:
    binary = os.path.join(TARGET, "release", "daplug-codegen")
    best = None
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run([binary, "--check", spec_path], check=True)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schemas", default="200,1000")
    parser.add_argument("--corpus", default="adyen-transfer-v4.yaml,xero-payroll-uk.yaml,box.json")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "bench", "compile"))
    args = parser.parse_args()
    os.makedirs(os.path.dirname(RUSTC_LOG), exist_ok=True)
    os.environ["CARGO_TARGET_DIR"] = TARGET
    os.environ["RUSTC_WORKSPACE_WRAPPER"] = os.path.join(ROOT, "scripts", "bench", "time_rustc.sh")
    os.environ["DAPLUG_BENCH_RUSTC_LOG"] = RUSTC_LOG
    out = args.out
    counts = [int(n) for n in args.schemas.split(",") if n]
    result = {"reps": args.reps, "cases": []}

    specs = {}
    for n in counts:
        specs[str(n)] = write_spec(os.path.join(out, "specs"), f"s{n}", generated(n))
    for name in [c for c in args.corpus.split(",") if c]:
        specs[name.rsplit(".", 1)[0]] = os.path.join(CORPUS, name)
    for case, path in specs.items():
        crates = pair(out, case, path)
        with open(path) as f:
            text = f.read()
        measured = measure(crates, args.reps)
        twin_rs = open(os.path.join(crates["twin"][1], "src", "lib.rs")).read()
        types = len(re.findall(r"^pub (?:struct|enum|type) ", twin_rs, re.M))
        schemas = int(case) if case.isdigit() else None
        result["cases"].append({"case": case, "spec_bytes": len(text), "schemas": schemas, "types": types,
                                **measured})

    # Five models of the largest generated spec: the using binary, and the subset option.
    largest = max(counts)
    full = generated(largest)
    names = [f"S{i:04d}" for i in USED if i < largest]
    small_spec = write_spec(os.path.join(out, "specs"), "used", reached(full, names))
    small = pair(out, "used", small_spec)
    quoted = ", ".join(f'"{n}"' for n in names)
    subset = write_crate(out, "gen-subset", {
        "src/lib.rs": HEADER + f'daplug_runtime::schema!("spec.yml", schemas = [{quoted}]);\n',
        "spec.yml": open(specs[str(largest)]).read()})
    result["subset"] = {"of": largest, "models": names, "reached": len(reached(full, names)),
                        **measure({"subset": ("gen-subset", subset), "gen": small["gen"], "twin": small["twin"]},
                                  args.reps)}
    bins = {"of_all": ("use-of-all", used_bin(out, "use-of-all", (f"gen-{largest}",))),
            "of_used": ("use-of-used", used_bin(out, "use-of-used", ("gen-used",)))}
    result["used"] = {"of": largest, **measure(bins, args.reps)}

    cargo(ROOT, "build", "--release", "-q", "-p", "daplug-codegen", "--features", "pretty", "--bin", "daplug-codegen")
    double = write_spec(os.path.join(out, "specs"), f"s{2 * largest}", generated(2 * largest))
    result["expansion"] = {"n": largest, "n_s": expansion_seconds(specs[str(largest)]),
                           "double_s": expansion_seconds(double)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
