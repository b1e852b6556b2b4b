"""Explanations in the words a programme manager would write, and reasons they can act on.

Pair explanations go into the HRIS next to the pairing, so they use first names (from
`display_name`) and never reach a log. Unmatched reasons carry no names at all.
"""

from __future__ import annotations

from mentorship.matching.cohort import Cohort
from mentorship.matching.rules import WORKDAY_HOURS

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
    # Python scalars throughout (ndarray.item): one explanation per pairing adds up on large cohorts.
    mentee_name = first_name(cohort.mentees.names[mentee_row], "the mentee")
    mentor_name = first_name(cohort.mentors.names[mentor_col], "The mentor")
    wished = cohort.mentees.skills[mentee_row]
    proficiency = {
        skill: level for skill in wished if (level := cohort.proficiency.item(mentor_col, skill)) > 0
    }
    shared = sorted(
        proficiency,
        key=lambda skill: (-cohort.wish_weight.item(mentee_row, skill) * proficiency[skill], skill),
    )
    parts: list[str] = []
    if shared:
        best = shared[0]
        priority = [cohort.wish_priority.item(mentee_row, skill) for skill in wished]
        first = cohort.wish_priority.item(mentee_row, best) == max(priority)
        wants = "wants to learn first" if first else "wants to learn"
        focus = ", a focus skill of this programme" if best in cohort.focus else ""
        parts.append(
            f"{mentor_name} can coach {skill_phrase(cohort.skill_display[best])} "
            f"({round(proficiency[best] * 5)}/5), which {mentee_name} {wants}{focus}"
        )
        more = [
            f"{skill_phrase(cohort.skill_display[skill])} ({round(proficiency[skill] * 5)}/5)"
            for skill in shared[1:3]
        ]
        if more:
            parts.append("also " + " and ".join(more))
    if any(cohort.proficiency.item(mentor_col, skill) > 0 for skill in cohort.goal_skills[mentee_row]):
        parts.append(f"helps with one of {mentee_name}'s goals")
    dept_e = cohort.mentees.department.item(mentee_row)
    dept_m = cohort.mentors.department.item(mentor_col)
    if dept_e >= 0 and dept_m >= 0:
        parts.append("different departments" if dept_e != dept_m else "same department")
    tz_e = cohort.mentees.time_zone.item(mentee_row)
    tz_m = cohort.mentors.time_zone.item(mentor_col)
    if tz_e >= 0 and tz_m >= 0:
        hours = cohort.shared_hours.item(tz_e, tz_m)
        if hours >= WORKDAY_HOURS:
            parts.append("the same working hours")
        elif hours <= 0:
            parts.append("no shared working time")
        else:
            parts.append(f"{hours_phrase(hours)} of shared working time")
    if first_slot:
        parts.append(f"{mentee_name} would be {mentor_name}'s first mentee in this programme")
    return "; ".join(parts)
