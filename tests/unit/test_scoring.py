"""Each score component, the weights, and the load-spreading slot values, checked against hand numbers."""

from __future__ import annotations

import pytest

from mentorship.errors import InvalidRequest
from mentorship.matching import match_programme
from mentorship.matching.scoring import DEFAULT_WEIGHTS, effective_weights
from mentorship.models import ProgramKind, ScoreWeights
from tests.unit.property.people import TODAY, person, programme

ONLY = {
    "skill_fit": ScoreWeights(skill_fit=1, goal_overlap=0, cross_department=0, location=0, load_spread=0),
    "goal_overlap": ScoreWeights(skill_fit=0, goal_overlap=1, cross_department=0, location=0, load_spread=0),
}


def _single_pair(**program_fields: object) -> dict[str, float]:
    mentor = person(
        "1",
        coaches={"Python": 5, "SQL": 2},
        department="Engineering",
        time_zone="Europe/London",
        mentor=True,
        capacity=2,
    )
    mentee = person(
        "2",
        wants={"Python": 3, "SQL": 1, "Budgeting": 4},
        goals=("Grow in SQL", "Ship a budgeting tool"),
        department="Finance",
        time_zone="America/New_York",
        mentee=True,
    )
    outcome = match_programme(programme(**program_fields), [mentor, mentee], today=TODAY)
    (pair,) = outcome.pairs
    return pair.components


def test_skill_fit_weights_each_wish_by_priority_and_the_mentors_proficiency() -> None:
    # wants Python 3, SQL 1, Budgeting 4 (total 8); coaches Python 5/5, SQL 2/5
    components = _single_pair()
    assert components["skill_fit"] == pytest.approx(3 / 8 * 1.0 + 1 / 8 * 0.4)


def test_focus_skills_count_double() -> None:
    # Budgeting as a focus skill: weights Python 3, SQL 1, Budgeting 8 (total 12)
    components = _single_pair(focus_skills=("budgeting",))
    assert components["skill_fit"] == pytest.approx(3 / 12 * 1.0 + 1 / 12 * 0.4)


def test_goal_overlap_is_the_share_of_goal_skills_the_mentor_coaches() -> None:
    # goals name SQL and budgeting; the mentor coaches SQL only
    assert _single_pair()["goal_overlap"] == pytest.approx(0.5)


def test_cross_department_and_shared_working_time() -> None:
    components = _single_pair()
    assert components["cross_department"] == 1.0
    # London and New York on 27 Nov: 5 hours apart, so 3 of 8 working hours shared
    assert components["location"] == pytest.approx(3 / 8)


def test_score_is_the_weighted_sum_of_the_components() -> None:
    mentor = person("1", coaches={"Python": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"Python": 5}, mentee=True)
    outcome = match_programme(programme(weights=ONLY["skill_fit"]), [mentor, mentee], today=TODAY)
    assert outcome.pairs[0].score == pytest.approx(1.0)
    assert outcome.objective == pytest.approx(1.0)


def test_each_further_slot_of_a_mentor_is_worth_less_so_load_spreads() -> None:
    # Given two equally good mentors with capacity 2 and two mentees
    mentors = [person(n, coaches={"Python": 5}, mentor=True, capacity=2) for n in ("1", "2")]
    mentees = [person(n, wants={"Python": 5}, mentee=True) for n in ("3", "4")]
    # When matching with default weights
    outcome = match_programme(programme(), [*mentors, *mentees], today=TODAY)
    # Then each mentor takes one mentee, at the full first-slot load_spread
    assert {pair.mentor_id for pair in outcome.pairs} == {"1", "2"}
    assert all(pair.components["load_spread"] == 1.0 for pair in outcome.pairs)


def test_a_second_slot_reports_its_lower_load_spread() -> None:
    mentor = person("1", coaches={"Python": 5}, mentor=True, capacity=2)
    mentees = [person(n, wants={"Python": 5}, mentee=True) for n in ("3", "4")]
    outcome = match_programme(programme(), [mentor, *mentees], today=TODAY)
    assert sorted(pair.components["load_spread"] for pair in outcome.pairs) == [0.5, 1.0]
    weights = effective_weights(programme())
    assert outcome.objective == pytest.approx(sum(pair.score for pair in outcome.pairs))
    assert sum(pair.score for pair in outcome.pairs) == pytest.approx(
        2 * (weights["skill_fit"] + weights["location"]) + 1.5 * weights["load_spread"]
    )


def test_weights_are_normalised_and_default_by_kind() -> None:
    weights = effective_weights(programme(ProgramKind.REVERSE))
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["cross_department"] > effective_weights(programme(ProgramKind.SKILLS))["cross_department"]
    assert set(DEFAULT_WEIGHTS) == set(ProgramKind)


def test_all_zero_weights_are_rejected_naming_the_field() -> None:
    zero = ScoreWeights(skill_fit=0, goal_overlap=0, cross_department=0, location=0, load_spread=0)
    with pytest.raises(InvalidRequest) as raised:
        effective_weights(programme(weights=zero))
    assert raised.value.field == "weights"
