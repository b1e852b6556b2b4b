"""The in-memory BambooHR account: employees, tables, goals, training, webhooks and change stamps.

It stores data the way a BambooHR account does (job facts as dated `jobInfo` rows, employment
history as `employmentStatus` rows, mentoring data in custom fields and custom tables), so an
integration that reads it learns the real product's shapes. Every write goes through the same
validation whether it comes over HTTP or from the admin helpers (`hire`, `update`, `terminate`),
and every write to an employee bumps `lastChanged`, which drives `employees/changed`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mentorship.models import Employee, EmploymentStatus
from sandbox.bamboohr.errors import ApiError, bad_request, invalid_value, not_found
from sandbox.bamboohr.fields import (
    EMPLOYEE_FIELDS,
    EMPLOYMENT_STATUSES,
    FIELDS_BY_ALIAS,
    JOB_FIELDS,
    MANAGED_LISTS,
    TABLES_BY_ALIAS,
    TERMINATED,
    FieldDef,
    TableDef,
    TableField,
)

Row = dict[str, str | None]
_FROM_JOB = frozenset(
    (
        *JOB_FIELDS,
        "supervisorEId",
        "reportsToId",
        "supervisorId",
        "supervisorEmail",
        "supervisor",
        "reportsToName",
    )
)
_FROM_STATUS = frozenset(("employmentHistoryStatus", "terminationDate"))
_DERIVED = _FROM_JOB | _FROM_STATUS | {"lastChanged"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SandboxClock:
    """The account's notion of "now": real UTC time unless a test pins or shifts it.

    Second precision, as BambooHR's `lastChanged` stamps are.
    """

    def __init__(self) -> None:
        self._pinned: datetime | None = None
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            moment = self._pinned if self._pinned is not None else datetime.now(UTC) + self._offset
        return moment.replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def set(self, moment: datetime) -> None:
        """Pin "now" to `moment` (timezone-aware) until `resume()` or another `set()`."""
        if moment.tzinfo is None:
            raise ValueError("clock.set needs a timezone-aware datetime")
        with self._lock:
            self._pinned = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move "now" forward, pinned or not."""
        with self._lock:
            if self._pinned is not None:
                self._pinned += delta
            else:
                self._offset += delta

    def resume(self) -> None:
        """Follow real time again (keeping any offset from `advance`)."""
        with self._lock:
            self._pinned = None


