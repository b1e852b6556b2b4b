"""The matching engine: whole-cohort optimum over all valid pairs, with a certificate.

Pipeline: pools -> arrays (cohort) -> (large cohorts) starting prices from a sampled market -> one
scan of every valid pair keeping each mentee's best few at those prices, near-ties shared out by a
hashed spread (plus the exact best value left behind) -> solve on those candidates ->
pricing: a mentee whose left-behind bound could beat its dual is rescanned at the current mentor
prices and its improving pairs join the candidates -> re-solve, until every valid pair has reduced
cost <= 0. The duals are then a proof of optimality over all valid pairs, not just the candidates.
On large cohorts every round is solved by auction (auction.py): the early rounds, whose solves
only steer the next rescans, near-optimally, several times faster than an exact solve on a
crowded market; the rounds that can end the loop run the auction on to the exact optimum.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import wraps
from operator import attrgetter
from typing import Any, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from mentorship.errors import InvalidRequest, NotFound
from mentorship.matching.auction import AuctionState, auction_solve
from mentorship.matching.candidates import PairScanner, Scan
from mentorship.matching.cohort import Cohort, build_cohort
from mentorship.matching.explain import explain_pair, explain_pairs
from mentorship.matching.keysets import contains, merged_keys, missing_keys, unique_keys
from mentorship.matching.outcome import MatchOutcome, ProposedPair
from mentorship.matching.pools import pool_exclusion
from mentorship.matching.reasons import unmatched_reasons
from mentorship.matching.rules import Exceptions, evaluate_pairs, exceptions
from mentorship.matching.scoring import (
    COMPONENTS,
    ScoreParts,
    components,
    effective_weights,
    pair_values,
    score_parts,
)
from mentorship.matching.solver import FlowState, Solution, dual_bound, solve
from mentorship.matching.stopwatch import Stopwatch
from mentorship.models import Employee, Pairing, PairingStatus, Program, UnmatchedMentee

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FIRST_SCAN_KEEP = 8
"""Candidates kept per mentee and wished skill in the first scan; pricing adds more where needed."""
PRICING_KEEP = 8
"""Candidates per mentee and skill added when a mentee's bound is in doubt (doubled when it stays so)."""
FIRST_SCAN_SPREAD = 0.08
"""The first scan ranks each pair with up to 0.08 of hashed noise (pair_scan.c), about the error
of the starting prices: every mentor within that much of a mentee's best may be the one it ends
with, and an exact ranking sends every mentee of a crowded skill to the same few of them. At
100,000 employees (seed 7) the first solve then reached 36,569 instead of 35,204 of the optimum's
36,761, and the pricing loop needed two rounds fewer, when this was measured; the loop has
changed since (seed 7 now takes nine rounds), and the spread has been kept through each change."""
MENTOR_SIDE_KEEP = 4
"""Each mentor's best mentees also join the first candidates (about twice a typical capacity)."""
MAX_DEEPENING = 4
"""A mentee in doubt round after round gets lists up to 2^4 times longer. Long displacement
chains need them: on one 100,000-employee workforce (seed 3) about 20,000 mentees stayed in doubt
at 2^2 for ten rounds (18 rounds, 43 s); with 2^4 it takes 11 rounds (33 s), and the other seeds
tried (7, 11, 23) take 9-10 rounds either way."""
RETIRE_MARGIN = 0.02
"""Candidates whose reduced cost is below -0.02 leave the flow problem (and join the bounds)."""
WARM_START_MIN_MENTEES = 5_000
"""From this many mentees on, a sampled market sets starting prices (below it, rounds are cheap)."""
WARM_START_STRIDE = 10
"""The sampled market takes every 10th mentee and every 10th mentor."""
AUCTION_MIN_MENTEES = 2_000
"""From this many mentees in scope, pricing rounds solve by auction: near-optimal (and fast) in
the early rounds, exact once the candidates settle. Below it, every round is an exact solve by
augmenting paths (solver.py), warm-started from the last round's matching."""
EXACT_AT_NEW_PAIRS = 0.3
"""Rounds turn exact once a rescan adds fewer new pairs than 30% of the mentees in scope (or no
mentee is in doubt): at 100,000 employees (seed 7), after five auction rounds of nine; later
auction rounds add little that the exact rounds would not find anyway."""
AUCTION_DOUBT = 1e-2
"""After an auction round, a mentee is in doubt only if a pair outside could gain 1e-2 on its dual
(ten times the auction's epsilon, auction.EPSILONS): smaller gaps are the auction's own noise,
left to the exact rounds. A mentor's price fall refreshes bounds only beyond it, likewise."""
TOLERANCE = 1e-9
"""Reduced costs below this are float noise (scores are sums of a few products of values <= 1)."""
FLOAT_SLACK = 1e-12
"""Added to every mentee dual of the certificate: a thousand times the rounding error of a value
(a sum of a few products of numbers <= 1), and a few parts in 10^13 of the objective in all."""

