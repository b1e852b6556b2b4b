"""BambooHR adapter: reads the workforce, verifies webhooks, writes pairings and training back.

Exports are resolved lazily (PEP 562) so that the webhook Lambda, which imports only
`connectors.bamboohr.webhooks`, does not pay for httpx and the connector on its cold start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.bamboohr.connector import BambooHRConnector
    from connectors.bamboohr.settings import BambooHRFieldMapping, BambooHRSettings
    from connectors.bamboohr.webhooks import BambooHRWebhookVerifier

__all__ = ["BambooHRConnector", "BambooHRFieldMapping", "BambooHRSettings", "BambooHRWebhookVerifier"]

_HOMES = {
    "BambooHRConnector": "connectors.bamboohr.connector",
    "BambooHRFieldMapping": "connectors.bamboohr.settings",
    "BambooHRSettings": "connectors.bamboohr.settings",
    "BambooHRWebhookVerifier": "connectors.bamboohr.webhooks",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'connectors.bamboohr' has no attribute {name!r}")
    return getattr(import_module(home), name)
