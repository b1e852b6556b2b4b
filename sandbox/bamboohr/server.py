"""The BambooHR sandbox server: a `ThreadingHTTPServer` on a free loopback port.

Each request passes, in order: authentication (Basic API key or OAuth bearer), the rate limit,
routing, scheduled faults, the endpoint, and the request log. Nothing here is global: every
sandbox owns its server, account, fault plan and log, so parallel tests never share state.
"""

from __future__ import annotations

import base64
import binascii
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox.bamboohr import api_employees, api_performance, api_reports, api_webhooks
from sandbox.bamboohr.account import SandboxAccount, SandboxClock
from sandbox.bamboohr.errors import ApiError
from sandbox.bamboohr.faults import BodyFault, Fault, FaultPlan, RateLimiter
from sandbox.bamboohr.routing import Route, canonical_path, resolve
from sandbox.bamboohr.webhooks import WebhookDelivery, deliver, signed_delivery
from sandbox.bamboohr.wire import ApiReply, ApiRequest

ROUTES: tuple[Route, ...] = (
    *api_employees.ROUTES,
    *api_reports.ROUTES,
    *api_performance.ROUTES,
    *api_webhooks.ROUTES,
)
_ERROR_HEADERS = (
    "X-BambooHR-Error-Messsage",
    "X-BambooHR-Error-Message",
)  # sic: BambooHR's typo, and the fix


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox saw it (the Authorization header is never recorded)."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    headers: dict[str, str]
    body: bytes = b""
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)
    seconds: float = 0.0  # time the sandbox spent producing the response (before sending it)


def error_reply(error: ApiError) -> ApiReply:
    """BambooHR explains 4xx in a header; some endpoints add a JSON body."""
    message = error.message.replace("\r", " ").replace("\n", " ").encode("ascii", "replace").decode()
    headers = dict.fromkeys(_ERROR_HEADERS, message)
    if error.body is None:
        return ApiReply.empty(error.status, headers)
    reply = ApiReply.json(error.body, error.status, headers)
    reply.content_type = error.content_type
    return reply


class BambooHRSandbox:
    """A BambooHR account served over loopback HTTP; use as a context manager."""

    def __init__(
        self,
        account: SandboxAccount,
        *,
        requests_per_second: float | None = None,
        burst: int | None = None,
    ) -> None:
        self.account = account
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter(requests_per_second, burst)
        self.request_log: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BambooHRSandbox:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> BambooHRSandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what tests and the demo use

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; use `with BambooHRSandbox(account) as sandbox:`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def gateway_url(self) -> str:
        """The legacy base URL shape, `.../api/gateway.php/{companyDomain}` (append `/v1/...`)."""
        return f"{self.base_url}/api/gateway.php/{self.account.company_domain}"

    @property
    def api_key(self) -> str:
        return self.account.api_key

    @property
    def clock(self) -> SandboxClock:
        return self.account.clock

    def client(
        self, *, accept_json: bool = True, validate_contract: bool = False, **options: Any
    ) -> httpx.Client:
        """An httpx client authenticated with the account's API key (BambooHR's Basic scheme, password
        `x`); `validate_contract=True` checks every exchange against the OpenAPI description."""
        headers = {"Accept": "application/json"} if accept_json else {}
        headers.update(options.pop("headers", None) or {})
        options.setdefault("auth", (self.api_key, "x"))
        if validate_contract:
            from sandbox.bamboohr.contract import httpx_event_hooks  # loads the spec: only when asked

            options["event_hooks"] = httpx_event_hooks()
        return httpx.Client(base_url=self.base_url, headers=headers, **options)

    def set_rate_limit(self, requests_per_second: float | None, burst: int | None = None) -> None:
        """Answer 429 with `Retry-After` beyond this rate; None switches the limit off."""
        self.rate_limiter.configure(requests_per_second, burst)

    def requests(
        self, *, method: str | None = None, path_contains: str | None = None
    ) -> list[RecordedRequest]:
        """The request log, filtered; e.g. `requests(method="POST", path_contains="/tables/")`."""
        return [
            entry
            for entry in list(self.request_log)
            if (method is None or entry.method == method.upper())
            and (path_contains is None or path_contains in entry.path)
        ]

    def send_webhook(
        self,
        webhook_id: str,
        employee_id: str,
        event: str = "employee.updated",
        *,
        changed_fields: tuple[str, ...] = (),
        url: str | None = None,
        timestamp: str | None = None,
    ) -> WebhookDelivery:
        """Post a signed delivery for a registered webhook, as BambooHR would; returns what was sent
        and the receiver's status. `url` overrides the registered https URL (loopback receivers)."""
        with self.account.lock:
            webhook = self.account.webhooks[int(webhook_id)]
            delivery = signed_delivery(
                self.account, webhook, employee_id, event, changed_fields=changed_fields, timestamp=timestamp
            )
        return deliver(delivery, url or webhook["url"])

    # ------------------------------------------------------------------ request pipeline

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[ApiReply, Fault | None, bool]:
        """Run one request through the pipeline; returns the reply, the fault that fired (if any)
        and whether the body must be spoiled by the transport."""
        split = urlsplit(raw_path)
        credential = self._authenticate(headers)
        if credential is None:
            return ApiReply.empty(401, {"WWW-Authenticate": 'Basic realm="BambooHR API"'}), None, False
        wait = self.rate_limiter.acquire()
        if wait is not None:
            return _rate_limited(wait), None, False
        path = canonical_path(split.path, self.account.company_domain)
        try:
            route, params = resolve(ROUTES, method, path)
        except ApiError as error:
            return error_reply(error), None, False
        request = ApiRequest(
            method, path or "", split.query, headers, body, self.base_url, credential, params
        )
        fault = self.faults.take(method, path or "")
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and not fault.after_write:
            if fault.status is not None:
                return _fault_status(fault), fault, False
            if fault.body is not None and route.writes:
                # The write must not happen: spoil a stand-in body instead of running the endpoint.
                return ApiReply.json({"success": True}), fault, True
        reply = self._run(route, request)
        if fault is not None and fault.after_write and fault.status is not None:
            return _fault_status(fault), fault, False
        return reply, fault, fault is not None and fault.body is not None

    def _run(self, route: Route, request: ApiRequest) -> ApiReply:
        try:
            return route.endpoint(request, self.account)
        except ApiError as error:
            return error_reply(error)
        except Exception:  # an endpoint bug must surface as a 500, as the real service would answer
            traceback.print_exc(file=sys.stderr)
            return error_reply(ApiError(500, "Internal sandbox error"))

    def _authenticate(self, headers: dict[str, str]) -> str | None:
        authorization = headers.get("authorization", "")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                user = base64.b64decode(value.strip(), validate=True).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                return None
            return f"key:{user}" if user and user == self.account.api_key else None
        if scheme.lower() == "bearer" and value.strip() in self.account.oauth_tokens:
            return f"token:{value.strip()}"
        return None


