"""Dependencies built on first use, not at import: template checks and tests import handlers without
an AWS environment, and tests swap in in-memory fakes through `override`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._value: T | None = None

    def get(self) -> T:
        if self._value is None:
            self._value = self._factory()
        return self._value

    def override(self, value: T | None) -> None:
        """Use `value` instead of building from the environment (None: build again on next use)."""
        self._value = value
