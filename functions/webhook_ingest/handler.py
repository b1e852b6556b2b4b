"""Webhook ingest: verify the HRIS push on its raw bytes, enqueue one hint per change, answer 202.

The answer comes only after the hints are on the sync queue, so an acknowledged event is never
lost; repeated deliveries are recognised by their dedupe key (Powertools idempotency) and not
enqueued twice. Kept import-light: this is the cold-start path.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.http_errors import register_error_handlers
from functions.shared.lazy import Lazy
from functions.shared.observability import observability
from functions.webhook_ingest.verification import KeyRefreshingVerifier
from mentorship.ports import ChangeHint, InboundEventVerifier

logger, tracer, metrics = observability()
app = APIGatewayHttpResolver()
register_error_handlers(app, logger)

# BambooHR retries a failed delivery for up to ~2.5 hours; a week comfortably covers late repeats.
DEDUPE_WINDOW_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Dependencies:
    verifier: InboundEventVerifier
    enqueue_once: Any  # (hint: dict) -> dict, idempotent on the hint's dedupe key
    idempotency: IdempotencyConfig


def _build() -> Dependencies:
    from connectors.bamboohr.webhooks import BambooHRWebhookVerifier
    from infra.queues import SyncQueue
    from infra.secrets import SECRET_MAX_AGE_SECONDS, webhook_private_key
    from infra.settings import TableSettings, WebhookSettings, load_settings

    settings = load_settings(WebhookSettings)
    table = load_settings(TableSettings)
    queue = SyncQueue(settings.sync_queue_url)
    config = IdempotencyConfig(event_key_jmespath="dedupe_key", expires_after_seconds=DEDUPE_WINDOW_SECONDS)
    persistence = DynamoDBPersistenceLayer(table_name=table.table_name, key_attr="pk", sort_key_attr="sk")

    @idempotent_function(data_keyword_argument="hint", persistence_store=persistence, config=config)
    def enqueue_once(hint: dict[str, Any]) -> dict[str, Any]:
        queue.enqueue_hints([ChangeHint.model_validate(hint)])
        return {"enqueued": hint["dedupe_key"]}

    def load_key(fresh: bool) -> str:
        return webhook_private_key(
            settings.webhook_secret_arn, max_age=0 if fresh else SECRET_MAX_AGE_SECONDS
        )

    return Dependencies(
        verifier=KeyRefreshingVerifier(load_key, BambooHRWebhookVerifier),
        enqueue_once=enqueue_once,
        idempotency=config,
    )


dependencies = Lazy(_build)


def raw_body(event: dict[str, Any]) -> bytes:
    """The exact bytes BambooHR signed: API Gateway base64-encodes bodies it deems binary."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


@app.post("/webhooks/bamboohr")
def handle_bamboohr_webhook() -> Response[dict[str, Any]]:
    deps = dependencies.get()
    deps.idempotency.register_lambda_context(app.lambda_context)
    hints = deps.verifier.verify_and_parse(
        app.current_event.headers, raw_body(app.current_event.raw_event), now=datetime.now(UTC)
    )
    for hint in hints:
        deps.enqueue_once(hint=hint.model_dump(mode="json"))
    metrics.add_metric(name="WebhookHintsAccepted", unit=MetricUnit.Count, value=len(hints))
    logger.info(
        "webhook accepted",
        extra={"employee_ids": [h.employee_id for h in hints], "actions": [h.action.value for h in hints]},
    )
    return Response(
        status_code=202, content_type=content_types.APPLICATION_JSON, body={"accepted": len(hints)}
    )


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
