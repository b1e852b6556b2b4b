"""`mentorbridge bamboohr ...`: connect an installation to its BambooHR account.

- `discover` reads `meta/fields`, `meta/tables` and `meta/lists` and proposes a field mapping
  (`--save` merges it into the HRIS secret once it fits the account).
- `validate-mapping` checks the mapping in the HRIS secret against the account, naming every gap.
- `register-webhook` creates a permissioned, event-based webhook monitoring the fields matching
  needs, and stores the private key BambooHR returns only once in Secrets Manager. If storing the
  key fails, the webhook is deleted again, so a re-run starts clean instead of leaving a webhook
  whose deliveries could never be verified.

Credentials come from the HRIS secret (`--secret-id`) or, before that secret exists, from
`--company-domain` plus the `BAMBOOHR_API_KEY` / `BAMBOOHR_OAUTH_TOKEN` environment variable (never
a command-line value, which would land in shell history). Output is JSON on stdout; secrets never are.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import Any, TextIO

from connectors.bamboohr.connector import BambooHRConnector
from connectors.bamboohr.discovery import list_option_problems, mapping_problems, propose_mapping
from connectors.bamboohr.settings import BambooHRFieldMapping, BambooHRSettings
from mentorship.errors import HrisRejected, InvalidRequest, MappingError, MentorbridgeError

# Standard fields whose change matters to matching (reporting line, org, employment status).
STANDARD_MONITOR_FIELDS = (
    "jobTitle",
    "department",
    "division",
    "location",
    "reportsTo",
    "supervisor",
    "status",
    "employmentHistoryStatus",
    "hireDate",
    "terminationDate",
    "firstName",
    "lastName",
    "workEmail",
)
WEBHOOK_EVENTS = ("employee.created", "employee.updated", "employee.deleted")

ConnectorFactory = Callable[[BambooHRSettings], BambooHRConnector]


class KeyNotStored(MentorbridgeError):
    """The webhook's private key could not be stored; the webhook was deleted again."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `bamboohr` command group to the root parser."""
    group = commands.add_parser("bamboohr", help="connect to a BambooHR account")
    sub = group.add_subparsers(dest="bamboohr_command", required=True)

    discover = sub.add_parser("discover", help="propose a field mapping from the account's metadata")
    _credentials(discover)
    discover.add_argument("--save", action="store_true", help="write the mapping into the HRIS secret")
    discover.set_defaults(handler=discover_command)

    validate = sub.add_parser("validate-mapping", help="check the HRIS secret's mapping against the account")
    _credentials(validate)
    validate.set_defaults(handler=validate_command)

    webhook = sub.add_parser("register-webhook", help="create the webhook and store its private key")
    _credentials(webhook)
    webhook.add_argument("--url", required=True, help="the stack's WebhookUrl output (https)")
    webhook.add_argument("--webhook-secret-id", required=True, help="WebhookSigningSecret ARN or name")
    webhook.add_argument("--name", default="mentorbridge", help="webhook name shown in BambooHR")
    webhook.set_defaults(handler=register_webhook_command)


def _credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--secret-id", help="HRIS secret (ARN or name) holding the BambooHR settings JSON")
    parser.add_argument("--company-domain", help="e.g. acme for acme.bamboohr.com (with BAMBOOHR_API_KEY)")
    parser.add_argument("--base-url", help="override https://{company_domain}.bamboohr.com (sandbox)")


def load_settings(args: argparse.Namespace) -> BambooHRSettings:
    """Settings from the HRIS secret, or from the command line plus environment."""
    if args.secret_id:
        from infra.secrets import read_secret_json

        secret = read_secret_json(args.secret_id, max_age=0)
        secret.pop("provider", None)
        if args.base_url:
            secret["base_url"] = args.base_url
        return BambooHRSettings.model_validate(secret)
    if not args.company_domain:
        raise InvalidRequest("give --secret-id, or --company-domain with BAMBOOHR_API_KEY", field="secret_id")
    config: dict[str, Any] = {"company_domain": args.company_domain, "base_url": args.base_url}
    if os.environ.get("BAMBOOHR_API_KEY"):
        config["api_key"] = os.environ["BAMBOOHR_API_KEY"]
    elif os.environ.get("BAMBOOHR_OAUTH_TOKEN"):
        config["oauth_token"] = os.environ["BAMBOOHR_OAUTH_TOKEN"]
    else:
        raise InvalidRequest("set BAMBOOHR_API_KEY or BAMBOOHR_OAUTH_TOKEN", field="BAMBOOHR_API_KEY")
    return BambooHRSettings.model_validate(config)


