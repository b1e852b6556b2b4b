"""Secrets Manager JSON for connectors and webhook verification, cached across warm invocations.

Built on Powertools' `SecretsProvider` (its cache, its transform) over the shared boto3 client, so
timeouts and `AWS_ENDPOINT_URL` apply as everywhere else. Values are never logged: only secret *ids*
appear in errors. The webhook signing secret's shape (`{"private_key": ...}`) is defined here only,
for the CLI that writes it and the webhook function that reads it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.parameters import (
    GetParameterError,
    SecretsProvider,
    TransformParameterError,
)

from infra.aws import client as shared_client

# Five minutes: a rotated BambooHR key or Workday password is picked up quickly without a Secrets
# Manager call on every webhook.
SECRET_MAX_AGE_SECONDS = 300
WEBHOOK_PRIVATE_KEY_FIELD = "private_key"


class SecretError(RuntimeError):
    """A secret that is missing or is not a JSON object (its value is never part of the message)."""


@functools.cache
def default_provider() -> SecretsProvider:
    """The process-wide provider, so its cache survives across warm invocations."""
    return SecretsProvider(boto3_client=shared_client("secretsmanager"))


def read_secret_json(
    secret_id: str, *, max_age: int = SECRET_MAX_AGE_SECONDS, provider: SecretsProvider | None = None
) -> dict[str, Any]:
    """The secret's JSON object, fetched at most once per `max_age` seconds per warm container."""
    try:
        value = (provider or default_provider()).get(secret_id, transform="json", max_age=max_age)
    except GetParameterError as error:
        # The cause says why (not found, access denied); it never carries the value.
        raise SecretError(f"secret {secret_id} could not be read") from error
    except TransformParameterError:
        raise SecretError(f"secret {secret_id} is not valid JSON") from None
    if not isinstance(value, dict):
        raise SecretError(f"secret {secret_id} must hold a JSON object")
    return value


def put_secret_json(
    secret_id: str, value: Mapping[str, Any], *, provider: SecretsProvider | None = None
) -> None:
    """Store a JSON object as the secret's current value (creating the secret if needed); for the CLI."""
    chosen = provider or default_provider()
    chosen.set(secret_id, dict(value))
    # The next read in this process must see the new value, not the cached old one.
    chosen.clear_cache()  # type: ignore[no-untyped-call]  # Powertools leaves it unannotated


def webhook_private_key(
    secret_id: str, *, max_age: int = SECRET_MAX_AGE_SECONDS, provider: SecretsProvider | None = None
) -> str:
    """The HRIS webhook signing key stored by `put_webhook_private_key` (`max_age=0`: re-read now)."""
    key = read_secret_json(secret_id, max_age=max_age, provider=provider).get(WEBHOOK_PRIVATE_KEY_FIELD)
    if not isinstance(key, str) or not key:
        raise SecretError(f"secret {secret_id} has no {WEBHOOK_PRIVATE_KEY_FIELD!r}")
    return key


def put_webhook_private_key(
    secret_id: str, private_key: str, *, provider: SecretsProvider | None = None
) -> None:
    """Store the signing key BambooHR returns (once) when the webhook is created."""
    put_secret_json(secret_id, {WEBHOOK_PRIVATE_KEY_FIELD: private_key}, provider=provider)
