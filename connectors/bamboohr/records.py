"""Turn BambooHR field values and custom-table rows into canonical `Employee` records.

BambooHR hands everything back as strings (`"0000-00-00"` for an empty date, checkboxes as
"1"/"Yes", numbers as text), unsorted. The conversion is pure and deterministic — skills are
ordered by row id — so re-reading an unchanged person yields the same fingerprint and no event.
A value that cannot be read is dropped with a warning naming the employee id and the field alias
(never the value: it could be personal), so one bad record never blocks a sync of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from connectors.bamboohr.settings import BambooHRFieldMapping, SkillTableMapping
from mentorship.models import CoachableSkill, Employee, EmploymentStatus, LearningWish

logger = Logger(child=True)

STANDARD_FIELDS: tuple[str, ...] = (
    "firstName",
    "lastName",
    "preferredName",
    "workEmail",
    "status",
    "hireDate",
    "terminationDate",
    "jobTitle",
    "department",
    "division",
    "location",
    "lastChanged",
)
_TRUE = frozenset({"1", "yes", "true", "on", "checked", "y"})
Row = Mapping[str, Any]


def employee_fields(mapping: BambooHRFieldMapping) -> list[str]:
    """The fields a read asks for: only what the product needs (no personal data beyond name/email)."""
    return list(dict.fromkeys([*STANDARD_FIELDS, *mapping.custom_fields().values()]))


def to_employee(
    record: Row,
    *,
    mapping: BambooHRFieldMapping,
    coach_rows: Iterable[Row] = (),
    learn_rows: Iterable[Row] = (),
) -> Employee:
    """One employee from its field values (report or get-employee) and its skill-table rows."""
    employee_id = str(record["id"])
    fields = mapping.custom_fields()
    reader = _Reader(employee_id, record)
    first, last = reader.text("firstName"), reader.text("lastName")
    preferred = reader.text("preferredName")
    display = " ".join(part for part in (preferred or first, last) if part)
    status_text = (reader.text("status") or "Active").lower()
    capacity = reader.integer(fields["mentor_capacity"])
    return Employee(
        employee_id=employee_id,
        display_name=display,
        work_email=reader.text("workEmail"),
        status=EmploymentStatus.ACTIVE if status_text == "active" else EmploymentStatus.INACTIVE,
        hire_date=reader.day("hireDate"),
        termination_date=reader.day("terminationDate"),
        job_title=reader.text("jobTitle"),
        level=reader.integer(fields["job_level"], low=0, high=30),
        manager_id=reader.employee_ref(fields["manager_id"]),
        department=reader.text("department"),
        division=reader.text("division"),
        location=reader.text("location"),
        time_zone=reader.text(fields["time_zone"]) if "time_zone" in fields else None,
        languages=reader.split(fields["languages"]) if "languages" in fields else (),
        coach_skills=tuple(
            CoachableSkill(name=name, proficiency=weight)
            for name, weight in skills_from_rows(employee_id, coach_rows, mapping.coach_skills)
        ),
        learn_skills=tuple(
            LearningWish(name=name, priority=weight)
            for name, weight in skills_from_rows(employee_id, learn_rows, mapping.learn_skills)
        ),
        mentor_opt_in=reader.flag(fields["mentor_opt_in"]),
        mentee_opt_in=reader.flag(fields["mentee_opt_in"]),
        mentor_capacity=min(capacity, 20) if capacity and capacity > 0 else 0,
        source_updated_at=reader.moment("lastChanged"),
    )


def skills_from_rows(
    employee_id: str, rows: Iterable[Row], table: SkillTableMapping
) -> list[tuple[str, int]]:
    """(skill, weight 1..5) in row-id order; names kept exactly as the HRIS has them, exact repeats merged."""
    best: dict[str, tuple[int, int]] = {}
    for row in sorted(rows, key=_row_order):
        name = str(row.get(table.skill) or "").strip()[:120]
        if not name:
            continue
        weight = _Reader(employee_id, row).integer(table.weight, low=1, high=5) or 3
        order = best[name][0] if name in best else len(best)
        best[name] = (order, max(weight, best[name][1]) if name in best else weight)
    return [(name, weight) for name, (_, weight) in sorted(best.items(), key=lambda item: item[1][0])]


def rows_by_employee(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(str(row.get("employeeId")), []).append(row)
    return grouped


def _row_order(row: Row) -> tuple[int, str]:
    row_id = str(row.get("id", ""))
    return (int(row_id), "") if row_id.isdigit() else (1 << 62, row_id)


class _Reader:
    """Reads one record's values leniently, warning (by employee id and alias) about what it drops."""

    def __init__(self, employee_id: str, record: Row) -> None:
        self.employee_id = employee_id
        self.record = record

    def _drop(self, alias: str, expected: str) -> None:
        logger.warning(
            "BambooHR value ignored",
            extra={"employee_id": self.employee_id, "field": alias, "expected": expected},
        )

    def text(self, alias: str) -> str | None:
        value = self.record.get(alias)
        if isinstance(value, dict):  # some endpoints wrap values
            value = value.get("value")
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def integer(self, alias: str, *, low: int | None = None, high: int | None = None) -> int | None:
        text = self.text(alias)
        if text is None:
            return None
        digits = text.removeprefix("L").removeprefix("l")
        try:
            number = int(float(digits))
        except ValueError:
            self._drop(alias, "a whole number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self._drop(alias, f"a number in {low}..{high}")
            return None
        return number

    def flag(self, alias: str) -> bool:
        text = self.text(alias)
        return text is not None and text.lower() in _TRUE

    def split(self, alias: str) -> tuple[str, ...]:
        text = self.text(alias)
        if not text:
            return ()
        return tuple(
            dict.fromkeys(part.strip() for part in text.replace(";", ",").split(",") if part.strip())
        )

    def day(self, alias: str) -> date | None:
        text = self.text(alias)
        if not text or text.startswith("0000-00-00"):
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            self._drop(alias, "a YYYY-MM-DD date")
            return None

    def moment(self, alias: str) -> datetime | None:
        text = self.text(alias)
        if not text:
            return None
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self._drop(alias, "an ISO-8601 date-time")
            return None

    def employee_ref(self, alias: str) -> str | None:
        text = self.text(alias)
        if text is None or text in ("0", "-1"):
            return None
        if not text.isdigit():
            self._drop(alias, "an employee id")
            return None
        return text


def safe_employee(record: Row, **kwargs: Any) -> Employee | None:
    """`to_employee`, or None (with a warning naming the employee id) when the record is unusable."""
    try:
        return to_employee(record, **kwargs)
    except (ValidationError, KeyError, ValueError) as error:
        errors = error.errors() if isinstance(error, ValidationError) else [{"loc": (str(error),)}]
        logger.warning(
            "BambooHR employee skipped",
            extra={
                "employee_id": str(record.get("id")),
                "fields": [".".join(map(str, e["loc"])) for e in errors],
            },
        )
        return None