def discover_command(
    args: argparse.Namespace, out: TextIO, connect: ConnectorFactory = BambooHRConnector
) -> int:
    settings = load_settings(args)
    with connect(settings) as connector:
        fields, tables, lists = (
            connector.api.meta_fields(),
            connector.api.meta_tables(),
            connector.api.meta_lists(),
        )
    proposal = propose_mapping(fields, tables, lists)
    report: dict[str, Any] = {
        "mapping": proposal.mapping,
        "unresolved": proposal.unresolved,
        "warnings": proposal.warnings,
        "saved": False,
    }
    if args.save:
        if proposal.unresolved:
            raise MappingError("not saved: map these by hand first: " + ", ".join(proposal.unresolved))
        if not args.secret_id:
            raise InvalidRequest("--save needs --secret-id (the HRIS secret to update)", field="secret_id")
        mapping = BambooHRFieldMapping.model_validate(proposal.mapping)
        problems = mapping_problems(mapping, fields, tables)
        if problems:
            raise MappingError("not saved: " + "; ".join(problems))
        from infra.secrets import put_secret_json, read_secret_json

        secret = read_secret_json(args.secret_id, max_age=0)
        secret["mapping"] = mapping.model_dump(mode="json")
        put_secret_json(args.secret_id, secret)
        report["saved"] = True
    _emit(out, report)
    return 0 if not proposal.unresolved else 1


def validate_command(
    args: argparse.Namespace, out: TextIO, connect: ConnectorFactory = BambooHRConnector
) -> int:
    settings = load_settings(args)
    with connect(settings) as connector:
        problems = mapping_problems(
            settings.mapping, connector.api.meta_fields(), connector.api.meta_tables()
        )
        warnings = list_option_problems(settings.mapping, connector.api.meta_lists())
    _emit(out, {"valid": not problems, "problems": problems, "warnings": warnings})
    return 0 if not problems else 1


def register_webhook_command(
    args: argparse.Namespace,
    out: TextIO,
    connect: ConnectorFactory = BambooHRConnector,
    store_key: Callable[[str, str], None] | None = None,
) -> int:
    if not str(args.url).startswith("https://"):
        raise InvalidRequest("BambooHR only delivers to https:// URLs", field="url")
    settings = load_settings(args)
    if store_key is None:
        from infra.secrets import put_webhook_private_key

        store_key = put_webhook_private_key

    with connect(settings) as connector:
        connector.validate_mapping()
        api = connector.api
        existing = [w for w in api.list_webhooks() if w.get("url") == args.url and w.get("name") == args.name]
        if existing:
            raise InvalidRequest(
                f"webhook {existing[0].get('id')} already delivers to this URL; its private key cannot be "
                "read back, so delete it in BambooHR first if the key was lost",
                field="url",
            )
        available = {str(f.get("alias")) for f in api.monitor_fields() if f.get("alias")}
        wanted = list(dict.fromkeys([*STANDARD_MONITOR_FIELDS, *settings.mapping.custom_fields().values()]))
        monitored = [alias for alias in wanted if alias in available]
        if not monitored:
            raise MappingError("none of the mapped fields can be monitored by a webhook in this account")
        created = api.create_webhook(
            {
                "name": args.name,
                "url": args.url,
                "format": "json",
                "events": list(WEBHOOK_EVENTS),
                "monitorFields": monitored,
                "postFields": {},
                "includeCompanyDomain": False,
            }
        )
        webhook_id = str(created.get("id"))
        private_key = created.get("privateKey")
        if not isinstance(private_key, str) or not private_key:
            api.delete_webhook(webhook_id)
            raise HrisRejected("BambooHR created the webhook without a private key; it was deleted again")
        try:
            store_key(args.webhook_secret_id, private_key)
        except Exception as error:
            api.delete_webhook(webhook_id)  # an unverifiable webhook is worse than none: re-run cleanly
            raise KeyNotStored(
                f"could not store the private key in {args.webhook_secret_id} ({type(error).__name__}); "
                f"webhook {webhook_id} was deleted again, nothing is left to clean up"
            ) from None
    _emit(
        out,
        {
            "webhook_id": webhook_id,
            "events": list(WEBHOOK_EVENTS),
            "monitored_fields": monitored,
            "not_monitorable": [alias for alias in wanted if alias not in available],
            "private_key_stored_in": args.webhook_secret_id,
        },
    )
    return 0


def _emit(out: TextIO, report: dict[str, Any]) -> None:
    out.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
