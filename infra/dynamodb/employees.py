"""`EmployeeDirectory` on DynamoDB: conditional upserts and a sharded, parallel full read."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Stored:
    """An employee item as stored, with the attributes the conditional write compares."""

    employee: Employee
    fingerprint: str
    updated_at: str | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> _Stored:
        updated_at = item.get("updated_at", {}).get("S")
        return cls(Employee.model_validate_json(item["doc"]["S"]), item["fingerprint"]["S"], updated_at)

    def certainly_refuses(self, incoming: Employee) -> bool:
        """True when the conditional upsert would refuse `incoming` and advance nothing."""
        incoming_at = utc_timestamp(incoming.source_updated_at) if incoming.source_updated_at else None
        if incoming.content_fingerprint() == self.fingerprint:
            # Unchanged; only a newer timestamp would still be written (advanced).
            return incoming_at is None or (self.updated_at is not None and self.updated_at >= incoming_at)
        return incoming_at is not None and self.updated_at is not None and incoming_at < self.updated_at


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
        return {
            employee_id: stored.employee for employee_id, stored in self._read_stored(employee_ids).items()
        }

    def upsert_many(self, employees: Sequence[Employee]) -> list[tuple[Employee | None, bool]]:
        """For each employee, in order: what was stored before, and whether this upsert stored a change.

        Same result as `(get(id), upsert(e))` one by one, but a nightly full sync of 100k mostly
        unchanged people costs ~1k BatchGetItem calls plus one write per actual change, instead of
        200k sequential calls. The conditional write stays the authority: the pre-read only skips
        writes that would certainly be refused.
        """
        before = self._read_stored([employee.employee_id for employee in employees])
        results: list[tuple[Employee | None, bool] | None] = [None] * len(employees)
        first_seen: set[str] = set()
        writes: list[int] = []
        repeats: list[int] = []
        for index, employee in enumerate(employees):
            if employee.employee_id in first_seen:
                repeats.append(index)  # applied after the first occurrence, in input order
                continue
            first_seen.add(employee.employee_id)
            stored = before.get(employee.employee_id)
            if stored is not None and stored.certainly_refuses(employee):
                results[index] = (stored.employee, False)
            else:
                writes.append(index)

        def write(index: int) -> None:
            stored = before.get(employees[index].employee_id)
            results[index] = (stored.employee if stored else None, self.upsert(employees[index]))

        with ThreadPoolExecutor(max_workers=self._read_threads) as pool:
            list(pool.map(write, writes))
        for index in repeats:
            results[index] = (self.get(employees[index].employee_id), self.upsert(employees[index]))
        return [result for result in results if result is not None]

    def _read_stored(self, employee_ids: Sequence[str]) -> dict[str, _Stored]:
        found = batch_get(
            self._client,
            self._table,
            [to_item(keys.employee(employee_id)) for employee_id in employee_ids],
            projection="doc, fingerprint, updated_at",
            sleep=self._sleep,
        )
        stored = (_Stored.from_item(item) for item in found)
        return {entry.employee.employee_id: entry for entry in stored}

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
            stored_at = stored.get("updated_at", {}).get("S")
            same_facts = stored.get("fingerprint", {}).get("S") == fingerprint
            if updated_at and same_facts and (stored_at is None or stored_at < updated_at):
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
