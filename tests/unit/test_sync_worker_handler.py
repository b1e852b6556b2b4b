"""Sync worker: a bad message fails alone (partial batch response); good ones are applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from functions.sync_worker import handler
from mentorship.fakes import InMemoryEmployeeDirectory, InMemorySyncStateStore, RecordingEventPublisher
from mentorship.models import Employee
from mentorship.sync import SyncService
from tests.fake_hris import InMemoryHris
from tests.handler_support import lambda_context, load_event


@pytest.fixture
def directory(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemoryEmployeeDirectory]:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    hris = InMemoryHris(
        [
            Employee(
                employee_id="412",
                hire_date=date(2026, 11, 27),
                source_updated_at=datetime(2026, 11, 27, tzinfo=UTC),
            )
        ]
    )
    directory = InMemoryEmployeeDirectory()
    handler.sync_service.override(
        SyncService(hris, directory, RecordingEventPublisher(), InMemorySyncStateStore())
    )
    yield directory
    handler.sync_service.override(None)


def test_the_recorded_batch_applies_the_hint_and_the_full_sync(directory: InMemoryEmployeeDirectory) -> None:
    response = handler.lambda_handler(load_event("aws/sync_worker_sqs.json"), lambda_context("sync"))
    assert response == {"batchItemFailures": []}
    assert directory.get("412") is not None


def test_a_malformed_message_is_reported_alone_and_the_rest_of_the_batch_is_applied(
    directory: InMemoryEmployeeDirectory,
) -> None:
    event = load_event("aws/sync_worker_sqs.json")
    event["Records"][1]["body"] = '{"kind": "sometimes"}'
    response = handler.lambda_handler(event, lambda_context("sync"))
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    assert directory.get("412") is not None
