"""The directory as arrays: one pass over `Employee` records, so scoring and rules never loop over pairs.

Both sides of a programme (mentor pool, mentee pool) become column arrays: level, department,
time-zone offset, language set, position in the org tree, and skill matrices. Everything after
this module is numpy over these arrays.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from mentorship.errors import InvalidRequest
from mentorship.matching.rules import WORKDAY_HOURS, shared_hours_matrix
from mentorship.models import Employee, PoolSelector, Program
from mentorship.skills import SkillNormaliser

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FOCUS_BOOST = 2.0
"""A focus skill of the programme counts this many times its stated priority."""


@dataclass(frozen=True)
class OrgTree:
    """Reporting lines as Euler-tour intervals: `a` manages `b` (directly or not) iff
    tin[a] < tin[b] < tout[a]. Unknown managers and cycles in HRIS data become roots."""

    parent: IntArray
    tin: IntArray
    tout: IntArray

    def is_above(self, upper: IntArray, lower: IntArray) -> BoolArray:
        """Element-wise (broadcasting): is `upper` in `lower`'s chain of managers?"""
        return (self.tin[upper] < self.tin[lower]) & (self.tin[lower] < self.tout[upper])


@dataclass(frozen=True)
class Side:
    """One side of a programme: directory indices and the per-person arrays rules and scores use."""

    people: IntArray
    ids: list[str]
    level: IntArray  # -1 when unknown
    department: IntArray  # -1 when unknown
    time_zone: IntArray  # index into Cohort.time_zones, -1 when unknown
    language_set: IntArray  # index into Cohort.language_sets
    skills: list[list[int]]  # coach skills (mentors) or learning wishes (mentees), skill ids

    @property
    def size(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class SkillTerms:
    """Per mentee row (CSR), the skills it wishes to learn or names in a goal: a pair's score reads
    only these few of the catalogue's skills."""

    start: IntArray  # [mentees + 1] into the arrays below
    skill: IntArray
    wish: FloatArray  # wish_weight[row, skill]
    goal: FloatArray  # goal_weight[row, skill]


@dataclass(frozen=True)
class Cohort:
    """Everything matching one programme needs, as arrays."""

    directory: Sequence[Employee]
    index_of: Mapping[str, int]
    tree: OrgTree
    mentors: Side
    mentees: Side
    skill_keys: list[str]
    skill_display: list[str]
    time_zones: list[str]
    shared_hours: FloatArray  # [tz, tz] hours of shared 9-to-5 working time
    language_sets: list[frozenset[str]]
    language_overlap: BoolArray  # [set, set] do two language sets share a language?
    proficiency: FloatArray  # [mentor, skill] proficiency / 5, 0 where not coached
    wish_weight: FloatArray  # [mentee, skill] normalised priority (focus boosted), rows sum to 1
    wish_priority: IntArray  # [mentee, skill] stated priority 1..5, 0 where not wished
    goal_weight: FloatArray  # [mentee, skill] share of the mentee's goal-named skills
    capacity: IntArray  # per mentor: programme capacity
    residual: IntArray  # per mentor: capacity left after locked pairings
    locked_load: IntArray  # per mentor: locked pairings already held
    focus: frozenset[int]

    @cached_property
    def goal_skills(self) -> list[list[int]]:
        """Per mentee row, the skills its goals name (for explanations, pair by pair)."""
        rows, skills = np.nonzero(self.goal_weight > 0)
        ends = np.searchsorted(rows, np.arange(1, self.mentees.size + 1)).tolist()
        named = skills.tolist()
        return [named[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]

    @cached_property
    def skill_terms(self) -> SkillTerms:
        rows, skills = np.nonzero((self.wish_weight != 0) | (self.goal_weight != 0))
        return SkillTerms(
            start=np.searchsorted(rows, np.arange(self.mentees.size + 1)).astype(np.int64),
            skill=skills.astype(np.int64),
            wish=self.wish_weight[rows, skills],
            goal=self.goal_weight[rows, skills],
        )


def build_tree(directory: Sequence[Employee], index_of: Mapping[str, int]) -> OrgTree:
    """Euler tour of the reporting forest, iteratively (org charts can be deep)."""
    count = len(directory)
    parent = np.full(count, -1, dtype=np.int64)
    for index, employee in enumerate(directory):
        if employee.manager_id is not None:
            parent[index] = index_of.get(employee.manager_id, -1)
    # Break cycles: walk up from each node with a colour marker; a back edge makes the node a root.
    # (Python lists here: numpy scalar access costs more than the walk itself.)
    up = parent.tolist()
    state = bytearray(count)  # 0 unseen, 1 on current path, 2 done
    for start in range(count):
        path: list[int] = []
        node = start
        while node != -1 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = up[node]
        if node != -1 and state[node] == 1:
            up[node] = -1
        for visited in path:
            state[visited] = 2
    parent = np.asarray(up, dtype=np.int64)
    # Children as one sorted array (CSR by parent), not a list per person: cheaper to build.
    by_parent = np.argsort(parent, kind="stable")
    first_child = np.searchsorted(parent[by_parent], np.arange(count + 1))
    children = by_parent.tolist()
    child_start = first_child.tolist()
    tin = np.zeros(count, dtype=np.int64)
    tout = np.zeros(count, dtype=np.int64)
    clock = 0
    for root in range(count):
        if parent[root] != -1:
            continue
        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                tout[node] = clock
                clock += 1
                continue
            tin[node] = clock
            clock += 1
            stack.append((node, True))
            stack.extend(
                (child, False) for child in reversed(children[child_start[node] : child_start[node + 1]])
            )
    return OrgTree(parent=parent, tin=tin, tout=tout)


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


def utc_offset_hours(zone_name: str, today: date) -> float | None:
    """The zone's UTC offset on `today` (DST-aware), or None for an unknown zone name."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    offset = datetime.combine(today, time(12), tzinfo=zone).utcoffset()
    return None if offset is None else offset.total_seconds() / 3600.0


def build_cohort(
    program: Program,
    employees: Sequence[Employee],
    *,
    today: date,
    synonyms: Mapping[str, str] | None,
    excluded_mentees: Collection[str] = (),
    only_mentees: Collection[str] | None = None,
    locked_load: Mapping[str, int] | None = None,
) -> Cohort:
    """Select both pools and turn them into arrays. Raises InvalidRequest on duplicate ids."""
    index_of: dict[str, int] = {}
    for index, employee in enumerate(employees):
        if employee.employee_id in index_of:
            raise InvalidRequest(f"employee id {employee.employee_id!r} appears twice", field="employees")
        index_of[employee.employee_id] = index
    tree = build_tree(employees, index_of)
    try:
        normaliser = SkillNormaliser(synonyms)
    except ValueError as error:
        raise InvalidRequest(str(error), field="synonyms") from error

    vocabulary: dict[str, int] = {}
    display: list[str] = []
    id_of_name: dict[str, int] = {}  # as written: a catalogue has few names, a directory many uses

    def skill_id(raw: str) -> int:
        found = id_of_name.get(raw)
        if found is not None:
            return found
        key = normaliser.canonical(raw)
        found = vocabulary.get(key)
        if found is None:
            found = vocabulary[key] = len(display)
            display.append(raw.strip())
        id_of_name[raw] = found
        return found

    focus = frozenset(skill_id(name) for name in program.focus_skills)
    departments: dict[str, int] = {}
    zones: dict[str, int] = {}
    zone_offsets: list[float] = []
    language_sets: dict[frozenset[str], int] = {}
    language_set_of: dict[tuple[str, ...], int] = {}  # as written, to its set's code

    def language_set(languages: Sequence[str]) -> int:
        written = tuple(languages)
        code = language_set_of.get(written)
        if code is None:
            spoken = frozenset(language.casefold() for language in written)
            code = language_set_of[written] = language_sets.setdefault(spoken, len(language_sets))
        return code

    def side(selector: PoolSelector, *, mentor: bool, allowed: Collection[str] | None) -> Side:
        people: list[int] = []
        levels: list[int] = []
        depts: list[int] = []
        tzs: list[int] = []
        langs: list[int] = []
        skills: list[list[int]] = []
        for index, employee in enumerate(employees):
            if allowed is not None and employee.employee_id not in allowed:
                continue
            if pool_exclusion(employee, selector, mentor=mentor, today=today) is not None:
                continue
            people.append(index)
            levels.append(-1 if employee.level is None else employee.level)
            dept = (employee.department or "").casefold()
            depts.append(departments.setdefault(dept, len(departments)) if dept else -1)
            zone = employee.time_zone or ""
            if zone not in zones:
                offset = utc_offset_hours(zone, today) if zone else None
                zones[zone] = -1 if offset is None else len(zone_offsets)
                if offset is not None:
                    zone_offsets.append(offset)
            tzs.append(zones[zone])
            langs.append(language_set(employee.languages))
            named = employee.coach_skills if mentor else employee.learn_skills
            skills.append(sorted({skill_id(item.name) for item in named}))
        return Side(
            people=np.asarray(people, dtype=np.int64),
            ids=[employees[index].employee_id for index in people],
            level=np.asarray(levels, dtype=np.int64),
            department=np.asarray(depts, dtype=np.int64),
            time_zone=np.asarray(tzs, dtype=np.int64),
            language_set=np.asarray(langs, dtype=np.int64),
            skills=skills,
        )

    mentors = side(program.mentor_pool, mentor=True, allowed=None)
    mentee_filter: set[str] | None = None if only_mentees is None else set(only_mentees)
    if excluded_mentees:
        if mentee_filter is None:
            mentee_filter = {employee.employee_id for employee in employees}
        mentee_filter -= set(excluded_mentees)
    mentees = side(program.mentee_pool, mentor=False, allowed=mentee_filter)

    skills_count = max(len(display), 1)
    proficiency = np.zeros((mentors.size, skills_count))
    coached = [
        (row, skill_id(item.name), item.proficiency / 5.0)
        for row, index in enumerate(mentors.people.tolist())
        for item in employees[index].coach_skills
    ]
    if coached:  # the highest proficiency where one skill is listed twice
        rows, columns, levels_coached = zip(*coached, strict=True)
        np.maximum.at(proficiency, (list(rows), list(columns)), list(levels_coached))
    wish_priority = np.zeros((mentees.size, skills_count), dtype=np.int64)
    wished = [
        (row, skill_id(wish.name), wish.priority)
        for row, index in enumerate(mentees.people.tolist())
        for wish in employees[index].learn_skills
    ]
    if wished:
        rows, columns, priorities = zip(*wished, strict=True)
        np.maximum.at(wish_priority, (list(rows), list(columns)), list(priorities))
    goal_weight = np.zeros((mentees.size, skills_count))
    goal_cache: dict[str, list[int]] = {}
    for row, index in enumerate(mentees.people.tolist()):
        employee = employees[index]
        named: set[int] = set()
        for goal in employee.goals:
            if goal not in goal_cache:
                goal_cache[goal] = normaliser.skills_named_in(goal, vocabulary)
            named.update(goal_cache[goal])
        for column in named:
            goal_weight[row, column] = 1.0 / len(named)
    boost = np.ones(skills_count)
    boost[list(focus)] = FOCUS_BOOST
    raw_weight = wish_priority * boost
    totals = raw_weight.sum(axis=1, keepdims=True)
    wish_weight = np.divide(raw_weight, totals, out=np.zeros_like(raw_weight), where=totals > 0)

    capacity = np.asarray(
        [employees[index].mentor_capacity or program.default_capacity for index in mentors.people],
        dtype=np.int64,
    )
    held = np.asarray([(locked_load or {}).get(mentor_id, 0) for mentor_id in mentors.ids], dtype=np.int64)
    spoken_sets = [languages for languages, _ in sorted(language_sets.items(), key=lambda item: item[1])]
    time_zone_names = [name for name, code in sorted(zones.items(), key=lambda item: item[1]) if code >= 0]
    return Cohort(
        directory=employees,
        index_of=index_of,
        tree=tree,
        mentors=mentors,
        mentees=mentees,
        skill_keys=list(vocabulary),
        skill_display=display,
        time_zones=time_zone_names,
        # At least one zone: scoring gathers with clipped indices and masks unknown zones (-1) after,
        # which needs a non-empty matrix even when nobody in the directory has a time zone.
        shared_hours=shared_hours_matrix(np.asarray(zone_offsets or [0.0], dtype=np.float64)),
        language_sets=spoken_sets,
        language_overlap=np.asarray(
            [[bool(left & right) for right in spoken_sets] for left in spoken_sets], dtype=np.bool_
        ).reshape(len(spoken_sets), len(spoken_sets)),
        proficiency=proficiency,
        wish_weight=wish_weight,
        wish_priority=wish_priority,
        goal_weight=goal_weight,
        capacity=capacity,
        residual=np.maximum(capacity - held, 0),
        locked_load=held,
        focus=focus,
    )


__all__ = ["WORKDAY_HOURS", "Cohort", "OrgTree", "Side", "SkillTerms", "build_cohort", "pool_exclusion"]
