"""The environment, parsed once into typed settings, so a missing variable fails loudly at cold start.

Each function declares the subset it needs as a model and calls `load_settings(Model)` at import time;
a missing or empty variable raises `SettingsError` naming every variable at fault, instead of a
`KeyError` deep inside the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

HrisProvider = Literal["bamboohr", "workday"]

_NonEmpty = Field(min_length=1)


class SettingsError(RuntimeError):
    """The function's environment is incomplete or invalid; `variables` names the culprits."""

    def __init__(self, model: str, problems: dict[str, str]) -> None:
        listed = "; ".join(f"{name}: {why}" for name, why in problems.items())
        super().__init__(f"{model}: bad environment: {listed}")
        self.variables = tuple(problems)


class _EnvSettings(BaseModel):
    """Fields are lower-case attributes read from the upper-case environment variable of the same name."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        alias_generator=str.upper,
        populate_by_name=True,
        str_strip_whitespace=True,
    )


# Building blocks: one per resource a function talks to, composed into one model per function.


class TableSettings(_EnvSettings):
    table_name: str = _NonEmpty


class EventBusSettings(_EnvSettings):
    event_bus_name: str = _NonEmpty


class SyncQueueSettings(_EnvSettings):
    sync_queue_url: str = _NonEmpty


class HrisSettings(_EnvSettings):
    hris_secret_arn: str = _NonEmpty
    hris_provider: HrisProvider


class WebhookSettings(SyncQueueSettings):
    """Webhook ingest: verify with the webhook secret, enqueue hints for the sync worker."""

    webhook_secret_arn: str = _NonEmpty
    hris_provider: HrisProvider


class SyncSettings(TableSettings, EventBusSettings, HrisSettings):
    """Sync worker: read the HRIS, upsert employees, publish what changed."""


class MatchingSettings(TableSettings, EventBusSettings):
    """Matching: read programmes and employees, store runs and drafts, publish the outcome."""


class WriteBackSettings(TableSettings, EventBusSettings, HrisSettings):
    """Write-back: read approved pairings, write them and their training to the HRIS."""


class AdminSettings(TableSettings, EventBusSettings, SyncQueueSettings):
    """Admin API: programmes, runs, approvals, and triggering syncs."""


SettingsT = TypeVar("SettingsT", bound=BaseModel)


def load_settings(model: type[SettingsT], environ: Mapping[str, str] | None = None) -> SettingsT:
    """Validate `environ` (default: the process environment) against `model`, naming each bad variable."""
    source = os.environ if environ is None else environ
    try:
        return model.model_validate(dict(source))
    except ValidationError as error:
        problems: dict[str, str] = {}
        for issue in error.errors():
            name = str(issue["loc"][0]) if issue["loc"] else model.__name__
            problems[name.upper()] = "missing" if issue["type"] == "missing" else issue["msg"]
        raise SettingsError(model.__name__, problems) from None
