"""Retry the part of a batch call that AWS did not process, with jittered exponential backoff.

BatchWriteItem, BatchGetItem, PutEvents and SendMessageBatch all answer 200 while leaving some entries
unprocessed (throttling, partial failures). Ignoring them loses data silently, so every batch call in
`infra/` goes through `deliver_all`, which resends only what is left and raises if anything is still
left after the budget, so the invocation fails and its queue message is redelivered.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)


class DeliveryIncomplete(RuntimeError):
    """Some entries were still refused after every retry; `failures` says which and why (no payloads)."""

    def __init__(self, what: str, failures: Sequence[str]) -> None:
        shown = "; ".join(failures[:5])
        super().__init__(f"{what}: {len(failures)} entries still failing after retries ({shown})")
        self.failures = tuple(failures)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (the per-call limit of an AWS batch API)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def deliver_all(
    items: Sequence[T],
    send: Callable[[Sequence[T]], Sequence[T]],
    *,
    what: str,
    describe: Callable[[T], str] = lambda _item: "entry",
    attempts: int = 6,
    base_delay: float = 0.05,
    max_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call `send` until it returns no leftovers; `send` returns the entries it could not deliver."""
    pending: Sequence[T] = items
    for attempt in range(attempts):
        if not pending:
            return
        pending = send(pending)
        if pending and attempt + 1 < attempts:
            # Counts only: entries can carry employee data, which never goes to a log.
            logger.warning("%s: %d of %d entries refused, retrying", what, len(pending), len(items))
            # Full jitter: concurrent retriers spread out instead of throttling each other again.
            sleep(random.uniform(0, min(max_delay, base_delay * 2**attempt)))
    if pending:
        raise DeliveryIncomplete(what, [describe(item) for item in pending])
