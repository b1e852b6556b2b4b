"""`SyncStateStore` and `WriteLedger` on DynamoDB: small bookkeeping items, one per source or write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.aws import client as shared_client
from infra.dynamodb import keys
from infra.dynamodb.codec import parse_utc_timestamp, to_item, utc_timestamp
from infra.dynamodb.operations import get_string
from mentorship.ports import WriteReceipt


class DynamoSyncStateStore:
    """Watermarks as `{pk: watermark#<source>, sk: watermark, value: <ISO-8601 UTC>}`."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client or shared_client("dynamodb")

    def get_watermark(self, source: str) -> datetime | None:
        value = get_string(self._client, self._table, keys.watermark(source), "value")
        return parse_utc_timestamp(value) if value else None

    def set_watermark(self, source: str, value: datetime) -> None:
        # Plain overwrite on purpose: moving the watermark back only re-reads changes (safe); a
        # "never move back" guard could skip a slower fetch that started earlier and failed.
        item = {**keys.watermark(source), "value": utc_timestamp(value)}
        self._client.put_item(TableName=self._table, Item=to_item(item))


class DynamoWriteLedger:
    """Receipts of HRIS writes that succeeded, as `{pk: ledger#<key>, sk: ledger, receipt: <JSON>}`.

    No TTL: a write-back retried weeks later (DLQ replay) must still find its receipt.
    """

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client or shared_client("dynamodb")

    def get(self, key: str) -> WriteReceipt | None:
        receipt = get_string(self._client, self._table, keys.ledger(key), "receipt")
        return WriteReceipt.model_validate_json(receipt) if receipt else None

    def put(self, key: str, receipt: WriteReceipt) -> None:
        item = {**keys.ledger(key), "receipt": receipt.model_dump_json()}
        self._client.put_item(TableName=self._table, Item=to_item(item))
