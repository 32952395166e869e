#!/usr/bin/env python3
"""Writes N inbound payloads shaped like openapi.yml's ExampleModel as one JSON array.

Both the Rust (criterion) and the Python (daplug-ddb) conversion benchmarks read this file, so they
convert exactly the same data. Deterministic: the same N and seed give the same file.

    gen_payloads.py OUT.json [--count N] [--seed S]
"""
import argparse
import json
import random


def payload(rng: random.Random, index: int) -> dict:
    data = {
        "record_id": f"rec-{index:06d}",
        "status": rng.choice(["open", "shipped", "closed"]),
        "modified": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
        "customer": {
            "name": rng.choice(["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]),
            "email": f"customer{rng.randint(1, 99999)}@example.com",
        },
        "array_number": [round(rng.uniform(0, 1000), 2) for _ in range(rng.randint(0, 8))],
        "line_items": [
            {"sku": f"SKU-{rng.randint(1, 99999):05d}", "qty": rng.randint(1, 20), "price": round(rng.uniform(1, 500), 2)}
            for _ in range(rng.randint(1, 10))
        ],
        "metadata": {f"key{k}": f"value-{rng.randint(0, 1 << 30)}" for k in range(rng.randint(0, 6))},
    }
    if rng.random() < 0.5:
        data["note"] = "leave at the door " * rng.randint(1, 4)
    if rng.random() < 0.3:
        # Inbound payloads carry fields the schema does not know: both sides drop them.
        data["tracking"] = {"source": "web", "session": rng.randint(0, 1 << 30)}
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump([payload(rng, i) for i in range(args.count)], out)


if __name__ == "__main__":
    main()
