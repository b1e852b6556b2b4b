"""Secrets: JSON objects read through Powertools with a warm-container cache; values never in errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from moto import mock_aws

from infra.secrets import (
    SecretError,
    put_secret_json,
    put_webhook_private_key,
    read_secret_json,
    webhook_private_key,
)


class Secrets:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.provider = SecretsProvider(boto3_client=client)
        self.reads = 0

        def count(**_: Any) -> None:
            self.reads += 1

        client.meta.events.register("before-call.secrets-manager.GetSecretValue", count)


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Secrets]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield Secrets(boto3.client("secretsmanager", region_name="eu-west-1"))


def test_secret_json_is_read_once_and_then_served_from_the_cache(secrets: Secrets) -> None:
    # Given the HRIS credentials secret
    arn = secrets.client.create_secret(Name="hris", SecretString='{"subdomain": "acme", "api_key": "k-123"}')[
        "ARN"
    ]
    # When it is read on three warm invocations
    values = [read_secret_json(arn, provider=secrets.provider) for _ in range(3)]
    # Then all three see the JSON object, and Secrets Manager was asked once
    assert values == [{"subdomain": "acme", "api_key": "k-123"}] * 3
    assert secrets.reads == 1


def test_an_expired_cache_entry_is_fetched_again(secrets: Secrets) -> None:
    arn = secrets.client.create_secret(Name="hris", SecretString='{"api_key": "old"}')["ARN"]
    read_secret_json(arn, provider=secrets.provider, max_age=0)
    secrets.client.put_secret_value(SecretId=arn, SecretString='{"api_key": "rotated"}')
    assert read_secret_json(arn, provider=secrets.provider, max_age=0) == {"api_key": "rotated"}
    assert secrets.reads == 2


def test_a_secret_that_is_not_json_is_an_error_that_does_not_quote_it(secrets: Secrets) -> None:
    arn = secrets.client.create_secret(Name="hris", SecretString="hunter2-not-json")["ARN"]
    with pytest.raises(SecretError, match="not valid JSON") as refused:
        read_secret_json(arn, provider=secrets.provider)
    assert "hunter2" not in str(refused.value)
    assert "hunter2" not in repr(refused.value.__cause__)


def test_a_json_secret_that_is_not_an_object_is_refused(secrets: Secrets) -> None:
    arn = secrets.client.create_secret(Name="hris", SecretString='["k-123"]')["ARN"]
    with pytest.raises(SecretError, match="JSON object") as refused:
        read_secret_json(arn, provider=secrets.provider)
    assert "k-123" not in str(refused.value)


def test_a_missing_secret_is_an_error_naming_it(secrets: Secrets) -> None:
    with pytest.raises(SecretError, match="secret nope could not be read"):
        read_secret_json("nope", provider=secrets.provider)


def test_a_put_value_is_read_back_at_once_despite_the_cache(secrets: Secrets) -> None:
    # Given a secret already read (and cached) in this process
    arn = secrets.client.create_secret(Name="hris", SecretString='{"api_key": "old"}')["ARN"]
    read_secret_json(arn, provider=secrets.provider)
    # When the CLI puts a new value
    put_secret_json(arn, {"api_key": "new", "subdomain": "acme"}, provider=secrets.provider)
    # Then the next read sees it
    assert read_secret_json(arn, provider=secrets.provider) == {"api_key": "new", "subdomain": "acme"}


def test_webhook_private_key_round_trips_through_its_secret(secrets: Secrets) -> None:
    arn = secrets.client.create_secret(Name="webhook", SecretString="{}")["ARN"]
    with pytest.raises(SecretError, match="has no 'private_key'"):
        webhook_private_key(arn, provider=secrets.provider)
    put_webhook_private_key(arn, "b4c0ffee", provider=secrets.provider)
    assert webhook_private_key(arn, provider=secrets.provider) == "b4c0ffee"
    assert secrets.client.get_secret_value(SecretId=arn)["SecretString"] == '{"private_key": "b4c0ffee"}'
