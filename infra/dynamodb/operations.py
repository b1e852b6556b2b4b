"""Table calls every adapter repeats: read one attribute, Query every page, batch get/put with retries."""

from __future__ import annotations

import time
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
