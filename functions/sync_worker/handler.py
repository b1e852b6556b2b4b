"""Sync worker: one SQS message = one employee to re-read, or a full / incremental sync.

Partial batch failure reporting: a message that fails is retried alone (and reaches the DLQ after
the queue's maxReceiveCount); the others in the batch are not repeated.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.lazy import Lazy
from functions.shared.observability import observability
from mentorship.sync import SyncReport, SyncService

logger, tracer, metrics = observability()
processor = BatchProcessor(event_type=EventType.SQS)


def _build() -> SyncService:
    from connectors.factory import connector_from_secret
    from infra.dynamodb import DynamoEmployeeDirectory, DynamoSyncStateStore, DynamoWriteLedger
    from infra.events import EventBridgePublisher
    from infra.secrets import read_secret_json
    from infra.settings import SyncSettings, load_settings

    settings = load_settings(SyncSettings)
    connector = connector_from_secret(
        read_secret_json(settings.hris_secret_arn), ledger=DynamoWriteLedger(settings.table_name)
    )
    return SyncService(
        connector=connector,
        directory=DynamoEmployeeDirectory(settings.table_name),
        publisher=EventBridgePublisher(settings.event_bus_name),
        state=DynamoSyncStateStore(settings.table_name),
    )


sync_service = Lazy(_build)


@tracer.capture_method
def handle_sync_message(record: SQSRecord) -> None:
    from infra.messages import EmployeeSyncMessage, FullSyncMessage, parse_sync_message

    message = parse_sync_message(record.body)
    service = sync_service.get()
    now = datetime.now(UTC)
    if isinstance(message, EmployeeSyncMessage):
        report = service.apply_hint(message.to_hint(), now=now)
    elif isinstance(message, FullSyncMessage):
        report = service.full_sync(now=now)
    else:
        report = service.incremental_sync(now=now)
    _record(report, kind=message.kind)


def _record(report: SyncReport, *, kind: str) -> None:
    metrics.add_metric(name="EmployeesStored", unit=MetricUnit.Count, value=report.stored)
    metrics.add_metric(name="EmployeesHired", unit=MetricUnit.Count, value=len(report.hired))
    logger.info(
        "sync applied",
        extra={
            "kind": kind,
            "read": report.read,
            "stored": report.stored,
            "unchanged": report.unchanged,
            "hired": report.hired,
            "left": report.left,
            "changed": report.changed[:50],
        },
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=handle_sync_message, processor=processor, context=context
    )
