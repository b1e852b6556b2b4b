"""BambooHR webhook verification and parsing: signature, replay window, both payload families."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from connectors.bamboohr.webhooks import BambooHRWebhookVerifier, sign
from mentorship.errors import InvalidSignature, MalformedPayload, StaleEvent
from mentorship.ports import ChangeAction

# BambooHR's published test vector (via fusebit's connector tests).
VECTOR_KEY = "123b929362d51613054f71e5e5d4bf2c"
VECTOR_TIMESTAMP = "1658248023"
VECTOR_BODY = (
    b'{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},'
    b'"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}'
)
VECTOR_SIGNATURE = "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac"
VECTOR_TIME = datetime.fromtimestamp(1658248023, UTC)

KEY = "private-key-returned-once"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def signed(body: bytes, *, at: datetime = NOW, content_type: str = "application/json") -> dict[str, str]:
    timestamp = str(int(at.timestamp()))
    return {
        "X-BambooHR-Timestamp": timestamp,
        "X-BambooHR-Signature": sign(KEY, body, timestamp),
        "Content-Type": content_type,
    }


def event(kind: str, employee_id: str = "123", at: str = "2026-11-27T11:59:30Z", **data: object) -> bytes:
    return json.dumps(
        {"type": kind, "timestamp": at, "data": {"companyId": "9", "employeeId": employee_id, **data}}
    ).encode()


verifier = BambooHRWebhookVerifier(KEY)


def test_published_test_vector_signature_is_reproduced_and_accepted() -> None:
    # Given BambooHR's published vector
    assert sign(VECTOR_KEY, VECTOR_BODY, VECTOR_TIMESTAMP) == VECTOR_SIGNATURE
    headers = {"x-bamboohr-timestamp": VECTOR_TIMESTAMP, "x-bamboohr-signature": VECTOR_SIGNATURE}
    # When it is verified at the time it was sent
    hints = BambooHRWebhookVerifier(VECTOR_KEY).verify_and_parse(headers, VECTOR_BODY, now=VECTOR_TIME)
    # Then it yields one update hint for employee 5, with the changed field, and no values
    assert [(h.employee_id, h.action, h.changed_fields) for h in hints] == [
        ("5", ChangeAction.UPDATED, ("First name",))
    ]
    assert "Tefi" not in hints[0].model_dump_json()


def test_tampered_body_is_rejected_as_invalid_signature() -> None:
    headers = signed(event("employee.updated"))
    with pytest.raises(InvalidSignature, match="does not match"):
        verifier.verify_and_parse(headers, event("employee.updated", employee_id="124"), now=NOW)


def test_missing_signature_headers_are_rejected() -> None:
    with pytest.raises(InvalidSignature, match="missing"):
        verifier.verify_and_parse({"Content-Type": "application/json"}, event("employee.created"), now=NOW)


def test_signature_from_another_key_is_rejected() -> None:
    body = event("employee.created")
    headers = signed(body)
    with pytest.raises(InvalidSignature):
        BambooHRWebhookVerifier("another-key").verify_and_parse(headers, body, now=NOW)


def test_signature_is_checked_before_the_replay_window() -> None:
    # Given an old delivery with a wrong signature: the caller learns only that it is unsigned
    body = event("employee.created")
    headers = {**signed(body, at=NOW - timedelta(hours=2)), "X-BambooHR-Signature": "00" * 32}
    with pytest.raises(InvalidSignature):
        verifier.verify_and_parse(headers, body, now=NOW)


def test_delivery_outside_the_replay_window_is_stale() -> None:
    body = event("employee.created")
    with pytest.raises(StaleEvent, match="replay window is 300 s"):
        verifier.verify_and_parse(signed(body, at=NOW - timedelta(seconds=301)), body, now=NOW)


def test_delivery_from_the_future_beyond_the_window_is_stale() -> None:
    body = event("employee.created")
    with pytest.raises(StaleEvent):
        verifier.verify_and_parse(signed(body, at=NOW + timedelta(minutes=10)), body, now=NOW)


def test_iso_8601_timestamp_header_is_accepted_inside_the_window() -> None:
    body = event("employee.deleted")
    timestamp = (NOW - timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    headers = {"X-BambooHR-Timestamp": timestamp, "X-BambooHR-Signature": sign(KEY, body, timestamp)}
    hints = verifier.verify_and_parse(headers, body, now=NOW)
    assert [(h.employee_id, h.action) for h in hints] == [("123", ChangeAction.DELETED)]


def test_unreadable_timestamp_is_a_malformed_payload_naming_the_header() -> None:
    body = event("employee.created")
    headers = {"X-BambooHR-Timestamp": "yesterday", "X-BambooHR-Signature": sign(KEY, body, "yesterday")}
    with pytest.raises(MalformedPayload) as error:
        verifier.verify_and_parse(headers, body, now=NOW)
    assert error.value.field == "X-BambooHR-Timestamp"


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("employee.created", ChangeAction.CREATED),
        ("employee.updated", ChangeAction.UPDATED),
        ("employee.deleted", ChangeAction.DELETED),
    ],
)
def test_event_based_payloads_become_one_hint_each(kind: str, action: ChangeAction) -> None:
    body = (
        event(kind, changedFields=["department", "customJobLevel"])
        if kind.endswith("updated")
        else event(kind)
    )
    hints = verifier.verify_and_parse(signed(body), body, now=NOW)
    assert len(hints) == 1
    assert (hints[0].provider, hints[0].employee_id, hints[0].action) == ("bamboohr", "123", action)
    assert hints[0].occurred_at == "2026-11-27T11:59:30Z"
    if kind.endswith("updated"):
        assert hints[0].changed_fields == ("department", "customJobLevel")


def test_company_events_carry_no_employee_hints() -> None:
    body = json.dumps({"type": "company.updated", "timestamp": "2026-11-27T11:59:30Z", "data": {}}).encode()
    assert verifier.verify_and_parse(signed(body), body, now=NOW) == []


def test_legacy_json_with_several_employees_and_plain_values_gives_one_hint_per_employee() -> None:
    body = json.dumps(
        {
            "employees": [
                {
                    "id": "7",
                    "action": "Created",
                    "timestamp": "2026-11-27T11:59:00Z",
                    "changedFields": [],
                    "fields": {},
                },
                {
                    "id": "8",
                    "action": "Updated",
                    "timestamp": "2026-11-27T11:59:01Z",
                    "changedFields": ["Department"],
                    "fields": {"Department": "Sales"},
                },
                {
                    "id": "9",
                    "action": "Deleted",
                    "timestamp": "2026-11-27T11:59:02Z",
                    "changedFields": [],
                    "fields": {},
                },
            ]
        }
    ).encode()
    hints = verifier.verify_and_parse(signed(body), body, now=NOW)
    assert [(h.employee_id, h.action) for h in hints] == [
        ("7", ChangeAction.CREATED),
        ("8", ChangeAction.UPDATED),
        ("9", ChangeAction.DELETED),
    ]
    assert hints[1].changed_fields == ("Department",)


def test_legacy_form_encoded_delivery_with_two_employees_is_parsed() -> None:
    body = urlencode(
        [
            ("employees[0][id]", "41"),
            ("employees[0][action]", "Updated"),
            ("employees[0][changedFields][0]", "Job Title"),
            ("employees[0][changedFields][1]", "Location"),
            ("employees[0][fields][Job Title][value]", "Engineer"),
            ("employees[1][id]", "42"),
            ("employees[1][action]", "Created"),
        ]
    ).encode()
    hints = verifier.verify_and_parse(
        signed(body, content_type="application/x-www-form-urlencoded"), body, now=NOW
    )
    assert [(h.employee_id, h.action, h.changed_fields) for h in hints] == [
        ("41", ChangeAction.UPDATED, ("Job Title", "Location")),
        ("42", ChangeAction.CREATED, ()),
    ]


def test_form_encoded_keyed_by_employee_id_is_parsed_without_content_type() -> None:
    body = urlencode(
        [("employees[55][changedFields][0]", "Department"), ("employees[55][Department]", "Legal")]
    ).encode()
    headers = signed(body, content_type="")
    hints = verifier.verify_and_parse(headers, body, now=NOW)
    assert [(h.employee_id, h.action) for h in hints] == [("55", ChangeAction.UPDATED)]


def test_a_redelivery_signed_at_a_new_time_keeps_its_dedupe_key() -> None:
    # Given the same change delivered twice (BambooHR re-signs retries with a new timestamp)
    body = event("employee.updated", changedFields=["department"])
    first = verifier.verify_and_parse(signed(body, at=NOW - timedelta(seconds=60)), body, now=NOW)
    second = verifier.verify_and_parse(signed(body), body, now=NOW)
    # Then both carry the same dedupe key
    assert first[0].dedupe_key == second[0].dedupe_key


def test_legacy_redelivery_without_timestamps_keeps_its_dedupe_key() -> None:
    first = verifier.verify_and_parse(
        signed(VECTOR_BODY, at=NOW - timedelta(seconds=90)), VECTOR_BODY, now=NOW
    )
    second = verifier.verify_and_parse(signed(VECTOR_BODY), VECTOR_BODY, now=NOW)
    assert first[0].dedupe_key == second[0].dedupe_key


def test_created_then_updated_at_the_same_instant_share_one_dedupe_key() -> None:
    # Given BambooHR's create-then-initialise pair for a new hire
    created = event("employee.created", at="2026-11-27T11:59:30Z")
    updated = event("employee.updated", at="2026-11-27T11:59:30Z", changedFields=["firstName"])
    keys = {verifier.verify_and_parse(signed(b), b, now=NOW)[0].dedupe_key for b in (created, updated)}
    # Then the webhook's dedupe store sees one change, so one hire
    assert len(keys) == 1


def test_distinct_changes_have_distinct_dedupe_keys() -> None:
    bodies = [
        event("employee.updated", at="2026-11-27T11:59:30Z"),
        event("employee.updated", at="2026-11-27T11:59:45Z"),
        event("employee.updated", employee_id="124", at="2026-11-27T11:59:30Z"),
        event("employee.deleted", at="2026-11-27T11:59:30Z"),
    ]
    keys = {verifier.verify_and_parse(signed(b), b, now=NOW)[0].dedupe_key for b in bodies}
    assert len(keys) == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"hello": "world"}', "type"),
        (b'{"type": "employee.updated", "data": {"companyId": "1"}}', "data.employeeId"),
        (b'{"type": "employee.exploded", "data": {"employeeId": "1"}}', "type"),
        (b'{"type": "employee.updated", "data": "123"}', "data"),
        (b'{"employees": []}', "employees"),
        (b'{"employees": [{"action": "Updated"}]}', "employees[0].id"),
        (b'{"employees": [{"id": "5", "action": "Renamed"}]}', "employees[0].action"),
        (b'{"employees": [{"id": "../etc", "action": "Updated"}]}', "employees[0].id"),
    ],
)
def test_bodies_we_can_never_process_are_malformed_naming_the_field(body: bytes, field: str) -> None:
    with pytest.raises(MalformedPayload) as error:
        verifier.verify_and_parse(signed(body), body, now=NOW)
    assert error.value.field == field


def test_verifier_refuses_an_empty_key() -> None:
    with pytest.raises(ValueError, match="empty"):
        BambooHRWebhookVerifier("")


def test_webhook_module_imports_neither_httpx_nor_boto3() -> None:
    # Given a fresh interpreter (the webhook Lambda's cold start)
    code = (
        "import sys; import connectors.bamboohr.webhooks; "
        "from connectors.bamboohr import BambooHRWebhookVerifier; "
        "print(sorted(m for m in ('httpx', 'boto3', 'botocore', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    # Then none of the heavy HTTP/AWS modules were loaded
    assert result.stdout.strip() == "[]"


EVENTS = Path(__file__).resolve().parents[2] / "events" / "bamboohr"


@pytest.mark.parametrize(
    ("fixture", "content_type", "expected"),
    [
        ("employee_created.json", "application/json", [("301", ChangeAction.CREATED)]),
        ("employee_updated.json", "application/json", [("101", ChangeAction.UPDATED)]),
        ("employee_deleted.json", "application/json", [("153", ChangeAction.DELETED)]),
        (
            "fields_based_json.json",
            "application/json",
            [("101", ChangeAction.UPDATED), ("301", ChangeAction.CREATED), ("153", ChangeAction.DELETED)],
        ),
        (
            "fields_based_form.txt",
            "application/x-www-form-urlencoded",
            [("101", ChangeAction.UPDATED), ("301", ChangeAction.CREATED)],
        ),
    ],
)
def test_real_shaped_delivery_bodies_are_parsed(
    fixture: str, content_type: str, expected: list[tuple[str, ChangeAction]]
) -> None:
    # Given a body exactly as BambooHR delivers it (from events/bamboohr), signed now
    body = (EVENTS / fixture).read_bytes()
    # When it is verified and parsed
    hints = verifier.verify_and_parse(signed(body, content_type=content_type), body, now=NOW)
    # Then each employee in it becomes one hint, with a unique dedupe key
    assert [(h.employee_id, h.action) for h in hints] == expected
    assert len({h.dedupe_key for h in hints}) == len(hints)
    assert all(h.occurred_at for h in hints)
