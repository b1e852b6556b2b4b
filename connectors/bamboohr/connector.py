"""`HrisConnector` for BambooHR: whole-table reads, changed-since pulls, idempotent write-back.

A full sync is a handful of requests whatever the head count: the mapping check (`meta/fields`,
`meta/tables`, once per connector), one custom report for every employee's fields (it includes
leavers, unlike the directory) and one `employees/all/tables/{table}` read per skills table. The
report is deprecated in favour of Datasets; if BambooHR retires it (404/410) the connector reads
the same fields from the Datasets API (1,000 employees per page) without anyone changing config.
An incremental sync asks `employees/changed` and `employees/changed/tables/{table}` (custom-table
edits may not mark the employee as changed, so both lists count), then one report filtered to the
changed ids. The returned watermark is the time the fetch *started*, so nothing that changed while
it ran can fall between two pulls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aws_lambda_powertools import Logger

from connectors.bamboohr.api import BambooHRApi, Row
from connectors.bamboohr.discovery import validate_mapping
from connectors.bamboohr.records import employee_fields, rows_by_employee, safe_employee
from connectors.bamboohr.settings import BambooHRSettings
from connectors.bamboohr.writeback import BambooHRWriter
from connectors.http import Retrier
from mentorship.errors import HrisRejected
from mentorship.models import Employee, Pairing, TrainingAssignment
from mentorship.ports import ChangeSet, WriteLedger, WriteReceipt

logger = Logger(child=True)
RowView = Mapping[str, Any]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BambooHRConnector:
    """One BambooHR account, as the domain's `HrisConnector` port sees it."""

    provider = "bamboohr"

    def __init__(
        self,
        settings: BambooHRSettings,
        *,
        ledger: WriteLedger | None = None,
        retrier: Retrier | None = None,
        clock: Callable[[], datetime] = _utc_now,
        transport: httpx.BaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        self.settings = settings
        self._mapping = settings.mapping
        self._clock = clock
        self.api = BambooHRApi(settings, retrier=retrier, transport=transport, event_hooks=event_hooks)
        self._writer = BambooHRWriter(
            self.api, settings, ledger=ledger, retrier=self.api.retrier, today=lambda: self._clock().date()
        )
        self._mapping_checked = False
        self._employee_source = settings.employee_source

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> BambooHRConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def requests_sent(self) -> int:
        return self.api.requests_sent

    # --- mapping ------------------------------------------------------------------------------
    def validate_mapping(self) -> None:
        """Raise `MappingError` naming every mapped field, table or column the account lacks."""
        validate_mapping(self._mapping, self.api.meta_fields(), self.api.meta_tables())
        self._mapping_checked = True

    def _ensure_mapping(self) -> None:
        if not self._mapping_checked:
            self.validate_mapping()

    # --- reading ------------------------------------------------------------------------------
    def read_all(self) -> Iterator[Employee]:
        """Every employee, leavers included, in a few whole-account requests."""
        self._ensure_mapping()
        records = self._records()
        coach = rows_by_employee(self.api.table_rows("all", self._mapping.coach_skills.table))
        learn = rows_by_employee(self.api.table_rows("all", self._mapping.learn_skills.table))
        logger.info("BambooHR full read", extra={"employees": len(records), "requests": self.requests_sent})
        for record in sorted(records, key=_id_order):
            employee = self._employee(record, coach, learn)
            if employee is not None:
                yield employee

    def read_changes(self, since: datetime) -> ChangeSet:
        """Employees changed or deleted since `since` (minus a small overlap for clock skew)."""
        self._ensure_mapping()
        started = self._clock()
        window_start = since - timedelta(seconds=self.settings.changed_since_overlap_seconds)
        changed = self.api.changed_employees(window_start)
        coach = self.api.changed_table_rows(self._mapping.coach_skills.table, window_start)
        learn = self.api.changed_table_rows(self._mapping.learn_skills.table, window_start)
        deleted = {str(i) for i, e in changed.items() if str(e.get("action", "")).lower() == "deleted"}
        upserted = (set(map(str, changed)) | set(coach) | set(learn)) - deleted
        employees: list[Employee] = []
        if upserted:
            records = self._records(sorted(upserted, key=_order))
            for record in sorted(records, key=_id_order):
                employee = self._employee(record, coach, learn)
                if employee is not None:
                    employees.append(employee)
        logger.info(
            "BambooHR changes read",
            extra={"changed": len(employees), "deleted": len(deleted), "requests": self.requests_sent},
        )
        return ChangeSet(
            employees=tuple(employees),
            deleted_ids=tuple(sorted(deleted, key=_order)),
            fetch_started_at=started,
        )

    def _records(self, employee_ids: list[str] | None = None) -> list[Row]:
        """Employee field values in bulk, from the report or, once it is gone, from Datasets."""
        fields = employee_fields(self._mapping)
        if self._employee_source == "custom_report":
            try:
                return self.api.custom_report(fields, employee_ids=employee_ids)
            except HrisRejected as error:
                if error.status_code not in (404, 410):
                    raise
                logger.warning("BambooHR custom report unavailable; reading from Datasets from now on")
                self._employee_source = "datasets"
        return self.api.dataset_rows(fields, employee_ids=employee_ids)

    def read_employee(self, employee_id: str) -> Employee | None:
        """The current record, or None when BambooHR no longer has this employee."""
        record = self.api.employee(employee_id, employee_fields(self._mapping))
        if record is None:
            return None
        record = {**record, "id": str(record.get("id") or employee_id)}
        coach = {employee_id: self.api.table_rows(employee_id, self._mapping.coach_skills.table)}
        learn = {employee_id: self.api.table_rows(employee_id, self._mapping.learn_skills.table)}
        return self._employee(record, coach, learn)

    def read_goals(self, employee_id: str) -> tuple[str, ...]:
        """Titles of the employee's open performance goals (not the action plans this product wrote)."""
        titles = []
        for goal in self.api.goals(employee_id):
            if str(goal.get("status", "")) == "closed" or "[mentorbridge:" in str(
                goal.get("description") or ""
            ):
                continue
            title = str(goal.get("title") or "").strip()
            if title:
                titles.append(title)
        return tuple(titles)

    def with_goals(self, employee: Employee) -> Employee:
        """`employee` with `goals` filled from BambooHR's performance goals (one request)."""
        return employee.model_copy(update={"goals": self.read_goals(employee.employee_id)})

    def _employee(
        self, record: Row, coach: Mapping[str, Sequence[RowView]], learn: Mapping[str, Sequence[RowView]]
    ) -> Employee | None:
        employee_id = str(record.get("id"))
        employee = safe_employee(
            record,
            mapping=self._mapping,
            coach_rows=coach.get(employee_id, ()),
            learn_rows=learn.get(employee_id, ()),
        )
        # Goals are folded in on every read path alike, so an unchanged person keeps one fingerprint.
        if (
            employee is not None
            and self.settings.read_mentee_goals
            and employee.is_active
            and employee.mentee_opt_in
        ):
            employee = self.with_goals(employee)
        return employee

    # --- writing ------------------------------------------------------------------------------
    def write_pairing(self, pairing: Pairing, mentor: Employee, mentee: Employee) -> WriteReceipt:
        return self._writer.write_pairing(pairing, mentor, mentee)

    def write_training(self, assignment: TrainingAssignment, pairing: Pairing) -> WriteReceipt:
        return self._writer.write_training(assignment, pairing)


def _order(employee_id: str) -> tuple[int, str]:
    return (int(employee_id), "") if employee_id.isdigit() else (1 << 62, employee_id)


def _id_order(record: Row) -> tuple[int, str]:
    return _order(str(record.get("id")))
