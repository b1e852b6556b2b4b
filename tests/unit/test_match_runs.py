"""Match runs with the real engine: drafts or auto-approved pairings, idempotent runs, new hires fitted in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mentorship.errors import NotFound
from mentorship.events import MatchRunCompleted, MatchRunRequested, PairingApproved
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    RecordingEventPublisher,
)
from mentorship.models import (
    CoachableSkill,
    Employee,
    LearningWish,
    MatchRunStatus,
    PairingStatus,
    Program,
    ProgramKind,
)
from mentorship.runs import MatchingService
from sandbox.workforce import WorkforceSpec, generate_workforce

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SKILLS = Program(program_id="skills", name="Skills", kind=ProgramKind.SKILLS, auto_enrol_new_hires=True)


def build(
    programs: list[Program], employees: list[Employee]
) -> tuple[MatchingService, InMemoryPairingStore, RecordingEventPublisher]:
    pairings, publisher = InMemoryPairingStore(), RecordingEventPublisher()
    service = MatchingService(
        InMemoryProgramStore(programs), InMemoryEmployeeDirectory(employees), pairings, publisher
    )
    return service, pairings, publisher


@pytest.fixture(scope="module")
def company() -> list[Employee]:
    return generate_workforce(WorkforceSpec(employees=150, seed=3))


def test_requesting_a_run_for_an_unknown_programme_changes_nothing() -> None:
    service, _pairings, publisher = build([], [])
    with pytest.raises(NotFound):
        service.request_run("nope", now=NOW)
    assert publisher.events == []


def test_a_requested_run_is_recorded_as_running_and_handed_to_the_bus(company: list[Employee]) -> None:
    service, pairings, publisher = build([SKILLS], company)
    run = service.request_run("skills", now=NOW)
    assert pairings.get_run(run.run_id).status is MatchRunStatus.RUNNING  # type: ignore[union-attr]
    assert publisher.of_type(MatchRunRequested)[0].run_id == run.run_id


def test_executing_a_run_stores_explained_drafts_and_repeating_it_changes_nothing(
    company: list[Employee],
) -> None:
    service, pairings, publisher = build([SKILLS], company)
    run = service.execute_run("r-1", "skills", now=NOW)
    drafts = pairings.pairings_of_run("r-1")
    assert run.status is MatchRunStatus.COMPLETED
    assert len(drafts) == len(run.pairing_ids) > 0
    assert all(p.status is PairingStatus.DRAFT and p.explanation for p in drafts)
    assert run.dual_bound == pytest.approx(run.objective)
    again = service.execute_run("r-1", "skills", now=NOW + timedelta(minutes=5))
    assert again == run
    assert len(publisher.of_type(MatchRunCompleted)) == 1


def test_an_auto_approving_programme_approves_and_announces_every_pairing(company: list[Employee]) -> None:
    program = SKILLS.model_copy(update={"auto_approve": True})
    service, pairings, publisher = build([program], company)
    run = service.execute_run("r-1", "skills", now=NOW)
    approved = pairings.pairings_of_run("r-1")
    assert {p.status for p in approved} == {PairingStatus.APPROVED}
    assert all(p.start_date == NOW.date() for p in approved)
    assert sorted(e.pairing_id for e in publisher.of_type(PairingApproved)) == sorted(run.pairing_ids)


def test_a_new_hire_fills_spare_capacity_and_approved_pairings_never_move() -> None:
    # Given two mentors who coach what the newcomer wants, one already full with an approved mentee
    busy = Employee(
        employee_id="1",
        level=5,
        mentor_opt_in=True,
        mentor_capacity=1,
        coach_skills=(CoachableSkill(name="SQL", proficiency=5),),
    )
    free = Employee(
        employee_id="2",
        level=5,
        mentor_opt_in=True,
        mentor_capacity=1,
        coach_skills=(CoachableSkill(name="SQL", proficiency=3),),
    )
    existing = Employee(
        employee_id="3", level=2, mentee_opt_in=True, learn_skills=(LearningWish(name="SQL", priority=5),)
    )
    hire = Employee(employee_id="4", level=1, mentee_opt_in=True, hire_date=date(2026, 11, 27),
                    learn_skills=(LearningWish(name="sql", priority=5),))  # fmt: skip
    program = SKILLS.model_copy(update={"auto_approve": True})
    service, pairings, _ = build([program], [busy, free, existing, hire])
    service.execute_run("r-1", "skills", now=NOW - timedelta(days=30))
    before = {(p.mentor_id, p.mentee_id) for p in pairings.pairings_for_program("skills")}
    # When the new hire is matched
    [run] = service.match_new_hire("4", now=NOW)
    # Then the approved pairings are untouched and the hire takes the free mentor
    assert {("1", "3")} <= before or {("2", "3")} <= before
    [new] = pairings.pairings_of_run(run.run_id)
    assert new.mentee_id == "4"
    assert (new.mentor_id, "3") not in before
    assert {(p.mentor_id, p.mentee_id) for p in pairings.pairings_for_program("skills")} == before | {
        (new.mentor_id, "4")
    }


def test_new_hires_are_only_enrolled_in_programmes_that_auto_enrol(company: list[Employee]) -> None:
    manual = SKILLS.model_copy(update={"program_id": "manual", "auto_enrol_new_hires": False})
    service, _, _ = build([manual], company)
    newcomer = next(e for e in company if e.is_active)
    assert service.match_new_hire(newcomer.employee_id, now=NOW) == []
