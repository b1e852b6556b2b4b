"""Match runs: from a programme and the current workforce to draft (or auto-approved) pairings.

The engine is pure and passed in, so this module stays free of numpy: the admin API imports it to
*request* a run, and only the matching function imports the engine to *execute* one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from mentorship.errors import NotFound
from mentorship.events import DomainEvent, MatchRunCompleted, MatchRunRequested, PairingApproved
from mentorship.models import (
    Employee,
    MatchMode,
    MatchRun,
    MatchRunStatus,
    Pairing,
    PairingStatus,
    Program,
)
from mentorship.ports import EmployeeDirectory, EventPublisher, PairingStore, ProgramStore

if TYPE_CHECKING:  # the engine's types only: importing the engine would load numpy
    from mentorship.matching import MatchOutcome

# Pairings that hold a mentor's capacity and must never be moved by a later run.
HOLDING_STATUSES = frozenset({PairingStatus.APPROVED})


Engine = Callable[..., "MatchOutcome"]


def new_run_id(now: datetime) -> str:
    return f"r-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def new_hire_run_id(program_id: str, employee_id: str) -> str:
    """Deterministic, so a redelivered EmployeeHired event finds the run already done."""
    return f"hire-{program_id}-{employee_id}"


class MatchingService:
    def __init__(
        self,
        programs: ProgramStore,
        directory: EmployeeDirectory,
        pairings: PairingStore,
        publisher: EventPublisher,
        engine: Engine | None = None,
    ) -> None:
        self._programs = programs
        self._directory = directory
        self._pairings = pairings
        self._publisher = publisher
        self._engine = engine

    def request_run(self, program_id: str, *, now: datetime) -> MatchRun:
        """Record a run as started and hand it to the matching function through the bus."""
        self._program(program_id)
        run = MatchRun(run_id=new_run_id(now), program_id=program_id, started_at=now)
        self._pairings.put_run(run)
        self._publisher.publish(
            [MatchRunRequested(program_id=program_id, run_id=run.run_id, requested_at=now)]
        )
        return run

    def execute_run(
        self,
        run_id: str,
        program_id: str,
        *,
        now: datetime,
        only_mentees: Collection[str] | None = None,
    ) -> MatchRun:
        """Match the programme's cohort; a run that already completed is returned as it is."""
        existing = self._pairings.get_run(run_id)
        if existing is not None and existing.status is MatchRunStatus.COMPLETED:
            return existing
        program = self._program(program_id)
        mode = MatchMode.FULL if only_mentees is None else MatchMode.INCREMENTAL
        started = existing.started_at if existing else now
        employees = list(self._directory.all())
        history = self._pairings.pairings_for_program(program_id)
        holding = [p for p in history if p.status in HOLDING_STATUSES]
        outcome = self._solve(program, employees, history, holding, only_mentees, now.date())

        status = PairingStatus.APPROVED if program.auto_approve else PairingStatus.DRAFT
        pairings = [
            Pairing(
                pairing_id=Pairing.make_id(program_id, pair.mentor_id, pair.mentee_id, run_id),
                program_id=program_id,
                run_id=run_id,
                mentor_id=pair.mentor_id,
                mentee_id=pair.mentee_id,
                score=round(float(pair.score), 6),
                components={name: round(float(value), 6) for name, value in pair.components.items()},
                explanation=pair.explanation,
                status=status,
                start_date=now.date() if status is PairingStatus.APPROVED else None,
            )
            for pair in outcome.pairs
        ]
        self._pairings.put_pairings(pairings)
        run = MatchRun(
            run_id=run_id,
            program_id=program_id,
            mode=mode,
            status=MatchRunStatus.COMPLETED,
            started_at=started,
            finished_at=now,
            pairing_ids=tuple(p.pairing_id for p in pairings),
            unmatched=tuple(outcome.unmatched),
            objective=float(outcome.objective),
            dual_bound=float(outcome.dual_bound),
            mentor_pool_size=outcome.mentor_pool_size,
            mentee_pool_size=outcome.mentee_pool_size,
        )
        self._pairings.put_run(run)
        events: list[DomainEvent] = [
            MatchRunCompleted(
                program_id=program_id,
                run_id=run_id,
                pairings=len(pairings),
                unmatched=len(run.unmatched),
            )
        ]
        if status is PairingStatus.APPROVED:
            events += [PairingApproved(pairing_id=p.pairing_id, program_id=program_id) for p in pairings]
        self._publisher.publish(events)
        return run

    def match_new_hire(self, employee_id: str, *, now: datetime) -> list[MatchRun]:
        """Fit a new hire into every auto-enrolling programme's spare mentor capacity.

        Approved pairings hold their capacity and are never moved (incremental mode).
        """
        hire = self._directory.get(employee_id)
        if hire is None or not hire.is_active:
            return []
        runs = []
        for program in self._programs.all():
            if not program.auto_enrol_new_hires:
                continue
            runs.append(
                self.execute_run(
                    new_hire_run_id(program.program_id, employee_id),
                    program.program_id,
                    now=now,
                    only_mentees={employee_id},
                )
            )
        return runs

    def _program(self, program_id: str) -> Program:
        program = self._programs.get(program_id)
        if program is None:
            raise NotFound(f"programme {program_id!r} does not exist")
        return program

    def _solve(
        self,
        program: Program,
        employees: Sequence[Employee],
        history: Sequence[Pairing],
        holding: Sequence[Pairing],
        only_mentees: Collection[str] | None,
        today: date,
    ) -> MatchOutcome:
        engine = self._engine
        if engine is None:  # imported here: numpy/scipy only load in the matching function
            from mentorship.matching import match_programme

            engine = match_programme
        return engine(
            program,
            employees,
            today=today,
            history=history,
            locked=holding,
            only_mentees=only_mentees,
        )
