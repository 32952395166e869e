#!/usr/bin/env python3
"""`schema!` compile cost on a generated 1,000-schema OpenAPI file.

Generates (under OUT, default target/bench/compile) two tiny crates outside the workspace, each its own
workspace root with the workspace's Cargo.lock and dev profile, depending on daplug-runtime by path
and built into the shared CARGO_TARGET_DIR:

    with/      src/lib.rs = `mod other; daplug_runtime::schema!("spec.yml");` + the 1,000-schema spec
    without/   src/lib.rs = `mod other;`
    app/       src/lib.rs = `mod other; pub use bench_schema_with as models;` (the models in their own
               crate, the layout the README recommends for large specs)

Then, after one untimed build of each (dependencies), measures in alternation, `--reps` times:
    clean:       `cargo clean -p <crate>` then `cargo build` (only the final crate compiles)
    incremental: edit src/other.rs (an unrelated module) then `cargo build`
and, for app/, the incremental build after editing its unrelated module (the models crate must not be
recompiled). Prints one JSON object with the medians in seconds. The time is the final crate's rustc
invocation (scripts/bench/time_rustc.sh as RUSTC_WORKSPACE_WRAPPER, which wraps only that crate):
the target dir is shared with other builds and cargo's wall time would include waiting for its lock.
Cargo's wall time of the clean builds is kept in the output too.

    compile_cost.py [--schemas 1000] [--reps 3] [--out DIR]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


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


def spec(count: int) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "compile-cost benchmark", "version": "1"},
        "paths": {},
        "components": {"schemas": {f"S{i:04d}": schema(i) for i in range(count)}},
    }


MANIFEST = """[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
daplug-runtime = {{ path = "{root}/daplug-runtime" }}

# Its own workspace root (not a member of daplug's workspace), with daplug's dev profile so the
# already-built dependencies are reused.
[workspace]

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"""


def write_crate(out: str, name: str, with_schema: bool, count: int, models: str = "") -> str:
    path = os.path.join(out, name)
    os.makedirs(os.path.join(path, "src"), exist_ok=True)
    manifest = MANIFEST.format(name=name, root=ROOT)
    lib = "//! compile-cost benchmark crate (generated)\n#![allow(missing_docs, dead_code)]\npub mod other;\n"
    if models:
        manifest = manifest.replace("[dependencies]\n", f'[dependencies]\n{models} = {{ path = "../{models}" }}\n')
        lib += f"pub use {models.replace('-', '_')} as models;\n"
    with open(os.path.join(path, "Cargo.toml"), "w") as f:
        f.write(manifest)
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(path, "Cargo.lock"))
    if with_schema:
        lib += 'daplug_runtime::schema!("spec.yml");\n'
        with open(os.path.join(path, "spec.yml"), "w") as f:
            # JSON is YAML: no YAML library needed here.
            json.dump(spec(count), f, indent=1)
    with open(os.path.join(path, "src", "lib.rs"), "w") as f:
        f.write(lib)
    edit_other(path, 0)
    return path


def edit_other(path: str, n: int) -> None:
    with open(os.path.join(path, "src", "other.rs"), "w") as f:
        f.write(f"/// Changed by the benchmark to trigger an incremental rebuild.\npub fn answer() -> u32 {{ {n} }}\n")


RUSTC_LOG = os.path.join(ROOT, "target", "bench", "rustc-times.log")


def cargo(path: str, *args: str) -> float:
    """Runs cargo in `path`; returns its wall time."""
    start = time.perf_counter()
    subprocess.run(["cargo", *args], cwd=path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def timed_build(path: str, name: str, forbid: str = "") -> tuple:
    """`cargo build`; returns (rustc seconds for the crate itself, cargo wall seconds). The rustc time comes
    from time_rustc.sh and excludes any wait for the target dir's lock, which is shared with other builds.
    `forbid`: a dependency that must not be recompiled by this build."""
    open(RUSTC_LOG, "w").close()
    start = time.perf_counter()
    done = subprocess.run(["cargo", "build"], cwd=path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if forbid and f"Compiling {forbid} " in done.stderr.decode():
        raise SystemExit(f"compile_cost: {forbid} was recompiled by an unrelated edit")
    crate = name.replace("-", "_")
    times = [float(line.split()[1]) for line in open(RUSTC_LOG) if line.split()[0] == crate]
    if not times:
        raise SystemExit(f"compile_cost: {name} was not recompiled")
    return times[-1], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "bench", "compile"))
    args = parser.parse_args()
    os.makedirs(os.path.dirname(RUSTC_LOG), exist_ok=True)
    os.environ["RUSTC_WORKSPACE_WRAPPER"] = os.path.join(ROOT, "scripts", "bench", "time_rustc.sh")
    os.environ["DAPLUG_BENCH_RUSTC_LOG"] = RUSTC_LOG
    crates = {
        "with": ("bench-schema-with", write_crate(args.out, "bench-schema-with", True, args.schemas)),
        "without": ("bench-schema-without", write_crate(args.out, "bench-schema-without", False, args.schemas)),
    }
    spec_bytes = os.path.getsize(os.path.join(crates["with"][1], "spec.yml"))
    for name, path in crates.values():
        print(f"compile_cost: warming {name} (dependencies)", file=sys.stderr)
        cargo(path, "build")
    clean = {k: [] for k in crates}
    incr = {k: [] for k in crates}
    wall = {k: [] for k in crates}
    for rep in range(args.reps):
        for key, (name, path) in crates.items():
            subprocess.run(["cargo", "clean", "-p", name], cwd=path, check=True, capture_output=True)
            rustc, cargo_wall = timed_build(path, name)
            clean[key].append(rustc)
            wall[key].append(cargo_wall)
            edit_other(path, rep + 1)
            incr[key].append(timed_build(path, name)[0])
            print(f"compile_cost: rep {rep} {key}: clean {clean[key][-1]:.1f}s, incremental {incr[key][-1]:.1f}s",
                  file=sys.stderr)
    # The recommended layout: the models in their own crate, the edit in the crate that uses them.
    app = write_crate(args.out, "bench-schema-app", False, args.schemas, models="bench-schema-with")
    print("compile_cost: warming bench-schema-app", file=sys.stderr)
    cargo(app, "build")
    incr_app = []
    for rep in range(args.reps):
        edit_other(app, rep + 1)
        incr_app.append(timed_build(app, "bench-schema-app", forbid="bench-schema-with")[0])
        print(f"compile_cost: rep {rep} app: incremental {incr_app[-1]:.2f}s", file=sys.stderr)
    lines = sum(1 for _ in open(os.path.join(crates["with"][1], "spec.yml")))
    print(json.dumps({
        "schemas": args.schemas,
        "spec_lines": lines,
        "spec_bytes": spec_bytes,
        "reps": args.reps,
        "clean_with_s": statistics.median(clean["with"]),
        "clean_without_s": statistics.median(clean["without"]),
        "incremental_with_s": statistics.median(incr["with"]),
        "incremental_without_s": statistics.median(incr["without"]),
        "incremental_app_s": statistics.median(incr_app),
        "incremental_app_all": incr_app,
        "clean_with_all": clean["with"],
        "clean_without_all": clean["without"],
        "incremental_with_all": incr["with"],
        "incremental_without_all": incr["without"],
        "clean_cargo_wall_with_all": wall["with"],
        "clean_cargo_wall_without_all": wall["without"],
    }))


if __name__ == "__main__":
    main()
