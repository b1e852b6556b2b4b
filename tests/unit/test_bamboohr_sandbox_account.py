"""The sandbox account, fault plan, rate limiter and filter language, without HTTP."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from mentorship.models import CoachableSkill, Employee, LearningWish
from sandbox.bamboohr import FaultPlan, RateLimiter, SandboxAccount
from sandbox.bamboohr.contract import spec_dict
from sandbox.bamboohr.errors import ApiError
from sandbox.bamboohr.odata import FilterError, parse_filter
from sandbox.bamboohr.webhooks import sign
from sandbox.workforce import WorkforceSpec, generate_workforce

WORKFORCE = generate_workforce(WorkforceSpec(employees=50, seed=9))
EVENTS = Path(__file__).resolve().parents[2] / "events" / "bamboohr"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def account() -> SandboxAccount:
    created = SandboxAccount.from_workforce(WORKFORCE)
    created.clock.set(NOW)
    return created


def test_job_facts_live_in_job_info_rows_and_the_view_derives_them(account: SandboxAccount) -> None:
    person = WORKFORCE[7]
    rows = account.rows(person.employee_id, "jobInfo")
    assert [(r["department"], r["reportsTo"]) for r in rows] == [(person.department, person.manager_id)]
    view = account.view(person.employee_id)
    assert (view["department"], view["supervisorEId"], view["jobTitle"]) == (
        person.department,
        person.manager_id,
        person.job_title,
    )


def test_leavers_carry_a_terminated_status_row_and_are_inactive() -> None:
    spec = WorkforceSpec(employees=400, seed=2)
    leaver = next(p for p in generate_workforce(spec) if not p.is_active)
    account = SandboxAccount.from_workforce(generate_workforce(spec))
    view = account.view(leaver.employee_id)
    assert (view["status"], view["employmentHistoryStatus"]) == ("Inactive", "Terminated")
    assert view["terminationDate"] == leaver.termination_date.isoformat()  # type: ignore[union-attr]


def test_a_future_dated_job_change_takes_effect_only_on_its_date(account: SandboxAccount) -> None:
    # Given a transfer to Legal dated next week
    account.add_row("110", "jobInfo", {"date": "2026-12-08", "department": "Legal", "jobTitle": "Legal L2"})
    # Then today's view is unchanged, the future view shows it, and a week later it is current
    assert account.view("110")["department"] == WORKFORCE[10].department
    assert account.view("110", only_current=False)["department"] == "Legal"
    account.clock.advance(timedelta(days=7))
    assert account.view("110")["department"] == "Legal"


def test_every_write_bumps_last_changed(account: SandboxAccount) -> None:
    account.update("111", customJobLevel=4)
    account.clock.advance(timedelta(seconds=30))
    account.add_row("112", "customLearningGoals", {"customSkill": "SQL", "customPriority": 5})
    assert account.last_changed("111") == NOW
    assert account.last_changed("112") == NOW + timedelta(seconds=30)
    assert account.last_changed("113") < NOW


def test_hire_stores_fields_job_rows_and_skill_tables(account: SandboxAccount) -> None:
    new_hire = Employee(
        employee_id="ignored",
        display_name="Noor Haddad",
        work_email="noor.haddad@example.com",
        hire_date=date(2026, 12, 14),
        job_title="Design L1",
        level=1,
        manager_id="101",
        department="Design",
        location="Lisbon",
        time_zone="Europe/Lisbon",
        coach_skills=(CoachableSkill(name="Short-video strategy", proficiency=5),),
        learn_skills=(LearningWish(name="Budgeting", priority=4),),
        mentee_opt_in=True,
    )
    new_id = account.hire(new_hire)
    view = account.view(new_id)
    assert new_id == str(100 + len(WORKFORCE))
    assert (view["department"], view["supervisorEId"], view["customMenteeOptIn"], view["hireDate"]) == (
        "Design",
        "101",
        "yes",
        "2026-12-14",
    )
    assert [r["customSkill"] for r in account.rows(new_id, "customCoachingSkills")] == [
        "Short-video strategy"
    ]
    assert account.created(new_id) == NOW


def test_terminate_and_delete(account: SandboxAccount) -> None:
    account.terminate("120", date(2026, 11, 30))
    assert account.view("120")["status"] == "Inactive"
    account.delete("121")
    assert not account.exists("121")
    assert "121" not in account.employees
    assert account.employees["120"]["terminationDate"] == "2026-11-30"
    assert account.deleted() == {"121": NOW}


@pytest.mark.parametrize(
    ("table", "row", "field"),
    [
        ("customCoachingSkills", {"customSkill": "SQL", "customProficiency": 6}, "customProficiency"),
        ("customLearningGoals", {"customSkill": "SQL", "customPriority": "high"}, "customPriority"),
        ("customMentorships", {"customStartDate": "2027-13-01"}, "customStartDate"),
        ("customTrainingAssignments", {"customStatus": "Started"}, "customStatus"),
        ("jobInfo", {"date": "2026-12-01", "reportsTo": "99999"}, "reportsTo"),
        ("jobInfo", {"date": "2026-12-01", "department": "Astrology"}, "department"),
    ],
)
def test_invalid_row_values_are_refused_naming_the_field(
    account: SandboxAccount, table: str, row: dict[str, object], field: str
) -> None:
    before = len(account.rows("115", table))
    with pytest.raises(ApiError) as refused:
        account.add_row("115", table, row)
    assert refused.value.status == 406
    assert field in refused.value.message
    assert len(account.rows("115", table)) == before


def test_historical_rows_need_a_date(account: SandboxAccount) -> None:
    with pytest.raises(ApiError) as refused:
        account.add_row("115", "jobInfo", {"department": "Sales"})
    assert (refused.value.status, "date" in refused.value.message) == (400, True)


def test_duplicate_work_email_is_a_conflict(account: SandboxAccount) -> None:
    taken = account.view("102")["workEmail"]
    with pytest.raises(ApiError) as refused:
        account.update_employee("103", {"workEmail": taken})
    assert refused.value.status == 409
    assert account.view("103")["workEmail"] != taken


def test_checkbox_values_follow_bamboohr_rules(account: SandboxAccount) -> None:
    # "yes" and "checkbox" check the box; anything else, even "true", unchecks it
    account.update_employee("104", {"customMentorOptIn": "Checkbox"})
    assert account.view("104")["customMentorOptIn"] == "yes"
    account.update_employee("104", {"customMentorOptIn": "true"})
    assert account.view("104")["customMentorOptIn"] == "no"


def test_admin_edits_add_new_list_options_but_api_edits_do_not(account: SandboxAccount) -> None:
    with pytest.raises(ApiError):
        account.update_employee("105", {"location": "Nairobi"})
    account.update("105", location="Nairobi")
    assert account.view("105")["location"] == "Nairobi"
    assert "Nairobi" in account.list_options["location"]


# ------------------------------------------------------------------------------------- faults and rate limit


def test_fault_plan_fires_matching_faults_the_given_number_of_times() -> None:
    plan = FaultPlan()
    plan.add(path=r"/tables/", method="POST", status=503, times=2)
    assert plan.take("GET", "/api/v1/employees/1/tables/jobInfo") is None
    assert plan.take("POST", "/api/v1/employees/1/tables/jobInfo") is not None
    assert plan.take("POST", "/api/v1/employees/1/tables/jobInfo") is not None
    assert plan.take("POST", "/api/v1/employees/1/tables/jobInfo") is None
    assert plan.pending == 0


def test_fault_plan_refuses_meaningless_faults() -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError, match="needs a status"):
        plan.add(path="/x")
    with pytest.raises(ValueError, match="choose one"):
        plan.add(path="/x", truncate=True, non_json=True)


def test_rate_limiter_allows_the_burst_then_asks_to_wait() -> None:
    limiter = RateLimiter(requests_per_second=2, burst=2)
    assert [limiter.acquire(), limiter.acquire()] == [None, None]
    assert limiter.acquire() == 1
    time.sleep(0.55)
    assert limiter.acquire() is None
    assert RateLimiter().acquire() is None


# ---------------------------------------------------------------------------------- datasets filter language


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("status eq 'Active'", ["1", "3"]),
        ("customJobLevel ge 5", ["2", "3"]),
        ("status eq 'Active' and customJobLevel gt 4", ["3"]),
        ("department in ('Sales','Legal') or customJobLevel lt 2", ["1", "2"]),
        ("(department eq 'Sales' or department eq 'Legal') and status ne 'Active'", ["2"]),
        ("lastName eq 'O''Brien'", ["3"]),
        ("division eq null", ["1", "2", "3"]),
    ],
)
def test_filter_expressions_select_the_right_records(expression: str, expected: list[str]) -> None:
    records = [
        {
            "id": "1",
            "status": "Active",
            "department": "Sales",
            "customJobLevel": "1",
            "lastName": "Tan",
            "division": None,
        },
        {
            "id": "2",
            "status": "Inactive",
            "department": "Legal",
            "customJobLevel": "10",
            "lastName": "Berg",
            "division": None,
        },
        {
            "id": "3",
            "status": "Active",
            "department": "People",
            "customJobLevel": "7",
            "lastName": "O'Brien",
            "division": None,
        },
    ]
    predicate = parse_filter(expression, {"status", "department", "customJobLevel", "lastName", "division"})
    assert [r["id"] for r in records if predicate(r)] == expected


@pytest.mark.parametrize(
    "expression", ["status eq", "shoe eq 1", "status like 'A'", "status eq 'Active' and", "(status eq 'A'"]
)
def test_malformed_filters_are_refused(expression: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(expression, {"status"})


# ------------------------------------------------------------------------------------- webhook fixtures


@pytest.mark.parametrize(
    ("fixture", "schema"),
    [
        ("employee_created.json", "EmployeeCreatedWebhookPayload"),
        ("employee_updated.json", "EmployeeUpdatedWebhookPayload"),
        ("employee_deleted.json", "EmployeeDeletedWebhookPayload"),
    ],
)
def test_event_fixtures_match_bamboohrs_webhook_payload_schemas(fixture: str, schema: str) -> None:
    payload = json.loads((EVENTS / fixture).read_text())
    jsonschema.Draft202012Validator(spec_dict()["components"]["schemas"][schema]).validate(payload)
    assert payload["data"]["companyId"] == "4242"


def test_signature_matches_the_published_fusebit_test_vector() -> None:
    body = (
        b'{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},'
        b'"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}'
    )
    expected = "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac"
    assert sign("123b929362d51613054f71e5e5d4bf2c", body, "1658248023") == expected
