"""Validate BambooHR requests and responses against BambooHR's published OpenAPI description.

The sandbox's contract tests use it on every response; the connector's tests can use it on every
request they send (`httpx.Client(event_hooks=contract.httpx_event_hooks())`). Each check raises
`ContractViolation` naming the operation and what is wrong.

The spec is `<repo>/../shared/reference/bamboohr-openapi.yaml` (or `$BAMBOOHR_OPENAPI_SPEC`),
parsed once per process. Its quirks, and how they are handled here:
1. Its only server is `https://{companyDomain}.bamboohr.com`; the sandbox listens on loopback, so
   the server list is replaced by `/` and operations are matched by path alone.
2. It is OpenAPI 3.1 and valid, but openapi-core's spec validation takes seconds on 690 KB; it is
   skipped (`spec_validator_cls=None`): we validate traffic against the spec, not the spec.
3. openapi-core cannot evaluate `oauth2` security and silently passes it, so a request without
   credentials would validate; `validate_request` checks for Basic or Bearer credentials itself.
4. openapi-core has no XML deserializer. XML bodies (BambooHR's default format) are checked for
   well-formedness, and status and media type are checked against the operation; the schema
   check applies to JSON, text and empty bodies.
5. Statuses the spec leaves to BambooHR's technical overview (401 missing key, 429 rate limit,
   500/502/503/504 transient failures) are undeclared on most operations; when undeclared they
   are accepted without a body check, since they are transport behaviour, not operation shapes.
6. Datasets errors are declared as `application/problem+json`, which openapi-core does not read
   as JSON; a JSON deserializer is registered for that media type.
7. `reports/custom` declares `format` as a lower-case enum while its description (and BambooHR)
   accept any case; requests are checked as declared, so clients should send lower case.
8. `GET /api/v1/employees` declares `page` as a deepObject whose `allOf` both requires string
   cursors and integer cursors (limit ≤ 100 and ≤ 2500), and `fields` as an exploded array while
   documenting a comma-separated list; openapi-core cannot cast deepObject members of an `allOf`.
   Its query parameters are therefore not checked (its responses are).
"""

from __future__ import annotations

import functools
import json
import os
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml  # type: ignore[import-untyped]
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.datastructures import ImmutableMultiDict

GENERIC_STATUSES = frozenset({401, 429, 500, 502, 503, 504})
_PARAMETERS_UNCHECKED = frozenset({("GET", "/api/v1/employees")})  # quirk 8
_PARAM = re.compile(r"\{[^}]+\}")


class ContractViolation(AssertionError):
    """A request or response that BambooHR's OpenAPI description does not allow."""


def spec_path() -> Path:
    override = os.environ.get("BAMBOOHR_OPENAPI_SPEC")
    if override:
        return Path(override)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "reference" / "bamboohr-openapi.yaml"


@functools.cache
def spec_dict() -> dict[str, Any]:
    """The parsed spec (libyaml when available: ~0.2 s instead of ~1 s), with quirk 1 applied."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec_path().open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    spec["servers"] = [{"url": "/"}]
    return spec


@functools.cache
def _openapi() -> OpenAPI:
    config = Config(
        spec_validator_cls=None, extra_media_type_deserializers={"application/problem+json": json.loads}
    )
    return OpenAPI.from_dict(spec_dict(), config=config)


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    """Path templates, literal ones first (as openapi-core also prefers them)."""
    compiled = []
    for template in spec_dict()["paths"]:
        regex = "^" + _PARAM.sub("[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        compiled.append((re.compile(regex), template, template.count("{")))
    return sorted(compiled, key=lambda item: item[2])


def operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The spec's (path template, operation) for a request; ContractViolation when there is none."""
    for pattern, template, _ in _templates():
        if pattern.match(path):
            operations = spec_dict()["paths"][template]
            found = operations.get(method.lower())
            if found is not None:
                return template, found
    raise ContractViolation(f"{method.upper()} {path}: no such operation in BambooHR's OpenAPI description")


