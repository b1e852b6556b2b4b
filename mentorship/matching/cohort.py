"""The directory as arrays: one pass over `Employee` records, so scoring and rules never loop over pairs.

Both sides of a programme (mentor pool, mentee pool) become column arrays: level, department,
time-zone offset, language set, position in the org tree, and skill matrices. Everything after
this module is numpy over these arrays. Python touches each record once for its plain facts
(pools.py) and each pool member once more for its skill lists and goals.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from mentorship.errors import InvalidRequest
from mentorship.matching.org_tree import OrgTree, build_tree
from mentorship.matching.pools import Directory, pool_members
from mentorship.matching.rules import WORKDAY_HOURS, shared_hours_matrix
from mentorship.models import CoachableSkill, Employee, LearningWish, Program
from mentorship.skills import SkillNormaliser

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FOCUS_BOOST = 2.0
"""A focus skill of the programme counts this many times its stated priority."""


@dataclass(frozen=True)
class Side:
    """One side of a programme: directory indices and the per-person arrays rules and scores use."""

    people: IntArray
    ids: list[str]
    names: list[str]  # display names: PII, for explanations only, never logged
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
    directory = Directory.read(employees)
    index_of = dict(zip(directory.ids, range(directory.size), strict=True))
    if len(index_of) != directory.size:
        seen: set[str] = set()
        for employee_id in directory.ids:
            if employee_id in seen:
                raise InvalidRequest(f"employee id {employee_id!r} appears twice", field="employees")
            seen.add(employee_id)
    try:
        normaliser = SkillNormaliser(synonyms)
    except ValueError as error:
        raise InvalidRequest(str(error), field="synonyms") from error
    skills = _SkillCatalogue(normaliser)
    focus = frozenset(skills.id_of(name) for name in program.focus_skills)

    mentor_people = np.flatnonzero(pool_members(directory, program.mentor_pool, mentor=True, today=today))
    in_mentee_pool = pool_members(directory, program.mentee_pool, mentor=False, today=today)
    if only_mentees is not None:
        allowed = np.zeros(directory.size, dtype=np.bool_)
        allowed[[index_of[mentee] for mentee in only_mentees if mentee in index_of]] = True
        in_mentee_pool &= allowed
    if excluded_mentees:
        in_mentee_pool[[index_of[mentee] for mentee in excluded_mentees if mentee in index_of]] = False
    mentee_people = np.flatnonzero(in_mentee_pool)

    coached = _named_skills(directory.coach_skills, mentor_people, "proficiency", skills)
    wished = _named_skills(directory.learn_skills, mentee_people, "priority", skills)
    skills_count = max(len(skills.display), 1)
    proficiency = np.zeros((mentor_people.size, skills_count))
    np.maximum.at(proficiency, (coached.rows, coached.skills), coached.values / 5.0)
    wish_priority = np.zeros((mentee_people.size, skills_count), dtype=np.int64)
    np.maximum.at(wish_priority, (wished.rows, wished.skills), wished.values)
    goal_weight = _goal_weights(directory.goals, mentee_people, skills, skills_count)
    boost = np.ones(skills_count)
    boost[list(focus)] = FOCUS_BOOST
    raw_weight = wish_priority * boost
    totals = raw_weight.sum(axis=1, keepdims=True)
    wish_weight = np.divide(raw_weight, totals, out=np.zeros_like(raw_weight), where=totals > 0)

    zones = _TimeZones(directory, today)
    languages = _LanguageSets(directory)
    mentors = _side(directory, mentor_people, coached.per_row, zones, languages)
    mentees = _side(directory, mentee_people, wished.per_row, zones, languages)
    capacity = directory.capacity[mentor_people]
    capacity = np.where(capacity > 0, capacity, program.default_capacity)
    held = np.asarray([(locked_load or {}).get(mentor_id, 0) for mentor_id in mentors.ids], dtype=np.int64)
    spoken_sets = languages.sets
    return Cohort(
        directory=employees,
        index_of=index_of,
        tree=build_tree(directory.manager_ids, index_of),
        mentors=mentors,
        mentees=mentees,
        skill_keys=list(skills.vocabulary),
        skill_display=skills.display,
        time_zones=zones.names,
        # At least one zone: scoring gathers with clipped indices and masks unknown zones (-1) after,
        # which needs a non-empty matrix even when nobody in the directory has a time zone.
        shared_hours=shared_hours_matrix(np.asarray(zones.offsets or [0.0], dtype=np.float64)),
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


class _SkillCatalogue:
    """Skill ids in order of first appearance, by canonical name; cached by the name as written
    (a catalogue has few names, a directory many uses of them)."""

    def __init__(self, normaliser: SkillNormaliser) -> None:
        self.normaliser = normaliser
        self.vocabulary: dict[str, int] = {}
        self.display: list[str] = []
        self.id_of_written: dict[str, int] = {}

    def id_of(self, written: str) -> int:
        found = self.id_of_written.get(written)
        if found is None:
            key = self.normaliser.canonical(written)
            found = self.vocabulary.get(key)
            if found is None:
                found = self.vocabulary[key] = len(self.display)
                self.display.append(written.strip())
            self.id_of_written[written] = found
        return found


@dataclass(frozen=True)
class _NamedSkills:
    """One side's skill lists: (row, skill, proficiency or priority) triples and sorted ids per row."""

    rows: IntArray
    skills: IntArray
    values: IntArray
    per_row: list[list[int]]


