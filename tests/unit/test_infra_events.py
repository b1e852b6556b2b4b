"""The EventBridge publisher: events reach the bus (seen through a rule → SQS target) and parse back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.events import EVENT_SOURCE, EventBridgePublisher, parse_domain_event
from mentorship.errors import MalformedPayload
from mentorship.events import (
    EVENT_TYPES,
    DomainEvent,
    EmployeeHired,
    EmployeeLeft,
    MatchRunCompleted,
    MatchRunRequested,
    PairingApproved,
)
from sandbox.local_stack.template import load_template_document


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A bus whose every mentorbridge event is copied to an SQS queue we can read."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        events = boto3.client("events", region_name="eu-west-1")
        sqs = boto3.client("sqs", region_name="eu-west-1")
        events.create_event_bus(Name="mentorbridge-bus")
        queue_url = sqs.create_queue(QueueName="tap")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(
            Name="everything",
            EventBusName="mentorbridge-bus",
            EventPattern=json.dumps({"source": [EVENT_SOURCE]}),
        )
        events.put_targets(
            Rule="everything", EventBusName="mentorbridge-bus", Targets=[{"Id": "tap", "Arn": queue_arn}]
        )
        yield {"events": events, "sqs": sqs, "queue_url": queue_url}


def drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return received
        received.extend(json.loads(message["Body"]) for message in batch)
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )


def test_published_events_land_on_the_bus_and_parse_back_to_the_same_events(aws: dict[str, Any]) -> None:
    # Given 23 domain events of several kinds (three PutEvents calls of at most 10)
    published: list[DomainEvent] = [
        EmployeeHired(employee_id=f"e{n}", hire_date=date(2026, 12, 1)) for n in range(20)
    ]
    published += [
        EmployeeLeft(employee_id="e99"),
        PairingApproved(pairing_id="p-1", program_id="reverse-2026"),
        MatchRunCompleted(program_id="reverse-2026", run_id="r1", pairings=12, unmatched=3),
    ]
    # When they are published
    EventBridgePublisher("mentorbridge-bus", aws["events"]).publish(published)
    # Then a rule target receives each one, with our source and detail-type, and it parses back
    received = drain(aws["sqs"], aws["queue_url"])
    assert {event["source"] for event in received} == {EVENT_SOURCE}
    parsed = [parse_domain_event(event) for event in received]
    assert sorted(parsed, key=repr) == sorted(published, key=repr)


def test_publishing_nothing_makes_no_call(aws: dict[str, Any]) -> None:
    EventBridgePublisher("mentorbridge-bus", aws["events"]).publish([])
    assert drain(aws["sqs"], aws["queue_url"]) == []


def test_parse_domain_event_reads_the_shape_a_rule_target_receives() -> None:
    requested_at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    event = {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "MatchRunRequested",
        "source": "mentorbridge",
        "account": "123456789012",
        "time": "2026-11-27T12:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": {"program_id": "reverse-2026", "run_id": "r1", "requested_at": "2026-11-27T12:00:00Z"},
    }
    assert parse_domain_event(event) == MatchRunRequested(
        program_id="reverse-2026", run_id="r1", requested_at=requested_at
    )


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"detail-type": "SomethingElse", "detail": {}}, "detail-type"),
        ({"detail": {"employee_id": "e1"}}, "detail-type"),
        ({"detail-type": "EmployeeLeft", "detail": "e1"}, "detail"),
        ({"detail-type": "EmployeeLeft", "detail": {}}, "detail"),
        ({"detail-type": "EmployeeLeft", "detail": {"employee_id": "e1", "name": "Ada"}}, "detail"),
    ],
)
def test_an_event_that_is_not_ours_is_malformed_and_names_the_field(
    event: dict[str, Any], field: str
) -> None:
    with pytest.raises(MalformedPayload) as refused:
        parse_domain_event(event)
    assert refused.value.field == field


def _event_patterns(node: Any) -> Iterator[dict[str, Any]]:
    """Every EventBridge pattern in the template: rule `EventPattern`s and function `Pattern`s."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("EventPattern", "Pattern") and isinstance(value, dict):
                yield value
            else:
                yield from _event_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _event_patterns(value)


def test_every_rule_in_the_template_matches_events_this_publisher_sends() -> None:
    # Given the event patterns template.yaml routes on
    template = load_template_document(Path(__file__).resolve().parents[2] / "template.yaml")
    patterns = list(_event_patterns(template["Resources"]))
    # Then each one selects our source and only detail-types the domain defines
    assert patterns
    for pattern in patterns:
        assert pattern["source"] == [EVENT_SOURCE]
        assert set(pattern["detail-type"]) <= set(EVENT_TYPES)
