"""`EmployeeDirectory` on DynamoDB: conditional upserts and a sharded, parallel full read."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from infra.aws import client as shared_client
from infra.dynamodb import keys
from infra.dynamodb.codec import to_item, utc_timestamp
from infra.dynamodb.operations import batch_get, get_string
from mentorship.models import Employee

_UPSERT_WITH_TIMESTAMP = (
    "attribute_not_exists(pk) OR (fingerprint <> :fingerprint"
    " AND (attribute_not_exists(updated_at) OR updated_at <= :updated_at))"
)
# A record without source_updated_at cannot be ordered, so it is applied whenever its content differs.
_UPSERT_WITHOUT_TIMESTAMP = "attribute_not_exists(pk) OR fingerprint <> :fingerprint"
# Same facts, newer timestamp: advance the stored timestamp so a delayed older change cannot win later.
_ADVANCE_TIMESTAMP = (
    "fingerprint = :fingerprint AND (attribute_not_exists(updated_at) OR updated_at < :updated_at)"
)


class DynamoEmployeeDirectory:
    """Employees as `{pk: emp#<shard>, sk: emp#<id>, doc, fingerprint, updated_at}`.

    `doc` is the model's JSON; `fingerprint` and `updated_at` exist only so the conditional write can
    compare them without reading the item first.
    """

    def __init__(
        self,
        table_name: str,
        client: Any | None = None,
        *,
        page_size: int | None = None,
        read_threads: int = 8,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._table = table_name
        self._client = client or shared_client("dynamodb")
        self._page_size = page_size
        self._read_threads = read_threads
        self._sleep = sleep

    def get(self, employee_id: str) -> Employee | None:
        doc = get_string(self._client, self._table, keys.employee(employee_id), "doc")
        return Employee.model_validate_json(doc) if doc else None

    def get_many(self, employee_ids: Sequence[str]) -> dict[str, Employee]:
        """The stored employees among `employee_ids`, by id (BatchGetItem, unknown ids left out)."""
        found = batch_get(
            self._client,
            self._table,
            [to_item(keys.employee(employee_id)) for employee_id in employee_ids],
            projection="doc",
            sleep=self._sleep,
        )
        employees = (Employee.model_validate_json(item["doc"]["S"]) for item in found)
        return {employee.employee_id: employee for employee in employees}

    def upsert(self, employee: Employee) -> bool:
        fingerprint = employee.content_fingerprint()
        updated_at = utc_timestamp(employee.source_updated_at) if employee.source_updated_at else None
        item = to_item(
            {
                **keys.employee(employee.employee_id),
                "doc": employee.model_dump_json(),
                "fingerprint": fingerprint,
                "updated_at": updated_at,
            }
        )
        values = to_item({":fingerprint": fingerprint, ":updated_at": updated_at})
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=_UPSERT_WITH_TIMESTAMP if updated_at else _UPSERT_WITHOUT_TIMESTAMP,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            stored = error.response.get("Item", {})
            if updated_at and stored.get("fingerprint", {}).get("S") == fingerprint:
                self._advance_timestamp(item, values)
            return False
        return True

    def _advance_timestamp(self, item: dict[str, Any], values: dict[str, Any]) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=_ADVANCE_TIMESTAMP,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            # Someone stored something newer in between: theirs stands.
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def all(self) -> Iterable[Employee]:
        """Every stored employee, in no particular order: the shards are queried in parallel."""
        shards = range(keys.EMPLOYEE_SHARDS)
        with ThreadPoolExecutor(max_workers=self._read_threads) as pool:
            for docs in pool.map(self._read_shard, shards):
                yield from (Employee.model_validate_json(doc) for doc in docs)

    def _read_shard(self, shard: int) -> list[str]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_item({":pk": keys.employee_partition(shard)}),
            "ProjectionExpression": "doc",
        }
        if self._page_size:
            request["PaginationConfig"] = {"PageSize": self._page_size}
        docs: list[str] = []
        for page in self._client.get_paginator("query").paginate(**request):
            docs.extend(item["doc"]["S"] for item in page.get("Items", []))
        return docs
