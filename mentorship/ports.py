"""Ports: what the domain needs from the outside world, named for the need, not the vendor call.

Adapters live in `connectors/` (HRIS) and `infra/` (AWS); tests use in-memory fakes of the same
protocols (`mentorship.fakes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from mentorship.events import DomainEvent
from mentorship.models import Employee, MatchRun, Pairing, PairingStatus, Program, TrainingAssignment


class ChangeAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class ChangeHint(BaseModel):
    """An inbound HRIS event reduced to what the sync worker needs: a hint, not data.

    The worker re-reads the employee from the HRIS, so a hint never carries field values.
    """

    model_config = ConfigDict(frozen=True)

    provider: str
    employee_id: str
    action: ChangeAction
    occurred_at: str | None = None
    changed_fields: tuple[str, ...] = ()
    dedupe_key: str = Field(description="Same key for a repeated delivery of the same change")


class ChangeSet(BaseModel):
    """What changed in the HRIS since a watermark."""

    model_config = ConfigDict(frozen=True)

    employees: tuple[Employee, ...] = ()
    deleted_ids: tuple[str, ...] = ()
    fetch_started_at: datetime = Field(description="Becomes the next watermark once applied")


class WriteReceipt(BaseModel):
    """Where a write landed in the HRIS (row, goal or record ids), so a retry can find it."""

    model_config = ConfigDict(frozen=True)

    external_ids: tuple[str, ...] = ()
    created: bool = True


class InboundEventVerifier(Protocol):
    """Checks an HRIS push on its raw bytes and turns it into change hints. Must stay import-light."""

    def verify_and_parse(
        self, headers: Mapping[str, str], raw_body: bytes, *, now: datetime
    ) -> list[ChangeHint]: ...


class HrisConnector(Protocol):
    """One HRIS account: read the workforce, write pairings and training back."""

    provider: str

    def read_all(self) -> Iterator[Employee]:
        """Every employee the account can see, leavers included so they can be closed."""
        ...

    def read_changes(self, since: datetime) -> ChangeSet: ...

    def read_employee(self, employee_id: str) -> Employee | None:
        """The current record, or None if the HRIS no longer has it."""
        ...

    def write_pairing(self, pairing: Pairing, mentor: Employee, mentee: Employee) -> WriteReceipt:
        """Record (or update, when the pairing has ended) the relationship on both people."""
        ...

    def write_training(self, assignment: TrainingAssignment, pairing: Pairing) -> WriteReceipt: ...


class EmployeeDirectory(Protocol):
    """Our copy of the workforce."""

    def get(self, employee_id: str) -> Employee | None: ...

    def upsert(self, employee: Employee) -> bool:
        """Store the record; False when it is unchanged or older than what is stored."""
        ...

    def upsert_many(self, employees: Sequence[Employee]) -> list[tuple[Employee | None, bool]]:
        """Per employee, in order: the record stored before, and whether `upsert` stored a change.

        For full syncs: adapters answer in bulk what `(get(id), upsert(e))` would answer one by one.
        """
        ...

    def all(self) -> Iterable[Employee]: ...


class ProgramStore(Protocol):
    def get(self, program_id: str) -> Program | None: ...

    def put(self, program: Program) -> None: ...

    def all(self) -> Iterable[Program]: ...


class PairingStore(Protocol):
    """Match runs, their pairings and the pairings' training assignments."""

    def put_run(self, run: MatchRun) -> None: ...

    def get_run(self, run_id: str) -> MatchRun | None: ...

    def put_pairings(self, pairings: Sequence[Pairing]) -> None: ...

    def get_pairing(self, pairing_id: str) -> Pairing | None: ...

    def set_status(self, pairing_id: str, status: PairingStatus, *, expected: PairingStatus) -> Pairing:
        """Conditional status change; raises if the pairing is not in `expected` any more."""
        ...

    def pairings_for_program(self, program_id: str) -> list[Pairing]: ...

    def pairings_of_run(self, run_id: str) -> list[Pairing]: ...

    def pairings_for_employee(self, employee_id: str) -> list[Pairing]:
        """Every pairing the employee is in, as mentor or mentee (leavers, transfers)."""
        ...

    def put_assignments(self, assignments: Sequence[TrainingAssignment]) -> None: ...

    def assignments_for(self, pairing_id: str) -> list[TrainingAssignment]: ...


class EventPublisher(Protocol):
    def publish(self, events: Sequence[DomainEvent]) -> None: ...


class SyncStateStore(Protocol):
    """Per-source watermark: the start time of the last successful fetch."""

    def get_watermark(self, source: str) -> datetime | None: ...

    def set_watermark(self, source: str, value: datetime) -> None: ...


class WriteLedger(Protocol):
    """Remembers which HRIS writes already succeeded, so a retry never writes twice."""

    def get(self, key: str) -> WriteReceipt | None: ...

    def put(self, key: str, receipt: WriteReceipt) -> None: ...
