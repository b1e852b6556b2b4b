"""Review of a run's drafts: the programme manager approves all, approves some, rejects some.

Approval is what releases a pairing to the HRIS: each approved pairing is announced on the bus and
the write-back function records it for both people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mentorship.errors import InvalidRequest, NotFound
from mentorship.events import PairingApproved
from mentorship.models import MatchRunStatus, PairingStatus
from mentorship.ports import EventPublisher, PairingStore


class Decisions(BaseModel):
    """The body of a review: `approve_all`, or explicit lists of pairing ids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    approve_all: bool = False
    approve: tuple[str, ...] = ()
    reject: tuple[str, ...] = Field(default=(), description="Rejected drafts are never written back")

    @model_validator(mode="after")
    def _consistent(self) -> Decisions:
        if not (self.approve_all or self.approve or self.reject):
            raise ValueError("give approve_all, approve or reject")
        overlap = set(self.approve) & set(self.reject)
        if overlap:
            raise ValueError(f"pairings both approved and rejected: {sorted(overlap)}")
        return self


@dataclass
class DecisionReport:
    approved: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    already_decided: list[str] = field(default_factory=list)


class ApprovalService:
    def __init__(self, pairings: PairingStore, publisher: EventPublisher) -> None:
        self._pairings = pairings
        self._publisher = publisher

    def decide(self, run_id: str, decisions: Decisions, *, now: datetime) -> DecisionReport:
        """Apply the decisions; repeating the same call changes nothing and publishes nothing new."""
        run = self._pairings.get_run(run_id)
        if run is None:
            raise NotFound(f"match run {run_id!r} does not exist")
        if run.status is not MatchRunStatus.COMPLETED:
            raise InvalidRequest(f"match run {run_id!r} is {run.status.value}; wait until it completes")
        in_run = set(run.pairing_ids)
        unknown = sorted((set(decisions.approve) | set(decisions.reject)) - in_run)
        if unknown:
            raise InvalidRequest(f"pairings not in run {run_id!r}: {unknown}", field="approve")
        to_reject = set(decisions.reject)
        to_approve = (in_run - to_reject) if decisions.approve_all else set(decisions.approve)

        report = DecisionReport()
        for pairing_id in sorted(to_approve | to_reject):
            target = PairingStatus.REJECTED if pairing_id in to_reject else PairingStatus.APPROVED
            current = self._pairings.get_pairing(pairing_id)
            if current is None or current.status is not PairingStatus.DRAFT:
                report.already_decided.append(pairing_id)
                continue
            self._pairings.set_status(pairing_id, target, expected=PairingStatus.DRAFT)
            (report.rejected if target is PairingStatus.REJECTED else report.approved).append(pairing_id)
        self._announce(report.approved, run.program_id)
        return report

    def _announce(self, approved: Sequence[str], program_id: str) -> None:
        if approved:
            self._publisher.publish(
                [PairingApproved(pairing_id=pairing_id, program_id=program_id) for pairing_id in approved]
            )
