"""Entries AWS leaves unprocessed are resent with backoff, and raise once the retry budget is spent.

moto always processes every entry, so `PartlyRefusing` wraps a real moto client and, for the first
calls, sends only part of the batch for real and answers for the rest exactly as AWS does when it
throttles some entries (FailedEntryCount / Failed / UnprocessedItems / UnprocessedKeys).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.backoff import DeliveryIncomplete
from infra.dynamodb import DynamoEmployeeDirectory, DynamoPairingStore
from infra.dynamodb.schema import create_table
from infra.events import EVENT_SOURCE, EventBridgePublisher
from infra.messages import EmployeeSyncMessage, parse_sync_message
from infra.queues import SyncQueue
from mentorship.events import EmployeeLeft
from mentorship.models import Employee, Pairing
from mentorship.ports import ChangeAction, ChangeHint


class PartlyRefusing:
    """A real client whose `operation` refuses the first `refuse` entries of its first `calls` calls."""

    def __init__(self, real: Any, operation: str, *, refuse: int, calls: int = 1) -> None:
        self._real, self._operation, self._refuse, self._calls_left = real, operation, refuse, calls
        self.batch_sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        if name != self._operation:
            return getattr(self._real, name)
        return getattr(self, f"_{name}")

    def _refusing(self) -> bool:
        self._calls_left -= 1
        return self._calls_left >= 0

    def _put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.batch_sizes.append(len(Entries))
        refused = self._refuse if self._refusing() else 0
        sent = self._real.put_events(Entries=Entries[refused:]) if Entries[refused:] else {"Entries": []}
        throttled = [{"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}] * refused
        return {
            "FailedEntryCount": refused + sent.get("FailedEntryCount", 0),
            "Entries": throttled + sent["Entries"],
        }

    def _send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.batch_sizes.append(len(Entries))
        refused = self._refuse if self._refusing() else 0
        sent = {"Successful": [], "Failed": []}
        if Entries[refused:]:
            sent = self._real.send_message_batch(QueueUrl=QueueUrl, Entries=Entries[refused:])
        failed = [{"Id": e["Id"], "SenderFault": False, "Code": "InternalError"} for e in Entries[:refused]]
        return {"Successful": sent.get("Successful", []), "Failed": failed + sent.get("Failed", [])}

    def _batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        [(table, requests)] = RequestItems.items()
        self.batch_sizes.append(len(requests))
        refused = self._refuse if self._refusing() else 0
        if requests[refused:]:
            self._real.batch_write_item(RequestItems={table: requests[refused:]})
        return {"UnprocessedItems": {table: requests[:refused]} if refused else {}}

    def _batch_get_item(self, RequestItems: dict[str, dict[str, Any]]) -> dict[str, Any]:
        [(table, request)] = RequestItems.items()
        keys = request["Keys"]
        self.batch_sizes.append(len(keys))
        refused = self._refuse if self._refusing() else 0
        response = self._real.batch_get_item(RequestItems={table: {**request, "Keys": keys[refused:]}})
        unprocessed = {table: {**request, "Keys": keys[:refused]}} if refused else {}
        return {"Responses": response["Responses"], "UnprocessedKeys": unprocessed}


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


def queue_with_tap(bus_name: str) -> tuple[Any, Any, str]:
    events = boto3.client("events", region_name="eu-west-1")
    sqs = boto3.client("sqs", region_name="eu-west-1")
    events.create_event_bus(Name=bus_name)
    url = sqs.create_queue(QueueName="tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName=bus_name, EventPattern=json.dumps({"source": [EVENT_SOURCE]}))
    events.put_targets(Rule="all", EventBusName=bus_name, Targets=[{"Id": "tap", "Arn": arn}])
    return events, sqs, url


def receive_all(sqs: Any, url: str) -> list[str]:
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies.extend(message["Body"] for message in batch)
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_events_eventbridge_refused_are_resent_until_each_lands_once(moto: None) -> None:
    # Given EventBridge throttles 3 of the first call's entries
    events, sqs, url = queue_with_tap("bus")
    flaky, sleeps = PartlyRefusing(events, "put_events", refuse=3), Sleeps()
    # When 12 events are published
    EventBridgePublisher("bus", flaky, sleep=sleeps).publish(
        [EmployeeLeft(employee_id=f"e{n}") for n in range(12)]
    )
    # Then the 3 were resent after a pause, and each event arrived exactly once
    assert flaky.batch_sizes == [10, 3, 2]
    assert len(sleeps.delays) == 1
    received = sorted(json.loads(body)["detail"]["employee_id"] for body in receive_all(sqs, url))
    assert received == sorted(f"e{n}" for n in range(12))


def test_events_still_refused_after_every_retry_raise_instead_of_vanishing(moto: None) -> None:
    events, _sqs, _url = queue_with_tap("bus")
    flaky, sleeps = PartlyRefusing(events, "put_events", refuse=2, calls=100), Sleeps()
    with pytest.raises(DeliveryIncomplete, match="PutEvents: 2 entries still failing") as failed:
        EventBridgePublisher("bus", flaky, sleep=sleeps).publish([EmployeeLeft(employee_id="e1")] * 4)
    assert failed.value.failures == ("EmployeeLeft", "EmployeeLeft")
    # Backoff grows between attempts (full jitter stays under an exponential cap)
    assert len(sleeps.delays) == 5
    assert all(delay <= 0.05 * 2**attempt for attempt, delay in enumerate(sleeps.delays))


def hint(employee_id: str) -> ChangeHint:
    return ChangeHint(
        provider="bamboohr",
        employee_id=employee_id,
        action=ChangeAction.UPDATED,
        dedupe_key=f"k-{employee_id}",
    )


def test_messages_sqs_refused_are_resent_until_each_is_queued_once(moto: None) -> None:
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(QueueName="sync")["QueueUrl"]
    flaky = PartlyRefusing(sqs, "send_message_batch", refuse=4)
    SyncQueue(url, flaky, sleep=Sleeps()).enqueue_hints([hint(f"e{n}") for n in range(7)])
    assert flaky.batch_sizes == [7, 4]
    messages = [parse_sync_message(body) for body in receive_all(sqs, url)]
    assert all(isinstance(message, EmployeeSyncMessage) for message in messages)
    assert sorted(m.employee_id for m in messages if isinstance(m, EmployeeSyncMessage)) == [
        f"e{n}" for n in range(7)
    ]


def test_messages_still_refused_raise_so_the_webhook_answers_5xx(moto: None) -> None:
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(QueueName="sync")["QueueUrl"]
    flaky = PartlyRefusing(sqs, "send_message_batch", refuse=1, calls=100)
    with pytest.raises(DeliveryIncomplete, match="SendMessageBatch"):
        SyncQueue(url, flaky, sleep=Sleeps()).enqueue_hints([hint("e1"), hint("e2")])


def test_unprocessed_items_of_a_batch_write_are_written_on_retry(moto: None) -> None:
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    create_table(dynamodb, "t")
    flaky = PartlyRefusing(dynamodb, "batch_write_item", refuse=5)
    pairings = [
        Pairing(
            pairing_id=f"p-{n:03d}",
            program_id="prog",
            run_id="r1",
            mentor_id=f"m{n}",
            mentee_id=f"e{n}",
            score=0.5,
        )
        for n in range(10)
    ]
    # 10 pairings = 10 pairing items + 20 person edges + 1 run pointer = 31 items: calls of 25 and 6
    DynamoPairingStore("t", flaky, sleep=Sleeps()).put_pairings(pairings)
    assert flaky.batch_sizes == [25, 5, 6]
    assert DynamoPairingStore("t", dynamodb).pairings_of_run("r1") == pairings


def test_unprocessed_keys_of_a_batch_get_are_read_on_retry(moto: None) -> None:
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    create_table(dynamodb, "t")
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(30):
        DynamoEmployeeDirectory("t", dynamodb).upsert(Employee(employee_id=f"e{n}", source_updated_at=stamp))
    flaky = PartlyRefusing(dynamodb, "batch_get_item", refuse=12)
    found = DynamoEmployeeDirectory("t", flaky, sleep=Sleeps()).get_many([f"e{n}" for n in range(30)])
    assert flaky.batch_sizes == [30, 12]
    assert sorted(found) == sorted(f"e{n}" for n in range(30))


def test_a_retry_is_logged_with_counts_but_no_entry_content(
    moto: None, caplog: pytest.LogCaptureFixture
) -> None:
    sqs = boto3.client("sqs", region_name="eu-west-1")
    url = sqs.create_queue(QueueName="sync")["QueueUrl"]
    flaky = PartlyRefusing(sqs, "send_message_batch", refuse=2)
    with caplog.at_level("WARNING", logger="infra.backoff"):
        SyncQueue(url, flaky, sleep=Sleeps()).enqueue_hints(
            [hint("emp-secretive-1"), hint("emp-secretive-2")]
        )
    assert [record.getMessage() for record in caplog.records] == [
        "SendMessageBatch: 2 of 2 entries refused, retrying"
    ]
    assert "secretive" not in caplog.text
