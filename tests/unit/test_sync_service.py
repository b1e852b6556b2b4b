"""The sync service: hints and full/incremental syncs turn HRIS records into stored facts and events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mentorship.events import EmployeeChanged, EmployeeHired, EmployeeLeft
from mentorship.fakes import InMemoryEmployeeDirectory, InMemorySyncStateStore, RecordingEventPublisher
from mentorship.models import Employee, EmploymentStatus
from mentorship.ports import ChangeAction, ChangeHint, ChangeSet
from mentorship.sync import SyncService, events_for_change
from tests.fake_hris import InMemoryHris

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def person(employee_id: str, **fields: object) -> Employee:
    defaults: dict[str, object] = {"hire_date": date(2020, 1, 6), "level": 3, "source_updated_at": NOW}
    return Employee(employee_id=employee_id, **{**defaults, **fields})


def hint(employee_id: str, action: ChangeAction) -> ChangeHint:
    return ChangeHint(
        provider="memory", employee_id=employee_id, action=action, dedupe_key=f"{employee_id}:{action}"
    )


def service(
    hris: InMemoryHris, directory: InMemoryEmployeeDirectory | None = None
) -> tuple[SyncService, InMemoryEmployeeDirectory, RecordingEventPublisher, InMemorySyncStateStore]:
    directory = directory or InMemoryEmployeeDirectory()
    publisher, state = RecordingEventPublisher(), InMemorySyncStateStore()
    return SyncService(hris, directory, publisher, state), directory, publisher, state


def test_a_recent_starter_seen_for_the_first_time_is_a_hire() -> None:
    events = events_for_change(None, person("7", hire_date=TODAY - timedelta(days=3)), today=TODAY)
    assert events == [EmployeeHired(employee_id="7", hire_date=TODAY - timedelta(days=3))]


def test_a_long_serving_employee_seen_for_the_first_time_is_not_a_hire() -> None:
    assert events_for_change(None, person("7", hire_date=date(2019, 5, 1)), today=TODAY) == []


def test_a_change_to_a_matching_field_is_reported_by_name_and_other_changes_are_not() -> None:
    before = person("7", department="Sales", work_email="a@example.com")
    after = before.model_copy(update={"department": "Marketing", "work_email": "b@example.com"})
    assert events_for_change(before, after, today=TODAY) == [
        EmployeeChanged(employee_id="7", changed=("department",))
    ]
    only_email = before.model_copy(update={"work_email": "b@example.com"})
    assert events_for_change(before, only_email, today=TODAY) == []


def test_created_then_updated_webhooks_yield_exactly_one_hire() -> None:
    # Given BambooHR's pair of deliveries for one new employee
    hris = InMemoryHris([person("42", hire_date=TODAY)])
    sync, directory, publisher, _ = service(hris)
    # When both hints are applied (the second re-reads an unchanged record)
    sync.apply_hint(hint("42", ChangeAction.CREATED), now=NOW)
    sync.apply_hint(hint("42", ChangeAction.UPDATED), now=NOW)
    # Then there is one hire and the employee is stored
    assert publisher.of_type(EmployeeHired) == [EmployeeHired(employee_id="42", hire_date=TODAY)]
    assert directory.get("42") is not None


def test_a_deleted_employee_is_kept_closed_and_announced_as_a_leaver() -> None:
    hris = InMemoryHris([person("9")])
    sync, directory, publisher, _ = service(hris)
    sync.full_sync(now=NOW)
    del hris.employees["9"]
    sync.apply_hint(hint("9", ChangeAction.DELETED), now=NOW + timedelta(minutes=1))
    stored = directory.get("9")
    assert stored is not None
    assert stored.status is EmploymentStatus.INACTIVE
    assert publisher.of_type(EmployeeLeft) == [EmployeeLeft(employee_id="9")]


def test_full_sync_closes_people_the_hris_no_longer_returns_and_sets_the_watermark_to_its_start() -> None:
    hris = InMemoryHris([person("1"), person("2")])
    sync, directory, _publisher, state = service(hris)
    sync.full_sync(now=NOW)
    del hris.employees["2"]
    later = NOW + timedelta(hours=24)
    report = sync.full_sync(now=later)
    assert report.left == ["2"]
    assert state.get_watermark("memory") == later
    assert [e.employee_id for e in directory.all() if e.is_active] == ["1"]


def test_repeating_a_full_sync_changes_nothing_and_publishes_nothing() -> None:
    hris = InMemoryHris([person("1", hire_date=TODAY), person("2")])
    sync, _, publisher, _ = service(hris)
    sync.full_sync(now=NOW)
    published = len(publisher.events)
    report = sync.full_sync(now=NOW + timedelta(hours=1))
    assert (report.stored, report.unchanged, len(publisher.events)) == (0, 2, published)


def test_incremental_sync_applies_changes_and_deletions_and_advances_to_the_fetch_start() -> None:
    hris = InMemoryHris([person("1"), person("2")])
    sync, directory, _publisher, state = service(hris)
    sync.full_sync(now=NOW)
    fetch_start = NOW + timedelta(hours=2)
    hris.changes = ChangeSet(
        employees=(person("1", level=5, source_updated_at=fetch_start),),
        deleted_ids=("2",),
        fetch_started_at=fetch_start,
    )
    report = sync.incremental_sync(now=fetch_start + timedelta(seconds=5))
    assert report.changed == ["1"]
    assert report.left == ["2"]
    assert directory.get("1").level == 5  # type: ignore[union-attr]
    assert state.get_watermark("memory") == fetch_start


def test_incremental_sync_without_a_watermark_falls_back_to_a_full_sync() -> None:
    hris = InMemoryHris([person("1")])
    sync, directory, _, state = service(hris)
    sync.incremental_sync(now=NOW)
    assert directory.get("1") is not None
    assert state.get_watermark("memory") == NOW
