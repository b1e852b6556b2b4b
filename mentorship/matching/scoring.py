"""Pair scores: weighted components in [0, 1], computed for whole blocks of pairs at once.

Components (mentee i, mentor j):
  skill_fit        sum over i's wishes of weight (priority, focus skills doubled; sums to 1)
                   times j's proficiency / 5 in that skill
  goal_overlap     share of the skills named in i's goals that j coaches
  cross_department 1 when both departments are known and differ
  location         hours of shared 9-to-5 working time / 8
  load_spread      1 - (slot - 1) / capacity for the mentor slot the pair takes, so a mentor's
                   k-th mentee is worth less than the first and load spreads
A pair's score is the weighted sum, weights normalised to sum to 1. `components` computes it for
arrays of pairs from these definitions; `score_parts` gives the same sum in the parts the C pair
scan adds up for every valid pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentorship.errors import InvalidRequest
from mentorship.matching.cohort import Cohort
from mentorship.matching.rules import WORKDAY_HOURS
from mentorship.models import Program, ProgramKind, ScoreWeights

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

COMPONENTS: tuple[str, ...] = ("skill_fit", "goal_overlap", "cross_department", "location", "load_spread")

DEFAULT_WEIGHTS: dict[ProgramKind, ScoreWeights] = {
    # Reverse mentoring exists to cross silos; peer learning to spread ideas between teams.
    ProgramKind.REVERSE: ScoreWeights(
        skill_fit=0.55, goal_overlap=0.1, cross_department=0.15, location=0.1, load_spread=0.1
    ),
    ProgramKind.TRADITIONAL: ScoreWeights(
        skill_fit=0.55, goal_overlap=0.15, cross_department=0.1, location=0.1, load_spread=0.1
    ),
    ProgramKind.SKILLS: ScoreWeights(),
    ProgramKind.PEER: ScoreWeights(
        skill_fit=0.5, goal_overlap=0.1, cross_department=0.2, location=0.1, load_spread=0.1
    ),
}


def effective_weights(program: Program) -> dict[str, float]:
    """The programme's weights (or its kind's defaults), normalised to sum to 1."""
    weights = program.weights or DEFAULT_WEIGHTS[program.kind]
    raw = {name: float(getattr(weights, name)) for name in COMPONENTS}
    total = sum(raw.values())
    if total <= 0:
        raise InvalidRequest("at least one score weight must be positive", field="weights")
    return {name: value / total for name, value in raw.items()}


TIE_BREAK = 1e-11
"""Scan values exceed exact values by TIE_BREAK x (1 + cos(angle_i - angle_j)), at most 2e-11.

