"""`ProgramStore` on DynamoDB: programmes share one small partition, read with a single Query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.aws import client as shared_client
from infra.dynamodb import keys
from infra.dynamodb.codec import to_item
from infra.dynamodb.operations import get_string, query_all
from mentorship.models import Program


class DynamoProgramStore:
    """Programmes as `{pk: programs, sk: program#<id>, doc}`; `all()` is sorted by programme id."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client or shared_client("dynamodb")

    def get(self, program_id: str) -> Program | None:
        doc = get_string(self._client, self._table, keys.program(program_id), "doc")
        return Program.model_validate_json(doc) if doc else None

    def put(self, program: Program) -> None:
        item = {**keys.program(program.program_id), "doc": program.model_dump_json()}
        self._client.put_item(TableName=self._table, Item=to_item(item))

    def all(self) -> Iterable[Program]:
        items = query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_item({":pk": keys.PROGRAM_PARTITION, ":prefix": "program#"}),
            ConsistentRead=True,
        )
        return [Program.model_validate_json(item["doc"]["S"]) for item in items]
