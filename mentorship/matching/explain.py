"""Explanations in the words a programme manager would write, and reasons they can act on.

Pair explanations go into the HRIS next to the pairing, so they use first names (from
`display_name`) and never reach a log. Unmatched reasons carry no names at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.matching.rules import WORKDAY_HOURS

IntArray = npt.NDArray[np.int64]

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight")


def first_name(display_name: str, fallback: str) -> str:
    """The first word of a display name; `fallback` when the HRIS has none."""
    parts = display_name.split()
    return parts[0] if parts else fallback


def skill_phrase(display: str) -> str:
    """'Short-video strategy' -> 'short-video strategy'; acronyms such as 'SQL' stay as written."""
    if len(display) > 1 and display[0].isupper() and display[1].islower():
        return display[0].lower() + display[1:]
    return display


def hours_phrase(hours: float) -> str:
    """Shared working time in words: 'three hours', 'two and a half hours', 'half an hour'."""
    halves = round(hours * 2)
    whole, half = divmod(halves, 2)
    if whole == 0:
        return "half an hour" if half else "no time"
    words = _NUMBERS[whole] if whole < len(_NUMBERS) else str(whole)
    if half:
        return f"{words} and a half hours"
    return f"{words} hour{'s' if whole != 1 else ''}"


def explain_pair(cohort: Cohort, mentee_row: int, mentor_col: int, *, first_slot: bool) -> str:
    """One sentence of facts: the best shared skill, other shared skills, goals, departments, time."""
    rows, cols = np.asarray([mentee_row], dtype=np.int64), np.asarray([mentor_col], dtype=np.int64)
    return explain_pairs(cohort, rows, cols, [first_slot])[0]


def explain_pairs(
    cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray, first_slots: Sequence[bool]
) -> list[str]:
    """explain_pair for aligned arrays of pairs: the facts for all of them in numpy, then one
    sentence each (an outcome at 100,000 employees has 51,000 of them)."""
    chunks = [
        _skill_facts(cohort, mentee_rows[start : start + _CHUNK], mentor_cols[start : start + _CHUNK])
        for start in range(0, max(mentee_rows.size, 1), _CHUNK)
    ]
    order, shared_count, levels, first_wish, in_focus, helps_goal = (
        np.concatenate(fact) for fact in zip(*chunks, strict=True)
    )
    dept_e, dept_m = cohort.mentees.department[mentee_rows], cohort.mentors.department[mentor_cols]
    # 0: a department unknown, 1: different departments, 2: the same one
    departments = np.where((dept_e >= 0) & (dept_m >= 0), np.where(dept_e != dept_m, 1, 2), 0)
    zone_e, zone_m = cohort.mentees.time_zone[mentee_rows], cohort.mentors.time_zone[mentor_cols]
    hours = np.where(
        (zone_e >= 0) & (zone_m >= 0),
        cohort.shared_hours[np.maximum(zone_e, 0), np.maximum(zone_m, 0)],
        np.nan,
    )
    phrases = [skill_phrase(display) for display in cohort.skill_display]
    said: dict[float, str] = {}
    sentences: list[str] = []
    for row, col, top, count, level, first, focus, goal, department, shared_hours, first_slot in zip(
        mentee_rows.tolist(),
        mentor_cols.tolist(),
        order.tolist(),
        shared_count.tolist(),
        levels.tolist(),
        first_wish.tolist(),
        in_focus.tolist(),
        helps_goal.tolist(),
        departments.tolist(),
        hours.tolist(),
        first_slots,
        strict=True,
    ):
        mentee_name = first_name(cohort.mentees.names[row], "the mentee")
        mentor_name = first_name(cohort.mentors.names[col], "The mentor")
        parts: list[str] = []
        if count:
            wants = "wants to learn first" if first else "wants to learn"
            parts.append(
                f"{mentor_name} can coach {phrases[top[0]]} ({level[0]}/5), which {mentee_name} {wants}"
                + (", a focus skill of this programme" if focus else "")
            )
            if count > 1:
                parts.append(
                    "also " + " and ".join(f"{phrases[top[k]]} ({level[k]}/5)" for k in range(1, count))
                )
        if goal:
            parts.append(f"helps with one of {mentee_name}'s goals")
        if department:
            parts.append("different departments" if department == 1 else "same department")
        if shared_hours == shared_hours:  # not NaN: both time zones known
            if shared_hours not in said:
                said[shared_hours] = _time_phrase(shared_hours)
            parts.append(said[shared_hours])
        if first_slot:
            parts.append(f"{mentee_name} would be {mentor_name}'s first mentee in this programme")
        sentences.append("; ".join(parts))
    return sentences


_CHUNK = 4096
"""Pairs whose skill facts are worked out together: [pairs x skills] temporaries stay small."""


def _skill_facts(
    cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray
) -> tuple[npt.NDArray[Any], ...]:
    """Per pair: its three best shared skills (most wanted x best coached, then the lower skill
    id), how many it shares (up to 3), their levels out of 5, whether the best is the mentee's
    first wish and a focus skill, and whether the mentor coaches a skill the mentee's goals name."""
    proficiency = cohort.proficiency[mentor_cols]  # [pair, skill]
    wished = cohort.wish_priority[mentee_rows]
    shared = (wished > 0) & (proficiency > 0)
    skill = np.broadcast_to(np.arange(proficiency.shape[1]), proficiency.shape)
    order = np.lexsort((skill, -cohort.wish_weight[mentee_rows] * proficiency, ~shared), axis=1)[:, :3]
    best = order[:, 0]
    return (
        order,
        np.take_along_axis(shared, order, axis=1).sum(axis=1),
        np.rint(np.take_along_axis(proficiency, order, axis=1) * 5).astype(np.int64),
        wished[np.arange(best.size), best] == wished.max(axis=1, initial=0),
        np.isin(best, list(cohort.focus)),
        np.asarray(((cohort.goal_weight[mentee_rows] > 0) & (proficiency > 0)).any(axis=1)),
    )


def _time_phrase(hours: float) -> str:
    if hours >= WORKDAY_HOURS:
        return "the same working hours"
    if hours <= 0:
        return "no shared working time"
    return f"{hours_phrase(hours)} of shared working time"
