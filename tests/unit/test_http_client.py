"""The shared resilient HTTP client, against a scripted server on real loopback HTTP.

Sleeping is injected (recorded, not slept), so retry timing is asserted exactly and the tests stay fast.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.http import ResilientHttpClient, Retrier, RetryPolicy, parse_retry_after
from mentorship.errors import HrisRejected, HrisUnavailable


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False


@dataclass
class ScriptedServer:
    """Answers requests from a queue of scripted responses (the last one repeats) and records them."""

    script: list[Scripted] = field(default_factory=list)
    seen: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def next(self) -> Scripted:
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@pytest.fixture
def server() -> Iterator[tuple[ScriptedServer, str]]:
    state = ScriptedServer()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.seen.append((self.command, self.path, dict(self.headers.items()), body))
            reply = state.next()
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.truncate:
                self.wfile.write(reply.body[: len(reply.body) // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(reply.body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]  # client hung up
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class FakeTime:
    """A clock that advances only when the client 'sleeps'."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def make_client(
    base_url: str, clock: FakeTime, policy: RetryPolicy | None = None, **kw: float
) -> ResilientHttpClient:
    retrier = Retrier(
        policy
        or RetryPolicy(max_attempts=4, max_total_seconds=30, base_delay_seconds=1, max_delay_seconds=8),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rng=random.Random(1),
    )
    return ResilientHttpClient(
        base_url=base_url,
        service="TestHR",
        timeout=httpx.Timeout(kw.get("timeout", 5.0)),
        retrier=retrier,
        rejection_headers=("X-BambooHR-Error-Messsage", "X-BambooHR-Error-Message"),
    )


def test_rate_limited_get_waits_exactly_retry_after_then_succeeds(server: tuple[ScriptedServer, str]) -> None:
    # Given a server that throttles twice with Retry-After: 3 and then answers
    state, url = server
    state.script = [
        Scripted(503, b"busy", {"Retry-After": "3"}),
        Scripted(429, b"slow down", {"Retry-After": "2"}),
        Scripted(200, b'{"ok": true}'),
    ]
    clock = FakeTime()
    # When a GET is sent
    result = make_client(url, clock).request("GET", "/api/v1/meta/fields")
    # Then the client waited what the server asked, and got the body
    assert clock.slept == [3.0, 2.0]
    assert result.data == {"ok": True}
    assert len(state.seen) == 3


def test_server_errors_back_off_with_full_jitter_and_give_up_after_the_attempt_budget(
    server: tuple[ScriptedServer, str],
) -> None:
    # Given a server that always fails with 502
    state, url = server
    state.script = [Scripted(502, b"bad gateway")]
    clock = FakeTime()
    # When a GET is sent
    with pytest.raises(HrisUnavailable, match=r"GET /x answered 502"):
        make_client(url, clock).request("GET", "/x")
    # Then it tried exactly max_attempts times, each pause within the exponential ceiling
    assert len(state.seen) == 4
    assert len(clock.slept) == 3
    for attempt, pause in enumerate(clock.slept, start=1):
        assert 0 <= pause <= min(8, 1 * 2 ** (attempt - 1))


def test_retry_after_longer_than_the_remaining_budget_fails_at_once(
    server: tuple[ScriptedServer, str],
) -> None:
    # Given a rate limit asking for more time than the whole retry budget
    state, url = server
    state.script = [Scripted(429, b"", {"Retry-After": "120"}), Scripted(200, b"{}")]
    clock = FakeTime()
    # When a GET is sent, Then it fails without sleeping and without a second request
    with pytest.raises(HrisUnavailable, match="429"):
        make_client(url, clock).request("GET", "/x")
    assert clock.slept == []
    assert len(state.seen) == 1


def test_client_error_is_rejected_once_with_bamboohrs_error_message_header(
    server: tuple[ScriptedServer, str],
) -> None:
    # Given a 400 carrying BambooHR's (misspelt) error-message header
    state, url = server
    state.script = [Scripted(400, b"", {"X-BambooHR-Error-Messsage": "Invalid field customFoo"})]
    clock = FakeTime()
    # When a GET is sent, Then it is refused with the header text and never retried
    with pytest.raises(HrisRejected, match="Invalid field customFoo") as refused:
        make_client(url, clock).request("GET", "/x")
    assert refused.value.status_code == 400
    assert len(state.seen) == 1


