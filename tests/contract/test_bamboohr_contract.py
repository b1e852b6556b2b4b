"""Every sandbox operation, exercised over HTTP with each request and response validated against
BambooHR's OpenAPI description (the client's event hooks raise ContractViolation on any mismatch)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
from sandbox.bamboohr.contract import ContractViolation, validate_request, validate_response
from sandbox.workforce import WorkforceSpec, generate_workforce

pytestmark = pytest.mark.integration
WORKFORCE = generate_workforce(WorkforceSpec(employees=120, seed=11))
LEAVER = next(person.employee_id for person in WORKFORCE if not person.is_active)
MANAGER_OF_101 = next(person.manager_id for person in WORKFORCE if person.employee_id == "101")


@pytest.fixture
def sandbox() -> Iterator[BambooHRSandbox]:
    account = SandboxAccount.from_workforce(WORKFORCE, oauth_tokens=["other-app-token"])
    with BambooHRSandbox(account) as running:
        yield running


@pytest.fixture
def api(sandbox: BambooHRSandbox) -> Iterator[httpx.Client]:
    with sandbox.client(validate_contract=True) as client:
        yield client


@pytest.fixture
def unchecked(sandbox: BambooHRSandbox) -> Iterator[httpx.Client]:
    """For requests the spec itself forbids: only the response is checked (by `answer`)."""
    with sandbox.client() as client:
        yield client


def answer(response: httpx.Response) -> httpx.Response:
    """Validate the sandbox's answer to a request the spec does not allow."""
    request = response.request
    validate_response(
        request.method, str(request.url), response.status_code, dict(response.headers), response.content
    )
    return response


def error_message(response: httpx.Response) -> str:
    return response.headers.get("X-BambooHR-Error-Messsage", "")


# ------------------------------------------------------------------------------------- employees


def test_directory_lists_only_active_employees_with_its_fieldset(api: httpx.Client) -> None:
    # When the directory is read
    response = api.get("/api/v1/employees/directory")
    # Then it lists active employees only, with the fields it declares
    assert response.status_code == 200
    body = response.json()
    ids = {entry["id"] for entry in body["employees"]}
    assert LEAVER not in ids
    assert len(ids) == sum(1 for person in WORKFORCE if person.is_active)
    assert "displayName" in {field["id"] for field in body["fields"]}


def test_get_employee_returns_requested_fields_and_id_and_omits_unknown_ones(api: httpx.Client) -> None:
    # When an employee is read with standard, custom, supervisor and unknown fields
    fields = "firstName,jobTitle,department,supervisorEId,customJobLevel,customMentorOptIn,notAField"
    response = api.get("/api/v1/employees/101", params={"fields": fields})
    # Then the known fields come back as strings, the unknown one is left out, and id is always there
    assert response.status_code == 200
    body = response.json()
    person = next(p for p in WORKFORCE if p.employee_id == "101")
    assert body["id"] == "101"
    assert body["customJobLevel"] == str(person.level)
    assert body["customMentorOptIn"] == ("yes" if person.mentor_opt_in else "no")
    assert body["supervisorEId"] == MANAGER_OF_101
    assert "notAField" not in body


def test_get_employee_refuses_more_than_400_fields_and_unknown_ids(api: httpx.Client) -> None:
    too_many = ",".join(["firstName"] * 401)
    assert api.get("/api/v1/employees/101", params={"fields": too_many}).status_code == 400
    missing = api.get("/api/v1/employees/99999")
    assert missing.status_code == 404
    assert "99999" in error_message(missing)


def test_update_employee_changes_only_given_fields_and_names_a_bad_one(api: httpx.Client) -> None:
    # When a custom field and the department are updated
    ok = api.post("/api/v1/employees/101", json={"customJobLevel": 6, "department": "Legal"})
    # Then both changed
    assert ok.status_code == 200
    after = api.get("/api/v1/employees/101", params={"fields": "customJobLevel,department,firstName"}).json()
    assert (after["customJobLevel"], after["department"]) == ("6", "Legal")
    # And an invalid list value is refused with 409, naming the field, changing nothing
    refused = api.post("/api/v1/employees/101", json={"department": "Astrology", "customJobLevel": 2})
    assert refused.status_code == 409
    assert "department" in error_message(refused)
    assert (
        api.get("/api/v1/employees/101", params={"fields": "customJobLevel"}).json()["customJobLevel"] == "6"
    )
    # And an unknown field is a 400 naming it
    unknown = api.post("/api/v1/employees/101", json={"shoeSize": "44"})
    assert (unknown.status_code, "shoeSize" in error_message(unknown)) == (400, True)


