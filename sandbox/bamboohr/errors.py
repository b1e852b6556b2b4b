"""Errors the sandbox answers with, each carrying the HTTP status BambooHR uses for that case.

BambooHR explains a 4xx in a response header (`X-BambooHR-Error-Messsage`, with its historical
typo) rather than in the body; some newer endpoints (webhooks, goals, datasets) add a JSON body.
An `ApiError` carries both, so the HTTP layer renders every failure the same way.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the sandbox refuses; nothing in the account has changed when this is raised."""

    def __init__(
        self, status: int, message: str, *, body: Any = None, content_type: str = "application/json"
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body
        self.content_type = content_type


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def invalid_value(message: str, *, status: int = 409) -> ApiError:
    """409 on employee fields, 406 on table rows: the statuses BambooHR documents for each."""
    return ApiError(status, message)
