"""Leavers: pairings end and reach the HRIS, drafts are withdrawn, a mentee left alone is rematched."""

from __future__ import annotations

from datetime import UTC, datetime

from mentorship.events import PairingEnded
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    RecordingEventPublisher,
)
from mentorship.lifecycle import LifecycleService
from mentorship.models import (
    CoachableSkill,
    Employee,
    EmploymentStatus,
    LearningWish,
    Pairing,
    PairingStatus,
    Program,
    ProgramKind,
)
from mentorship.runs import MatchingService

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PROGRAM = Program(program_id="skills", name="Skills", kind=ProgramKind.SKILLS, auto_approve=True)


def mentor(employee_id: str) -> Employee:
    return Employee(
        employee_id=employee_id,
        level=4,
        mentor_opt_in=True,
        mentor_capacity=1,
        coach_skills=(CoachableSkill(name="SQL", proficiency=4),),
    )


MENTEE = Employee(
    employee_id="30", level=2, mentee_opt_in=True, learn_skills=(LearningWish(name="SQL", priority=5),)
)
OTHER_MENTEE = Employee(
    employee_id="31", level=2, mentee_opt_in=True, learn_skills=(LearningWish(name="SQL", priority=1),)
)


def pairing(pairing_id: str, mentor_id: str, mentee_id: str, status: PairingStatus) -> Pairing:
    return Pairing(
        pairing_id=pairing_id,
        program_id="skills",
        run_id="r-0",
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        score=0.7,
        status=status,
    )


def setup(*existing: Pairing) -> tuple[LifecycleService, InMemoryPairingStore, RecordingEventPublisher]:
    # The leaver (10) is already closed in the directory, as the sync worker leaves them.
    people = [
        mentor("10").model_copy(update={"status": EmploymentStatus.INACTIVE}),
        mentor("11"),
        MENTEE,
        OTHER_MENTEE,
    ]
    directory = InMemoryEmployeeDirectory(people)
    pairings, publisher = InMemoryPairingStore(), RecordingEventPublisher()
    pairings.put_pairings(list(existing))
    matching = MatchingService(InMemoryProgramStore([PROGRAM]), directory, pairings, publisher)
    return LifecycleService(pairings, directory, publisher, matching), pairings, publisher


def test_a_mentor_who_leaves_ends_the_pairing_and_the_mentee_is_rematched_elsewhere() -> None:
    service, pairings, publisher = setup(pairing("p-1", "10", "30", PairingStatus.APPROVED))
    report = service.handle_leaver("10", now=NOW)
    ended = pairings.get_pairing("p-1")
    assert ended is not None
    assert (ended.status, ended.end_date, ended.end_reason) == (
        PairingStatus.ENDED,
        NOW.date(),
        "the mentor left the company",
    )
    assert [e.pairing_id for e in publisher.of_type(PairingEnded)] == ["p-1"]
    [run] = report.rematch_runs
    [new] = pairings.pairings_of_run(run.run_id)
    assert (new.mentor_id, new.mentee_id, new.status) == ("11", "30", PairingStatus.APPROVED)


def test_a_mentee_who_leaves_ends_the_pairing_without_a_rematch() -> None:
    service, _, _ = setup(pairing("p-1", "11", "10", PairingStatus.APPROVED))
    report = service.handle_leaver("10", now=NOW)
    assert report.ended == ["p-1"]
    assert report.rematch_runs == []


def test_a_leavers_drafts_are_withdrawn_and_other_pairings_are_untouched() -> None:
    service, pairings, _ = setup(
        pairing("p-1", "10", "30", PairingStatus.DRAFT), pairing("p-2", "11", "31", PairingStatus.APPROVED)
    )
    report = service.handle_leaver("10", now=NOW)
    assert report.withdrawn == ["p-1"]
    assert pairings.get_pairing("p-1").status is PairingStatus.REJECTED  # type: ignore[union-attr]
    assert pairings.get_pairing("p-2").status is PairingStatus.APPROVED  # type: ignore[union-attr]


def test_handling_the_same_leaver_twice_ends_nothing_more_and_rematches_once() -> None:
    service, pairings, publisher = setup(pairing("p-1", "10", "30", PairingStatus.APPROVED))
    service.handle_leaver("10", now=NOW)
    again = service.handle_leaver("10", now=NOW)
    assert (again.ended, again.rematch_runs) == ([], [])
    assert len(publisher.of_type(PairingEnded)) == 1
    assert len([p for p in pairings.pairings_for_program("skills") if p.mentee_id == "30"]) == 2
