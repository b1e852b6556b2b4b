"""The local stack's event sources behave like Lambda's: SQS batches with partial failures and
redrive to the DLQ, EventBridge rules invoking functions (with async retries and a DLQ), rules with
SQS targets, schedules, and a drain that reports every failure."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.local_stack import DrainTimeout, LocalStack
from tests.template.stubs.support import observed, stub_stack

pytestmark = pytest.mark.integration


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with stub_stack() as running:
        yield running


def _send(stack: LocalStack, queue: str, *bodies: dict[str, Any], **extra: Any) -> None:
    for body in bodies:
        stack.client("sqs").send_message(
            QueueUrl=stack.physical_id(queue), MessageBody=json.dumps(body), **extra
        )


def _put_event(stack: LocalStack, detail_type: str, detail: dict[str, Any]) -> None:
    response = stack.client("events").put_events(
        Entries=[
            {
                "Source": "stub",
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": stack.physical_id("Bus"),
            }
        ]
    )
    assert response["FailedEntryCount"] == 0


def _bodies(stack: LocalStack, queue: str) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in stack.queue_messages(queue)]


def _record_ids(seen: list[dict[str, Any]], function: str) -> Counter[str]:
    return Counter(
        json.loads(s["record"]["body"])["id"] for s in seen if s["function"] == function and "record" in s
    )


def test_partial_batch_failure_retries_only_the_failed_record_until_it_reaches_the_dlq(
    stack: LocalStack,
) -> None:
    # Given three messages, one of which the handler reports as failed every time
    _send(
        stack, "WorkQueue", {"id": "ok-1", "outcome": "ok"}, {"id": "bad", "outcome": "fail"}, {"id": "ok-2"}
    )
    # When the event sources are drained
    report = stack.drain(timeout=30)
    # Then the good records ran once, the bad one maxReceiveCount (3) times, and it sits in the DLQ
    assert _record_ids(observed(stack), stack.physical_id("BatchFunction")) == {
        "ok-1": 1,
        "ok-2": 1,
        "bad": 3,
    }
    assert report.failed_records["BatchFunction"] == 3
    assert report.failures == []
    assert [body["id"] for body in _bodies(stack, "WorkDeadLetterQueue")] == ["bad"]
    assert report.dead_letters["WorkDeadLetterQueue"] == 1
    assert (
        stack.client("sqs").receive_message(QueueUrl=stack.physical_id("WorkQueue")).get("Messages") is None
    )


def test_records_have_the_lambda_sqs_event_shape(stack: LocalStack) -> None:
    _send(
        stack,
        "WorkQueue",
        {"id": "shaped"},
        MessageAttributes={"trace": {"DataType": "String", "StringValue": "abc"}},
    )
    stack.drain(timeout=30)
    (seen,) = observed(stack)
    record = seen["record"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == stack.attribute("WorkQueue", "Arn")
    assert record["awsRegion"] == stack.region
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()  # noqa: S324
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert "SentTimestamp" in record["attributes"]
    assert record["messageAttributes"]["trace"] == {
        "stringValue": "abc",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageId"]
    assert record["receiptHandle"]


def test_batches_respect_the_templates_batch_size(stack: LocalStack) -> None:
    _send(stack, "WorkQueue", *({"id": f"m{i}"} for i in range(12)))
    report = stack.drain(timeout=30)
    assert report.invocations["BatchFunction"] == 3  # 5 + 5 + 2
    assert sum(_record_ids(observed(stack), stack.physical_id("BatchFunction")).values()) == 12


def test_a_handler_that_raises_fails_the_whole_batch_and_is_reported(stack: LocalStack) -> None:
    # Given one batch holding a record that makes the handler raise, and an innocent record
    _send(stack, "StrictQueue", {"id": "boom", "outcome": "raise"}, {"id": "innocent"})
    # When drained
    report = stack.drain(timeout=30)
    # Then both records were retried with the batch and both ended in the DLQ after 2 receives
    assert sorted(body["id"] for body in _bodies(stack, "StrictDeadLetterQueue")) == ["boom", "innocent"]
    assert report.invocations["WholeBatchFunction"] == 2
    assert [f.error_type for f in report.failures] == ["RuntimeError", "RuntimeError"]
    assert "asked to fail the whole batch" in report.failures[0].traceback
    assert not report.ok


def test_without_report_batch_item_failures_a_returned_failure_list_is_ignored(stack: LocalStack) -> None:
    _send(stack, "StrictQueue", {"id": "looks-failed", "outcome": "fail"})
    report = stack.drain(timeout=30)
    assert report.ok
    assert _bodies(stack, "StrictDeadLetterQueue") == []


def test_eventbridge_rule_invokes_the_function_with_the_eventbridge_event(stack: LocalStack) -> None:
    # Given a matching and a non-matching event on the bus
    _put_event(stack, "Ping", {"n": 1})
    _put_event(stack, "Pong", {"n": 2})
    # When drained
    report = stack.drain(timeout=30)
    # Then the function ran once, with the event as EventBridge delivers it
    assert report.invocations["EventFunction"] == 1
    (seen,) = [s for s in observed(stack) if "event" in s]
    event = seen["event"]
    assert (event["source"], event["detail-type"], event["detail"]) == ("stub", "Ping", {"n": 1})
    assert {"version", "id", "account", "time", "region", "resources"} <= set(event)


def test_failing_eventbridge_invocation_is_retried_then_sent_to_the_functions_dlq(stack: LocalStack) -> None:
    _put_event(stack, "Ping", {"fail": True})
    report = stack.drain(timeout=30)
    # MaximumRetryAttempts: 1 in the stub template → two attempts in all
    assert report.invocations["EventFunction"] == 2
    assert report.failed_records["EventFunction"] == 2
    assert report.dead_letters["EventDeadLetterQueue"] == 1
    assert [f.error_type for f in report.failures] == ["ValueError", "ValueError"]
    (message,) = stack.client("sqs").receive_message(
        QueueUrl=stack.physical_id("EventDeadLetterQueue"), MessageAttributeNames=["All"]
    )["Messages"]
    assert json.loads(message["Body"])["detail"] == {"fail": True}
    assert "asked to fail" in message["MessageAttributes"]["ErrorMessage"]["StringValue"]


def test_rule_with_an_sqs_target_feeds_the_queues_consumer(stack: LocalStack) -> None:
    _put_event(stack, "Work", {"outcome": "ok", "id": "via-rule"})
    report = stack.drain(timeout=30)
    assert report.ok
    (seen,) = observed(stack)
    envelope = json.loads(seen["record"]["body"])
    assert (envelope["detail-type"], envelope["detail"]["id"]) == ("Work", "via-rule")


def test_firing_a_schedule_delivers_its_input_to_its_target(stack: LocalStack) -> None:
    stack.fire_schedule("Tick")
    report = stack.drain(timeout=30)
    assert report.invocations["BatchFunction"] == 1
    assert _record_ids(observed(stack), stack.physical_id("BatchFunction")) == {"tick": 1}


def test_drain_raises_with_its_report_when_queues_do_not_empty_in_time(stack: LocalStack) -> None:
    _send(stack, "WorkQueue", {"id": "later"}, DelaySeconds=30)
    with pytest.raises(DrainTimeout) as raised:
        stack.drain(timeout=0.3)
    assert raised.value.pending == {stack.physical_id("WorkQueue"): 1}


def test_events_delivered_to_an_sqs_target_carry_the_full_eventbridge_envelope(stack: LocalStack) -> None:
    _put_event(stack, "Work", {"id": "enveloped"})
    stack.drain(timeout=30)
    (seen,) = observed(stack)
    envelope = json.loads(seen["record"]["body"])
    assert envelope["account"] == stack.account_id
    assert {"version", "id", "detail-type", "source", "time", "region", "resources", "detail"} <= set(
        envelope
    )


def test_function_schedule_events_fire_with_their_input_or_the_scheduled_event(stack: LocalStack) -> None:
    # Given a ScheduleV2 event with an Input and a Schedule event without one
    # When both are fired, by the names SAM gives the resources it generates
    stack.fire_schedule("EventFunctionDaily")
    stack.fire_schedule("EventFunctionHourly")
    # Then the function got the Input, then EventBridge's "Scheduled Event" envelope
    daily, hourly = (s["event"] for s in observed(stack))
    assert daily == {"id": "daily", "detail": {"kind": "daily-nudges"}}
    assert (hourly["source"], hourly["detail-type"], hourly["detail"]) == (
        "aws.events",
        "Scheduled Event",
        {},
    )
    assert hourly["account"] == stack.account_id
