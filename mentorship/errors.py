"""Domain errors: one type per failure kind, mapped to status codes once, at the edge."""

from __future__ import annotations


class MentorbridgeError(Exception):
    """Base of every error the product raises on purpose."""


class InvalidSignature(MentorbridgeError):
    """An inbound HRIS event whose signature or credentials do not check out (→ 401)."""


class MalformedPayload(MentorbridgeError):
    """An inbound body we can never process, whatever the retry (→ 400)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleEvent(MentorbridgeError):
    """A signed event outside the replay window (→ 401: a retry would not help)."""


class HrisUnavailable(MentorbridgeError):
    """The HRIS failed transiently (5xx, timeout, rate limit past our budget); retry later."""


class HrisRejected(MentorbridgeError):
    """The HRIS refused a request for good (4xx other than 429); retrying would not help."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class MappingError(MentorbridgeError):
    """The installation's field mapping names a field or table the HRIS account does not have."""


class NotFound(MentorbridgeError):
    """A programme, run, pairing or employee that does not exist (→ 404)."""


class RuleViolation(MentorbridgeError):
    """A requested pairing breaks one of the programme's hard rules (→ 409)."""


class InvalidRequest(MentorbridgeError):
    """A request that is well-formed but asks for something impossible (→ 422)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