def format_timestamp(moment: datetime) -> str:
    """BambooHR's timestamp shape: `2026-11-27T10:15:00+00:00`."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 `since` value as BambooHR accepts it (`Z` or offset; naive means UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as error:
        raise bad_request(f"Invalid ISO 8601 timestamp: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def checkbox(checked: bool) -> str:
    return "yes" if checked else "no"


@dataclass
class _EmployeeRecord:
    values: dict[str, str | None]
    created: datetime
    last_changed: datetime


class SandboxAccount:
    """One company's data. Thread-safe: every public method holds `self.lock`."""

    def __init__(
        self,
        *,
        company_domain: str = "acme",
        api_key: str = "sandbox-key",
        company_id: str = "4242",
        oauth_tokens: Iterable[str] = (),
        clock: SandboxClock | None = None,
    ) -> None:
        self.company_domain = company_domain
        self.company_id = company_id
        self.api_key = api_key
        self.oauth_tokens: set[str] = set(oauth_tokens)
        # The spec lists only OAuth for GET /api/v1/employees; flip this if an account proves otherwise.
        self.list_employees_accepts_api_key = False
        self.clock = clock or SandboxClock()
        self.lock = threading.RLock()
        self._employees: dict[str, _EmployeeRecord] = {}
        self._deleted: dict[str, datetime] = {}
        self.tables: dict[str, dict[str, list[Row]]] = {alias: {} for alias in TABLES_BY_ALIAS}
        self.list_options: dict[str, list[str]] = {alias: [] for alias in MANAGED_LISTS}
        self.goals: dict[str, list[dict[str, Any]]] = {}
        self.training_types: dict[int, dict[str, Any]] = {}
        self.training_records: dict[int, dict[str, Any]] = {}
        self.webhooks: dict[int, dict[str, Any]] = {}
        self._counters: dict[str, int] = {"employee": 100, "row": 0, "goal": 0, "training": 0, "webhook": 0}

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_workforce(
        cls,
        employees: Iterable[Employee],
        *,
        company_domain: str = "acme",
        api_key: str = "sandbox-key",
        oauth_tokens: Iterable[str] = (),
        goals_every: int = 3,
    ) -> SandboxAccount:
        """Store a synthetic workforce the way a BambooHR admin would have entered it.

        Every `goals_every`-th employee also gets their first goal as a performance goal
        shared with their manager, so matching has real goals to read.
        """
        account = cls(company_domain=company_domain, api_key=api_key, oauth_tokens=oauth_tokens)
        people = list(employees)
        account._seed_training_types()
        with account.lock:
            for person in people:
                account._load(person)
            highest = max((int(p.employee_id) for p in people if p.employee_id.isdigit()), default=100)
            account._counters["employee"] = highest
            for index, person in enumerate(people):
                if goals_every and index % goals_every == 0 and person.goals:
                    account._seed_goal(person)
        return account

    def _load(self, person: Employee) -> None:
        stamp = person.source_updated_at or self.clock.now()
        first, _, last = person.display_name.partition(" ")
        values: dict[str, str | None] = {alias: None for alias, d in FIELDS_BY_ALIAS.items() if d.writable}
        values.update(
            firstName=first or person.employee_id,
            lastName=last or "",
            preferredName=None,
            employeeNumber=f"E{int(person.employee_id):05d}" if person.employee_id.isdigit() else None,
            workEmail=person.work_email,
            status="Active" if person.status is EmploymentStatus.ACTIVE else "Inactive",
            hireDate=person.hire_date.isoformat() if person.hire_date else None,
            customJobLevel=str(person.level) if person.level is not None else None,
            customMentorOptIn=checkbox(person.mentor_opt_in),
            customMenteeOptIn=checkbox(person.mentee_opt_in),
            customMentorCapacity=str(person.mentor_capacity),
            customTimeZone=person.time_zone,
            customLanguages=",".join(person.languages) or None,
        )
        for alias in JOB_FIELDS:
            values.pop(alias, None)
        employee_id = person.employee_id
        self._employees[employee_id] = _EmployeeRecord(values, created=stamp, last_changed=stamp)
        start = (person.hire_date or stamp.date()).isoformat()
        job = {
            "date": start,
            "location": person.location,
            "division": person.division,
            "department": person.department,
            "jobTitle": person.job_title,
            "reportsTo": person.manager_id,
        }
        for alias in JOB_FIELDS:
            self._remember_option(alias, job[alias])
        self._insert_row(employee_id, "jobInfo", job)
        self._insert_row(employee_id, "employmentStatus", {"date": start, "employmentStatus": "Full-Time"})
        if person.termination_date:
            termination = {"date": person.termination_date.isoformat(), "employmentStatus": TERMINATED}
            self._insert_row(employee_id, "employmentStatus", termination)
        for skill in person.coach_skills:
            row = {"customSkill": skill.name, "customProficiency": str(skill.proficiency)}
            self._insert_row(employee_id, "customCoachingSkills", row)
        for wish in person.learn_skills:
            row = {"customSkill": wish.name, "customPriority": str(wish.priority)}
            self._insert_row(employee_id, "customLearningGoals", row)

    def _seed_goal(self, person: Employee) -> None:
        shared = [int(person.employee_id)]
        if person.manager_id and person.manager_id.isdigit():
            shared.append(int(person.manager_id))
        due = (self.clock.today() + timedelta(days=120)).isoformat()
        self.new_goal(person.employee_id, title=person.goals[0], due_date=due, shared_with=shared)

    def _seed_training_types(self) -> None:
        for name in ("Code of Conduct", "Security Awareness"):
            self.new_training_type({"name": name, "required": False})

    # ------------------------------------------------------------------ ids and stamps

    def next_id(self, kind: str) -> int:
        with self.lock:
            self._counters[kind] += 1
            return self._counters[kind]

    def touch(self, employee_id: str) -> None:
        """Record a change to the employee, as BambooHR does for any field or table row."""
        self._employees[employee_id].last_changed = self.clock.now()

    # ------------------------------------------------------------------ reads

    def employee_ids(self) -> list[str]:
        with self.lock:
            return list(self._employees)

    @property
    def employees(self) -> dict[str, dict[str, str | None]]:
        """Every employee's fields as the API reports them (a snapshot, for tests and the demo)."""
        with self.lock:
            return {employee_id: self.view(employee_id) for employee_id in self._employees}

    def exists(self, employee_id: str) -> bool:
        return employee_id in self._employees

    def require(self, employee_id: str) -> None:
        if employee_id not in self._employees:
            raise not_found(f"Employee {employee_id} not found")

    def last_changed(self, employee_id: str) -> datetime:
        return self._employees[employee_id].last_changed

    def created(self, employee_id: str) -> datetime:
        return self._employees[employee_id].created

    def deleted(self) -> dict[str, datetime]:
        return dict(self._deleted)

    def rows(self, employee_id: str, table: str) -> list[Row]:
        return self.tables[table].get(employee_id, [])

    def current_row(
        self, employee_id: str, table: str, *, only_current: bool = True, today: str | None = None
    ) -> Row | None:
        """The row in effect today (latest date not in the future); with `only_current=False` the
        latest row, future-dated or not. Before the first row takes effect, the earliest row."""
        rows = self.rows(employee_id, table)
        if not rows:
            return None
        if len(rows) == 1:
            return rows[0]
        ordered = sorted(rows, key=lambda row: (row.get("date") or "", int(row["id"] or 0)))
        if not only_current:
            return ordered[-1]
        today = today or self.clock.today().isoformat()
        effective = [row for row in ordered if (row.get("date") or "") <= today]
        return effective[-1] if effective else ordered[0]

    def view(
        self, employee_id: str, *, only_current: bool = True, fields: Collection[str] | None = None
    ) -> dict[str, str | None]:
        """The employee's fields as the API reports them: job and status facts derived from the
        effective table rows, supervisor facts from the manager's record. `fields` limits the
        derived work to what a caller needs (bulk reads of 10,000 employees)."""
        record = self._employees[employee_id]
        values = dict(record.values)
        wanted = _DERIVED if fields is None else _DERIVED.intersection(fields)
        today = self.clock.today().isoformat()
        if wanted & _FROM_JOB:
            job = self.current_row(employee_id, "jobInfo", only_current=only_current, today=today) or {}
            for alias in JOB_FIELDS:
                values[alias] = job.get(alias)
            manager_id = job.get("reportsTo")
            manager = self._employees[manager_id].values if manager_id in self._employees else None
            values["supervisorEId"] = values["reportsToId"] = manager_id if manager else None
            values["supervisorId"] = manager.get("employeeNumber") if manager else None
            values["supervisorEmail"] = manager.get("workEmail") if manager else None
            values["supervisor"] = values["reportsToName"] = _display_name(manager) if manager else None
        if wanted & _FROM_STATUS:
            status = self.current_row(employee_id, "employmentStatus", only_current=only_current, today=today)
            kind = (status or {}).get("employmentStatus")
            values["employmentHistoryStatus"] = kind
            values["terminationDate"] = (status or {}).get("date") if kind == TERMINATED else None
        values["displayName"] = _display_name(values)
        if "lastChanged" in wanted:
            values["lastChanged"] = format_timestamp(record.last_changed)
        return values

    # ------------------------------------------------------------------ employee writes

    def add_employee(self, raw: Mapping[str, Any], *, admin: bool = False) -> str:
        """POST /employees: firstName and lastName are required; returns the new id."""
        with self.lock:
            missing = [name for name in ("firstName", "lastName") if not _text(raw.get(name))]
            if missing:
                raise bad_request(f"Missing required field(s): {', '.join(missing)}")
            values, job = self._validated_employee_values(raw, admin=admin, employee_id=None)
            employee_id = str(self.next_id("employee"))
            now = self.clock.now()
            stored: dict[str, str | None] = {a: None for a, d in FIELDS_BY_ALIAS.items() if d.writable}
            for alias in JOB_FIELDS:
                stored.pop(alias, None)
            stored.update(status="Active", employeeNumber=f"E{int(employee_id):05d}")
            stored.update(values)
            self._employees[employee_id] = _EmployeeRecord(stored, created=now, last_changed=now)
            start = stored.get("hireDate") or now.date().isoformat()
            if job:
                self._insert_row(employee_id, "jobInfo", {"date": start, **job})
            self._insert_row(
                employee_id, "employmentStatus", {"date": start, "employmentStatus": "Full-Time"}
            )
            return employee_id

    def update_employee(self, employee_id: str, raw: Mapping[str, Any], *, admin: bool = False) -> None:
        """POST /employees/{id}: only the given fields change; job fields edit the current jobInfo row."""
        with self.lock:
            self.require(employee_id)
            if not raw:
                raise bad_request("No fields to update")
            values, job = self._validated_employee_values(raw, admin=admin, employee_id=employee_id)
            self._employees[employee_id].values.update(values)
            if job:
                current = self.current_row(employee_id, "jobInfo")
                if current is None:
                    self._insert_row(employee_id, "jobInfo", {"date": self.clock.today().isoformat(), **job})
                else:
                    current.update(job)
            self.touch(employee_id)

    def _validated_employee_values(
        self, raw: Mapping[str, Any], *, admin: bool, employee_id: str | None
    ) -> tuple[dict[str, str | None], dict[str, str | None]]:
        values: dict[str, str | None] = {}
        job: dict[str, str | None] = {}
        for name, value in raw.items():
            if admin and name == "reportsTo":
                job["reportsTo"] = self._validated_manager(value, employee_id, status=409)
                continue
            definition = FIELDS_BY_ALIAS.get(name)
            if definition is None:
                raise bad_request(f"Unknown field: {name}")
            if not definition.writable:
                raise bad_request(f"Field is read-only: {name}")
            coerced = self._coerce(definition.alias, definition.type, value, admin=admin, status=409)
            if name in JOB_FIELDS:
                job[name] = coerced
            else:
                values[name] = coerced
        email = values.get("workEmail")
        if email:
            for other_id, record in self._employees.items():
                if (
                    other_id != employee_id
                    and (record.values.get("workEmail") or "").lower() == email.lower()
                ):
                    raise invalid_value(f"Invalid value for field workEmail: {email!r} is already in use")
        return values, job

    def _validated_manager(self, value: Any, employee_id: str | None, *, status: int) -> str | None:
        text = _text(value)
        if not text:
            return None
        if text not in self._employees:
            raise invalid_value(f"Invalid value for field reportsTo: no employee {text}", status=status)
        if text == employee_id:
            raise invalid_value(
                "Invalid value for field reportsTo: an employee cannot report to themselves", status=status
            )
        return text

    def _coerce(self, alias: str, kind: str, value: Any, *, admin: bool, status: int) -> str | None:
        """Turn an API value into the stored string, or refuse it naming the field."""
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        if value is None or value == "":
            return None
        if isinstance(value, list | dict):
            raise invalid_value(f"Invalid value for field {alias}: expected a single value", status=status)
        text = str(value).strip() if not isinstance(value, bool) else ("yes" if value else "no")
        if kind == "checkbox":
            return checkbox(text.lower() in ("yes", "checkbox"))
        if kind == "date":
            if not _DATE.match(text) or not _valid_date(text):
                raise invalid_value(
                    f"Invalid value for field {alias}: {text!r} is not a YYYY-MM-DD date", status=status
                )
            return text
        if kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise invalid_value(
                    f"Invalid value for field {alias}: {value!r} is not a whole number", status=status
                )
            try:
                return str(int(float(text)) if isinstance(value, float) else int(text))
            except ValueError as error:
                raise invalid_value(
                    f"Invalid value for field {alias}: {text!r} is not a whole number", status=status
                ) from error
        if kind == "email" and not _EMAIL.match(text):
            raise invalid_value(
                f"Invalid value for field {alias}: {text!r} is not an email address", status=status
            )
        if kind == "status" and text not in ("Active", "Inactive"):
            raise invalid_value(f"Invalid value for field {alias}: use Active or Inactive", status=status)
        if kind == "list" and alias in self.list_options:
            options = self.list_options[alias]
            if text not in options:
                if not admin:
                    raise invalid_value(
                        f"Invalid value for field {alias}: {text!r} is not a list option", status=status
                    )
                options.append(text)
        return text

    def _remember_option(self, alias: str, value: str | None) -> None:
        if value and value not in self.list_options[alias]:
            self.list_options[alias].append(value)

    # ------------------------------------------------------------------ table writes

    def table(self, alias: str) -> TableDef:
        definition = TABLES_BY_ALIAS.get(alias)
        if definition is None:
            raise not_found(f"Table {alias} not found")
        return definition

    def add_row(self, employee_id: str, table: str, raw: Mapping[str, Any], *, admin: bool = False) -> str:
        """Add a table row; returns its id. Unknown columns and invalid values answer 406."""
        with self.lock:
            definition = self.table(table)
            self.require(employee_id)
            values = self._validated_row(definition, raw, employee_id, admin=admin)
            missing = [
                column.alias
                for column in definition.fields
                if column.required and not values.get(column.alias)
            ]
            if missing:
                raise bad_request(f"Missing required field(s) for table {table}: {', '.join(missing)}")
            row = self._insert_row(employee_id, table, values)
            self._after_table_change(employee_id, table)
            return row["id"] or ""

    def update_row(
        self, employee_id: str, table: str, row_id: str, raw: Mapping[str, Any], *, admin: bool = False
    ) -> None:
        with self.lock:
            definition = self.table(table)
            self.require(employee_id)
            row = self._find_row(employee_id, table, row_id)
            if not raw:
                raise bad_request("No fields to update")
            values = self._validated_row(definition, raw, employee_id, admin=admin)
            for column in definition.fields:
                if column.required and column.alias in values and not values[column.alias]:
                    raise bad_request(f"Field {column.alias} of table {table} cannot be empty")
            row.update(values)
            self._after_table_change(employee_id, table)

    def delete_row(self, employee_id: str, table: str, row_id: str) -> None:
        with self.lock:
            self.table(table)
            self.require(employee_id)
            row = self._find_row(employee_id, table, row_id)
            self.tables[table][employee_id].remove(row)
            self._after_table_change(employee_id, table)

    def _find_row(self, employee_id: str, table: str, row_id: str) -> Row:
        for row in self.rows(employee_id, table):
            if row["id"] == row_id:
                return row
        raise not_found(f"Row {row_id} not found in table {table} for employee {employee_id}")

    def _validated_row(
        self, definition: TableDef, raw: Mapping[str, Any], employee_id: str, *, admin: bool
    ) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        for name, value in raw.items():
            column: TableField | None = definition.columns.get(name)
            if column is None:
                raise invalid_value(f"Unknown field for table {definition.alias}: {name}", status=406)
            if column.type == "employee":
                values[name] = self._validated_manager(value, employee_id, status=406)
                continue
            list_alias = name if definition.alias == "jobInfo" and name in self.list_options else None
            if column.type == "list" and list_alias is None:
                text = _text(value)
                if text and text not in column.options:
                    options = ", ".join(column.options)
                    raise invalid_value(
                        f"Invalid value for field {name}: {text!r} (one of {options})", status=406
                    )
                values[name] = text or None
                continue
            coerced = self._coerce(list_alias or name, column.type, value, admin=admin, status=406)
            if coerced is not None and column.type == "int":
                number = int(coerced)
                low, high = column.min_value, column.max_value
                if (low is not None and number < low) or (high is not None and number > high):
                    raise invalid_value(
                        f"Invalid value for field {name}: {number} is not in {low}..{high}", status=406
                    )
            values[name] = coerced
        return values

    def _insert_row(self, employee_id: str, table: str, values: Mapping[str, str | None]) -> Row:
        row: Row = {"id": str(self.next_id("row")), "employeeId": employee_id}
        for column in TABLES_BY_ALIAS[table].fields:
            row[column.alias] = values.get(column.alias)
        self.tables[table].setdefault(employee_id, []).append(row)
        return row

    def _after_table_change(self, employee_id: str, table: str) -> None:
        if table == "employmentStatus":
            current = self.current_row(employee_id, table)
            terminated = current is not None and current.get("employmentStatus") == TERMINATED
            self._employees[employee_id].values["status"] = "Inactive" if terminated else "Active"
        self.touch(employee_id)

    # ------------------------------------------------------------------ admin helpers (the UI)

    def hire(self, employee: Employee) -> str:
        """An admin adds a new hire in the UI: fields, job info, custom data and tables; returns the id."""
        raw: dict[str, Any] = {
            "firstName": employee.display_name.partition(" ")[0] or "New",
            "lastName": employee.display_name.partition(" ")[2] or "Hire",
            "workEmail": employee.work_email,
            "hireDate": employee.hire_date.isoformat() if employee.hire_date else None,
            "jobTitle": employee.job_title,
            "department": employee.department,
            "division": employee.division,
            "location": employee.location,
            "customJobLevel": employee.level,
            "customMentorOptIn": checkbox(employee.mentor_opt_in),
            "customMenteeOptIn": checkbox(employee.mentee_opt_in),
            "customMentorCapacity": employee.mentor_capacity,
            "customTimeZone": employee.time_zone,
            "customLanguages": ",".join(employee.languages),
        }
        with self.lock:
            new_id = self.add_employee({k: v for k, v in raw.items() if v not in (None, "")}, admin=True)
            if employee.manager_id:
                self.update_employee(new_id, {"reportsTo": employee.manager_id}, admin=True)
            for skill in employee.coach_skills:
                row = {"customSkill": skill.name, "customProficiency": skill.proficiency}
                self.add_row(new_id, "customCoachingSkills", row, admin=True)
            for wish in employee.learn_skills:
                self.add_row(
                    new_id, "customLearningGoals", {"customSkill": wish.name, "customPriority": wish.priority}
                )
            return new_id

    def update(self, employee_id: str, **fields: Any) -> None:
        """An admin edits the employee in the UI (new list options are added on the fly;
        `reportsTo=<id>` changes the manager on the current job row)."""
        self.update_employee(employee_id, fields, admin=True)

    def terminate(self, employee_id: str, termination_date: date) -> None:
        """An admin terminates the employee: a Terminated employment-status row, status Inactive."""
        row = {"date": termination_date.isoformat(), "employmentStatus": TERMINATED}
        self.add_row(employee_id, "employmentStatus", row, admin=True)

    def delete(self, employee_id: str) -> None:
        """An admin deletes the record outright (reported as `Deleted` by `employees/changed`)."""
        with self.lock:
            self.require(employee_id)
            del self._employees[employee_id]
            for rows_by_employee in self.tables.values():
                rows_by_employee.pop(employee_id, None)
            self.goals.pop(employee_id, None)
            self._deleted[employee_id] = self.clock.now()

    # ------------------------------------------------------------------ goals and training storage

    def new_goal(
        self,
        employee_id: str,
        *,
        title: str,
        due_date: str,
        shared_with: list[int],
        description: str = "",
        percent_complete: int = 0,
        completion_date: str | None = None,
        milestones: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Store a goal in the shape the goals API returns it."""
        with self.lock:
            goal_id = self.next_id("goal")
            now = format_timestamp(self.clock.now()).replace("+00:00", "Z")
            goal: dict[str, Any] = {
                "id": str(goal_id),
                "title": title,
                "description": description,
                "percentComplete": percent_complete,
                "alignsWithOptionId": None,
                "sharedWithEmployeeIds": shared_with,
                "dueDate": due_date,
                "completionDate": completion_date,
                "lastChangedDateTime": now,
                "status": "completed" if percent_complete == 100 else "in_progress",
            }
            titles = list(milestones)
            if titles:
                goal["milestones"] = [self.new_milestone(goal_id, text, now) for text in titles]
                goal["actions"] = {"canEditGoalProgressBar": False, "canEditGoalMilestoneProgressBar": True}
            self.goals.setdefault(employee_id, []).append(goal)
            return goal

    def new_milestone(self, goal_id: int, title: str, now: str) -> dict[str, Any]:
        return {
            "id": self.next_id("goal"),
            "employeeGoalId": goal_id,
            "title": title,
            "currentValue": None,
            "startValue": None,
            "endValue": None,
            "lastUpdateDateTime": now,
            "lastUpdateUserId": 1,
        }

    def new_training_type(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            type_id = self.next_id("training")
            category = raw.get("category")
            training_type: dict[str, Any] = {
                "id": type_id,
                "name": str(raw["name"]),
                "renewable": bool(raw.get("renewable", False)),
                "required": bool(raw.get("required", False)),
                "category": dict(category) if isinstance(category, dict) else [],
                "linkUrl": raw.get("linkUrl"),
                "description": raw.get("description"),
                "allowEmployeesToMarkComplete": bool(raw.get("allowEmployeesToMarkComplete", False)),
            }
            if training_type["renewable"] and raw.get("frequency") is not None:
                training_type["frequency"] = int(raw["frequency"])
            if training_type["required"] and raw.get("dueFromHireDate") is not None:
                training_type["dueFromHireDate"] = int(raw["dueFromHireDate"])
            self.training_types[type_id] = training_type
            return training_type


def _display_name(values: Mapping[str, str | None]) -> str:
    first = values.get("preferredName") or values.get("firstName") or ""
    return f"{first} {values.get('lastName') or ''}".strip()


def _text(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return "" if value is None else str(value).strip()


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


__all__ = ["EMPLOYEE_FIELDS", "EMPLOYMENT_STATUSES", "ApiError", "FieldDef", "SandboxAccount", "SandboxClock"]