P = ParamSpec("P")
R = TypeVar("R")

_REPEAT_STATUSES = frozenset({PairingStatus.APPROVED, PairingStatus.ENDED})


@dataclass(frozen=True)
class _Prepared:
    program: Program
    cohort: Cohort
    parts: ScoreParts
    scanner: PairScanner
    forbidden: dict[int, list[int]]
    ruled_out: Exceptions
    excluded: dict[str, str]
    stopwatch: Stopwatch = field(default_factory=Stopwatch)


def _prepare(
    program: Program,
    employees: Sequence[Employee],
    *,
    today: date,
    history: Sequence[Pairing],
    locked: Sequence[Pairing],
    only_mentees: Collection[str] | None,
    keep_pairs: Collection[tuple[str, str]],
    synonyms: Mapping[str, str] | None,
) -> _Prepared:
    held: dict[str, int] = defaultdict(int)
    locked_mentees: set[str] = set()
    for pairing in locked:
        held[pairing.mentor_id] += 1
        locked_mentees.add(pairing.mentee_id)
    cohort = build_cohort(
        program,
        employees,
        today=today,
        synonyms=synonyms,
        excluded_mentees=locked_mentees,
        only_mentees=only_mentees,
        locked_load=held,
    )
    blocked: dict[int, set[int]] = defaultdict(set)
    if history:  # id lookups over every pool member: only when there is history to map
        mentee_row = {mentee_id: row for row, mentee_id in enumerate(cohort.mentees.ids)}
        mentor_col = {mentor_id: col for col, mentor_id in enumerate(cohort.mentors.ids)}
        for pairing in history:
            repeat = pairing.status in _REPEAT_STATUSES and not program.allow_repeat_pairings
            rejected = pairing.status is PairingStatus.REJECTED
            if not (repeat or rejected) or (pairing.mentor_id, pairing.mentee_id) in keep_pairs:
                continue
            row, col = mentee_row.get(pairing.mentee_id), mentor_col.get(pairing.mentor_id)
            if row is not None and col is not None:
                blocked[row].add(col)
    excluded: dict[str, str] = {}
    if only_mentees is not None:
        for mentee_id in sorted(set(only_mentees) - set(cohort.mentees.ids) - locked_mentees):
            index = cohort.index_of.get(mentee_id)
            if index is None:
                excluded[mentee_id] = "is not in the employee directory: run a sync, then match again"
                continue
            why = pool_exclusion(employees[index], program.mentee_pool, mentor=False, today=today)
            excluded[mentee_id] = f"not in the mentee pool: {why or 'outside the programme'}"
    weights = effective_weights(program)
    width = max(cohort.mentors.size, 1)
    history_keys = np.asarray(
        [row * width + col for row, cols in blocked.items() for col in cols], dtype=np.int64
    )
    parts = score_parts(cohort, weights)
    ruled_out = exceptions(cohort, history_keys)
    return _Prepared(
        program=program,
        cohort=cohort,
        parts=parts,
        scanner=PairScanner(program, cohort, parts, ruled_out),
        forbidden={row: sorted(cols) for row, cols in blocked.items()},
        ruled_out=ruled_out,
        excluded=excluded,
    )


