"""Domain events: what happened, published on the event bus for other functions to react to.

The `detail_type` of each event is the EventBridge `detail-type`; `template.yaml` routes on it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    detail_type: ClassVar[str]


class EmployeeHired(DomainEvent):
    detail_type: ClassVar[str] = "EmployeeHired"
    employee_id: str
    hire_date: date | None = None


class EmployeeLeft(DomainEvent):
    detail_type: ClassVar[str] = "EmployeeLeft"
    employee_id: str


class EmployeeChanged(DomainEvent):
    detail_type: ClassVar[str] = "EmployeeChanged"
    employee_id: str
    changed: tuple[str, ...] = ()


class MatchRunRequested(DomainEvent):
    detail_type: ClassVar[str] = "MatchRunRequested"
    program_id: str
    run_id: str
    requested_at: datetime


class MatchRunCompleted(DomainEvent):
    detail_type: ClassVar[str] = "MatchRunCompleted"
    program_id: str
    run_id: str
    pairings: int
    unmatched: int


class PairingApproved(DomainEvent):
    detail_type: ClassVar[str] = "PairingApproved"
    pairing_id: str
    program_id: str


class PairingEnded(DomainEvent):
    detail_type: ClassVar[str] = "PairingEnded"
    pairing_id: str
    program_id: str
    reason: str


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.detail_type: cls
    for cls in (
        EmployeeHired,
        EmployeeLeft,
        EmployeeChanged,
        MatchRunRequested,
        MatchRunCompleted,
        PairingApproved,
        PairingEnded,
    )
}
