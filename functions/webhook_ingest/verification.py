"""Webhook verification that survives a re-registered webhook.

BambooHR hands out a new private key when the webhook is registered again; a warm container that
cached the old key would answer 401 to every delivery, and BambooHR never retries a 4xx. So on a
signature that fails, the key is re-read once, at most once a minute, so forged requests cannot
turn into a stream of Secrets Manager calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime

from mentorship.errors import InvalidSignature
from mentorship.ports import ChangeHint, InboundEventVerifier

KEY_REFRESH_INTERVAL_SECONDS = 60.0


class KeyRefreshingVerifier:
    """An `InboundEventVerifier` whose key is re-read when a signature fails (rate-limited)."""

    def __init__(
        self,
        load_key: Callable[[bool], str],
        make_verifier: Callable[[str], InboundEventVerifier],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load_key = load_key  # load_key(fresh): fresh=True bypasses every cache
        self._make_verifier = make_verifier
        self._monotonic = monotonic
        self._verifier = make_verifier(load_key(False))
        self._last_refresh = monotonic()

    def verify_and_parse(
        self, headers: Mapping[str, str], raw_body: bytes, *, now: datetime
    ) -> list[ChangeHint]:
        try:
            return self._verifier.verify_and_parse(headers, raw_body, now=now)
        except InvalidSignature:
            if self._monotonic() - self._last_refresh < KEY_REFRESH_INTERVAL_SECONDS:
                raise
            self._last_refresh = self._monotonic()
            self._verifier = self._make_verifier(self._load_key(True))
            return self._verifier.verify_and_parse(headers, raw_body, now=now)
