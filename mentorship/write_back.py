"""Write-back: an approved (or ended) pairing and its training reach the HRIS, exactly once.

Connectors look up before they insert and keep a ledger, so this service can simply be run again
after any failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mentorship.errors import NotFound
from mentorship.models import Employee, PairingStatus
from mentorship.ports import EmployeeDirectory, HrisConnector, PairingStore, ProgramStore
from mentorship.training import TrainingCatalogue, plan_for


@dataclass(frozen=True)
class WriteBackReport:
    pairing_id: str
    pairing_rows: int
    assignments: int
    skipped_reason: str | None = None


class WriteBackService:
    def __init__(
        self,
        pairings: PairingStore,
        directory: EmployeeDirectory,
        programs: ProgramStore,
        connector: HrisConnector,
        catalogue: TrainingCatalogue | None = None,
    ) -> None:
        self._pairings = pairings
        self._directory = directory
        self._programs = programs
        self._connector = connector
        self._catalogue = catalogue

    def write_pairing(self, pairing_id: str, *, today: date) -> WriteBackReport:
        pairing = self._pairings.get_pairing(pairing_id)
        if pairing is None:
            raise NotFound(f"pairing {pairing_id!r} does not exist")
        if pairing.status not in (PairingStatus.APPROVED, PairingStatus.ENDED):
            return WriteBackReport(pairing_id, 0, 0, skipped_reason=f"status is {pairing.status.value}")
        program = self._programs.get(pairing.program_id)
        if program is None:
            raise NotFound(f"programme {pairing.program_id!r} of pairing {pairing_id!r} does not exist")
        mentor, mentee = self._person(pairing.mentor_id), self._person(pairing.mentee_id)

        receipt = self._connector.write_pairing(pairing, mentor, mentee)
        if pairing.status is PairingStatus.ENDED:
            return WriteBackReport(pairing_id, len(receipt.external_ids), 0)

        assignments = self._pairings.assignments_for(pairing_id)
        if not assignments:
            starts_on = pairing.start_date or today
            assignments = plan_for(
                pairing, program, mentor, mentee, starts_on=starts_on, catalogue=self._catalogue
            )
            self._pairings.put_assignments(assignments)
        for assignment in assignments:
            self._connector.write_training(assignment, pairing)
        return WriteBackReport(pairing_id, len(receipt.external_ids), len(assignments))

    def _person(self, employee_id: str) -> Employee:
        employee = self._directory.get(employee_id)
        if employee is None:
            raise NotFound(f"employee {employee_id} is not in the directory")
        return employee
