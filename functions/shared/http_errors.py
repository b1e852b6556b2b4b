"""Domain errors → HTTP responses, defined once for every HTTP-facing function.

4xx only for requests that can never succeed as sent (BambooHR never retries a 4xx); our own
transient faults answer 503 so the sender retries instead of the event being lost.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from pydantic import ValidationError

from mentorship.errors import (
    HrisRejected,
    HrisUnavailable,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RuleViolation,
    StaleEvent,
)


def error_response(status: int, message: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"message": message, **{k: v for k, v in extra.items() if v is not None}},
    )


def register_error_handlers(app: APIGatewayHttpResolver, logger: Logger) -> None:
    @app.exception_handler(InvalidSignature)
    def _unauthorised(error: InvalidSignature) -> Response[dict[str, Any]]:
        logger.warning("rejected unsigned or wrongly signed request", extra={"reason": str(error)})
        return error_response(401, "invalid or missing signature")

    @app.exception_handler(StaleEvent)
    def _stale(error: StaleEvent) -> Response[dict[str, Any]]:
        logger.warning("rejected event outside the replay window", extra={"reason": str(error)})
        return error_response(401, str(error))

    @app.exception_handler(MalformedPayload)
    def _malformed(error: MalformedPayload) -> Response[dict[str, Any]]:
        return error_response(400, str(error), field=error.field)

    @app.exception_handler(ValidationError)
    def _invalid(error: ValidationError) -> Response[dict[str, Any]]:
        problems = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        return error_response(422, "invalid request", errors=problems)

    @app.exception_handler(InvalidRequest)
    def _unprocessable(error: InvalidRequest) -> Response[dict[str, Any]]:
        return error_response(422, str(error), field=error.field)

    @app.exception_handler(RuleViolation)
    def _conflict(error: RuleViolation) -> Response[dict[str, Any]]:
        return error_response(409, str(error))

    @app.exception_handler(NotFound)
    def _missing(error: NotFound) -> Response[dict[str, Any]]:
        return error_response(404, str(error))

    @app.not_found
    def _no_route(error: NotFoundError) -> Response[dict[str, Any]]:
        return error_response(404, "no such route")

    @app.exception_handler(HrisRejected)
    def _hris_rejected(error: HrisRejected) -> Response[dict[str, Any]]:
        logger.error("the HRIS rejected a request", extra={"status": error.status_code})
        return error_response(502, f"the HRIS rejected the request: {error}")

    @app.exception_handler(HrisUnavailable)
    def _hris_down(error: HrisUnavailable) -> Response[dict[str, Any]]:
        logger.warning("the HRIS is unavailable", extra={"reason": str(error)})
        return error_response(503, "the HRIS is temporarily unavailable; retry later")

    @app.exception_handler(Exception)
    def _transient(error: Exception) -> Response[dict[str, Any]]:
        # Anything unexpected is treated as our own transient fault: 503 makes BambooHR retry
        # (5 times, up to 80 minutes apart) instead of dropping the event.
        logger.exception("unhandled error; answering 503 so the sender retries")
        return error_response(503, "temporarily unavailable; retry later")
