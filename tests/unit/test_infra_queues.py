"""The sync queue: hints go out in batches of 10 and every body parses back into its message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pydantic import ValidationError

from infra.messages import EmployeeSyncMessage, FullSyncMessage, IncrementalSyncMessage, parse_sync_message
from infra.queues import SyncQueue
from mentorship.ports import ChangeAction, ChangeHint
from sandbox.local_stack.template import load_template_document


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, list[int]]]:
    """A moto SQS client, a queue, and the size of every SendMessageBatch call made through the client."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("sqs", region_name="eu-west-1")
        url = client.create_queue(QueueName="sync")["QueueUrl"]
        batch_sizes: list[int] = []

        def count(params: dict[str, Any], **_: Any) -> None:
            batch_sizes.append(len(params["Entries"]))

        client.meta.events.register("provide-client-params.sqs.SendMessageBatch", count)
        yield client, url, batch_sizes


def bodies(client: Any, url: str) -> list[str]:
    found: list[str] = []
    while batch := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found.extend(message["Body"] for message in batch)
        for message in batch:
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_hints_are_sent_ten_per_call_and_parse_back_to_the_same_hints(
    sqs: tuple[Any, str, list[int]],
) -> None:
    client, url, batch_sizes = sqs
    # Given 23 change hints from one webhook delivery
    hints = [
        ChangeHint(
            provider="bamboohr",
            employee_id=str(100 + n),
            action=ChangeAction.UPDATED if n % 2 else ChangeAction.CREATED,
            occurred_at="2026-11-27T12:00:00Z",
            changed_fields=("jobTitle", "department"),
            dedupe_key=f"delivery-7#{100 + n}",
        )
        for n in range(23)
    ]
    # When they are enqueued
    SyncQueue(url, client).enqueue_hints(hints)
    # Then three calls carried 10, 10 and 3, and each body is the hint tagged "employee"
    assert batch_sizes == [10, 10, 3]
    raw = bodies(client, url)
    assert all(json.loads(body)["kind"] == "employee" for body in raw)
    messages = [parse_sync_message(body) for body in raw]
    assert all(isinstance(message, EmployeeSyncMessage) for message in messages)
    hints_back = sorted((m.to_hint() for m in messages if isinstance(m, EmployeeSyncMessage)), key=repr)
    assert hints_back == sorted(hints, key=repr)


def test_hint_body_is_the_hint_json_plus_its_kind(sqs: tuple[Any, str, list[int]]) -> None:
    client, url, _ = sqs
    hint = ChangeHint(provider="workday", employee_id="w-1", action=ChangeAction.DELETED, dedupe_key="d1")
    SyncQueue(url, client).enqueue_hints([hint])
    [body] = bodies(client, url)
    assert json.loads(body) == {"kind": "employee", **hint.model_dump(mode="json")}


def test_full_and_incremental_sync_requests_are_single_messages(sqs: tuple[Any, str, list[int]]) -> None:
    client, url, batch_sizes = sqs
    queue = SyncQueue(url, client)
    queue.enqueue_full_sync()
    queue.enqueue_incremental_sync()
    assert batch_sizes == [1, 1]
    assert sorted(json.loads(body)["kind"] for body in bodies(client, url)) == [
        "full_sync",
        "incremental_sync",
    ]


def test_no_hints_means_no_call(sqs: tuple[Any, str, list[int]]) -> None:
    client, url, batch_sizes = sqs
    SyncQueue(url, client).enqueue_hints([])
    assert batch_sizes == []


def test_sync_bodies_parse_into_their_message_kinds() -> None:
    assert parse_sync_message('{"kind": "full_sync"}') == FullSyncMessage()
    assert parse_sync_message(b'{"kind": "incremental_sync"}') == IncrementalSyncMessage()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"kind": "reboot"}', "kind"),
        ("{}", "kind"),
        (
            '{"kind": "employee", "provider": "bamboohr", "action": "updated", "dedupe_key": "k"}',
            "employee_id",
        ),
        (
            '{"kind": "employee", "provider": "b", "employee_id": "1", "action": "fired", "dedupe_key": "k"}',
            "action",
        ),
        ('{"kind": "full_sync", "since": "yesterday"}', "since"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field(body: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_sync_message(body)
    assert field in str(refused.value)


def test_every_message_the_template_schedules_onto_the_sync_queue_parses() -> None:
    # Given the schedules template.yaml points at SyncQueue
    resources = load_template_document(Path(__file__).resolve().parents[2] / "template.yaml")["Resources"]
    inputs = [
        resource["Properties"]["Target"]["Input"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Scheduler::Schedule"
        and resource["Properties"]["Target"]["Arn"] == {"Fn::GetAtt": ["SyncQueue", "Arn"]}
    ]
    # Then there is at least the nightly reconciliation, and every body is a sync message
    assert inputs
    assert FullSyncMessage() in [parse_sync_message(body) for body in inputs]
