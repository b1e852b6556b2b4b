"""Pairing lifecycle when people leave: close what they were part of, and rematch who is left.

A leaver's approved pairings end (the HRIS rows are updated through `PairingEnded`), their pending
drafts are withdrawn so nobody approves a pairing with someone who has gone, and a mentee who lost
their mentor is matched again into spare capacity, like a new hire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mentorship.events import PairingEnded
from mentorship.models import MatchRun, Pairing, PairingStatus
from mentorship.ports import EmployeeDirectory, EventPublisher, PairingStore
from mentorship.runs import MatchingService

LEFT_REASON = "{role} left the company"


@dataclass
class LeaverReport:
    ended: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    rematch_runs: list[MatchRun] = field(default_factory=list)


def rematch_run_id(pairing_id: str) -> str:
    """Deterministic, so a redelivered EmployeeLeft finds the rematch already done."""
    return f"rematch-{pairing_id}"


class LifecycleService:
    def __init__(
        self,
        pairings: PairingStore,
        directory: EmployeeDirectory,
        publisher: EventPublisher,
        matching: MatchingService,
    ) -> None:
        self._pairings = pairings
        self._directory = directory
        self._publisher = publisher
        self._matching = matching

    def handle_leaver(self, employee_id: str, *, now: datetime) -> LeaverReport:
        """Safe to repeat: only pairings still approved or draft are touched."""
        report = LeaverReport()
        for pairing in self._pairings.pairings_for_employee(employee_id):
            role = "the mentor" if pairing.mentor_id == employee_id else "the mentee"
            if pairing.status is PairingStatus.DRAFT:
                self._pairings.set_status(
                    pairing.pairing_id, PairingStatus.REJECTED, expected=PairingStatus.DRAFT
                )
                report.withdrawn.append(pairing.pairing_id)
            elif pairing.status is PairingStatus.APPROVED:
                self._end(pairing, LEFT_REASON.format(role=role), now=now)
                report.ended.append(pairing.pairing_id)
                if pairing.mentor_id == employee_id:
                    report.rematch_runs.extend(self._rematch(pairing, now=now))
        return report

    def _end(self, pairing: Pairing, reason: str, *, now: datetime) -> None:
        self._pairings.set_status(pairing.pairing_id, PairingStatus.ENDED, expected=PairingStatus.APPROVED)
        closed = pairing.model_copy(
            update={"status": PairingStatus.ENDED, "end_date": now.date(), "end_reason": reason}
        )
        self._pairings.put_pairings([closed])
        self._publisher.publish(
            [PairingEnded(pairing_id=pairing.pairing_id, program_id=pairing.program_id, reason=reason)]
        )

    def _rematch(self, pairing: Pairing, *, now: datetime) -> list[MatchRun]:
        mentee = self._directory.get(pairing.mentee_id)
        if mentee is None or not mentee.is_active:
            return []
        return [
            self._matching.execute_run(
                rematch_run_id(pairing.pairing_id),
                pairing.program_id,
                now=now,
                only_mentees={pairing.mentee_id},
            )
        ]
