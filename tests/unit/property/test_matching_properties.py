"""Properties of the engine on random small companies (hypothesis), checked by independent code.

Validity and values come from `benchmarks.baselines.pairs` (dense enumeration, its own rule code),
the optimum from exhaustive search, and the certificate from `benchmarks.baselines.certificate`.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.baselines.certificate import check, slot_costs
from benchmarks.baselines.pairs import iterate_pairs
from mentorship.matching import MatchOutcome, match_programme
from mentorship.matching.cohort import build_cohort
from mentorship.matching.scoring import effective_weights
from mentorship.models import Employee, Pairing, PairingStatus, Program, ProgramKind
from tests.unit.property.people import TODAY, pairing, person, programme

SKILLS = ("Python", "SQL", "Short-video strategy")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Singapore")


@dataclass(frozen=True)
class Case:
    program: Program
    people: list[Employee]
    history: list[Pairing]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    size = draw(st.integers(min_value=2, max_value=8))
    people: list[Employee] = []
    for index in range(size):
        manager = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        people.append(
            person(
                str(index),
                level=draw(st.integers(1, 6)),
                manager=None if manager is None else str(manager),
                department=draw(st.sampled_from(("Sales", "Engineering", None))),
                time_zone=draw(st.sampled_from(ZONES)),
                languages=draw(st.sampled_from((("en",), ("de",), ("en", "de")))),
                coaches=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2)),
                wants=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2)),
                goals=draw(st.sampled_from(((), ("Grow in SQL",), ("Ship short-video strategy",)))),
                mentor=draw(st.booleans()),
                mentee=draw(st.booleans()),
                capacity=draw(st.integers(0, 2)),
            )
        )
    program = programme(
        draw(st.sampled_from(list(ProgramKind))),
        min_level_gap=draw(st.integers(0, 2)),
        peer_band=draw(st.integers(0, 1)),
        default_capacity=draw(st.integers(1, 2)),
        exclude_shared_manager=draw(st.booleans()),
        min_time_zone_overlap_hours=draw(st.sampled_from((None, 2.0))),
        require_shared_language=draw(st.booleans()),
        allow_repeat_pairings=draw(st.booleans()),
    )
    ids = [employee.employee_id for employee in people]
    history = [
        pairing(mentor, mentee, status)
        for mentor, mentee, status in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.sampled_from(ids),
                    st.sampled_from((PairingStatus.ENDED, PairingStatus.REJECTED)),
                ),
                max_size=2,
            )
        )
    ]
    return Case(program=program, people=people, history=history)


def _brute_force(case: Case) -> float:
    """The best objective over every feasible set of pairs, by exhaustive search."""
    cohort = build_cohort(case.program, case.people, today=TODAY, synonyms=None)
    weights = effective_weights(case.program)
    costs = slot_costs(cohort, weights)
    options: list[list[tuple[int, float]]] = [[] for _ in range(cohort.mentees.size)]
    for chunk in iterate_pairs(case.program, cohort, weights, case.history):
        for local_row, row in enumerate(range(chunk.start, chunk.stop)):
            for col in range(cohort.mentors.size):
                if chunk.valid[local_row, col]:
                    options[row].append((col, float(chunk.value[local_row, col])))
    best = 0.0
    load = [0] * cohort.mentors.size

    def search(row: int, total: float) -> None:
        nonlocal best
        if row == len(options):
            best = max(best, total)
            return
        search(row + 1, total)
        for col, value in options[row]:
            if load[col] < len(costs[col]):
                slot_cost = float(costs[col][load[col]])
                load[col] += 1
                search(row + 1, total + value - slot_cost)
                load[col] -= 1

    search(0, 0.0)
    return best


def _run(case: Case) -> MatchOutcome:
    return match_programme(case.program, case.people, today=TODAY, history=case.history)


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(cases())
def test_proposals_never_break_a_hard_rule_or_a_capacity(case: Case) -> None:
    outcome = _run(case)
    cohort = build_cohort(case.program, case.people, today=TODAY, synonyms=None)
    report = check(case.program, cohort, effective_weights(case.program), outcome, history=case.history)
    assert report.problems == []
    mentees = [pair.mentee_id for pair in outcome.pairs]
    assert len(mentees) == len(set(mentees))


@PROPERTY_SETTINGS
@given(cases())
def test_objective_equals_brute_force_optimum(case: Case) -> None:
    outcome = _run(case)
    assert abs(outcome.objective - _brute_force(case)) <= 1e-9
    assert abs(outcome.objective - sum(pair.score for pair in outcome.pairs)) <= 1e-9


@PROPERTY_SETTINGS
@given(cases())
def test_duals_certify_optimality_over_every_valid_pair(case: Case) -> None:
    outcome = _run(case)
    cohort = build_cohort(case.program, case.people, today=TODAY, synonyms=None)
    report = check(case.program, cohort, effective_weights(case.program), outcome, history=case.history)
    assert report.max_reduced_cost <= 0.0 or report.valid_pairs == 0
    # Equal up to the engine's rounding slack (half of 2^-30 per mentee), a rigorous upper bound.
    assert 0.0 <= report.dual_bound - outcome.objective <= 1e-8
    assert abs(report.dual_bound - outcome.dual_bound) <= 1e-9
    assert report.valid_pairs == outcome.valid_pairs


@settings(max_examples=25, deadline=None)
@given(cases())
def test_same_input_gives_the_same_output(case: Case) -> None:
    first, second = _run(case), _run(case)
    assert first.pairs == second.pairs
    assert first.unmatched == second.unmatched
    assert first.objective == second.objective
    assert first.mentor_duals == second.mentor_duals