def _cyclic_gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Pause the cyclic garbage collector for one match (reference counting still frees memory).

    A match allocates many small objects (cohort lists, one pair and explanation per match) and
    no reference cycles, while the caller holds the whole directory: every automatic full
    collection walks all of it for nothing. At 100,000 employees that was about 1 s of a run.
    The count of allocations goes on meanwhile, so one young-generation collection follows
    resuming: over the outcome alone (0.03 s), as the match's own objects are freed when the
    function returns, before collection resumes, not over the cohort's lists too (0.1 s)."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_cyclic_gc_paused
def match_programme(
    program: Program,
    employees: Sequence[Employee],
    *,
    today: date,
    history: Sequence[Pairing] = (),
    locked: Sequence[Pairing] = (),
    only_mentees: Collection[str] | None = None,
    current: Sequence[Pairing] | None = None,
    change_penalty: float = 0.0,
    synonyms: Mapping[str, str] | None = None,
) -> MatchOutcome:
    """The best pairing of the programme's mentees and mentors, provably optimal over all valid pairs.

    `locked` pairings keep their mentor slots and mentees (incremental mode); `current` pairings
    earn `change_penalty` when kept (re-optimisation mode); `history` blocks repeats.
    """
    if change_penalty < 0:
        raise InvalidRequest("change_penalty must not be negative", field="change_penalty")
    keep_pairs = {(pairing.mentor_id, pairing.mentee_id) for pairing in current or ()}
    stopwatch = Stopwatch()
    with stopwatch.stage("prepare"):
        prepared = _prepare(
            program,
            employees,
            today=today,
            history=history,
            locked=locked,
            only_mentees=only_mentees,
            keep_pairs=keep_pairs,
            synonyms=synonyms,
        )
    prepared = replace(prepared, stopwatch=stopwatch)
    cohort, parts = prepared.cohort, prepared.parts
    mentee_count, mentor_count = cohort.mentees.size, cohort.mentors.size
    all_rows = np.arange(mentee_count, dtype=np.int64)
    bonus_keys = _kept_pair_keys(prepared, keep_pairs)
    start_price = np.zeros(mentor_count)
    if mentee_count >= WARM_START_MIN_MENTEES:
        start_price = _estimated_prices(prepared)
    priced = _price_out(prepared, all_rows, None, start_price, bonus_keys, change_penalty)
    solution, bound = priced.solution, priced.bound
    pair_mentee, pair_mentor, value, keys = (
        priced.pair_mentee,
        priced.pair_mentor,
        priced.value,
        priced.keys,
    )
    # Within tolerance is not zero: raise each dual to its bound over the pairs outside the
    # candidates, and by float noise's worth more, so the certificate holds for every valid
    # pair whichever order a checker sums its values in.
    covered = np.maximum(solution.u, bound) + FLOAT_SLACK
    solution = replace(
        solution,
        u=covered,
        dual_bound=dual_bound(covered, solution.price, cohort.residual, parts.slot_costs),
    )
    with stopwatch.stage("outcome"):
        outcome = _outcome(
            prepared, solution, pair_mentee, pair_mentor, value, priced.valid_count, keys, priced.rounds
        )
    return replace(outcome, seconds_by_stage=stopwatch.seconds)


@dataclass(frozen=True)
class _Priced:
    """The pricing loop's end state: no valid pair in scope beats its mentee's dual."""

    solution: Solution
    bound: FloatArray
    keys: IntArray
    value: FloatArray
    pair_mentee: IntArray
    pair_mentor: IntArray
    valid_count: IntArray
    rounds: int


