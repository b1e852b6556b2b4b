"""Mapping BambooHR values and custom-table rows onto canonical employees, and the mapping checks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from connectors.bamboohr.discovery import (
    list_option_problems,
    mapping_problems,
    propose_mapping,
    validate_mapping,
)
from connectors.bamboohr.records import employee_fields, safe_employee, skills_from_rows, to_employee
from connectors.bamboohr.settings import BambooHRFieldMapping, BambooHRSettings
from connectors.factory import connector_from_secret
from mentorship.errors import InvalidRequest, MappingError
from mentorship.models import EmploymentStatus

MAPPING = BambooHRFieldMapping()

RECORD = {
    "id": "123",
    "firstName": "Dana",
    "lastName": "Rivera",
    "preferredName": "",
    "workEmail": "dana@example.com",
    "status": "Active",
    "hireDate": "2020-02-01",
    "terminationDate": "0000-00-00",
    "jobTitle": "Marketing L3",
    "department": "Marketing",
    "division": None,
    "location": "Berlin",
    "lastChanged": "2026-11-01T00:00:00+00:00",
    "reportsToId": "100",
    "customJobLevel": "3",
    "customMentorOptIn": "yes",
    "customMenteeOptIn": "no",
    "customMentorCapacity": "2",
    "customTimeZone": "Europe/Berlin",
    "customLanguages": "en, de",
}


def test_a_report_record_with_its_skill_rows_becomes_a_canonical_employee() -> None:
    coach = [
        {"id": "9", "employeeId": "123", "customSkill": "SQL", "customProficiency": "4"},
        {"id": "3", "employeeId": "123", "customSkill": "Short-video strategy", "customProficiency": "5"},
    ]
    learn = [{"id": "5", "employeeId": "123", "customSkill": "Public speaking", "customPriority": "2"}]
    employee = to_employee(RECORD, mapping=MAPPING, coach_rows=coach, learn_rows=learn)
    assert employee.employee_id == "123"
    assert employee.display_name == "Dana Rivera"
    assert employee.status is EmploymentStatus.ACTIVE
    assert employee.hire_date == date(2020, 2, 1)
    assert employee.termination_date is None
    assert (employee.level, employee.manager_id, employee.time_zone) == (3, "100", "Europe/Berlin")
    assert employee.languages == ("en", "de")
    assert (employee.mentor_opt_in, employee.mentee_opt_in, employee.mentor_capacity) == (True, False, 2)
    # skills in row-id order, names exactly as BambooHR has them
    assert [(s.name, s.proficiency) for s in employee.coach_skills] == [
        ("Short-video strategy", 5),
        ("SQL", 4),
    ]
    assert [(s.name, s.priority) for s in employee.learn_skills] == [("Public speaking", 2)]
    assert employee.source_updated_at == datetime(2026, 11, 1, tzinfo=UTC)


def test_a_leaver_reads_as_inactive_with_termination_date() -> None:
    leaver = {**RECORD, "status": "Inactive", "terminationDate": "2026-10-31"}
    employee = to_employee(leaver, mapping=MAPPING)
    assert employee.status is EmploymentStatus.INACTIVE
    assert employee.termination_date == date(2026, 10, 31)


def test_unreadable_values_are_dropped_not_fatal() -> None:
    odd = {**RECORD, "customJobLevel": "senior", "customMentorCapacity": "lots", "reportsToId": "Smith, J"}
    employee = to_employee(odd, mapping=MAPPING)
    assert (employee.level, employee.mentor_capacity, employee.manager_id) == (None, 0, None)


def test_reading_the_same_rows_in_another_order_gives_the_same_fingerprint() -> None:
    rows = [
        {"id": "2", "customSkill": "SQL", "customProficiency": "3"},
        {"id": "10", "customSkill": "Python", "customProficiency": "5"},
    ]
    first = to_employee(RECORD, mapping=MAPPING, coach_rows=rows)
    second = to_employee(RECORD, mapping=MAPPING, coach_rows=list(reversed(rows)))
    assert first.content_fingerprint() == second.content_fingerprint()


def test_skill_rows_keep_names_merge_exact_repeats_and_default_missing_weights() -> None:
    rows = [
        {"id": "1", "customSkill": " Python ", "customProficiency": "2"},
        {"id": "2", "customSkill": "Python", "customProficiency": "4"},
        {"id": "3", "customSkill": "python", "customProficiency": None},
        {"id": "4", "customSkill": "", "customProficiency": "5"},
        {"id": "5", "customSkill": "SQL", "customProficiency": "9"},
    ]
    assert skills_from_rows("1", rows, MAPPING.coach_skills) == [("Python", 4), ("python", 3), ("SQL", 3)]


def test_an_unusable_record_is_skipped_with_none() -> None:
    assert safe_employee({**RECORD, "id": "x" * 80}, mapping=MAPPING) is None


def test_reads_ask_only_for_the_fields_the_product_needs() -> None:
    fields = employee_fields(MAPPING)
    assert "customJobLevel" in fields
    assert "reportsToId" in fields
    assert not {"ssn", "dateOfBirth", "homePhone", "gender"} & set(fields)


META_FIELDS = [
    {"id": 1, "name": "First Name", "type": "text", "alias": "firstName"},
    {"id": 4058, "name": "Reports To ID", "type": "int", "alias": "reportsToId"},
    {"id": 4501, "name": "Job Level", "type": "int", "alias": "customJobLevel"},
    {"id": 4502, "name": "Mentor Opt-in", "type": "checkbox", "alias": "customMentorOptIn"},
    {"id": 4503, "name": "Mentee Opt-in", "type": "checkbox", "alias": "customMenteeOptIn"},
    {"id": 4504, "name": "Mentor Capacity", "type": "int", "alias": "customMentorCapacity"},
    {"id": 4505, "name": "Time Zone", "type": "text", "alias": "customTimeZone"},
    {"id": 4506, "name": "Languages", "type": "text", "alias": "customLanguages"},
]


def _table(alias: str, *columns: str) -> dict[str, object]:
    return {
        "alias": alias,
        "fields": [{"id": i, "name": c, "alias": c, "type": "text"} for i, c in enumerate(columns)],
    }


META_TABLES = [
    _table("jobInfo", "date", "reportsTo"),
    _table("customCoachingSkills", "customSkill", "customProficiency"),
    _table("customLearningGoals", "customSkill", "customPriority"),
    _table(
        "customMentorships",
        "customProgram",
        "customRole",
        "customPartnerId",
        "customPairingId",
        "customStartDate",
        "customEndDate",
        "customStatus",
        "customNotes",
    ),
    _table(
        "customTrainingAssignments",
        "customAssignmentId",
        "customPairingId",
        "customItem",
        "customTitle",
        "customDueDate",
        "customStatus",
        "customLink",
    ),
]


def test_default_mapping_fits_an_account_that_has_every_alias() -> None:
    validate_mapping(MAPPING, META_FIELDS, META_TABLES)
    assert mapping_problems(MAPPING, META_FIELDS, META_TABLES) == []


def test_mapping_naming_missing_fields_tables_and_columns_fails_naming_each() -> None:
    mapping = BambooHRFieldMapping.model_validate(
        {
            "job_level": "customGrade",
            "learn_skills": {"table": "customWishes", "weight": "customPriority"},
            "coach_skills": {"table": "customCoachingSkills", "weight": "customRating"},
        }
    )
    with pytest.raises(MappingError) as error:
        validate_mapping(mapping, META_FIELDS, META_TABLES)
    message = str(error.value)
    assert "field `customGrade` (mapping.job_level)" in message
    assert "table `customWishes` (mapping.learn_skills.table)" in message
    assert "column `customRating` of table `customCoachingSkills`" in message


def test_discovery_proposes_the_aliases_of_a_typical_account() -> None:
    proposal = propose_mapping(META_FIELDS, META_TABLES, [])
    mapping = BambooHRFieldMapping.model_validate(proposal.mapping)
    assert mapping == BambooHRFieldMapping()
    assert proposal.unresolved == []


def test_discovery_reports_what_it_cannot_find() -> None:
    proposal = propose_mapping(META_FIELDS[:2], META_TABLES[:1], [])
    assert "mapping.job_level" in proposal.unresolved
    assert "mapping.mentorships" in proposal.unresolved


def test_list_columns_missing_write_back_options_are_reported() -> None:
    lists = [{"fieldId": 4627, "alias": "customStatus", "options": [{"id": 1, "name": "Active"}]}]
    assert list_option_problems(MAPPING, lists) == [
        "list field `customStatus` lacks the option(s) Ended",
        "list field `customStatus` lacks the option(s) Assigned, Completed",
    ]


def test_settings_need_exactly_one_credential() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        BambooHRSettings(company_domain="acme")
    with pytest.raises(ValidationError, match="exactly one"):
        BambooHRSettings.model_validate({"company_domain": "acme", "api_key": "k", "oauth_token": "t"})
    settings = BambooHRSettings.model_validate({"company_domain": "acme", "oauth_token": "tok-secret-1"})
    assert settings.resolved_base_url == "https://acme.bamboohr.com"
    assert "tok-secret-1" not in repr(settings)


def test_factory_names_the_bad_field_of_the_secret() -> None:
    with pytest.raises(InvalidRequest) as error:
        connector_from_secret({"company_domain": "acme", "api_key": "k", "mapping": {"job_level": 5}})
    assert error.value.field == "mapping.job_level"
    with pytest.raises(InvalidRequest) as unsupported:
        connector_from_secret({"provider": "sap", "company_domain": "acme"})
    assert unsupported.value.field == "provider"


def test_base_url_must_be_https_except_for_this_machine() -> None:
    with pytest.raises(ValidationError, match="https"):
        BambooHRSettings(company_domain="acme", api_key="k", base_url="http://acme.bamboohr.com")
    local = BambooHRSettings(company_domain="acme", api_key="k", base_url="http://127.0.0.1:8123/")
    assert local.resolved_base_url == "http://127.0.0.1:8123"