def test_add_employee_answers_201_with_the_location_of_the_new_record(
    api: httpx.Client, unchecked: httpx.Client
) -> None:
    response = api.post(
        "/api/v1/employees", json={"firstName": "Ada", "lastName": "Lovelace", "hireDate": "2026-12-01"}
    )
    assert response.status_code == 201
    location = response.headers["Location"]
    new_id = location.rsplit("/", 1)[-1]
    assert api.get(f"/api/v1/employees/{new_id}").json() == {
        "id": new_id,
        "firstName": "Ada",
        "lastName": "Lovelace",
    }
    assert answer(unchecked.post("/api/v1/employees", json={"firstName": "Only"})).status_code == 400


def test_changed_since_reports_inserted_updated_and_filters_by_type(
    sandbox: BambooHRSandbox, api: httpx.Client, unchecked: httpx.Client
) -> None:
    # Given a watermark after the seed data, then one update and one hire
    watermark = sandbox.clock.now()
    assert api.post("/api/v1/employees/102", json={"customMentorCapacity": 3}).status_code == 200
    created = api.post("/api/v1/employees", json={"firstName": "New", "lastName": "Hire"})
    new_id = created.headers["Location"].rsplit("/", 1)[-1]
    # When the changes since the watermark are read
    body = api.get("/api/v1/employees/changed", params={"since": watermark.isoformat()}).json()
    # Then exactly those two come back with their actions
    assert {key: entry["action"] for key, entry in body["employees"].items()} == {
        "102": "Updated",
        new_id: "Inserted",
    }
    inserted = api.get(
        "/api/v1/employees/changed", params={"since": watermark.isoformat(), "type": "inserted"}
    ).json()
    assert set(inserted["employees"]) == {new_id}
    assert answer(unchecked.get("/api/v1/employees/changed")).status_code == 400


