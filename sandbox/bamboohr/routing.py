"""Route table: (method, path template) → endpoint function, with the legacy gateway prefix folded in."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sandbox.bamboohr.account import SandboxAccount
from sandbox.bamboohr.errors import ApiError
from sandbox.bamboohr.wire import ApiReply, ApiRequest

Endpoint = Callable[[ApiRequest, SandboxAccount], ApiReply]
_PARAM = re.compile(r"\{(\w+)\}")
# Older integrations (and the official SDK's manual-call example) use
# https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1/...; it serves the same API.
_GATEWAY = re.compile(r"^/api/gateway\.php/(?P<domain>[^/]+)/(?P<version>v[0-9_]+)/")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    endpoint: Endpoint
    pattern: re.Pattern[str]
    writes: bool

    @classmethod
    def of(cls, method: str, template: str, endpoint: Endpoint, *, writes: bool | None = None) -> Route:
        """`writes` says whether the endpoint changes the account (default: any non-GET); a
        fault that must not write skips the endpoint only for writing routes."""
        regex = _PARAM.sub(
            lambda match: f"(?P<{match.group(1)}>[^/]+)",
            re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
        )
        return cls(
            method,
            template,
            endpoint,
            re.compile(f"^{regex}$"),
            method != "GET" if writes is None else writes,
        )


def canonical_path(path: str, company_domain: str) -> str | None:
    """Map a gateway path onto `/api/vN/...`; None when it names another company."""
    match = _GATEWAY.match(path)
    if not match:
        return path
    if match.group("domain") != company_domain:
        return None
    return f"/api/{match.group('version')}/{path[match.end() :]}"


def resolve(routes: Sequence[Route], method: str, path: str | None) -> tuple[Route, dict[str, str]]:
    """The matching route and its path parameters; 404 for an unknown path, 405 for a known
    path asked with another method."""
    path_known = False
    for route in routes:
        match = route.pattern.match(path or "")
        if match is None:
            continue
        if route.method == method:
            return route, match.groupdict()
        path_known = True
    if path_known:
        raise ApiError(405, f"Method {method} not allowed here")
    raise ApiError(404, "Not found")
