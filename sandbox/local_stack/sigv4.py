"""SigV4 for the local HTTP API: sign like an AWS client, verify like API Gateway's AWS_IAM authorizer.

Verification recomputes the signature with botocore's own signer over the headers the client says it
signed, so a request signed by any SigV4 client for `execute-api` passes and a tampered one fails.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import EMPTY_SHA256_HASH, UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "execute-api"
_MAX_CLOCK_SKEW = timedelta(minutes=15)
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed_headers>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


class SignatureRejected(Exception):
    """The request is not signed by the stack's credentials (message says why, like API Gateway)."""


@dataclass(frozen=True)
class VerifiedCaller:
    access_key: str
    account_id: str


def sign_request(
    credentials: Credentials,
    region: str,
    method: str,
    url: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Headers (including Authorization and X-Amz-Date) for a SigV4-signed execute-api request."""
    request = AWSRequest(method=method.upper(), url=url, data=body, headers=dict(headers or {}))
    SigV4Auth(credentials, SERVICE, region).add_auth(request)
    return dict(request.headers.items())


def verify_request(
    *,
    credentials: Credentials,
    region: str,
    account_id: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime | None = None,
) -> VerifiedCaller:
    """Check a request's SigV4 signature; raise SignatureRejected when it does not hold."""
    lowered = {key.lower(): value for key, value in headers.items()}
    authorization = lowered.get("authorization")
    if not authorization:
        raise SignatureRejected("Missing Authentication Token")
    match = _AUTHORIZATION.match(authorization.strip())
    if match is None:
        raise SignatureRejected("Authorization header is not a SigV4 AWS4-HMAC-SHA256 signature")
    access_key, date, scope_region, service, terminator = (match["credential"].split("/") + [""] * 5)[:5]
    if access_key != credentials.access_key:
        raise SignatureRejected("The security token included in the request is invalid.")
    if (scope_region, service, terminator) != (region, SERVICE, "aws4_request"):
        raise SignatureRejected(f"Credential should be scoped to {region}/{SERVICE}/aws4_request")
    amz_date = lowered.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureRejected("X-Amz-Date header is missing or malformed") from None
    if not amz_date.startswith(date):
        raise SignatureRejected("Credential date does not match X-Amz-Date")
    if abs((now or datetime.now(UTC)) - signed_at) > _MAX_CLOCK_SKEW:
        raise SignatureRejected("Signature expired")
    content_hash = lowered.get("x-amz-content-sha256")
    if content_hash not in (None, UNSIGNED_PAYLOAD) and content_hash != _sha256(body):
        raise SignatureRejected("The provided x-amz-content-sha256 header does not match the body")

    signed_names = match["signed_headers"].split(";")
    if "host" not in signed_names:
        raise SignatureRejected("host must be a signed header")
    missing = [name for name in signed_names if name not in lowered]
    if missing:
        raise SignatureRejected(f"signed headers missing from the request: {missing}")
    request = AWSRequest(
        method=method.upper(),
        url=url,
        data=body,
        headers={name: lowered[name] for name in signed_names},
    )
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(credentials, SERVICE, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, match["signature"]):
        raise SignatureRejected(
            "The request signature we calculated does not match the signature you provided."
        )
    return VerifiedCaller(access_key=access_key, account_id=account_id)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256_HASH
