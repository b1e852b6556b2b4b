"""b-matching by auction (auction_prices.c): near-optimal prices fast, and the exact optimum too.

An early pricing round's solve only decides which candidates the next scan adds: an auction with
epsilon-scaling (mentees bid for slots; slots left unused bid their price back down) seats every
mentee within epsilon of its best on the candidates, from the last round's assignment and prices,
at 100,000 employees in 0.2-0.8 s a round where the exact kernel's cold solves took 2-3.5 s.
Run on to an epsilon below one unit over the mentee count (`exact`), the same auction ends at the
optimum of the problem in whole units, the one augmenting_paths.c solves, in about 60% of a cold
solve's time and with prices that stay close to the last round's, so fewer bounds need rescans.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import numpy.typing as npt

from mentorship.matching.native import cores, kernels
from mentorship.matching.solver import (
    SCALE,
    Solution,
    arcs_by_mentee,
    assignment_objective,
    dual_bound,
    slot_cost_table,
    solve,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EPSILONS = (1e-3, 1e-4, 1e-5)
"""The phases' epsilons: coarse first, so a price far off moves in big steps, then fine."""
EXACT_STEP = 10
"""An exact solve goes on from the last of EPSILONS in phases each 10 times finer (at 100,000
employees, steps of 4 or 30 took longer)."""


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

    `lookahead` (default: when this process has a second core) works out bids ahead on a helper
    thread; the results are the same either way (see auction_prices.c)."""
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
    value_units = np.rint(value * SCALE)
    if np.abs(value_units).max(initial=0.0) * fine >= _LARGEST_PART_VALUE:
        # values in the millions (a huge keep bonus) do not fit in parts: solve exactly instead
        return replace(solve(*problem, start_price=start_price), flow=None), state
    usable, row_start = arcs_by_mentee(
        mentee_count, mentor_count, pair_mentee, pair_mentor, value_units, residual
    )
    # every pair usable and already grouped by mentee (the engine's sorted candidates): no gathers
    every_pair = usable.size == pair_mentee.size and bool((usable[1:] > usable[:-1]).all())
    arc_mentor = pair_mentor if every_pair else pair_mentor[usable]
    arc_value = value_units if every_pair else value_units[usable]
    epsilons = _epsilons(fine, exact)
    gap = np.zeros(1, dtype=np.int64)
    bids = _kernel().auction_b_matching(
        mentee_count,
        mentor_count,
        row_start,
        np.ascontiguousarray(arc_mentor, dtype=np.int64),
        arc_value.astype(np.int64) * fine,
        np.ascontiguousarray(residual, dtype=np.int64),
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
    mate = np.where(state.mate_slot >= 0, state.mate_slot // width, -1)
    if every_pair:
        chosen = mate[pair_mentee] == pair_mentor
    else:
        chosen = np.zeros(pair_mentee.size, dtype=np.bool_)
        chosen[usable] = mate[pair_mentee[usable]] == arc_mentor
    # u: each mentee's best net at these prices, over the usable arcs (grouped by mentee; the
    # others net at most 0, a mentee's bypass)
    net = (value if every_pair else value[usable]) - price[arc_mentor]
    u = np.zeros(mentee_count)
    has_arcs = np.flatnonzero(row_start[1:] > row_start[:-1])
    if has_arcs.size:
        u[has_arcs] = np.maximum(np.maximum.reduceat(net, row_start[has_arcs]), 0.0)
    # every seat is on one of the mentee's arcs (the kernel unseats a mentee whose arc is gone)
    load = np.bincount(mate[mate >= 0], minlength=mentor_count).astype(np.int64)
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


_LARGEST_PART_VALUE = float(1 << 60)
"""Values in parts stay below this, so prices and bids (sums of a few of them) fit in 64 bits."""


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
    return library
