"""Admin API routes: validation names the field, unknown things are 404, long work is handed off (202)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from functions.admin_api import handler
from mentorship.approval import ApprovalService
from mentorship.events import MatchRunRequested
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    RecordingEventPublisher,
)
from mentorship.runs import MatchingService
from tests.handler_support import lambda_context, load_event


class RecordingSyncTrigger:
    def __init__(self) -> None:
        self.requested: list[str] = []

    def request(self, mode: str) -> None:
        self.requested.append(mode)


@dataclass
class Admin:
    services: handler.Services
    publisher: RecordingEventPublisher
    sync: RecordingSyncTrigger


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Admin]:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    programs, pairings, publisher = InMemoryProgramStore(), InMemoryPairingStore(), RecordingEventPublisher()
    trigger = RecordingSyncTrigger()
    fakes = handler.Services(
        programs=programs,
        pairings=pairings,
        matching=MatchingService(programs, InMemoryEmployeeDirectory(), pairings, publisher),
        approval=ApprovalService(pairings, publisher),
        sync=trigger,  # type: ignore[arg-type]
    )
    handler.services.override(fakes)
    yield Admin(fakes, publisher, trigger)
    handler.services.override(None)


def call(method: str, path: str, body: Any = None, route: str | None = None) -> tuple[int, Any]:
    event = load_event("aws/admin_api_put_program.json")
    event["routeKey"] = f"{method} {route or path}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["body"] = json.dumps(body) if body is not None else None
    response = handler.lambda_handler(event, lambda_context("admin"))
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def test_the_recorded_put_program_event_defines_the_programme(admin: Admin) -> None:
    response = handler.lambda_handler(load_event("aws/admin_api_put_program.json"), lambda_context("admin"))
    assert response["statusCode"] == 200
    stored = admin.services.programs.get("reverse-digital")
    assert stored is not None
    assert (stored.kind.value, stored.min_level_gap) == ("reverse", 2)


def test_an_invalid_programme_is_422_naming_the_field_and_nothing_is_stored(
    admin: Admin,
) -> None:
    status, body = call("PUT", "/admin/programs/p1", {"name": "X", "kind": "sideways"})
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["kind"]
    assert admin.services.programs.get("p1") is None


def test_a_body_that_is_not_json_is_422(admin: Admin) -> None:
    event = load_event("aws/admin_api_put_program.json")
    event["body"] = "{not json"
    assert handler.lambda_handler(event, lambda_context("admin"))["statusCode"] == 422


def test_starting_a_run_answers_202_and_hands_it_to_the_bus(admin: Admin) -> None:
    call("PUT", "/admin/programs/p1", {"name": "Skills", "kind": "skills"})
    status, run = call("POST", "/admin/programs/p1/runs")
    assert status == 202
    assert run["status"] == "running"
    published = admin.publisher.of_type(MatchRunRequested)
    assert [e.run_id for e in published] == [run["run_id"]]
    status, fetched = call("GET", f"/admin/runs/{run['run_id']}")
    assert (status, fetched["pairings"]) == (200, [])


def test_a_run_for_an_unknown_programme_or_an_unknown_run_is_404(admin: Admin) -> None:
    assert call("POST", "/admin/programs/nope/runs")[0] == 404
    assert call("GET", "/admin/runs/r-nope")[0] == 404
    assert call("GET", "/admin/nowhere")[0] == 404


def test_sync_requests_are_queued_and_an_unknown_mode_is_refused(admin: Admin) -> None:
    assert call("POST", "/admin/sync", {"mode": "incremental"}) == (
        202,
        {"sync": "incremental", "status": "queued"},
    )
    assert call("POST", "/admin/sync", {"mode": "sometimes"})[0] == 422
    assert admin.sync.requested == ["incremental"]
