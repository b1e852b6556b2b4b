"""Webhook deliveries as BambooHR signs and sends them, for tests and the demo.

Signature: lowercase hex HMAC-SHA256 keyed with the webhook's private key over the raw body
followed by the `X-BambooHR-Timestamp` value (no separator) — checked against FUSEBIT's
published test vector (see reference/hris-apis.md §1.3).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from sandbox.bamboohr.account import SandboxAccount, format_timestamp
from sandbox.bamboohr.fields import FIELDS_BY_ALIAS

USER_AGENT = "BambooHR-WebHooks/1.0 (+https://www.bamboohr.com)"


@dataclass
class WebhookDelivery:
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    response_body: bytes = field(default=b"", repr=False)


def sign(private_key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(private_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def signed_delivery(
    account: SandboxAccount,
    webhook: dict[str, Any],
    employee_id: str,
    event: str,
    *,
    changed_fields: tuple[str, ...] = (),
    timestamp: str | None = None,
) -> WebhookDelivery:
    """Build the body and headers BambooHR would send for `event` on `employee_id`."""
    stamp = timestamp or str(int(time.time()))
    when = format_timestamp(account.clock.now()).replace("+00:00", "Z")
    action = event.rsplit(".", 1)[-1]
    if event.startswith("employee_with_fields."):
        view = account.view(employee_id) if account.exists(employee_id) else {}
        post_fields: dict[str, str] = webhook.get("postFields") or {}
        fields = (
            {} if action != "updated" else {label: view.get(alias) for alias, label in post_fields.items()}
        )
        names = [FIELDS_BY_ALIAS[name].name for name in changed_fields if name in FIELDS_BY_ALIAS]
        changed = names if action == "updated" else []
        record = {
            "id": employee_id,
            "action": action.capitalize(),
            "timestamp": when,
            "changedFields": changed,
            "fields": fields,
        }
        if webhook.get("format") == "form-encoded":
            pairs: list[tuple[str, str]] = [(f"employees[{employee_id}][action]", action.capitalize())]
            pairs += [
                (f"employees[{employee_id}][changedFields][{i}]", name) for i, name in enumerate(changed)
            ]
            pairs += [(f"employees[{employee_id}][{label}]", value or "") for label, value in fields.items()]
            body, content_type = urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        else:
            body, content_type = json.dumps({"employees": [record]}).encode(), "application/json"
    else:
        data: dict[str, Any] = {"companyId": account.company_id, "employeeId": employee_id}
        if event == "employee.updated":
            data["changedFields"] = list(changed_fields)
        body, content_type = (
            json.dumps({"type": event, "timestamp": when, "data": data}).encode(),
            "application/json",
        )
    headers = {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-BambooHR-Timestamp": stamp,
        "X-BambooHR-Signature": sign(webhook["privateKey"], body, stamp),
    }
    if webhook.get("includeCompanyDomain"):
        headers["company-domain"] = account.company_domain
    return WebhookDelivery(headers, body)


def deliver(delivery: WebhookDelivery, url: str, *, timeout: float = 10.0) -> WebhookDelivery:
    """POST the delivery; records the receiver's status (BambooHR retries 5xx, never 4xx)."""
    response = httpx.post(url, content=delivery.body, headers=delivery.headers, timeout=timeout)
    delivery.status = response.status_code
    delivery.response_body = response.content
    return delivery
