"""Exact b-matching with a rising cost per mentor slot, and the dual prices that prove it optimal.

Problem (restricted to the candidate pairs given):
    maximise   sum over chosen pairs of value[i, j]  -  sum over mentors of the costs of slots used
    subject to each mentee in at most one pair; mentor j in at most residual[j] pairs;
               slot k of mentor j costs slot_cost[j][k], non-decreasing in k (so load spreads).
It is a min-cost flow: source -> mentee -> mentor -> one arc per slot -> sink, plus a bypass for
mentees left unmatched. The optimal flow comes from a small C kernel (augmenting_paths.c:
successive shortest paths on integer costs, values in units of 2^-30, far finer than any score
difference that matters), loaded with ctypes. On this problem's candidate sets it is 3-20x faster
than OR-Tools' cost-scaling solver, which the engine used before, spares the matching function
OR-Tools' 80 MB, and can start from the previous pricing round's matching, re-routing only the
mentees whose new candidates improve on their place. The duals are then recovered from complementary
slackness, as shortest paths over difference constraints on those same integers
(difference_constraints.c, given the pairs and the chosen ones, never the kernel's potentials), so
the certificate is exact and does not trust the flow kernel.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from mentorship.matching.native import kernels

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SCALE = float(1 << 30)
"""Values and slot costs become integers in units of 2^-30 (about 1e-9) for the flow solver."""

ROUNDING_SLACK = 0.5 / SCALE
"""The most a pair's value can exceed its rounded units; added to each mentee dual."""


@dataclass(frozen=True)
class FlowState:
    """The kernel's matching and potentials after a solve: a warm start for the next solve of the
    same mentees and mentors on a changed candidate set (pairs kept, pairs added)."""

    mate: IntArray
    u: IntArray
    price: IntArray
    sink_price: IntArray


@dataclass(frozen=True)
class Solution:
    """Chosen pairs (mask over the input pairs) with mentee duals `u`, mentor duals `price`."""

    chosen: BoolArray
    u: FloatArray
    price: FloatArray
    load: IntArray
    objective: float
    dual_bound: float
    flow: FlowState | None  # None from an approximate solve (see auction.py)


def solve(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    residual: IntArray,
    slot_costs: FloatArray,
    start: FlowState | None = None,
    start_price: FloatArray | None = None,
) -> Solution:
    """Optimal pairs among the candidates, with certifying duals.

    `start`, a previous solution's `flow` for the same mentees and mentors, lets the kernel re-route
    only the mentees whose new candidates improve on their place. Without one, `start_price`
    (mentor prices near the optimum's, such as the estimates the candidates were taken at) lets
    a cold start search less; any prices give the same optimum.

    `slot_costs[j, k]` is the cost of mentor j's (k+1)-th residual slot, for k < residual[j].
    Duals satisfy: value[i, j] - u[i] - price[j] <= 0 for every candidate pair, u >= 0,
    price >= 0, and dual_bound = sum(u) + sum over mentors and residual slots of
    max(0, price - slot cost).
    """
    value_units = np.rint(value * SCALE)
    cost_units = np.rint(slot_costs * SCALE)
    if start is not None:
        # the last solve's prices are near the new ones (the kernel's are offset by its sink's)
        cold_price = start.price - start.sink_price[0]
    elif start_price is not None:
        cold_price = np.rint(start_price * SCALE).astype(np.int64)
    else:
        cold_price = np.zeros(mentor_count, dtype=np.int64)
    chosen, flow = _optimal_flow(
        mentee_count,
        mentor_count,
        pair_mentee,
        pair_mentor,
        value_units,
        residual,
        cost_units,
        start,
        cold_price,
    )
    load = np.bincount(pair_mentor[chosen], minlength=mentor_count).astype(np.int64)
    price_units = mentor_prices(
        mentee_count, mentor_count, pair_mentee, pair_mentor, value_units, chosen, residual, cost_units, load
    )
    mate_value = np.zeros(mentee_count)
    mate_price = np.zeros(mentee_count)
    mate_value[pair_mentee[chosen]] = value_units[chosen]
    mate_price[pair_mentee[chosen]] = price_units[pair_mentor[chosen]]
    # Rounding values to units can hide at most half a unit per pair; adding it to every mentee's
    # dual makes the duals feasible for the exact values, so the bound is rigorous, not approximate.
    has_candidate = np.zeros(mentee_count, dtype=np.bool_)
    has_candidate[pair_mentee] = True
    u = np.maximum(mate_value - mate_price, 0.0) / SCALE + np.where(has_candidate, ROUNDING_SLACK, 0.0)
    price = price_units / SCALE
    return Solution(
        chosen=chosen,
        u=u,
        price=price,
        load=load,
        objective=assignment_objective(value, chosen, load, slot_costs),
        dual_bound=dual_bound(u, price, residual, slot_costs),
        flow=flow,
    )


