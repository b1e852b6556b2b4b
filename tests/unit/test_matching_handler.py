"""The matching function on the bus's real event shapes: run requests, new hires, leavers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from functions.matching import handler
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    RecordingEventPublisher,
)
from mentorship.lifecycle import LifecycleService
from mentorship.models import (
    EmploymentStatus,
    MatchRun,
    MatchRunStatus,
    Pairing,
    PairingStatus,
    Program,
    ProgramKind,
)
from mentorship.runs import MatchingService
from sandbox.workforce import WorkforceSpec, generate_workforce
from tests.handler_support import lambda_context, load_event


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemoryPairingStore]:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    people = generate_workforce(WorkforceSpec(employees=200, seed=5))
    people = [  # the event fixtures name employees 412 (a new hire) and 118 (a leaver)
        *people,
        people[50].model_copy(
            update={"employee_id": "412", "hire_date": date(2026, 11, 27), "mentee_opt_in": True}
        ),
    ]
    people = [
        p.model_copy(update={"status": EmploymentStatus.INACTIVE}) if p.employee_id == "118" else p
        for p in people
    ]
    programs = InMemoryProgramStore(
        [
            Program(program_id="reverse-digital", name="Reverse", kind=ProgramKind.REVERSE),
            Program(program_id="skills", name="Skills", kind=ProgramKind.SKILLS, auto_enrol_new_hires=True),
        ]
    )
    directory, pairings, publisher = (
        InMemoryEmployeeDirectory(people),
        InMemoryPairingStore(),
        RecordingEventPublisher(),
    )
    matching = MatchingService(programs, directory, pairings, publisher)
    handler.services.override(
        handler.Services(matching, LifecycleService(pairings, directory, publisher, matching))
    )
    yield pairings
    handler.services.override(None)


def test_a_match_run_request_executes_that_run(stores: InMemoryPairingStore) -> None:
    event = load_event("aws/matching_eventbridge_match_run_requested.json")
    stores.put_run(
        MatchRun(run_id=event["detail"]["run_id"], program_id="reverse-digital", started_at=datetime.now(UTC))
    )
    assert handler.lambda_handler(event, lambda_context("matching")) == {"runs": [event["detail"]["run_id"]]}
    assert stores.get_run(event["detail"]["run_id"]).status is MatchRunStatus.COMPLETED  # type: ignore[union-attr]


def test_a_hire_is_matched_in_every_auto_enrolling_programme(stores: InMemoryPairingStore) -> None:
    result = handler.lambda_handler(
        load_event("aws/matching_eventbridge_employee_hired.json"), lambda_context()
    )
    assert result == {"runs": ["hire-skills-412"]}
    assert {p.mentee_id for p in stores.pairings_of_run("hire-skills-412")} <= {"412"}


def test_a_leaver_ends_their_pairings(stores: InMemoryPairingStore) -> None:
    stores.put_pairings(
        [
            Pairing(
                pairing_id="p-1",
                program_id="skills",
                run_id="r",
                mentor_id="150",
                mentee_id="118",
                score=0.5,
                status=PairingStatus.APPROVED,
            )
        ]
    )
    handler.lambda_handler(load_event("aws/matching_eventbridge_employee_left.json"), lambda_context())
    assert stores.get_pairing("p-1").status is PairingStatus.ENDED  # type: ignore[union-attr]
