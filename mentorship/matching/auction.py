"""b-matching by auction (auction_prices.c): near-optimal prices fast, and the exact optimum too.

An early pricing round's solve only decides which candidates the next scan adds: an auction
(mentees bid for slots; slots left unused bid their price back down) seats every mentee within
epsilon (1e-3) of its best on the candidates, from the last round's assignment and prices, at
100,000 employees in 0.05-0.65 s a round where the exact kernel's cold solves took 2-3.5 s.
Run on by epsilon-scaling to an epsilon below one unit over the mentee count (`exact`), the same
auction ends at the optimum of the problem in whole units, the one augmenting_paths.c solves, in
about 60% of a cold solve's time and with prices that stay close to the last round's, so fewer
bounds need rescans.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorship.matching.native import cores, kernels
from mentorship.matching.solver import (
    SCALE,
    Solution,
    assignment_objective,
    dual_bound,
    slot_cost_table,
    solve,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EPSILONS = (1e-3,)
"""The phases' epsilons before an exact solve's finer ones. One phase at 1e-3: a near-optimal
round only steers the next rescans, and its prices start from the last round's, so finer phases
(1e-4, then 1e-5, with doubt at ten times the last) cost more than the rounds they save: at
100,000 employees, runs alternated in one sitting took 6.8-7.2 s against 7.7-8.2 s (seed 7, 9
rounds either way) and 10.3-10.8 s against 13.0-13.6 s (seed 3, 11 rounds)."""
EXACT_STEP = 10
"""An exact solve goes on from the last of EPSILONS in phases each 10 times finer (at 100,000
employees, steps of 4 or 30 took longer; since EPSILONS became one phase, 20 and 40 no less)."""


@dataclass(frozen=True)
class AuctionState:
    """Who holds each mentor slot, at what price: the next round's auction starts from here."""

    holder: IntArray  # [mentors x width]: mentee or -1
    slot_price: IntArray  # [mentors x width], in units
    mate_slot: IntArray  # per mentee: mentor * width + slot, -1 unmatched, -2 not yet seated