def _optimal_flow(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value_units: FloatArray,
    residual: IntArray,
    cost_units: FloatArray,
    start: FlowState | None,
    cold_price: IntArray,
) -> tuple[BoolArray, FlowState]:
    """Which candidate pairs an optimal b-matching chooses, and the kernel's state for a warm start.

    A cold start (no `start`, or one needing too much re-routing) begins from `cold_price`."""
    usable, row_start = arcs_by_mentee(
        mentee_count, mentor_count, pair_mentee, pair_mentor, value_units, residual
    )
    slot_cost = slot_cost_table(mentor_count, cost_units)
    width = slot_cost.shape[1]
    arc_mentor = np.ascontiguousarray(pair_mentor[usable], dtype=np.int64)
    arc_value = np.ascontiguousarray(value_units[usable], dtype=np.int64)
    residual = np.ascontiguousarray(residual, dtype=np.int64)

    def run(flow: FlowState, warm_limit: int) -> int:
        status: int = _kernel().solve_b_matching(
            mentee_count,
            mentor_count,
            row_start,
            arc_mentor,
            arc_value,
            residual,
            slot_cost,
            width,
            warm_limit,
            flow.mate,
            flow.u,
            flow.price,
            flow.sink_price,
            np.empty(mentor_count, dtype=np.int64),
        )
        return status

    status = _WARM_STATE_DOES_NOT_FIT
    if start is not None:
        flow = FlowState(start.mate.copy(), start.u.copy(), start.price.copy(), start.sink_price.copy())
        status = run(flow, _warm_limit(mentee_count, mentor_count, usable.size))
    if status == _WARM_STATE_DOES_NOT_FIT:
        flow = FlowState(
            np.full(mentee_count, -1, dtype=np.int64),
            # a cold start reads u only to order the routing (the last solve's says who has least
            # to spare) and prices as starting potentials
            np.zeros(mentee_count, dtype=np.int64) if start is None else start.u.copy(),
            np.array(cold_price, dtype=np.int64),
            np.zeros(1, dtype=np.int64),
        )
        status = run(flow, 0)
    if status < 0:
        failure = MemoryError if status == _OUT_OF_MEMORY else ArithmeticError
        raise failure(f"the b-matching kernel failed (status {status})")
    chosen = (flow.mate[pair_mentee] == pair_mentor) & (residual[pair_mentor] > 0) & (value_units > 0)
    return np.asarray(chosen), flow


def arcs_by_mentee(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value_units: FloatArray,
    residual: IntArray,
) -> tuple[IntArray, IntArray]:
    """The pairs a kernel reads (worth something, to a mentor with room) as positions grouped by
    mentee, lower mentor first, and each mentee's first position (CSR)."""
    worth = (residual[pair_mentor] > 0) & (value_units > 0)
    # (the engine's candidates nearly always all are: no gathers then)
    usable = np.arange(worth.size) if worth.all() else np.flatnonzero(worth)
    # Ties between equal arcs go to the lower mentor. The engine's candidates come sorted that
    # way already: checking costs a pass, sorting a lot more.
    if usable.size == worth.size:
        order_key = pair_mentee * max(mentor_count, 1) + pair_mentor
    else:
        order_key = pair_mentee[usable] * max(mentor_count, 1) + pair_mentor[usable]
    if (np.diff(order_key) < 0).any():
        usable = usable[np.argsort(order_key, kind="stable")]
    row_start = np.zeros(mentee_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_mentee[usable], minlength=mentee_count), out=row_start[1:])
    return usable, row_start


def slot_cost_table(mentor_count: int, cost_units: FloatArray) -> IntArray:
    """Slot costs in whole units as a [mentors x width] table, at least one column wide."""
    width = max(int(cost_units.shape[1]) if cost_units.ndim == 2 else 0, 1)
    table = np.zeros((mentor_count, width), dtype=np.int64)
    table[:, : cost_units.shape[1]] = cost_units
    return table


_OUT_OF_MEMORY = -1
_WARM_STATE_DOES_NOT_FIT = -2
WARM_WORK_PER_ARC = 200
"""Re-routes a warm start may take, per candidate arc and node, before a cold start is preferred.

A warm re-route's search crosses the market, so its cost grows with the nodes; a cold solve's
grows with the arcs. Set when this kernel solved every pricing round at 100,000 employees (about
1 ms per re-route there, against 6 s per cold solve); it now solves the rounds of scopes below
engine.AUCTION_MIN_MENTEES (the auction takes larger ones), where warm starts nearly always fit."""


