"""The bodies of sync-queue messages: the contract between webhook/admin (senders) and the sync worker.

One discriminated union on `kind`, so the worker parses a body in one call and a bad body names its
field. An `employee` message is a `ChangeHint` plus its kind: a hint, never employee data.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from mentorship.ports import ChangeHint


class EmployeeSyncMessage(ChangeHint):
    """Re-read this employee from the HRIS and upsert them."""

    kind: Literal["employee"] = "employee"

    def to_hint(self) -> ChangeHint:
        return ChangeHint.model_validate(self.model_dump(exclude={"kind"}))


class FullSyncMessage(BaseModel):
    """Read the whole workforce (first install, nightly reconciliation, admin request)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["full_sync"] = "full_sync"


class IncrementalSyncMessage(BaseModel):
    """Read what changed since the source's watermark."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["incremental_sync"] = "incremental_sync"


SyncMessage = Annotated[
    EmployeeSyncMessage | FullSyncMessage | IncrementalSyncMessage, Field(discriminator="kind")
]

_sync_message = TypeAdapter[SyncMessage](SyncMessage)


def parse_sync_message(body: str | bytes) -> EmployeeSyncMessage | FullSyncMessage | IncrementalSyncMessage:
    """Parse an SQS body; raises pydantic's ValidationError naming the field at fault."""
    return _sync_message.validate_json(body)
