"""Scanning valid pairs block by block: one block per skill, mentees wanting it x mentors coaching it.

Only pairs that share a skill can score on skill fit, and a pair with nothing to teach is not a
mentoring pair, so the valid pairs are exactly the union of these blocks. A pair sharing several
skills is counted in the block of its first shared skill only, so every valid pair is seen once.
Within a block, mentors are sorted by level, so a level rule becomes a column range per mentee.
The pairs themselves are scored and ranked by a C kernel (pair_scan.c), one call per core on
disjoint mentees: only each mentee's best few per block are kept, together with the best value
left behind, which bounds every pair not kept.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.matching.native import cores, kernels, workers
from mentorship.matching.rules import Exceptions
from mentorship.matching.scoring import TIE_BREAK, ScoreParts
from mentorship.models import Program, ProgramKind

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SPLIT_MIN_ROWS = 256
"""Fewer mentees than this are scanned in one call: a thread hand-off would cost more than it saves."""
_NO_LEVEL_LIMIT = 1 << 62


@dataclass(frozen=True)
class Scan:
    """Kept pairs (best by adjusted value) and, per mentee, the best adjusted value not kept."""

    mentee: IntArray
    mentor: IntArray
    left_behind: FloatArray  # per mentee (all mentee rows); -inf where nothing was left behind
    valid_count: IntArray  # per mentee: valid pairs seen
    mentor_side: tuple[IntArray, IntArray] | None = None  # each mentor's best mentees (rows, cols)


def _pointer(array: npt.NDArray[Any] | None) -> int | None:
    return None if array is None else int(array.ctypes.data)


def _fields(kind: Any, names: str) -> list[tuple[str, Any]]:
    return [(name, kind) for name in names.split()]


class _Cohort(ctypes.Structure):
    """pair_scan.c's Cohort: field order and types mirror the C struct."""

    _fields_ = (
        _fields(
            ctypes.c_void_p,
            "wish_start wish_block term_start term_skill term_fit term_goal mentee_department "
            "mentee_zone mentee_cos mentee_sin level_low level_high mentee_boss mentee_language "
            "except_start except_mentor",
        )
        + _fields(ctypes.c_int64, "skill_count")
        + _fields(ctypes.c_void_p, "proficiency_code code_value")
        + _fields(ctypes.c_int64, "code_count max_terms max_wishes")
        + _fields(ctypes.c_void_p, "mentor_entry_start mentor_entry")
        + _fields(ctypes.c_int64, "entry_count")
        + _fields(
            ctypes.c_void_p,
            "block_start block_level block_skill entry_mentor entry_department entry_zone "
            "entry_language entry_boss entry_cos entry_sin",
        )
        + _fields(ctypes.c_int64, "zone_width")
        + _fields(ctypes.c_void_p, "zone_gain zone_allowed")
        + _fields(ctypes.c_int64, "language_sets")
        + _fields(ctypes.c_void_p, "language_allowed")
        + _fields(ctypes.c_double, "base cross_department tie_break")
    )


class _Request(ctypes.Structure):
    _fields_ = (
        _fields(ctypes.c_int64, "count")
        + _fields(ctypes.c_void_p, "rows entry_price mentee_price entry_allowed")
        + _fields(ctypes.c_int64, "keep mentor_keep")
    )


class _Result(ctypes.Structure):
    _fields_ = _fields(
        ctypes.c_void_p,
        "out_start out_count out_mentor out_value left_behind valid_count side_value side_mentee",
    )


@cache
def _scan_kernel() -> Any:
    function = kernels().scan_pairs
    function.restype = ctypes.c_int64
    function.argtypes = [ctypes.POINTER(_Cohort), ctypes.POINTER(_Request), ctypes.POINTER(_Result)]
    return function


def mentor_level_limits(program: Program, mentee_level: IntArray) -> tuple[IntArray, IntArray]:
    """Per mentee, the mentor levels [low, high] (inclusive) the programme's level rule allows."""
    unlimited = np.full(mentee_level.size, _NO_LEVEL_LIMIT, dtype=np.int64)
    if program.kind is ProgramKind.SKILLS:
        return -unlimited, unlimited
    if program.kind is ProgramKind.REVERSE:
        low, high = np.zeros_like(mentee_level), mentee_level - program.min_level_gap
    elif program.kind is ProgramKind.TRADITIONAL:
        low, high = mentee_level + program.min_level_gap, unlimited
    else:
        low = np.maximum(mentee_level - program.peer_band, 0)
        high = mentee_level + program.peer_band
    known = mentee_level >= 0  # an unknown level fails any level rule
    return np.where(known, low, 1), np.where(known, high, 0)


