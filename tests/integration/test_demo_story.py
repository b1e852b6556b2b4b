"""The whole product story over real HTTP: BambooHR sandbox + moto's server wired from template.yaml.

Runs the same `Story` as `make demo` once, then checks what landed in BambooHR against what the
product decided, and the hard rules against the HRIS's own org data.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from mentorship.models import Employee
from sandbox.story import ASSIGNMENT_TABLE, MENTORSHIP_TABLE, Story, StoryResult

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("local_stack")]


@pytest.fixture(scope="module")
def story() -> Story:
    story = Story(employees=300, seed=11)
    story.run()
    return story


@pytest.fixture(scope="module")
def result(story: Story) -> StoryResult:
    return story.result


def approved(result: StoryResult) -> list[dict[str, Any]]:
    """Every pairing that was approved at some point (ended ones included): these reach the HRIS."""
    return [p for p in result.final_pairings if p["status"] in ("approved", "ended")]


def rows_by_pairing(story: Story, table: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for employee_id in story.account.employee_ids():
        for row in story.account.rows(employee_id, table):
            counts[str(row.get("customPairingId"))] += 1
    return counts


def chain(employees: dict[str, Employee], employee_id: str) -> set[str]:
    managers, current = set(), employees[employee_id].manager_id
    while current and current not in managers:
        managers.add(current)
        current = employees[current].manager_id if current in employees else None
    return managers


def test_the_full_sync_stored_every_employee_leavers_included(result: StoryResult) -> None:
    assert result.synced == 300


def test_both_programmes_produced_certified_optimal_pairings(result: StoryResult) -> None:
    for programme in result.programmes.values():
        assert programme["pairings"], programme["kind"]
        assert programme["dual_bound"] == pytest.approx(programme["objective"], rel=1e-6)


def test_each_approved_pairing_is_one_row_on_each_person_and_a_rejected_one_is_nowhere(
    story: Story, result: StoryResult
) -> None:
    rows = rows_by_pairing(story, MENTORSHIP_TABLE)
    assert {p["pairing_id"]: rows[p["pairing_id"]] for p in approved(result)} == {
        p["pairing_id"]: 2 for p in approved(result)
    }
    never_approved = [p["pairing_id"] for p in result.final_pairings if p["status"] in ("draft", "rejected")]
    assert never_approved
    assert all(rows[pid] == 0 for pid in never_approved)
    assert sum(rows.values()) == 2 * len(approved(result))


def test_everyone_in_an_approved_pairing_has_training_and_each_mentee_an_action_plan_goal(
    story: Story, result: StoryResult
) -> None:
    assignments = rows_by_pairing(story, ASSIGNMENT_TABLE)
    for pairing in approved(result):
        people = {
            row["employeeId"]
            for person in (pairing["mentor_id"], pairing["mentee_id"])
            for row in story.account.rows(person, ASSIGNMENT_TABLE)
            if row.get("customPairingId") == pairing["pairing_id"]
        }
        assert people == {pairing["mentor_id"], pairing["mentee_id"]}
    assert sum(assignments.values()) == result.assignments
    assert result.goals_written == len(approved(result))


def test_reverse_mentors_are_at_least_two_levels_below_and_never_in_the_mentees_chain(
    story: Story, result: StoryResult
) -> None:
    employees = {e.employee_id: e for e in story.workforce}
    for pairing in result.programmes["reverse-digital"]["pairings"]:
        mentor, mentee = employees[pairing["mentor_id"]], employees[pairing["mentee_id"]]
        assert mentor.level is not None
        assert mentee.level is not None
        assert mentor.level <= mentee.level - 2
        assert mentor.employee_id not in chain(employees, mentee.employee_id)
        assert mentee.employee_id not in chain(employees, mentor.employee_id)


def test_the_new_hire_is_synced_once_matched_into_the_skills_programme_and_written_back(
    story: Story, result: StoryResult
) -> None:
    assert result.webhook_status == [202, 202]
    [pairing] = result.new_hire_pairings
    assert pairing["program_id"] == "skills-first-year"
    assert pairing["status"] == "approved"
    rows = story.account.rows(result.new_hire_id, MENTORSHIP_TABLE)
    assert [row["customPairingId"] for row in rows] == [pairing["pairing_id"]]
    # one hire, not two: created + updated made one EmployeeHired, so matching ran once
    assert result.new_hire_invocations["MatchingFunction"] == 1


def test_every_pairing_is_explained_in_words(result: StoryResult) -> None:
    for pairing in approved(result):
        assert "can coach" in pairing["explanation"]
        assert set(pairing["components"]) >= {"skill_fit", "cross_department", "location", "load_spread"}


def test_a_mentor_who_leaves_has_the_pairing_ended_in_bamboohr_and_the_mentee_rematched(
    result: StoryResult,
) -> None:
    leaver = result.leaver
    assert leaver["webhook_status"] == 202
    assert leaver["row_status_in_bamboohr"] == "Ended"
    [rematch] = leaver["rematched"]
    assert rematch["mentor_id"] != leaver["employee_id"]
    assert rematch["status"] == "draft"  # the reverse programme is reviewed by a person
