"""What the fakes add beyond the port contract (which `test_infra_port_contracts.py` checks)."""

from __future__ import annotations

from datetime import UTC, datetime

from mentorship.events import EmployeeHired, EmployeeLeft
from mentorship.fakes import InMemoryEmployeeDirectory, RecordingEventPublisher
from mentorship.models import Employee


def test_recording_publisher_keeps_events_in_order_and_filters_by_type() -> None:
    publisher = RecordingEventPublisher()
    publisher.publish([EmployeeHired(employee_id="e1"), EmployeeLeft(employee_id="e2")])
    publisher.publish([EmployeeHired(employee_id="e3")])
    assert publisher.events == [
        EmployeeHired(employee_id="e1"),
        EmployeeLeft(employee_id="e2"),
        EmployeeHired(employee_id="e3"),
    ]
    assert [event.employee_id for event in publisher.of_type(EmployeeHired)] == ["e1", "e3"]


def test_directory_seeded_with_employees_applies_the_same_upsert_rules() -> None:
    # Given a seed list holding an update followed by a stale copy of the same person
    newer = Employee(employee_id="e1", level=4, source_updated_at=datetime(2026, 11, 2, tzinfo=UTC))
    stale = Employee(employee_id="e1", level=3, source_updated_at=datetime(2026, 11, 1, tzinfo=UTC))
    directory = InMemoryEmployeeDirectory([newer, stale])
    # Then the newer record stands
    assert directory.get("e1") == newer
    assert list(directory.all()) == [newer]
