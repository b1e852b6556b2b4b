"""Check an installation's field mapping against the account, and propose one from its metadata.

Both work on what `meta/fields`, `meta/tables` and `meta/lists` return, so they are pure and the
CLI, the connector and the tests share them. Validation lists *every* missing field, table or
column in one `MappingError`, so an admin fixes the mapping in one pass, before any sync starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connectors.bamboohr.settings import BambooHRFieldMapping
from mentorship.errors import MappingError

Row = Mapping[str, Any]

# Values the write-back puts into list-typed columns; a list field must offer them.
WRITE_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("mentorships", "role"): ("Mentor", "Mentee"),
    ("mentorships", "status"): ("Active", "Ended"),
    ("training_assignments", "status"): ("Assigned", "Completed"),
}


def known_field_names(meta_fields: Iterable[Row]) -> set[str]:
    """Every name a field can be requested by: its alias and its id."""
    names: set[str] = set()
    for entry in meta_fields:
        for key in ("alias", "id"):
            if entry.get(key) not in (None, ""):
                names.add(str(entry[key]))
    return names


def table_columns(meta_tables: Iterable[Row]) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for table in meta_tables:
        alias = str(table.get("alias") or "")
        if alias:
            columns[alias] = {
                str(col.get(key))
                for col in table.get("fields") or []
                for key in ("alias", "id")
                if col.get(key)
            }
    return columns


def mapping_problems(
    mapping: BambooHRFieldMapping, meta_fields: Iterable[Row], meta_tables: Iterable[Row]
) -> list[str]:
    """What the mapping names that the account lacks, one sentence per missing thing."""
    problems: list[str] = []
    names = known_field_names(meta_fields)
    for role, alias in mapping.custom_fields().items():
        if alias not in names:
            problems.append(f"field `{alias}` (mapping.{role}) does not exist in this BambooHR account")
    tables = table_columns(meta_tables)
    for role, (table, columns) in mapping.tables().items():
        if table not in tables:
            problems.append(f"table `{table}` (mapping.{role}.table) does not exist in this BambooHR account")
            continue
        for column in columns:
            if column not in tables[table]:
                problems.append(f"column `{column}` of table `{table}` (mapping.{role}) does not exist")
    return problems


def validate_mapping(
    mapping: BambooHRFieldMapping, meta_fields: Iterable[Row], meta_tables: Iterable[Row]
) -> None:
    problems = mapping_problems(mapping, meta_fields, meta_tables)
    if problems:
        raise MappingError("the BambooHR field mapping does not fit the account: " + "; ".join(problems))


def list_option_problems(mapping: BambooHRFieldMapping, meta_lists: Iterable[Row]) -> list[str]:
    """Write-back values a list-typed column would refuse (BambooHR answers 406 for those)."""
    options_by_alias = {
        str(entry.get("alias")): {
            str(o.get("name")) for o in entry.get("options") or [] if o.get("archived") != "yes"
        }
        for entry in meta_lists
        if entry.get("alias")
    }
    problems = []
    for (role, attribute), values in WRITE_VALUES.items():
        alias = getattr(getattr(mapping, role), attribute)
        if alias in options_by_alias:
            missing = [v for v in values if v not in options_by_alias[alias]]
            if missing:
                problems.append(f"list field `{alias}` lacks the option(s) {', '.join(missing)}")
    return problems


@dataclass
class Proposal:
    """A mapping guessed from the account's metadata, with what could not be guessed."""

    mapping: dict[str, Any] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_FIELD_PATTERNS: dict[str, str] = {
    "job_level": r"(job|career|grade).?level|level|grade|band",
    "mentor_opt_in": r"mentor(?!ee).*(opt|willing|available|in)",
    "mentee_opt_in": r"mentee.*(opt|willing|available|in)",
    "mentor_capacity": r"(mentor|mentee).*(capacity|max|limit)|capacity",
    "time_zone": r"time.?zone|tz$",
    "languages": r"language",
    "manager_id": r"supervisor.?e?id|reports.?to.?id|manager.?id",
}
_TABLE_PATTERNS: dict[str, str] = {
    "coach_skills": r"coach|teach|expert|skills?.?(i|to).?(can|share|offer)",
    "learn_skills": r"learn|develop|growth|wish|interest",
    "mentorships": r"mentorship|pairing",
    "training_assignments": r"training.?assign|assignment",
}
_COLUMN_PATTERNS: dict[str, dict[str, str]] = {
    "coach_skills": {"skill": r"skill", "weight": r"proficien|level|rating|expertise"},
    "learn_skills": {"skill": r"skill", "weight": r"priority|importance|rank"},
    "mentorships": {
        "program": r"program",
        "role": r"role",
        "partner_id": r"partner|counterpart",
        "pairing_id": r"pairing",
        "start_date": r"start",
        "end_date": r"end",
        "status": r"status",
        "notes": r"note|comment",
    },
    "training_assignments": {
        "assignment_id": r"assignment",
        "pairing_id": r"pairing",
        "item": r"item|course",
        "title": r"title|name",
        "due_date": r"due",
        "status": r"status",
        "link": r"link|url",
    },
}


def propose_mapping(
    meta_fields: Sequence[Row], meta_tables: Sequence[Row], meta_lists: Sequence[Row]
) -> Proposal:
    """Guess the mapping from names and aliases; the admin reviews it before saving it to the secret."""
    proposal = Proposal()
    candidates = [f for f in meta_fields if f.get("alias")]
    taken: set[str] = set()
    for role, pattern in _FIELD_PATTERNS.items():
        match = _best(candidates, pattern, taken, prefer_custom=role != "manager_id")
        if match is None:
            proposal.unresolved.append(f"mapping.{role}")
            continue
        taken.add(match)
        proposal.mapping[role] = match
    tables = [t for t in meta_tables if t.get("alias")]
    used_tables: set[str] = set()
    for role, pattern in _TABLE_PATTERNS.items():
        table = next(
            (t for t in tables if t["alias"] not in used_tables and _matches(t, pattern)),
            None,
        )
        if table is None:
            proposal.unresolved.append(f"mapping.{role}")
            continue
        used_tables.add(str(table["alias"]))
        entry: dict[str, str] = {"table": str(table["alias"])}
        columns = [c for c in table.get("fields") or [] if c.get("alias")]
        used_columns: set[str] = set()
        for attribute, column_pattern in _COLUMN_PATTERNS[role].items():
            column = _best(columns, column_pattern, used_columns, prefer_custom=False)
            if column is None:
                proposal.unresolved.append(f"mapping.{role}.{attribute}")
                continue
            used_columns.add(column)
            entry[attribute] = column
        proposal.mapping[role] = entry
    try:
        mapping = BambooHRFieldMapping.model_validate(proposal.mapping)
    except ValueError:
        return proposal
    proposal.warnings.extend(list_option_problems(mapping, meta_lists))
    return proposal


def _matches(entry: Row, pattern: str) -> bool:
    text = f"{entry.get('alias', '')} {entry.get('name', '')}"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _best(entries: Sequence[Row], pattern: str, taken: set[str], *, prefer_custom: bool) -> str | None:
    matching = [str(e["alias"]) for e in entries if str(e["alias"]) not in taken and _matches(e, pattern)]
    if prefer_custom:
        matching.sort(key=lambda alias: not alias.startswith("custom"))
    return matching[0] if matching else None
