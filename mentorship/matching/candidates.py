"""Scanning valid pairs block by block: one block per skill, mentees wanting it x mentors coaching it.

Only pairs that share a skill can score on skill fit, and a pair with nothing to teach is not a
mentoring pair, so the valid pairs are exactly the union of these blocks. A pair sharing several
skills is counted in the block of its first shared skill only, so every valid pair is seen once.
Within a block, mentors are sorted by level, so a level rule becomes a column range per mentee
level instead of a mask. Each block chunk is one dense matrix product plus the few masks the
programme enables; only each mentee's best few are kept, together with the best value left behind,
which bounds every pair not kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.matching.keysets import unique_keys
from mentorship.matching.rules import Exceptions
from mentorship.matching.scoring import Embedding
from mentorship.models import Program, ProgramKind

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BLOCK_ELEMENTS = 1 << 21
"""Pairs scored per chunk: large enough for fast BLAS, small enough to keep memory flat."""
_GROUP = 16
"""Columns per group in the two-stage top-k: group maxima first, then only the best groups."""


@dataclass(frozen=True)
class SkillIndex:
    """Per skill (in scan order): mentee rows wanting it, mentor columns coaching it sorted by level."""

    order: list[int]
    wanted_by: list[IntArray]
    coached_by: list[IntArray]
    coached_level: list[IntArray]
    wishes: npt.NDArray[np.float32]  # [mentee, skill] 1 where wished
    coaches: npt.NDArray[np.float32]  # [mentor, skill] 1 where coached


def index_skills(cohort: Cohort) -> SkillIndex:
    """Blocks per skill; the largest blocks go first so their de-duplication mask is cheapest."""
    wishes = (cohort.wish_priority > 0).astype(np.float32)
    coaches = ((cohort.proficiency > 0) & (cohort.residual > 0)[:, None]).astype(np.float32)
    sizes = wishes.sum(axis=0, dtype=np.float64) * coaches.sum(axis=0, dtype=np.float64)
    order = [int(skill) for skill in np.lexsort((np.arange(sizes.size), -sizes))]
    wanted_by, coached_by, coached_level = [], [], []
    for skill in order:
        wanted_by.append(np.flatnonzero(wishes[:, skill]))
        cols = np.flatnonzero(coaches[:, skill])
        cols = cols[np.argsort(cohort.mentors.level[cols], kind="stable")]
        coached_by.append(cols)
        coached_level.append(cohort.mentors.level[cols])
    return SkillIndex(
        order=order,
        wanted_by=wanted_by,
        coached_by=coached_by,
        coached_level=coached_level,
        wishes=wishes,
        coaches=coaches,
    )


def level_range(program: Program, mentee_level: int, levels: IntArray) -> tuple[int, int]:
    """Columns [lo, hi) of level-sorted mentors that the level rule allows for this mentee level."""
    if program.kind is ProgramKind.SKILLS:
        return 0, levels.size
    if mentee_level < 0:
        return 0, 0
    if program.kind is ProgramKind.REVERSE:
        low, high = 0, mentee_level - program.min_level_gap
    elif program.kind is ProgramKind.TRADITIONAL:
        low, high = mentee_level + program.min_level_gap, 1 << 30
    else:
        low, high = max(mentee_level - program.peer_band, 0), mentee_level + program.peer_band
    lo = int(np.searchsorted(levels, low, side="left"))
    hi = int(np.searchsorted(levels, high, side="right"))
    return lo, max(lo, hi)


@dataclass(frozen=True)
class Scan:
    """Kept pairs (best by adjusted value) and, per mentee, the best adjusted value not kept."""

    mentee: IntArray
    mentor: IntArray
    left_behind: FloatArray  # per mentee (all mentee rows); -inf where nothing was left behind
    valid_count: IntArray  # per mentee: valid pairs seen
    mentor_side: tuple[IntArray, IntArray] | None = None  # each mentor's best mentees (rows, cols)


def scan(
    program: Program,
    cohort: Cohort,
    embedding: Embedding,
    skills: SkillIndex,
    rows: IntArray,
    *,
    keep: int,
    ruled_out: Exceptions,
    price: FloatArray | None = None,
    mentor_keep: int = 0,
    only_mentors: BoolArray | None = None,
    mentee_price: FloatArray | None = None,
) -> Scan:
    """Scan every valid pair of the mentee `rows`, keeping each mentee's `keep` best by
    value - price[mentor] (value alone when `price` is None), and with `mentor_keep`, each
    mentor's best mentees too: lists seen from both sides cover the mentors everyone else's
    favourites crowd out, so the first solve already prices them. `only_mentors` restricts the
    scan to some mentors (those whose price fell, when refreshing bounds). `mentee_price`
    is subtracted per mentee (so mentor-side lists rank mentees by the margin they leave)."""
    mentee_count, mentor_count = cohort.mentees.size, cohort.mentors.size
    selected = np.zeros(mentee_count, dtype=np.bool_)
    selected[rows] = True
    valid_count = np.zeros(mentee_count, dtype=np.int64)
    position = np.full(mentor_count, -1, dtype=np.int64)
    found: list[tuple[IntArray, IntArray, FloatArray, IntArray]] = []
    by_mentor = _MentorBest(mentor_count, mentor_keep) if mentor_keep else None
    for place in range(len(skills.order)):
        wanting, coaching = skills.wanted_by[place], skills.coached_by[place]
        coached_level = skills.coached_level[place]
        if only_mentors is not None:
            subset = only_mentors[coaching]
            coaching, coached_level = coaching[subset], coached_level[subset]
        block_rows = wanting[selected[wanting]]
        if block_rows.size == 0 or coaching.size == 0:
            continue
        position[coaching] = np.arange(coaching.size)
        earlier = np.asarray(skills.order[:place], dtype=np.int64)
        levels = cohort.mentees.level[block_rows]
        for level in np.unique(levels).tolist() if program.kind is not ProgramKind.SKILLS else [None]:
            group = block_rows if level is None else block_rows[levels == level]
            lo, hi = level_range(program, -1 if level is None else level, coached_level)
            if level is None:
                lo, hi = 0, coaching.size
            if hi <= lo:
                continue
            cols = coaching[lo:hi]
            # Pad columns to whole groups so the two-stage top-k works on a view, not a copy.
            width = cols.size
            vectors = np.zeros((embedding.mentor.shape[1], -(-width // _GROUP) * _GROUP))
            vectors[:, :width] = embedding.mentor[cols].T
            earlier_coached = skills.coaches[np.ix_(cols, earlier)].T if earlier.size else None
            step = max(1, BLOCK_ELEMENTS // cols.size)
            for begin in range(0, group.size, step):
                chunk = group[begin : begin + step]
                padded = embedding.mentee[chunk] @ vectors
                padded[:, width:] = -np.inf
                values = padded[:, :width]
                allowed = _allowed(program, cohort, chunk, cols)
                if earlier_coached is not None:
                    shared_before = (skills.wishes[np.ix_(chunk, earlier)] @ earlier_coached) > 0
                    allowed = ~shared_before if allowed is None else allowed & ~shared_before
                allowed = _apply_exceptions(allowed, values.shape, chunk, position, lo, hi, ruled_out)
                if price is not None:
                    values -= price[cols]
                if mentee_price is not None:
                    values -= mentee_price[chunk][:, None]
                if allowed is not None:
                    values[~allowed] = -np.inf
                    valid_count[chunk] += allowed.sum(axis=1)
                else:
                    valid_count[chunk] += cols.size
                best_rows, best_cols, best_values = _best(padded, chunk, cols, keep + 1)
                found.append((best_rows, best_cols, best_values, np.full(best_rows.size, place)))
                if by_mentor is not None:
                    by_mentor.offer(values, chunk, cols)
        position[coaching] = -1
    merged = _merge(found, mentee_count, keep, valid_count)
    if by_mentor is None:
        return merged
    return Scan(
        mentee=merged.mentee,
        mentor=merged.mentor,
        left_behind=merged.left_behind,
        valid_count=valid_count,
        mentor_side=by_mentor.pairs(),
    )


class _MentorBest:
    """Each mentor's `keep` best mentees so far, as a running table: a chunk only touches the
    mentors whose best entry in it beats the worst they hold, so lists never pile up."""

    def __init__(self, mentor_count: int, keep: int) -> None:
        self.value = np.full((mentor_count, keep), -np.inf)
        self.mentee = np.full((mentor_count, keep), -1, dtype=np.int64)

    def offer(self, values: FloatArray, chunk: IntArray, cols: IntArray) -> None:
        """Merge a chunk of adjusted values (chunk rows x cols, -inf where not valid)."""
        hot = np.flatnonzero(values.max(axis=0) > self.value[cols, -1])
        if hot.size == 0:
            return
        keep = self.value.shape[1]
        block = values[:, hot]
        take = min(keep, block.shape[0])
        if take < block.shape[0]:
            rows = np.argpartition(-block, take - 1, axis=0)[:take]
        else:
            rows = np.broadcast_to(np.arange(block.shape[0])[:, None], block.shape)
        mentors = cols[hot]
        candidates = np.hstack((self.value[mentors], np.take_along_axis(block, rows, axis=0).T))
        who = np.hstack((self.mentee[mentors], chunk[rows].T))
        # Best first; equal values keep the earlier entry, so the result is deterministic.
        order = np.argsort(-candidates, axis=1, kind="stable")[:, :keep]
        self.value[mentors] = np.take_along_axis(candidates, order, axis=1)
        self.mentee[mentors] = np.take_along_axis(who, order, axis=1)

    def pairs(self) -> tuple[IntArray, IntArray]:
        """(mentee rows, mentor cols) of every finite entry, in mentor order."""
        mentors, slots = np.nonzero(np.isfinite(self.value))
        return self.mentee[mentors, slots], mentors.astype(np.int64)


def _allowed(program: Program, cohort: Cohort, chunk: IntArray, cols: IntArray) -> BoolArray | None:
    """The block rules the programme enables (None when it enables none)."""
    mentees, mentors = cohort.mentees, cohort.mentors
    allowed: BoolArray | None = None
    if program.exclude_shared_manager:
        boss = cohort.tree.parent[mentees.people[chunk]][:, None]
        allowed = ~((boss == cohort.tree.parent[mentors.people[cols]][None, :]) & (boss >= 0))
    if program.min_time_zone_overlap_hours is not None:
        tz_e = mentees.time_zone[chunk][:, None]
        tz_m = mentors.time_zone[cols][None, :]
        hours = cohort.shared_hours[np.maximum(tz_e, 0), np.maximum(tz_m, 0)]
        zone_ok = (hours >= program.min_time_zone_overlap_hours - 1e-9) & (tz_e >= 0) & (tz_m >= 0)
        allowed = zone_ok if allowed is None else allowed & zone_ok
    if program.require_shared_language:
        language_ok = cohort.language_overlap[
            mentees.language_set[chunk][:, None], mentors.language_set[cols][None, :]
        ]
        allowed = language_ok if allowed is None else allowed & language_ok
    return allowed


def _apply_exceptions(
    allowed: BoolArray | None,
    shape: tuple[int, ...],
    chunk: IntArray,
    position: IntArray,
    lo: int,
    hi: int,
    ruled_out: Exceptions,
) -> BoolArray | None:
    """Clear the chunk's ruled-out pairs (self, reporting chain, history) in place."""
    starts, stops = ruled_out.start[chunk], ruled_out.start[chunk + 1]
    counts = stops - starts
    total = int(counts.sum())
    if total == 0:
        return allowed
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
    local_row = np.repeat(np.arange(chunk.size), counts)
    place = position[ruled_out.mentor[offsets]]
    inside = (place >= lo) & (place < hi)
    if not inside.any():
        return allowed
    if allowed is None:
        allowed = np.ones(shape, dtype=np.bool_)
    allowed[local_row[inside], place[inside] - lo] = False
    return allowed


