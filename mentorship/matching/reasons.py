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
# Rules shared by everyone with the same wishes, level, time zone and languages come first, so they
# are counted once per such group; the personal ones (self, reporting chain, history) after.
_RULES: tuple[str, ...] = (
    "capacity",
    "level",
    "time_zone",
    "language",
    "not_self",
    "outside_chain",
    "no_shared_manager",
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
    coached_somewhere: BoolArray = np.asarray((cohort.proficiency > 0).any(axis=0))
    unmatched = np.flatnonzero(~matched)
    blocked_rows = [row for row in unmatched.tolist() if valid_count[row] == 0 and mentees.skills[row]]
    counts = _blocking_counts(program, cohort, forbidden, blocked_rows)
    reasons: list[UnmatchedMentee] = []
    for row in unmatched.tolist():
        wanted = mentees.skills[row]
        names = ", ".join(skill_phrase(cohort.skill_display[skill]) for skill in wanted[:3])
        if not wanted:
            reason = "has no learning wishes on record: add the skills they want to develop in the HRIS"
        elif not coached_somewhere[wanted].any():
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
    program: Program, cohort: Cohort, forbidden: dict[int, list[int]], rows: list[int]
) -> dict[int, IntArray]:
    """Per mentee row: how many mentors sharing a skill each rule rules out (first failing rule).

    Mentees with the same wishes, level, time zone and languages share the group rules' verdicts,
    so those are computed once per group; only the few mentors that pass them are checked per person.
    """
    mentees = cohort.mentees
    coached = cohort.proficiency > 0
    groups: dict[tuple[tuple[int, ...], int, int, int], list[int]] = {}
    for row in rows:
        signature = (
            tuple(mentees.skills[row]),
            int(mentees.level[row]),
            int(mentees.time_zone[row]),
            int(mentees.language_set[row]),
        )
        groups.setdefault(signature, []).append(row)
    sharing: dict[tuple[int, ...], IntArray] = {}
    tallies: dict[int, IntArray] = {}
    for (wanted, _, _, _), members in groups.items():
        if wanted not in sharing:
            sharing[wanted] = np.flatnonzero(coached[:, list(wanted)].any(axis=1))
        cols = sharing[wanted]
        masks = evaluate(program, cohort, np.asarray(members[:1]), cols)
        group_verdicts = (cohort.residual[cols] > 0, masks.level[0], masks.time_zone[0], masks.language[0])
        shared_tally = np.zeros(len(_RULES), dtype=np.int64)
        still_open = np.ones(cols.size, dtype=np.bool_)
        for rule, verdict in enumerate(group_verdicts):
            shared_tally[rule] = int((still_open & ~verdict).sum())
            still_open &= verdict
        passing = cols[still_open]
        for row in members:
            tally = shared_tally.copy()
            personal = evaluate(program, cohort, np.asarray([row]), passing)
            history = ~np.isin(passing, forbidden.get(row, []))
            open_now = np.ones(passing.size, dtype=np.bool_)
            personal_verdicts = (
                personal.not_self[0],
                personal.outside_chain[0],
                personal.no_shared_manager[0],
                history,
            )
            for offset, verdict in enumerate(personal_verdicts):
                tally[len(group_verdicts) + offset] = int((open_now & ~verdict).sum())
                open_now &= verdict
            tallies[row] = tally
    return tallies
