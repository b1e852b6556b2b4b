"""Powertools idempotency records share the table with our items without either seeing the other."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from moto import mock_aws

from infra.dynamodb import DynamoEmployeeDirectory, DynamoPairingStore, DynamoProgramStore
from infra.dynamodb.schema import TTL_ATTRIBUTE, create_table
from mentorship.models import Employee, Pairing, Program, ProgramKind


class LambdaContextStub:
    """What the idempotency utility reads from a Lambda context: the time left."""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def test_idempotency_records_and_domain_items_live_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client, "mentorbridge")
        # Given the webhook's idempotency layer configured as the handler configures it
        persistence = DynamoDBPersistenceLayer(
            table_name="mentorbridge",
            key_attr="pk",
            sort_key_attr="sk",
            boto3_session=boto3.session.Session(region_name="eu-west-1"),
        )
        calls: list[str] = []
        config = IdempotencyConfig(event_key_jmespath="dedupe_key")
        config.register_lambda_context(LambdaContextStub())

        @idempotent_function(data_keyword_argument="hint", persistence_store=persistence, config=config)
        def enqueue_once(hint: dict[str, Any]) -> dict[str, Any]:
            calls.append(hint["dedupe_key"])
            return {"enqueued": hint["dedupe_key"]}

        # And domain items of every listing kind
        directory, programs, pairings = (
            DynamoEmployeeDirectory("mentorbridge", client),
            DynamoProgramStore("mentorbridge", client),
            DynamoPairingStore("mentorbridge", client),
        )
        directory.upsert(Employee(employee_id="e1", source_updated_at=datetime(2026, 11, 1, tzinfo=UTC)))
        programs.put(Program(program_id="reverse-2026", name="Reverse", kind=ProgramKind.REVERSE))
        pairings.put_pairings(
            [
                Pairing(
                    pairing_id="p-1",
                    program_id="reverse-2026",
                    run_id="r1",
                    mentor_id="e1",
                    mentee_id="e2",
                    score=1,
                )
            ]
        )
        # When the same delivery is processed twice
        enqueue_once(hint={"dedupe_key": "delivery-1#e1"})
        enqueue_once(hint={"dedupe_key": "delivery-1#e1"})
        # Then the second was deduplicated by a record in our table, under its own prefix, with TTL
        assert calls == ["delivery-1#e1"]
        everything = client.scan(TableName="mentorbridge")["Items"]
        records = [item for item in everything if item["pk"]["S"].startswith("idempotency#")]
        assert len(records) == 1
        assert TTL_ATTRIBUTE in records[0]
        # And no listing of ours picks it up
        assert [e.employee_id for e in directory.all()] == ["e1"]
        assert [p.program_id for p in programs.all()] == ["reverse-2026"]
        assert [p.pairing_id for p in pairings.pairings_for_program("reverse-2026")] == ["p-1"]
