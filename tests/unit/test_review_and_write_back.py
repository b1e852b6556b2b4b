"""Review decisions release pairings; write-back records them and their training exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from mentorship.approval import ApprovalService, Decisions
from mentorship.errors import InvalidRequest, NotFound
from mentorship.events import PairingApproved
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    RecordingEventPublisher,
)
from mentorship.models import (
    Employee,
    MatchRun,
    MatchRunStatus,
    Pairing,
    PairingStatus,
    Program,
    ProgramKind,
    Role,
)
from mentorship.write_back import WriteBackService
from tests.fake_hris import InMemoryHris

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PROGRAM = Program(program_id="reverse-digital", name="Reverse", kind=ProgramKind.REVERSE)
MENTOR = Employee(employee_id="10", display_name="Sam Tan", level=2)
MENTEE = Employee(employee_id="20", display_name="Dana Rivera", level=8)


def draft(pairing_id: str, mentee_id: str = "20", status: PairingStatus = PairingStatus.DRAFT) -> Pairing:
    return Pairing(
        pairing_id=pairing_id,
        program_id=PROGRAM.program_id,
        run_id="r-1",
        mentor_id="10",
        mentee_id=mentee_id,
        score=0.8,
        status=status,
    )


@pytest.fixture
def store() -> InMemoryPairingStore:
    store = InMemoryPairingStore()
    store.put_pairings([draft("p-a"), draft("p-b", mentee_id="21"), draft("p-c", mentee_id="22")])
    store.put_run(
        MatchRun(
            run_id="r-1",
            program_id=PROGRAM.program_id,
            status=MatchRunStatus.COMPLETED,
            started_at=NOW,
            pairing_ids=("p-a", "p-b", "p-c"),
        )
    )
    return store


def test_approving_some_and_rejecting_one_announces_only_the_approved(store: InMemoryPairingStore) -> None:
    publisher = RecordingEventPublisher()
    report = ApprovalService(store, publisher).decide(
        "r-1", Decisions(approve=("p-a", "p-b"), reject=("p-c",)), now=NOW
    )
    assert (report.approved, report.rejected) == (["p-a", "p-b"], ["p-c"])
    assert [e.pairing_id for e in publisher.of_type(PairingApproved)] == ["p-a", "p-b"]
    assert store.get_pairing("p-c").status is PairingStatus.REJECTED  # type: ignore[union-attr]


def test_repeating_a_decision_changes_nothing_and_announces_nothing_new(store: InMemoryPairingStore) -> None:
    publisher = RecordingEventPublisher()
    approval = ApprovalService(store, publisher)
    approval.decide("r-1", Decisions(approve_all=True), now=NOW)
    again = approval.decide("r-1", Decisions(approve_all=True), now=NOW)
    assert again.approved == []
    assert sorted(again.already_decided) == ["p-a", "p-b", "p-c"]
    assert len(publisher.of_type(PairingApproved)) == 3


def test_a_decision_naming_a_pairing_outside_the_run_is_refused_and_changes_nothing(
    store: InMemoryPairingStore,
) -> None:
    with pytest.raises(InvalidRequest, match="p-zzz"):
        ApprovalService(store, RecordingEventPublisher()).decide(
            "r-1", Decisions(approve=("p-a", "p-zzz")), now=NOW
        )
    assert store.get_pairing("p-a").status is PairingStatus.DRAFT  # type: ignore[union-attr]


def test_a_decision_for_an_unknown_run_is_not_found(store: InMemoryPairingStore) -> None:
    with pytest.raises(NotFound):
        ApprovalService(store, RecordingEventPublisher()).decide(
            "r-404", Decisions(approve_all=True), now=NOW
        )


@pytest.mark.parametrize(
    "body",
    [{}, {"approve": ["p-a"], "reject": ["p-a"]}, {"approve_all": True, "surprise": 1}],
)
def test_contradictory_or_empty_decisions_are_rejected_before_anything_happens(
    body: dict[str, object],
) -> None:
    with pytest.raises(ValidationError):
        Decisions.model_validate(body)


def write_back_fixture(status: PairingStatus) -> tuple[WriteBackService, InMemoryHris, InMemoryPairingStore]:
    store = InMemoryPairingStore()
    store.put_pairings([draft("p-a", status=status).model_copy(update={"start_date": date(2026, 12, 1)})])
    hris = InMemoryHris([MENTOR, MENTEE])
    service = WriteBackService(
        store, InMemoryEmployeeDirectory([MENTOR, MENTEE]), InMemoryProgramStore([PROGRAM]), hris
    )
    return service, hris, store


def test_an_approved_pairing_is_written_for_both_people_with_training_for_each() -> None:
    service, hris, store = write_back_fixture(PairingStatus.APPROVED)
    report = service.write_pairing("p-a", today=date(2026, 11, 27))
    assert set(hris.pairing_rows) == {("p-a", "10"), ("p-a", "20")}
    roles = {a.role for a in hris.training_rows.values()}
    assert roles == {Role.MENTOR, Role.MENTEE}
    assert report.assignments == len(store.assignments_for("p-a")) == len(hris.training_rows)
    # due dates count from the pairing's start, not from the day of the write
    assert min(a.due_date for a in hris.training_rows.values()) > date(2026, 12, 1)


def test_a_retried_write_back_writes_no_second_row_and_plans_the_same_training() -> None:
    service, hris, _store = write_back_fixture(PairingStatus.APPROVED)
    service.write_pairing("p-a", today=date(2026, 11, 27))
    first = dict(hris.training_rows)
    service.write_pairing("p-a", today=date(2026, 11, 28))
    assert hris.training_rows == first
    assert len(hris.pairing_rows) == 2


def test_a_draft_pairing_is_not_written_back() -> None:
    service, hris, _ = write_back_fixture(PairingStatus.DRAFT)
    report = service.write_pairing("p-a", today=date(2026, 11, 27))
    assert report.skipped_reason == "status is draft"
    assert hris.write_calls == 0


def test_an_ended_pairing_updates_its_rows_without_new_training() -> None:
    service, hris, _ = write_back_fixture(PairingStatus.ENDED)
    report = service.write_pairing("p-a", today=date(2026, 11, 27))
    assert report.assignments == 0
    assert hris.training_rows == {}
    assert hris.pairing_rows[("p-a", "20")].status is PairingStatus.ENDED
