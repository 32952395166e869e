#!/usr/bin/env python3
"""Result plumbing for scripts/bench.sh.

    report.py collect-criterion CRITERION_HOME N PY_JSON META   conversion results (criterion + python) as JSON
    report.py wrap META < JSON                                  adds the common fields to a result
    report.py render RESULTS_DIR BENCHMARKS.md PART...          rewrites the generated block of each part

Only the text between `<!-- bench:PART -->` and `<!-- /bench:PART -->` is rewritten; everything else in
BENCHMARKS.md (notes, other sections such as `## Batch writes`) is left as it is. A missing block is
appended under its heading.
"""
import json
import os
import sys

HEADINGS = {
    "conversion": "## Item conversion",
    "compile": "## `schema!` compile cost",
    "memory": "## Streaming scan memory",
    "e2e": "## End-to-end overhead (repository vs raw SDK)",
}

CRITERION = [
    "roundtrip/generated",
    "roundtrip/hand_serde_dynamo",
    "roundtrip/generated_plain_from_item",
    "from_item/model_from_item",
    "from_item/serde_dynamo_from_item",
    "from_item/clone_then_serde_dynamo",
    "to_item/generated",
    "to_item/hand_serde_dynamo",
    "pipeline/generated",
]


def meta(text: str) -> dict:
    return json.loads("{" + text + "}")


def collect_criterion(home: str, n: str, py: str, meta_text: str) -> None:
    out = meta(meta_text)
    out["payloads"] = int(n)
    out["ns_per_item"] = {}
    for bench in CRITERION:
        with open(os.path.join(home, bench, "new", "estimates.json")) as f:
            estimates = json.load(f)
        out["ns_per_item"][bench] = estimates["mean"]["point_estimate"] / int(n)
    out["python"] = json.loads(py)
    print(json.dumps(out, indent=1))


def wrap(meta_text: str) -> None:
    data = json.load(sys.stdin)
    data.update(meta(meta_text))
    print(json.dumps(data, indent=1))


def header(d: dict) -> str:
    quick = " **(quick run: smoke-test numbers)**" if d.get("quick") else ""
    return (f"Measured {d['date']} with `{d['rustc']}` on a shared {d['cpus']}-core machine (other builds "
            f"running){quick}. Reproduce: `{d['command']}`.\n\n")


def us(ns: float) -> str:
    return f"{ns / 1000:.2f} µs"


