"""Explanations state facts a person can check, with first names only; reasons carry no names."""

from __future__ import annotations

import pytest

from mentorship.matching import match_programme, suggest_mentors
from mentorship.matching.explain import hours_phrase, skill_phrase
from tests.unit.property.people import TODAY, person, programme


def _outcome() -> object:
    sam = person(
        "1",
        name="Sam Okafor",
        coaches={"Short-video strategy": 5, "Brand voice": 3},
        department="Marketing",
        time_zone="Europe/Lisbon",
        mentor=True,
        capacity=1,
    )
    dana = person(
        "2",
        name="Dana Rivera",
        wants={"Short-video strategy": 5, "Brand voice": 2},
        goals=("Grow in Short-video strategy",),
        department="Finance",
        time_zone="America/New_York",
        mentee=True,
    )
    return match_programme(programme(), [sam, dana], today=TODAY)


def test_explanation_names_the_skill_the_level_and_who_wants_it_first() -> None:
    (pair,) = _outcome().pairs  # type: ignore[attr-defined]
    assert pair.explanation.startswith(
        "Sam can coach short-video strategy (5/5), which Dana wants to learn first"
    )
    assert "also brand voice (3/5)" in pair.explanation


def test_explanation_states_goals_departments_and_shared_time() -> None:
    (pair,) = _outcome().pairs  # type: ignore[attr-defined]
    assert "helps with one of Dana's goals" in pair.explanation
    assert "different departments" in pair.explanation
    # Lisbon (UTC+0) and New York (UTC-5) in late November share three working hours
    assert "three hours of shared working time" in pair.explanation
    assert "Dana would be Sam's first mentee in this programme" in pair.explanation


def test_explanation_uses_first_names_only() -> None:
    (pair,) = _outcome().pairs  # type: ignore[attr-defined]
    assert "Okafor" not in pair.explanation
    assert "Rivera" not in pair.explanation


def test_same_department_and_same_hours_are_said_plainly() -> None:
    mentor = person("1", name="Ife Tan", coaches={"SQL": 4}, mentor=True, capacity=1)
    mentee = person("2", name="Kai Berg", wants={"SQL": 2, "Python": 5}, mentee=True)
    (pair,) = match_programme(programme(), [mentor, mentee], today=TODAY).pairs
    assert pair.explanation.startswith("Ife can coach SQL (4/5), which Kai wants to learn;")
    assert "same department" in pair.explanation
    assert "the same working hours" in pair.explanation


def test_a_focus_skill_is_called_out() -> None:
    mentor = person("1", name="Ife Tan", coaches={"SQL": 4}, mentor=True, capacity=1)
    mentee = person("2", name="Kai Berg", wants={"SQL": 2}, mentee=True)
    (pair,) = match_programme(programme(focus_skills=("sql",)), [mentor, mentee], today=TODAY).pairs
    assert "a focus skill of this programme" in pair.explanation


def test_unmatched_reasons_carry_no_names() -> None:
    mentor = person("1", name="Ife Tan", coaches={"SQL": 4}, mentor=True, capacity=1)
    mentees = [person(n, name=f"Kai Berg{n}", wants={"SQL": 2}, mentee=True) for n in ("2", "3")]
    outcome = match_programme(programme(), [mentor, *mentees], today=TODAY)
    (unmatched,) = outcome.unmatched
    assert "Kai" not in unmatched.reason
    assert "Ife" not in unmatched.reason


def test_suggestions_are_ranked_best_first_with_explanations() -> None:
    strong = person("1", name="Noor Haddad", coaches={"SQL": 5}, mentor=True, capacity=1)
    weak = person("2", name="Omar Silva", coaches={"SQL": 2}, mentor=True, capacity=1)
    mentee = person("3", name="Mia Adams", wants={"SQL": 5}, mentee=True)
    suggestions = suggest_mentors(programme(), [strong, weak, mentee], "3", k=5, today=TODAY)
    assert [pair.mentor_id for pair in suggestions] == ["1", "2"]
    assert suggestions[0].score > suggestions[1].score
    assert suggestions[0].explanation.startswith("Noor can coach SQL (5/5), which Mia wants to learn first")


@pytest.mark.parametrize(
    ("hours", "words"),
    [(3, "three hours"), (1, "one hour"), (2.5, "two and a half hours"), (0.5, "half an hour")],
)
def test_hours_in_words(hours: float, words: str) -> None:
    assert hours_phrase(hours) == words


def test_skill_phrase_keeps_acronyms() -> None:
    assert skill_phrase("Short-video strategy") == "short-video strategy"
    assert skill_phrase("SQL") == "SQL"
    assert skill_phrase("UX research") == "UX research"
