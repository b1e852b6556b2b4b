"""Contract: every request the connector sends and every response it reads, for every operation the
product uses, is validated against BambooHR's published OpenAPI description."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from mentorship.models import PairingStatus
from sandbox.bamboohr import contract
from tests.integration import test_bamboohr_connector_support as support
from tests.integration.test_bamboohr_connector_support import WORKFORCE, Harness, assignment, by_id, pairing

pytestmark = pytest.mark.integration
harness = support.harness

# Every BambooHR operation the connector and the CLI call (operationIds from the spec).
OPERATIONS_USED = {
    "list-fields",
    "list-tabular-fields",
    "list-list-fields",
    "request-custom-report",
    "get-data-from-dataset-v2",
    "get-employee-table-data",
    "get-changed-employee-ids",
    "get-changed-employee-table-data",
    "get-employee",
    "create-table-row-v1-1",
    "update-table-row-v1-1",
    "list-goals",
    "create-goal",
    "list-training-types",
    "create-training-type",
    "list-employee-trainings",
    "create-employee-training-record",
    "list-monitor-fields",
    "list-webhooks",
    "create-webhook",
    "delete-webhook",
}


class ContractRecorder:
    """httpx event hooks that validate each exchange and remember which operations were seen."""

    def __init__(self) -> None:
        self.operations: set[str] = set()
        self.exchanges = 0
        self._validating = contract.httpx_event_hooks()

    def hooks(self) -> dict[str, list[Any]]:
        def on_request(request: httpx.Request) -> None:
            self.operations.add(contract.operation(request.method, request.url.path)[1]["operationId"])
            for hook in self._validating["request"]:
                hook(request)

        def on_response(response: httpx.Response) -> None:
            self.exchanges += 1
            for hook in self._validating["response"]:
                hook(response)

        return {"request": [on_request], "response": [on_response]}


def test_every_operation_the_connector_uses_conforms_to_the_openapi_description(harness: Harness) -> None:
    recorder = ContractRecorder()
    connector = harness.make(hooks=recorder.hooks(), with_ledger=False)
    api = connector.api
    # Reads: mapping check, full sync, incremental sync, one employee (found and gone), goals
    api.meta_lists()
    list(connector.read_all())
    watermark = harness.sandbox.clock.now()
    harness.sandbox.clock.advance(timedelta(minutes=1))
    harness.account.update("140", department="Legal")
    connector.read_changes(watermark)
    connector.read_employee("140")
    assert connector.read_employee("987654") is None
    connector.read_goals("101")
    datasets = harness.make(hooks=recorder.hooks(), employee_source="datasets")
    assert [e.employee_id for e in datasets.read_changes(watermark).employees] == ["140"]
    # Writes: a pairing (rows + goal), its end (row updates), training assigned then completed
    approved = pairing()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    connector.write_pairing(approved, mentor, mentee)
    connector.write_pairing(approved.model_copy(update={"status": PairingStatus.ENDED}), mentor, mentee)
    item = assignment(approved)
    connector.write_training(item, approved)
    connector.write_training(item.model_copy(update={"completed_on": date(2026, 12, 10)}), approved)
    # Webhook management, as the CLI drives it
    api.monitor_fields()
    api.list_webhooks()
    created = api.create_webhook(
        {
            "name": "contract",
            "url": "https://hooks.example.com/bamboohr",
            "format": "json",
            "events": ["employee.created", "employee.updated", "employee.deleted"],
            "monitorFields": ["department"],
        }
    )
    api.delete_webhook(str(created["id"]))
    # Then every operation was exercised, and every exchange validated (the hooks raise otherwise)
    assert recorder.operations >= OPERATIONS_USED, sorted(OPERATIONS_USED - recorder.operations)
    assert recorder.exchanges == connector.requests_sent + datasets.requests_sent


def test_the_validator_catches_a_request_the_spec_does_not_allow() -> None:
    # Guard against a vacuous contract check: a malformed custom report must be refused
    with pytest.raises(contract.ContractViolation):
        contract.validate_request(
            "POST",
            "http://127.0.0.1/api/v1/reports/custom?format=bogus",
            {"Authorization": "Basic eDp4", "Content-Type": "application/json"},
            b'{"fields": ["firstName"]}',
        )