def test_changed_table_rows_come_with_all_rows_of_each_changed_employee(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    watermark = sandbox.clock.now()
    row = {"customSkill": "Podcast production", "customProficiency": 4}
    assert api.post("/api/v1/employees/103/tables/customCoachingSkills", json=row).status_code == 200
    body = api.get(
        "/api/v1/employees/changed/tables/customCoachingSkills", params={"since": watermark.isoformat()}
    ).json()
    assert body["table"] == "customCoachingSkills"
    assert set(body["employees"]) == {"103"}
    skills = [r["customSkill"] for r in body["employees"]["103"]["rows"]]
    person = next(p for p in WORKFORCE if p.employee_id == "103")
    assert sorted(skills) == sorted([s.name for s in person.coach_skills] + ["Podcast production"])


def test_employee_list_pages_by_cursor_and_filters(sandbox: BambooHRSandbox) -> None:
    # Given an OAuth client (the spec lists only OAuth for this operation)
    bearer = {"Authorization": "Bearer other-app-token"}
    with sandbox.client(validate_contract=True, auth=None, headers=bearer) as oauth:
        # When the list is paged 50 at a time
        seen, params = [], {"page[limit]": "50"}
        while True:
            page = oauth.get("/api/v1/employees", params=params).json()
            seen += [record["employeeId"] for record in page["data"]]
            if not page["meta"]["page"]["nextCursor"]:
                break
            params = {"page[limit]": "50", "page[after]": page["meta"]["page"]["nextCursor"]}
        # Then every employee arrives once, in id order
        assert seen == sorted((p.employee_id for p in WORKFORCE), key=int)
        # And filters and extra fields work
        leavers = oauth.get(
            "/api/v1/employees", params={"filter[status]": "inactive", "fields": "reportsToId"}
        ).json()
        assert [r["employeeId"] for r in leavers["data"]] == [
            p.employee_id for p in WORKFORCE if not p.is_active
        ]
        assert "reportsToId" in leavers["data"][0]
        bad_cursor = oauth.get("/api/v1/employees", params={"page[after]": "99999"})
        assert (bad_cursor.status_code, bad_cursor.json()["error"]["code"]) == (400, "BadPage")
    with sandbox.client() as api_key:
        assert api_key.get("/api/v1/employees").status_code == 401


# ------------------------------------------------------------------------------------- tables


def test_table_rows_for_one_employee_and_for_all(api: httpx.Client) -> None:
    one = api.get("/api/v1/employees/101/tables/jobInfo").json()
    assert [row["reportsTo"] for row in one] == [MANAGER_OF_101]
    everyone = api.get("/api/v1/employees/all/tables/customLearningGoals").json()
    expected = sum(len(person.learn_skills) for person in WORKFORCE)
    assert len(everyone) == expected
    assert api.get("/api/v1/employees/101/tables/customNoSuchTable").status_code == 404


@pytest.mark.parametrize("version", ["v1", "v1_1"])
def test_add_update_and_delete_a_mentorship_row(api: httpx.Client, version: str) -> None:
    # Given a mentorship row written back for a pairing
    row = {
        "customProgram": "reverse-2027",
        "customRole": "Mentor",
        "customPartnerId": "102",
        "customPairingId": "p-1",
        "customStartDate": "2027-01-04",
        "customStatus": "Active",
    }
    assert api.post(f"/api/{version}/employees/101/tables/customMentorships", json=row).status_code == 200
    stored = api.get("/api/v1/employees/101/tables/customMentorships").json()
    assert [r["customPairingId"] for r in stored] == ["p-1"]
    row_id = stored[0]["id"]
    # When it is ended
    ended = {"customStatus": "Ended", "customEndDate": "2027-06-30"}
    assert (
        api.post(f"/api/{version}/employees/101/tables/customMentorships/{row_id}", json=ended).status_code
        == 200
    )
    # Then the row shows it, and deleting it empties the table
    assert api.get("/api/v1/employees/101/tables/customMentorships").json()[0]["customStatus"] == "Ended"
    deleted = api.delete(f"/api/v1/employees/101/tables/customMentorships/{row_id}")
    assert deleted.json() == {"success": True}
    assert api.get("/api/v1/employees/101/tables/customMentorships").json() == []
    again = api.delete(f"/api/v1/employees/101/tables/customMentorships/{row_id}")
    assert again.json()["success"] is False


def test_invalid_row_values_are_406_naming_the_field_and_store_nothing(api: httpx.Client) -> None:
    bad_role = api.post("/api/v1_1/employees/101/tables/customMentorships", json={"customRole": "Boss"})
    bad_level = api.post(
        "/api/v1_1/employees/101/tables/customCoachingSkills",
        json={"customSkill": "SQL", "customProficiency": 9},
    )
    unknown = api.post("/api/v1_1/employees/101/tables/customMentorships", json={"customColour": "red"})
    assert [r.status_code for r in (bad_role, bad_level, unknown)] == [406, 406, 406]
    assert "customRole" in error_message(bad_role)
    assert "customProficiency" in error_message(bad_level)
    assert "customColour" in error_message(unknown)
    assert api.get("/api/v1/employees/101/tables/customMentorships").json() == []


# ------------------------------------------------------------------------------------- reports


def test_custom_report_returns_every_employee_including_leavers(api: httpx.Client) -> None:
    request = {
        "title": "sync",
        "fields": ["firstName", "status", "customJobLevel", "terminationDate", "nope"],
    }
    response = api.post("/api/v1/reports/custom", params={"format": "json"}, json=request)
    assert response.status_code == 200
    body = response.json()
    assert len(body["employees"]) == len(WORKFORCE)
    leaver = next(entry for entry in body["employees"] if entry["id"] == LEAVER)
    assert leaver["status"] == "Inactive"
    assert leaver["terminationDate"]
    assert [field["id"] for field in body["fields"]] == [
        "firstName",
        "status",
        "customJobLevel",
        "terminationDate",
    ]


def test_custom_report_filters_by_ids_and_last_changed(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    watermark = sandbox.clock.now()
    api.post("/api/v1/employees/104", json={"customTimeZone": "Europe/Lisbon"})
    by_change = {"fields": ["customTimeZone"], "filters": {"lastChanged": {"value": watermark.isoformat()}}}
    changed = api.post("/api/v1/reports/custom", params={"format": "json"}, json=by_change).json()
    assert changed["employees"] == [{"id": "104", "customTimeZone": "Europe/Lisbon"}]
    by_ids = {"fields": ["firstName"], "filters": {"employeeIds": [105, 106]}}
    assert [
        e["id"]
        for e in api.post("/api/v1/reports/custom", params={"format": "json"}, json=by_ids).json()[
            "employees"
        ]
    ] == ["105", "106"]


def test_custom_report_content_type_and_accept_rules(sandbox: BambooHRSandbox) -> None:
    body = json.dumps({"fields": ["firstName"]}).encode()
    with sandbox.client(accept_json=False) as raw:
        # Content-Type with a charset is not "exactly application/json": the body is read as XML
        variant = raw.post(
            "/api/v1/reports/custom?format=json",
            content=body,
            headers={"Content-Type": "application/json; charset=UTF-8"},
        )
        # No format and Accept */* is a 404
        star = raw.post(
            "/api/v1/reports/custom",
            content=body,
            headers={"Content-Type": "application/json", "Accept": "*/*"},
        )
        # An XML report request works
        xml_request = b'<report><title>t</title><fields><field id="firstName"/></fields></report>'
        as_xml = raw.post(
            "/api/v1/reports/custom?format=xml", content=xml_request, headers={"Content-Type": "text/xml"}
        )
    assert variant.status_code == 400
    assert star.status_code == 404
    assert as_xml.status_code == 200
    validate_response("POST", "/api/v1/reports/custom", 200, dict(as_xml.headers), as_xml.content)
    assert as_xml.content.count(b"<employee ") == len(WORKFORCE)


def test_datasets_list_fields_and_paged_filtered_data(api: httpx.Client) -> None:
    assert api.get("/api/v1_2/datasets").json() == {"datasets": [{"name": "employee", "label": "Employee"}]}
    fields = api.get("/api/v1_2/datasets/employee/fields").json()
    assert {"employeeId", "customJobLevel"} <= {field["name"] for field in fields["fields"]}
    query = {
        "fields": ["employeeId", "department"],
        "filter": "status eq 'Active' and department in ('Sales','Legal')",
        "orderBy": "employeeId desc",
        "pageSize": 5,
    }
    first = api.post("/api/v2/datasets/employee/data", json=query).json()
    expected = sorted(
        (p.employee_id for p in WORKFORCE if p.is_active and p.department in ("Sales", "Legal")),
        key=int,
        reverse=True,
    )
    assert first["meta"]["totalItems"] == len(expected)
    assert [row["fields"]["employeeId"] for row in first["data"]] == expected[:5]
    assert first["links"]["next"]
    second = api.post("/api/v2/datasets/employee/data", json={**query, "page": 2}).json()
    assert [row["fields"]["employeeId"] for row in second["data"]] == expected[5:10]


def test_datasets_errors_are_problem_documents(api: httpx.Client) -> None:
    assert api.post("/api/v2/datasets/payroll/data", json={"fields": ["x"]}).status_code == 404
    bad_filter = api.post(
        "/api/v2/datasets/employee/data", json={"fields": ["employeeId"], "filter": "shoe eq 1"}
    )
    assert bad_filter.status_code == 422
    assert "shoe" in bad_filter.json()["detail"]
    assert api.get("/api/v1_2/datasets/payroll/fields").status_code == 422


# ------------------------------------------------------------------------------------- metadata


def test_meta_fields_tables_and_lists_publish_the_mentoring_aliases(api: httpx.Client) -> None:
    fields = {entry["alias"] for entry in api.get("/api/v1/meta/fields").json()}
    assert {
        "customJobLevel",
        "customMentorOptIn",
        "customMenteeOptIn",
        "customMentorCapacity",
        "customTimeZone",
        "customLanguages",
    } <= fields
    tables = {
        entry["alias"]: {f["alias"] for f in entry["fields"]}
        for entry in api.get("/api/v1/meta/tables").json()
    }
    assert tables["customMentorships"] >= {"customRole", "customPartnerId", "customPairingId", "customStatus"}
    assert tables["customTrainingAssignments"] >= {"customAssignmentId", "customDueDate", "customLink"}
    lists = {
        entry["alias"]: [o["name"] for o in entry["options"]]
        for entry in api.get("/api/v1/meta/lists").json()
    }
    assert lists["customRole"] == ["Mentor", "Mentee"]
    assert set(lists["department"]) == {p.department for p in WORKFORCE}


# ------------------------------------------------------------------------------------- goals


def test_goals_lifecycle_create_share_update_and_progress(api: httpx.Client) -> None:
    # Given an action plan goal for mentee 101 shared with mentor 102, with two milestones
    plan = {
        "title": "Mentoring action plan",
        "dueDate": "2027-03-31",
        "sharedWithEmployeeIds": [101, 102],
        "milestones": [{"title": "First meeting"}, {"title": "Midpoint review"}],
    }
    created = api.post("/api/v1/performance/employees/101/goals", json=plan)
    assert created.status_code == 201
    goal = created.json()["goal"]
    goal_id = goal["id"]
    assert [m["title"] for m in goal["milestones"]] == ["First meeting", "Midpoint review"]
    # When a milestone is completed
    milestone = goal["milestones"][0]["id"]
    progressed = api.put(
        f"/api/v1/performance/employees/101/goals/{goal_id}/milestones/{milestone}/progress",
        json={"complete": True},
    ).json()["goal"]
    assert progressed["percentComplete"] == 50
    # And the goal is re-shared and edited (v1 and v1.1)
    shared = api.put(
        f"/api/v1/performance/employees/101/goals/{goal_id}/sharedWith",
        json={"sharedWithEmployeeIds": [101, 103]},
    ).json()["goal"]
    assert shared["sharedWithEmployeeIds"] == [101, 103]
    edit = {"title": "Action plan", "dueDate": "2027-04-30", "sharedWithEmployeeIds": [101, 103]}
    assert (
        api.put(f"/api/v1/performance/employees/101/goals/{goal_id}", json=edit).json()["goal"]["title"]
        == "Action plan"
    )
    v11 = api.put(
        f"/api/v1_1/performance/employees/101/goals/{goal_id}", json={**edit, "milestonesEnabled": False}
    ).json()["goal"]
    assert "milestones" not in v11
    done = api.put(
        f"/api/v1/performance/employees/101/goals/{goal_id}/progress", json={"percentComplete": 100}
    ).json()["goal"]
    assert done["status"] == "completed"
    # Then listing shows it among the employee's goals
    listed = api.get("/api/v1/performance/employees/101/goals", params={"filter": "status-completed"}).json()[
        "goals"
    ]
    assert [g["id"] for g in listed] == [goal_id]


def test_goal_must_be_shared_with_its_owner(api: httpx.Client) -> None:
    refused = api.post(
        "/api/v1/performance/employees/101/goals",
        json={"title": "x", "dueDate": "2027-01-01", "sharedWithEmployeeIds": [102]},
    )
    assert refused.status_code == 400
    assert "owner" in refused.json()["error"]["message"]
    assert api.get("/api/v1/performance/employees/101/goals").json()["goals"] == []
    missing = api.put(
        "/api/v1/performance/employees/101/goals/999999",
        json={"title": "x", "dueDate": "2027-01-01", "sharedWithEmployeeIds": [101]},
    )
    assert missing.status_code == 404


# ------------------------------------------------------------------------------------- training


def test_training_types_and_completion_records(api: httpx.Client) -> None:
    created = api.post(
        "/api/v1/training/type",
        json={
            "name": "Reverse mentoring: advising senior leaders",
            "category": {"name": "Mentoring"},
            "linkUrl": "https://learn.example/rm",
        },
    )
    assert created.status_code == 201
    type_id = created.json()["id"]
    assert str(type_id) in api.get("/api/v1/training/type").json()
    assert api.get("/api/v1/training/record/employee/101").json() == []
    record = api.post(
        "/api/v1/training/record/employee/101",
        json={"completed": "2027-01-15", "type": type_id, "hours": 1.5, "notes": "done"},
    )
    assert record.status_code == 201
    record_id = record.json()["id"]
    updated = api.put(f"/api/v1/training/record/{record_id}", json={"completed": "2027-01-16"})
    assert updated.json()["completed"] == "2027-01-16"
    listed = api.get("/api/v1/training/record/employee/101", params={"type": type_id}).json()
    assert list(listed) == [str(record_id)]
    no_type = api.post(
        "/api/v1/training/record/employee/101", json={"completed": "2027-01-15", "type": 987654}
    )
    assert no_type.status_code == 400


# ------------------------------------------------------------------------------------- webhooks


def test_webhook_registration_lifecycle(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    # When a permissioned webhook is created
    registration = {
        "name": "mentorbridge",
        "url": "https://hooks.example/bamboohr",
        "format": "json",
        "events": ["employee.created", "employee.updated", "employee.deleted"],
        "monitorFields": ["department", "jobTitle", "customJobLevel"],
    }
    created = api.post("/api/v1/webhooks", json=registration)
    # Then the private key comes back once, and never again
    assert created.status_code == 201
    hook = created.json()
    assert len(hook["privateKey"]) == 32
    fetched = api.get(f"/api/v1/webhooks/{hook['id']}").json()
    assert "privateKey" not in fetched
    assert fetched["monitorFields"] == ["department", "jobTitle", "customJobLevel"]
    assert [w["id"] for w in api.get("/api/v1/webhooks").json()["webhooks"]] == [hook["id"]]
    # And a replacement with omitted fields reverts them
    replaced = api.put(
        f"/api/v1/webhooks/{hook['id']}",
        json={
            "name": "renamed",
            "url": "https://hooks.example/v2",
            "format": "json",
            "events": ["employee.created"],
        },
    ).json()
    assert (replaced["name"], replaced["monitorFields"]) == ("renamed", None)
    # And other credentials cannot see it
    with sandbox.client(
        validate_contract=True,
        auth=None,
        headers={"Authorization": "Bearer other-app-token", "Accept": "application/json"},
    ) as other:
        assert other.get(f"/api/v1/webhooks/{hook['id']}").status_code == 403
        assert other.get("/api/v1/webhooks").json() == {"webhooks": []}
    assert api.get(f"/api/v1/webhooks/{hook['id']}/log").json() == []
    assert api.delete(f"/api/v1/webhooks/{hook['id']}").text == "Webhook deleted"
    assert api.get(f"/api/v1/webhooks/{hook['id']}").status_code == 404


def test_webhook_creation_lists_every_problem(api: httpx.Client) -> None:
    refused = api.post(
        "/api/v1/webhooks",
        json={
            "name": "x",
            "url": "http://plain.example",
            "format": "json",
            "events": ["employee.updated", "employee_with_fields.created"],
        },
    )
    assert refused.status_code == 400
    issues = refused.json()["errors"][0]["issues"]
    assert any("https" in issue for issue in issues)
    assert any("monitorFields" in issue for issue in issues)
    assert any("mix" in issue for issue in issues)
    assert api.get("/api/v1/webhooks").json() == {"webhooks": []}


def test_monitor_fields_include_the_custom_mentoring_fields(api: httpx.Client) -> None:
    aliases = {entry["alias"] for entry in api.get("/api/v1/webhooks/monitor_fields").json()["fields"]}
    assert {"department", "jobTitle", "customJobLevel", "customMentorOptIn"} <= aliases


# ------------------------------------------------------------------------------------- the helper itself


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/employees/101",
        "/api/v1/employees/directory",
        "/api/v1/employees/101/tables/jobInfo",
        "/api/v1/meta/fields",
        "/api/v1/meta/tables",
        "/api/v1/meta/lists",
    ],
)
def test_xml_default_responses_are_well_formed_and_declared(sandbox: BambooHRSandbox, path: str) -> None:
    with sandbox.client(accept_json=False) as raw:
        response = raw.get(path)
    assert response.headers["Content-Type"].startswith("application/xml")
    validate_response("GET", path, response.status_code, dict(response.headers), response.content)


def test_contract_helper_rejects_shapes_the_spec_does_not_allow() -> None:
    json_headers = {"Content-Type": "application/json"}
    with pytest.raises(ContractViolation, match="None is not of type 'string'"):
        validate_response(
            "POST",
            "/api/v1/reports/custom",
            200,
            json_headers,
            json.dumps({"employees": [{"id": "1", "x": None}]}),
        )
    with pytest.raises(ContractViolation, match="status 418 is not declared"):
        validate_response("GET", "/api/v1/employees/1", 418)
    with pytest.raises(ContractViolation, match="no such operation"):
        validate_request("GET", "/api/v1/nothing/here", {"Authorization": "Basic eDp4"})
    with pytest.raises(ContractViolation, match="credentials"):
        validate_request("GET", "/api/v1/meta/fields", {})
    body = json.dumps({"dueDate": "2027-01-01", "sharedWithEmployeeIds": [5]})
    with pytest.raises(ContractViolation, match="'title' is a required property"):
        validate_request(
            "POST",
            "/api/v1/performance/employees/5/goals",
            {"Authorization": "Basic eDp4", **json_headers},
            body,
        )
    with pytest.raises(ContractViolation, match="malformed XML"):
        validate_response(
            "GET", "/api/v1/meta/fields", 200, {"Content-Type": "application/xml"}, b"<fields><field>"
        )
