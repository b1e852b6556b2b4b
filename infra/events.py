"""`EventPublisher` on EventBridge, and the way back: an EventBridge event into a domain event."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from infra.aws import client as shared_client
from infra.backoff import chunks, deliver_all
from mentorship.errors import MalformedPayload
from mentorship.events import EVENT_TYPES, DomainEvent

EVENT_SOURCE = "mentorbridge"
PUT_EVENTS_LIMIT = 10


class EventBridgePublisher:
    """Publishes domain events 10 per PutEvents call; entries EventBridge refuses are retried, then raised.

    Raising matters: the caller is usually an SQS-driven function, so its message is redelivered instead
    of an `EmployeeHired` silently never reaching the matcher.
    """

    def __init__(
        self, bus_name: str, client: Any | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._bus_name = bus_name
        self._client = client or shared_client("events")
        self._sleep = sleep

    def publish(self, events: Sequence[DomainEvent]) -> None:
        entries = [
            {
                "Source": EVENT_SOURCE,
                "DetailType": event.detail_type,
                "Detail": event.model_dump_json(),
                "EventBusName": self._bus_name,
            }
            for event in events
        ]
        for chunk in chunks(entries, PUT_EVENTS_LIMIT):
            deliver_all(
                chunk, self._send, what="PutEvents", describe=lambda e: e["DetailType"], sleep=self._sleep
            )

    def _send(self, entries: Sequence[dict[str, str]]) -> list[dict[str, str]]:
        response = self._client.put_events(Entries=list(entries))
        if not response.get("FailedEntryCount"):
            return []
        # Result entries are positional: the i-th result belongs to the i-th entry sent.
        return [
            entry
            for entry, result in zip(entries, response["Entries"], strict=True)
            if result.get("ErrorCode")
        ]


def parse_domain_event(eventbridge_event: Mapping[str, Any]) -> DomainEvent:
    """The domain event inside an EventBridge event (as a rule target receives it), validated.

    Raises `MalformedPayload` naming the field at fault, so a bad event goes to the DLQ unretried.
    """
    detail_type = eventbridge_event.get("detail-type")
    event_type = EVENT_TYPES.get(detail_type) if isinstance(detail_type, str) else None
    if event_type is None:
        raise MalformedPayload(f"unknown detail-type {detail_type!r}", field="detail-type")
    detail = eventbridge_event.get("detail")
    if not isinstance(detail, Mapping):
        raise MalformedPayload("detail must be an object", field="detail")
    try:
        return event_type.model_validate(detail)
    except ValueError as error:
        raise MalformedPayload(f"{detail_type} detail is invalid: {error}", field="detail") from None
