"""Route table: (method, path template) → endpoint function, with the legacy gateway prefix folded in."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sandbox.bamboohr.account import SandboxAccount
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

    @classmethod
    def of(cls, method: str, template: str, endpoint: Endpoint) -> Route:
        regex = _PARAM.sub(
            lambda match: f"(?P<{match.group(1)}>[^/]+)",
            re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
        )
        return cls(method, template, endpoint, re.compile(f"^{regex}$"))

    @property
    def mutating(self) -> bool:
        return (
            self.method in ("POST", "PUT", "DELETE", "PATCH")
            and not self.template.endswith("/reports/custom")
            and "/datasets/" not in self.template
        )


def canonical_path(path: str, company_domain: str) -> str | None:
    """Map a gateway path onto `/api/vN/...`; None when it names another company."""
    match = _GATEWAY.match(path)
    if not match:
        return path
    if match.group("domain") != company_domain:
        return None
    return f"/api/{match.group('version')}/{path[match.end() :]}"


def resolve(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | bool | None:
    """The matching route and its path parameters; False when the path exists for another method."""
    path_known = False
    for route in routes:
        match = route.pattern.match(path)
        if match is None:
            continue
        if route.method == method:
            return route, match.groupdict()
        path_known = True
    return False if path_known else None
