"""Independent enumeration of every valid pair: dense chunks of mentees x all mentors.

Deliberately different from the engine: no per-skill blocks, no C scan, no Euler tour. Reporting
chains are checked by walking manager ids up to each person's ancestors at every depth.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentorship.matching.cohort import Cohort
from mentorship.models import Pairing, PairingStatus, Program, ProgramKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class Chunk:
    """Mentee rows [start, stop) against all mentors: value of every pair and whether it is valid."""

    start: int
    stop: int
    value: FloatArray
    valid: BoolArray


def _ancestors(cohort: Cohort) -> tuple[IntArray, IntArray]:
    """depth[person] and up[person, k] = the person k levels above (or -1)."""
    directory = cohort.directory
    index_of = {employee.employee_id: index for index, employee in enumerate(directory)}
    chains: list[list[int]] = []
    for employee in directory:
        chain: list[int] = []
        seen = {index_of[employee.employee_id]}
        manager = employee.manager_id
        while manager is not None and manager in index_of and index_of[manager] not in seen:
            boss = index_of[manager]
            chain.append(boss)
            seen.add(boss)
            manager = directory[boss].manager_id
        chains.append(chain)
    longest = max((len(chain) for chain in chains), default=0)
    up = np.full((len(directory), longest + 1), -1, dtype=np.int64)
    for person, chain in enumerate(chains):
        up[person, 0] = person
        up[person, 1 : len(chain) + 1] = chain
    depth = np.asarray([len(chain) for chain in chains], dtype=np.int64)
    return depth, up


def _in_chain(upper: IntArray, lower: IntArray, depth: IntArray, up: IntArray) -> BoolArray:
    """Is `upper` one of `lower`'s managers (any distance)? Broadcasting over both arrays."""
    distance = depth[lower] - depth[upper]
    ok = distance > 0
    safe = np.where(ok, distance, 0)
    lower_b = np.broadcast_to(lower, safe.shape)
    return ok & (up[lower_b, np.minimum(safe, up.shape[1] - 1)] == upper)


def iterate_pairs(
    program: Program, cohort: Cohort, weights: dict[str, float], history: Sequence[Pairing] = ()
) -> Iterator[Chunk]:
    """Every (mentee, mentor) pair with its value (components + first-slot load worth) and validity."""
    mentees, mentors = cohort.mentees, cohort.mentors
    depth, up = _ancestors(cohort)
    # Mentors sharing the directory's first-level manager for the shared-manager rule.
    manager_index = {employee.employee_id: index for index, employee in enumerate(cohort.directory)}
    boss = np.asarray(
        [
            manager_index.get(cohort.directory[int(p)].manager_id or "", -1)
            for p in range(len(cohort.directory))
        ],
        dtype=np.int64,
    )
    wanted = (cohort.wish_priority > 0).astype(np.float64)
    coached = (cohort.proficiency > 0).astype(np.float64)
    history_pairs: set[tuple[int, int]] = set()
    mentee_pos = {mentee_id: row for row, mentee_id in enumerate(mentees.ids)}
    mentor_pos = {mentor_id: col for col, mentor_id in enumerate(mentors.ids)}
    for pairing in history:
        blocks = pairing.status is PairingStatus.REJECTED or (
            pairing.status in (PairingStatus.APPROVED, PairingStatus.ENDED)
            and not program.allow_repeat_pairings
        )
        if blocks and pairing.mentee_id in mentee_pos and pairing.mentor_id in mentor_pos:
            history_pairs.add((mentee_pos[pairing.mentee_id], mentor_pos[pairing.mentor_id]))
    step = max(1, CHUNK_ELEMENTS // max(mentors.size, 1))
    for start in range(0, mentees.size, step):
        rows = np.arange(start, min(start + step, mentees.size))
        skill_fit = cohort.wish_weight[rows] @ cohort.proficiency.T
        goal = cohort.goal_weight[rows] @ coached.T
        de, dm = mentees.department[rows][:, None], mentors.department[None, :]
        cross = ((de != dm) & (de >= 0) & (dm >= 0)).astype(np.float64)
        te, tm = mentees.time_zone[rows][:, None], mentors.time_zone[None, :]
        known = (te >= 0) & (tm >= 0)
        hours = np.where(known, cohort.shared_hours[np.maximum(te, 0), np.maximum(tm, 0)], 0.0)
        value = (
            weights["skill_fit"] * skill_fit
            + weights["goal_overlap"] * goal
            + weights["cross_department"] * cross
            + weights["location"] * hours / 8.0
            + weights["load_spread"]
        )
        pe, pm = mentees.people[rows][:, None], mentors.people[None, :]
        le, lm = mentees.level[rows][:, None], mentors.level[None, :]
        valid = ((wanted[rows] @ coached.T) > 0) & (pe != pm) & (cohort.residual[None, :] > 0)
        valid &= ~_in_chain(pm, pe, depth, up) & ~_in_chain(pe, pm, depth, up)
        gap = program.min_level_gap
        if program.kind is ProgramKind.REVERSE:
            valid &= (le >= 0) & (lm >= 0) & (lm + gap <= le)
        elif program.kind is ProgramKind.TRADITIONAL:
            valid &= (le >= 0) & (lm >= 0) & (lm >= le + gap)
        elif program.kind is ProgramKind.PEER:
            valid &= (le >= 0) & (lm >= 0) & (np.abs(lm - le) <= program.peer_band)
        if program.exclude_shared_manager:
            valid &= ~((boss[pe] == boss[pm]) & (boss[pe] >= 0))
        if program.min_time_zone_overlap_hours is not None:
            valid &= known & (hours >= program.min_time_zone_overlap_hours - 1e-9)
        if program.require_shared_language:
            sets = cohort.language_sets
            table = np.asarray([[len(a & b) > 0 for b in sets] for a in sets])
            valid &= table[mentees.language_set[rows][:, None], mentors.language_set[None, :]]
        for row, col in history_pairs:
            if start <= row < start + len(rows):
                valid[row - start, col] = False
        yield Chunk(start=start, stop=start + len(rows), value=value, valid=valid)