Many mentors score exactly alike for a mentee (same proficiency, department relation, time zone).
Breaking those ties by index would send every mentee's short list to the same few mentors; this
deterministic, mentee-specific nudge spreads equal choices across mentees instead. It only ever
raises scan values, so bounds taken from the scan stay upper bounds; the solver and every reported
score use the exact values.
"""


@dataclass(frozen=True)
class ScoreParts:
    """The score in the parts the pair scan (pair_scan.c) adds up pair by pair, and slot costs.

    value[i, j] = base + sum over i's skill terms t: fit[t] * proficiency[j, t] + goal[t] * [j coaches t]
                  + cross_department * [both departments known and different]
                  + zone_gain[zone_i + 1, zone_j + 1]
    where base is the first slot's load_spread worth; each further slot of mentor j then costs
    `slot_costs[j, k]`. The scan adds the TIE_BREAK nudge from the angles.
    """

    weights: dict[str, float]
    slot_costs: FloatArray
    base: float
    cross_department: float
    zone_gain: FloatArray  # [zones + 1, zones + 1]; index 0 is an unknown zone (no gain)
    term_start: IntArray  # [mentees + 1] into the term arrays (CSR by mentee row)
    term_skill: IntArray
    term_fit: FloatArray
    term_goal: FloatArray
    mentee_angle: FloatArray  # [mentee, (cos, sin)]
    mentor_angle: FloatArray  # [mentor, (cos, sin)]


def _circle(count: int, offset: float = 0.0) -> FloatArray:
    """Deterministic angles spread evenly by the golden ratio, as (cos, sin) columns."""
    angle = 2.0 * np.pi * ((np.arange(count) * 0.6180339887498949 + offset) % 1.0)
    return np.column_stack((np.cos(angle), np.sin(angle)))


def score_parts(cohort: Cohort, weights: dict[str, float]) -> ScoreParts:
    """The parts and the slot-cost table for a cohort."""
    zones = cohort.shared_hours.shape[0]
    zone_gain = np.zeros((zones + 1, zones + 1))
    zone_gain[1:, 1:] = weights["location"] * cohort.shared_hours / WORKDAY_HOURS
    terms = cohort.skill_terms
    width = int(cohort.residual.max(initial=0))
    slot = np.arange(width)[None, :] + cohort.locked_load[:, None]
    capacity = np.maximum(cohort.capacity, 1)[:, None]
    return ScoreParts(
        weights=weights,
        slot_costs=weights["load_spread"] * slot / capacity,
        base=weights["load_spread"],
        cross_department=weights["cross_department"],
        zone_gain=zone_gain,
        term_start=terms.start,
        term_skill=terms.skill,
        term_fit=weights["skill_fit"] * terms.wish,
        term_goal=weights["goal_overlap"] * terms.goal,
        mentee_angle=_circle(cohort.mentees.size),
        mentor_angle=_circle(cohort.mentors.size, offset=0.5),
    )


PAIRS_PER_CHUNK = 1 << 20
"""Pairs scored at a time from the definitions: bounds the [pairs x mentee skill terms] temporaries."""


def components(cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray) -> dict[str, FloatArray]:
    """The pair components (all but load_spread) for aligned arrays of pairs, from the definitions."""
    parts: dict[str, list[FloatArray]] = {
        "skill_fit": [],
        "goal_overlap": [],
        "cross_department": [],
        "location": [],
    }
    for start in range(0, max(len(mentee_rows), 1), PAIRS_PER_CHUNK):
        for name, part in _components(
            cohort, mentee_rows[start : start + PAIRS_PER_CHUNK], mentor_cols[start : start + PAIRS_PER_CHUNK]
        ).items():
            parts[name].append(part)
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def _components(cohort: Cohort, mentee_rows: IntArray, mentor_cols: IntArray) -> dict[str, FloatArray]:
    mentees, mentors = cohort.mentees, cohort.mentors
    # Only the mentee's own wished and goal skills can contribute: sum over those, pair by pair.
    terms = cohort.skill_terms
    first = terms.start[mentee_rows]
    counts = terms.start[mentee_rows + 1] - first
    pair = np.repeat(np.arange(mentee_rows.size), counts)
    at = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts - first, counts)
    proficiency = cohort.proficiency[mentor_cols[pair], terms.skill[at]]
    dept_e, dept_m = mentees.department[mentee_rows], mentors.department[mentor_cols]
    tz_e, tz_m = mentees.time_zone[mentee_rows], mentors.time_zone[mentor_cols]
    hours = np.where(
        (tz_e >= 0) & (tz_m >= 0), cohort.shared_hours[np.maximum(tz_e, 0), np.maximum(tz_m, 0)], 0.0
    )
    return {
        "skill_fit": np.bincount(pair, weights=terms.wish[at] * proficiency, minlength=mentee_rows.size),
        "goal_overlap": np.bincount(
            pair, weights=terms.goal[at] * (proficiency > 0), minlength=mentee_rows.size
        ),
        "cross_department": ((dept_e >= 0) & (dept_m >= 0) & (dept_e != dept_m)).astype(np.float64),
        "location": hours / WORKDAY_HOURS,
    }


def pair_values(
    cohort: Cohort, weights: dict[str, float], mentee_rows: IntArray, mentor_cols: IntArray
) -> FloatArray:
    """value[i, j] for aligned pairs: weighted components plus the first slot's load_spread worth."""
    parts = components(cohort, mentee_rows, mentor_cols)
    total = np.full(len(mentee_rows), weights["load_spread"])
    for name, part in parts.items():
        total += weights[name] * part
    return total