def _price_out(
    prepared: _Prepared,
    rows: IntArray,
    mentors: BoolArray | None,
    start_price: FloatArray,
    bonus_keys: IntArray,
    change_penalty: float,
    *,
    proven: bool = True,
) -> _Priced:
    """Solve on candidates, rescan mentees in doubt at the new prices, re-solve until none is.

    Scope: the mentee `rows` and the `mentors` mask (all mentors when None). Candidate lists are
    first taken at `start_price`; good starting prices mean fewer rounds, any prices stay exact.
    Not `proven`: stop once the candidates hold at the auction's accuracy, before the exact
    rounds (for prices that are only a starting point).
    """
    cohort, parts = prepared.cohort, prepared.parts
    mentee_count, mentor_count = cohort.mentees.size, cohort.mentors.size
    width = max(mentor_count, 1)
    first = _scan(
        prepared,
        rows,
        keep=FIRST_SCAN_KEEP,
        price=start_price,
        mentor_keep=MENTOR_SIDE_KEEP,
        only_mentors=mentors,
        spread=FIRST_SCAN_SPREAD,
    )
    keys = merged_keys(first.mentee * width + first.mentor, bonus_keys)
    if first.mentor_side is not None:
        keys = merged_keys(keys, first.mentor_side[0] * width + first.mentor_side[1])
    value = _values(prepared, keys, bonus_keys, change_penalty)
    # bound[i] >= value - price over every valid pair of i outside the candidates, at `price`.
    bound = first.left_behind.copy()
    price = start_price
    # Every bound holds at mentor prices at or above `ceiling` (the highest each mentor's price
    # has been since its last refresh); after an exact round it equals the round's prices.
    ceiling = start_price.copy()
    doubts = np.zeros(mentee_count, dtype=np.int64)
    rounds = 0
    resolve = True
    exact = rows.size < AUCTION_MIN_MENTEES
    # each round's solve starts from the last round's matching (and prices)
    warm: FlowState | None = None
    auctioned: AuctionState | None = None
    while True:
        if resolve:
            rounds += 1
            pair_mentee, pair_mentor = np.divmod(keys, width)
            with prepared.stopwatch.stage("solve"):
                problem = (
                    mentee_count,
                    mentor_count,
                    pair_mentee,
                    pair_mentor,
                    value,
                    cohort.residual,
                    parts.slot_costs,
                )
                if rows.size < AUCTION_MIN_MENTEES:
                    # from the prices the candidates were taken at, or the last round's matching
                    solution = solve(*problem, start=warm, start_price=price)
                    warm = solution.flow
                else:
                    solution, auctioned = auction_solve(
                        *problem, start=auctioned, start_price=price, exact=exact
                    )
            # Only mentors whose price fell can raise a bound: rescan mentees against them alone.
            # Mentees already in doubt are rescanned in full below (bounds only rise, so they stay
            # in doubt), which refreshes their bounds at the new prices anyway. An auction's
            # prices jitter: they refresh only on a fall beyond its noise.
            margin = TOLERANCE if exact else AUCTION_DOUBT
            fell = solution.price < ceiling - (0.0 if exact else AUCTION_DOUBT)
            if mentors is not None:
                fell &= mentors
            settled = rows[bound[rows] <= solution.u[rows] + margin]
            if fell.any() and settled.size:
                refreshed = _scan(
                    prepared,
                    settled,
                    keep=0,
                    price=solution.price,
                    only_mentors=fell,
                )
                bound = np.maximum(bound, refreshed.left_behind)
            price = solution.price
            ceiling = np.where(fell, price, np.maximum(ceiling, price))
            # Retire candidates that are clearly not improving; their value at today's prices
            # joins the mentee's bound, so the proof still covers them and pricing can re-add them.
            adjusted = value - price[pair_mentor]
            retire = (adjusted < solution.u[pair_mentee] - RETIRE_MARGIN) & ~solution.chosen
            retire &= ~contains(bonus_keys, keys)
            if retire.any():
                np.maximum.at(bound, pair_mentee[retire], adjusted[retire])
                keep_rows = ~retire
                keys, value = keys[keep_rows], value[keep_rows]
                pair_mentee, pair_mentor = pair_mentee[keep_rows], pair_mentor[keep_rows]
                solution = replace(solution, chosen=solution.chosen[keep_rows])
        doubtful = np.flatnonzero(bound > solution.u + margin)
        if doubtful.size == 0:
            if exact or not proven:
                break
            # The candidates hold: solve them exactly and check again, lists short again (doubt
            # left by an auction's noise is not a displacement chain that needs deep lists).
            exact = resolve = True
            doubts[:] = 0
            continue
        # A mentee still in doubt after a rescan sees a longer list next time: displacement chains
        # that need deep lists are closed in a few rounds instead of one step per round.
        doubts[doubtful] += 1
        depth = np.minimum(doubts[doubtful] - 1, MAX_DEEPENING)
        found: list[IntArray] = []
        for level in np.unique(depth).tolist():
            in_doubt = doubtful[depth == level]
            rescan = _scan(
                prepared,
                in_doubt,
                keep=PRICING_KEEP << level,
                price=price,
                only_mentors=mentors,
            )
            bound[in_doubt] = rescan.left_behind[in_doubt]
            found.append(rescan.mentee * width + rescan.mentor)
        fresh = missing_keys(np.concatenate(found), keys)
        fresh_value = _values(prepared, fresh, bonus_keys, change_penalty)
        # Long lists are for reach, not bulk: pairs clearly not improving at today's prices go
        # straight into their mentee's bound (as retired candidates do) instead of the flow problem.
        fresh_mentee, fresh_mentor = np.divmod(fresh, width)
        fresh_adjusted = fresh_value - price[fresh_mentor]
        idle = fresh_adjusted < solution.u[fresh_mentee] - RETIRE_MARGIN
        idle &= ~contains(bonus_keys, fresh)
        if idle.any():
            np.maximum.at(bound, fresh_mentee[idle], fresh_adjusted[idle])
            fresh, fresh_value = fresh[~idle], fresh_value[~idle]
        # No new pair means every improving pair is already a candidate: re-check, don't re-solve.
        resolve = fresh.size > 0
        if not exact and fresh.size < EXACT_AT_NEW_PAIRS * rows.size:
            if not proven:
                break
            exact = resolve = True  # as above: few new pairs, so the candidates nearly hold
            doubts[:] = 0
        if fresh.size:
            merged = np.concatenate((keys, fresh))
            order = np.argsort(merged, kind="stable")
            keys = merged[order]
            value = np.concatenate((value, fresh_value))[order]
    return _Priced(
        solution=solution,
        bound=bound,
        keys=keys,
        value=value,
        pair_mentee=pair_mentee,
        pair_mentor=pair_mentor,
        valid_count=first.valid_count,
        rounds=rounds,
    )


