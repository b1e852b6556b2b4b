"""Serves a template's HttpApi routes on loopback, speaking API Gateway's payload format 2.0.

Requests become the event an HTTP API sends a Lambda proxy integration; the handler's answer is mapped
back the way API Gateway maps it. AWS_IAM routes demand a valid SigV4 signature, as the gateway would.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from botocore.credentials import Credentials

from sandbox.local_stack.sigv4 import SignatureRejected, verify_request

IAM_AUTHORIZER = "AWS_IAM"
NO_AUTHORIZER = "NONE"

# API Gateway hands these content types to the function as text; everything else is base64.
_TEXT_CONTENT_TYPES = re.compile(r"^(text/.*|application/(.*\+)?(json|xml|javascript)(;.*)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class HttpRoute:
    """One HttpApi event of a function: `METHOD /path/{param}` plus its authorizer."""

    function: str
    event_id: str
    method: str
    path: str
    authorizer: str

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        if self.path == "$default":
            return {}
        found = self._pattern().fullmatch(path)
        return None if found is None else {key: value for key, value in found.groupdict().items()}

    def specificity(self) -> tuple[int, int, int]:
        """API Gateway prefers literal segments over parameters, parameters over greedy ones."""
        segments = self.path.split("/")
        greedy = sum(1 for segment in segments if segment.endswith("+}"))
        params = sum(1 for segment in segments if segment.startswith("{"))
        return (int(self.path == "$default"), greedy, params)

    def _pattern(self) -> re.Pattern[str]:
        parts = []
        for segment in self.path.split("/"):
            if segment.startswith("{") and segment.endswith("+}"):
                parts.append(f"(?P<{segment[1:-2]}>.+)")
            elif segment.startswith("{") and segment.endswith("}"):
                parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                parts.append(re.escape(segment))
        return re.compile("/".join(parts))


Invoke = Callable[[str, dict[str, Any]], Any]
ReportFailure = Callable[[str, str, BaseException], None]


class HttpApiEmulator:
    """A threaded loopback HTTP server in front of in-process function invocations."""

    def __init__(
        self,
        *,
        routes: list[HttpRoute],
        invoke: Invoke,
        report_failure: ReportFailure,
        api_id: str,
        region: str,
        account_id: str,
        credentials: Credentials,
    ) -> None:
        self.routes = sorted(routes, key=HttpRoute.specificity)
        self._invoke = invoke
        self._report_failure = report_failure
        self._api_id = api_id
        self._region = region
        self._account_id = account_id
        self._credentials = credentials
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="local-http-api",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------------ request handling
    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        split = urlsplit(target)
        path = split.path
        route, path_parameters = self._route_for(method, path)
        if route is None:
            return _json_response(404, {"message": "Not Found"})
        header_map = _joined_headers(headers)
        authorizer: dict[str, Any] | None = None
        if route.authorizer == IAM_AUTHORIZER:
            try:
                caller = verify_request(
                    credentials=self._credentials,
                    region=self._region,
                    account_id=self._account_id,
                    method=method,
                    url=f"http://{header_map.get('host', 'localhost')}{target}",
                    headers=header_map,
                    body=body,
                )
            except SignatureRejected as rejected:
                message = "Forbidden" if "Missing" in str(rejected) else str(rejected)
                return _json_response(403, {"message": message})
            authorizer = {
                "iam": {
                    "accessKey": caller.access_key,
                    "accountId": caller.account_id,
                    "callerId": "AIDALOCALSTACKADMIN",
                    "cognitoIdentity": None,
                    "principalOrgId": None,
                    "userArn": f"arn:aws:iam::{caller.account_id}:user/local-admin",
                    "userId": "AIDALOCALSTACKADMIN",
                }
            }
        event = self._event(
            route, method, split.path, split.query, header_map, body, source_ip, path_parameters
        )
        if authorizer is not None:
            event["requestContext"]["authorizer"] = authorizer
        try:
            result = self._invoke(route.function, event)
        except Exception as error:
            self._report_failure(route.function, route.event_id, error)
            return _json_response(500, {"message": "Internal Server Error"})
        return _mapped_response(result)

    def _route_for(self, method: str, path: str) -> tuple[HttpRoute | None, dict[str, str]]:
        for route in self.routes:
            parameters = route.match(method, path)
            if parameters is not None:
                return route, parameters
        return None, {}

    def _event(
        self,
        route: HttpRoute,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        source_ip: str,
        path_parameters: Mapping[str, str],
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        headers = dict(headers)
        cookies = headers.pop("cookie", None)
        headers.setdefault("x-forwarded-for", source_ip)
        headers.setdefault("x-forwarded-proto", "http")
        headers.setdefault("x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}")
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "accountId": self._account_id,
                "apiId": self._api_id,
                "domainName": headers.get("host", "localhost"),
                "domainPrefix": headers.get("host", "localhost").split(".")[0],
                "http": {
                    "method": method,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": source_ip,
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": f"{uuid.uuid4().hex[:16]}=",
                "routeKey": route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": False,
        }
        if cookies:
            event["cookies"] = [cookie.strip() for cookie in cookies.split(";") if cookie.strip()]
        if query:
            parameters: dict[str, str] = {}
            for key, value in parse_qsl(query, keep_blank_values=True):
                parameters[key] = f"{parameters[key]},{value}" if key in parameters else value
            event["queryStringParameters"] = parameters
        if path_parameters:
            event["pathParameters"] = dict(path_parameters)
        if body:
            if _TEXT_CONTENT_TYPES.match(headers.get("content-type", "")):
                event["body"] = body.decode("utf-8", errors="replace")
            else:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
        return event

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = emulator.handle(
                    self.command, self.path, list(self.headers.items()), body, self.client_address[0]
                )
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("apigw-requestid", uuid.uuid4().hex[:16])
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                # Access logs would carry query strings; keep stderr for real failures only.
                pass

        return _Handler


def _joined_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased names; repeated headers joined with commas, as payload 2.0 does."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _json_response(status: int, payload: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(payload).encode()


def _mapped_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Payload 2.0 response mapping, including the 'inferred' format for non-proxy-shaped returns."""
    if not isinstance(result, dict) or "statusCode" not in result:
        inferred = result if isinstance(result, str) else json.dumps(result)
        return 200, [("Content-Type", "application/json")], inferred.encode()
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(value)) for value in values)
    headers.extend(("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or [])
    raw_body = result.get("body") or ""
    if not isinstance(raw_body, str):
        print(
            f"local HTTP API: handler returned a non-string body ({type(raw_body).__name__})", file=sys.stderr
        )
        return _json_response(500, {"message": "Internal Server Error"})
    payload = base64.b64decode(raw_body) if result.get("isBase64Encoded") else raw_body.encode()
    return int(result["statusCode"]), headers, payload
