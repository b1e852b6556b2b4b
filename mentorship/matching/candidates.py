"""Scanning valid pairs block by block: one block per skill, mentees wanting it x mentors coaching it.

Only pairs that share a skill can score on skill fit, and a pair with nothing to teach is not a
mentoring pair, so the valid pairs are exactly the union of these blocks. A pair sharing several
skills is counted in the block of its first shared skill only, so every valid pair is seen once.
Each block is a dense matrix product plus rule masks; only the best few per mentee are kept,
together with the best value left behind, which bounds every pair not kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.matching.rules import evaluate
from mentorship.matching.scoring import Embedding
from mentorship.models import Program

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

BLOCK_ELEMENTS = 1 << 21
"""Pairs scored per chunk: large enough for fast BLAS, small enough to keep memory flat."""


@dataclass(frozen=True)
class SkillIndex:
    """Per skill: mentee rows wanting it and mentor columns (with room left) coaching it."""

    wanted_by: list[IntArray]
    coached_by: list[IntArray]
    wishes: npt.NDArray[np.float32]  # [mentee, skill] 1 where wished
    coaches: npt.NDArray[np.float32]  # [mentor, skill] 1 where coached


def index_skills(cohort: Cohort) -> SkillIndex:
    wishes = (cohort.wish_priority > 0).astype(np.float32)
    coaches = (cohort.proficiency > 0).astype(np.float32)
    has_room = cohort.residual > 0
    return SkillIndex(
        wanted_by=[np.flatnonzero(wishes[:, skill]) for skill in range(wishes.shape[1])],
        coached_by=[np.flatnonzero((coaches[:, skill] > 0) & has_room) for skill in range(coaches.shape[1])],
        wishes=wishes,
        coaches=coaches,
    )


@dataclass(frozen=True)
class Scan:
    """Kept pairs (best by adjusted value) and, per mentee, the best adjusted value not kept."""

    mentee: IntArray
    mentor: IntArray
    left_behind: FloatArray  # per mentee (all mentee rows); -inf where nothing was left behind
    valid_count: IntArray  # per mentee: valid pairs seen


def scan(
    program: Program,
    cohort: Cohort,
    embedding: Embedding,
    skills: SkillIndex,
    rows: IntArray,
    *,
    keep: int,
    price: FloatArray | None = None,
    forbidden: Mapping[int, Sequence[int]] | None = None,
) -> Scan:
    """Scan every valid pair of the mentee `rows`, keeping each mentee's `keep` best by
    value - price[mentor] (value alone when `price` is None)."""
    mentee_count = cohort.mentees.size
    selected = np.zeros(mentee_count, dtype=np.bool_)
    selected[rows] = True
    valid_count = np.zeros(mentee_count, dtype=np.int64)
    found_rows: list[IntArray] = []
    found_cols: list[IntArray] = []
    found_values: list[FloatArray] = []
    for skill, (wanting, coaching) in enumerate(zip(skills.wanted_by, skills.coached_by, strict=True)):
        block_rows = wanting[selected[wanting]]
        if block_rows.size == 0 or coaching.size == 0:
            continue
        mentor_vectors = embedding.mentor[coaching].T
        offsets = None if price is None else price[coaching]
        earlier_coached = skills.coaches[coaching, :skill].T if skill else None
        step = max(1, BLOCK_ELEMENTS // coaching.size)
        for begin in range(0, block_rows.size, step):
            chunk = block_rows[begin : begin + step]
            values = embedding.mentee[chunk] @ mentor_vectors
            allowed = evaluate(program, cohort, chunk, coaching).all()
            if earlier_coached is not None:
                allowed &= (skills.wishes[chunk, :skill] @ earlier_coached) == 0
            if forbidden:
                _block_forbidden(allowed, chunk, coaching, forbidden)
            if offsets is not None:
                values -= offsets
            values[~allowed] = -np.inf
            valid_count[chunk] += allowed.sum(axis=1)
            take = min(keep + 1, coaching.size)
            if take < coaching.size:
                best = np.argpartition(-values, take - 1, axis=1)[:, :take]
            else:
                best = np.broadcast_to(np.arange(coaching.size), (chunk.size, coaching.size))
            best_values = np.take_along_axis(values, best, axis=1)
            real = np.isfinite(best_values)
            found_rows.append(np.broadcast_to(chunk[:, None], best.shape)[real])
            found_cols.append(coaching[best[real]])
            found_values.append(best_values[real])
    return _merge(found_rows, found_cols, found_values, mentee_count, keep, valid_count)


def _block_forbidden(
    allowed: npt.NDArray[np.bool_],
    chunk: IntArray,
    coaching: IntArray,
    forbidden: Mapping[int, Sequence[int]],
) -> None:
    for position, row in enumerate(chunk.tolist()):
        blocked = forbidden.get(row)
        if not blocked:
            continue
        where = np.searchsorted(coaching, blocked)
        hit = where < coaching.size
        hit[hit] = coaching[where[hit]] == np.asarray(blocked)[hit]
        allowed[position, where[hit]] = False


def _merge(
    found_rows: list[IntArray],
    found_cols: list[IntArray],
    found_values: list[FloatArray],
    mentee_count: int,
    keep: int,
    valid_count: IntArray,
) -> Scan:
    left_behind = np.full(mentee_count, -np.inf)
    if not found_rows:
        empty = np.zeros(0, dtype=np.int64)
        return Scan(mentee=empty, mentor=empty, left_behind=left_behind, valid_count=valid_count)
    rows = np.concatenate(found_rows)
    cols = np.concatenate(found_cols)
    values = np.concatenate(found_values)
    # Best first within each mentee; ties broken by mentor position for determinism.
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    first = np.searchsorted(rows, rows, side="left")
    rank = np.arange(rows.size) - first
    kept = rank < keep
    spill = rank == keep
    left_behind[rows[spill]] = values[spill]
    return Scan(mentee=rows[kept], mentor=cols[kept], left_behind=left_behind, valid_count=valid_count)