def auction_solve(
    mentee_count: int,
    mentor_count: int,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    residual: IntArray,
    slot_costs: FloatArray,
    start: AuctionState | None = None,
    start_price: FloatArray | None = None,
    exact: bool = False,
    lookahead: bool | None = None,
) -> tuple[Solution, AuctionState]:
    """Pairs within epsilon per mentee of the optimum among the candidates, and their prices.

    The duals are feasible on the candidates by construction (u is each mentee's best net at the
    mentor prices), so dual_bound is an upper bound there; `flow` is None. Without `start`, slots
    start at `start_price` above cost.

    `exact` makes the pairs optimal for values in whole units, as solver.solve's are: units are
    split into n + 1 parts (n mentees) and the last phase's epsilon is one part, so the kernel's
    gap between duals and assignment is below n parts, less than a unit, while any assignment
    short of the optimum is short by a whole unit. The gap is checked: should it ever not be
    below a unit, solver.solve solves the round instead.

    `lookahead` (default: when this process has a second core) lets a helper thread sort half
    the arcs by mentor, then work out bids ahead; the results are the same either way (see
    auction_prices.c)."""
    problem = (mentee_count, mentor_count, pair_mentee, pair_mentor, value, residual, slot_costs)
    fine = mentee_count + 1  # parts per unit
    cost_units = slot_cost_table(mentor_count, np.rint(slot_costs * SCALE)) * fine
    width = cost_units.shape[1]
    if start is None:
        initial = np.zeros(mentor_count) if start_price is None else start_price
        above_cost = np.maximum(np.rint(initial * SCALE).astype(np.int64)[:, None] * fine - cost_units, 0)
        state = AuctionState(
            holder=np.full((mentor_count, width), -1, dtype=np.int64),
            slot_price=np.ascontiguousarray(above_cost),
            mate_slot=np.full(mentee_count, -2, dtype=np.int64),
        )
    else:
        state = AuctionState(start.holder.copy(), start.slot_price.copy(), start.mate_slot.copy())
    arcs = _arcs(pair_mentee, pair_mentor, value, residual, mentee_count, mentor_count, fine)
    if arcs is None:
        # values in the millions (a huge keep bonus) do not fit in parts: solve exactly instead
        return replace(solve(*problem, start_price=start_price), flow=None), state
    epsilons = _epsilons(fine, exact)
    gap = np.zeros(1, dtype=np.int64)
    bids = _kernel().auction_b_matching(
        mentee_count,
        mentor_count,
        arcs.row_start,
        arcs.arc_mentor,
        arcs.arc_value,
        arcs.residual,
        cost_units,
        width,
        np.asarray(epsilons, dtype=np.int64),
        len(epsilons),
        int(exact),  # relaxing: see auction_prices.c
        int(cores() > 1 if lookahead is None else lookahead),
        state.holder,
        state.slot_price,
        state.mate_slot,
        gap,
    )
    if bids < 0:
        raise MemoryError("the auction kernel could not allocate its working memory")
    if exact and gap[0] >= fine:
        solution = solve(*problem, start_price=_prices(state, cost_units, residual, fine))
        return replace(solution, flow=None), state
    price = _prices(state, cost_units, residual, fine)
    # u: each mentee's best net at these prices over its usable pairs (the others net at most 0,
    # its bypass); every seat is on one of the mentee's arcs (the kernel unseats a mentee whose
    # arc is gone)
    chosen, u, load = _outcome(arcs, mentee_count, mentor_count, width, state.mate_slot, price)
    solution = Solution(
        chosen=chosen,
        u=u,
        price=price,
        load=load,
        objective=assignment_objective(value, chosen, load, slot_costs),
        dual_bound=dual_bound(u, price, residual, slot_costs),
        flow=None,
    )
    return solution, state