def _media_type(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return ""


def _header(headers: Mapping[str, str], wanted: str) -> str:
    return next((value for name, value in headers.items() if name.lower() == wanted.lower()), "")


def _mock_request(method: str, url: str, headers: Mapping[str, str], body: bytes) -> MockRequest:
    split = urlsplit(url)
    host = f"{split.scheme or 'http'}://{split.netloc or '127.0.0.1'}"
    request = MockRequest(
        host,
        method.lower(),
        split.path,
        headers=dict(headers),
        data=body,
        content_type=_header(headers, "content-type") or "application/json",
    )
    request.parameters.query = ImmutableMultiDict(parse_qsl(split.query, keep_blank_values=True))
    return request


def _describe(errors: Any) -> str:
    parts = []
    for error in errors or []:
        detail = "; ".join(str(cause) for cause in getattr(error, "schema_errors", ()) or ())
        cause = getattr(error, "__cause__", None)
        suffix = f": {detail}" if detail else (f" ({cause})" if cause else "")
        parts.append(f"{error}{suffix}")
    return " | ".join(parts)


def validate_request(
    method: str, url: str, headers: Mapping[str, str] | None = None, body: bytes | str | None = b""
) -> None:
    """Check path, method, parameters, body and credentials of a request the client sends."""
    headers = headers or {}
    raw = body.encode() if isinstance(body, str) else (body or b"")
    path = urlsplit(url).path
    operation(method, path)
    authorization = _header(headers, "authorization")
    if not authorization.lower().startswith(("basic ", "bearer ")):
        raise ContractViolation(
            f"{method.upper()} {path}: no Basic or Bearer credentials (every operation needs one)"
        )
    if "xml" in _media_type(headers):
        _well_formed(method, path, raw, "request")
        return
    if (method.upper(), path) in _PARAMETERS_UNCHECKED:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unsupported scheme type" for oauth2: see quirk 3
        result = _openapi().unmarshal_request(_mock_request(method, url, headers, raw))
    if result.errors:
        raise ContractViolation(f"{method.upper()} {path} request: {_describe(result.errors)}")


def validate_response(
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = b"",
    *,
    request_headers: Mapping[str, str] | None = None,
    request_body: bytes | None = b"",
) -> None:
    """Check that the status is declared for the operation and the body matches its schema."""
    headers = headers or {}
    raw = body.encode() if isinstance(body, str) else (body or b"")
    path = urlsplit(url).path
    _, found = operation(method, path)
    declared = {str(code) for code in found.get("responses", {})}
    if str(status) not in declared:
        if status in GENERIC_STATUSES:
            return
        raise ContractViolation(
            f"{method.upper()} {path}: status {status} is not declared (declared: {sorted(declared)})"
        )
    content = (found["responses"][str(status)] or {}).get("content")
    if "$ref" in (found["responses"][str(status)] or {}):
        content = _resolve(found["responses"][str(status)]).get("content")
    media = _media_type(headers)
    if content and raw and media not in content:
        raise ContractViolation(
            f"{method.upper()} {path} → {status}: media type {media!r} not declared ({sorted(content)})"
        )
    if "xml" in media:
        _well_formed(method, path, raw, f"response {status}")
        return
    request = _mock_request(
        method, url, {"Authorization": "Basic eDp4", **(request_headers or {})}, request_body or b""
    )
    response = MockResponse(
        raw, status_code=status, headers=dict(headers), content_type=media or "application/json"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _openapi().unmarshal_response(request, response)
    if result.errors:
        raise ContractViolation(f"{method.upper()} {path} → {status}: {_describe(result.errors)}")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    target: Any = spec_dict()
    for part in node["$ref"].lstrip("#/").split("/"):
        target = target[part]
    return dict(target)


def _well_formed(method: str, path: str, raw: bytes, what: str) -> None:
    try:
        ET.fromstring(raw)  # noqa: S314 - validating our own traffic
    except ET.ParseError as error:
        raise ContractViolation(f"{method.upper()} {path} {what}: malformed XML ({error})") from error


def validate_exchange(response: httpx.Response) -> None:
    """Validate both halves of a completed httpx exchange (reads the response body)."""
    request = response.request
    validate_request(request.method, str(request.url), dict(request.headers), request.content)
    _validate_httpx_response(response)


def _validate_httpx_response(response: httpx.Response) -> None:
    request = response.request
    validate_response(
        request.method,
        str(request.url),
        response.status_code,
        dict(response.headers),
        response.read(),
        request_headers=dict(request.headers),
        request_body=request.content,
    )


def httpx_event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """`httpx.Client(event_hooks=httpx_event_hooks())`: every request and response is validated."""

    def on_request(request: httpx.Request) -> None:
        validate_request(request.method, str(request.url), dict(request.headers), request.read())

    return {"request": [on_request], "response": [_validate_httpx_response]}
