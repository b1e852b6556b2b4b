"""The b-matching solver (C augmenting-path kernel + exact dual recovery) on random candidate sets.

The optimum is checked against scipy's HiGHS on the same problem written as a linear programme
(a network matrix, so its optimum is integral): code that shares nothing with the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog  # type: ignore[import-untyped]
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]

from mentorship.matching import solver
from mentorship.matching.solver import ROUNDING_SLACK, FlowState, Solution, shortest_distances, solve

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Instance:
    mentees: int
    mentors: int
    pair_mentee: IntArray
    pair_mentor: IntArray
    value: FloatArray
    residual: IntArray
    slot_costs: FloatArray


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    mentees = draw(st.integers(1, 14))
    mentors = draw(st.integers(1, 9))
    keys = sorted(draw(st.sets(st.integers(0, mentees * mentors - 1), min_size=1, max_size=60)))
    pair_mentee, pair_mentor = np.divmod(np.asarray(keys, dtype=np.int64), mentors)
    # Coarse values make many ties, the case where path-based solvers go wrong if they do.
    value = np.asarray([draw(st.integers(-1, 6)) / 6 for _ in keys], dtype=np.float64)
    residual = np.asarray([draw(st.integers(0, 3)) for _ in range(mentors)], dtype=np.int64)
    steps = [sorted(draw(st.integers(0, 3)) / 10 for _ in range(3)) for _ in range(mentors)]
    return Instance(
        mentees, mentors, pair_mentee, pair_mentor, value, residual, np.asarray(steps, dtype=np.float64)
    )


def linear_programme_optimum(instance: Instance) -> float:
    """max value.x - cost.s  s.t.  sum_j x_ij <= 1;  sum_i x_ij = sum_k s_jk;  s_jk <= 1 for k < residual."""
    pairs = instance.pair_mentee.size
    if pairs == 0:
        return 0.0
    slot_mentor = np.repeat(np.arange(instance.mentors), instance.residual)
    slot_index = np.concatenate([np.arange(count) for count in instance.residual]).astype(np.int64)
    slots = slot_mentor.size
    objective = np.concatenate((-instance.value, instance.slot_costs[slot_mentor, slot_index]))
    mentee_rows = coo_matrix(
        (np.ones(pairs), (instance.pair_mentee, np.arange(pairs))), shape=(instance.mentees, pairs + slots)
    )
    mentor_rows = coo_matrix(
        (
            np.concatenate((np.ones(pairs), -np.ones(slots))),
            (np.concatenate((instance.pair_mentor, slot_mentor)), np.arange(pairs + slots)),
        ),
        shape=(instance.mentors, pairs + slots),
    )
    result = linprog(
        objective,
        A_ub=mentee_rows,
        b_ub=np.ones(instance.mentees),
        A_eq=mentor_rows,
        b_eq=np.zeros(instance.mentors),
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0
    return float(-result.fun)


def maybe_start_prices(instance: Instance, data: st.DataObject) -> FloatArray | None:
    """No starting prices, or any per mentor up to 1.5 (estimates are never exact)."""
    prices = st.lists(st.floats(0.0, 1.5), min_size=instance.mentors, max_size=instance.mentors)
    drawn: FloatArray | None = data.draw(st.none() | prices.map(np.asarray))
    return drawn


@settings(max_examples=300, deadline=None)
@given(instances(), st.data())
def test_solution_is_feasible_optimal_and_certified_by_its_duals(
    instance: Instance, data: st.DataObject
) -> None:
    # Given a random candidate set with ties, closed mentors and rising slot costs
    # and perhaps any starting prices (estimates are never exact)
    start_price = maybe_start_prices(instance, data)
    # When the solver runs
    solution = solve(
        instance.mentees,
        instance.mentors,
        instance.pair_mentee,
        instance.pair_mentor,
        instance.value,
        instance.residual,
        instance.slot_costs,
        start_price=start_price,
    )
    chosen_mentees = instance.pair_mentee[solution.chosen]
    chosen_mentors = instance.pair_mentor[solution.chosen]
    # Then each mentee has at most one mentor and no mentor exceeds its residual capacity
    assert np.bincount(chosen_mentees, minlength=instance.mentees).max() <= 1
    assert (np.bincount(chosen_mentors, minlength=instance.mentors) <= instance.residual).all()
    assert (solution.load == np.bincount(chosen_mentors, minlength=instance.mentors)).all()
    # And the objective is the linear programme's optimum
    assert abs(solution.objective - linear_programme_optimum(instance)) < 1e-7
    # And the duals are feasible for every candidate and close the gap
    reduced = instance.value - solution.u[instance.pair_mentee] - solution.price[instance.pair_mentor]
    assert reduced.max() <= 1e-12
    assert (solution.u >= 0).all()
    assert (solution.price >= 0).all()
    # (to within the rounding of values and slot costs to whole units, half a unit each)
    units = instance.mentees + int(instance.residual.sum())
    assert 0 <= solution.dual_bound - solution.objective <= (units + 1) * 2 * ROUNDING_SLACK


@settings(max_examples=300, deadline=None)
@given(instances(), st.data(), st.booleans())
def test_a_warm_start_from_a_smaller_candidate_set_reaches_the_same_optimum(
    instance: Instance, data: st.DataObject, restart: bool
) -> None:
    # Given a solution on part of the candidates
    pairs = instance.pair_mentee.size
    first = np.asarray(data.draw(st.lists(st.booleans(), min_size=pairs, max_size=pairs)))

    def solve_on(mask: npt.NDArray[np.bool_], start: FlowState | None = None) -> Solution:
        return solve(
            instance.mentees,
            instance.mentors,
            instance.pair_mentee[mask],
            instance.pair_mentor[mask],
            instance.value[mask],
            instance.residual,
            instance.slot_costs,
            start=start,
        )

    earlier = solve_on(first)
    # When the candidates change as pricing rounds change them (chosen pairs stay, others come and
    # go) and the solver starts from the earlier solution's state
    second = np.asarray(data.draw(st.lists(st.booleans(), min_size=pairs, max_size=pairs)))
    second[np.flatnonzero(first)[earlier.chosen]] = True
    # (perhaps allowed a single re-route, so that it starts over, from the earlier prices)
    with pytest.MonkeyPatch.context() as patch:
        if restart:
            patch.setattr(solver, "_warm_limit", lambda *_: 1)
        warm = solve_on(second, start=earlier.flow)
    # Then it reaches the optimum of the new candidates, as a cold start does
    narrowed = Instance(
        instance.mentees,
        instance.mentors,
        instance.pair_mentee[second],
        instance.pair_mentor[second],
        instance.value[second],
        instance.residual,
        instance.slot_costs,
    )
    assert abs(warm.objective - linear_programme_optimum(narrowed)) < 1e-7
    assert abs(warm.objective - solve_on(second).objective) < 1e-9
    reduced = narrowed.value - warm.u[narrowed.pair_mentee] - warm.price[narrowed.pair_mentor]
    assert reduced.max(initial=0.0) <= 1e-12


@st.composite
def constraint_graphs(draw: st.DrawFn) -> tuple[int, IntArray, IntArray, FloatArray]:
    """Random difference constraints in whole units, some negative, none on a negative cycle:
    weight = slack + potential[src] - potential[dst] with slack >= 0 sums to >= 0 round any cycle."""
    nodes = draw(st.integers(1, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1)), max_size=40))
    potential = np.asarray(
        draw(st.lists(st.integers(-50, 50), min_size=nodes, max_size=nodes)), dtype=np.float64
    )
    slack = np.asarray(
        draw(st.lists(st.integers(0, 30), min_size=len(edges), max_size=len(edges))), dtype=np.float64
    )
    src = np.asarray([a for a, _ in edges], dtype=np.int64)
    dst = np.asarray([b for _, b in edges], dtype=np.int64)
    return nodes, src, dst, slack + potential[src] - potential[dst]


def _relaxed_distances(nodes: int, src: IntArray, dst: IntArray, weight: FloatArray) -> list[float]:
    """Textbook Bellman–Ford: every edge, nodes - 1 times."""
    distance = [0.0] + [float("inf")] * (nodes - 1)
    for _ in range(nodes - 1):
        for a, b, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True):
            distance[b] = min(distance[b], distance[a] + w)
    return distance


@settings(max_examples=150, deadline=None)
@given(graph=constraint_graphs())
def test_shortest_distances_match_textbook_bellman_ford(
    graph: tuple[int, IntArray, IntArray, FloatArray],
) -> None:
    # Given difference constraints with negative weights but no negative cycle
    nodes, src, dst, weight = graph
    # When the kernel computes distances from node 0
    distance = shortest_distances(nodes, src, dst, weight)
    # Then they equal the textbook algorithm's, unreachable nodes included (inf)
    assert distance.tolist() == _relaxed_distances(nodes, src, dst, weight)


def test_a_negative_cycle_is_reported_not_looped_on() -> None:
    # Given constraints 0 -> 1 -> 2 -> 1 where the loop 1 -> 2 -> 1 sums to -1
    src, dst = np.asarray([0, 1, 2], dtype=np.int64), np.asarray([1, 2, 1], dtype=np.int64)
    weight = np.asarray([0.0, 3.0, -4.0])
    # When distances are asked for, then the kernel reports it: prices cannot come from a non-optimal matching
    with pytest.raises(ArithmeticError, match="negative cycle"):
        shortest_distances(3, src, dst, weight)