def _scan(prepared: _Prepared, rows: IntArray, **options: Any) -> Scan:
    """The prepared cohort's pair scan (options as PairScanner.scan), timed as the "scan" stage."""
    with prepared.stopwatch.stage("scan"):
        return prepared.scanner.scan(rows, **options)


def _estimated_prices(prepared: _Prepared) -> FloatArray:
    """Mentor prices from a sampled market, so the first candidate lists already avoid the crowd.

    Every WARM_START_STRIDE-th mentee and mentor form a small market with the same skill
    popularity and capacity per head; its mentee duals u (the auction's, near-optimal: proving
    them would not move the estimate) are then applied to every mentor:
    a mentor's price is the best margin value - u it could earn from a sampled mentee. Popular
    mentors get high prices from the start instead of after a chain of displacement rounds. Only
    a starting point: the pricing loop that follows proves the optimum whatever the prices.
    """
    cohort = prepared.cohort
    mentee_count, mentor_count = cohort.mentees.size, cohort.mentors.size
    rows = np.arange(0, mentee_count, WARM_START_STRIDE, dtype=np.int64)
    mentors = np.zeros(mentor_count, dtype=np.bool_)
    mentors[::WARM_START_STRIDE] = True
    no_bonus = np.zeros(0, dtype=np.int64)
    sample = _price_out(prepared, rows, mentors, np.zeros(mentor_count), no_bonus, 0.0, proven=False)
    best = _scan(
        prepared,
        rows,
        keep=0,
        mentor_keep=1,
        mentee_price=sample.solution.u,
    )
    price = np.zeros(mentor_count)
    if best.mentor_side is not None and best.mentor_side[0].size:
        best_rows, best_cols = best.mentor_side
        margin = pair_values(cohort, prepared.parts.weights, best_rows, best_cols)
        np.maximum.at(price, best_cols, margin - sample.solution.u[best_rows])
    return price


