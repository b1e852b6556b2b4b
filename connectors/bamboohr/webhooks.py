"""Verify a BambooHR webhook delivery on its raw bytes and reduce it to change hints.

This module is on the webhook Lambda's cold-start path: it imports only the standard library,
pydantic (through `mentorship`) and `mentorship` itself — never httpx or boto3.

Signature: HMAC-SHA256 keyed with the webhook's private key over the raw body followed by the
`X-BambooHR-Timestamp` header value, lowercase hex in `X-BambooHR-Signature` (checked against
BambooHR's published test vector). The signature is checked before anything else is looked at, so
an unsigned caller learns nothing; then the timestamp must fall inside the replay window.

Two payload families arrive: event-based JSON (`employee.created|updated|deleted`, one employee) and
the legacy field-based family (`employees: [...]` as JSON, or the same nested keys form-encoded),
several employees per delivery, values plain or wrapped as `{"value": ...}`. A hint carries no
field values: the sync worker re-reads the employee.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from mentorship.errors import InvalidSignature, MalformedPayload, StaleEvent
from mentorship.ports import ChangeAction, ChangeHint

PROVIDER = "bamboohr"
SIGNATURE_HEADER = "x-bamboohr-signature"
TIMESTAMP_HEADER = "x-bamboohr-timestamp"
_EVENT_ACTIONS = {
    "employee.created": ChangeAction.CREATED,
    "employee.updated": ChangeAction.UPDATED,
    "employee.deleted": ChangeAction.DELETED,
    "employee_with_fields.created": ChangeAction.CREATED,
    "employee_with_fields.updated": ChangeAction.UPDATED,
    "employee_with_fields.deleted": ChangeAction.DELETED,
}
_LEGACY_ACTIONS = {
    "created": ChangeAction.CREATED,
    "updated": ChangeAction.UPDATED,
    "deleted": ChangeAction.DELETED,
}
_EMPLOYEE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FORM_KEY = re.compile(r"\[([^\]]*)\]")


def sign(private_key: str, raw_body: bytes, timestamp: str) -> str:
    """The signature BambooHR sends for `raw_body` at `timestamp` (also used by tests and the demo)."""
    return hmac.new(private_key.encode(), raw_body + timestamp.encode(), hashlib.sha256).hexdigest()


class BambooHRWebhookVerifier:
    """`InboundEventVerifier` for BambooHR: signature, replay window, both payload families."""

    def __init__(self, private_key: str, replay_window_seconds: int = 300) -> None:
        if not private_key:
            raise ValueError("the webhook private key is empty")
        if replay_window_seconds <= 0:
            raise ValueError("replay_window_seconds must be positive")
        self._key = private_key
        self._window = replay_window_seconds

    def verify_and_parse(
        self, headers: Mapping[str, str], raw_body: bytes, *, now: datetime
    ) -> list[ChangeHint]:
        lowered = {name.lower(): value for name, value in headers.items()}
        timestamp = lowered.get(TIMESTAMP_HEADER, "").strip()
        signature = lowered.get(SIGNATURE_HEADER, "").strip().lower()
        if not timestamp or not signature:
            raise InvalidSignature("missing X-BambooHR-Signature or X-BambooHR-Timestamp header")
        if not hmac.compare_digest(sign(self._key, raw_body, timestamp), signature):
            raise InvalidSignature("X-BambooHR-Signature does not match the body and timestamp")
        self._check_replay_window(timestamp, now)
        payload = _decode(raw_body, lowered.get("content-type", ""))
        return _hints(payload)

    def _check_replay_window(self, timestamp: str, now: datetime) -> None:
        sent_at = parse_timestamp(timestamp)
        skew = abs((now - sent_at).total_seconds())
        if skew > self._window:
            raise StaleEvent(
                f"X-BambooHR-Timestamp is {int(skew)} s away from now; the replay window is {self._window} s"
            )


def parse_timestamp(value: str) -> datetime:
    """Unix seconds (milliseconds tolerated) or ISO-8601; naive ISO times are taken as UTC."""
    if re.fullmatch(r"\d{1,13}(\.\d+)?", value):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(
            "X-BambooHR-Timestamp is neither Unix seconds nor ISO-8601", field="X-BambooHR-Timestamp"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _decode(raw_body: bytes, content_type: str) -> dict[str, Any]:
    try:
        text = raw_body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayload("body is not UTF-8", field="body") from None
    stripped = text.lstrip()
    is_form = "x-www-form-urlencoded" in content_type.lower() or (
        "json" not in content_type.lower() and stripped[:1] not in ("{", "[")
    )
    if is_form:
        return _nest_form(text)
    try:
        payload = json.loads(text)
    except ValueError as error:
        raise MalformedPayload(f"body is not valid JSON ({error.args[0]})", field="body") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("body must be a JSON object", field="body")
    return payload


def _nest_form(text: str) -> dict[str, Any]:
    """`employees[5][fields][First name]=Tefi` → {"employees": {"5": {"fields": {"First name": "Tefi"}}}}."""
    root: dict[str, Any] = {}
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False)
    if not pairs:
        raise MalformedPayload("form body has no fields", field="body")
    for key, value in pairs:
        head = key.split("[", 1)[0]
        path = [head, *_FORM_KEY.findall(key[len(head) :])]
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise MalformedPayload(f"form key {key!r} conflicts with another key", field=key)
            node = child
        node[path[-1]] = value
    return root


def _hints(payload: dict[str, Any]) -> list[ChangeHint]:
    if "type" in payload:
        return _event_hints(payload)
    if "employees" in payload:
        return _legacy_hints(payload["employees"])
    raise MalformedPayload("body has neither an event `type` nor an `employees` list", field="type")


def _event_hints(payload: dict[str, Any]) -> list[ChangeHint]:
    event_type = payload.get("type")
    if not isinstance(event_type, str):
        raise MalformedPayload("`type` must be a string", field="type")
    if event_type.startswith("company"):
        return []  # company.* events carry nothing the workforce copy needs
    action = _EVENT_ACTIONS.get(event_type)
    if action is None:
        raise MalformedPayload(f"unknown event type {event_type!r}", field="type")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedPayload("`data` must be an object", field="data")
    employee_id = _employee_id(data.get("employeeId"), "data.employeeId")
    occurred_at = payload.get("timestamp")
    changed = data.get("changedFields") or []
    if not isinstance(changed, list):
        raise MalformedPayload("`data.changedFields` must be a list", field="data.changedFields")
    return [
        _hint(
            employee_id,
            action,
            str(occurred_at) if occurred_at else None,
            tuple(str(f) for f in changed),
            identity=json.dumps(payload, sort_keys=True, default=str),
        )
    ]


def _legacy_hints(employees: Any) -> list[ChangeHint]:
    if isinstance(employees, dict):  # form-encoded: keyed by position or by employee id
        entries = [(key, value) for key, value in employees.items()]
    elif isinstance(employees, list):
        entries = [(None, value) for value in employees]
    else:
        raise MalformedPayload("`employees` must be a list", field="employees")
    if not entries:
        raise MalformedPayload("`employees` is empty", field="employees")
    hints = []
    for index, (key, entry) in enumerate(entries):
        where = f"employees[{index if key is None else key}]"
        if not isinstance(entry, dict):
            raise MalformedPayload(f"`{where}` must be an object", field=where)
        raw_id = _unwrap(entry.get("id", entry.get("employeeId")))
        if raw_id is None and key is not None and not str(key).isdigit():
            raise MalformedPayload(f"`{where}.id` is missing", field=f"{where}.id")
        employee_id = _employee_id(raw_id if raw_id is not None else key, f"{where}.id")
        action_name = str(_unwrap(entry.get("action")) or "updated").strip().lower()
        action = _LEGACY_ACTIONS.get(action_name)
        if action is None:
            raise MalformedPayload(f"`{where}.action` {action_name!r} is unknown", field=f"{where}.action")
        changed = entry.get("changedFields") or []
        if isinstance(changed, dict):  # form-encoded lists arrive as {"0": ..., "1": ...}
            changed = [changed[k] for k in sorted(changed, key=lambda k: (len(k), k))]
        if not isinstance(changed, list):
            raise MalformedPayload(f"`{where}.changedFields` must be a list", field=f"{where}.changedFields")
        occurred_at = _unwrap(entry.get("timestamp"))
        hints.append(
            _hint(
                employee_id,
                action,
                str(occurred_at) if occurred_at else None,
                tuple(str(_unwrap(f)) for f in changed),
                identity=json.dumps(entry, sort_keys=True, default=str),
            )
        )
    return hints


def _hint(
    employee_id: str,
    action: ChangeAction,
    occurred_at: str | None,
    changed_fields: tuple[str, ...],
    *,
    identity: str,
) -> ChangeHint:
    """Build a hint whose dedupe key is the same for every delivery of the same change.

    BambooHR re-signs a retried delivery with a new timestamp header, so the key is built from the
    body, never from headers: the event's own timestamp when it has one, else the entry's content.
    Created and updated share a key class, so `employee.created` followed at the same instant by
    `employee.updated` (BambooHR's create-then-initialise) becomes one hint.
    """
    kind = "gone" if action is ChangeAction.DELETED else "upsert"
    basis = occurred_at if occurred_at else hashlib.sha256(identity.encode()).hexdigest()
    digest = hashlib.sha256(f"{PROVIDER}|{employee_id}|{kind}|{basis}".encode()).hexdigest()
    return ChangeHint(
        provider=PROVIDER,
        employee_id=employee_id,
        action=action,
        occurred_at=occurred_at,
        changed_fields=changed_fields,
        dedupe_key=f"{PROVIDER}:{employee_id}:{digest[:32]}",
    )


def _unwrap(value: Any) -> Any:
    """Legacy payloads send a value either plain or as {"value": ...}."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _employee_id(value: Any, where: str) -> str:
    value = _unwrap(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _EMPLOYEE_ID.match(value.strip()):
        raise MalformedPayload(f"`{where}` is not an employee id", field=where)
    return value.strip()
