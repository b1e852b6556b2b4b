"""Incremental (new hires), re-optimisation and suggestion modes of the engine."""

from __future__ import annotations

import pytest

from mentorship.errors import InvalidRequest, NotFound
from mentorship.matching import match_programme, suggest_mentors
from tests.unit.property.people import TODAY, pairing, person, programme


def test_incremental_mode_fills_residual_capacity_and_never_moves_locked_pairings() -> None:
    # Given a strong mentor with one slot already held by an approved pairing, and a weaker one
    strong = person("1", coaches={"Python": 5}, mentor=True, capacity=1)
    weak = person("2", coaches={"Python": 2}, mentor=True, capacity=1)
    existing = person("3", wants={"Python": 1}, mentee=True)
    new_hire = person("4", wants={"Python": 5}, mentee=True)
    locked = [pairing("1", "3")]
    # When the new hire is matched incrementally
    outcome = match_programme(
        programme(), [strong, weak, existing, new_hire], today=TODAY, locked=locked, only_mentees={"4"}
    )
    # Then the new hire takes the remaining capacity and the locked pairing is not proposed again
    assert [(pair.mentor_id, pair.mentee_id) for pair in outcome.pairs] == [("2", "4")]
    assert outcome.mentee_pool_size == 1


def test_locked_pairings_count_against_capacity_in_the_load_spread() -> None:
    # Given a mentor of capacity 2 who already holds one approved pairing
    mentor = person("1", coaches={"Python": 5}, mentor=True, capacity=2)
    held = person("2", wants={"Python": 5}, mentee=True)
    new_hire = person("3", wants={"Python": 5}, mentee=True)
    outcome = match_programme(programme(), [mentor, held, new_hire], today=TODAY, locked=[pairing("1", "2")])
    # Then the new pair takes the second slot, worth half the first
    (pair,) = outcome.pairs
    assert pair.mentee_id == "3"
    assert pair.components["load_spread"] == pytest.approx(0.5)
    assert "first mentee" not in pair.explanation


def test_reoptimisation_keeps_a_current_pairing_when_the_change_penalty_outweighs_the_gain() -> None:
    # Given a current pairing with a slightly weaker mentor than the best available
    current_mentor = person("1", coaches={"SQL": 4}, mentor=True, capacity=1)
    better_mentor = person("2", coaches={"SQL": 5}, mentor=True, capacity=1)
    mentee = person("3", wants={"SQL": 5}, mentee=True)
    people = [current_mentor, better_mentor, mentee]
    current = [pairing("1", "3")]
    # When re-optimising without and with a penalty for changes
    free = match_programme(programme(), people, today=TODAY, current=current, change_penalty=0.0)
    sticky = match_programme(programme(), people, today=TODAY, current=current, change_penalty=0.5)
    # Then only the penalised run keeps the current pair, and its objective counts the kept bonus
    assert [pair.mentor_id for pair in free.pairs] == ["2"]
    assert [pair.mentor_id for pair in sticky.pairs] == ["1"]
    assert sticky.objective == pytest.approx(sticky.pairs[0].score + 0.5)


def test_a_current_pairing_that_now_breaks_a_rule_is_not_kept() -> None:
    # Given a current pairing whose mentor has since become the mentee's manager
    mentor = person("1", level=6, coaches={"SQL": 5}, mentor=True, capacity=1)
    mentee = person("2", level=3, manager="1", wants={"SQL": 5}, mentee=True)
    outcome = match_programme(
        programme(), [mentor, mentee], today=TODAY, current=[pairing("1", "2")], change_penalty=1.0
    )
    assert outcome.pairs == []


def test_suggestions_return_at_most_k_valid_mentors() -> None:
    mentors = [
        person(str(n), coaches={"SQL": 1 + n % 5, "Python": 3}, mentor=True, capacity=1) for n in range(1, 9)
    ]
    mentee = person("99", wants={"SQL": 5, "Python": 2}, mentee=True)
    manager = person("100", coaches={"SQL": 5}, mentor=True, capacity=1)
    report = person("98", manager="100", wants={"SQL": 5}, mentee=True)
    suggestions = suggest_mentors(programme(), [*mentors, mentee, manager, report], "99", k=3, today=TODAY)
    assert len(suggestions) == 3
    assert [pair.score for pair in suggestions] == sorted((pair.score for pair in suggestions), reverse=True)
    own_manager = suggest_mentors(programme(), [*mentors, mentee, manager, report], "98", k=20, today=TODAY)
    assert "100" not in {pair.mentor_id for pair in own_manager}


def test_suggestions_for_an_unknown_or_ineligible_mentee_fail_clearly() -> None:
    mentor = person("1", coaches={"SQL": 5}, mentor=True, capacity=1)
    outsider = person("2", wants={"SQL": 5})
    with pytest.raises(NotFound):
        suggest_mentors(programme(), [mentor, outsider], "404", today=TODAY)
    with pytest.raises(InvalidRequest) as raised:
        suggest_mentors(programme(), [mentor, outsider], "2", today=TODAY)
    assert raised.value.field == "mentee_id"
    with pytest.raises(InvalidRequest):
        suggest_mentors(programme(), [mentor, outsider], "2", k=0, today=TODAY)
