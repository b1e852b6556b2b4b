"""Fault injection: after any fault the connector either finishes correctly or fails loudly, and a
re-run ends identical to a fault-free run — nothing lost, nothing duplicated."""

from __future__ import annotations

import time
from datetime import date

import pytest

from connectors.bamboohr.connector import BambooHRConnector
from connectors.bamboohr.settings import BambooHRSettings
from connectors.http import Retrier, RetryPolicy
from mentorship.errors import HrisUnavailable
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
MENTOR, MENTEE = by_id(WORKFORCE)["101"], by_id(WORKFORCE)["105"]


def fault_free_read(harness: Harness) -> list[dict[str, object]]:
    harness.sandbox.faults.clear()
    return [comparable(e) for e in harness.make().read_all()]


def test_full_sync_through_throttling_outages_and_spoiled_bodies_equals_a_fault_free_sync(
    harness: Harness,
) -> None:
    # Given an account that throttles, fails and spoils bodies on the way
    faults = harness.sandbox.faults
    faults.add(path=r"/meta/fields", non_json=True)
    faults.add(path=r"/reports/custom", status=503, retry_after=2)
    faults.add(path=r"/reports/custom", status=429, retry_after=1)
    faults.add(path=r"/reports/custom", status=502)
    faults.add(path=r"/tables/customCoachingSkills", truncate=True)
    faults.add(path=r"/tables/customLearningGoals", half_json=True)
    # When a full sync runs
    employees = [comparable(e) for e in harness.make().read_all()]
    # Then every fault fired, the waits asked for were honoured, and the result is the fault-free one
    assert faults.pending == 0
    assert harness.sleeper.pauses[1:3] == [2.0, 1.0]
    assert employees == fault_free_read(harness)


def test_a_request_that_times_out_is_retried(harness: Harness) -> None:
    harness.sandbox.faults.add(path=r"/reports/custom", delay=0.6)
    connector = harness.make(read_timeout_seconds=0.2)
    employees = list(connector.read_all())
    assert len(employees) == len(WORKFORCE)
    # 2 meta reads + the report twice + 2 skills tables
    assert connector.requests_sent == 6
    assert len(harness.sleeper.pauses) == 1


def test_an_outage_past_the_retry_budget_fails_loudly_and_a_rerun_ends_identical(harness: Harness) -> None:
    # Given an outage longer than the retry budget on the skills table
    harness.sandbox.faults.add(path=r"/tables/customCoachingSkills", status=503, times=100)
    # When a full sync runs, Then it fails with HrisUnavailable naming the request (no partial result)
    with pytest.raises(
        HrisUnavailable, match=r"GET /api/v1/employees/all/tables/customCoachingSkills answered 503"
    ):
        list(harness.make().read_all())
    assert len(harness.sandbox.requests(path_contains="customCoachingSkills")) == 5
    # ... and once BambooHR is back, a re-run returns exactly what a fault-free run does
    harness.sandbox.faults.clear()
    rerun = [comparable(e) for e in harness.make().read_all()]
    assert rerun == fault_free_read(harness)


def test_rate_limit_with_retry_after_is_honoured_in_real_time(harness: Harness) -> None:
    # Given BambooHR's rate limit (429 + Retry-After), and a connector that really sleeps
    harness.sandbox.set_rate_limit(4, burst=2)
    settings = BambooHRSettings(
        company_domain="acme", api_key=harness.sandbox.api_key, base_url=harness.sandbox.base_url
    )
    connector = BambooHRConnector(
        settings, retrier=Retrier(RetryPolicy(max_attempts=6, max_total_seconds=20))
    )
    started = time.monotonic()
    # When a full sync runs
    employees = list(connector.read_all())
    connector.close()
    # Then it completes after being throttled at least once, without giving up
    assert len(employees) == len(WORKFORCE)
    assert any(r.status == 429 for r in harness.sandbox.request_log)
    assert time.monotonic() - started >= 1.0


@pytest.mark.parametrize(
    ("path", "spoil"),
    [
        (r"/tables/customMentorships$", {"status": 500}),
        (r"/tables/customMentorships$", {"truncate": True}),
        (r"/goals$", {"status": 502}),
        (r"/goals$", {"truncate": True}),
    ],
)
def test_an_answer_lost_after_bamboohr_stored_the_pairing_leaves_exactly_one_row_and_goal(
    harness: Harness, path: str, spoil: dict[str, object]
) -> None:
    # Given BambooHR stores the write, then the answer is lost
    harness.sandbox.faults.add(path=path, method="POST", after_write=True, **spoil)  # type: ignore[arg-type]
    approved = pairing()
    # When the pairing is written
    receipt = harness.make(with_ledger=False).write_pairing(approved, MENTOR, MENTEE)
    # Then the look-up found what was stored: one row on each person and one action plan
    assert harness.sandbox.faults.pending == 0
    assert len(harness.account.rows("101", "customMentorships")) == 1
    assert len(harness.account.rows("105", "customMentorships")) == 1
    assert sum(approved.pairing_id in (g.get("description") or "") for g in harness.account.goals["105"]) == 1
    assert len(receipt.external_ids) == 3


def test_an_answer_lost_after_bamboohr_stored_the_training_record_leaves_exactly_one(
    harness: Harness,
) -> None:
    harness.sandbox.faults.add(
        path=r"/training/record/employee/", method="POST", status=500, after_write=True
    )
    harness.sandbox.faults.add(
        path=r"/tables/customTrainingAssignments$", method="POST", status=503, after_write=True
    )
    approved = pairing()
    done = assignment(approved, completed_on=date(2026, 12, 10))
    harness.make(with_ledger=False).write_training(done, approved)
    assert harness.sandbox.faults.pending == 0
    assert len(harness.account.rows("101", "customTrainingAssignments")) == 1
    records = [r for r in harness.account.training_records.values() if str(r["employeeId"]) == "101"]
    assert len(records) == 1


def test_write_back_interrupted_by_an_outage_completes_on_retry_without_duplicates(harness: Harness) -> None:
    # Given the mentee's rows cannot be written for longer than the budget
    harness.sandbox.faults.add(path=r"/employees/105/tables/customMentorships", status=503, times=100)
    approved = pairing()
    connector = harness.make()
    with pytest.raises(HrisUnavailable):
        connector.write_pairing(approved, MENTOR, MENTEE)
    # ... nothing was recorded as done, so the message will be retried
    assert harness.ledger.get(f"bamboohr:acme:pairing:{approved.pairing_id}:active") is None
    # When it is retried after BambooHR recovers
    harness.sandbox.faults.clear()
    receipt = connector.write_pairing(approved, MENTOR, MENTEE)
    # Then the result is the fault-free one: one row each, one goal
    assert receipt.created
    assert len(harness.account.rows("101", "customMentorships")) == 1
    assert len(harness.account.rows("105", "customMentorships")) == 1
    assert sum(approved.pairing_id in (g.get("description") or "") for g in harness.account.goals["105"]) == 1


def test_a_refused_write_is_not_retried(harness: Harness) -> None:
    connector = harness.make()
    harness.sandbox.faults.add(path=r"/employees/101/tables/customMentorships", method="POST", status=403)
    with pytest.raises(Exception, match="403"):
        connector.write_pairing(pairing(), MENTOR, MENTEE)
    posts = harness.sandbox.requests(method="POST", path_contains="/employees/101/tables/customMentorships")
    assert len(posts) == 1
