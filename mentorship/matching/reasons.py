"""Why a mentee was left unmatched, in terms a programme manager can act on.

Three cases, checked in order: nothing to learn on record; no mentor coaches what they want;
every mentor who does is ruled out (named rules, with counts); or the eligible mentors' capacity
went to pairs that score higher overall. Reasons carry no names: they may be shown in admin lists.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.matching.explain import skill_phrase
from mentorship.matching.rules import evaluate, level_rule_text
from mentorship.models import Program, UnmatchedMentee

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Rule labels in the order a blocked mentor is attributed to them (first failing rule wins).
_RULES: tuple[str, ...] = (
    "capacity",
    "not_self",
    "level",
    "outside_chain",
    "no_shared_manager",
    "time_zone",
    "language",
    "history",
)


def _rule_phrase(program: Program, rule: str, count: int) -> str:
    mentors = f"{count} mentor{'s' if count != 1 else ''}"
    if rule == "capacity":
        return f"{mentors} already at capacity with approved pairings"
    if rule == "not_self":
        return f"{mentors} who would be the mentee themself"
    if rule == "level":
        return f"{mentors} excluded by the level rule ({level_rule_text(program)})"
    if rule == "outside_chain":
        return f"{mentors} in the mentee's reporting chain"
    if rule == "no_shared_manager":
        return f"{mentors} sharing the mentee's manager"
    if rule == "time_zone":
        hours = program.min_time_zone_overlap_hours
        return f"{mentors} with less than {hours:g} hours of shared working time"
    if rule == "language":
        return f"{mentors} without a shared language"
    return f"{mentors} already paired with the mentee before"


def unmatched_reasons(
    program: Program,
    cohort: Cohort,
    forbidden: dict[int, list[int]],
    matched: BoolArray,
    valid_count: IntArray,
) -> list[UnmatchedMentee]:
    """A reason for every mentee in the pool who got no pair."""
    mentees = cohort.mentees
    wishes = cohort.wish_priority > 0
    coached = cohort.proficiency > 0
    blocked_rows = np.flatnonzero(~matched & (valid_count == 0) & wishes.any(axis=1))
    counts = _blocking_counts(program, cohort, forbidden, blocked_rows)
    reasons: list[UnmatchedMentee] = []
    for row in np.flatnonzero(~matched).tolist():
        wanted = [int(skill) for skill in np.flatnonzero(wishes[row])]
        names = ", ".join(skill_phrase(cohort.skill_display[skill]) for skill in wanted[:3])
        if not wanted:
            reason = "has no learning wishes on record: add the skills they want to develop in the HRIS"
        elif not coached[:, wanted].any():
            reason = (
                f"no mentor in the pool coaches what they want to learn ({names}): "
                "recruit mentors with these skills or widen the mentor pool"
            )
        elif valid_count[row] == 0:
            tally = counts[row]
            blockers = "; ".join(
                _rule_phrase(program, rule, int(tally[position]))
                for position, rule in enumerate(_RULES)
                if tally[position]
            )
            reason = (
                f"every mentor who coaches {names} is ruled out: {blockers}. "
                "Relax that rule or widen the mentor pool"
            )
        else:
            eligible = int(valid_count[row])
            reason = (
                f"all {eligible} eligible mentor{'s are' if eligible != 1 else ' is'} taken by pairs "
                "that score higher overall: raise mentor capacity or recruit mentors for "
                f"{names}"
            )
        reasons.append(UnmatchedMentee(employee_id=mentees.ids[row], reason=reason))
    return reasons


def _blocking_counts(
    program: Program, cohort: Cohort, forbidden: dict[int, list[int]], rows: IntArray
) -> dict[int, IntArray]:
    """Per mentee row: how many mentors sharing a skill each rule rules out (first failing rule)."""
    tallies = {int(row): np.zeros(len(_RULES), dtype=np.int64) for row in rows}
    if rows.size == 0:
        return tallies
    wishes = cohort.wish_priority[rows] > 0
    coached = cohort.proficiency > 0
    # Mentors sharing at least one skill with each row; rows are few (only the fully blocked).
    for position, row in enumerate(rows.tolist()):
        cols = np.flatnonzero(coached[:, wishes[position]].any(axis=1))
        masks = evaluate(program, cohort, np.asarray([row]), cols)
        history = np.ones(cols.size, dtype=np.bool_)
        history[np.isin(cols, forbidden.get(row, []))] = False
        verdicts = (
            cohort.residual[cols] > 0,
            masks.not_self[0],
            masks.level[0],
            masks.outside_chain[0],
            masks.no_shared_manager[0],
            masks.time_zone[0],
            masks.language[0],
            history,
        )
        still_open = np.ones(cols.size, dtype=np.bool_)
        for rule, verdict in enumerate(verdicts):
            failing = still_open & ~verdict
            tallies[row][rule] = int(failing.sum())
            still_open &= verdict
    return tallies
