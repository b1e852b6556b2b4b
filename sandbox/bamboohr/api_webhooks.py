"""Permissioned webhooks: the API an integration uses to register where BambooHR should post changes.

A webhook belongs to the credentials that created it (others get 403); its private key, used to
sign deliveries, is returned once at creation and never again.
"""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.bamboohr.account import SandboxAccount
from sandbox.bamboohr.errors import ApiError
from sandbox.bamboohr.fields import EMPLOYEE_FIELDS, FIELDS_BY_ALIAS, FIELDS_BY_ID
from sandbox.bamboohr.routing import Route
from sandbox.bamboohr.wire import ApiReply, ApiRequest

EVENT_BASED = ("employee.created", "employee.updated", "employee.deleted")
FIELD_BASED = ("employee_with_fields.created", "employee_with_fields.updated", "employee_with_fields.deleted")
OTHER_EVENTS = ("company.updated", "company.deleted", "company-integrations.updated")
MONITORABLE = [definition for definition in EMPLOYEE_FIELDS if definition.monitorable]


def _invalid(issues: list[str]) -> ApiError:
    return ApiError(
        400, "; ".join(issues), body={"errors": [{"error": "Invalid request body", "issues": issues}]}
    )


def _errors(status: int, message: str) -> ApiError:
    return ApiError(status, message, body={"errors": [{"error": message}]})


def _field_known(name: str) -> bool:
    definition = FIELDS_BY_ALIAS.get(name) or FIELDS_BY_ID.get(name)
    return definition is not None and definition.monitorable


def validated_webhook(body: dict[str, Any]) -> dict[str, Any]:
    """Check a create/replace body the way BambooHR does; every problem is listed at once."""
    issues: list[str] = []
    name, url, output = body.get("name"), body.get("url"), body.get("format")
    if not isinstance(name, str) or not name.strip():
        issues.append("name is required")
    if not isinstance(url, str) or not url.startswith("https://"):
        issues.append("url is required and must use https://")
    if output not in ("json", "form-encoded"):
        issues.append("format is required: json or form-encoded")
    events = body.get("events") or list(FIELD_BASED)  # no events: the legacy field-based family
    if not isinstance(events, list) or any(
        event not in EVENT_BASED + FIELD_BASED + OTHER_EVENTS for event in events
    ):
        issues.append(f"events must be a list of: {', '.join(EVENT_BASED + FIELD_BASED + OTHER_EVENTS)}")
        events = []
    if any(event in EVENT_BASED for event in events) and any(event in FIELD_BASED for event in events):
        issues.append("events cannot mix employee.* and employee_with_fields.* on one webhook")
    monitor = body.get("monitorFields")
    if monitor is not None and (
        not isinstance(monitor, list) or not all(isinstance(item, str) for item in monitor)
    ):
        issues.append("monitorFields must be a list of field names")
        monitor = None
    if any(event.endswith(".updated") and event.startswith("employee") for event in events) and not monitor:
        issues.append("monitorFields is required for employee updated events")
    unknown = [item for item in monitor or [] if not _field_known(item)]
    if unknown:
        issues.append(f"unknown monitorFields: {', '.join(unknown)}")
    post_fields = body.get("postFields") or {}
    if not isinstance(post_fields, dict):
        issues.append("postFields must be an object of field → name")
        post_fields = {}
    unknown_post = [key for key in post_fields if not (FIELDS_BY_ALIAS.get(key) or FIELDS_BY_ID.get(key))]
    if unknown_post:
        issues.append(f"unknown postFields: {', '.join(unknown_post)}")
    include_domain = body.get("includeCompanyDomain", False)
    if not isinstance(include_domain, bool):
        issues.append("includeCompanyDomain must be a boolean")
    if issues:
        raise _invalid(issues)
    return {
        "name": str(name).strip(),
        "url": url,
        "format": output,
        "events": list(events),
        "monitorFields": list(monitor) if monitor else None,
        "postFields": dict(post_fields),
        "includeCompanyDomain": include_domain,
    }


def _owned(request: ApiRequest, account: SandboxAccount) -> dict[str, Any]:
    raw_id = request.params["id"]
    webhook = account.webhooks.get(int(raw_id)) if raw_id.isdigit() else None
    if webhook is None:
        raise _errors(404, f"No webhook was found with ID: {raw_id}.")
    if webhook["owner"] != request.credential:
        raise _errors(403, f"You do not have access to webhook ID: {raw_id}")
    return webhook


def _public(webhook: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in webhook.items() if key not in ("owner", "privateKey")}


def list_webhooks(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        mine = [hook for hook in account.webhooks.values() if hook["owner"] == request.credential]
        summaries = [
            {key: hook[key] for key in ("id", "name", "created", "lastSent", "url")} for hook in mine
        ]
    return ApiReply.json({"webhooks": summaries})


def create_webhook(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    settings = validated_webhook(request.json_object())
    with account.lock:
        webhook_id = account.next_id("webhook")
        webhook = {
            "id": str(webhook_id),
            "created": account.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
            "lastSent": None,
            **settings,
            "privateKey": secrets.token_hex(16),
            "owner": request.credential,
        }
        account.webhooks[webhook_id] = webhook
        # The private key is shown this once; later reads never include it.
        return ApiReply.json({key: value for key, value in webhook.items() if key != "owner"}, 201)


def get_webhook(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        return ApiReply.json(_public(_owned(request, account)))


def replace_webhook(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        webhook = _owned(request, account)
        webhook.update(validated_webhook(body))  # a full replacement: omitted fields revert
        return ApiReply.json(_public(webhook))


def delete_webhook(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        webhook = _owned(request, account)
        del account.webhooks[int(webhook["id"])]
    return ApiReply.text("Webhook deleted")


def webhook_log(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        _owned(request, account)
    return ApiReply.json([])


def monitor_fields(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    fields = [
        {"id": str(definition.id), "name": definition.name, "alias": definition.alias}
        for definition in MONITORABLE
    ]
    return ApiReply.json({"fields": fields})


ROUTES: tuple[Route, ...] = (
    Route.of("GET", "/api/v1/webhooks", list_webhooks),
    Route.of("POST", "/api/v1/webhooks", create_webhook),
    Route.of("GET", "/api/v1/webhooks/monitor_fields", monitor_fields),
    Route.of("GET", "/api/v1/webhooks/{id}", get_webhook),
    Route.of("PUT", "/api/v1/webhooks/{id}", replace_webhook),
    Route.of("DELETE", "/api/v1/webhooks/{id}", delete_webhook),
    Route.of("GET", "/api/v1/webhooks/{id}/log", webhook_log),
)
