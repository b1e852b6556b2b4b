"""Pair values from the C kernel (pair_values.c): the score's definitions, to the last bit.

The flow problem, the objective and every reported score use these values, so the kernel must
give exactly what summing the numpy components with the weights gives, and agree with the
benchmark's independent enumeration of every pair.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.matching import scoring
from mentorship.matching.scoring import components, effective_weights, pair_values
from mentorship.models import ScoreWeights
from tests.unit.property.people import person, programme
from tests.unit.property.test_matching_properties import Case, cases
from tests.unit.property.test_pair_scan import _oracle, _prepared

WEIGHT = st.floats(0.0, 1.0).map(lambda weight: round(weight, 3))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), weights=st.tuples(WEIGHT, WEIGHT, WEIGHT, WEIGHT, WEIGHT))
def test_kernel_values_are_the_weighted_components_bit_for_bit(
    case: Case, weights: tuple[float, float, float, float, float]
) -> None:
    # Given a random small company and a programme with random weights
    skill_fit, goal_overlap, cross_department, location, load_spread = weights
    program = case.program.model_copy(
        update={
            "weights": ScoreWeights(
                skill_fit=skill_fit,
                goal_overlap=goal_overlap,
                cross_department=cross_department,
                location=location,
                load_spread=max(load_spread, 0.001),
            )
        }
    )
    case = Case(program=program, people=case.people, history=case.history)
    cohort = _prepared(program, case.people, case.history).cohort
    rows, cols = (grid.ravel() for grid in np.indices((cohort.mentees.size, cohort.mentors.size)))
    # When the kernel values every mentee x mentor pair
    value = pair_values(cohort, effective_weights(program), rows, cols)
    # Then each is the weighted sum of the numpy components, the same double
    normalised = effective_weights(program)
    expected = np.full(rows.size, normalised["load_spread"])
    for name, part in components(cohort, rows, cols).items():
        expected += normalised[name] * part
    assert np.array_equal(value, expected)
    # and the independent enumeration agrees on every valid pair
    oracle, valid = _oracle(case.program, case.history, cohort)
    assert np.allclose(value.reshape(oracle.shape)[valid], oracle[valid], rtol=0, atol=1e-12)


def test_values_computed_a_slice_per_core_are_those_of_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a company where every mentee wants what several mentors coach
    people = [
        person(
            str(index),
            coaches={"Python": 1 + index % 5, "SQL": 2},
            wants={"Python": 3},
            mentor=True,
            mentee=True,
        )
        for index in range(12)
    ]
    program = programme()
    cohort = _prepared(program, people, []).cohort
    rows, cols = (grid.ravel() for grid in np.indices((cohort.mentees.size, cohort.mentors.size)))
    weights = effective_weights(program)
    whole = pair_values(cohort, weights, rows, cols)
    # When the same pairs are valued in three slices on the kernel thread pool
    monkeypatch.setattr(scoring, "SPLIT_MIN_PAIRS", 1)
    monkeypatch.setattr(scoring, "cores", lambda: 3)
    sliced = pair_values(cohort, weights, rows, cols)
    # Then every slice wrote its own pairs' values, bit for bit those of one call
    assert np.array_equal(sliced, whole)
    assert len(set(whole.tolist())) > 1
