"""The sandbox over loopback HTTP: auth, XML default, rate limit, faults, request log, webhooks, scale."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
from sandbox.workforce import WorkforceSpec, generate_workforce

pytestmark = pytest.mark.integration
WORKFORCE = generate_workforce(WorkforceSpec(employees=60, seed=5))


@pytest.fixture
def sandbox() -> Iterator[BambooHRSandbox]:
    account = SandboxAccount.from_workforce(WORKFORCE, oauth_tokens=["oauth-token-1"])
    with BambooHRSandbox(account) as running:
        yield running


@pytest.fixture
def api(sandbox: BambooHRSandbox) -> Iterator[httpx.Client]:
    with sandbox.client(timeout=5) as client:
        yield client


# ------------------------------------------------------------------------------------- auth


def test_requests_without_valid_credentials_are_401_and_change_nothing(sandbox: BambooHRSandbox) -> None:
    url = f"{sandbox.base_url}/api/v1/employees/101"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, auth=("wrong-key", "x")).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert httpx.post(url, json={"customJobLevel": 1}, auth=("wrong-key", "x")).status_code == 401
    assert sandbox.account.view("101")["customJobLevel"] == str(WORKFORCE[1].level)


def test_api_key_with_any_password_and_listed_oauth_tokens_are_accepted(sandbox: BambooHRSandbox) -> None:
    url = f"{sandbox.base_url}/api/v1/employees/101"
    assert httpx.get(url, auth=(sandbox.api_key, "anything")).status_code == 200
    assert httpx.get(url, headers={"Authorization": "Bearer oauth-token-1"}).status_code == 200


# ------------------------------------------------------------------------------------- formats


def test_xml_is_the_default_when_accept_is_missing(sandbox: BambooHRSandbox) -> None:
    with sandbox.client(accept_json=False) as client:
        employee = ET.fromstring(  # noqa: S314 - our own sandbox's output
            client.get("/api/v1/employees/101", params={"fields": "firstName,department"}).content
        )
        rows = ET.fromstring(client.get("/api/v1/employees/all/tables/jobInfo").content)  # noqa: S314
    assert employee.tag == "employee"
    assert employee.get("id") == "101"
    assert employee.find("field[@id='department']").text == WORKFORCE[1].department  # type: ignore[union-attr]
    assert len(rows.findall("row")) == len(WORKFORCE)


def test_writes_accept_bambohr_xml_bodies(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    body = b'<employee><field id="customTimeZone">Asia/Singapore</field></employee>'
    response = api.post("/api/v1/employees/102", content=body, headers={"Content-Type": "text/xml"})
    assert response.status_code == 200
    assert sandbox.account.view("102")["customTimeZone"] == "Asia/Singapore"


def test_table_rows_accept_xml_bodies_too(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    row = b'<row><field id="customSkill">Negotiation</field><field id="customPriority">5</field></row>'
    response = api.post(
        "/api/v1_1/employees/107/tables/customLearningGoals",
        content=row,
        headers={"Content-Type": "application/xml"},
    )
    assert response.status_code == 200
    assert ("Negotiation", "5") in [
        (r["customSkill"], r["customPriority"]) for r in sandbox.account.rows("107", "customLearningGoals")
    ]


def test_future_hires_join_the_directory_only_when_asked(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    # Given a hire who starts next month
    start = (sandbox.clock.today() + timedelta(days=30)).isoformat()
    created = api.post("/api/v1/employees", json={"firstName": "Kai", "lastName": "Berg", "hireDate": start})
    new_id = created.headers["Location"].rsplit("/", 1)[-1]
    # Then the directory leaves them out by default and includes them with onlyCurrent=false
    current = {e["id"] for e in api.get("/api/v1/employees/directory").json()["employees"]}
    everyone = {
        e["id"]
        for e in api.get("/api/v1/employees/directory", params={"onlyCurrent": "false"}).json()["employees"]
    }
    assert new_id not in current
    assert new_id in everyone


def test_legacy_gateway_paths_serve_the_same_api_for_the_right_company(sandbox: BambooHRSandbox) -> None:
    with sandbox.client() as client:
        ours = client.get(f"{sandbox.gateway_url}/v1/employees/101")
        theirs = client.get(f"{sandbox.base_url}/api/gateway.php/othercorp/v1/employees/101")
    assert ours.json() == {
        "id": "101",
        "firstName": WORKFORCE[1].display_name.split(" ")[0],
        "lastName": WORKFORCE[1].display_name.split(" ")[1],
    }
    assert theirs.status_code == 404


def test_custom_report_format_is_case_insensitive(api: httpx.Client) -> None:
    response = api.post("/api/v1/reports/custom", params={"format": "JSON"}, json={"fields": ["firstName"]})
    assert response.status_code == 200
    assert len(response.json()["employees"]) == len(WORKFORCE)


# ------------------------------------------------------------------------------------- rate limit


def test_rate_limit_is_off_by_default(api: httpx.Client) -> None:
    statuses = {api.get("/api/v1/meta/fields").status_code for _ in range(30)}
    assert statuses == {200}


def test_beyond_the_rate_limit_requests_get_429_with_retry_after(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    # Given a limit of one request per second with no burst beyond it
    sandbox.set_rate_limit(1, burst=2)
    # When four requests arrive at once
    responses = [api.get("/api/v1/meta/fields") for _ in range(4)]
    # Then the burst passes and the rest are told when to come back
    assert [r.status_code for r in responses[:2]] == [200, 200]
    limited = responses[2:]
    assert {r.status_code for r in limited} == {429}
    assert all(int(r.headers["Retry-After"]) >= 1 for r in limited)
    # And switching it off lets traffic through again
    sandbox.set_rate_limit(None)
    assert api.get("/api/v1/meta/fields").status_code == 200


# ------------------------------------------------------------------------------------- faults


def test_status_faults_fire_the_given_number_of_times_with_retry_after(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    sandbox.faults.add(path=r"/all/tables/", status=503, times=2, retry_after=1)
    first, second, third = (api.get("/api/v1/employees/all/tables/jobInfo") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "1"
    assert sandbox.faults.pending == 0
    assert api.get("/api/v1/employees/101/tables/jobInfo").status_code == 200


def test_a_faulted_write_changes_nothing(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    sandbox.faults.add(path=r"/tables/customMentorships$", method="POST", status=500)
    row = {"customPairingId": "p-9", "customRole": "Mentee"}
    assert api.post("/api/v1_1/employees/103/tables/customMentorships", json=row).status_code == 500
    assert sandbox.account.rows("103", "customMentorships") == []


def test_after_write_faults_apply_the_write_then_fail_the_response(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    sandbox.faults.add(path=r"/tables/customMentorships$", method="POST", status=502, after_write=True)
    row = {"customPairingId": "p-9", "customRole": "Mentee"}
    assert api.post("/api/v1_1/employees/103/tables/customMentorships", json=row).status_code == 502
    assert [r["customPairingId"] for r in sandbox.account.rows("103", "customMentorships")] == ["p-9"]


def test_a_delay_fault_trips_the_client_timeout(sandbox: BambooHRSandbox) -> None:
    sandbox.faults.add(path=r"/meta/fields", delay=0.6)
    with sandbox.client(timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/api/v1/meta/fields")


def test_a_truncated_body_breaks_the_connection_mid_response(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    sandbox.faults.add(path=r"/reports/custom", truncate=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/api/v1/reports/custom", params={"format": "json"}, json={"fields": ["firstName"]})
    assert (
        api.post(
            "/api/v1/reports/custom", params={"format": "json"}, json={"fields": ["firstName"]}
        ).status_code
        == 200
    )


def test_half_json_and_non_json_bodies(sandbox: BambooHRSandbox, api: httpx.Client) -> None:
    sandbox.faults.add(path=r"/employees/directory", half_json=True)
    sandbox.faults.add(path=r"/employees/directory", non_json=True)
    half = api.get("/api/v1/employees/directory")
    html = api.get("/api/v1/employees/directory")
    with pytest.raises(json.JSONDecodeError):
        half.json()
    assert (html.status_code, html.headers["Content-Type"].split(";")[0]) == (200, "text/html")
    with pytest.raises(json.JSONDecodeError):
        html.json()


def test_a_body_fault_on_a_write_without_after_write_does_not_write(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    sandbox.faults.add(path=r"/employees/104$", method="POST", non_json=True)
    assert api.post("/api/v1/employees/104", json={"customMentorCapacity": 9}).status_code == 200
    assert sandbox.account.view("104")["customMentorCapacity"] == str(WORKFORCE[4].mentor_capacity)


# ---------------------------------------------------------------------------- request log and change stamps


def test_request_log_records_each_request_without_credentials(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    api.get("/api/v1/employees/101", params={"fields": "firstName"})
    api.post("/api/v1/employees/101", json={"customLanguages": "en,de"})
    entries = sandbox.requests(path_contains="/employees/101")
    assert [(e.method, e.status) for e in entries] == [("GET", 200), ("POST", 200)]
    assert entries[0].query == {"fields": ["firstName"]}
    assert all("authorization" not in e.headers for e in entries)
    assert len(sandbox.requests(method="POST")) == 1


def test_api_and_admin_edits_bump_last_changed_for_the_change_feed(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    # Given the clock pinned to a known moment
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    sandbox.clock.set(start)
    # When the API edits one employee and an admin terminates another a minute later
    api.post("/api/v1/employees/105", json={"customMenteeOptIn": "yes"})
    sandbox.clock.advance(timedelta(minutes=1))
    sandbox.account.terminate("106", date(2026, 11, 30))
    # Then the change feed shows both with their stamps, and the leaver is inactive
    body = api.get("/api/v1/employees/changed", params={"since": start.isoformat()}).json()
    assert {k: v["lastChanged"] for k, v in body["employees"].items()} == {
        "105": "2026-12-01T09:00:00+00:00",
        "106": "2026-12-01T09:01:00+00:00",
    }
    assert body["latest"] == "2026-12-01T09:01:00+00:00"
    leaver = api.get(
        "/api/v1/employees/106", params={"fields": "status,terminationDate,employmentHistoryStatus"}
    ).json()
    assert leaver == {
        "id": "106",
        "status": "Inactive",
        "terminationDate": "2026-11-30",
        "employmentHistoryStatus": "Terminated",
    }


# ------------------------------------------------------------------------------------- webhooks


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_send_webhook_posts_a_delivery_signed_over_body_and_timestamp(
    sandbox: BambooHRSandbox, api: httpx.Client
) -> None:
    # Given a registered event-based webhook and a loopback receiver
    registration = {
        "name": "mb",
        "url": "https://hooks.example/x",
        "format": "json",
        "events": ["employee.updated"],
        "monitorFields": ["department"],
    }
    hook = api.post("/api/v1/webhooks", json=registration).json()
    receiver_class = type("Receiver", (_Receiver,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # When the sandbox delivers an update for employee 101
        url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/bamboohr"
        delivery = sandbox.send_webhook(
            hook["id"], "101", changed_fields=("department",), url=url, timestamp="1700000000"
        )
    finally:
        server.shutdown()
        server.server_close()
    # Then the receiver got the event with an HMAC-SHA256 signature over body + timestamp
    assert delivery.status == 200
    ((headers, body),) = receiver_class.received
    expected = hmac.new(hook["privateKey"].encode(), body + b"1700000000", hashlib.sha256).hexdigest()
    assert headers["x-bamboohr-signature"] == expected
    assert json.loads(body)["data"] == {
        "companyId": sandbox.account.company_id,
        "employeeId": "101",
        "changedFields": ["department"],
    }


# ------------------------------------------------------------------------------------- scale


def test_a_10k_account_serves_a_full_sync_in_a_handful_of_requests() -> None:
    # Given a 10,000-employee account
    account = SandboxAccount.from_workforce(generate_workforce(WorkforceSpec(employees=10_000, seed=7)))
    with BambooHRSandbox(account) as sandbox, sandbox.client(timeout=30) as client:
        # When a full sync reads the report and the two skill tables
        report = client.post(
            "/api/v1/reports/custom",
            params={"format": "json"},
            json={
                "fields": [
                    "firstName",
                    "status",
                    "department",
                    "supervisorEId",
                    "customJobLevel",
                    "customMentorOptIn",
                ]
            },
        )
        coach = client.get("/api/v1/employees/all/tables/customCoachingSkills")
        learn = client.get("/api/v1/employees/all/tables/customLearningGoals")
        # Then every employee and row arrives, in three requests
        assert len(report.json()["employees"]) == 10_000
        assert len(coach.json()) == sum(len(rows) for rows in account.tables["customCoachingSkills"].values())
        assert len(learn.json()) > 10_000
        assert len(sandbox.request_log) == 3
