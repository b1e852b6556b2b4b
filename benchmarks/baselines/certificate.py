"""Checks an engine outcome against the definitions, scanning every valid pair independently.

Primal: every proposed pair is valid, no mentee twice, no mentor over its residual capacity, and the
objective recomputes. Dual: mentee and mentor duals are non-negative, every valid pair has reduced
cost value - u - price <= 0, and the dual bound (sum of u, plus each mentor's price surplus over
its slot costs) is recomputed here. Optionally gathers each mentee's top-K valid mentors for the
greedy and top-K baselines in the same pass, so the 100k run scans once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from benchmarks.baselines.pairs import iterate_pairs
from mentorship.matching.cohort import Cohort
from mentorship.matching.outcome import MatchOutcome
from mentorship.models import Pairing, Program

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class CandidateLists:
    """Each mentee's best `k` valid mentors by value (aligned arrays)."""

    mentee: IntArray
    mentor: IntArray
    value: FloatArray


@dataclass
class CertificateReport:
    valid_pairs: int
    max_reduced_cost: float
    dual_bound: float
    objective: float
    problems: list[str] = field(default_factory=list)
    top: CandidateLists | None = None
    all_pairs: CandidateLists | None = None

    @property
    def certified_gap(self) -> float:
        return (self.dual_bound - self.objective) / self.objective if self.objective > 0 else 0.0


def slot_costs(cohort: Cohort, weights: dict[str, float]) -> list[FloatArray]:
    """Cost of each residual slot of each mentor: load weight x (slots already held) / capacity."""
    return [
        weights["load_spread"]
        * (cohort.locked_load[col] + np.arange(cohort.residual[col]))
        / max(int(cohort.capacity[col]), 1)
        for col in range(cohort.mentors.size)
    ]


def check(
    program: Program,
    cohort: Cohort,
    weights: dict[str, float],
    outcome: MatchOutcome,
    *,
    history: Sequence[Pairing] = (),
    top_k: int = 0,
    keep_all: bool = False,
    tolerance: float = 1e-9,
) -> CertificateReport:
    mentees, mentors = cohort.mentees, cohort.mentors
    problems: list[str] = []
    u = np.asarray([outcome.mentee_duals.get(mentee_id, np.nan) for mentee_id in mentees.ids])
    price = np.asarray([outcome.mentor_duals.get(mentor_id, np.nan) for mentor_id in mentors.ids])
    if np.isnan(u).any() or np.isnan(price).any():
        problems.append("a dual is missing")
    if (u < -tolerance).any() or (price < -tolerance).any():
        problems.append("a dual is negative")
    row_of = {mentee_id: row for row, mentee_id in enumerate(mentees.ids)}
    col_of = {mentor_id: col for col, mentor_id in enumerate(mentors.ids)}
    chosen_row = np.asarray([row_of.get(pair.mentee_id, -1) for pair in outcome.pairs], dtype=np.int64)
    chosen_col = np.asarray([col_of.get(pair.mentor_id, -1) for pair in outcome.pairs], dtype=np.int64)
    if (chosen_row < 0).any() or (chosen_col < 0).any():
        problems.append("a pair names someone outside the pools")
    if len(set(chosen_row.tolist())) != len(chosen_row):
        problems.append("a mentee is paired twice")
    load = np.bincount(chosen_col[chosen_col >= 0], minlength=mentors.size)
    if (load > cohort.residual).any():
        problems.append("a mentor is over capacity")
    chosen_value = np.full(len(outcome.pairs), np.nan)
    chosen_by_row = {int(row): position for position, row in enumerate(chosen_row)}
    valid_pairs = 0
    max_reduced = -np.inf
    # Repair: a mentee's dual raised by its largest positive reduced cost is feasible for every pair,
    # so the bound below is rigorous whatever float noise the engine's duals carry.
    repair = np.zeros(mentees.size)
    tops: list[tuple[IntArray, IntArray, FloatArray]] = []
    everything: list[tuple[IntArray, IntArray, FloatArray]] = []
    for chunk in iterate_pairs(program, cohort, weights, history):
        valid_pairs += int(chunk.valid.sum())
        reduced = chunk.value - u[chunk.start : chunk.stop, None] - price[None, :]
        if chunk.valid.any():
            max_reduced = max(max_reduced, float(reduced[chunk.valid].max()))
            worst = np.where(chunk.valid, reduced, -np.inf).max(axis=1)
            repair[chunk.start : chunk.stop] = np.maximum(worst, 0.0)
        for row in range(chunk.start, chunk.stop):
            position = chosen_by_row.get(row)
            if position is not None:
                col = int(chosen_col[position])
                if not chunk.valid[row - chunk.start, col]:
                    problems.append(f"pair {position} breaks a hard rule")
                chosen_value[position] = chunk.value[row - chunk.start, col]
        if top_k:
            masked = np.where(chunk.valid, chunk.value, -np.inf)
            take = min(top_k, masked.shape[1])
            best = np.argpartition(-masked, take - 1, axis=1)[:, :take]
            values = np.take_along_axis(masked, best, axis=1)
            real = np.isfinite(values)
            rows = np.broadcast_to(np.arange(chunk.start, chunk.stop)[:, None], best.shape)
            tops.append((rows[real], best[real], values[real]))
        if keep_all:
            rows_all, cols_all = np.nonzero(chunk.valid)
            everything.append((rows_all + chunk.start, cols_all, chunk.value[rows_all, cols_all]))
    costs = slot_costs(cohort, weights)
    surplus = sum(float(np.maximum(price[col] - costs[col], 0.0).sum()) for col in range(mentors.size))
    dual = float(np.nansum(u) + repair.sum()) + surplus
    used = sum(float(costs[col][: load[col]].sum()) for col in range(mentors.size) if load[col])
    objective = float(np.nansum(chosen_value)) - used
    return CertificateReport(
        valid_pairs=valid_pairs,
        max_reduced_cost=max_reduced,
        dual_bound=dual,
        objective=objective,
        problems=problems,
        top=_stack(tops) if top_k else None,
        all_pairs=_stack(everything) if keep_all else None,
    )


def _stack(parts: list[tuple[IntArray, IntArray, FloatArray]]) -> CandidateLists:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return CandidateLists(empty, empty, np.zeros(0))
    return CandidateLists(
        np.concatenate([part[0] for part in parts]).astype(np.int64),
        np.concatenate([part[1] for part in parts]).astype(np.int64),
        np.concatenate([part[2] for part in parts]),
    )
