"""Write-back: approved and ended pairings (EventBridge → SQS) are recorded in the HRIS.

Each SQS body is the EventBridge event. Connector writes are look-up-before-insert plus a ledger,
so a retried message never creates a second row.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.lazy import Lazy
from functions.shared.observability import observability
from mentorship.events import PairingApproved, PairingEnded
from mentorship.write_back import WriteBackService

logger, tracer, metrics = observability()
processor = BatchProcessor(event_type=EventType.SQS)


def _build() -> WriteBackService:
    from connectors.factory import connector_from_secret
    from infra.dynamodb import (
        DynamoEmployeeDirectory,
        DynamoPairingStore,
        DynamoProgramStore,
        DynamoWriteLedger,
    )
    from infra.secrets import read_secret_json
    from infra.settings import WriteBackSettings, load_settings

    settings = load_settings(WriteBackSettings)
    connector = connector_from_secret(
        read_secret_json(settings.hris_secret_arn), ledger=DynamoWriteLedger(settings.table_name)
    )
    return WriteBackService(
        pairings=DynamoPairingStore(settings.table_name),
        directory=DynamoEmployeeDirectory(settings.table_name),
        programs=DynamoProgramStore(settings.table_name),
        connector=connector,
    )


write_back_service = Lazy(_build)


@tracer.capture_method
def handle_pairing_event(record: SQSRecord) -> None:
    from infra.events import parse_domain_event

    event = parse_domain_event(json.loads(record.body))
    if not isinstance(event, PairingApproved | PairingEnded):
        logger.warning("ignored event", extra={"detail_type": type(event).__name__})
        return
    report = write_back_service.get().write_pairing(event.pairing_id, today=datetime.now(UTC).date())
    metrics.add_metric(name="AssignmentsWritten", unit=MetricUnit.Count, value=report.assignments)
    logger.info(
        "pairing written back",
        extra={
            "pairing_id": report.pairing_id,
            "rows": report.pairing_rows,
            "assignments": report.assignments,
            "skipped": report.skipped_reason,
        },
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=handle_pairing_event, processor=processor, context=context
    )