def top_columns(values: FloatArray, take: int) -> IntArray:
    """Column indices of each row's `take` largest entries (any order), in about one pass.

    A row's top `take` entries all lie in the `take` groups with the largest maxima, so a cheap
    max-reduction over groups of 64 narrows each row to take x 64 entries before partitioning.
    """
    rows, width = values.shape
    if take >= width:
        return np.broadcast_to(np.arange(width), (rows, width))
    groups = -(-width // _GROUP)
    if groups <= take * 2:
        return np.argpartition(-values, take - 1, axis=1)[:, :take]
    if width % _GROUP or not values.flags.c_contiguous:
        padded = np.full((rows, groups * _GROUP), -np.inf)
        padded[:, :width] = values
        values = padded
    grouped = values.reshape(rows, groups, _GROUP)
    best_groups = np.argpartition(-grouped.max(axis=2), take - 1, axis=1)[:, :take]
    members = np.take_along_axis(grouped, best_groups[:, :, None], axis=1).reshape(rows, take * _GROUP)
    local = np.argpartition(-members, take - 1, axis=1)[:, :take]
    return np.take_along_axis(best_groups, local // _GROUP, axis=1) * _GROUP + local % _GROUP


def _best(
    values: FloatArray, chunk: IntArray, cols: IntArray, take: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Each row's `take` largest finite entries as (rows, mentor cols, values)."""
    best = top_columns(values, take)
    best_values = np.take_along_axis(values, best, axis=1)
    real = np.isfinite(best_values)
    return np.broadcast_to(chunk[:, None], best.shape)[real], cols[best[real]], best_values[real]


def _merge(
    found: list[tuple[IntArray, IntArray, FloatArray, IntArray]], count: int, keep: int, valid_count: IntArray
) -> Scan:
    """Keep the best `keep` per (row, block); left_behind is each row's best value not kept.

    Keeping the best few *per skill* rather than overall gives a mentee whose favourite skill is
    over-subscribed its best fallbacks in its other skills from the start.
    """
    left_behind = np.full(count, -np.inf)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Scan(mentee=empty, mentor=empty, left_behind=left_behind, valid_count=valid_count)
    rows = np.concatenate([part[0] for part in found])
    cols = np.concatenate([part[1] for part in found])
    values = np.concatenate([part[2] for part in found])
    blocks = np.concatenate([part[3] for part in found])
    # Best first within each (row, block); ties broken by column for determinism.
    order = np.lexsort((cols, -values, blocks, rows))
    rows, cols, values, blocks = rows[order], cols[order], values[order], blocks[order]
    group = rows * (int(blocks.max(initial=0)) + 1) + blocks
    first = np.searchsorted(group, group, side="left")
    rank = np.arange(rows.size) - first
    kept = rank < keep
    spill = rank == keep
    np.maximum.at(left_behind, rows[spill], values[spill])
    keys = unique_keys(rows[kept] * np.int64(max(int(cols.max(initial=0)) + 1, 1)) + cols[kept])
    width = max(int(cols.max(initial=0)) + 1, 1)
    return Scan(mentee=keys // width, mentor=keys % width, left_behind=left_behind, valid_count=valid_count)
