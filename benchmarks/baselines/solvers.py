"""Baseline matchers on explicit pair lists: greedy best-score-first, and an exact OR-Tools flow.

Both use the engine's objective definition: sum of pair values minus the cost of each mentor slot
used (slot k of a mentor costs load weight x k / capacity), unmatched allowed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from benchmarks.baselines.certificate import CandidateLists

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCALE = 10**9
"""Values become integers in nano-units for the flow solver; rounding is far below 1e-6."""


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


def exact_flow(pairs: CandidateLists, mentee_count: int, costs: list[FloatArray]) -> tuple[float, int]:
    """Exact optimum over the given pairs with OR-Tools' min-cost flow (a solver unrelated to the engine)."""
    from ortools.graph.python import min_cost_flow

    mentor_count = len(costs)
    source, sink = mentee_count + mentor_count, mentee_count + mentor_count + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    mentee_nodes = np.arange(mentee_count)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(mentee_count, source),
        mentee_nodes,
        np.ones(mentee_count, dtype=np.int64),
        np.zeros(mentee_count, dtype=np.int64),
    )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        pairs.mentee,
        mentee_count + pairs.mentor,
        np.ones(pairs.mentee.size, dtype=np.int64),
        -np.rint(pairs.value * SCALE).astype(np.int64),
    )
    slot_tail = np.concatenate([np.full(len(cost), mentee_count + col) for col, cost in enumerate(costs)])
    slot_cost = np.concatenate([np.rint(cost * SCALE) for cost in costs]).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        slot_tail.astype(np.int64),
        np.full(slot_tail.size, sink),
        np.ones(slot_tail.size, dtype=np.int64),
        slot_cost,
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, mentee_count, 0)
    flow.set_node_supply(source, mentee_count)
    flow.set_node_supply(sink, -mentee_count)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"reference flow solver failed with status {status}")
    used = np.asarray(flow.flows(pair_arcs)) > 0
    return _objective(pairs, np.flatnonzero(used), costs)
