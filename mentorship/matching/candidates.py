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
from mentorship.matching.native import c_fields, cores, kernels, on_cores
from mentorship.matching.rules import Exceptions
from mentorship.matching.scoring import TIE_BREAK, ScoreParts
from mentorship.models import Program, ProgramKind

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SPLIT_MIN_ROWS = 256
"""Fewer mentees than this are scanned in one call: a thread hand-off would cost more than it saves."""
RESTRICTED_LAYOUTS = 2
"""Restricted layouts kept (see PairScanner._restricted)."""
ENTRY_CODES_MAX_BYTES = 64 << 20
"""Up to this size the scan has its own copy of the mentors' proficiency codes, skill by skill in
block-entry order, so it reads them in sequence rather than gathering them from each mentor's row
(large skill catalogues fall back to that)."""
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


class _Cohort(ctypes.Structure):
    """pair_scan.c's Cohort: field order and types mirror the C struct."""

    _fields_ = (
        c_fields(
            ctypes.c_void_p,
            "wish_start wish_block term_start term_skill term_fit term_goal mentee_department "
            "mentee_zone mentee_cos mentee_sin level_low level_high mentee_boss mentee_language "
            "except_start except_mentor",
        )
        + c_fields(ctypes.c_int64, "skill_count")
        + c_fields(ctypes.c_void_p, "proficiency_code code_value")
        + c_fields(ctypes.c_int64, "code_count max_terms max_wishes")
        + c_fields(ctypes.c_void_p, "mentor_entry_start mentor_entry")
        + c_fields(ctypes.c_int64, "entry_count")
        + c_fields(
            ctypes.c_void_p,
            "block_start block_level block_skill entry_mentor entry_code entry_department entry_zone "
            "entry_language entry_boss entry_cos entry_sin",
        )
        + c_fields(ctypes.c_int64, "zone_width")
        + c_fields(ctypes.c_void_p, "zone_gain zone_allowed")
        + c_fields(ctypes.c_int64, "language_sets")
        + c_fields(ctypes.c_void_p, "language_allowed")
        + c_fields(ctypes.c_double, "base cross_department tie_break")
    )


class _Request(ctypes.Structure):
    _fields_ = (
        c_fields(ctypes.c_int64, "count")
        + c_fields(ctypes.c_void_p, "rows entry_price mentee_price")
        + c_fields(ctypes.c_int64, "keep mentor_keep")
        + c_fields(ctypes.c_double, "spread")
    )


class _Result(ctypes.Structure):
    _fields_ = c_fields(
        ctypes.c_void_p,
        "out_start out_count out_mentor left_behind valid_count side_value side_mentee side_floor",
    )


@cache
def _scan_kernel() -> Any:
    function = kernels().scan_pairs
    function.restype = ctypes.c_int64
    function.argtypes = [ctypes.POINTER(_Cohort), ctypes.POINTER(_Request), ctypes.POINTER(_Result)]
    return function


def _mentor_level_limits(program: Program, mentee_level: IntArray) -> tuple[IntArray, IntArray]:
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