def _rate_limited(wait: int) -> ApiReply:
    reply = error_reply(ApiError(429, "Rate limit exceeded"))
    reply.headers["Retry-After"] = str(wait)
    return reply


def _fault_status(fault: Fault) -> ApiReply:
    reply = ApiReply.text(f"Injected sandbox fault: {fault.status}", fault.status or 500, "text/html")
    if fault.retry_after is not None:
        reply.headers["Retry-After"] = str(fault.retry_after)
    return reply


def _handler_for(sandbox: BambooHRSandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "BambooHR-Sandbox/1.0"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without NODELAY, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            started = time.perf_counter()
            reply, fault, spoil = sandbox.handle(self.command, self.path, headers, body)
            seconds = time.perf_counter() - started
            split = urlsplit(self.path)
            # Logged before the response goes out, so a client that has its answer sees the entry.
            sandbox.request_log.append(
                RecordedRequest(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    status=reply.status
                    if not (fault and spoil and fault.body is BodyFault.NON_JSON)
                    else 200,
                    headers={name: value for name, value in headers.items() if name != "authorization"},
                    body=body,
                    fault=_describe(fault),
                    seconds=seconds,
                )
            )
            self._write(reply, fault if spoil else None)

        def _write(self, reply: ApiReply, fault: Fault | None) -> None:
            body, content_type = reply.body, reply.content_type
            status = reply.status
            if fault is not None and fault.body is BodyFault.NON_JSON:
                status, content_type = 200, "text/html; charset=utf-8"
                body = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
            elif fault is not None and fault.body is BodyFault.HALF_JSON:
                body = body[: len(body) // 2]
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if fault is not None and fault.body is BodyFault.CUT_CONNECTION:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: request lines could carry ids of people; tests read `request_log` instead."""

    return Handler


def _describe(fault: Fault | None) -> str | None:
    if fault is None:
        return None
    parts = [
        f"status={fault.status}" if fault.status else "",
        f"delay={fault.delay}" if fault.delay else "",
        f"body={fault.body}" if fault.body else "",
    ]
    return " ".join(part for part in parts if part) + (" after_write" if fault.after_write else "")
