"""Baseline matchers on explicit pair lists: greedy best-score-first, and an exact assignment.

Both use the engine's objective definition: sum of pair values minus the cost of each mentor slot
used (slot k of a mentor costs load weight x k / capacity), unmatched allowed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from benchmarks.baselines.certificate import CandidateLists

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _objective(pairs: CandidateLists, chosen: IntArray, costs: list[FloatArray]) -> tuple[float, int]:
    load = np.bincount(pairs.mentor[chosen], minlength=len(costs))
    used = sum(float(costs[col][: load[col]].sum()) for col in np.flatnonzero(load))
    return float(pairs.value[chosen].sum()) - used, int(chosen.size)


def greedy(pairs: CandidateLists, mentee_count: int, costs: list[FloatArray]) -> tuple[float, int]:
    """Best score first: take a pair if the mentee is free and the mentor has a slot left."""
    order = np.lexsort((pairs.mentor, pairs.mentee, -pairs.value))
    taken = np.zeros(mentee_count, dtype=np.bool_)
    room = np.asarray([len(cost) for cost in costs], dtype=np.int64)
    chosen: list[int] = []
    mentees, mentors = pairs.mentee.tolist(), pairs.mentor.tolist()
    for index in order.tolist():
        mentee, mentor = mentees[index], mentors[index]
        if taken[mentee] or room[mentor] == 0:
            continue
        taken[mentee] = True
        room[mentor] -= 1
        chosen.append(index)
    return _objective(pairs, np.asarray(chosen, dtype=np.int64), costs)


def exact_assignment(pairs: CandidateLists, mentee_count: int, costs: list[FloatArray]) -> tuple[float, int]:
    """Exact optimum over the given pairs with scipy's sparse Jonker–Volgenant assignment (LAPJVsp).

    Unrelated to the engine's solver (its C augmenting-path kernel plus its own dual recovery): each
    mentor slot becomes a column, each mentee gets a private "unmatched" column, and the minimum
    full assignment of cost (big - value + slot cost) is the maximum objective.
    """
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # type: ignore[import-untyped]

    if pairs.mentee.size == 0:
        return 0.0, 0
    capacity = np.asarray([len(cost) for cost in costs], dtype=np.int64)
    first_slot = np.concatenate(([0], np.cumsum(capacity)))
    slots = capacity[pairs.mentor]
    edge = np.repeat(np.arange(pairs.mentee.size), slots)
    slot = np.arange(edge.size) - np.repeat(np.cumsum(slots) - slots, slots)
    slot_cost = np.concatenate([*costs, np.zeros(1)])[first_slot[pairs.mentor[edge]] + slot]
    gain = pairs.value[edge] - slot_cost
    big = float(max(gain.max(initial=0.0), 0.0)) + 1.0
    total = int(first_slot[-1])
    matrix = csr_matrix(
        (
            np.concatenate((big - gain, np.full(mentee_count, big))),
            (
                np.concatenate((pairs.mentee[edge], np.arange(mentee_count))),
                np.concatenate((first_slot[pairs.mentor[edge]] + slot, total + np.arange(mentee_count))),
            ),
        ),
        shape=(mentee_count, total + mentee_count),
    )
    rows, cols = min_weight_full_bipartite_matching(matrix)
    real = cols < total
    owner = np.repeat(np.arange(len(costs)), capacity)
    key = pairs.mentee.astype(np.int64) * len(costs) + pairs.mentor
    order = np.argsort(key)
    wanted = rows[real].astype(np.int64) * len(costs) + owner[cols[real]]
    chosen = order[np.searchsorted(key[order], wanted)]
    return _objective(pairs, chosen, costs)
