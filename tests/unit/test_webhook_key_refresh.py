"""Key refresh on a failed signature: at most once a minute, so forgeries cannot hammer the secret."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.bamboohr.webhooks import BambooHRWebhookVerifier, sign
from functions.webhook_ingest.verification import KeyRefreshingVerifier
from mentorship.errors import InvalidSignature

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BODY = (
    b'{"type":"employee.created","timestamp":"2026-11-27T09:00:00+00:00",'
    b'"data":{"companyId":1,"employeeId":"7"}}'
)


class KeyStore:
    def __init__(self, key: str) -> None:
        self.key, self.reads = key, 0

    def load(self, fresh: bool) -> str:
        self.reads += 1
        return self.key


def headers(key: str) -> dict[str, str]:
    timestamp = str(int(NOW.timestamp()))
    return {"x-bamboohr-timestamp": timestamp, "x-bamboohr-signature": sign(key, BODY, timestamp)}


def test_forged_signatures_refresh_the_key_at_most_once_a_minute() -> None:
    store, clock = KeyStore("key-1"), [1000.0]
    verifier = KeyRefreshingVerifier(store.load, BambooHRWebhookVerifier, monotonic=lambda: clock[0])
    clock[0] += 61
    for _ in range(5):
        with pytest.raises(InvalidSignature):
            verifier.verify_and_parse(headers("forged"), BODY, now=NOW)
    assert store.reads == 2  # the cold start, then one refresh for five forgeries


def test_a_rotated_key_is_used_once_the_refresh_interval_has_passed() -> None:
    store, clock = KeyStore("key-1"), [1000.0]
    verifier = KeyRefreshingVerifier(store.load, BambooHRWebhookVerifier, monotonic=lambda: clock[0])
    store.key = "key-2"
    with pytest.raises(InvalidSignature):  # just read at cold start: not re-read yet
        verifier.verify_and_parse(headers("key-2"), BODY, now=NOW)
    clock[0] += 61
    assert [h.employee_id for h in verifier.verify_and_parse(headers("key-2"), BODY, now=NOW)] == ["7"]
