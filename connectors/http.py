"""A resilient JSON-over-HTTP client shared by every HRIS connector.

HRIS APIs fail in a few well-known ways: rate limits (429, or 503 with `Retry-After`), gateway
hiccups (502/504), timeouts, cut-off or non-JSON bodies. This module turns those into bounded,
jittered retries and, once the budget is spent, into the domain's `HrisUnavailable`; refusals that
no retry can fix (other 4xx) become `HrisRejected` with the vendor's error-message header.

Requests that are not safe to repeat (a POST that creates a row) are only retried when the server
said it did not process them (429). Everything else surfaces at once so the caller, which knows
how to look its write up, can retry the whole look-up-then-write step instead of duplicating it.
Sleeping, the clock and the random source are injectable so tests never wait.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx
from aws_lambda_powertools import Logger

from mentorship.errors import HrisRejected, HrisUnavailable

logger = Logger(child=True)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# 429 always means "not processed"; 503 with Retry-After is how BambooHR throttled before 429.
RATE_LIMITED = frozenset({429})
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

Expect = Literal["json", "empty", "any"]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: bounded attempts, bounded total time, exponential backoff with full jitter."""

    max_attempts: int = 5
    max_total_seconds: float = 60.0
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 20.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_total_seconds <= 0 or self.base_delay_seconds < 0 or self.max_delay_seconds < 0:
            raise ValueError("retry durations must be positive")

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^(attempt-1))]."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * (2 ** (attempt - 1)))
        return rng.uniform(0, ceiling)


@dataclass
class Retrier:
    """Runs attempts under one `RetryPolicy` budget; shared by the HTTP layer and connectors' write steps."""

    policy: RetryPolicy
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def attempts(self) -> Iterator[RetryWindow]:
        """Yield one window per attempt; the caller calls `window.retry_after_failure(...)` to go on."""
        window = RetryWindow(self, started=self.monotonic())
        while True:
            window.attempt += 1
            yield window
            if window.finished:
                return

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)


@dataclass
class RetryWindow:
    """Book-keeping of one retried operation: which attempt this is and how much time is left."""

    retrier: Retrier
    started: float
    attempt: int = 0
    finished: bool = False

    def succeed(self) -> None:
        self.finished = True

    def retry_after_failure(self, error: HrisUnavailable, retry_after: float | None = None) -> None:
        """Sleep before the next attempt, or re-raise `error` when the budget is spent."""
        policy = self.retrier.policy
        delay = retry_after if retry_after is not None else policy.backoff(self.attempt, self.retrier.rng)
        elapsed = self.retrier.monotonic() - self.started
        if self.attempt >= policy.max_attempts or elapsed + delay > policy.max_total_seconds:
            self.finished = True
            raise error
        self.retrier.pause(delay)


@dataclass(frozen=True)
class HttpResult:
    """A successful response, its body already read (and parsed when JSON was expected)."""

    status_code: int
    headers: Mapping[str, str]
    data: Any = None
    text: str = ""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date); None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ResilientHttpClient:
    """One HRIS account's HTTP session: auth, explicit timeouts, retries, typed errors.

    `service` names the vendor in error messages; `rejection_headers` are the response headers that
    carry the vendor's reason for a 4xx (read in order, first non-empty wins).
    """

    def __init__(
        self,
        *,
        base_url: str,
        service: str,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout,
        retrier: Retrier,
        rejection_headers: Sequence[str] = (),
        transport: httpx.BaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        self.service = service
        self.retrier = retrier
        self.rejection_headers = tuple(rejection_headers)
        self.requests_sent = 0
        self._client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            event_hooks=dict(event_hooks or {}),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ResilientHttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        expect: Expect = "json",
        safe_to_repeat: bool | None = None,
    ) -> HttpResult:
        """Send one logical request; retried within the budget when that cannot duplicate an effect."""
        method = method.upper()
        repeatable = method in SAFE_METHODS if safe_to_repeat is None else safe_to_repeat
        where = f"{method} {path}"
        for window in self.retrier.attempts():
            try:
                result = self._send_once(method, path, params, json_body, headers, expect, where)
            except _Transient as caught:
                transient = caught
            else:
                window.succeed()
                return result
            # Handled outside the except block so the error raised carries no internal context.
            if not repeatable and transient.status_code not in RATE_LIMITED:
                raise transient.error
            logger.warning(
                "HRIS request failed, will retry",
                extra={
                    "hris": self.service,
                    "request": where,
                    "attempt": window.attempt,
                    "status": transient.status_code,
                    "retry_after": transient.retry_after,
                    "reason": transient.reason,
                },
            )
            window.retry_after_failure(transient.error, transient.retry_after)
        raise AssertionError("unreachable: the retry loop either returns or raises")  # pragma: no cover

    def _send_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
        expect: Expect,
        where: str,
    ) -> HttpResult:
        content = None
        send_headers = dict(headers or {})
        if json_body is not None:
            # Serialised by hand so Content-Type is exactly `application/json`: BambooHR parses any
            # other value (even with `; charset=utf-8`) as XML.
            content = json.dumps(json_body, separators=(",", ":")).encode()
            send_headers["Content-Type"] = "application/json"
        self.requests_sent += 1
        try:
            response = self._client.request(
                method, path, params=params, content=content, headers=send_headers
            )
        except httpx.TimeoutException as error:
            raise _Transient(self._unavailable(where, f"timed out ({type(error).__name__})")) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as error:
            raise _Transient(self._unavailable(where, f"cut the response short ({error})")) from None
        except httpx.TransportError as error:
            raise _Transient(
                self._unavailable(where, f"could not be reached ({type(error).__name__})")
            ) from None

        status = response.status_code
        if status in TRANSIENT_STATUSES or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Transient(
                self._unavailable(where, f"answered {status}"), status_code=status, retry_after=retry_after
            )
        if 400 <= status < 500:
            reason = next(
                (response.headers[h] for h in self.rejection_headers if response.headers.get(h)), ""
            )
            message = f"{self.service} refused {where} with {status}" + (f": {reason}" if reason else "")
            raise HrisRejected(message, status_code=status)
        if 300 <= status < 400:
            raise HrisRejected(
                f"{self.service} redirected {where} ({status}); check the base URL", status_code=status
            )

        if expect == "empty":
            return HttpResult(status, response.headers, None, "")
        text = response.text
        if expect == "any":
            return HttpResult(status, response.headers, None, text)
        try:
            data = json.loads(text)
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise _Transient(
                self._unavailable(where, f"answered with a body that is not JSON ({kind}, {len(text)} chars)")
            ) from None
        return HttpResult(status, response.headers, data, text)

    def _unavailable(self, where: str, what: str) -> HrisUnavailable:
        return HrisUnavailable(f"{self.service} {where} {what}")


class _Transient(Exception):
    """Internal: a failure worth retrying, carrying the error to raise if the budget runs out."""

    def __init__(
        self, error: HrisUnavailable, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.status_code = status_code
        self.retry_after = retry_after
        self.reason = str(error)
