"""Build the installation's HRIS connector from its Secrets Manager secret.

The secret's JSON is the provider's settings model (credentials plus field mapping), validated
here so a bad value fails at start naming its field. The connector module is imported only for the
provider in use, keeping other vendors' dependencies off the cold start.
"""

from __future__ import annotations

from typing import Any

from mentorship.errors import InvalidRequest
from mentorship.ports import HrisConnector, WriteLedger


def connector_from_secret(secret: dict[str, Any], ledger: WriteLedger | None = None) -> HrisConnector:
    """The connector for `secret["provider"]` (default `bamboohr`), configured from the rest of it."""
    config = dict(secret)
    provider = str(config.pop("provider", "bamboohr")).lower()
    if provider == "bamboohr":
        from pydantic import ValidationError

        from connectors.bamboohr.connector import BambooHRConnector
        from connectors.bamboohr.settings import BambooHRSettings

        try:
            settings = BambooHRSettings.model_validate(config)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "secret"
            raise InvalidRequest(f"HRIS secret: {field}: {first['msg']}", field=field) from None
        return BambooHRConnector(settings, ledger=ledger)
    raise InvalidRequest(f"HRIS provider {provider!r} is not supported", field="provider")