def _epsilons(fine: int, exact: bool) -> list[int]:
    """The phases' epsilons in parts: EPSILONS, then (exact) on down to one part."""
    epsilons = [round(epsilon * SCALE) * fine for epsilon in EPSILONS]
    while exact and epsilons[-1] > 1:
        epsilons.append(max(epsilons[-1] // EXACT_STEP, 1))
    return epsilons


@dataclass(frozen=True)
class _Arcs:
    """The candidate pairs as the kernel reads them, grouped by mentee with the lower mentor first
    (the engine's come that way; others are sorted, `order` mapping back to the input), and the
    usable ones among them as arcs: CSR by mentee, values in parts."""

    mentee: IntArray
    mentor: IntArray
    value: FloatArray
    residual: IntArray
    order: IntArray | None  # input positions in this order; None: as given
    usable: npt.NDArray[np.uint8]
    row_start: IntArray
    arc_mentor: IntArray
    arc_value: IntArray


_OUT_OF_ORDER, _TOO_LARGE = -1, -2
"""auction_arcs' statuses (auction_prices.c): the usable pairs are not grouped by mentee with
mentors ascending; a value in parts would not fit in 64 bits (prices and bids add a few)."""


def _arcs(
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    residual: IntArray,
    mentee_count: int,
    mentor_count: int,
    fine: int,
) -> _Arcs | None:
    """The kernel's arcs from the candidate pairs, in one C pass; None when values in parts would
    not fit."""
    mentee = np.ascontiguousarray(pair_mentee, dtype=np.int64)
    mentor = np.ascontiguousarray(pair_mentor, dtype=np.int64)
    value = np.ascontiguousarray(value, dtype=np.float64)
    residual = np.ascontiguousarray(residual, dtype=np.int64)
    usable = np.empty(mentee.size, dtype=np.uint8)
    row_start = np.empty(mentee_count + 1, dtype=np.int64)
    arc_mentor = np.empty(mentee.size, dtype=np.int64)
    arc_value = np.empty(mentee.size, dtype=np.int64)
    order: IntArray | None = None

    def written() -> int:
        count: int = _kernel().auction_arcs(
            mentee.size,
            mentee_count,
            mentor_count,
            mentee,
            mentor,
            value,
            residual,
            SCALE,
            fine,
            usable,
            row_start,
            arc_mentor,
            arc_value,
        )
        return count

    count = written()
    if count == _OUT_OF_ORDER:
        order = np.argsort(mentee * max(mentor_count, 1) + mentor, kind="stable")
        mentee, mentor, value = mentee[order], mentor[order], value[order]
        count = written()
    if count == _TOO_LARGE:
        return None
    return _Arcs(
        mentee, mentor, value, residual, order, usable, row_start, arc_mentor[:count], arc_value[:count]
    )


def _outcome(
    arcs: _Arcs, mentee_count: int, mentor_count: int, width: int, mate_slot: IntArray, price: FloatArray
) -> tuple[npt.NDArray[np.bool_], FloatArray, IntArray]:
    """Chosen pairs (in the input's order), mentee duals u and mentor loads, in one C pass."""
    chosen = np.empty(arcs.mentee.size, dtype=np.bool_)
    u = np.empty(mentee_count)
    load = np.empty(mentor_count, dtype=np.int64)
    _kernel().auction_outcome(
        arcs.mentee.size,
        mentee_count,
        mentor_count,
        width,
        arcs.mentee,
        arcs.mentor,
        arcs.value,
        arcs.usable,
        mate_slot,
        np.ascontiguousarray(price, dtype=np.float64),
        chosen.view(np.uint8),
        u,
        load,
    )
    if arcs.order is not None:
        in_input_order = np.empty_like(chosen)
        in_input_order[arcs.order] = chosen
        chosen = in_input_order
    return chosen, u, load


def _prices(state: AuctionState, cost_units: IntArray, residual: IntArray, fine: int) -> FloatArray:
    """Each mentor's price: its lowest ask (cost + price) over its open slots, in value units."""
    open_slot = np.arange(cost_units.shape[1])[None, :] < residual[:, None]
    lowest = np.where(open_slot, cost_units + state.slot_price, np.iinfo(np.int64).max).min(axis=1)
    return np.where(residual > 0, lowest / (SCALE * fine), 0.0)


@cache
def _kernel() -> ctypes.CDLL:
    library = kernels()
    array = np.ctypeslib.ndpointer(dtype=np.int64, flags="C_CONTIGUOUS")
    count = ctypes.c_int64
    library.auction_b_matching.restype = count
    # (mentees, mentors, row_start, arc_mentor, arc_value, residual, slot_cost, width, epsilon,
    #  phases, relaxing, lookahead, holder, slot_price, mate_slot, gap): see auction_prices.c
    library.auction_b_matching.argtypes = (
        [count] * 2 + [array] * 5 + [count, array, count, count, count] + [array] * 4
    )
    real = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
    byte = np.ctypeslib.ndpointer(dtype=np.uint8, flags="C_CONTIGUOUS")
    library.auction_arcs.restype = count
    # (pairs, mentees, mentors, pair_mentee, pair_mentor, value, residual, scale, fine, usable,
    #  row_start, arc_mentor, arc_value)
    arcs_types: list[Any] = (
        [count] * 3 + [array] * 2 + [real, array, ctypes.c_double, count, byte] + [array] * 3
    )
    library.auction_arcs.argtypes = arcs_types
    library.auction_outcome.restype = None
    # (pairs, mentees, mentors, width, pair_mentee, pair_mentor, value, usable, mate_slot, price,
    #  chosen, u, load)
    outcome_types: list[Any] = [count] * 4 + [array] * 2 + [real, byte, array, real, byte, real, array]
    library.auction_outcome.argtypes = outcome_types
    return library
