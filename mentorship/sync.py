"""Keeping our copy of the workforce in step with the HRIS, and saying what changed.

A webhook is a hint, not data: the worker re-reads the employee and upserts. Full syncs are the
reconciliation that sees deletions. What changed becomes domain events (a hire, a leaver, a change
to a field matching depends on), which the rest of the product reacts to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from mentorship.events import DomainEvent, EmployeeChanged, EmployeeHired, EmployeeLeft
from mentorship.models import Employee, EmploymentStatus
from mentorship.ports import (
    ChangeHint,
    EmployeeDirectory,
    EventPublisher,
    HrisConnector,
    SyncStateStore,
)

# A record that appears for the first time counts as a hire only if the person started recently
# (or starts in future); otherwise it is an existing employee we had not seen (first install,
# widened API permissions) and matching them as a "new hire" would be wrong.
NEW_HIRE_WINDOW = timedelta(days=30)

# Fields whose change can alter matching or break a hard rule (e.g. a transfer into the
# mentee's reporting line); other changes are stored silently.
MATCHING_FIELDS = (
    "status",
    "level",
    "manager_id",
    "department",
    "location",
    "time_zone",
    "languages",
    "coach_skills",
    "learn_skills",
    "goals",
    "mentor_opt_in",
    "mentee_opt_in",
    "mentor_capacity",
)


@dataclass
class SyncReport:
    """What one sync did, for the caller's logs and the admin's progress view (ids only, no PII)."""

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    hired: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    def add(self, events: list[DomainEvent]) -> None:
        for event in events:
            if isinstance(event, EmployeeHired):
                self.hired.append(event.employee_id)
            elif isinstance(event, EmployeeLeft):
                self.left.append(event.employee_id)
            elif isinstance(event, EmployeeChanged):
                self.changed.append(event.employee_id)
        self.events.extend(events)


def events_for_change(previous: Employee | None, current: Employee, *, today: date) -> list[DomainEvent]:
    """The domain events implied by replacing `previous` with `current` (no I/O)."""
    if previous is None:
        recent = current.hire_date is None or current.hire_date >= today - NEW_HIRE_WINDOW
        if current.is_active and recent:
            return [EmployeeHired(employee_id=current.employee_id, hire_date=current.hire_date)]
        return []
    if previous.is_active and not current.is_active:
        return [EmployeeLeft(employee_id=current.employee_id)]
    changed = tuple(name for name in MATCHING_FIELDS if getattr(previous, name) != getattr(current, name))
    if changed:
        return [EmployeeChanged(employee_id=current.employee_id, changed=changed)]
    return []


PAGE_SIZE = 500


def _pages(employees: Iterable[Employee]) -> Iterator[list[Employee]]:
    iterator = iter(employees)
    while page := list(islice(iterator, PAGE_SIZE)):
        yield page


class SyncService:
    """Applies HRIS records to the directory and publishes what changed."""

    def __init__(
        self,
        connector: HrisConnector,
        directory: EmployeeDirectory,
        publisher: EventPublisher,
        state: SyncStateStore,
    ) -> None:
        self._connector = connector
        self._directory = directory
        self._publisher = publisher
        self._state = state

    @property
    def _source(self) -> str:
        return self._connector.provider

    def apply_hint(self, hint: ChangeHint, *, now: datetime) -> SyncReport:
        """Re-read one employee named by a webhook and apply it. Safe to repeat."""
        report = SyncReport()
        current = self._connector.read_employee(hint.employee_id)
        if current is None:
            self._apply_removal(hint.employee_id, report, now=now)
        else:
            self._apply(current, report, today=now.date())
        self._publish(report)
        return report

    def full_sync(self, *, now: datetime) -> SyncReport:
        """Read everything, apply it, and close anyone the HRIS no longer returns."""
        report = SyncReport()
        seen: set[str] = set()
        for page in _pages(self._connector.read_all()):
            seen.update(employee.employee_id for employee in page)
            self._apply_page(page, report, today=now.date())
        for stored in list(self._directory.all()):
            if stored.employee_id not in seen and stored.is_active:
                self._apply_removal(stored.employee_id, report, now=now)
        self._publish(report)
        # The watermark is when this fetch *started*: a change made while we were reading is
        # picked up again by the next incremental pull rather than lost.
        self._state.set_watermark(self._source, now)
        return report

    def incremental_sync(self, *, now: datetime) -> SyncReport:
        """Apply what changed since the watermark; falls back to a full sync when there is none."""
        since = self._state.get_watermark(self._source)
        if since is None:
            return self.full_sync(now=now)
        changes = self._connector.read_changes(since)
        report = SyncReport()
        for page in _pages(changes.employees):
            self._apply_page(page, report, today=now.date())
        for employee_id in changes.deleted_ids:
            self._apply_removal(employee_id, report, now=now)
        self._publish(report)
        self._state.set_watermark(self._source, changes.fetch_started_at)
        return report

    def _apply(self, employee: Employee, report: SyncReport, *, today: date) -> None:
        self._apply_page([employee], report, today=today)

    def _apply_page(self, employees: Sequence[Employee], report: SyncReport, *, today: date) -> None:
        """Upsert a page in bulk (a few calls, not two per employee) and derive its events."""
        for employee, (previous, stored) in zip(
            employees, self._directory.upsert_many(employees), strict=True
        ):
            report.read += 1
            if stored:
                report.stored += 1
                report.add(events_for_change(previous, employee, today=today))
            else:
                report.unchanged += 1

    def _apply_removal(self, employee_id: str, report: SyncReport, *, now: datetime) -> None:
        """The HRIS no longer returns this person: keep the record, closed, so pairings can end."""
        previous = self._directory.get(employee_id)
        if previous is None or not previous.is_active:
            return
        closed = previous.model_copy(update={"status": EmploymentStatus.INACTIVE, "source_updated_at": now})
        if self._directory.upsert(closed):
            report.stored += 1
            report.add([EmployeeLeft(employee_id=employee_id)])

    def _publish(self, report: SyncReport) -> None:
        if report.events:
            self._publisher.publish(report.events)
