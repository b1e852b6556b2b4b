"""Shared pieces for handler tests: real-shaped events from events/, a Lambda context, AWS on moto."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.dynamodb.schema import create_table
from sandbox.local_stack import LocalLambdaContext

EVENTS = Path(__file__).resolve().parent.parent / "events"


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return copy.deepcopy(event)


def lambda_context(name: str = "test-function") -> LocalLambdaContext:
    return LocalLambdaContext(
        function_name=name,
        memory_limit_in_mb=256,
        invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        timeout_seconds=30,
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto in-process with the resources a function needs, named as the template names them."""
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_SERVICE_NAME": "mentorbridge",
        "POWERTOOLS_METRICS_NAMESPACE": "Mentorbridge",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        create_table(boto3.client("dynamodb"), "mentorbridge-table")
        sqs = boto3.client("sqs")
        events = boto3.client("events")
        secrets = boto3.client("secretsmanager")
        resources = {
            "TABLE_NAME": "mentorbridge-table",
            "SYNC_QUEUE_URL": sqs.create_queue(QueueName="sync")["QueueUrl"],
            "EVENT_BUS_NAME": events.create_event_bus(Name="mentorbridge-bus")["EventBusArn"].split("/")[-1],
            "WEBHOOK_SECRET_ARN": secrets.create_secret(Name="webhook", SecretString="{}")["ARN"],
            "HRIS_SECRET_ARN": secrets.create_secret(Name="hris", SecretString="{}")["ARN"],
            "HRIS_PROVIDER": "bamboohr",
        }
        for name, value in resources.items():
            monkeypatch.setenv(name, value)
        yield resources


def queued_bodies(queue_url: str, sqs: Any = None) -> list[dict[str, Any]]:
    """Every message body on the queue, parsed, consuming them."""
    sqs = sqs or boto3.client("sqs")
    bodies: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
