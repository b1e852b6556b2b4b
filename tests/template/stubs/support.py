"""Shared helpers for the local stack's own integration tests (stub template, observed events)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.local_stack import LocalStack
from tests.handler_support import queued_bodies

REPO_ROOT = Path(__file__).resolve().parents[3]
STUB_TEMPLATE = REPO_ROOT / "tests" / "template" / "stubs" / "stub_template.yaml"


def stub_stack(**parameters: str) -> LocalStack:
    """The stub template, with handlers imported from the repository root."""
    return LocalStack(STUB_TEMPLATE, parameters=parameters, stack_name="stub", code_root=REPO_ROOT)


def observed(stack: LocalStack) -> list[dict[str, Any]]:
    """Everything the stub handlers reported, in arrival order, consumed from ObservedQueue."""
    return queued_bodies(stack.physical_id("ObservedQueue"), sqs=stack.client("sqs"))
