"""What a matching run hands back: proposed pairs, unmatched mentees with reasons, and a certificate.

The caller turns `ProposedPair`s into `Pairing`s (it owns ids, run ids and status). The duals let
anyone check optimality without trusting the engine: every valid pair has
`score - mentee_dual - mentor_dual <= 0`, and `dual_bound` bounds every feasible objective.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mentorship.models import UnmatchedMentee


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """One suggested mentor–mentee pair with its score, breakdown and plain-words explanation.

    (Slots: a large run makes one per pairing, and a slotted object is one to allocate, free and
    have the garbage collector look at, not two.)"""

    mentor_id: str
    mentee_id: str
    score: float
    components: dict[str, float]
    explanation: str


@dataclass(frozen=True)
class MatchOutcome:
    """The optimum for one programme run.

    `objective` is the sum of the proposed pairs' scores, where each pair's load-spread component
    reflects the mentor slot it takes (a mentor's k-th slot is worth less than the first), plus
    `change_penalty` for every kept current pairing in re-optimisation mode. `dual_bound` is the
    dual objective of the duals below; it equals `objective` at the optimum.
    """

    pairs: list[ProposedPair]
    unmatched: list[UnmatchedMentee]
    objective: float
    dual_bound: float
    mentee_duals: dict[str, float]
    mentor_duals: dict[str, float]
    mentor_pool_size: int
    mentee_pool_size: int
    valid_pairs: int
    candidate_pairs: int = 0
    pricing_rounds: int = 0
    slot_costs: dict[str, tuple[float, ...]] = field(default_factory=dict)
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per engine stage (prepare, scan, solve, outcome), for benchmarks and logs."""

    @property
    def certified_gap(self) -> float:
        """(dual_bound - objective) / objective: how far from optimal the result can possibly be."""
        if self.objective <= 0:
            return 0.0 if self.dual_bound <= 1e-9 else float("inf")
        return (self.dual_bound - self.objective) / self.objective
