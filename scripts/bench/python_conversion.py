#!/usr/bin/env python3
"""daplug-ddb's side of the item-conversion benchmark.

For every payload of the payload file (the one the Rust benchmark reads), does what daplug-ddb does
around a write and a read of that payload:

    mapped = daplug_core.schema_mapper.map_to_schema(payload, SCHEMA_FILE, "ExampleModel")
    item   = {k: TypeSerializer().serialize(v) for k, v in mapped.items()}    # boto3, on put_item
    back   = {k: TypeDeserializer().deserialize(v) for k, v in item.items()}  # boto3, on get_item

Two variants: `shipped` calls `map_to_schema` as daplug-ddb does (it re-reads and re-resolves the
YAML file on every call); `cached` memoises the schema loading, leaving only the mapping itself.
Numbers are parsed as `Decimal` (boto3 rejects floats). Prints one JSON object: nanoseconds per
payload for each variant (median of the passes).

    python_conversion.py PAYLOADS.json SCHEMA.yml [--passes N]
"""
import argparse
import functools
import json
import statistics
import time
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from daplug_core import schema_loader, schema_mapper


def run_pass(payloads, schema_file, serializer, deserializer) -> float:
    start = time.perf_counter_ns()
    for payload in payloads:
        mapped = schema_mapper.map_to_schema(payload, schema_file, "ExampleModel")
        item = {k: serializer.serialize(v) for k, v in mapped.items()}
        back = {k: deserializer.deserialize(v) for k, v in item.items()}
        assert back["record_id"] == payload["record_id"]
    return (time.perf_counter_ns() - start) / len(payloads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("payloads")
    parser.add_argument("schema")
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    with open(args.payloads, encoding="utf-8") as f:
        payloads = json.load(f, parse_float=Decimal)
    serializer, deserializer = TypeSerializer(), TypeDeserializer()

    shipped = [run_pass(payloads, args.schema, serializer, deserializer) for _ in range(max(1, args.passes // 2))]
    original = schema_loader.load_schema
    schema_mapper.schema_loader.load_schema = functools.lru_cache(maxsize=None)(original)
    run_pass(payloads, args.schema, serializer, deserializer)  # warm the cache
    cached = [run_pass(payloads, args.schema, serializer, deserializer) for _ in range(args.passes)]
    print(json.dumps({
        "payloads": len(payloads),
        "shipped_ns_per_payload": statistics.median(shipped),
        "cached_ns_per_payload": statistics.median(cached),
    }))


if __name__ == "__main__":
    main()