def _named_skills(
    lists: Sequence[Sequence[CoachableSkill | LearningWish]],
    people: IntArray,
    value: str,
    catalogue: _SkillCatalogue,
) -> _NamedSkills:
    """The skill lists of `people` (their rows in order), ids given in order of first appearance."""
    read = attrgetter("name", value)
    known = catalogue.id_of_written
    rows: list[int] = []
    skills: list[int] = []
    values: list[int] = []
    per_row: list[list[int]] = []
    for row, named in enumerate(map(lists.__getitem__, people.tolist())):
        ids: list[int] = []
        for name, level in map(read, named):
            skill = known.get(name)
            if skill is None:
                skill = catalogue.id_of(name)
            ids.append(skill)
            values.append(level)
        rows.extend(repeat(row, len(ids)))
        skills.extend(ids)
        per_row.append(sorted(set(ids)))
    return _NamedSkills(
        rows=np.asarray(rows, dtype=np.int64),
        skills=np.asarray(skills, dtype=np.int64),
        values=np.asarray(values, dtype=np.int64),
        per_row=per_row,
    )


def _goal_weights(
    goals_of: Sequence[Sequence[str]], mentees: IntArray, catalogue: _SkillCatalogue, skills_count: int
) -> FloatArray:
    """Per mentee and skill, the share of the mentee's goal-named skills (goals name no new skills)."""
    weight = np.zeros((mentees.size, skills_count))
    named_in: dict[str, list[int]] = {}
    rows: list[int] = []
    columns: list[int] = []
    shares: list[float] = []
    for row, goals in enumerate(map(goals_of.__getitem__, mentees.tolist())):
        named: set[int] = set()
        for goal in goals:
            found = named_in.get(goal)
            if found is None:
                found = named_in[goal] = catalogue.normaliser.skills_named_in(goal, catalogue.vocabulary)
            named.update(found)
        rows.extend(repeat(row, len(named)))
        columns.extend(named)
        shares.extend(repeat(1.0 / len(named), len(named)) if named else ())
    weight[rows, columns] = shares
    return weight


class _TimeZones:
    """Zone codes of the whole directory, by name (unknown names and blanks -> -1), with offsets."""

    def __init__(self, directory: Directory, today: date) -> None:
        self.names: list[str] = []
        self.offsets: list[float] = []
        code_of: dict[str | None, int] = {}
        for zone in dict.fromkeys(directory.time_zones):
            offset = utc_offset_hours(zone, today) if zone else None
            code_of[zone] = -1 if offset is None else len(self.offsets)
            if offset is not None and zone is not None:
                self.names.append(zone)
                self.offsets.append(offset)
        self.codes = np.fromiter(map(code_of.__getitem__, directory.time_zones), np.int64, directory.size)


class _LanguageSets:
    """Language-set codes of the whole directory: one code per distinct set of case-folded names."""

    def __init__(self, directory: Directory) -> None:
        code_of_set: dict[frozenset[str], int] = {}
        code_of: dict[tuple[str, ...], int] = {}  # as written
        for written in dict.fromkeys(directory.languages):
            spoken = frozenset(language.casefold() for language in written)
            code_of[written] = code_of_set.setdefault(spoken, len(code_of_set))
        self.sets = list(code_of_set)
        self.codes = np.fromiter(map(code_of.__getitem__, directory.languages), np.int64, directory.size)


def _side(
    directory: Directory,
    people: IntArray,
    skills: list[list[int]],
    zones: _TimeZones,
    languages: _LanguageSets,
) -> Side:
    members = people.tolist()
    return Side(
        people=people,
        ids=list(map(directory.ids.__getitem__, members)),
        names=list(map(directory.names.__getitem__, members)),
        level=directory.level[people],
        department=directory.department[people],
        time_zone=zones.codes[people],
        language_set=languages.codes[people],
        skills=skills,
    )


__all__ = ["WORKDAY_HOURS", "Cohort", "OrgTree", "Side", "SkillTerms", "build_cohort"]
