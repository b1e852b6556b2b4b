"""Pair scores: weighted components in [0, 1], computed for whole blocks of pairs at once.

Components (mentee i, mentor j):
  skill_fit        sum over i's wishes of weight (priority, focus skills doubled; sums to 1)
                   times j's proficiency / 5 in that skill
  goal_overlap     share of the skills named in i's goals that j coaches
  cross_department 1 when both departments are known and differ
  location         hours of shared 9-to-5 working time / 8
  load_spread      1 - (slot - 1) / capacity for the mentor slot the pair takes, so a mentor's
                   k-th mentee is worth less than the first and load spreads
A pair's score is the weighted sum, weights normalised to sum to 1. `components` computes the
components for arrays of pairs from these definitions, `pair_values` the same weighted sum in C
(bit for bit), and `score_parts` gives the sum in the parts the C pair scan adds up for every
valid pair.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorship.errors import InvalidRequest
from mentorship.matching.cohort import Cohort
from mentorship.matching.native import c_fields, cores, kernels, on_cores
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
    """value[i, j] for aligned pairs: weighted components plus the first slot's load_spread worth.

    The same doubles as summing `components` with the weights (pair_values.c, several times
    faster on the pricing loop's millions of new candidates), a slice per core."""
    rows = np.ascontiguousarray(mentee_rows, dtype=np.int64)
    cols = np.ascontiguousarray(mentor_cols, dtype=np.int64)
    value = np.empty(rows.size)
    if rows.size:
        definitions, _arrays_it_points_into = _definitions(cohort, weights)
        parts = cores() if rows.size >= SPLIT_MIN_PAIRS else 1
        bounds = [rows.size * part // parts for part in range(parts + 1)]
        # each slice on its own core, writing its own part of `value`
        on_cores(
            _values_kernel(),
            [
                (ctypes.byref(definitions), end - start, rows[start:], cols[start:], value[start:])
                for start, end in pairwise(bounds)
                if end > start
            ],
        )
    return value


SPLIT_MIN_PAIRS = 50_000
"""From this many pairs on, values are computed a slice per core (below it a hand-off costs more)."""

_WEIGHT_FIELDS = ("load_spread", "skill_fit", "goal_overlap", "cross_department", "location")


class _Definitions(ctypes.Structure):
    """pair_values.c's Definitions: field order and types mirror the C struct."""

    _fields_ = (
        c_fields(ctypes.c_void_p, "term_start term_skill term_wish term_goal proficiency")
        + c_fields(ctypes.c_int64, "skill_count")
        + c_fields(ctypes.c_void_p, "mentee_department mentor_department")
        + c_fields(ctypes.c_void_p, "mentee_zone mentor_zone shared_hours")
        + c_fields(ctypes.c_int64, "zone_count")
        + c_fields(ctypes.c_double, "workday_hours " + " ".join(_WEIGHT_FIELDS))
    )


def _definitions(cohort: Cohort, weights: dict[str, float]) -> tuple[_Definitions, list[npt.NDArray[Any]]]:
    """The kernel's view of the cohort, and the arrays it points into (keep them alive)."""
    terms = cohort.skill_terms
    arrays = {
        "term_start": np.ascontiguousarray(terms.start, dtype=np.int64),
        "term_skill": np.ascontiguousarray(terms.skill, dtype=np.int64),
        "term_wish": np.ascontiguousarray(terms.wish, dtype=np.float64),
        "term_goal": np.ascontiguousarray(terms.goal, dtype=np.float64),
        "proficiency": np.ascontiguousarray(cohort.proficiency, dtype=np.float64),
        "mentee_department": np.ascontiguousarray(cohort.mentees.department, dtype=np.int64),
        "mentor_department": np.ascontiguousarray(cohort.mentors.department, dtype=np.int64),
        "mentee_zone": np.ascontiguousarray(cohort.mentees.time_zone, dtype=np.int64),
        "mentor_zone": np.ascontiguousarray(cohort.mentors.time_zone, dtype=np.int64),
        "shared_hours": np.ascontiguousarray(cohort.shared_hours, dtype=np.float64),
    }
    definitions = _Definitions(
        **{name: array.ctypes.data for name, array in arrays.items()},
        skill_count=cohort.proficiency.shape[1],
        zone_count=cohort.shared_hours.shape[0],
        workday_hours=WORKDAY_HOURS,
        **{name: weights[name] for name in _WEIGHT_FIELDS},
    )
    return definitions, list(arrays.values())


@cache
def _values_kernel() -> Any:
    function = kernels().pair_values
    function.restype = None
    array = np.ctypeslib.ndpointer(flags="C_CONTIGUOUS")
    function.argtypes = [ctypes.POINTER(_Definitions), ctypes.c_int64, array, array, array]
    return function
