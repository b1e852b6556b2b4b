"""Every hard rule of a programme, one behaviour per test: the engine never proposes a breaking pair."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mentorship.errors import InvalidRequest
from mentorship.matching import match_programme
from mentorship.models import PairingStatus, PoolSelector, ProgramKind
from tests.unit.property.people import TODAY, pairing, person, programme


def _pairs(outcome: object) -> set[tuple[str, str]]:
    return {(pair.mentor_id, pair.mentee_id) for pair in outcome.pairs}  # type: ignore[attr-defined]


def test_nobody_is_paired_with_themself_even_when_they_coach_what_they_want() -> None:
    # Given one person who both coaches and wants Python, and nobody else
    solo = person("1", coaches={"Python": 5}, wants={"Python": 5}, mentor=True, mentee=True, capacity=2)
    # When matching
    outcome = match_programme(programme(), [solo], today=TODAY)
    # Then no pair is proposed, and the reason names the rule
    assert outcome.pairs == []
    assert "would be the mentee themself" in outcome.unmatched[0].reason


def test_a_manager_never_mentors_someone_in_their_reporting_chain() -> None:
    # Given a skip-level manager who is the only Python coach of a report's report
    boss = person("1", level=7, coaches={"Python": 5}, mentor=True, capacity=2)
    middle = person("2", level=5, manager="1")
    report = person("3", level=2, manager="2", wants={"Python": 5}, mentee=True)
    # When matching a traditional programme
    outcome = match_programme(programme(ProgramKind.TRADITIONAL), [boss, middle, report], today=TODAY)
    # Then the skip-level manager is not proposed, and the reason names the reporting chain
    assert outcome.pairs == []
    assert "reporting chain" in outcome.unmatched[0].reason


def test_a_report_never_mentors_their_own_manager_in_reverse_mentoring() -> None:
    # Given an executive whose only possible reverse mentor reports to them (two levels down)
    executive = person("1", level=8, wants={"Short-video strategy": 5}, mentee=True)
    lead = person("2", level=5, manager="1")
    junior = person("3", level=1, manager="2", coaches={"Short-video strategy": 5}, mentor=True, capacity=1)
    outsider = person("4", level=1, coaches={"Short-video strategy": 3}, mentor=True, capacity=1)
    # When matching a reverse programme
    outcome = match_programme(
        programme(ProgramKind.REVERSE), [executive, lead, junior, outsider], today=TODAY
    )
    # Then the executive gets the outsider, never their own report
    assert _pairs(outcome) == {("4", "1")}


def test_shared_manager_rule_applies_only_when_the_programme_asks_for_it() -> None:
    # Given two peers with the same manager, one coaching what the other wants
    manager = person("1", level=6)
    coach = person("2", level=3, manager="1", coaches={"SQL": 4}, mentor=True, capacity=1)
    learner = person("3", level=3, manager="1", wants={"SQL": 4}, mentee=True)
    people = [manager, coach, learner]
    # When matching with and without the shared-manager exclusion
    allowed = match_programme(programme(), people, today=TODAY)
    excluded = match_programme(programme(exclude_shared_manager=True), people, today=TODAY)
    # Then only the default programme pairs them
    assert _pairs(allowed) == {("2", "3")}
    assert excluded.pairs == []
    assert "sharing the mentee's manager" in excluded.unmatched[0].reason


@pytest.mark.parametrize(
    ("kind", "mentor_level", "mentee_level", "paired"),
    [
        (ProgramKind.REVERSE, 2, 6, True),
        (ProgramKind.REVERSE, 6, 6, False),
        (ProgramKind.REVERSE, 7, 6, False),
        (ProgramKind.TRADITIONAL, 7, 6, True),
        (ProgramKind.TRADITIONAL, 5, 6, False),
        (ProgramKind.PEER, 6, 6, True),
        (ProgramKind.PEER, 5, 6, False),
        (ProgramKind.SKILLS, 1, 9, True),
        (ProgramKind.SKILLS, 9, 1, True),
    ],
)
def test_level_rule_of_each_programme_kind(
    kind: ProgramKind, mentor_level: int, mentee_level: int, paired: bool
) -> None:
    # Given one mentor and one mentee at the given levels sharing a skill
    mentor = person("1", level=mentor_level, coaches={"Negotiation": 4}, mentor=True, capacity=1)
    mentee = person("2", level=mentee_level, wants={"Negotiation": 3}, mentee=True)
    # When matching a programme of that kind
    outcome = match_programme(programme(kind), [mentor, mentee], today=TODAY)
    # Then they are paired exactly when the level rule allows it
    assert bool(outcome.pairs) is paired
    if not paired:
        assert "level rule" in outcome.unmatched[0].reason


def test_reverse_programme_honours_a_wider_level_gap() -> None:
    # Given a mentor two levels below the mentee
    mentor = person("1", level=4, coaches={"Negotiation": 4}, mentor=True, capacity=1)
    mentee = person("2", level=6, wants={"Negotiation": 3}, mentee=True)
    # When the programme demands three levels, then two
    strict = match_programme(programme(ProgramKind.REVERSE, min_level_gap=3), [mentor, mentee], today=TODAY)
    loose = match_programme(programme(ProgramKind.REVERSE, min_level_gap=2), [mentor, mentee], today=TODAY)
    # Then only the looser rule pairs them, and the strict one says why in its own numbers
    assert strict.pairs == []
    assert "at least 3 levels below" in strict.unmatched[0].reason
    assert _pairs(loose) == {("1", "2")}


def test_peer_band_allows_small_level_differences() -> None:
    mentor = person("1", level=5, coaches={"Negotiation": 4}, mentor=True, capacity=1)
    mentee = person("2", level=4, wants={"Negotiation": 3}, mentee=True)
    outcome = match_programme(programme(ProgramKind.PEER, peer_band=1), [mentor, mentee], today=TODAY)
    assert _pairs(outcome) == {("1", "2")}


def test_unknown_level_fails_a_level_rule_but_not_a_skills_programme() -> None:
    mentor = person("1", level=None, coaches={"Negotiation": 4}, mentor=True, capacity=1)
    mentee = person("2", level=6, wants={"Negotiation": 3}, mentee=True)
    assert match_programme(programme(ProgramKind.REVERSE), [mentor, mentee], today=TODAY).pairs == []
    assert len(match_programme(programme(ProgramKind.SKILLS), [mentor, mentee], today=TODAY).pairs) == 1


def test_mentor_capacity_is_never_exceeded_and_the_rest_learn_why() -> None:
    # Given one mentor with room for two and three mentees who all want what they coach
    mentor = person("1", coaches={"Python": 5}, mentor=True, capacity=2)
    mentees = [person(str(n), wants={"Python": 5}, mentee=True, department="Sales") for n in (2, 3, 4)]
    # When matching
    outcome = match_programme(programme(), [mentor, *mentees], today=TODAY)
    # Then exactly two are paired and the third is told capacity went to better-scoring pairs
    assert len(outcome.pairs) == 2
    assert len(outcome.unmatched) == 1
    assert "taken by pairs that score higher" in outcome.unmatched[0].reason


def test_programme_default_capacity_applies_when_the_hris_has_none() -> None:
    mentor = person("1", coaches={"Python": 5}, mentor=True, capacity=0)
    mentees = [person(str(n), wants={"Python": 5}, mentee=True) for n in (2, 3, 4, 5)]
    outcome = match_programme(programme(default_capacity=3), [mentor, *mentees], today=TODAY)
    assert len(outcome.pairs) == 3


def test_an_earlier_pairing_is_not_repeated_unless_the_programme_allows_it() -> None:
    mentor = person("1", coaches={"SQL": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"SQL": 5}, mentee=True)
    history = [pairing("1", "2", PairingStatus.ENDED)]
    blocked = match_programme(programme(), [mentor, mentee], today=TODAY, history=history)
    allowed = match_programme(
        programme(allow_repeat_pairings=True), [mentor, mentee], today=TODAY, history=history
    )
    assert blocked.pairs == []
    assert "paired with the mentee before" in blocked.unmatched[0].reason
    assert _pairs(allowed) == {("1", "2")}


def test_a_pair_an_admin_rejected_is_never_proposed_again() -> None:
    mentor = person("1", coaches={"SQL": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"SQL": 5}, mentee=True)
    history = [pairing("1", "2", PairingStatus.REJECTED)]
    outcome = match_programme(
        programme(allow_repeat_pairings=True), [mentor, mentee], today=TODAY, history=history
    )
    assert outcome.pairs == []


def test_a_draft_from_an_earlier_run_does_not_count_as_a_repeat() -> None:
    mentor = person("1", coaches={"SQL": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"SQL": 5}, mentee=True)
    history = [pairing("1", "2", PairingStatus.DRAFT)]
    assert len(match_programme(programme(), [mentor, mentee], today=TODAY, history=history).pairs) == 1


def test_minimum_time_zone_overlap_excludes_far_away_mentors() -> None:
    # Given a Sydney mentor and a Berlin mentee (little shared working time), and a London mentor
    sydney = person("1", time_zone="Australia/Sydney", coaches={"UX research": 5}, mentor=True, capacity=1)
    london = person("2", time_zone="Europe/London", coaches={"UX research": 3}, mentor=True, capacity=1)
    berlin = person("3", time_zone="Europe/Berlin", wants={"UX research": 5}, mentee=True)
    # When the programme requires four shared hours
    outcome = match_programme(programme(min_time_zone_overlap_hours=4), [sydney, london, berlin], today=TODAY)
    # Then the less skilled but reachable London mentor is chosen
    assert _pairs(outcome) == {("2", "3")}


def test_unknown_time_zone_fails_a_minimum_overlap_rule() -> None:
    mentor = person("1", time_zone=None, coaches={"UX research": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"UX research": 5}, mentee=True)
    outcome = match_programme(programme(min_time_zone_overlap_hours=1), [mentor, mentee], today=TODAY)
    assert outcome.pairs == []
    assert "shared working time" in outcome.unmatched[0].reason


def test_shared_language_rule() -> None:
    mentor = person("1", languages=("de",), coaches={"Budgeting": 5}, mentor=True, capacity=1)
    mentee = person("2", languages=("pt", "EN"), wants={"Budgeting": 5}, mentee=True)
    bilingual = person("3", languages=("en", "de"), coaches={"Budgeting": 2}, mentor=True, capacity=1)
    outcome = match_programme(
        programme(require_shared_language=True), [mentor, mentee, bilingual], today=TODAY
    )
    assert _pairs(outcome) == {("3", "2")}


def test_a_pair_with_nothing_to_teach_is_never_proposed() -> None:
    mentor = person("1", coaches={"Budgeting": 5}, mentor=True, capacity=1)
    mentee = person("2", wants={"Python": 5}, mentee=True)
    outcome = match_programme(programme(), [mentor, mentee], today=TODAY)
    assert outcome.pairs == []
    assert "no mentor in the pool coaches" in outcome.unmatched[0].reason
    assert "python" in outcome.unmatched[0].reason


def test_a_mentee_without_learning_wishes_is_told_what_to_add() -> None:
    mentor = person("1", coaches={"Budgeting": 5}, mentor=True, capacity=1)
    mentee = person("2", mentee=True)
    outcome = match_programme(programme(), [mentor, mentee], today=TODAY)
    assert outcome.unmatched[0].employee_id == "2"
    assert "no learning wishes" in outcome.unmatched[0].reason


def test_pools_follow_opt_in_status_department_and_new_hire_window() -> None:
    # Given mentees: opted out, inactive, other department, hired long ago, hired recently
    coach = person("1", department="Sales", coaches={"SQL": 5}, mentor=True, capacity=5)
    opted_out = person("2", wants={"SQL": 5})
    leaver = person("3", wants={"SQL": 5}, mentee=True, active=False)
    legal = person("4", department="Legal", wants={"SQL": 5}, mentee=True)
    veteran = person("5", wants={"SQL": 5}, mentee=True, hired=TODAY - timedelta(days=400))
    new_hire = person("6", wants={"SQL": 5}, mentee=True, hired=TODAY - timedelta(days=10))
    not_started = person("7", wants={"SQL": 5}, mentee=True, hired=TODAY + timedelta(days=3))
    selector = PoolSelector(departments=("engineering",), hired_within_days=90)
    outcome = match_programme(
        programme(mentee_pool=selector),
        [coach, opted_out, leaver, legal, veteran, new_hire, not_started],
        today=TODAY,
    )
    # Then only the recent Engineering hire is in the pool, and is matched
    assert outcome.mentee_pool_size == 1
    assert _pairs(outcome) == {("1", "6")}


def test_a_named_mentee_outside_the_pool_gets_an_actionable_reason() -> None:
    coach = person("1", coaches={"SQL": 5}, mentor=True, capacity=5)
    opted_out = person("2", wants={"SQL": 5})
    outcome = match_programme(programme(), [coach, opted_out], today=TODAY, only_mentees={"2", "404"})
    reasons = {item.employee_id: item.reason for item in outcome.unmatched}
    assert "has not opted in as a mentee" in reasons["2"]
    assert "not in the employee directory" in reasons["404"]


def test_duplicate_employee_ids_are_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidRequest) as raised:
        match_programme(programme(), [person("1"), person("1")], today=TODAY)
    assert raised.value.field == "employees"


def test_negative_change_penalty_is_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidRequest) as raised:
        match_programme(programme(), [person("1")], today=TODAY, change_penalty=-1)
    assert raised.value.field == "change_penalty"
