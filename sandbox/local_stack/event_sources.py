"""Pumps SQS event sources and EventBridge→Lambda rules into in-process functions, like Lambda's pollers.

SQS: batches of up to BatchSize with the real record shape; successes deleted, failures made visible
again at once (so a drain does not wait out the visibility timeout) and moved to the DLQ by moto's
redrive after maxReceiveCount. EventBridge rules targeting a function deliver through a local shadow
queue (moto does the pattern matching); a failing event is retried like an asynchronous invocation
and then sent to the function's DeadLetterQueue.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.local_stack.invoker import InvocationFailure, failure_from_exception

Invoke = Callable[[str, Any], Any]


@dataclass(frozen=True)
class SqsSubscription:
    """An SQS event source mapping from the template."""

    function: str
    event_id: str
    queue_url: str
    queue_arn: str
    batch_size: int
    report_batch_item_failures: bool
    visibility_timeout: int


@dataclass(frozen=True)
class RuleSubscription:
    """An EventBridgeRule event of a function, delivered through a shadow queue."""

    function: str
    event_id: str
    rule_name: str
    shadow_queue_url: str
    max_attempts: int
    dead_letter_queue_url: str | None
    input: str | None = None
    input_path: str | None = None


@dataclass
class DrainReport:
    """What a drain did, per function: invocations and failed records (each failed attempt of a
    record counts once), every exception with its traceback, and the depth of every DLQ at the end."""

    invocations: Counter[str] = field(default_factory=Counter)
    failed_records: Counter[str] = field(default_factory=Counter)
    failures: list[InvocationFailure] = field(default_factory=list)
    dead_letters: dict[str, int] = field(default_factory=dict)
    rounds: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures and not any(self.failed_records.values())

    def summary(self) -> str:
        lines = [f"invocations: {dict(self.invocations)}", f"failed records: {dict(self.failed_records)}"]
        lines += [f"dead letters: {self.dead_letters}"]
        lines += [f"{f.function}/{f.source}: {f.error_type}: {f.message}" for f in self.failures]
        return "\n".join(lines)


class DrainTimeout(TimeoutError):
    """The queues did not empty in time; carries the report of what happened so far."""

    def __init__(self, report: DrainReport, pending: Mapping[str, int]) -> None:
        super().__init__(f"queues still busy after the drain timeout: {dict(pending)}\n{report.summary()}")
        self.report = report
        self.pending = dict(pending)


def lambda_message_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """SQS API message attributes → the camelCase shape Lambda puts in an SQS record."""
    converted: dict[str, Any] = {}
    for name, value in attributes.items():
        record: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value["DataType"],
        }
        if "StringValue" in value:
            record["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            record["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
        converted[name] = record
    return converted


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of the Lambda SQS event, built from a ReceiveMessage result."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": lambda_message_attributes(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def failed_item_ids(response: Any, batch_ids: list[str]) -> list[str]:
    """Apply Lambda's ReportBatchItemFailures rules: an unknown or empty id fails the whole batch."""
    if response is None:
        return []
    if not isinstance(response, dict) or "batchItemFailures" not in response:
        return []
    failures = response.get("batchItemFailures") or []
    ids = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in batch_ids:
            return list(batch_ids)
        ids.append(identifier)
    return ids


class EventSourcePump:
    """Moves messages from the stack's queues into its functions until nothing is left to do."""

    def __init__(self, *, sqs: Any, invoke: Invoke, region: str) -> None:
        self._sqs = sqs
        self._invoke = invoke
        self._region = region

    def pump_sqs(self, subscription: SqsSubscription, report: DrainReport) -> int:
        messages: list[dict[str, Any]] = []
        while len(messages) < subscription.batch_size:
            received = self._sqs.receive_message(
                QueueUrl=subscription.queue_url,
                MaxNumberOfMessages=min(10, subscription.batch_size - len(messages)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                VisibilityTimeout=subscription.visibility_timeout,
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not received:
                break
            messages.extend(received)
        if not messages:
            return 0
        records = [sqs_record(message, subscription.queue_arn, self._region) for message in messages]
        batch_ids = [record["messageId"] for record in records]
        report.invocations[subscription.function] += 1
        try:
            response = self._invoke(subscription.function, {"Records": records})
        except Exception as error:
            failed = list(batch_ids)
            report.failures.append(
                failure_from_exception(subscription.function, subscription.event_id, error, tuple(failed))
            )
        else:
            failed = failed_item_ids(response, batch_ids) if subscription.report_batch_item_failures else []
        report.failed_records[subscription.function] += len(failed)
        handles = {message["MessageId"]: message["ReceiptHandle"] for message in messages}
        succeeded = [message_id for message_id in batch_ids if message_id not in failed]
        self._delete(subscription.queue_url, [(m, handles[m]) for m in succeeded])
        self._release(subscription.queue_url, [(m, handles[m]) for m in failed])
        return len(messages)

    def pump_rule(self, subscription: RuleSubscription, report: DrainReport) -> int:
        messages = self._sqs.receive_message(
            QueueUrl=subscription.shadow_queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            VisibilityTimeout=60,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        for message in messages:
            event = _rule_input(json.loads(message["Body"]), subscription)
            report.invocations[subscription.function] += 1
            handle = [(message["MessageId"], message["ReceiptHandle"])]
            try:
                self._invoke(subscription.function, event)
            except Exception as error:
                report.failures.append(
                    failure_from_exception(
                        subscription.function, subscription.event_id, error, (message["MessageId"],)
                    )
                )
                report.failed_records[subscription.function] += 1
                attempts = int(message["Attributes"].get("ApproximateReceiveCount", "1"))
                if attempts < subscription.max_attempts:
                    self._release(subscription.shadow_queue_url, handle)
                    continue
                if subscription.dead_letter_queue_url:
                    self._dead_letter(subscription.dead_letter_queue_url, event, error)
            self._delete(subscription.shadow_queue_url, handle)
        return len(messages)

    def depth(self, queue_url: str) -> int:
        """Messages visible, in flight or delayed: zero means the queue is done."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def _delete(self, queue_url: str, handles: list[tuple[str, str]]) -> None:
        for start in range(0, len(handles), 10):
            chunk = handles[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": handle} for i, (_, handle) in enumerate(chunk)],
            )

    def _release(self, queue_url: str, handles: list[tuple[str, str]]) -> None:
        """Make failed messages visible again now: locally there is no reason to wait out the timeout."""
        for start in range(0, len(handles), 10):
            chunk = handles[start : start + 10]
            self._sqs.change_message_visibility_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                    for i, (_, handle) in enumerate(chunk)
                ],
            )

    def _dead_letter(self, queue_url: str, event: Any, error: BaseException) -> None:
        """What Lambda puts on an async function's DLQ: the event, with the error as attributes."""
        self._sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(event),
            MessageAttributes={
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {
                    "DataType": "String",
                    "StringValue": f"{type(error).__name__}: {error}"[:1000],
                },
            },
        )


def _rule_input(event: Any, subscription: RuleSubscription) -> Any:
    """Apply a rule target's Input (constant) or InputPath ($.a.b) to the matched event."""
    if subscription.input is not None:
        return json.loads(subscription.input)
    if subscription.input_path:
        value = event
        for part in subscription.input_path.removeprefix("$").strip(".").split("."):
            if part:
                value = value[part]
        return value
    return event
