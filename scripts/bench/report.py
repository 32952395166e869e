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
    "update": "## Update modes: read-merge-write vs one request",
    "backends": "## Test backends: moto and the in-process emulator",
}

CRITERION = [
    "roundtrip/generated",
    "roundtrip/hand_serde_dynamo",
    "roundtrip/generated_plain_from_item",
    "roundtrip/hand_direct",
    "from_item/hand_direct",
    "to_item/hand_direct",
    "from_item/model_from_item",
    "from_item/serde_dynamo_from_item",
    "from_item/clone_then_serde_dynamo",
    "to_item/generated",
    "to_item/hand_serde_dynamo",
    "pipeline/generated",
    "pipeline/generated_unchecked",
    "to_item/generated_unchecked",
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
    pipe = t["pipeline/generated"]
    py_shipped = d["python"]["shipped_ns_per_payload"]
    py_cached = d["python"]["cached_ns_per_payload"]
    goal_py = "met" if py_shipped / pipe >= 30 else "**not met**"
    direct = t["roundtrip/hand_direct"]
    fi, fi_floor, fi_direct = t["from_item/model_from_item"], t["from_item/serde_dynamo_from_item"], t["from_item/hand_direct"]
    ti, ti_floor, ti_direct = t["to_item/generated"], t["to_item/hand_serde_dynamo"], t["to_item/hand_direct"]
    rows = [
        ("model → item → model, generated (`to_item` + `Model::from_item`)", gen, f"**{gen / floor:.2f}×**", f"{gen / direct:.2f}×"),
        ("model → item → model, hand-written + plain `serde_dynamo` (floor)", floor, "1.00×", f"{floor / direct:.2f}×"),
        ("model → item → model, hand-written direct `AttributeValue` codec (limit)", direct, f"{direct / floor:.2f}×", "1.00×"),
        ("model → item → model, generated `to_item` + plain `serde_dynamo::from_item`", plain, f"{plain / floor:.2f}×", ""),
        ("item → model, `Model::from_item` (generated decoder, path on error)", fi, f"**{fi / fi_floor:.2f}×**", f"{fi / fi_direct:.2f}×"),
        ("item → model, hand-written + plain `serde_dynamo::from_item` (floor)", fi_floor, "1.00×", f"{fi_floor / fi_direct:.2f}×"),
        ("item → model, hand-written direct (limit)", fi_direct, f"{fi_direct / fi_floor:.2f}×", "1.00×"),
        ("item → model, hand-written + plain `serde_dynamo::from_item` of a clone of the item", t["from_item/clone_then_serde_dynamo"], "", ""),
        ("model → item, generated (`Model::to_item`: daplug's serializer)", ti, f"**{ti / ti_floor:.2f}×**", f"{ti / ti_direct:.2f}×"),
        ("model → item, hand-written `serde_dynamo::to_item` (floor)", ti_floor, "1.00×", f"{ti_floor / ti_direct:.2f}×"),
        ("model → item, hand-written direct (limit)", ti_direct, f"{ti_direct / ti_floor:.2f}×", "1.00×"),
    ]
    text = header(d)
    text += f"{d['payloads']} payloads from `scripts/bench/gen_payloads.py` (`ExampleModel` of `openapi.yml`: nested "
    text += "customer, 1-10 line items, 0-8 numbers, 0-5 metadata entries; ~630 bytes of JSON each). Time per item, "
    text += "criterion mean over all payloads.\n\n"
    text += "| conversion | per item | vs serde_dynamo (floor) | vs hand-written direct (limit) |\n|---|---|---|---|\n"
    text += "".join(f"| {name} | {us(ns)} | {ratio} | {limit} |\n" for name, ns, ratio, limit in rows)
    text += f"\n- Generated vs floor: **{gen / floor:.2f}×** round trip (goal ≤ 0.5×: {'met' if gen / floor <= 0.5 else '**not met**'}), "
    text += f"**{fi / fi_floor:.2f}×** item → model (goal ≤ 0.5×: {'met' if fi / fi_floor <= 0.5 else '**not met**'}), "
    text += f"**{ti / ti_floor:.2f}×** model → item (goal ≤ 0.6×: {'met' if ti / ti_floor <= 0.6 else '**not met**'}).\n"
    text += (f"- `Model::from_item` reads through the model's generated decoder and names the path of an error; it takes "
             f"{fi / fi_floor:.2f}× the time of plain `serde_dynamo::from_item` (no path tracking), and "
             f"{fi / fi_direct:.2f}× the hand-written direct decoder's.\n\n")
    pipe_unchecked, ti_unchecked = t["pipeline/generated_unchecked"], t["to_item/generated_unchecked"]
    text += ("The constraints' price (`openapi.yml` checks `format: date-time` and `format: email`; the same models "
             "generated with `x-daplug: {constraints: skip}`, same payloads):\n\n")
    text += "| path | checked | unchecked | ratio |\n|---|---|---|---|\n"
    text += f"| `from_json` + `to_item` + `from_item` | {us(pipe)} | {us(pipe_unchecked)} | {pipe / pipe_unchecked:.2f}× |\n"
    text += f"| `Model::to_item` | {us(ti)} | {us(ti_unchecked)} | {ti / ti_unchecked:.2f}× |\n\n"
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
    def cell(m: dict) -> str:
        return f"{m['s']:.1f} s, {m['mib']:,.0f} MiB"

    def ratios(a: dict, b: dict) -> str:
        return f"**{a['s'] / b['s']:.2f}×** | **{a['mib'] / b['mib']:.2f}×**"

    text = header(d)
    text += ("Each case is a crate holding only `schema!(\"spec.yml\")` against its hand-written twin: the same "
             "spec's types as a user writes them by hand (the same structs and enums with `#[derive(Debug, Clone, "
             "PartialEq, Serialize, Deserialize)]` and the same serde attributes, written by `cargo run -p "
             "daplug-codegen --example types_only`), without what `schema!` adds (`<Name>Key`, `<Name>Patch`, the "
             "`Model` impls and item conversions). Clean build of the crate alone (dependencies built first), "
             "debug profile; the time and peak RSS are those of its rustc (`scripts/bench/time_rustc.sh` as "
             f"`RUSTC_WORKSPACE_WRAPPER`), median of {d['reps']} alternating runs.\n\n")
    text += "| spec | types | `schema!` crate | hand-written twin | time ratio | RSS ratio |\n|---|---|---|---|---|---|\n"
    for c in d["cases"]:
        label = f"generated, {c['schemas']:,} schemas" if c.get("schemas") else f"`{c['case']}` (corpus)"
        text += f"| {label} | {c['types']:,} | {cell(c['gen'])} | {cell(c['twin'])} | {ratios(c['gen'], c['twin'])} |\n"
    sub = d["subset"]
    names = ", ".join(f"`{n}`" for n in sub["models"])
    text += (f"\n**Subset.** `schema!(\"spec.yml\", schemas = [...])` naming {len(sub['models'])} models ({names}) of "
             f"the {sub['of']:,}-schema spec generates them and the {sub['reached'] - len(sub['models'])} schemas they "
             "reach: ")
    text += (f"{cell(sub['subset'])}, against {cell(sub['gen'])} for `schema!` on a spec holding only those "
             f"{sub['reached']} schemas and {cell(sub['twin'])} for their hand-written twin "
             f"({sub['subset']['s'] / sub['twin']['s']:.2f}× the twin's time, "
             f"{sub['subset']['mib'] / sub['twin']['mib']:.2f}× its RSS).\n")
    used = d["used"]
    text += (f"\n**A binary pays for the models it uses.** A binary converting the same {len(sub['models'])} models "
             f"(`from_json`, `Item::from`, `from_item`) compiles in {cell(used['of_all'])} when they come from the "
             f"models crate of the whole {used['of']:,}-schema spec, and in {cell(used['of_used'])} when they come "
             f"from a crate of only those {sub['reached']} schemas "
             f"({used['of_all']['s'] / used['of_used']['s']:.2f}× the time): the conversions are generic or "
             "`#[inline]`, so their code is generated in the binary, for the models it calls.\n")
    e = d["expansion"]
    text += (f"\n**Expansion alone** (read, lower and emit, `daplug-codegen --check`, release build): "
             f"{e['n_s']:.2f} s at {e['n']:,} schemas, {e['double_s']:.2f} s at {2 * e['n']:,} "
             f"({e['double_s'] / e['n_s']:.2f}× for twice the schemas: linear).\n")
    text += "\nAll runs ([s, MiB]): " + "; ".join(
        f"{c['case']} gen {c['gen']['all']} twin {c['twin']['all']}" for c in d["cases"]) + (
        f"; subset {sub['subset']['all']}, small spec gen {sub['gen']['all']} twin {sub['twin']['all']}; "
        f"binary of all {used['of_all']['all']}, of used {used['of_used']['all']}.\n")
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


def requests(counts: dict, calls: int) -> str:
    """`2.00 (GetItem 1.00 + PutItem 1.00)` per call."""
    total = sum(counts.values())
    parts = " + ".join(f"{op} {n / calls:.2f}" for op, n in sorted(counts.items()))
    return f"{total / calls:.2f} ({parts})"


def update(d: dict) -> str:
    text = header(d)
    rmw, one = d["rmw"], d["one"]
    text += (f"{d['count']:,} items per mode (`ExampleModel`, `order#` prefix, equality lock on `modified` as "
             f"`keys_from` sets it), each updated once with the same patch (two attributes, the lock timestamp and a "
             f"field inside the `customer` map), sequentially, in {d['rounds']} interleaved rounds (the mode that goes "
             "first alternates). Requests counted per operation by an SDK interceptor on the adapter's client, "
             "retries included; latency per call.\n\n")
    text += "| mode | requests per update | mean | median | p90 |\n|---|---|---|---|---|\n"
    for name, side in (("read-merge-write `update(&key, &patch)`", rmw),
                       ("one request `update(&key, &patch).in_one_request()`", one)):
        text += (f"| {name} | {requests(side['requests'], side['calls'])} | {side['mean_ms']:.2f} ms | "
                 f"{side['median_ms']:.2f} ms | {side['p90_ms']:.2f} ms |\n")
    text += (f"\nOne request / read-merge-write: **{one['mean_ms'] / rmw['mean_ms']:.2f}×** mean latency, "
             f"**{one['median_ms'] / rmw['median_ms']:.2f}×** median.\n\n")
    raw = d.get("raw")
    if raw:
        text += (f"The emulator's own time per request, raw SDK calls on the same items ({raw['calls']:,} each, mean): "
                 f"`GetItem` {raw['get_ms']:.2f} ms + `PutItem` {raw['put_ms']:.2f} ms = "
                 f"{raw['get_ms'] + raw['put_ms']:.2f} ms for read-merge-write's two requests, against "
                 f"`UpdateItem` {raw['update_ms']:.2f} ms (the request `in_one_request` plans, sent as is).\n\n")
    r = d["race"]
    total = r["writers"] * r["each"]
    text += (f"Racing writers: {r['writers']} tasks × {r['each']} increments of one counter under `LockPolicy::Version` "
             f"({total:,} increments per mode). Read-merge-write reads the counter (`get`), then updates `n + 1` with "
             "the version read and starts over on `Error::Conflict`; one request sends `ADD n :1` "
             "(`in_one_request().increment(\"n\", 1)`, the version bumped in the same request). Both end at the exact "
             "total (checked).\n\n")
    text += "| mode | conflicts | conflicts per successful increment | requests per increment | wall time | increments/s |\n"
    text += "|---|---|---|---|---|---|\n"
    for name, side in (("read-merge-write (`get` + `update`, retry on conflict)", r["rmw"]),
                       ("one request (`ADD`)", r["add"])):
        text += (f"| {name} | {side['conflicts']:,} | **{side['conflicts'] / total:.2f}** | "
                 f"{requests(side['requests'], total)} | {side['seconds']:.2f} s | {total / side['seconds']:.0f} |\n")
    return text


def backends(d: dict) -> str:
    text = header(d)
    suite = d["suite"]
    runs = {b: [r["seconds"] for r in suite if r["backend"] == b] for b in ("moto", "dynoxide")}
    text += (f"**Integration suite** (`tests/tests/it`, {d['suite_tests']} tests, the debug binary `scripts/test.sh` "
             f"builds, tests in parallel, SNS and SQS on moto either way), {len(runs['moto'])} "
             f"run{'s' if len(runs['moto']) != 1 else ''} per backend "
             "alternating which goes first, wall time per run:\n\n")
    text += "| DynamoDB backend | runs | median | min | max |\n|---|---|---|---|---|\n"
    for b in ("moto", "dynoxide"):
        xs = sorted(runs[b])
        text += f"| {b} | {', '.join(f'{x:.1f} s' for x in runs[b])} | {xs[len(xs) // 2]:.1f} s | {xs[0]:.1f} s | {xs[-1]:.1f} s |\n"
    lat = d["latency"]
    text += (f"\n**Per request** (release build, raw SDK calls, one client per backend, sequential): {d['count']:,} "
             f"`PutItem` then `GetItem` of a ~200-byte item per backend, in {d['rounds']} interleaved rounds (the backend "
             "that goes first alternates):\n\n")
    text += "| request | backend | mean | median | p90 | p99 |\n|---|---|---|---|---|---|\n"
    for op, name in (("put", "PutItem"), ("get", "GetItem")):
        for b in ("moto", "dynoxide"):
            x = lat[b][op]
            text += (f"| {name} | {b} | {x['mean_ms']:.2f} ms | {x['median_ms']:.2f} ms | {x['p90_ms']:.2f} ms | "
                     f"{x['p99_ms']:.2f} ms |\n")
        text += (f"| {name} | moto / dynoxide | **{lat['moto'][op]['mean_ms'] / lat['dynoxide'][op]['mean_ms']:.1f}×** | "
                 f"**{lat['moto'][op]['median_ms'] / lat['dynoxide'][op]['median_ms']:.1f}×** | | |\n")
    st = d["startup"]
    dy = st["dynoxide"]
    text += (f"\n**Start-up** until the server answers an HTTP request (polled every millisecond): the in-process "
             f"emulator, `Emulator::start()` ×{dy['starts']}: listening when it returns after "
             f"{dy['listening']['median_ms']:.2f} ms (median), answering after {dy['answering']['median_ms']:.2f} ms "
             f"(median; mean {dy['answering']['mean_ms']:.2f} ms)")
    mo = st.get("moto")
    if mo:
        text += (f"; moto, a fresh `moto_server.py` process ×{mo['starts']}, as `scripts/emulator.sh start` runs it: "
                 f"answering after {mo['answering']['median_ms']:.0f} ms (median; mean {mo['answering']['mean_ms']:.0f} ms)")
    script = sorted(d.get("moto_script_s") or [])
    if script:
        text += (f"; `scripts/emulator.sh start`, what the tests and the tour wait for (its install check, a free "
                 f"port, the start and polling every 0.1 s), ×{len(script)}: {script[len(script) // 2]:.2f} s (median)")
    text += ".\n"
    return text


RENDER = {"conversion": conversion, "compile": compile_cost, "memory": memory, "e2e": e2e, "update": update,
          "backends": backends}


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
