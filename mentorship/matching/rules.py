"""The hard rules of a programme, evaluated on whole blocks of (mentee, mentor) pairs at once.

A pair is valid when every rule passes; the solver only ever sees valid pairs, so no proposal can
break one. The same rules, counted one by one, explain why a mentee has no eligible mentor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from mentorship.matching.keysets import unique_keys
from mentorship.models import Program, ProgramKind

if TYPE_CHECKING:
    from mentorship.matching.cohort import Cohort

WORKDAY_HOURS = 8.0
"""Both people work 9 to 5 local time; shared hours are the overlap of those windows."""

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def shared_hours_matrix(offsets: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Hours of shared 9-to-5 working time between every pair of UTC offsets (days wrap around)."""
    apart = np.abs(offsets[:, None] - offsets[None, :]) % 24.0
    apart = np.minimum(apart, 24.0 - apart)
    return np.clip(WORKDAY_HOURS - apart, 0.0, WORKDAY_HOURS)


def level_rule_text(program: Program) -> str | None:
    """The programme's level rule in words, or None where levels do not matter."""
    gap = program.min_level_gap
    if program.kind is ProgramKind.REVERSE:
        return f"the mentor must be at least {gap} level{'s' if gap != 1 else ''} below the mentee"
    if program.kind is ProgramKind.TRADITIONAL:
        return f"the mentor must be at least {gap} level{'s' if gap != 1 else ''} above the mentee"
    if program.kind is ProgramKind.PEER:
        band = program.peer_band
        return (
            "mentor and mentee must be at the same level"
            if band == 0
            else (f"mentor and mentee must be within {band} level{'s' if band != 1 else ''} of each other")
        )
    return None


@dataclass(frozen=True)
class RuleMasks:
    """Each hard rule's verdict on a block of pairs (True = the rule allows the pair)."""

    not_self: BoolArray
    level: BoolArray
    outside_chain: BoolArray
    no_shared_manager: BoolArray
    time_zone: BoolArray
    language: BoolArray

    def all(self) -> BoolArray:
        return (
            self.not_self
            & self.level
            & self.outside_chain
            & self.no_shared_manager
            & self.time_zone
            & self.language
        )


def level_allows(program: Program, mentee_level: IntArray, mentor_level: IntArray) -> BoolArray:
    """The programme's level rule (broadcasting); unknown levels (-1) fail any level rule."""
    gap = program.min_level_gap
    known = (mentee_level >= 0) & (mentor_level >= 0)
    if program.kind is ProgramKind.REVERSE:
        return known & (mentor_level <= mentee_level - gap)
    if program.kind is ProgramKind.TRADITIONAL:
        return known & (mentor_level >= mentee_level + gap)
    if program.kind is ProgramKind.PEER:
        close: BoolArray = np.abs(mentor_level - mentee_level) <= program.peer_band
        return known & close
    return np.ones(np.broadcast_shapes(mentee_level.shape, mentor_level.shape), dtype=np.bool_)


def evaluate(program: Program, cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray) -> RuleMasks:
    """Every hard rule for the block mentee_rows x mentor_cols (pool positions)."""
    return _masks(program, cohort, mentee_rows[:, None], mentor_cols[None, :])


def evaluate_pairs(
    program: Program, cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray
) -> RuleMasks:
    """Every hard rule for aligned pairs (mentee_rows[k], mentor_cols[k])."""
    return _masks(program, cohort, mentee_rows, mentor_cols)


def _masks(program: Program, cohort: Cohort, rows: IntArray, cols: IntArray) -> RuleMasks:
    mentees, mentors = cohort.mentees, cohort.mentors
    shape = np.broadcast_shapes(rows.shape, cols.shape)
    person_e, person_m = mentees.people[rows], mentors.people[cols]
    tree = cohort.tree
    everyone = np.ones(shape, dtype=np.bool_)
    no_shared = everyone
    if program.exclude_shared_manager:
        boss_e = tree.parent[person_e]
        no_shared = ~((boss_e == tree.parent[person_m]) & (boss_e >= 0))
    zone_ok = everyone
    if program.min_time_zone_overlap_hours is not None:
        tz_e, tz_m = mentees.time_zone[rows], mentors.time_zone[cols]
        hours = cohort.shared_hours[np.maximum(tz_e, 0), np.maximum(tz_m, 0)]
        zone_ok = (hours >= program.min_time_zone_overlap_hours - 1e-9) & (tz_e >= 0) & (tz_m >= 0)
    language_ok = everyone
    if program.require_shared_language:
        language_ok = cohort.language_overlap[mentees.language_set[rows], mentors.language_set[cols]]
    return RuleMasks(
        not_self=np.broadcast_to(person_e != person_m, shape),
        level=np.broadcast_to(level_allows(program, mentees.level[rows], mentors.level[cols]), shape),
        outside_chain=np.broadcast_to(
            ~(tree.is_above(person_m, person_e) | tree.is_above(person_e, person_m)), shape
        ),
        no_shared_manager=np.broadcast_to(no_shared, shape),
        time_zone=np.broadcast_to(zone_ok, shape),
        language=np.broadcast_to(language_ok, shape),
    )


@dataclass(frozen=True)
class Exceptions:
    """Pairs ruled out one by one rather than by a block rule: self-pairs, reporting chains, history.

    They are few (each person has a handful of managers), so the block scan applies them as a
    sparse list instead of testing every pair. Stored per mentee row as sorted mentor columns (CSR).
    """

    start: IntArray  # [mentee + 1] offsets into `mentor`
    mentor: IntArray

    def of(self, row: int) -> IntArray:
        return self.mentor[self.start[row] : self.start[row + 1]]


def exceptions(cohort: Cohort, blocked: IntArray) -> Exceptions:
    """Self-pairs and reporting-chain pairs (either direction), plus the given (row, col) keys."""
    mentees, mentors = cohort.mentees, cohort.mentors
    width = max(mentors.size, 1)
    people = len(cohort.directory)
    mentee_row = np.full(people, -1, dtype=np.int64)
    mentee_row[mentees.people] = np.arange(mentees.size)
    mentor_col = np.full(people, -1, dtype=np.int64)
    mentor_col[mentors.people] = np.arange(mentors.size)
    keys = [blocked.astype(np.int64)]
    same = mentor_col[mentees.people]
    keys.append(np.flatnonzero(same >= 0) * width + same[same >= 0])
    # Walk every person's chain of managers one level at a time, all people at once.
    parent = cohort.tree.parent
    for below_people, below_index, upper_index, below_is_mentee in (
        (mentees.people, np.arange(mentees.size), mentor_col, True),
        (mentors.people, np.arange(mentors.size), mentee_row, False),
    ):
        current = parent[below_people]
        index = below_index
        while current.size:
            alive = current >= 0
            current, index = current[alive], index[alive]
            hit = upper_index[current]
            found = hit >= 0
            if below_is_mentee:
                keys.append(index[found] * width + hit[found])
            else:
                keys.append(hit[found] * width + index[found])
            current = parent[current]
    merged = unique_keys(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    rows, cols = np.divmod(merged, width)
    start = np.searchsorted(rows, np.arange(mentees.size + 1))
    return Exceptions(start=start.astype(np.int64), mentor=cols.astype(np.int64))
