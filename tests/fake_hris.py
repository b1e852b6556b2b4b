"""An in-memory HRIS behind the HrisConnector port, for service tests that need no HTTP.

It keeps writes keyed by pairing / assignment id, as the real connectors do (look up before insert),
so a retried write-back is visible as "no second row".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from mentorship.models import Employee, Pairing, TrainingAssignment
from mentorship.ports import ChangeSet, WriteReceipt


class InMemoryHris:
    provider = "memory"

    def __init__(self, employees: Iterable[Employee] = ()) -> None:
        self.employees: dict[str, Employee] = {e.employee_id: e for e in employees}
        self.pairing_rows: dict[tuple[str, str], Pairing] = {}  # (pairing_id, employee_id) → pairing
        self.training_rows: dict[str, TrainingAssignment] = {}
        self.write_calls = 0
        self.changes: ChangeSet | None = None

    def read_all(self) -> Iterator[Employee]:
        return iter(list(self.employees.values()))

    def read_changes(self, since: datetime) -> ChangeSet:
        assert self.changes is not None, "test must set .changes"
        return self.changes

    def read_employee(self, employee_id: str) -> Employee | None:
        return self.employees.get(employee_id)

    def write_pairing(self, pairing: Pairing, mentor: Employee, mentee: Employee) -> WriteReceipt:
        self.write_calls += 1
        created = False
        for person in (mentor, mentee):
            key = (pairing.pairing_id, person.employee_id)
            created = created or key not in self.pairing_rows
            self.pairing_rows[key] = pairing
        return WriteReceipt(
            external_ids=(f"{pairing.pairing_id}:mentor", f"{pairing.pairing_id}:mentee"), created=created
        )

    def write_training(self, assignment: TrainingAssignment, pairing: Pairing) -> WriteReceipt:
        self.write_calls += 1
        created = assignment.assignment_id not in self.training_rows
        self.training_rows[assignment.assignment_id] = assignment
        return WriteReceipt(external_ids=(assignment.assignment_id,), created=created)
