"""Who may take each side of a programme: the directory read once into columns, pools chosen by numpy.

`pool_members` decides for the whole directory at once; `pool_exclusion` says why one person is
outside, in words an admin can act on. The two must agree (a property test holds them to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorship.models import CoachableSkill, Employee, EmploymentStatus, LearningWish, PoolSelector

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

UNKNOWN = -1
"""Code of a missing level, hire date, department or location in the columns below."""

_FIELDS = (
    "employee_id",
    "display_name",
    "manager_id",
    "status",
    "hire_date",
    "level",
    "department",
    "location",
    "time_zone",
    "languages",
    "mentor_opt_in",
    "mentee_opt_in",
    "mentor_capacity",
    "coach_skills",
    "learn_skills",
    "goals",
)
_FACTS = attrgetter(*_FIELDS)


@dataclass(frozen=True)
class Directory:
    """The directory's per-person facts as columns (index = position in the employee list).

    Departments and locations are coded by their case-folded names; each code list maps a code
    back to its name."""

    ids: tuple[str, ...]
    names: tuple[str, ...]  # display names: PII, for explanations only
    manager_ids: tuple[str | None, ...]
    active: BoolArray
    hired: IntArray  # date ordinal, UNKNOWN when not on record
    level: IntArray  # UNKNOWN when not on record
    department: IntArray  # code into department_names, UNKNOWN when blank
    department_names: list[str]
    location: IntArray  # code into location_names, UNKNOWN when blank
    location_names: list[str]
    time_zones: tuple[str | None, ...]
    languages: tuple[tuple[str, ...], ...]
    mentor_opt_in: BoolArray
    mentee_opt_in: BoolArray
    capacity: IntArray  # 0 when the HRIS has none
    # read here too, while each record is at hand: pool members' lists are read again later
    coach_skills: tuple[tuple[CoachableSkill, ...], ...]
    learn_skills: tuple[tuple[LearningWish, ...], ...]
    goals: tuple[tuple[str, ...], ...]

    @classmethod
    def read(cls, employees: Sequence[Employee]) -> Directory:
        """One pass over the records (attribute reads dominate: each record lives elsewhere in memory)."""
        count = len(employees)
        columns = list(zip(*map(_FACTS, employees), strict=True)) or [()] * len(_FIELDS)
        ids, names, managers, statuses, hired, levels, departments, locations = columns[:8]
        zones, languages, mentor_opt_in, mentee_opt_in, capacity = columns[8:13]
        coach_skills, learn_skills, goals = columns[13:]
        department_codes, department_names = _coded_names(departments)
        location_codes, location_names = _coded_names(locations)
        return cls(
            ids=ids,
            names=names,
            manager_ids=managers,
            active=_column((status is EmploymentStatus.ACTIVE for status in statuses), np.bool_, count),
            hired=_column((UNKNOWN if day is None else day.toordinal() for day in hired), np.int64, count),
            level=_column((UNKNOWN if level is None else level for level in levels), np.int64, count),
            department=department_codes,
            department_names=department_names,
            location=location_codes,
            location_names=location_names,
            time_zones=zones,
            languages=languages,
            mentor_opt_in=_column(mentor_opt_in, np.bool_, count),
            mentee_opt_in=_column(mentee_opt_in, np.bool_, count),
            capacity=_column(capacity, np.int64, count),
            coach_skills=coach_skills,
            learn_skills=learn_skills,
            goals=goals,
        )

    @property
    def size(self) -> int:
        return len(self.ids)


def _column(values: Any, dtype: type[np.generic], count: int) -> npt.NDArray[Any]:
    return np.fromiter(values, dtype=dtype, count=count)


def _coded_names(values: Sequence[str | None]) -> tuple[IntArray, list[str]]:
    """Codes by case-folded name (blank -> UNKNOWN), first appearance first, and the names."""
    names: list[str] = []
    code_of_key: dict[str, int] = {}
    code_of: dict[str | None, int] = {}
    for value in dict.fromkeys(values):
        key = (value or "").casefold()
        if not key:
            code_of[value] = UNKNOWN
            continue
        if key not in code_of_key:
            code_of_key[key] = len(names)
            names.append(key)
        code_of[value] = code_of_key[key]
    return _column(map(code_of.__getitem__, values), np.int64, len(values)), names


def pool_members(directory: Directory, selector: PoolSelector, *, mentor: bool, today: date) -> BoolArray:
    """Per person, inside the pool? Exactly the people for whom `pool_exclusion` finds no reason."""
    inside = directory.active & (directory.hired <= today.toordinal())
    if selector.require_opt_in:
        inside &= directory.mentor_opt_in if mentor else directory.mentee_opt_in
    if selector.departments:
        inside &= _named(directory.department, directory.department_names, selector.departments)
    if selector.locations:
        inside &= _named(directory.location, directory.location_names, selector.locations)
    if selector.min_level is not None or selector.max_level is not None:
        inside &= directory.level != UNKNOWN
        if selector.min_level is not None:
            inside &= directory.level >= selector.min_level
        if selector.max_level is not None:
            inside &= directory.level <= selector.max_level
    if selector.min_tenure_days is not None or selector.hired_within_days is not None:
        inside &= directory.hired != UNKNOWN
        tenure = today.toordinal() - directory.hired
        if selector.min_tenure_days is not None:
            inside &= tenure >= selector.min_tenure_days
        if selector.hired_within_days is not None:
            inside &= tenure <= selector.hired_within_days
    return inside


def _named(codes: IntArray, names: list[str], wanted: Sequence[str]) -> BoolArray:
    keys = {name.casefold() for name in wanted}
    chosen = [code for code, name in enumerate(names) if name in keys]
    if "" in keys:
        chosen.append(UNKNOWN)
    return np.isin(codes, chosen)


def pool_exclusion(employee: Employee, selector: PoolSelector, *, mentor: bool, today: date) -> str | None:
    """Why `employee` is outside a pool, in words an admin can act on; None when inside."""
    if not employee.is_active:
        return "is no longer active in the HRIS"
    if employee.hire_date is not None and employee.hire_date > today:
        return "has not started yet"
    if selector.require_opt_in and not (employee.mentor_opt_in if mentor else employee.mentee_opt_in):
        return f"has not opted in as a {'mentor' if mentor else 'mentee'}"
    if selector.departments and (employee.department or "").casefold() not in {
        name.casefold() for name in selector.departments
    }:
        return "works in a department outside the programme's pool"
    if selector.locations and (employee.location or "").casefold() not in {
        name.casefold() for name in selector.locations
    }:
        return "works at a location outside the programme's pool"
    if selector.min_level is not None or selector.max_level is not None:
        if employee.level is None:
            return "has no level on record, and the pool is limited by level"
        if selector.min_level is not None and employee.level < selector.min_level:
            return f"is below the pool's minimum level {selector.min_level}"
        if selector.max_level is not None and employee.level > selector.max_level:
            return f"is above the pool's maximum level {selector.max_level}"
    if selector.min_tenure_days is not None or selector.hired_within_days is not None:
        if employee.hire_date is None:
            return "has no hire date on record, and the pool is limited by tenure"
        tenure = (today - employee.hire_date).days
        if selector.min_tenure_days is not None and tenure < selector.min_tenure_days:
            return f"has less than the pool's minimum tenure of {selector.min_tenure_days} days"
        if selector.hired_within_days is not None and tenure > selector.hired_within_days:
            return f"was hired more than {selector.hired_within_days} days ago (new-hire window)"
    return None


__all__ = ["UNKNOWN", "Directory", "pool_exclusion", "pool_members"]
