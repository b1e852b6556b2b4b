"""Realism switches: scheduled faults and a token-bucket rate limit, both thread-safe.

A fault matches requests by path regex (and optionally method) and fires `times` times. By default
it fires *before* the endpoint runs, so a faulted write changes nothing; `after_write=True` runs
the endpoint first and then spoils the response, the case that tests a client's
look-up-before-insert and write ledger.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum


class BodyFault(StrEnum):
    """How a response body is spoiled."""

    CUT_CONNECTION = "cut_connection"  # full Content-Length promised, half sent, connection closed
    HALF_JSON = "half_json"  # a complete HTTP response whose body is the first half of the JSON
    NON_JSON = "non_json"  # an HTML error page with status 200, as a misbehaving proxy sends


@dataclass
class Fault:
    path: re.Pattern[str]
    method: str | None
    times: int
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    body: BodyFault | None = None
    after_write: bool = False
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.fired < self.times
            and (self.method is None or self.method == method)
            and bool(self.path.search(path))
        )


@dataclass
class FaultPlan:
    """Faults waiting to fire, consumed in the order they were added."""

    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        path: str = r".*",
        *,
        method: str | None = None,
        status: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        truncate: bool = False,
        half_json: bool = False,
        non_json: bool = False,
        after_write: bool = False,
    ) -> Fault:
        """Schedule a fault, e.g. `add(path=r"/tables/all", status=503, times=2, retry_after=1)`.

        `status` answers with that status (and `Retry-After` when given); `delay` sleeps first
        (to trip client timeouts); `truncate`, `half_json` and `non_json` spoil the body.
        """
        bodies = [
            kind
            for kind, wanted in (
                (BodyFault.CUT_CONNECTION, truncate),
                (BodyFault.HALF_JSON, half_json),
                (BodyFault.NON_JSON, non_json),
            )
            if wanted
        ]
        if len(bodies) > 1:
            raise ValueError("choose one of truncate, half_json, non_json")
        if status is None and not bodies and delay <= 0:
            raise ValueError("a fault needs a status, a delay or a body fault")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(
            path=re.compile(path),
            method=method.upper() if method else None,
            times=times,
            status=status,
            retry_after=retry_after,
            delay=delay,
            body=bodies[0] if bodies else None,
            after_write=after_write,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The next fault for this request, counted as fired."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(fault.times - fault.fired for fault in self._faults)


class RateLimiter:
    """A token bucket; `None` requests-per-second means unlimited (the default)."""

    def __init__(self, requests_per_second: float | None = None, burst: int | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(requests_per_second, burst)

    def configure(self, requests_per_second: float | None, burst: int | None = None) -> None:
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive (or None for no limit)")
        with self._lock:
            self.rate = requests_per_second
            self.capacity = float(burst if burst is not None else max(1, math.ceil(requests_per_second or 1)))
            self._tokens = self.capacity
            self._updated = time.monotonic()

    def acquire(self) -> int | None:
        """None when the request may proceed, else the whole seconds to wait (for `Retry-After`)."""
        with self._lock:
            if self.rate is None:
                return None
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return None
            return max(1, math.ceil((1 - self._tokens) / self.rate))
