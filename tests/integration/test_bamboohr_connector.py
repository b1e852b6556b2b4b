"""The BambooHR connector against the BambooHR sandbox over real loopback HTTP: reads and writes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentorship.errors import HrisRejected, InvalidRequest, MappingError
from mentorship.models import EmploymentStatus, PairingStatus
from mentorship.ports import HrisConnector
from tests.integration import test_bamboohr_connector_support as support
from tests.integration.test_bamboohr_connector_support import (
    WORKFORCE,
    Harness,
    assignment,
    by_id,
    comparable,
    pairing,
)

pytestmark = pytest.mark.integration
harness = support.harness


def test_full_sync_reads_every_employee_as_the_hris_holds_them_in_at_most_ten_requests(
    harness: Harness,
) -> None:
    # Given an account holding the synthetic company (leavers included)
    connector = harness.make()
    port: HrisConnector = connector  # the port is satisfied (checked by mypy)
    # When a full sync runs
    employees = list(port.read_all())
    # Then every employee comes back exactly as generated, leavers as inactive
    assert len(employees) == len(WORKFORCE)
    read = by_id(employees)
    for expected in WORKFORCE:
        got = comparable(read[expected.employee_id])
        want = comparable(expected)
        for skills in ("coach_skills", "learn_skills"):
            got[skills], want[skills] = sorted(map(str, got[skills])), sorted(map(str, want[skills]))
        assert got == want, expected.employee_id
    leavers = {e.employee_id for e in WORKFORCE if e.status is EmploymentStatus.INACTIVE}
    assert leavers
    assert {e.employee_id for e in employees if not e.is_active} == leavers
    # ... with whole-account reads, not one request per employee
    assert connector.requests_sent <= 10
    assert not harness.sandbox.requests(path_contains="/api/v1/employees/1")


def test_incremental_sync_returns_updates_terminations_table_edits_and_deletions(harness: Harness) -> None:
    # Given a watermark, then edits an admin makes in BambooHR a minute later
    connector = harness.make()
    watermark = harness.sandbox.clock.now()
    harness.sandbox.clock.advance(timedelta(minutes=1))
    harness.account.update("150", department="Legal")
    harness.account.terminate("151", date(2026, 11, 27))
    harness.account.add_row(
        "152",
        "customCoachingSkills",
        {"customSkill": "Podcast editing", "customProficiency": "5"},
        admin=True,
    )
    harness.account.delete("153")
    before = connector.requests_sent
    started = harness.sandbox.clock.now()
    # When the changes since the watermark are read
    changes = connector.read_changes(watermark)
    # Then exactly those employees come back, current, and the deletion is reported
    changed = by_id(list(changes.employees))
    assert set(changed) == {"150", "151", "152"}
    assert changed["150"].department == "Legal"
    assert changed["151"].status is EmploymentStatus.INACTIVE
    assert "Podcast editing" in [s.name for s in changed["152"].coach_skills]
    assert changes.deleted_ids == ("153",)
    # ... the next watermark is when this fetch started, and it took a handful of requests
    assert changes.fetch_started_at >= started - timedelta(seconds=1)
    assert connector.requests_sent - before <= 6


def test_incremental_sync_with_nothing_changed_returns_nothing(harness: Harness) -> None:
    connector = harness.make()
    harness.sandbox.clock.advance(timedelta(minutes=5))
    changes = connector.read_changes(harness.sandbox.clock.now())
    assert changes.employees == ()
    assert changes.deleted_ids == ()


def test_read_employee_returns_the_current_record_or_none_when_gone(harness: Harness) -> None:
    connector = harness.make()
    harness.account.update("120", customJobLevel="7")
    employee = connector.read_employee("120")
    assert employee is not None
    assert employee.level == 7
    assert comparable(employee)["learn_skills"] == comparable(by_id(WORKFORCE)["120"])["learn_skills"]
    assert connector.read_employee("999999") is None


def test_mentees_goals_are_read_for_matching_without_our_own_action_plans(harness: Harness) -> None:
    connector = harness.make()
    seeded = {
        employee_id: goals
        for employee_id in ("101", "102", "103", "104", "105", "106", "107", "108")
        if (goals := connector.read_goals(employee_id))
    }
    assert seeded, "the sandbox seeds goals for some employees"
    some_id, titles = next(iter(seeded.items()))
    enriched = connector.with_goals(by_id(WORKFORCE)[some_id])
    assert enriched.goals == titles


def test_a_mapping_that_names_a_missing_table_fails_before_any_employee_is_read(harness: Harness) -> None:
    connector = harness.make(
        mapping={
            "job_level": "customSeniority",
            "learn_skills": {"table": "customWishes", "weight": "customPriority"},
        }
    )
    with pytest.raises(MappingError) as error:
        list(connector.read_all())
    assert "customSeniority" in str(error.value)
    assert "customWishes" in str(error.value)
    assert not harness.sandbox.requests(path_contains="/reports/custom")
    assert not harness.sandbox.requests(path_contains="/tables/")


def test_an_approved_pairing_is_written_on_both_people_with_a_shared_action_plan(harness: Harness) -> None:
    # Given an approved pairing
    connector = harness.make()
    approved = pairing()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    # When it is written back
    receipt = connector.write_pairing(approved, mentor, mentee)
    # Then each person has one Active row naming the other
    mentor_rows = harness.account.rows("101", "customMentorships")
    mentee_rows = harness.account.rows("105", "customMentorships")
    assert [(r["customRole"], r["customPartnerId"], r["customStatus"]) for r in mentor_rows] == [
        ("Mentor", "105", "Active")
    ]
    assert [(r["customRole"], r["customPartnerId"], r["customStatus"]) for r in mentee_rows] == [
        ("Mentee", "101", "Active")
    ]
    assert mentor_rows[0]["customPairingId"] == approved.pairing_id
    assert mentor_rows[0]["customStartDate"] == "2026-12-01"
    # ... and the mentee has an action-plan goal, due in 90 days, with milestones, shared with the mentor
    plans = [g for g in harness.account.goals["105"] if approved.pairing_id in (g.get("description") or "")]
    assert len(plans) == 1
    assert plans[0]["dueDate"] == "2027-03-01"
    assert set(plans[0]["sharedWithEmployeeIds"]) == {101, 105}
    assert len(plans[0]["milestones"]) == 4
    assert receipt.created
    assert len(receipt.external_ids) == 3


def test_writing_the_same_pairing_again_writes_nothing_new(harness: Harness) -> None:
    # Given a pairing already written by a connector without a ledger (a fresh Lambda, say)
    approved = pairing()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    first = harness.make(with_ledger=False).write_pairing(approved, mentor, mentee)
    # When it is written again
    again = harness.make(with_ledger=False).write_pairing(approved, mentor, mentee)
    # Then the look-up finds everything: same ids, no second row or goal
    assert again.external_ids == first.external_ids
    assert not again.created
    assert len(harness.account.rows("101", "customMentorships")) == 1
    assert len(harness.account.rows("105", "customMentorships")) == 1
    assert sum(approved.pairing_id in (g.get("description") or "") for g in harness.account.goals["105"]) == 1


def test_the_ledger_answers_a_repeated_write_without_calling_bamboohr(harness: Harness) -> None:
    connector = harness.make()
    approved = pairing()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    first = connector.write_pairing(approved, mentor, mentee)
    before = len(harness.sandbox.request_log)
    again = connector.write_pairing(approved, mentor, mentee)
    assert len(harness.sandbox.request_log) == before
    assert again.external_ids == first.external_ids
    assert not again.created


def test_ending_a_pairing_updates_its_rows_instead_of_adding_new_ones(harness: Harness) -> None:
    connector = harness.make()
    approved = pairing()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    connector.write_pairing(approved, mentor, mentee)
    ended = approved.model_copy(
        update={"status": PairingStatus.ENDED, "end_date": date(2027, 2, 1), "end_reason": "mentee left"}
    )
    connector.write_pairing(ended, mentor, mentee)
    for person in ("101", "105"):
        rows = harness.account.rows(person, "customMentorships")
        assert [(r["customStatus"], r["customEndDate"]) for r in rows] == [("Ended", "2027-02-01")]


def test_draft_pairings_are_refused_and_nothing_is_written(harness: Harness) -> None:
    connector = harness.make()
    mentor, mentee = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]
    with pytest.raises(InvalidRequest) as error:
        connector.write_pairing(pairing(status=PairingStatus.DRAFT), mentor, mentee)
    assert error.value.field == "status"
    assert not harness.sandbox.requests(method="POST")


def test_training_is_assigned_as_a_row_and_its_completion_recorded_as_training(harness: Harness) -> None:
    connector = harness.make()
    approved = pairing()
    item = assignment(approved)
    # When the assignment is written, then written again once completed
    connector.write_training(item, approved)
    rows = harness.account.rows("101", "customTrainingAssignments")
    assert [(r["customAssignmentId"], r["customStatus"], r["customDueDate"]) for r in rows] == [
        (item.assignment_id, "Assigned", "2026-12-15")
    ]
    done = item.model_copy(update={"completed_on": date(2026, 12, 10)})
    receipt = connector.write_training(done, approved)
    # Then the same row is marked completed and one training record exists
    rows = harness.account.rows("101", "customTrainingAssignments")
    assert [r["customStatus"] for r in rows] == ["Completed"]
    records = [r for r in harness.account.training_records.values() if str(r["employeeId"]) == "101"]
    assert [(r["completed"], item.assignment_id in (r.get("notes") or "")) for r in records] == [
        ("2026-12-10", True)
    ]
    assert any(e.startswith("training-record:101:") for e in receipt.external_ids)
    # ... and a repeat (fresh process, no ledger) adds no second record
    harness.make(with_ledger=False).write_training(done, approved)
    records = [r for r in harness.account.training_records.values() if str(r["employeeId"]) == "101"]
    assert len(records) == 1


def test_writing_to_an_employee_bamboohr_does_not_have_is_rejected_with_its_reason(harness: Harness) -> None:
    connector = harness.make()
    ghost = pairing(mentor_id="101", mentee_id="888888")
    mentor = by_id(WORKFORCE)["101"]
    mentee = mentor.model_copy(update={"employee_id": "888888"})
    with pytest.raises(HrisRejected) as error:
        connector.write_pairing(ghost, mentor, mentee)
    assert error.value.status_code == 404
    assert "888888" in str(error.value) or "not found" in str(error.value).lower()


def test_an_oauth_bearer_token_reads_like_an_api_key(harness: Harness) -> None:
    # Given an account that issued an OAuth token to the installation
    harness.account.oauth_tokens.add("oauth-token-1")
    connector = harness.make(api_key=None, oauth_token="oauth-token-1")
    # When an employee is read with it, Then BambooHR accepts the bearer token
    assert connector.read_employee("120") is not None
    assert [r.status for r in harness.sandbox.request_log] == [200, 200, 200]


def test_a_wrong_api_key_is_rejected_once_without_retrying(harness: Harness) -> None:
    connector = harness.make(api_key="not-the-key")
    with pytest.raises(HrisRejected) as error:
        list(connector.read_all())
    assert error.value.status_code == 401
    assert len(harness.sandbox.request_log) == 1


def test_reading_employees_from_datasets_gives_the_same_result_as_the_report(harness: Harness) -> None:
    from_report = [comparable(e) for e in harness.make().read_all()]
    connector = harness.make(employee_source="datasets")
    from_datasets = [comparable(e) for e in connector.read_all()]
    assert from_datasets == from_report
    assert harness.sandbox.requests(path_contains="/api/v2/datasets/employee/data")


def test_when_bamboohr_retires_the_custom_report_the_connector_falls_back_to_datasets(
    harness: Harness,
) -> None:
    # Given a fault-free read, then an account whose custom report is gone
    expected = [comparable(e) for e in harness.make().read_all()]
    harness.sandbox.faults.add(path=r"/reports/custom", status=410, times=100)
    connector = harness.make()
    # When a full sync and then an incremental one run
    employees = [comparable(e) for e in connector.read_all()]
    watermark = harness.sandbox.clock.now()
    harness.sandbox.clock.advance(timedelta(minutes=1))
    harness.account.update("130", department="Legal")
    changes = connector.read_changes(watermark)
    # Then both succeed through Datasets, and the report is not asked again after the first refusal
    assert employees == expected
    assert [e.department for e in changes.employees] == ["Legal"]
    assert len([r for r in harness.sandbox.requests(path_contains="/reports/custom") if r.fault]) == 1


def test_mentee_goals_when_enabled_are_read_alike_on_every_path(harness: Harness) -> None:
    # Given an installation that asks for mentees' performance goals
    connector = harness.make(read_mentee_goals=True)
    # When a full sync runs and one mentee is re-read alone
    employees = by_id(list(connector.read_all()))
    with_goals = [e for e in employees.values() if e.goals]
    assert with_goals, "the sandbox seeds goals for some mentees"
    sample = with_goals[0]
    again = connector.read_employee(sample.employee_id)
    # Then only active mentee opt-ins carry goals, and both reads agree (no spurious change event)
    assert all(e.is_active and e.mentee_opt_in for e in with_goals)
    assert again is not None
    assert again.content_fingerprint() == sample.content_fingerprint()
    goal_reads = harness.sandbox.requests(path_contains="/goals")
    mentees = [e for e in employees.values() if e.is_active and e.mentee_opt_in]
    assert len(goal_reads) == len(mentees) + 1
