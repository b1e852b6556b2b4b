"""Webhook ingest: 202 only once the hint is queued; 401/400 for what can never succeed; 503 otherwise."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from connectors.bamboohr.webhooks import sign
from functions.webhook_ingest import handler
from infra.secrets import put_webhook_private_key
from tests.handler_support import aws, lambda_context, load_event, queued_bodies

__all__ = ["aws"]
KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def webhook_env(aws: dict[str, str]) -> Iterator[dict[str, str]]:
    put_webhook_private_key(aws["WEBHOOK_SECRET_ARN"], KEY)
    handler.dependencies.override(None)
    yield aws
    handler.dependencies.override(None)


def delivery(body: dict[str, Any] | bytes, *, key: str = KEY) -> dict[str, Any]:
    event = load_event("aws/webhook_ingest_http_api.json")
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(time.time()))
    event["body"] = raw.decode()
    event["headers"]["x-bamboohr-timestamp"] = timestamp
    event["headers"]["x-bamboohr-signature"] = sign(key, raw, timestamp)
    return event


def created(employee_id: str = "412") -> dict[str, Any]:
    return {
        "type": "employee.created",
        "timestamp": "2026-11-27T09:00:00+00:00",
        "data": {"companyId": 1, "employeeId": employee_id},
    }


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler.lambda_handler(event, lambda_context("webhook"))
    return response


def test_a_signed_event_is_queued_as_a_hint_before_202(webhook_env: dict[str, str]) -> None:
    response = invoke(delivery(created()))
    assert response["statusCode"] == 202
    [body] = queued_bodies(webhook_env["SYNC_QUEUE_URL"])
    assert (body["kind"], body["employee_id"], body["action"]) == ("employee", "412", "created")


def test_a_repeated_delivery_is_acknowledged_but_queued_once(webhook_env: dict[str, str]) -> None:
    assert invoke(delivery(created()))["statusCode"] == 202
    assert (
        invoke(delivery(created()))["statusCode"] == 202
    )  # re-signed with a new timestamp, as BambooHR retries
    assert len(queued_bodies(webhook_env["SYNC_QUEUE_URL"])) == 1


def test_a_wrong_signature_is_401_and_queues_nothing(webhook_env: dict[str, str]) -> None:
    response = invoke(delivery(created(), key="not-the-key"))
    assert response["statusCode"] == 401
    assert queued_bodies(webhook_env["SYNC_QUEUE_URL"]) == []


def test_a_missing_signature_is_401(webhook_env: dict[str, str]) -> None:
    event = delivery(created())
    del event["headers"]["x-bamboohr-signature"]
    assert invoke(event)["statusCode"] == 401


def test_a_signed_but_malformed_body_is_400_naming_the_field(webhook_env: dict[str, str]) -> None:
    response = invoke(delivery({"type": "employee.created", "data": {"companyId": 1}}))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["field"] == "data.employeeId"
    assert queued_bodies(webhook_env["SYNC_QUEUE_URL"]) == []


def test_when_the_queue_is_down_the_answer_is_503_and_a_retry_later_is_queued(
    webhook_env: dict[str, str],
) -> None:
    # Given the sync queue cannot be reached
    sqs = boto3.client("sqs")
    sqs.delete_queue(QueueUrl=webhook_env["SYNC_QUEUE_URL"])
    # When BambooHR delivers, it is told to retry (5xx), not that the event was taken
    assert invoke(delivery(created()))["statusCode"] == 503
    # And when the queue is back, BambooHR's retry is queued (the failed attempt left no dedupe record)
    sqs.create_queue(QueueName="sync")
    assert invoke(delivery(created()))["statusCode"] == 202
    assert len(queued_bodies(webhook_env["SYNC_QUEUE_URL"])) == 1


def test_a_warm_function_picks_up_the_key_of_a_re_registered_webhook(
    webhook_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a warm function that has verified deliveries with the old key
    assert invoke(delivery(created("1")))["statusCode"] == 202
    # When the webhook is registered again (new key) and a minute has passed since the key was read
    put_webhook_private_key(webhook_env["WEBHOOK_SECRET_ARN"], "a-brand-new-key")
    monkeypatch.setattr("functions.webhook_ingest.verification.KEY_REFRESH_INTERVAL_SECONDS", 0.0)
    # Then a delivery signed with the new key is accepted, not rejected with a 401 BambooHR won't retry
    assert invoke(delivery(created("2"), key="a-brand-new-key"))["statusCode"] == 202