def conversion(d: dict) -> str:
    t = d["ns_per_item"]
    floor = t["roundtrip/hand_serde_dynamo"]
    gen = t["roundtrip/generated"]
    plain = t["roundtrip/generated_plain_from_item"]
    path_cost = t["from_item/model_from_item"] - t["from_item/serde_dynamo_from_item"]
    pipe = t["pipeline/generated"]
    py_shipped = d["python"]["shipped_ns_per_payload"]
    py_cached = d["python"]["cached_ns_per_payload"]
    goal_floor = "met" if gen / floor <= 1.1 else "**not met**"
    goal_py = "met" if py_shipped / pipe >= 30 else "**not met**"
    rows = [
        ("model → item → model, generated (`to_item` + `Model::from_item`)", gen, f"**{gen / floor:.2f}×**"),
        ("model → item → model, hand-written + plain `serde_dynamo` (floor)", floor, "1.00×"),
        ("model → item → model, generated, `from_item` without path tracking", plain, f"{plain / floor:.2f}×"),
        ("item → model, `Model::from_item` (with path tracking)", t["from_item/model_from_item"], ""),
        ("item → model, plain `serde_dynamo::from_item`", t["from_item/serde_dynamo_from_item"], ""),
        ("item → model, plain `serde_dynamo::from_item` of a clone of the item", t["from_item/clone_then_serde_dynamo"], ""),
        ("model → item, generated (`Model::to_item`)", t["to_item/generated"], ""),
        ("model → item, hand-written `serde_dynamo::to_item`", t["to_item/hand_serde_dynamo"], ""),
    ]
    text = header(d)
    text += f"{d['payloads']} payloads from `scripts/bench/gen_payloads.py` (`ExampleModel` of `openapi.yml`: nested "
    text += "customer, 1-10 line items, 0-8 numbers, 0-5 metadata entries; ~630 bytes of JSON each). Time per item, "
    text += "criterion mean over all payloads.\n\n"
    text += "| conversion | per item | vs floor |\n|---|---|---|\n"
    text += "".join(f"| {name} | {us(ns)} | {ratio} |\n" for name, ns, ratio in rows)
    text += f"\n- Generated vs floor: **{gen / floor:.2f}×** (goal ≤ 1.1×: {goal_floor}); without the "
    text += f"path-tracking wrapper: {plain / floor:.2f}×.\n"
    text += f"- Path tracking in `Model::from_item` costs {us(path_cost)} per item "
    text += f"({path_cost / t['from_item/serde_dynamo_from_item'] * 100:.0f}% of the plain decode).\n\n"
    text += "Against daplug-ddb 1.0.0b18 (Python 3, same payloads, numbers as `Decimal`): "
    text += "`map_to_schema` + boto3 `TypeSerializer` + `TypeDeserializer` per payload, vs Rust "
    text += "`Model::from_json` (the schema mapping) + `to_item` + `from_item`.\n\n"
    text += "| pipeline | per payload | Rust is faster by |\n|---|---|---|\n"
    text += f"| Rust, generated model | {us(pipe)} | |\n"
    text += f"| daplug-ddb as shipped (`map_to_schema` re-reads and resolves the YAML on every call) | {us(py_shipped)} | **{py_shipped / pipe:,.0f}×** |\n"
    text += f"| daplug-ddb with the schema load memoised (mapping + serialisation only) | {us(py_cached)} | **{py_cached / pipe:,.0f}×** |\n"
    text += f"\nGoal ≥ 30× faster than daplug-ddb: {goal_py} against the package as shipped; with its schema load "
    text += f"taken out the margin is {py_cached / pipe:,.0f}×.\n"
    return text


def compile_cost(d: dict) -> str:
    text = header(d)
    text += f"A generated spec of {d['schemas']} schemas ({d['spec_lines']:,} lines; cycling plain objects with a "
    text += "nested object and arrays, string enums, objects of `$ref`s with `$ref` arrays and maps, `allOf` "
    text += "of a `$ref` plus an inline object, and deep nesting with `x-daplug` keys) in a crate holding only "
    text += "`schema!(\"spec.yml\")` and one unrelated module, vs the same crate without the macro call. "
    text += "Dependencies built first; only the final crate's rustc is timed (debug profile, median of "
    text += f"{d['reps']} alternating runs; `scripts/bench/time_rustc.sh` as `RUSTC_WORKSPACE_WRAPPER`, so "
    text += "waiting for the shared target dir's lock is not counted).\n\n"
    text += "| build | with `schema!` | without | difference | ratio |\n|---|---|---|---|---|\n"
    for label, key in (("clean (`cargo clean -p` + `cargo build`)", "clean"),
                       ("incremental (edit the unrelated module)", "incremental")):
        w, wo = d[f"{key}_with_s"], d[f"{key}_without_s"]
        text += f"| {label} | {w:.1f} s | {wo:.2f} s | {w - wo:+.1f} s | {w / wo:,.0f}× |\n"
    text += "\nAll runs (s): " + ", ".join(
        f"{k.replace('_all', '').replace('_', ' ')} {[round(x, 2) for x in d[k]]}"
        for k in ("clean_with_all", "clean_without_all", "incremental_with_all", "incremental_without_all",
                  "incremental_app_all",
                  "clean_cargo_wall_with_all", "clean_cargo_wall_without_all") if k in d) + ".\n"
    text += ("\nIn the crate holding `schema!`, the incremental rebuild after an unrelated edit is **not** close "
             f"to the empty crate's: {d['incremental_with_s']:.0f} s vs {d['incremental_without_s']:.2f} s, because "
             "the macro is expanded again (see below).")
    if "incremental_app_s" in d:
        text += (" With the models in a crate of their own (the README's layout), an edit to the service crate "
                 f"that uses them rebuilds in {d['incremental_app_s']:.2f} s and does not recompile or re-expand "
                 "the models crate (checked: the build fails if it does).")
    text += "\n"
    return text


