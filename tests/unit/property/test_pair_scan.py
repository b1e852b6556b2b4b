"""The C pair scan against an independent enumeration of every pair (benchmarks.baselines.pairs).

The pricing loop's proof rests on three facts about a scan: it sees exactly the valid pairs, it
keeps each mentee's best, and what it leaves behind is bounded by `left_behind`. These tests check
each at random prices on random small companies, and that scanning on several cores changes nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.baselines.pairs import iterate_pairs
from mentorship.matching import candidates, engine
from mentorship.matching.candidates import Scan
from mentorship.matching.cohort import Cohort
from mentorship.models import Program, ProgramKind
from sandbox.workforce import WorkforceSpec, generate_workforce
from tests.unit.property.people import TODAY
from tests.unit.property.test_matching_properties import Case, cases

NUDGE = 2.5e-11
"""Scan values may exceed exact values by the tie-break nudge (at most 2e-11) and rounding."""


def _prepared(program: Program, people: list, history: list) -> engine._Prepared:  # type: ignore[type-arg]
    return engine._prepare(
        program,
        people,
        today=TODAY,
        history=history,
        locked=(),
        only_mentees=None,
        keep_pairs=set(),
        synonyms=None,
    )


def _oracle(program: Program, history: list, cohort: Cohort) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """(value, valid) for every mentee x mentor, from code that shares nothing with the scan."""
    value = np.zeros((cohort.mentees.size, cohort.mentors.size))
    valid = np.zeros(value.shape, dtype=np.bool_)
    weights = engine.effective_weights(program)
    for chunk in iterate_pairs(program, cohort, weights, history):
        value[chunk.start : chunk.stop] = chunk.value
        valid[chunk.start : chunk.stop] = chunk.valid
    return value, valid


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=cases(),
    seed=st.integers(0, 2**32 - 1),
    keep=st.integers(0, 2),
    mentor_keep=st.integers(0, 2),
    masked=st.booleans(),
    spread=st.sampled_from([0.0, 0.05]),
)
def test_a_scan_sees_every_valid_pair_keeps_the_best_and_bounds_the_rest(
    case: Case, seed: int, keep: int, mentor_keep: int, masked: bool, spread: float
) -> None:
    # Given a random small company, random mentor and mentee prices, perhaps only some mentors,
    # and perhaps a spread in the ranking
    prepared = _prepared(case.program, case.people, case.history)
    cohort = prepared.cohort
    value, valid = _oracle(case.program, case.history, cohort)
    rng = np.random.default_rng(seed)
    price = rng.uniform(0.0, 0.5, cohort.mentors.size)
    mentee_price = rng.uniform(0.0, 0.5, cohort.mentees.size)
    only = rng.random(cohort.mentors.size) < 0.6 if masked else None
    if only is not None:
        valid &= only[None, :]
    # When every mentee is scanned
    rows = np.arange(cohort.mentees.size, dtype=np.int64)
    scan = prepared.scanner.scan(
        rows,
        keep=keep,
        price=price,
        mentor_keep=mentor_keep,
        only_mentors=only,
        mentee_price=mentee_price,
        spread=spread,
    )
    adjusted = np.where(valid, value - price[None, :] - mentee_price[:, None], -np.inf)
    # Then it counted exactly the valid pairs, kept the best and bounded the rest
    _assert_scan_matches(scan, adjusted, valid, keep, spread)
    if mentor_keep:
        _assert_mentor_lists(scan, adjusted, valid, mentor_keep)


def _assert_scan_matches(
    scan: Scan, adjusted: np.ndarray, valid: np.ndarray, keep: int, spread: float
) -> None:
    """The scan saw exactly the valid pairs, kept only valid ones (the best, within the spread)
    and bounded every pair it left behind."""
    assert scan.valid_count.tolist() == valid.sum(axis=1).tolist()
    kept = np.zeros(valid.shape, dtype=np.bool_)
    kept[scan.mentee, scan.mentor] = True
    assert not (kept & ~valid).any()
    for row in range(valid.shape[0]):
        left = adjusted[row][valid[row] & ~kept[row]]
        # every pair it left behind is bounded by left_behind, which is no looser than the best of
        # them (a spread changes which pairs are kept, never the bound on the others)
        if left.size:
            assert left.max() <= scan.left_behind[row] + 1e-12
            assert scan.left_behind[row] <= left.max() + NUDGE
        else:
            assert scan.left_behind[row] == -np.inf
        # and the mentee's best pair is among those kept, or one within the spread of it
        if keep and valid[row].any():
            assert adjusted[row][kept[row]].max() >= adjusted[row].max() - NUDGE - spread


@pytest.mark.parametrize(("kind", "overlap"), [(ProgramKind.SKILLS, None), (ProgramKind.TRADITIONAL, 2.0)])
def test_a_scan_over_wide_blocks_matches_the_independent_enumeration(
    kind: ProgramKind, overlap: float | None
) -> None:
    # Given a seeded company whose skill blocks are hundreds of mentors wide: pass 1 then looks
    # values up many pairs at once (with AVX-512, by in-register permutes; pair_scan.c) and pass 2
    # judges whole chunks of them against a full ranking, which the small random companies above
    # rarely reach
    people = generate_workforce(WorkforceSpec(employees=1200, seed=13))
    program = Program(program_id="wide", name="Wide", kind=kind, min_time_zone_overlap_hours=overlap)
    prepared = _prepared(program, people, [])
    cohort = prepared.cohort
    assert np.diff(prepared.scanner._all.arrays["block_start"]).max() >= 4 * 64
    value, valid = _oracle(program, [], cohort)
    price = np.random.default_rng(4).uniform(0.0, 0.3, cohort.mentors.size)
    adjusted = np.where(valid, value - price[None, :], -np.inf)
    rows = np.arange(cohort.mentees.size, dtype=np.int64)
    for keep, mentor_keep, spread in ((0, 0, 0.0), (3, 0, 0.0), (8, 4, 0.08)):
        # When every mentee is scanned (the last as the engine's first scan: spread, mentor lists)
        scan = prepared.scanner.scan(rows, keep=keep, price=price, mentor_keep=mentor_keep, spread=spread)
        # Then it matches the enumeration as on the small companies
        _assert_scan_matches(scan, adjusted, valid, keep, spread)
        if mentor_keep:
            _assert_mentor_lists(scan, adjusted, valid, mentor_keep)


def _assert_mentor_lists(scan: Scan, adjusted: np.ndarray, valid: np.ndarray, mentor_keep: int) -> None:
    assert scan.mentor_side is not None
    listed = np.zeros(valid.shape, dtype=np.bool_)
    listed[scan.mentor_side[0], scan.mentor_side[1]] = True
    assert not (listed & ~valid).any()
    assert listed.sum(axis=0).tolist() == np.minimum(valid.sum(axis=0), mentor_keep).tolist()
    for col in np.flatnonzero(listed.any(axis=0)):
        others = adjusted[:, col][valid[:, col] & ~listed[:, col]]
        if others.size:
            assert others.max() <= adjusted[:, col][listed[:, col]].min() + NUDGE


@pytest.mark.parametrize("kind", [ProgramKind.SKILLS, ProgramKind.TRADITIONAL])
def test_scanning_on_several_cores_gives_the_same_result_as_one_call(
    kind: ProgramKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a seeded company and prices
    people = generate_workforce(WorkforceSpec(employees=1200, seed=3))
    program = Program(program_id="cores", name="Cores", kind=kind)
    prepared = _prepared(program, people, [])
    cohort = prepared.cohort
    price = np.random.default_rng(1).uniform(0.0, 0.3, cohort.mentors.size)
    rows = np.arange(cohort.mentees.size, dtype=np.int64)

    def run() -> Scan:
        return prepared.scanner.scan(rows, keep=3, price=price, mentor_keep=2)

    # When it is scanned in one call, then split over three calls on the thread pool
    monkeypatch.setattr(candidates, "SPLIT_MIN_ROWS", 1 << 30)
    single = run()
    monkeypatch.setattr(candidates, "SPLIT_MIN_ROWS", 0)
    monkeypatch.setattr(candidates, "cores", lambda: 3)
    split = run()
    # Then every output is identical
    assert single.mentee.tolist() == split.mentee.tolist()
    assert single.mentor.tolist() == split.mentor.tolist()
    assert single.left_behind.tolist() == split.left_behind.tolist()
    assert single.valid_count.tolist() == split.valid_count.tolist()
    assert single.mentor_side is not None
    assert split.mentor_side is not None
    assert single.mentor_side[0].tolist() == split.mentor_side[0].tolist()
    assert single.mentor_side[1].tolist() == split.mentor_side[1].tolist()
    assert single.mentee.size > cohort.mentees.size  # several kept per mentee: a real comparison


def test_scans_restricted_to_alternating_mentor_sets_each_see_their_own_mentors() -> None:
    # Given a seeded company, and three mentor sets, one more than the scanner keeps layouts for
    people = generate_workforce(WorkforceSpec(employees=800, seed=5))
    program = Program(program_id="masks", name="Masks", kind=ProgramKind.SKILLS)
    prepared = _prepared(program, people, [])
    cohort = prepared.cohort
    rng = np.random.default_rng(2)
    masks = [rng.random(cohort.mentors.size) < share for share in (0.1, 0.5, 0.9)]
    assert len(masks) > candidates.RESTRICTED_LAYOUTS
    price = rng.uniform(0.0, 0.3, cohort.mentors.size)
    rows = np.arange(cohort.mentees.size, dtype=np.int64)
    # When one scanner scans with the sets in turn, as a sampled market's rounds alternate them
    turns = [0, 1, 0, 2, 1, 0, 2, 2]
    scans = [prepared.scanner.scan(rows, keep=2, price=price, only_mentors=masks[turn]) for turn in turns]
    # Then each scan is what a fresh scanner finds with that set, and sees only its mentors
    for turn, scan in zip(turns, scans, strict=True):
        scanner = _prepared(program, people, []).scanner
        fresh = scanner.scan(rows, keep=2, price=price, only_mentors=masks[turn])
        assert scan.mentee.tolist() == fresh.mentee.tolist()
        assert scan.mentor.tolist() == fresh.mentor.tolist()
        assert scan.left_behind.tolist() == fresh.left_behind.tolist()
        assert scan.valid_count.tolist() == fresh.valid_count.tolist()
        assert masks[turn][scan.mentor].all()
    assert len({scan.valid_count.sum() for scan in scans}) == len(masks)  # the sets differ


def test_large_skill_catalogues_read_mentor_rows_and_scan_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a seeded company scanned with proficiency codes copied into every block entry
    people = generate_workforce(WorkforceSpec(employees=800, seed=5))
    program = Program(program_id="rows", name="Rows", kind=ProgramKind.SKILLS)
    copied = _prepared(program, people, [])
    price = np.random.default_rng(2).uniform(0.0, 0.3, copied.cohort.mentors.size)
    rows = np.arange(copied.cohort.mentees.size, dtype=np.int64)
    expected = copied.scanner.scan(rows, keep=2, price=price, mentor_keep=1)
    # When the copies would be too large (a big skill catalogue) and the scan reads mentor rows instead
    monkeypatch.setattr(candidates, "ENTRY_CODES_MAX_BYTES", 0)
    from_rows = _prepared(program, people, [])
    assert "entry_code" not in from_rows.scanner._all.arrays
    found = from_rows.scanner.scan(rows, keep=2, price=price, mentor_keep=1)
    # Then it finds exactly the same pairs and bounds
    assert found.mentee.tolist() == expected.mentee.tolist()
    assert found.mentor.tolist() == expected.mentor.tolist()
    assert found.left_behind.tolist() == expected.left_behind.tolist()
    assert found.valid_count.tolist() == expected.valid_count.tolist()
    assert expected.mentee.size > copied.cohort.mentees.size


def test_a_spread_shares_out_near_ties_instead_of_listing_the_same_mentors_for_everyone() -> None:
    # Given a seeded company, where many mentors offer a mentee nearly the same value
    people = generate_workforce(WorkforceSpec(employees=1200, seed=11))
    program = Program(program_id="ties", name="Ties", kind=ProgramKind.SKILLS)
    prepared = _prepared(program, people, [])
    cohort = prepared.cohort
    rows = np.arange(cohort.mentees.size, dtype=np.int64)
    price = np.zeros(cohort.mentors.size)

    def listed_mentors(spread: float) -> tuple[int, Scan]:
        scan = prepared.scanner.scan(rows, keep=1, price=price, spread=spread)
        return np.unique(scan.mentor).size, scan

    # When the first pairs are ranked exactly, then with a spread as wide as the value differences
    exact_count, exact = listed_mentors(0.0)
    spread_count, spread = listed_mentors(0.2)
    again_count, again = listed_mentors(0.2)
    # Then the spread lists more distinct mentors, the same ones every time, and the bounds on
    # what was left behind stay exact: each is the best of the pairs not kept
    assert spread_count > exact_count
    assert (again_count, again.mentor.tolist()) == (spread_count, spread.mentor.tolist())
    value = np.full((cohort.mentees.size, cohort.mentors.size), -np.inf)
    for chunk in iterate_pairs(program, cohort, engine.effective_weights(program), []):
        value[chunk.start : chunk.stop] = np.where(chunk.valid, chunk.value, -np.inf)
    value[spread.mentee, spread.mentor] = -np.inf  # what the spread scan kept
    best_left = value.max(axis=1)
    assert (best_left <= spread.left_behind + 1e-12).all()
    assert (spread.left_behind <= best_left + NUDGE).all()
    assert spread.valid_count.tolist() == exact.valid_count.tolist()