class PairScanner:
    """The cohort laid out for pair_scan.c once, scanned many times at different prices."""

    def __init__(self, program: Program, cohort: Cohort, parts: ScoreParts, ruled_out: Exceptions) -> None:
        mentees, mentors = cohort.mentees, cohort.mentors
        self.mentee_count, self.mentor_count = mentees.size, mentors.size
        wishes = cohort.wish_priority > 0
        coaches = (cohort.proficiency > 0) & (cohort.residual > 0)[:, None]
        # Largest blocks first: a pair sharing several skills is then scored in its largest block.
        sizes = wishes.sum(axis=0, dtype=np.float64) * coaches.sum(axis=0, dtype=np.float64)
        order = np.lexsort((np.arange(sizes.size), -sizes))
        block_of_skill = np.empty(order.size, dtype=np.int64)
        block_of_skill[order] = np.arange(order.size)
        coach_rows, coach_skills = np.nonzero(coaches)
        by_block = np.lexsort((coach_rows, mentors.level[coach_rows], block_of_skill[coach_skills]))
        block_mentor = coach_rows[by_block].astype(np.int64)
        block_of_entry = block_of_skill[coach_skills[by_block]]
        wish_rows, wish_skills = np.nonzero(wishes)
        wish_block = block_of_skill[wish_skills]
        by_row = np.lexsort((wish_block, wish_rows))
        self.wish_count = np.bincount(wish_rows, minlength=mentees.size).astype(np.int64)
        code_value, codes = np.unique(cohort.proficiency, return_inverse=True)
        if code_value.size > 255 or (code_value.size and code_value[0] != 0.0):
            code_value = np.concatenate(([0.0], code_value[code_value != 0.0]))
            codes = np.searchsorted(code_value, cohort.proficiency)
        level_low, level_high = mentor_level_limits(program, mentees.level)
        zone_width = cohort.shared_hours.shape[0] + 1
        boss = cohort.tree.parent
        by_mentor = np.argsort(block_mentor, kind="stable")
        self.block_mentor = block_mentor

        def entries(values: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
            return np.ascontiguousarray(values[block_mentor], dtype=np.int32)

        self._keep_alive: dict[str, npt.NDArray[Any]] = {
            "wish_start": np.concatenate(([0], np.cumsum(self.wish_count))).astype(np.int64),
            "wish_block": np.ascontiguousarray(wish_block[by_row], dtype=np.int64),
            "term_start": parts.term_start,
            "term_skill": parts.term_skill,
            "term_fit": parts.term_fit,
            "term_goal": parts.term_goal,
            "mentee_department": mentees.department,
            "mentee_zone": mentees.time_zone,
            "mentee_cos": np.ascontiguousarray(parts.mentee_angle[:, 0]),
            "mentee_sin": np.ascontiguousarray(parts.mentee_angle[:, 1]),
            "level_low": np.ascontiguousarray(level_low, dtype=np.int64),
            "level_high": np.ascontiguousarray(level_high, dtype=np.int64),
            "mentee_language": mentees.language_set,
            "except_start": ruled_out.start,
            "except_mentor": ruled_out.mentor,
            "proficiency_code": np.ascontiguousarray(codes.reshape(cohort.proficiency.shape), dtype=np.uint8),
            "code_value": np.ascontiguousarray(code_value, dtype=np.float64),
            "mentor_entry_start": np.searchsorted(
                block_mentor[by_mentor], np.arange(mentors.size + 1)
            ).astype(np.int64),
            "mentor_entry": by_mentor.astype(np.int64),
            "block_start": np.searchsorted(block_of_entry, np.arange(order.size + 1)).astype(np.int64),
            "block_level": np.ascontiguousarray(mentors.level[block_mentor], dtype=np.int64),
            "block_skill": order.astype(np.int64),
            "entry_mentor": block_mentor.astype(np.int32),
            "entry_department": entries(mentors.department),
            "entry_zone": entries(mentors.time_zone),
            "entry_language": entries(mentors.language_set),
            "entry_cos": np.ascontiguousarray(parts.mentor_angle[block_mentor, 0], dtype=np.float32),
            "entry_sin": np.ascontiguousarray(parts.mentor_angle[block_mentor, 1], dtype=np.float32),
            "zone_gain": np.ascontiguousarray(parts.zone_gain, dtype=np.float64),
        }
        if program.exclude_shared_manager:
            self._keep_alive["mentee_boss"] = np.ascontiguousarray(boss[mentees.people])
            self._keep_alive["entry_boss"] = entries(boss[mentors.people])
        if program.min_time_zone_overlap_hours is not None:
            allowed = np.zeros((zone_width, zone_width), dtype=np.uint8)
            allowed[1:, 1:] = cohort.shared_hours >= program.min_time_zone_overlap_hours - 1e-9
            self._keep_alive["zone_allowed"] = allowed
        if program.require_shared_language:
            self._keep_alive["language_allowed"] = cohort.language_overlap.astype(np.uint8)
        for name, array in self._keep_alive.items():
            if not array.flags.c_contiguous:
                self._keep_alive[name] = np.ascontiguousarray(array)
        terms = np.diff(parts.term_start)
        self._cohort = _Cohort(
            **{name: _pointer(array) for name, array in self._keep_alive.items()},
            skill_count=cohort.proficiency.shape[1],
            code_count=code_value.size,
            max_terms=int(terms.max(initial=0)),
            max_wishes=int(self.wish_count.max(initial=0)),
            entry_count=block_mentor.size,
            zone_width=zone_width,
            language_sets=len(cohort.language_sets),
            base=parts.base,
            cross_department=parts.cross_department,
            tie_break=TIE_BREAK,
        )

    def scan(
        self,
        rows: IntArray,
        *,
        keep: int,
        price: FloatArray | None = None,
        mentor_keep: int = 0,
        only_mentors: BoolArray | None = None,
        mentee_price: FloatArray | None = None,
    ) -> Scan:
        """Scan every valid pair of the mentee `rows`, keeping each mentee's `keep` best per block
        by value - price[mentor] - mentee_price[mentee] (missing prices count as 0), and with
        `mentor_keep`, each mentor's best mentees too: lists seen from both sides cover the mentors
        everyone else's favourites crowd out, so the first solve already prices them.
        `only_mentors` restricts the scan to some mentors (those whose price fell, when
        refreshing bounds)."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        left_behind = np.full(self.mentee_count, -np.inf)
        valid_count = np.zeros(self.mentee_count, dtype=np.int64)
        capacity = self.wish_count[rows] * keep
        out_start = (np.cumsum(capacity) - capacity).astype(np.int64)
        out_count = np.zeros(rows.size, dtype=np.int64)
        out_mentor = np.zeros(int(capacity.sum()), dtype=np.int64)
        out_value = np.zeros(out_mentor.size)
        # Per block entry, read in sequence by the kernel.
        entry_price = None if price is None else price[self.block_mentor].astype(np.float64)
        entry_allowed = None if only_mentors is None else only_mentors[self.block_mentor].astype(np.uint8)
        inputs = [
            entry_price,
            None if mentee_price is None else np.ascontiguousarray(mentee_price, dtype=np.float64),
            entry_allowed,
        ]
        parts = 1 if rows.size < SPLIT_MIN_ROWS else cores()
        sides: list[tuple[FloatArray, IntArray]] = []
        calls = []
        for part in range(parts):
            positions = np.arange(part, rows.size, parts, dtype=np.int64)
            side = (
                np.full((self.mentor_count, mentor_keep), -np.inf),
                np.full((self.mentor_count, mentor_keep), -1, dtype=np.int64),
            )
            sides.append(side)
            part_rows = rows[positions]
            part_start = out_start[positions]
            part_count = np.zeros(positions.size, dtype=np.int64)
            request = _Request(
                count=positions.size,
                rows=_pointer(part_rows),
                entry_price=_pointer(inputs[0]),
                mentee_price=_pointer(inputs[1]),
                entry_allowed=_pointer(inputs[2]),
                keep=keep,
                mentor_keep=mentor_keep,
            )
            result = _Result(
                out_start=_pointer(part_start),
                out_count=_pointer(part_count),
                out_mentor=_pointer(out_mentor),
                out_value=_pointer(out_value),
                left_behind=_pointer(left_behind),
                valid_count=_pointer(valid_count),
                side_value=_pointer(side[0]) if mentor_keep else None,
                side_mentee=_pointer(side[1]) if mentor_keep else None,
            )
            calls.append((positions, part_rows, part_start, part_count, request, result))
        kernel = _scan_kernel()
        run = [
            workers().submit(kernel, ctypes.byref(self._cohort), ctypes.byref(call[4]), ctypes.byref(call[5]))
            for call in calls
        ]
        if any(future.result() != 0 for future in run):
            raise MemoryError("the pair scan could not allocate its working memory")
        for positions, _, _, part_count, _, _ in calls:
            out_count[positions] = part_count
        slot = np.arange(out_mentor.size) - np.repeat(out_start, capacity)
        kept = slot < np.repeat(out_count, capacity)
        mentee = np.repeat(rows, capacity)[kept]
        keys = np.sort(mentee * max(self.mentor_count, 1) + out_mentor[kept])
        width = max(self.mentor_count, 1)
        return Scan(
            mentee=keys // width,
            mentor=keys % width,
            left_behind=left_behind,
            valid_count=valid_count,
            mentor_side=_merge_sides(sides, mentor_keep) if mentor_keep else None,
        )


def _merge_sides(sides: list[tuple[FloatArray, IntArray]], keep: int) -> tuple[IntArray, IntArray]:
    """Each mentor's `keep` best mentees over the per-call tables, as (mentee rows, mentor cols)
    of every finite entry in mentor order; ties go to the lower row, as within one call."""
    value = np.hstack([side[0] for side in sides])
    mentee = np.hstack([side[1] for side in sides])
    mentors = np.broadcast_to(np.arange(value.shape[0])[:, None], value.shape)
    order = np.lexsort((mentee.ravel(), -value.ravel(), mentors.ravel()))
    best_value = value.ravel()[order].reshape(value.shape)[:, :keep]
    best_mentee = mentee.ravel()[order].reshape(value.shape)[:, :keep]
    cols, slots = np.nonzero(np.isfinite(best_value))
    return best_mentee[cols, slots], cols.astype(np.int64)
