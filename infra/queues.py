"""The sync queue: webhook ingest and the admin API hand work to the sync worker through it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from infra.aws import client as shared_client
from infra.backoff import chunks, deliver_all
from infra.messages import EmployeeSyncMessage, FullSyncMessage, IncrementalSyncMessage
from mentorship.ports import ChangeHint

SEND_BATCH_LIMIT = 10


class SyncQueue:
    """Sends sync messages (bodies from `infra.messages`); entries SQS refuses are retried, then raised.

    A webhook answers 2xx only after `enqueue_hints` returns, so raising here turns into a 5xx and
    BambooHR redelivers, instead of the change being lost.
    """

    def __init__(
        self, queue_url: str, client: Any | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._queue_url = queue_url
        self._client = client or shared_client("sqs")
        self._sleep = sleep

    def enqueue_hints(self, hints: Sequence[ChangeHint]) -> None:
        self._send_all([EmployeeSyncMessage(**hint.model_dump()) for hint in hints])

    def enqueue_full_sync(self) -> None:
        self._send_all([FullSyncMessage()])

    def enqueue_incremental_sync(self) -> None:
        self._send_all([IncrementalSyncMessage()])

    def _send_all(self, messages: Sequence[BaseModel]) -> None:
        # Ids are positions within one batch (SQS wants them unique per call only).
        entries = [
            {"Id": str(index), "MessageBody": message.model_dump_json()}
            for index, message in enumerate(messages)
        ]
        for chunk in chunks(entries, SEND_BATCH_LIMIT):
            deliver_all(
                chunk, self._send, what="SendMessageBatch", describe=self._describe, sleep=self._sleep
            )

    def _send(self, entries: Sequence[dict[str, str]]) -> list[dict[str, str]]:
        response = self._client.send_message_batch(QueueUrl=self._queue_url, Entries=list(entries))
        failed = {failure["Id"] for failure in response.get("Failed", [])}
        return [entry for entry in entries if entry["Id"] in failed]

    @staticmethod
    def _describe(entry: dict[str, str]) -> str:
        return f"entry {entry['Id']}"
