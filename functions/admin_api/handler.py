"""Admin API (behind AWS_IAM): programmes, match runs, review decisions, sync triggers.

Routes are thin: validate, call one service, return a model. Long work (matching, syncing) is
handed to the bus or the sync queue and answered 202, with the run's status readable afterwards.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict

from functions.shared.http_errors import register_error_handlers
from functions.shared.lazy import Lazy
from functions.shared.observability import observability
from mentorship.approval import ApprovalService, Decisions
from mentorship.errors import InvalidRequest, NotFound
from mentorship.models import MatchRun, Pairing, Program
from mentorship.ports import PairingStore, ProgramStore
from mentorship.runs import MatchingService

logger, tracer, metrics = observability()
app = APIGatewayHttpResolver()
register_error_handlers(app, logger)


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["full", "incremental"] = "full"


class SyncTrigger:
    """What the admin API needs from the sync queue."""

    def __init__(self, queue_url: str) -> None:
        from infra.queues import SyncQueue

        self._queue = SyncQueue(queue_url)

    def request(self, mode: str) -> None:
        if mode == "full":
            self._queue.enqueue_full_sync()
        else:
            self._queue.enqueue_incremental_sync()


@dataclass(frozen=True)
class Services:
    programs: ProgramStore
    pairings: PairingStore
    matching: MatchingService
    approval: ApprovalService
    sync: SyncTrigger


def _build() -> Services:
    from infra.dynamodb import DynamoEmployeeDirectory, DynamoPairingStore, DynamoProgramStore
    from infra.events import EventBridgePublisher
    from infra.settings import AdminSettings, load_settings

    settings = load_settings(AdminSettings)
    programs = DynamoProgramStore(settings.table_name)
    pairings = DynamoPairingStore(settings.table_name)
    publisher = EventBridgePublisher(settings.event_bus_name)
    return Services(
        programs=programs,
        pairings=pairings,
        matching=MatchingService(programs, DynamoEmployeeDirectory(settings.table_name), pairings, publisher),
        approval=ApprovalService(pairings, publisher),
        sync=SyncTrigger(settings.sync_queue_url),
    )


services = Lazy(_build)


def _json(status: int, body: Any) -> Response[Any]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _body() -> dict[str, Any]:
    try:
        body = app.current_event.json_body
    except ValueError as error:
        raise InvalidRequest("the request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    return body


@app.get("/admin/programs")
def handle_list_programs() -> Response[Any]:
    programs = sorted(services.get().programs.all(), key=lambda p: p.program_id)
    return _json(200, {"programs": [p.model_dump(mode="json") for p in programs]})


@app.get("/admin/programs/<program_id>")
def handle_get_program(program_id: str) -> Response[Any]:
    program = services.get().programs.get(program_id)
    if program is None:
        raise NotFound(f"programme {program_id!r} does not exist")
    return _json(200, program.model_dump(mode="json"))


@app.put("/admin/programs/<program_id>")
def handle_put_program(program_id: str) -> Response[Any]:
    body = _body()
    if body.get("program_id", program_id) != program_id:
        raise InvalidRequest("program_id in the body differs from the path", field="program_id")
    program = Program.model_validate({**body, "program_id": program_id})
    services.get().programs.put(program)
    return _json(200, program.model_dump(mode="json"))


@app.post("/admin/programs/<program_id>/runs")
def handle_start_run(program_id: str) -> Response[Any]:
    run = services.get().matching.request_run(program_id, now=datetime.now(UTC))
    logger.info("match run requested", extra={"run_id": run.run_id, "program_id": program_id})
    return _json(202, run.model_dump(mode="json"))


@app.get("/admin/runs/<run_id>")
def handle_get_run(run_id: str) -> Response[Any]:
    svc = services.get()
    run: MatchRun | None = svc.pairings.get_run(run_id)
    if run is None:
        raise NotFound(f"match run {run_id!r} does not exist")
    pairings: list[Pairing] = svc.pairings.pairings_of_run(run_id)
    return _json(
        200,
        {
            **run.model_dump(mode="json"),
            "pairings": [p.model_dump(mode="json") for p in sorted(pairings, key=lambda p: p.mentee_id)],
        },
    )


@app.post("/admin/runs/<run_id>/decisions")
def handle_decide(run_id: str) -> Response[Any]:
    decisions = Decisions.model_validate(_body())
    report = services.get().approval.decide(run_id, decisions, now=datetime.now(UTC))
    logger.info(
        "review decisions applied",
        extra={"run_id": run_id, "approved": len(report.approved), "rejected": len(report.rejected)},
    )
    return _json(200, asdict(report))


@app.post("/admin/sync")
def handle_request_sync() -> Response[Any]:
    request = SyncRequest.model_validate(_body() if app.current_event.body else {})
    services.get().sync.request(request.mode)
    return _json(202, {"sync": request.mode, "status": "queued"})


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
