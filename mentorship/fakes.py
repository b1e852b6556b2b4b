"""In-memory fakes of every port, for service unit tests: same behaviour as the AWS adapters, no AWS.

The same contract tests run against these and against `infra.dynamodb` under moto
(`tests/unit/test_infra_port_contracts.py`), so a service tested with a fake behaves the same in Lambda.
Stored models are frozen, so handing them out without copying cannot let a caller change the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from mentorship.errors import InvalidRequest, NotFound
from mentorship.events import DomainEvent
from mentorship.models import Employee, MatchRun, Pairing, PairingStatus, Program, TrainingAssignment
from mentorship.ports import WriteReceipt

EventT = TypeVar("EventT", bound=DomainEvent)


def _utc(value: datetime) -> datetime:
    # A naive timestamp is taken as UTC, as the DynamoDB adapter does.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class InMemoryEmployeeDirectory:
    """`EmployeeDirectory`: an older record never replaces a newer one; unchanged facts return False."""

    def __init__(self, employees: Iterable[Employee] = ()) -> None:
        self._employees: dict[str, Employee] = {}
        for employee in employees:
            self.upsert(employee)

    def get(self, employee_id: str) -> Employee | None:
        return self._employees.get(employee_id)

    def get_many(self, employee_ids: Sequence[str]) -> dict[str, Employee]:
        return {i: self._employees[i] for i in employee_ids if i in self._employees}

    def upsert(self, employee: Employee) -> bool:
        stored = self._employees.get(employee.employee_id)
        if stored is None:
            self._employees[employee.employee_id] = employee
            return True
        incoming_at = employee.source_updated_at and _utc(employee.source_updated_at)
        stored_at = stored.source_updated_at and _utc(stored.source_updated_at)
        if stored.content_fingerprint() == employee.content_fingerprint():
            if incoming_at and (stored_at is None or stored_at < incoming_at):
                self._employees[employee.employee_id] = employee  # same facts, newer timestamp
            return False
        if incoming_at and stored_at and incoming_at < stored_at:
            return False
        self._employees[employee.employee_id] = employee
        return True

    def upsert_many(self, employees: Sequence[Employee]) -> list[tuple[Employee | None, bool]]:
        return [(self.get(employee.employee_id), self.upsert(employee)) for employee in employees]

    def all(self) -> Iterable[Employee]:
        return list(self._employees.values())


class InMemoryProgramStore:
    """`ProgramStore`; `all()` is sorted by programme id."""

    def __init__(self, programs: Iterable[Program] = ()) -> None:
        self._programs = {program.program_id: program for program in programs}

    def get(self, program_id: str) -> Program | None:
        return self._programs.get(program_id)

    def put(self, program: Program) -> None:
        self._programs[program.program_id] = program

    def all(self) -> Iterable[Program]:
        return [self._programs[key] for key in sorted(self._programs)]


class InMemoryPairingStore:
    """`PairingStore`; lists sorted as the DynamoDB adapter returns them."""

    def __init__(self) -> None:
        self._runs: dict[str, MatchRun] = {}
        self._pairings: dict[str, Pairing] = {}
        self._assignments: dict[str, dict[str, TrainingAssignment]] = {}

    def put_run(self, run: MatchRun) -> None:
        self._runs[run.run_id] = run

    def get_run(self, run_id: str) -> MatchRun | None:
        return self._runs.get(run_id)

    def put_pairings(self, pairings: Sequence[Pairing]) -> None:
        for pairing in pairings:
            self._pairings[pairing.pairing_id] = pairing

    def get_pairing(self, pairing_id: str) -> Pairing | None:
        return self._pairings.get(pairing_id)

    def set_status(self, pairing_id: str, status: PairingStatus, *, expected: PairingStatus) -> Pairing:
        current = self._pairings.get(pairing_id)
        if current is None:
            raise NotFound(f"pairing {pairing_id} does not exist")
        if current.status is not expected:
            raise InvalidRequest(
                f"pairing {pairing_id} is {current.status.value}, not {expected.value},"
                f" so it cannot become {status.value}",
                field="status",
            )
        changed = current.model_copy(update={"status": status})
        self._pairings[pairing_id] = changed
        return changed

    def pairings_for_program(self, program_id: str) -> list[Pairing]:
        found = [p for p in self._pairings.values() if p.program_id == program_id]
        return sorted(found, key=lambda p: (p.run_id, p.pairing_id))

    def pairings_of_run(self, run_id: str) -> list[Pairing]:
        return sorted((p for p in self._pairings.values() if p.run_id == run_id), key=lambda p: p.pairing_id)

    def pairings_for_employee(self, employee_id: str) -> list[Pairing]:
        """Every pairing the employee is in, as mentor or mentee, in any programme (sorted by id)."""
        found = (p for p in self._pairings.values() if employee_id in (p.mentor_id, p.mentee_id))
        return sorted(found, key=lambda p: p.pairing_id)

    def put_assignments(self, assignments: Sequence[TrainingAssignment]) -> None:
        for assignment in assignments:
            self._assignments.setdefault(assignment.pairing_id, {})[assignment.assignment_id] = assignment

    def assignments_for(self, pairing_id: str) -> list[TrainingAssignment]:
        stored = self._assignments.get(pairing_id, {})
        return [stored[key] for key in sorted(stored)]


class InMemorySyncStateStore:
    """`SyncStateStore`: watermarks come back as aware UTC datetimes."""

    def __init__(self) -> None:
        self._watermarks: dict[str, datetime] = {}

    def get_watermark(self, source: str) -> datetime | None:
        return self._watermarks.get(source)

    def set_watermark(self, source: str, value: datetime) -> None:
        self._watermarks[source] = _utc(value)


class InMemoryWriteLedger:
    """`WriteLedger`: the last receipt put under a key."""

    def __init__(self) -> None:
        self._receipts: dict[str, WriteReceipt] = {}

    def get(self, key: str) -> WriteReceipt | None:
        return self._receipts.get(key)

    def put(self, key: str, receipt: WriteReceipt) -> None:
        self._receipts[key] = receipt


class RecordingEventPublisher:
    """`EventPublisher` that keeps what was published, in order, in `.events`."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.events.extend(events)

    def of_type(self, event_type: type[EventT]) -> list[EventT]:
        return [event for event in self.events if isinstance(event, event_type)]
