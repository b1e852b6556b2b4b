"""The adapters as Lambda builds them (default clients, `AWS_ENDPOINT_URL`) against moto's server over HTTP.

Unit tests inject clients made under `mock_aws`; these prove the real wiring: clients from `infra.aws`
with their retry/timeout config, the endpoint taken from the environment, conditional-write errors
parsed off the wire, and the parallel shard reads sharing one client across threads.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from infra import aws, secrets
from infra.dynamodb import (
    DynamoEmployeeDirectory,
    DynamoPairingStore,
    DynamoSyncStateStore,
    DynamoWriteLedger,
)
from infra.dynamodb.schema import create_table
from infra.events import EVENT_SOURCE, EventBridgePublisher, parse_domain_event
from infra.messages import EmployeeSyncMessage, FullSyncMessage, parse_sync_message
from infra.queues import SyncQueue
from mentorship.errors import InvalidRequest
from mentorship.events import EmployeeHired, PairingApproved
from mentorship.models import Pairing, PairingStatus
from mentorship.ports import ChangeAction, ChangeHint, WriteReceipt
from sandbox.workforce import WorkforceSpec, generate_workforce

pytestmark = pytest.mark.integration


def test_shared_clients_reach_the_endpoint_from_the_environment(aws_over_http: str) -> None:
    dynamodb = aws.client("dynamodb")
    assert dynamodb.meta.endpoint_url == aws_over_http
    assert aws.client("dynamodb") is dynamodb
    assert dynamodb.meta.config.retries["mode"] == "standard"


def test_directory_and_pairings_work_over_http_with_default_clients(aws_over_http: str) -> None:
    # Given the table, created as the template declares it
    table = f"t-{datetime.now(UTC).timestamp():.0f}-dir"
    create_table(aws.client("dynamodb"), table)
    directory = DynamoEmployeeDirectory(table)
    workforce = generate_workforce(WorkforceSpec(employees=250, seed=3))
    # When the workforce is upserted twice (second time unchanged) and read back in parallel
    first = [directory.upsert(person) for person in workforce]
    second = [directory.upsert(person) for person in workforce]
    everyone = {e.employee_id: e for e in directory.all()}
    # Then everything was stored once, nothing re-stored, and all 250 came back intact
    assert all(first)
    assert not any(second)
    assert everyone == {e.employee_id: e for e in workforce}

    # And a conditional status change is refused over the wire once the pairing moved on
    store = DynamoPairingStore(table)
    draft = Pairing(
        pairing_id="p-1", program_id="prog", run_id="r1", mentor_id="100", mentee_id="101", score=0.9
    )
    store.put_pairings([draft])
    store.set_status("p-1", PairingStatus.APPROVED, expected=PairingStatus.DRAFT)
    with pytest.raises(InvalidRequest, match="is approved, not draft"):
        store.set_status("p-1", PairingStatus.REJECTED, expected=PairingStatus.DRAFT)
    assert [p.status for p in store.pairings_for_employee("101")] == [PairingStatus.APPROVED]

    ledger, state = DynamoWriteLedger(table), DynamoSyncStateStore(table)
    ledger.put("pairing#p-1", WriteReceipt(external_ids=("row-1",)))
    state.set_watermark("bamboohr", datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    assert ledger.get("pairing#p-1") == WriteReceipt(external_ids=("row-1",))
    assert state.get_watermark("bamboohr") == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_events_and_sync_messages_travel_over_http(aws_over_http: str) -> None:
    events, sqs = aws.client("events"), aws.client("sqs")
    events.create_event_bus(Name="bus-http")
    tap = sqs.create_queue(QueueName="tap-http")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName="bus-http", EventPattern=json.dumps({"source": [EVENT_SOURCE]}))
    events.put_targets(Rule="all", EventBusName="bus-http", Targets=[{"Id": "tap", "Arn": tap_arn}])
    sync_url = sqs.create_queue(QueueName="sync-http")["QueueUrl"]

    published = [EmployeeHired(employee_id="e1"), PairingApproved(pairing_id="p-1", program_id="prog")]
    EventBridgePublisher("bus-http").publish(published)
    queue = SyncQueue(sync_url)
    queue.enqueue_hints(
        [ChangeHint(provider="bamboohr", employee_id="e1", action=ChangeAction.CREATED, dedupe_key="d1")]
    )
    queue.enqueue_full_sync()

    on_bus = sqs.receive_message(QueueUrl=tap, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert sorted(map(repr, (parse_domain_event(json.loads(m["Body"])) for m in on_bus))) == sorted(
        map(repr, published)
    )
    on_sync = sqs.receive_message(QueueUrl=sync_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    kinds = sorted(type(parse_sync_message(m["Body"])).__name__ for m in on_sync)
    assert kinds == sorted([EmployeeSyncMessage.__name__, FullSyncMessage.__name__])


def test_secrets_are_read_through_the_default_provider(aws_over_http: str) -> None:
    arn = aws.client("secretsmanager").create_secret(Name="webhook-http", SecretString="{}")["ARN"]
    secrets.put_webhook_private_key(arn, "k-123")
    assert secrets.webhook_private_key(arn) == "k-123"
