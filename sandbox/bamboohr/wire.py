"""Request and reply values passed between the HTTP server and the endpoint functions.

Endpoints never touch sockets: they take an `ApiRequest` and return an `ApiReply` (or raise
`ApiError`), which keeps them testable and lets the server apply faults, rate limits and the
request log in one place. Content negotiation follows BambooHR: endpoints that "can produce
either JSON or XML" answer JSON only when the client asks for it and XML otherwise.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from sandbox.bamboohr.errors import bad_request


@dataclass
class ApiRequest:
    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    base_url: str
    credential: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str, default: bool) -> bool:
        """BambooHR's boolean query values: `true/false`, `1/0`, `yes/no`."""
        text = self.arg(name)
        if text is None or text == "":
            return default
        return text.strip().lower() in ("true", "1", "yes")

    def wants_json(self) -> bool:
        accept = self.headers.get("accept", "")
        return "json" in accept.lower()

    def json(self) -> Any:
        if not self.body.strip():
            raise bad_request("Request body is empty")
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise bad_request(f"Malformed JSON: {error}") from error

    def json_object(self) -> dict[str, Any]:
        payload = self.json()
        if not isinstance(payload, dict):
            raise bad_request("Request body must be a JSON object")
        return payload

    def field_values(self, root: str) -> dict[str, Any]:
        """A write body as field/value pairs: JSON, or BambooHR's XML
        (`<employee><field id="firstName">Ada</field></employee>`)."""
        content_type = self.headers.get("content-type", "").lower()
        if "xml" in content_type or (not content_type and self.body.lstrip().startswith(b"<")):
            return parse_field_xml(self.body, root)
        return self.json_object()


def parse_field_xml(body: bytes, root: str) -> dict[str, Any]:
    try:
        element = ET.fromstring(body)  # noqa: S314 - sandbox input from local tests only
    except ET.ParseError as error:
        raise bad_request(f"Malformed XML: {error}") from error
    if element.tag != root:
        raise bad_request(f"Malformed XML: expected a <{root}> document")
    values: dict[str, Any] = {}
    for child in element.findall("field"):
        name = child.get("id")
        if not name:
            raise bad_request("Malformed XML: <field> without an id attribute")
        values[name] = child.text or ""
    return values


@dataclass
class ApiReply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> ApiReply:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        return cls(status, body, "application/json", headers or {})

    @classmethod
    def empty(cls, status: int = 200, headers: dict[str, str] | None = None) -> ApiReply:
        return cls(status, b"", None, headers or {})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> ApiReply:
        return cls(status, text.encode(), f"{content_type}; charset=utf-8")

    @classmethod
    def xml(cls, element: ET.Element, status: int = 200) -> ApiReply:
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
        return cls(status, body, "application/xml")

    @classmethod
    def negotiated(
        cls, request: ApiRequest, payload: Any, to_xml: Callable[[], ET.Element], status: int = 200
    ) -> ApiReply:
        """JSON when the client asks for it, else BambooHR's default XML rendering."""
        if request.wants_json():
            return cls.json(payload, status)
        return cls.xml(to_xml(), status)


def xml_field(parent: ET.Element, field_id: str, value: str | None, **attributes: str) -> ET.Element:
    """`<field id="...">value</field>`, the element BambooHR's XML uses for every value."""
    element = ET.SubElement(parent, "field", {"id": field_id, **attributes})
    element.text = value or ""
    return element
