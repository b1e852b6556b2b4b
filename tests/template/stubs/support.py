"""Shared helpers for the local stack's own integration tests (stub template, observed events)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sandbox.local_stack import LocalStack

REPO_ROOT = Path(__file__).resolve().parents[3]
STUB_TEMPLATE = REPO_ROOT / "tests" / "template" / "stubs" / "stub_template.yaml"


def stub_stack(**parameters: str) -> LocalStack:
    """The stub template, with handlers imported from the repository root."""
    return LocalStack(STUB_TEMPLATE, parameters=parameters, stack_name="stub", code_root=REPO_ROOT)


def observed(stack: LocalStack) -> list[dict[str, Any]]:
    """Everything the stub handlers reported, in arrival order, consumed from ObservedQueue."""
    sqs, url = stack.client("sqs"), stack.physical_id("ObservedQueue")
    seen: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return seen
        for message in messages:
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