def test_non_repeatable_post_is_not_retried_after_a_server_error(server: tuple[ScriptedServer, str]) -> None:
    # Given a server error on a row insert (the row may or may not have been stored)
    state, url = server
    state.script = [Scripted(500, b"oops"), Scripted(200, b"{}")]
    clock = FakeTime()
    # When the POST is sent, Then it surfaces at once, leaving the caller to look the row up
    with pytest.raises(HrisUnavailable, match="500"):
        make_client(url, clock).request("POST", "/rows", json_body={"a": 1}, expect="any")
    assert len(state.seen) == 1


def test_non_repeatable_post_is_retried_when_rate_limited(server: tuple[ScriptedServer, str]) -> None:
    # Given a 429 (which means the request was not processed) then success
    state, url = server
    state.script = [Scripted(429, b"", {"Retry-After": "1"}), Scripted(200, b"")]
    clock = FakeTime()
    # When the POST is sent
    make_client(url, clock).request("POST", "/rows", json_body={"a": 1}, expect="any")
    # Then it was sent twice, after the requested pause
    assert len(state.seen) == 2
    assert clock.slept == [1.0]


def test_json_bodies_are_sent_with_exactly_application_json(server: tuple[ScriptedServer, str]) -> None:
    # Given a server (BambooHR parses anything else, even "; charset=utf-8", as XML)
    state, url = server
    state.script = [Scripted(200, b"{}")]
    # When a JSON body is posted
    make_client(url, FakeTime()).request("POST", "/report", json_body={"fields": ["firstName"]})
    # Then the content type is exactly application/json and the body round-trips
    method, _, headers, body = state.seen[0]
    assert method == "POST"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"fields": ["firstName"]}


def test_timeouts_are_retried_then_reported_as_unavailable(server: tuple[ScriptedServer, str]) -> None:
    # Given a server slower than the read timeout
    state, url = server
    state.script = [Scripted(200, b"{}", delay=0.4)]
    clock = FakeTime()
    policy = RetryPolicy(max_attempts=2, max_total_seconds=30, base_delay_seconds=0.1, max_delay_seconds=1)
    # When a GET is sent, Then both attempts time out and the error says so
    with pytest.raises(HrisUnavailable, match="timed out"):
        make_client(url, clock, policy, timeout=0.1).request("GET", "/slow")
    assert len(state.seen) == 2


def test_truncated_body_is_retried_and_then_succeeds(server: tuple[ScriptedServer, str]) -> None:
    # Given a response cut off half way (Content-Length promises more), then a whole one
    state, url = server
    whole = json.dumps({"employees": [{"id": str(i)} for i in range(50)]}).encode()
    state.script = [Scripted(200, whole, truncate=True), Scripted(200, whole)]
    clock = FakeTime()
    # When a GET is sent
    result = make_client(url, clock).request("GET", "/all")
    # Then the second, complete body is the result
    assert len(result.data["employees"]) == 50
    assert len(state.seen) == 2


def test_body_that_is_not_json_becomes_a_clear_error(server: tuple[ScriptedServer, str]) -> None:
    # Given a proxy error page answered with 200
    state, url = server
    state.script = [Scripted(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})]
    policy = RetryPolicy(max_attempts=2, max_total_seconds=30, base_delay_seconds=0, max_delay_seconds=0)
    # When a GET expecting JSON is sent, Then the error names the problem and the content type
    with pytest.raises(HrisUnavailable, match=r"not JSON \(text/html"):
        make_client(url, FakeTime(), policy).request("GET", "/x")


def test_half_a_json_document_becomes_a_clear_error(server: tuple[ScriptedServer, str]) -> None:
    # Given a body whose Content-Length matches but whose JSON stops half way
    state, url = server
    state.script = [Scripted(200, b'{"employees": [{"id": "1"')]
    policy = RetryPolicy(max_attempts=1, max_total_seconds=30)
    with pytest.raises(HrisUnavailable, match="not JSON"):
        make_client(url, FakeTime(), policy).request("GET", "/x")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@given(attempt=st.integers(min_value=1, max_value=30), seed=st.integers(min_value=0, max_value=10_000))
def test_backoff_never_exceeds_its_exponential_ceiling_or_the_cap(attempt: int, seed: int) -> None:
    policy = RetryPolicy(base_delay_seconds=0.5, max_delay_seconds=20)
    pause = policy.backoff(attempt, random.Random(seed))
    assert 0 <= pause <= min(20, 0.5 * 2 ** (attempt - 1))
