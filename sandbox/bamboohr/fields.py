"""The sandbox account's field and table catalogue, as `meta/fields` and `meta/tables` publish it.

BambooHR has no skills, level or mentorship objects: a real account holds them in custom fields
and custom tables that an admin creates, and integrations discover their aliases through the meta
endpoints. This module is that admin's setup, written down once so every endpoint (reads, writes,
reports, datasets, webhooks) agrees on names, ids and value types.

Value conventions (BambooHR's documented field types):
- every value travels as a string (`"4"`, not `4`); dates are `YYYY-MM-DD`;
- `checkbox` fields read back as `"yes"`/`"no"`; on write only `"yes"` or `"checkbox"`
  (case-insensitive) check the box, anything else unchecks it, as BambooHR documents;
- `list` fields accept only an existing option (see `meta/lists`);
- `jobInfo.reportsTo` holds the manager's employee id (BambooHR's own `reportsToId` semantics),
  so integrations never have to resolve a manager by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldDef:
    """One employee field: its numeric id, display name, BambooHR type and API alias."""

    id: int
    name: str
    type: str
    alias: str
    writable: bool = True
    monitorable: bool = True
    custom: bool = False


@dataclass(frozen=True)
class TableField:
    """One column of a table; `required` marks the effective date of historical tables."""

    id: int
    name: str
    alias: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class TableDef:
    alias: str
    fields: tuple[TableField, ...]
    historical: bool = False
    columns: dict[str, TableField] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", {column.alias: column for column in self.fields})


EMPLOYEE_FIELDS: tuple[FieldDef, ...] = (
    FieldDef(1, "First Name", "text", "firstName"),
    FieldDef(2, "Last Name", "text", "lastName"),
    FieldDef(1358, "Preferred Name", "text", "preferredName"),
    FieldDef(4057, "Display name", "text", "displayName", writable=False, monitorable=False),
    FieldDef(3, "Employee #", "text", "employeeNumber"),
    FieldDef(15, "Work Email", "email", "workEmail"),
    FieldDef(149, "Status", "status", "status"),
    FieldDef(9, "Hire Date", "date", "hireDate"),
    FieldDef(4043, "Termination Date", "date", "terminationDate", writable=False),
    FieldDef(17, "Job Title", "list", "jobTitle"),
    FieldDef(4, "Department", "list", "department"),
    FieldDef(1355, "Division", "list", "division"),
    FieldDef(18, "Location", "list", "location"),
    FieldDef(91, "Reporting to", "employee", "supervisor", writable=False),
    FieldDef(4029, "Supervisor EID", "int", "supervisorEId", writable=False, monitorable=False),
    FieldDef(4030, "Supervisor ID", "text", "supervisorId", writable=False, monitorable=False),
    FieldDef(4031, "Supervisor email", "email", "supervisorEmail", writable=False, monitorable=False),
    FieldDef(4058, "Reports To ID", "int", "reportsToId", writable=False, monitorable=False),
    FieldDef(4059, "Reports To Name", "text", "reportsToName", writable=False, monitorable=False),
    FieldDef(1360, "Employment Status", "list", "employmentHistoryStatus", writable=False),
    FieldDef(4046, "Last changed", "timestamp", "lastChanged", writable=False, monitorable=False),
    FieldDef(4501, "Job Level", "int", "customJobLevel", custom=True),
    FieldDef(4502, "Mentor Opt-in", "checkbox", "customMentorOptIn", custom=True),
    FieldDef(4503, "Mentee Opt-in", "checkbox", "customMenteeOptIn", custom=True),
    FieldDef(4504, "Mentor Capacity", "int", "customMentorCapacity", custom=True),
    FieldDef(4505, "Time Zone", "text", "customTimeZone", custom=True),
    FieldDef(4506, "Languages", "text", "customLanguages", custom=True),
)
FIELDS_BY_ALIAS: dict[str, FieldDef] = {definition.alias: definition for definition in EMPLOYEE_FIELDS}
# `fields=` accepts numeric field ids as well as aliases.
FIELDS_BY_ID: dict[str, FieldDef] = {str(definition.id): definition for definition in EMPLOYEE_FIELDS}
# Fields that live in the jobInfo table; a change to them is a change to the current jobInfo row.
JOB_FIELDS: tuple[str, ...] = ("jobTitle", "department", "division", "location")

EMPLOYMENT_STATUSES: tuple[str, ...] = ("Full-Time", "Part-Time", "Contractor", "Terminated")
TERMINATED = "Terminated"

TABLES: tuple[TableDef, ...] = (
    TableDef(
        "jobInfo",
        (
            TableField(4047, "Date", "date", "date", required=True),
            TableField(18, "Location", "location", "list"),
            TableField(1355, "Division", "division", "list"),
            TableField(4, "Department", "department", "list"),
            TableField(17, "Job Title", "jobTitle", "list"),
            TableField(91, "Reporting to", "reportsTo", "employee"),
        ),
        historical=True,
    ),
    TableDef(
        "employmentStatus",
        (
            TableField(1936, "Date", "date", "date", required=True),
            TableField(1360, "Employment Status", "employmentStatus", "list", options=EMPLOYMENT_STATUSES),
            TableField(4045, "Comment", "comment", "textarea"),
        ),
        historical=True,
    ),
    TableDef(
        "customCoachingSkills",
        (
            TableField(4601, "Skill", "customSkill", "text", required=True),
            TableField(4602, "Proficiency", "customProficiency", "int", min_value=1, max_value=5),
        ),
    ),
    TableDef(
        "customLearningGoals",
        (
            TableField(4611, "Skill", "customSkill", "text", required=True),
            TableField(4612, "Priority", "customPriority", "int", min_value=1, max_value=5),
        ),
    ),
    TableDef(
        "customMentorships",
        (
            TableField(4621, "Program", "customProgram", "text"),
            TableField(4622, "Role", "customRole", "list", options=("Mentor", "Mentee")),
            TableField(4623, "Partner ID", "customPartnerId", "text"),
            TableField(4624, "Pairing ID", "customPairingId", "text"),
            TableField(4625, "Start Date", "customStartDate", "date"),
            TableField(4626, "End Date", "customEndDate", "date"),
            TableField(4627, "Status", "customStatus", "list", options=("Active", "Ended")),
            TableField(4628, "Notes", "customNotes", "textarea"),
        ),
    ),
    TableDef(
        "customTrainingAssignments",
        (
            TableField(4631, "Assignment ID", "customAssignmentId", "text"),
            TableField(4632, "Pairing ID", "customPairingId", "text"),
            TableField(4633, "Item", "customItem", "text"),
            TableField(4634, "Title", "customTitle", "text"),
            TableField(4635, "Due Date", "customDueDate", "date"),
            TableField(4636, "Status", "customStatus", "list", options=("Assigned", "Completed")),
            TableField(4637, "Link", "customLink", "text"),
        ),
    ),
)
TABLES_BY_ALIAS: dict[str, TableDef] = {table.alias: table for table in TABLES}

# List fields whose options grow with the account (managed in Settings by the admin).
MANAGED_LISTS: dict[str, FieldDef] = {alias: FIELDS_BY_ALIAS[alias] for alias in JOB_FIELDS}