def _warm_limit(mentee_count: int, mentor_count: int, arcs: int) -> int:
    """How many mentees a warm start may re-route (cold-start cost grows with the arcs, a warm
    re-route's with the nodes it may cross)."""
    return max(1, WARM_WORK_PER_ARC * arcs // max(mentee_count + mentor_count, 1))


@cache
def _kernel() -> ctypes.CDLL:
    library = kernels()
    array = np.ctypeslib.ndpointer(dtype=np.int64, flags="C_CONTIGUOUS")
    library.solve_b_matching.restype = ctypes.c_int64
    count = ctypes.c_int64
    # (mentees, mentors, row_start, arc_mentor, arc_value, residual, slot_cost, width, warm,
    #  mate, u, price, sink_price, load): see augmenting_paths.c
    library.solve_b_matching.argtypes = [count] * 2 + [array] * 5 + [count] * 2 + [array] * 5
    real = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
    library.shortest_distances.restype = ctypes.c_int64
    # (nodes, edges, src, dst, weight, distance): see difference_constraints.c
    library.shortest_distances.argtypes = [count] * 2 + [array] * 2 + [real] * 2
    return library


def assignment_objective(
    value: FloatArray, chosen: BoolArray, load: IntArray, slot_costs: FloatArray
) -> float:
    """The chosen pairs' values less the costs of the mentor slots they fill (the first `load`)."""
    used = np.arange(slot_costs.shape[1])[None, :] < load[:, None]
    return float(value[chosen].sum() - np.where(used, slot_costs, 0.0).sum())


def dual_bound(u: FloatArray, price: FloatArray, residual: IntArray, slot_costs: FloatArray) -> float:
    """The dual objective: an upper bound on any feasible objective when the duals are feasible."""
    in_capacity = np.arange(slot_costs.shape[1])[None, :] < residual[:, None]
    finite_price = np.where(np.isfinite(price), price, 0.0)
    slack = np.where(in_capacity, np.maximum(finite_price[:, None] - slot_costs, 0.0), 0.0)
    return float(u.sum() + slack.sum())


def mentor_prices(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    chosen: BoolArray,
    residual: IntArray,
    slot_costs: FloatArray,
    load: IntArray,
) -> FloatArray:
    """Mentor prices from complementary slackness, via Bellman–Ford on difference constraints.

    With u[i] = value[i, mate] - price[mate] for matched mentees and 0 for the others:
      price[mate] <= price[j] + value[i, mate] - value[i, j]   (other candidates j of matched i)
      price[mate] <= value[i, mate]                             (u[i] >= 0)
      price[j]    <= cost of j's first unused slot              (slot unused -> no surplus)
    and the lower bounds (used slots, unmatched mentees' candidates) hold at the optimum.
    Shortest paths from a zero node give the largest prices meeting every upper constraint;
    larger prices make pairs outside the candidate set easier to certify. All quantities are whole
    units, so the arithmetic is exact.
    """
    no_room = residual == 0
    ceiling = float(value.max(initial=0.0)) + SCALE
    width = slot_costs.shape[1]
    next_slot = np.minimum(load, np.maximum(width - 1, 0))
    upper = np.where(load < residual, slot_costs[np.arange(mentor_count), next_slot], np.inf)
    upper = np.where(no_room, ceiling, upper)
    mate = np.full(mentee_count, -1, dtype=np.int64)
    mate[pair_mentee[chosen]] = pair_mentor[chosen]
    mate_value = np.zeros(mentee_count)
    mate_value[pair_mentee[chosen]] = value[chosen]
    # Node 0 is the zero reference; mentor j is node j + 1.
    others = (~chosen) & (mate[pair_mentee] >= 0)
    src = np.concatenate(
        (
            pair_mentor[others] + 1,
            np.zeros(int(chosen.sum()), dtype=np.int64),
            np.zeros(mentor_count, dtype=np.int64),
        )
    )
    dst = np.concatenate(
        (mate[pair_mentee[others]] + 1, pair_mentor[chosen] + 1, np.arange(mentor_count) + 1)
    )
    weight = np.concatenate((mate_value[pair_mentee[others]] - value[others], value[chosen], upper))
    finite = np.isfinite(weight)
    distance = shortest_distances(mentor_count + 1, src[finite], dst[finite], weight[finite])
    price = distance[1:]
    return np.where(np.isfinite(price), np.maximum(price, 0.0), ceiling)


def shortest_distances(node_count: int, src: IntArray, dst: IntArray, weight: FloatArray) -> FloatArray:
    """Distances from node 0 (inf where unreachable) by Bellman–Ford (difference_constraints.c)."""
    distance = np.empty(node_count)
    status = _kernel().shortest_distances(
        node_count,
        src.size,
        np.ascontiguousarray(src, dtype=np.int64),
        np.ascontiguousarray(dst, dtype=np.int64),
        np.ascontiguousarray(weight, dtype=np.float64),
        distance,
    )
    if status == _OUT_OF_MEMORY:
        raise MemoryError("the shortest-distance kernel could not allocate its working memory")
    if status < 0:
        raise ArithmeticError("negative cycle in the dual graph: the assignment is not optimal")
    return distance