def _values(prepared: _Prepared, keys: IntArray, bonus_keys: IntArray, change_penalty: float) -> FloatArray:
    """Exact pair values from the component definitions, plus the keep bonus for current pairings."""
    cohort = prepared.cohort
    rows, cols = np.divmod(keys, max(cohort.mentors.size, 1))
    value = pair_values(cohort, prepared.parts.weights, rows, cols)
    if bonus_keys.size:
        value[contains(bonus_keys, keys)] += change_penalty
    return value


def _kept_pair_keys(prepared: _Prepared, keep_pairs: Collection[tuple[str, str]]) -> IntArray:
    """Keys of current pairings that are still valid, so re-optimisation can keep them."""
    if not keep_pairs:
        return np.zeros(0, dtype=np.int64)
    cohort = prepared.cohort
    width = max(cohort.mentors.size, 1)
    mentee_row = {mentee_id: row for row, mentee_id in enumerate(cohort.mentees.ids)}
    mentor_col = {mentor_id: col for col, mentor_id in enumerate(cohort.mentors.ids)}
    known = [
        (mentee_row[mentee_id], mentor_col[mentor_id])
        for mentor_id, mentee_id in keep_pairs
        if mentee_id in mentee_row and mentor_id in mentor_col
    ]
    if not known:
        return np.zeros(0, dtype=np.int64)
    rows = np.asarray([row for row, _ in known], dtype=np.int64)
    cols = np.asarray([col for _, col in known], dtype=np.int64)
    shares_skill = ((cohort.wish_priority[rows] > 0) & (cohort.proficiency[cols] > 0)).any(axis=1)
    ok = (
        shares_skill
        & (cohort.residual[cols] > 0)
        & evaluate_pairs(prepared.program, cohort, rows, cols).all()
    )
    keys = rows * width + cols
    history = prepared.ruled_out
    for position in np.flatnonzero(ok).tolist():
        if cols[position] in history.of(int(rows[position])):
            ok[position] = False
    return unique_keys(keys[ok])


def _outcome(
    prepared: _Prepared,
    solution: Solution,
    pair_mentee: IntArray,
    pair_mentor: IntArray,
    value: FloatArray,
    valid_count: IntArray,
    keys: IntArray,
    rounds: int,
) -> MatchOutcome:
    cohort = prepared.cohort
    weights = prepared.parts.weights
    chosen = np.flatnonzero(solution.chosen)
    rows, cols = pair_mentee[chosen], pair_mentor[chosen]
    parts = components(cohort, rows, cols)
    # Within one mentor, the better pairs take the earlier (more valuable) slots.
    order = np.lexsort((rows, -value[chosen], cols))
    slot = np.zeros(chosen.size, dtype=np.int64)
    if chosen.size:
        sorted_cols = cols[order]
        starts = np.searchsorted(sorted_cols, sorted_cols, side="left")
        slot[order] = np.arange(chosen.size) - starts
    load_component = 1.0 - (cohort.locked_load[cols] + slot) / np.maximum(cohort.capacity[cols], 1)
    first_slots = ((cohort.locked_load[cols] == 0) & (slot == 0)).tolist()
    parts["load_spread"] = load_component
    names = [name for name in COMPONENTS if name in parts]
    score = np.zeros(chosen.size)
    for name in COMPONENTS:  # summed in this order, as a pair's breakdown reads
        score = score + weights[name] * parts[name]
    mentee_ids, mentor_ids = cohort.mentees.ids, cohort.mentors.ids
    # Python lists, not numpy scalars, in the loop over every pairing
    pairs = [
        ProposedPair(
            mentor_id=mentor_ids[col],
            mentee_id=mentee_ids[row],
            score=pair_score,
            components=dict(zip(names, breakdown, strict=True)),
            explanation=explanation,
        )
        for row, col, explanation, pair_score, *breakdown in zip(
            rows.tolist(),
            cols.tolist(),
            explain_pairs(cohort, rows, cols, first_slots),
            score.tolist(),
            *(parts[name].tolist() for name in names),
            strict=True,
        )
    ]
    pairs.sort(key=attrgetter("mentee_id", "mentor_id"))
    matched = np.zeros(cohort.mentees.size, dtype=np.bool_)
    matched[rows] = True
    unmatched = [
        UnmatchedMentee(employee_id=mentee_id, reason=reason)
        for mentee_id, reason in sorted(prepared.excluded.items())
    ]
    unmatched += unmatched_reasons(prepared.program, cohort, prepared.forbidden, matched, valid_count)
    residual_costs = {
        mentor_id: tuple(costs[:residual])
        for mentor_id, costs, residual in zip(
            cohort.mentors.ids, prepared.parts.slot_costs.tolist(), cohort.residual.tolist(), strict=True
        )
    }
    return MatchOutcome(
        pairs=pairs,
        unmatched=unmatched,
        objective=solution.objective,
        dual_bound=solution.dual_bound,
        mentee_duals=dict(zip(cohort.mentees.ids, solution.u.tolist(), strict=True)),
        mentor_duals=dict(zip(cohort.mentors.ids, solution.price.tolist(), strict=True)),
        mentor_pool_size=cohort.mentors.size,
        mentee_pool_size=cohort.mentees.size,
        valid_pairs=int(valid_count.sum()),
        candidate_pairs=int(keys.size),
        pricing_rounds=rounds,
        slot_costs=residual_costs,
    )


