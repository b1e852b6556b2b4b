"""Matching: runs a programme's cohort when an admin asks, fits each new hire in when they join, and
closes and rematches around leavers.

Triggered by EventBridge (`MatchRunRequested`, `EmployeeHired`, `EmployeeLeft`). Every path is
idempotent: a redelivered event finds its run completed, or its pairings already closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.lazy import Lazy
from functions.shared.observability import observability
from mentorship.events import EmployeeHired, EmployeeLeft, MatchRunRequested
from mentorship.lifecycle import LifecycleService
from mentorship.runs import MatchingService

logger, tracer, metrics = observability()


@dataclass(frozen=True)
class Services:
    matching: MatchingService
    lifecycle: LifecycleService


def _build() -> Services:
    from infra.dynamodb import DynamoEmployeeDirectory, DynamoPairingStore, DynamoProgramStore
    from infra.events import EventBridgePublisher
    from infra.settings import MatchingSettings, load_settings
    from mentorship.matching import match_programme

    settings = load_settings(MatchingSettings)
    directory = DynamoEmployeeDirectory(settings.table_name)
    pairings = DynamoPairingStore(settings.table_name)
    publisher = EventBridgePublisher(settings.event_bus_name)
    matching = MatchingService(
        DynamoProgramStore(settings.table_name), directory, pairings, publisher, engine=match_programme
    )
    return Services(matching, LifecycleService(pairings, directory, publisher, matching))


services = Lazy(_build)


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from infra.events import parse_domain_event

    domain_event = parse_domain_event(event)
    svc = services.get()
    now = datetime.now(UTC)
    if isinstance(domain_event, MatchRunRequested):
        runs = [svc.matching.execute_run(domain_event.run_id, domain_event.program_id, now=now)]
    elif isinstance(domain_event, EmployeeHired):
        runs = svc.matching.match_new_hire(domain_event.employee_id, now=now)
    elif isinstance(domain_event, EmployeeLeft):
        report = svc.lifecycle.handle_leaver(domain_event.employee_id, now=now)
        logger.info(
            "leaver handled",
            extra={
                "employee_id": domain_event.employee_id,
                "ended": report.ended,
                "withdrawn": report.withdrawn,
            },
        )
        runs = report.rematch_runs
    else:
        logger.warning("ignored event", extra={"detail_type": event.get("detail-type")})
        return {"runs": []}
    for run in runs:
        metrics.add_metric(name="PairingsProposed", unit=MetricUnit.Count, value=len(run.pairing_ids))
        logger.info(
            "match run completed",
            extra={
                "run_id": run.run_id,
                "program_id": run.program_id,
                "pairings": len(run.pairing_ids),
                "unmatched": len(run.unmatched),
                "objective": run.objective,
            },
        )
    return {"runs": [run.run_id for run in runs]}
