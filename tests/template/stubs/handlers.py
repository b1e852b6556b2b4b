"""Tiny handlers for exercising the local stack itself (not the product): each reports what it got.

Handlers that consume events copy what they receive to the stub template's ObservedQueue, so tests
see the exact event shape the stack delivered, through moto like any other AWS call.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def _observe(payload: dict[str, Any]) -> None:
    boto3.client("sqs").send_message(
        QueueUrl=os.environ["OBSERVED_QUEUE_URL"], MessageBody=json.dumps(payload)
    )


def echo_http(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer with the payload 2.0 event, the context and the env the function saw."""
    body = {
        "event": event,
        "context": {
            "function_name": context.function_name,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "aws_request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
        "env": {
            key: os.environ.get(key) for key in ("GREETING", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ENDPOINT_URL")
        },
    }
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "x-stub": "echo"},
        "cookies": ["session=abc; HttpOnly"],
        "body": json.dumps(body),
    }


def broken_http(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("the stub handler broke on purpose")


def process_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Per record: outcome "ok" succeeds, "fail" is reported as a batch item failure, "raise" raises."""
    failures = []
    for record in event["Records"]:
        _observe({"function": context.function_name, "record": record})
        body = json.loads(record["body"])
        outcome = body.get("outcome") or body.get("detail", {}).get("outcome", "ok")
        if outcome == "raise":
            raise RuntimeError(f"record {body.get('id')} asked to fail the whole batch")
        if outcome == "fail":
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def on_event(event: dict[str, Any], context: Any) -> None:
    """An EventBridge target: raises when the event's detail asks for it."""
    _observe({"function": context.function_name, "event": event})
    if event["detail"].get("fail"):
        raise ValueError(f"event {event['id']} asked to fail")