def memory(d: dict) -> str:
    text = header(d)
    text += "Items are `ExampleModel` payloads (~630 bytes of JSON) written with raw `BatchWriteItem` "
    text += "(25 per request, 4 in flight) into the moto emulator; then a separate process runs "
    text += "`repo.scan().limit(500).stream()` and counts the items. Peak RSS from `/usr/bin/time` (`%M`).\n\n"
    text += ("| items | seed time | scan time | peak RSS before the scan (`VmHWM`) | peak RSS of the scan process |\n"
             "|---|---|---|---|---|\n")
    for run in d["runs"]:
        text += (f"| {run['n']:,} | {run['seed']['seconds']:.0f} s | {run['scan']['seconds']:.0f} s | "
                 f"{run['scan']['baseline_rss_kib'] / 1024:.1f} MiB | {run['time']['time_maxrss_kib'] / 1024:.1f} MiB |\n")
    runs = d["runs"]
    if len(runs) >= 2:
        a, b = runs[0], runs[-1]
        ratio = b["time"]["time_maxrss_kib"] / a["time"]["time_maxrss_kib"]
        text += f"\n{b['n'] // a['n']}× the items: peak RSS ×**{ratio:.2f}**. "
    c = d["collect"]
    text += (f"Contrast: collecting the {c['items']:,} items into a `Vec` instead of streaming peaks at "
             f"{c['peak_rss_kib'] / 1024:.1f} MiB (`VmHWM`). Scan time is the emulator's: moto spends a few "
             "milliseconds per returned item.\n")
    return text


def e2e(d: dict) -> str:
    text = header(d)
    text += (f"{d['count']:,} inserts then {d['count']:,} gets per side, sequential, on the moto emulator, in "
             f"{d['rounds']} interleaved rounds (the side that goes first alternates). Repository: "
             "`insert(&m)` / `get(&key)` on `Repository<ExampleModel>` (`keys_from`, so the `order#` hash prefix "
             "is applied); raw: `serde_dynamo::to_item` + conditional `PutItem` with the prefix added by hand, "
             "`GetItem` + prefix strip + `serde_dynamo::from_item`.\n\n")
    text += "| operation | repository | raw SDK | ratio |\n|---|---|---|---|\n"
    for op in ("insert", "get"):
        r, w = d[f"repo_{op}_s"], d[f"raw_{op}_s"]
        text += f"| {op} ×{d['count']:,} | {r:.2f} s ({r / d['count'] * 1000:.2f} ms/call) | {w:.2f} s " \
                f"({w / d['count'] * 1000:.2f} ms/call) | **{r / w:.3f}×** |\n"
    return text


RENDER = {"conversion": conversion, "compile": compile_cost, "memory": memory, "e2e": e2e}


def render(results: str, path: str, parts: list) -> None:
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    for part in parts:
        with open(os.path.join(results, f"{part}.json"), encoding="utf-8") as f:
            body = RENDER[part](json.load(f))
        start, end = f"<!-- bench:{part} -->", f"<!-- /bench:{part} -->"
        block = f"{start}\n{body}{end}"
        if start in text and end in text:
            before, rest = text.split(start, 1)
            text = before + block + rest.split(end, 1)[1]
        else:
            text = text.rstrip("\n") + f"\n\n{HEADINGS[part]}\n\n{block}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "collect-criterion":
        collect_criterion(*args)
    elif command == "wrap":
        wrap(*args)
    elif command == "render":
        render(args[0], args[1], args[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
