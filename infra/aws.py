"""One place that builds boto3 clients, so every adapter shares timeouts and retry policy.

Clients are built lazily (first use, then cached per warm container) and every adapter also accepts an
injected client, so tests hand in clients made inside moto's `mock_aws`. Endpoints are never hard-coded:
botocore honours `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`), which is how the local stack and
the integration tests point everything at moto's server.
"""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# Lambda functions answer within seconds; a hung socket must fail fast so SQS can redeliver instead of
# the invocation timing out with nothing logged. "standard" retry mode adds jittered backoff on throttles.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=3,
    read_timeout=10,
    tcp_keepalive=True,
)


@functools.cache
def client(service_name: str) -> Any:
    """A shared low-level client for `service_name` (region and endpoint from the environment)."""
    return boto3.session.Session().client(service_name, config=CLIENT_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests that switch endpoints or credentials between cases)."""
    client.cache_clear()