@dataclass(frozen=True)
class _Layout:
    cohort: _Cohort
    arrays: dict[str, npt.NDArray[Any]]  # what the struct points into, kept alive with it
    block_mentor: IntArray


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
        # Proficiency values as small codes (0: not coached): a handful of distinct values.
        code_value = np.concatenate(([0.0], np.unique(cohort.proficiency[cohort.proficiency != 0.0])))
        if code_value.size > 256:  # the model allows five levels; a byte per code is plenty
            raise ValueError(f"{code_value.size - 1} distinct proficiency values do not fit in a byte")
        codes = np.searchsorted(code_value, cohort.proficiency)
        level_low, level_high = _mentor_level_limits(program, mentees.level)
        zone_width = cohort.shared_hours.shape[0] + 1
        boss = cohort.tree.parent

        def entries(values: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
            return np.ascontiguousarray(values[block_mentor], dtype=np.int32)

        self._fixed: dict[str, npt.NDArray[Any]] = {
            "wish_start": np.concatenate(([0], np.cumsum(self.wish_count))).astype(np.int64),
            "wish_block": np.ascontiguousarray(wish_block[by_row], dtype=np.int64),
            "term_start": parts.term_start,
            "term_skill": parts.term_skill,
            "term_fit": parts.term_fit,
            "term_goal": parts.term_goal,
            "mentee_department": mentees.department,
            "mentee_zone": mentees.time_zone,
            "mentee_cos": parts.mentee_angle[:, 0],
            "mentee_sin": parts.mentee_angle[:, 1],
            "level_low": level_low.astype(np.int64),
            "level_high": level_high.astype(np.int64),
            "mentee_language": mentees.language_set,
            "except_start": ruled_out.start,
            "except_mentor": ruled_out.mentor,
            "proficiency_code": codes.reshape(cohort.proficiency.shape).astype(np.uint8),
            "code_value": code_value.astype(np.float64),
            "block_skill": order.astype(np.int64),
            "zone_gain": parts.zone_gain,
        }
        # Per block entry (one per mentor and coached skill), in block order.
        self._entries: dict[str, npt.NDArray[Any]] = {
            "block_level": mentors.level[block_mentor].astype(np.int64),
            "entry_mentor": block_mentor.astype(np.int32),
            "entry_department": entries(mentors.department),
            "entry_zone": entries(mentors.time_zone),
            "entry_language": entries(mentors.language_set),
            "entry_cos": parts.mentor_angle[block_mentor, 0].astype(np.float32),
            "entry_sin": parts.mentor_angle[block_mentor, 1].astype(np.float32),
        }
        # [skill][entry]: a block's codes in one skill are read in sequence.
        self._skill_major: npt.NDArray[np.uint8] | None = None
        if block_mentor.size * cohort.proficiency.shape[1] <= ENTRY_CODES_MAX_BYTES:
            self._skill_major = np.ascontiguousarray(self._fixed["proficiency_code"][block_mentor].T)
        if program.exclude_shared_manager:
            self._fixed["mentee_boss"] = boss[mentees.people]
            self._entries["entry_boss"] = entries(boss[mentors.people])
        if program.min_time_zone_overlap_hours is not None:
            allowed = np.zeros((zone_width, zone_width), dtype=np.uint8)
            allowed[1:, 1:] = cohort.shared_hours >= program.min_time_zone_overlap_hours - 1e-9
            self._fixed["zone_allowed"] = allowed
        if program.require_shared_language:
            self._fixed["language_allowed"] = cohort.language_overlap.astype(np.uint8)
        self._fixed = {name: np.ascontiguousarray(array) for name, array in self._fixed.items()}
        self._block_of_entry = block_of_entry
        self._block_count = order.size
        self._scalars: dict[str, Any] = {
            "skill_count": cohort.proficiency.shape[1],
            "code_count": code_value.size,
            "max_terms": int(np.diff(parts.term_start).max(initial=0)),
            "max_wishes": int(self.wish_count.max(initial=0)),
            "zone_width": zone_width,
            "language_sets": len(cohort.language_sets),
            "base": parts.base,
            "cross_department": parts.cross_department,
            "tie_break": TIE_BREAK,
        }
        self._all = self._layout(None)
        self._restricted_layouts: dict[bytes, _Layout] = {}

    def _layout(self, entry_mask: BoolArray | None) -> _Layout:
        """The C view of the blocks, or of only the entries in `entry_mask`: a scan restricted to
        a few mentors then costs in proportion to their entries, not to every entry."""
        block_mentor, block_of_entry = self._entries["entry_mentor"].astype(np.int64), self._block_of_entry
        arrays = dict(self._fixed)
        for name, array in self._entries.items():
            arrays[name] = array if entry_mask is None else np.ascontiguousarray(array[entry_mask])
        if self._skill_major is not None:
            codes = self._skill_major
            arrays["entry_code"] = codes if entry_mask is None else np.ascontiguousarray(codes[:, entry_mask])
        if entry_mask is not None:
            block_mentor, block_of_entry = block_mentor[entry_mask], block_of_entry[entry_mask]
        by_mentor = np.argsort(block_mentor, kind="stable")
        arrays["mentor_entry_start"] = np.searchsorted(
            block_mentor[by_mentor], np.arange(self.mentor_count + 1)
        ).astype(np.int64)
        arrays["mentor_entry"] = by_mentor.astype(np.int64)
        arrays["block_start"] = np.searchsorted(block_of_entry, np.arange(self._block_count + 1)).astype(
            np.int64
        )
        cohort = _Cohort(
            **{name: _pointer(array) for name, array in arrays.items()},
            entry_count=block_mentor.size,
            **self._scalars,
        )
        return _Layout(cohort=cohort, arrays=arrays, block_mentor=block_mentor)

    def _restricted(self, only_mentors: BoolArray) -> _Layout:
        """The layout for some mentors, the last RESTRICTED_LAYOUTS kept for the next calls: a
        sampled market's rounds alternate its own mask (rescans) with its fallen mentors' (bound
        refreshes), and a layout costs 13-27 ms to build at 100,000 employees."""
        mask = np.ascontiguousarray(only_mentors, dtype=np.bool_)
        key = mask.tobytes()
        layout = self._restricted_layouts.pop(key, None)
        if layout is None:
            layout = self._layout(mask[self._entries["entry_mentor"]])
        self._restricted_layouts[key] = layout  # most recent last
        while len(self._restricted_layouts) > RESTRICTED_LAYOUTS:
            del self._restricted_layouts[next(iter(self._restricted_layouts))]
        return layout

    def scan(
        self,
        rows: IntArray,
        *,
        keep: int,
        price: FloatArray | None = None,
        mentor_keep: int = 0,
        only_mentors: BoolArray | None = None,
        mentee_price: FloatArray | None = None,
        spread: float = 0.0,
    ) -> Scan:
        """Scan every valid pair of the mentee `rows`, keeping each mentee's `keep` best per block
        by value - price[mentor] - mentee_price[mentee] (missing prices count as 0), and with
        `mentor_keep`, each mentor's best mentees too: lists seen from both sides cover the mentors
        everyone else's favourites crowd out, so the first solve already prices them.
        `only_mentors` restricts the scan to some mentors (those whose price fell, when
        refreshing bounds). A `spread` ranks each pair at its adjusted value plus up to `spread`
        of a fixed hash of the pair (see pair_scan.c); left_behind stays exact."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        layout = self._all if only_mentors is None else self._restricted(only_mentors)
        capacity = self.wish_count[rows] * keep
        out_start = (np.cumsum(capacity) - capacity).astype(np.int64)
        left_behind = np.full(self.mentee_count, -np.inf)
        valid_count = np.zeros(self.mentee_count, dtype=np.int64)
        out_mentor = np.zeros(int(capacity.sum()), dtype=np.int64)
        shared = {
            "left_behind": left_behind,
            "valid_count": valid_count,
            "out_mentor": out_mentor,
            # per block entry, read in sequence by the kernel
            "entry_price": None if price is None else price[layout.block_mentor].astype(np.float64),
            "mentee_price": None if mentee_price is None else mentee_price.astype(np.float64),
        }
        # Interleaved parts, one call each on the thread pool; every mentee's output has its place.
        parts = 1 if rows.size < SPLIT_MIN_ROWS else cores()
        calls = [
            _Call.prepare(rows, out_start, np.arange(part, rows.size, parts), self.mentor_count, mentor_keep)
            for part in range(parts)
        ]
        statuses = on_cores(
            _scan_kernel(),
            [
                (ctypes.byref(layout.cohort), *call.arguments(shared, keep, mentor_keep, spread))
                for call in calls
            ],
        )
        if any(status != 0 for status in statuses):
            raise MemoryError("the pair scan could not allocate its working memory")
        out_count = np.zeros(rows.size, dtype=np.int64)
        for call in calls:
            out_count[call.positions] = call.arrays["out_count"]
        slot = np.arange(capacity.sum()) - np.repeat(out_start, capacity)
        kept = slot < np.repeat(out_count, capacity)
        width = max(self.mentor_count, 1)
        # mentees in order, each one's few mentors not: timsort's runs (see keysets.unique_keys)
        keys = np.sort(np.repeat(rows, capacity)[kept] * width + out_mentor[kept], kind="stable")
        return Scan(
            mentee=keys // width,
            mentor=keys % width,
            left_behind=left_behind,
            valid_count=valid_count,
            mentor_side=_merge_sides([call.side for call in calls], mentor_keep) if mentor_keep else None,
        )


@dataclass(frozen=True)
class _Call:
    """One kernel call's own mentees, output places and per-mentor table."""

    positions: IntArray
    arrays: dict[str, npt.NDArray[Any]]
    side: tuple[FloatArray, IntArray]

    @classmethod
    def prepare(
        cls, rows: IntArray, out_start: IntArray, positions: IntArray, mentor_count: int, mentor_keep: int
    ) -> _Call:
        return cls(
            positions=positions,
            arrays={
                "rows": rows[positions],
                "out_start": out_start[positions],
                "out_count": np.zeros(positions.size, dtype=np.int64),
                "side_floor": np.full(mentor_count if mentor_keep else 0, -np.inf),
            },
            side=(
                np.full((mentor_count, mentor_keep), -np.inf),
                np.full((mentor_count, mentor_keep), -1, dtype=np.int64),
            ),
        )

    def arguments(
        self, shared: dict[str, npt.NDArray[Any] | None], keep: int, mentor_keep: int, spread: float
    ) -> tuple[Any, Any]:
        request = _Request(
            count=self.positions.size,
            rows=_pointer(self.arrays["rows"]),
            entry_price=_pointer(shared["entry_price"]),
            mentee_price=_pointer(shared["mentee_price"]),
            keep=keep,
            mentor_keep=mentor_keep,
            spread=spread,
        )
        result = _Result(
            out_start=_pointer(self.arrays["out_start"]),
            out_count=_pointer(self.arrays["out_count"]),
            out_mentor=_pointer(shared["out_mentor"]),
            left_behind=_pointer(shared["left_behind"]),
            valid_count=_pointer(shared["valid_count"]),
            side_value=_pointer(self.side[0]) if mentor_keep else None,
            side_mentee=_pointer(self.side[1]) if mentor_keep else None,
            side_floor=_pointer(self.arrays["side_floor"]) if mentor_keep else None,
        )
        # byref keeps the structures alive for as long as the call's arguments are referenced
        return ctypes.byref(request), ctypes.byref(result)


def _merge_sides(sides: list[tuple[FloatArray, IntArray]], keep: int) -> tuple[IntArray, IntArray]:
    """Each mentor's `keep` best mentees over the per-call tables, as (mentee rows, mentor cols)
    of every finite entry in mentor order; ties go to the lower row, as within one call.

    Each call's table is already best first and the calls' mentees differ, so an entry's place in
    the merged list is the number of its mentor's entries that beat it: a few comparisons per
    entry instead of sorting them all."""
    value = np.hstack([side[0] for side in sides])
    mentee = np.hstack([side[1] for side in sides])
    if len(sides) > 1:
        ahead = value[:, :, None] > value[:, None, :]
        ahead |= (value[:, :, None] == value[:, None, :]) & (mentee[:, :, None] < mentee[:, None, :])
        place = ahead.sum(axis=1)
        listed = (place < keep) & np.isfinite(value)
        rows = np.broadcast_to(np.arange(value.shape[0])[:, None], value.shape)[listed]
        best_value = np.full((value.shape[0], keep), -np.inf)
        best_mentee = np.full((value.shape[0], keep), -1, dtype=np.int64)
        best_value[rows, place[listed]] = value[listed]
        best_mentee[rows, place[listed]] = mentee[listed]
        value, mentee = best_value, best_mentee
    cols, slots = np.nonzero(np.isfinite(value[:, :keep]))
    return mentee[cols, slots], cols.astype(np.int64)
