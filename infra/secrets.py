"""Secrets Manager JSON for connectors and webhook verification, cached across warm invocations.

Values are never logged: callers get a dict and only secret *names* appear in errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities import parameters

# Five minutes: a rotated BambooHR key or Workday password is picked up quickly without a Secrets
# Manager call on every webhook.
SECRET_MAX_AGE_SECONDS = 300


class SecretError(RuntimeError):
    """A secret that is missing or is not a JSON object (its value is never part of the message)."""


def get_secret_json(secret_id: str, *, max_age: int = SECRET_MAX_AGE_SECONDS) -> dict[str, Any]:
    """The secret's JSON object, fetched at most once per `max_age` seconds per warm container."""
    try:
        value = parameters.get_secret(secret_id, transform="json", max_age=max_age)
    except parameters.GetParameterError as error:
        raise SecretError(f"secret {secret_id} could not be read") from error
    except parameters.TransformParameterError:
        raise SecretError(f"secret {secret_id} is not valid JSON") from None
    if not isinstance(value, dict):
        raise SecretError(f"secret {secret_id} must hold a JSON object")
    return value


def put_secret_json(secret_id: str, value: Mapping[str, Any]) -> None:
    """Store a JSON object as the secret's current value (creating the secret if needed); for the CLI."""
    parameters.set_secret(secret_id, json.dumps(dict(value)))
    # The next read in this process must see the new value, not the cached old one.
    parameters.clear_caches()
