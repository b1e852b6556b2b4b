"""Table calls every adapter repeats: read one attribute, Query every page, batch get/put with retries."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from infra.backoff import chunks, deliver_all

WRITE_BATCH_LIMIT = 25
GET_BATCH_LIMIT = 100

Item = dict[str, Any]


def _key_of(item: Mapping[str, Any]) -> tuple[str, str]:
    return (item["pk"]["S"], item["sk"]["S"])


def batch_put(
    client: Any, table_name: str, items: Sequence[Item], *, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Put serialised items 25 per call; a repeated key keeps its last version (the API refuses repeats)."""
    unique = list({_key_of(item): item for item in items}.values())

    def send(batch: Sequence[Item]) -> Sequence[Item]:
        response = client.batch_write_item(
            RequestItems={table_name: [{"PutRequest": {"Item": item}} for item in batch]}
        )
        leftover = response.get("UnprocessedItems", {}).get(table_name, [])
        return [request["PutRequest"]["Item"] for request in leftover]

    for chunk in chunks(unique, WRITE_BATCH_LIMIT):
        deliver_all(
            chunk, send, what="BatchWriteItem", describe=lambda item: "|".join(_key_of(item)), sleep=sleep
        )


def batch_get(
    client: Any,
    table_name: str,
    keys: Sequence[Item],
    *,
    projection: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Item]:
    """Get serialised items by key, 100 per call, in no particular order; missing keys are skipped."""
    unique = list({_key_of(key): key for key in keys}.values())
    found: list[Item] = []

    def send(batch: Sequence[Item]) -> Sequence[Item]:
        request: dict[str, Any] = {"Keys": list(batch), "ConsistentRead": True}
        if projection:
            request["ProjectionExpression"] = projection
        response = client.batch_get_item(RequestItems={table_name: request})
        found.extend(response.get("Responses", {}).get(table_name, []))
        return list(response.get("UnprocessedKeys", {}).get(table_name, {}).get("Keys", []))

    for chunk in chunks(unique, GET_BATCH_LIMIT):
        deliver_all(
            chunk, send, what="BatchGetItem", describe=lambda key: "|".join(_key_of(key)), sleep=sleep
        )
    return found


def query_all(client: Any, **request: Any) -> list[Item]:
    """Every item a Query matches, following LastEvaluatedKey across pages."""
    items: list[Item] = []
    for page in client.get_paginator("query").paginate(**request):
        items.extend(page.get("Items", []))
    return items


def get_string(client: Any, table_name: str, key: Mapping[str, str], attribute: str) -> str | None:
    """One string attribute of one item (strongly consistent), or None if the item does not exist."""
    response = client.get_item(
        TableName=table_name,
        Key={name: {"S": value} for name, value in key.items()},
        ProjectionExpression="#attribute",
        ExpressionAttributeNames={"#attribute": attribute},
        ConsistentRead=True,
    )
    item = response.get("Item")
    return item[attribute]["S"] if item else None


# A document above this size is stored compressed; compressed bytes are split into parts below
# DynamoDB's 400 KB item limit. A match run over a large cohort (pairing ids, unmatched reasons)
# reaches megabytes of JSON, which compresses about 8:1.
INLINE_DOCUMENT_LIMIT = 64 * 1024
DOCUMENT_PART_BYTES = 350 * 1024
MAX_DOCUMENT_PARTS = 11  # TransactWriteItems carries at most 4 MB


def put_document(client: Any, table_name: str, key: Mapping[str, str], document: str) -> None:
    """Store `document` (JSON) under `key`: inline when small, else compressed over 1..n items, atomically.

    Parts live beside the head item under `<sk>#part#<n>`; the head says how many belong to it, so
    parts left over from an earlier, larger version are never read.
    """
    head_key = {name: {"S": value} for name, value in key.items()}
    if len(document) <= INLINE_DOCUMENT_LIMIT:
        client.put_item(TableName=table_name, Item={**head_key, "doc": {"S": document}})
        return
    packed = zlib.compress(document.encode(), 6)
    parts = [
        packed[start : start + DOCUMENT_PART_BYTES] for start in range(0, len(packed), DOCUMENT_PART_BYTES)
    ]
    if len(parts) > MAX_DOCUMENT_PARTS:
        raise ValueError(
            f"document {key['pk']} is {len(packed)} bytes compressed, above the storable maximum"
        )
    items = [{**head_key, "docz": {"B": parts[0]}, "parts": {"N": str(len(parts))}}]
    for number, part in enumerate(parts[1:], start=1):
        items.append(
            {"pk": head_key["pk"], "sk": {"S": f"{key['sk']}#part#{number:03d}"}, "docz": {"B": part}}
        )
    if len(items) == 1:
        client.put_item(TableName=table_name, Item=items[0])
    else:
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": table_name, "Item": i}} for i in items]
        )


def get_document(client: Any, table_name: str, key: Mapping[str, str]) -> str | None:
    """The document `put_document` stored under `key`, or None (one Query reads the head and its parts)."""
    items = query_all(
        client,
        TableName=table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues={":pk": {"S": key["pk"]}, ":sk": {"S": key["sk"]}},
        ConsistentRead=True,
    )
    by_sort_key = {item["sk"]["S"]: item for item in items}
    head = by_sort_key.get(key["sk"])
    if head is None:
        return None
    if "doc" in head:
        return str(head["doc"]["S"])
    count = int(head["parts"]["N"])
    rest = [by_sort_key[f"{key['sk']}#part#{number:03d}"]["docz"]["B"] for number in range(1, count)]
    return zlib.decompress(b"".join([head["docz"]["B"], *rest])).decode()