def suggest_mentors(
    program: Program,
    employees: Sequence[Employee],
    mentee_id: str,
    k: int = 5,
    *,
    today: date,
    history: Sequence[Pairing] = (),
    locked: Sequence[Pairing] = (),
    synonyms: Mapping[str, str] | None = None,
) -> list[ProposedPair]:
    """The k best valid mentors for one mentee, best first, for programmes where mentees choose.

    Each suggestion's load_spread reflects the mentor's next free slot, so a mentor with room
    ranks above an equally good one who is nearly full.
    """
    if k < 1:
        raise InvalidRequest("k must be at least 1", field="k")
    prepared = _prepare(
        program,
        employees,
        today=today,
        history=history,
        locked=[pairing for pairing in locked if pairing.mentee_id != mentee_id],
        only_mentees={mentee_id},
        keep_pairs=set(),
        synonyms=synonyms,
    )
    if mentee_id in prepared.excluded:
        if mentee_id not in prepared.cohort.index_of:
            raise NotFound(f"employee {mentee_id} is not in the directory")
        raise InvalidRequest(f"employee {mentee_id} {prepared.excluded[mentee_id]}", field="mentee_id")
    cohort, slot_costs = prepared.cohort, prepared.parts.slot_costs
    next_slot_cost = np.where(cohort.residual > 0, slot_costs[:, 0] if slot_costs.size else 0.0, 0.0)
    found = _scan(prepared, np.zeros(1, dtype=np.int64), keep=k, price=next_slot_cost)
    cols = found.mentor
    rows = found.mentee
    parts = components(cohort, rows, cols)
    load_component = 1.0 - cohort.locked_load[cols] / np.maximum(cohort.capacity[cols], 1)
    weights = prepared.parts.weights
    suggestions: list[ProposedPair] = []
    for position in range(cols.size):
        breakdown = {name: float(parts[name][position]) for name in parts}
        breakdown["load_spread"] = float(load_component[position])
        col = int(cols[position])
        suggestions.append(
            ProposedPair(
                mentor_id=cohort.mentors.ids[col],
                mentee_id=mentee_id,
                score=float(sum(weights[name] * breakdown[name] for name in COMPONENTS)),
                components=breakdown,
                explanation=explain_pair(cohort, 0, col, first_slot=bool(cohort.locked_load[col] == 0)),
            )
        )
    suggestions.sort(key=lambda pair: (-pair.score, pair.mentor_id))
    return suggestions[:k]
