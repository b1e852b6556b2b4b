"""Exact b-matching with a rising cost per mentor slot, and the dual prices that prove it optimal.

Problem (restricted to the candidate pairs given):
    maximise   sum over chosen pairs of value[i, j]  -  sum over mentors of the costs of slots used
    subject to each mentee in at most one pair; mentor j in at most residual[j] pairs;
               slot k of mentor j costs slot_cost[j][k], non-decreasing in k (so load spreads).
Mentor slots become assignment columns and each mentee gets a "stay unmatched" column; scipy's
sparse Jonker–Volgenant (LAPJVsp) finds the optimal full assignment. Its duals are then recovered
exactly from complementary slackness as a shortest-path problem (prices are the largest solution of
difference constraints), so the certificate comes from this module's own reasoning, not from the
assignment routine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # type: ignore[import-untyped]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_IMPROVEMENT = 1e-12
"""Relaxations smaller than this are float noise, not progress; it keeps Bellman–Ford finite."""


@dataclass(frozen=True)
class Solution:
    """Chosen pairs (mask over the input pairs) with mentee duals `u`, mentor duals `price`."""

    chosen: BoolArray
    u: FloatArray
    price: FloatArray
    load: IntArray
    objective: float
    dual_bound: float


def solve(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    residual: IntArray,
    slot_costs: FloatArray,
) -> Solution:
    """Optimal pairs among the candidates, with certifying duals.

    `slot_costs[j, k]` is the cost of mentor j's (k+1)-th residual slot, for k < residual[j].
    Duals satisfy: value[i, j] - u[i] - price[j] <= 0 for every candidate pair, u >= 0, price >= 0,
    and dual_bound = sum(u) + sum over mentors and residual slots of max(0, price - slot cost).
    """
    chosen = np.zeros(len(value), dtype=np.bool_)
    u = np.zeros(mentee_count)
    load = np.zeros(mentor_count, dtype=np.int64)
    usable = residual[pair_mentor] > 0
    if usable.any():
        rows_used, row_of = np.unique(pair_mentee[usable], return_inverse=True)
        pairs = np.flatnonzero(usable)
        mentors = pair_mentor[pairs]
        slots = residual[mentors]
        slot_start = np.concatenate(([0], np.cumsum(residual)))
        edge_pair = np.repeat(pairs, slots)
        edge_row = np.repeat(row_of, slots)
        edge_slot = np.arange(len(edge_pair)) - np.repeat(np.cumsum(slots) - slots, slots)
        edge_mentor = pair_mentor[edge_pair]
        gain = value[edge_pair] - slot_costs[edge_mentor, edge_slot]
        big = float(max(gain.max(), 0.0)) + 1.0
        total_slots = int(slot_start[-1])
        rows = len(rows_used)
        matrix = csr_matrix(
            (
                np.concatenate((big - gain, np.full(rows, big))),
                (
                    np.concatenate((edge_row, np.arange(rows))),
                    np.concatenate((slot_start[edge_mentor] + edge_slot, total_slots + np.arange(rows))),
                ),
            ),
            shape=(rows, total_slots + rows),
        )
        matched_row, matched_col = min_weight_full_bipartite_matching(matrix)
        real = matched_col < total_slots
        slot_owner = np.repeat(np.arange(mentor_count), residual)
        # Map each (row, mentor) back to its pair: pairs are unique per (mentee, mentor).
        key_pairs = row_of.astype(np.int64) * mentor_count + mentors
        order = np.argsort(key_pairs, kind="stable")
        wanted = matched_row[real].astype(np.int64) * mentor_count + slot_owner[matched_col[real]]
        found = pairs[order[np.searchsorted(key_pairs[order], wanted)]]
        chosen[found] = True
        np.add.at(load, pair_mentor[found], 1)
    price = mentor_prices(
        mentee_count, mentor_count, pair_mentee, pair_mentor, value, chosen, residual, slot_costs, load
    )
    mate_value = np.zeros(mentee_count)
    mate_price = np.zeros(mentee_count)
    mate_value[pair_mentee[chosen]] = value[chosen]
    mate_price[pair_mentee[chosen]] = price[pair_mentor[chosen]]
    matched = np.zeros(mentee_count, dtype=np.bool_)
    matched[pair_mentee[chosen]] = True
    u = np.where(matched, np.maximum(mate_value - mate_price, 0.0), 0.0)
    used_cost = np.where(np.arange(slot_costs.shape[1])[None, :] < load[:, None], slot_costs, 0.0).sum()
    objective = float(value[chosen].sum() - used_cost)
    return Solution(
        chosen=chosen,
        u=u,
        price=price,
        load=load,
        objective=objective,
        dual_bound=dual_bound(u, price, residual, slot_costs),
    )


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
    larger prices make pairs outside the candidate set easier to certify.
    """
    no_room = residual == 0
    ceiling = float(value.max(initial=0.0)) + 1.0
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
    """Bellman–Ford from node 0, relaxing only edges out of nodes improved in the last round."""
    order = np.argsort(src, kind="stable")
    src, dst, weight = src[order], dst[order], weight[order]
    start = np.searchsorted(src, np.arange(node_count + 1))
    distance = np.full(node_count, np.inf)
    distance[0] = 0.0
    frontier = np.zeros(1, dtype=np.int64)
    for _ in range(node_count + 1):
        counts = start[frontier + 1] - start[frontier]
        total = int(counts.sum())
        if total == 0:
            return distance
        offsets = np.repeat(start[frontier] - (np.cumsum(counts) - counts), counts) + np.arange(total)
        candidate = distance[src[offsets]] + weight[offsets]
        target = dst[offsets]
        updated = distance.copy()
        np.minimum.at(updated, target, candidate)
        improved = np.flatnonzero(updated < distance - _IMPROVEMENT)
        if improved.size == 0:
            return distance
        distance[improved] = updated[improved]
        frontier = improved
    raise ArithmeticError("negative cycle in the dual graph: the assignment is not optimal")
