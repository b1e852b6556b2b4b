"""The routes the engine takes on large cohorts (sampled-market prices, auction-solved rounds)
change its time, never the optimum; and what a run reports or changes about its own running."""

from __future__ import annotations

import gc
import time
from datetime import date
from typing import Any

import pytest

from benchmarks.baselines.certificate import check
from mentorship.matching import engine
from mentorship.matching.cohort import build_cohort
from mentorship.matching.outcome import MatchOutcome
from mentorship.matching.scoring import effective_weights
from mentorship.models import Employee, Program, ProgramKind
from sandbox.workforce import WorkforceSpec, generate_workforce

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("kind", [ProgramKind.SKILLS, ProgramKind.REVERSE])
def test_warm_started_pricing_reaches_the_same_certified_optimum_as_a_cold_start(
    kind: ProgramKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a seeded company with skewed skill popularity and a programme of that kind
    workforce = generate_workforce(WorkforceSpec(employees=1500, seed=11))
    program = Program(program_id="warm", name="Warm start", kind=kind)
    cold = engine.match_programme(program, workforce, today=TODAY)
    # When the engine takes its starting prices from a sampled market even at this size
    monkeypatch.setattr(engine, "WARM_START_MIN_MENTEES", 0)
    warm = engine.match_programme(program, workforce, today=TODAY)
    # Then it reaches the cold start's objective, and an independent check of every valid pair
    # certifies the warm run's duals
    _assert_same_certified_optimum(program, workforce, cold, warm)


def test_a_run_reports_where_its_time_went_by_stage() -> None:
    # Given a seeded company large enough for several pricing rounds
    workforce = generate_workforce(WorkforceSpec(employees=800, seed=5))
    program = Program(program_id="timed", name="Timed", kind=ProgramKind.SKILLS)
    # When the engine matches it while the caller times the whole call
    started = time.perf_counter()
    outcome = engine.match_programme(program, workforce, today=TODAY)
    elapsed = time.perf_counter() - started
    # Then every stage is reported, none negative, and together they fit inside the call
    stages = outcome.seconds_by_stage
    assert set(stages) == {"prepare", "scan", "solve", "outcome"}
    assert all(seconds >= 0 for seconds in stages.values())
    assert sum(stages.values()) <= elapsed + 0.004  # each stage is rounded to the millisecond


@pytest.mark.parametrize("sampled", [False, True])
@pytest.mark.parametrize("kind", [ProgramKind.SKILLS, ProgramKind.TRADITIONAL])
def test_auction_priced_rounds_reach_the_augmenting_path_rounds_certified_optimum(
    kind: ProgramKind, sampled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a seeded company and a programme solved by augmenting paths in every round
    workforce = generate_workforce(WorkforceSpec(employees=1500, seed=23))
    program = Program(program_id="auction", name="Auction rounds", kind=kind)
    monkeypatch.setattr(engine, "AUCTION_MIN_MENTEES", 1 << 40)
    exact = engine.match_programme(program, workforce, today=TODAY)
    # When every round is solved by auction instead (as on large cohorts: near-optimal rounds,
    # then exact ones), perhaps from a sampled market's prices (itself stopped before its exact
    # rounds)
    monkeypatch.setattr(engine, "AUCTION_MIN_MENTEES", 0)
    if sampled:
        monkeypatch.setattr(engine, "WARM_START_MIN_MENTEES", 0)
    auctioned = engine.match_programme(program, workforce, today=TODAY)
    # Then it reaches the same objective, and an independent check of every valid pair
    # certifies its duals
    _assert_same_certified_optimum(program, workforce, exact, auctioned)


def _assert_same_certified_optimum(
    program: Program, workforce: list[Employee], baseline: MatchOutcome, outcome: MatchOutcome
) -> None:
    assert outcome.objective == pytest.approx(baseline.objective, abs=1e-9)
    cohort = build_cohort(program, workforce, today=TODAY, synonyms=None)
    report = check(program, cohort, effective_weights(program), outcome)
    assert report.problems == []
    assert report.certified_gap <= 1e-6


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_match_pauses_the_cyclic_collector_and_restores_it_after(
    enabled_before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the cyclic garbage collector on or off, and a way to see its state mid-match
    seen: list[bool] = []
    outcome_of = engine._outcome

    def watched(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return outcome_of(*args)

    monkeypatch.setattr(engine, "_outcome", watched)
    workforce = generate_workforce(WorkforceSpec(employees=200, seed=3))
    program = Program(program_id="gc", name="Collector", kind=ProgramKind.SKILLS)
    (gc.enable if enabled_before else gc.disable)()
    try:
        # When a match runs, and when one fails part-way
        engine.match_programme(program, workforce, today=TODAY)
        monkeypatch.setattr(engine, "_outcome", _raise_runtime_error)
        with pytest.raises(RuntimeError):
            engine.match_programme(program, workforce, today=TODAY)
        # Then the collector was paused during the match and is as it was after both
        assert seen == [False]
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()


def _raise_runtime_error(*_: Any) -> Any:
    raise RuntimeError("fails mid-match")
