"""SigV4 verification for the local HTTP API's AWS_IAM routes, checked against botocore's signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.credentials import Credentials

from sandbox.local_stack.sigv4 import SignatureRejected, sign_request, verify_request

CREDENTIALS = Credentials("AKIALOCAL", "local-secret")
URL = "http://127.0.0.1:8080/admin/runs/r-1/decisions?dry_run=true"
BODY = b'{"approve": ["p-1"]}'


def _verify(
    headers: dict[str, str], *, body: bytes = BODY, url: str = URL, now: datetime | None = None
) -> None:
    verify_request(
        credentials=CREDENTIALS,
        region="us-east-1",
        account_id="123456789012",
        method="POST",
        url=url,
        headers={**headers, "Host": "127.0.0.1:8080"},
        body=body,
        now=now,
    )


def _signed() -> dict[str, str]:
    return sign_request(CREDENTIALS, "us-east-1", "POST", URL, BODY, {"Content-Type": "application/json"})


def test_a_request_signed_by_botocore_verifies() -> None:
    _verify(_signed())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": b'{"approve": ["p-2"]}'}, "signature"),
        ({"url": URL.replace("dry_run=true", "dry_run=false")}, "signature"),
        ({"now": datetime.now(UTC) + timedelta(minutes=20)}, "expired"),
    ],
)
def test_changed_request_or_stale_signature_is_rejected(change: dict[str, object], reason: str) -> None:
    with pytest.raises(SignatureRejected, match=reason):
        _verify(_signed(), **change)  # type: ignore[arg-type]


def test_other_region_or_service_scope_is_rejected() -> None:
    headers = sign_request(CREDENTIALS, "eu-west-1", "POST", URL, BODY)
    with pytest.raises(SignatureRejected, match="scoped"):
        _verify(headers)


def test_missing_or_foreign_authorization_is_rejected() -> None:
    with pytest.raises(SignatureRejected, match="Missing Authentication Token"):
        _verify({})
    with pytest.raises(SignatureRejected, match="SigV4"):
        _verify({"Authorization": "Bearer eyJhbGciOi"})
