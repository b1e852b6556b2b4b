"""Near-optimal prices for the pricing loop's early rounds, by auction (auction_prices.c).

An early round's solve only decides which candidates the next scan adds; the exact solve and its
certificate come once the candidates stop changing much. An auction with epsilon-scaling (mentees
bid for slots; slots left unused bid their price back down) seats every mentee within epsilon of
its best on the candidates, from the last round's assignment and prices: at 100,000 employees
0.2-0.6 s a round where the exact kernel's cold solves took 2-3.5 s.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from mentorship.matching.native import kernels
from mentorship.matching.solver import SCALE, Solution, arcs_by_mentee, dual_bound, slot_cost_table

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EPSILONS = (1e-3, 1e-4, 1e-5)
"""The phases' epsilons: coarse first, so a price far off moves in big steps, then fine."""


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
) -> tuple[Solution, AuctionState]:
    """Pairs within epsilon per mentee of the optimum among the candidates, and their prices.

    The duals are feasible on the candidates by construction (u is each mentee's best net at the
    mentor prices), so dual_bound is still an upper bound there; `flow` is None: the exact solve
    starts cold from these prices. Without `start`, slots start at `start_price` above cost."""
    cost_units = slot_cost_table(mentor_count, np.rint(slot_costs * SCALE))
    width = cost_units.shape[1]
    value_units = np.rint(value * SCALE)
    usable, row_start = arcs_by_mentee(
        mentee_count, mentor_count, pair_mentee, pair_mentor, value_units, residual
    )
    if start is None:
        initial = np.zeros(mentor_count) if start_price is None else start_price
        above_cost = np.maximum(np.rint(initial * SCALE).astype(np.int64)[:, None] - cost_units, 0)
        state = AuctionState(
            holder=np.full((mentor_count, width), -1, dtype=np.int64),
            slot_price=np.ascontiguousarray(above_cost),
            mate_slot=np.full(mentee_count, -2, dtype=np.int64),
        )
    else:
        state = AuctionState(start.holder.copy(), start.slot_price.copy(), start.mate_slot.copy())
    epsilons = np.rint(np.asarray(EPSILONS) * SCALE).astype(np.int64)
    bids = _kernel().auction_b_matching(
        mentee_count,
        mentor_count,
        row_start,
        np.ascontiguousarray(pair_mentor[usable], dtype=np.int64),
        np.ascontiguousarray(value_units[usable], dtype=np.int64),
        np.ascontiguousarray(residual, dtype=np.int64),
        cost_units,
        width,
        epsilons,
        epsilons.size,
        state.holder,
        state.slot_price,
        state.mate_slot,
    )
    if bids < 0:
        raise MemoryError("the auction kernel could not allocate its working memory")
    # a mentor's price is its lowest ask (cost + price) over its open slots
    open_slot = np.arange(width)[None, :] < residual[:, None]
    lowest = np.where(open_slot, cost_units + state.slot_price, np.iinfo(np.int64).max).min(axis=1)
    price = np.where(residual > 0, lowest / SCALE, 0.0)
    mate = np.where(state.mate_slot >= 0, state.mate_slot // width, -1)
    chosen = mate[pair_mentee] == pair_mentor
    chosen &= (residual[pair_mentor] > 0) & (value_units > 0)
    net = np.where(residual[pair_mentor] > 0, value - price[pair_mentor], 0.0)
    u = np.zeros(mentee_count)
    np.maximum.at(u, pair_mentee, net)
    load = np.bincount(pair_mentor[chosen], minlength=mentor_count).astype(np.int64)
    used = np.arange(slot_costs.shape[1])[None, :] < load[:, None]
    objective = float(value[chosen].sum() - np.where(used, slot_costs, 0.0).sum())
    solution = Solution(
        chosen=chosen,
        u=u,
        price=price,
        load=load,
        objective=objective,
        dual_bound=dual_bound(u, price, residual, slot_costs),
        flow=None,
    )
    return solution, state


@cache
def _kernel() -> ctypes.CDLL:
    library = kernels()
    array = np.ctypeslib.ndpointer(dtype=np.int64, flags="C_CONTIGUOUS")
    count = ctypes.c_int64
    library.auction_b_matching.restype = count
    # (mentees, mentors, row_start, arc_mentor, arc_value, residual, slot_cost, width, epsilon,
    #  phases, holder, slot_price, mate_slot): see auction_prices.c
    library.auction_b_matching.argtypes = [count] * 2 + [array] * 5 + [count, array, count] + [array] * 3
    return library
