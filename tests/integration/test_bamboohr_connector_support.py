"""Shared set-up for the BambooHR connector integration tests (no tests here).

Each test gets its own sandbox account (seeded from the same synthetic workforce) over real
loopback HTTP, and a connector whose retries sleep on a recorded fake clock, so fault tests run
at full speed while asserting the waits the connector chose.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from connectors.bamboohr.connector import BambooHRConnector
from connectors.bamboohr.settings import BambooHRSettings
from connectors.http import Retrier, RetryPolicy
from mentorship.fakes import InMemoryWriteLedger
from mentorship.models import Employee, Pairing, PairingStatus, Role, TrainingAssignment
from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
from sandbox.workforce import WorkforceSpec, generate_workforce

WORKFORCE = generate_workforce(WorkforceSpec(employees=300, seed=7))


@dataclass
class RecordedSleep:
    """Stands in for time.sleep and time.monotonic: sleeping only advances this clock."""

    now: float = 0.0
    pauses: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@dataclass
class Harness:
    sandbox: BambooHRSandbox
    sleeper: RecordedSleep
    ledger: InMemoryWriteLedger
    make: Callable[..., BambooHRConnector]

    @property
    def account(self) -> SandboxAccount:
        return self.sandbox.account


@pytest.fixture
def harness() -> Iterator[Harness]:
    account = SandboxAccount.from_workforce(WORKFORCE, company_domain="acme", api_key="sandbox-key")
    with BambooHRSandbox(account) as sandbox:
        sleeper = RecordedSleep()
        ledger = InMemoryWriteLedger()
        opened: list[BambooHRConnector] = []

        def make(
            *, with_ledger: bool = True, hooks: dict[str, list[Any]] | None = None, **overrides: Any
        ) -> BambooHRConnector:
            settings = BambooHRSettings.model_validate(
                {
                    "company_domain": "acme",
                    "api_key": sandbox.api_key,
                    "base_url": sandbox.base_url,
                    **overrides,
                }
            )
            retrier = Retrier(
                RetryPolicy(
                    max_attempts=settings.max_attempts,
                    max_total_seconds=settings.max_retry_seconds,
                    base_delay_seconds=settings.base_backoff_seconds,
                    max_delay_seconds=settings.max_backoff_seconds,
                ),
                sleep=sleeper.sleep,
                monotonic=sleeper.monotonic,
                rng=random.Random(3),
            )
            # The connector and the account agree on the time (NTP in real life; a shared clock here).
            connector = BambooHRConnector(
                settings,
                ledger=ledger if with_ledger else None,
                retrier=retrier,
                event_hooks=hooks,
                clock=sandbox.clock.now,
            )
            opened.append(connector)
            return connector

        yield Harness(sandbox, sleeper, ledger, make)
        for connector in opened:
            connector.close()


def comparable(employee: Employee) -> dict[str, Any]:
    """An employee's facts, without what the HRIS stamps or what is read separately (goals)."""
    return employee.model_dump(mode="json", exclude={"source_updated_at", "goals"})


def pairing(mentor_id: str = "101", mentee_id: str = "105", **changes: Any) -> Pairing:
    base = Pairing(
        pairing_id=Pairing.make_id("reverse-q1", mentor_id, mentee_id, "run-1"),
        program_id="reverse-q1",
        run_id="run-1",
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        score=0.82,
        explanation="Coaches Short-video strategy, which the mentee wants most",
        status=PairingStatus.APPROVED,
        start_date=date(2026, 12, 1),
    )
    return base.model_copy(update=changes)


def assignment(for_pairing: Pairing, employee_id: str = "101", **changes: Any) -> TrainingAssignment:
    base = TrainingAssignment(
        assignment_id=TrainingAssignment.make_id(
            for_pairing.pairing_id, employee_id, "advising-senior-leaders"
        ),
        pairing_id=for_pairing.pairing_id,
        employee_id=employee_id,
        role=Role.MENTOR,
        item_id="advising-senior-leaders",
        title="Advising senior leaders with confidence",
        due_date=date(2026, 12, 15),
        link_url="https://learning.example.com/advising",
    )
    return base.model_copy(update=changes)


def by_id(employees: list[Employee]) -> dict[str, Employee]:
    return {employee.employee_id: employee for employee in employees}
