"""The local stack built from the real template wires every event source the template declares,
and the resources it creates on moto carry the template's settings (so template and code cannot drift)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.local_stack import LocalStack
from tests.template.conftest import TEMPLATE_PATH, functions_of

pytestmark = pytest.mark.integration


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with LocalStack(TEMPLATE_PATH, parameters={"HrisProvider": "bamboohr"}) as running:
        yield running


def _declared_events(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (function, event_id, event["Type"])
        for function, resource in functions_of(document).items()
        for event_id, event in (resource["Properties"].get("Events") or {}).items()
    }


def test_stack_starts_in_a_couple_of_seconds() -> None:
    started = time.monotonic()
    with LocalStack(TEMPLATE_PATH):
        elapsed = time.monotonic() - started
    assert elapsed < 5


def test_every_event_source_of_the_template_is_wired(
    stack: LocalStack, template_document: dict[str, Any]
) -> None:
    # Given the events the template declares / When the stack has started
    wired = {(w.function, w.event_id, w.type) for w in stack.wiring}
    # Then each one is wired, and nothing else is
    assert wired == _declared_events(template_document)
    assert len(stack.wiring) == len(wired)


def test_http_routes_are_the_templates_routes(stack: LocalStack, template_document: dict[str, Any]) -> None:
    declared = {
        (function, f"{event['Properties']['Method']} {event['Properties']['Path']}")
        for function, resource in functions_of(template_document).items()
        for event in (resource["Properties"].get("Events") or {}).values()
        if event["Type"] == "HttpApi"
    }
    assert {(w.function, w.source) for w in stack.wiring if w.type == "HttpApi"} == declared
    assert ("WebhookIngestFunction", "POST /webhooks/bamboohr") in declared


def test_sqs_sources_poll_the_templates_queues(stack: LocalStack) -> None:
    sources = {w.function: w.source for w in stack.wiring if w.type == "SQS"}
    assert sources == {
        "SyncWorkerFunction": stack.attribute("SyncQueue", "Arn"),
        "WriteBackFunction": stack.attribute("WriteBackQueue", "Arn"),
    }


def test_eventbridge_rules_on_moto_carry_the_templates_patterns(
    stack: LocalStack, template_document: dict[str, Any]
) -> None:
    events = stack.client("events")
    bus = stack.physical_id("MentorbridgeEventBus")
    matching_events = template_document["Resources"]["MatchingFunction"]["Properties"]["Events"]
    for wiring in (w for w in stack.wiring if w.type == "EventBridgeRule"):
        rule = events.describe_rule(Name=wiring.source, EventBusName=bus)
        assert json.loads(rule["EventPattern"]) == matching_events[wiring.event_id]["Properties"]["Pattern"]
    lifecycle = events.describe_rule(
        Name=stack.physical_id("PairingLifecycleToWriteBackRule"), EventBusName=bus
    )
    assert json.loads(lifecycle["EventPattern"])["detail-type"] == ["PairingApproved", "PairingEnded"]
    targets = events.list_targets_by_rule(Rule=lifecycle["Name"], EventBusName=bus)["Targets"]
    assert [target["Arn"] for target in targets] == [stack.attribute("WriteBackQueue", "Arn")]


def test_queues_on_moto_have_the_templates_redrive_and_timeouts(stack: LocalStack) -> None:
    sqs = stack.client("sqs")
    for queue, dead_letter_queue, visibility in (
        ("SyncQueue", "SyncDeadLetterQueue", "720"),
        ("WriteBackQueue", "WriteBackDeadLetterQueue", "360"),
    ):
        attributes = sqs.get_queue_attributes(QueueUrl=stack.physical_id(queue), AttributeNames=["All"])[
            "Attributes"
        ]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == stack.attribute(dead_letter_queue, "Arn")
        assert int(redrive["maxReceiveCount"]) == 5
        assert attributes["VisibilityTimeout"] == visibility
    assert stack.dead_letter_queues() == [
        "MatchingDeadLetterQueue",
        "SyncDeadLetterQueue",
        "WriteBackDeadLetterQueue",
    ]


def test_table_on_moto_has_the_templates_keys_index_and_ttl(stack: LocalStack) -> None:
    dynamodb = stack.client("dynamodb")
    table = dynamodb.describe_table(TableName=stack.physical_id("MentorbridgeTable"))["Table"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["gsi1"]
    ttl = dynamodb.describe_time_to_live(TableName=table["TableName"])["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}


def test_function_environments_resolve_to_the_stacks_resources(stack: LocalStack) -> None:
    env = stack.function_env("SyncWorkerFunction")
    assert env["TABLE_NAME"] == stack.physical_id("MentorbridgeTable")
    assert env["EVENT_BUS_NAME"] == stack.physical_id("MentorbridgeEventBus")
    assert env["HRIS_SECRET_ARN"] == stack.physical_id("HrisCredentialsSecret")
    assert env["HRIS_PROVIDER"] == "bamboohr"
    assert env["POWERTOOLS_SERVICE_NAME"] == "mentorbridge"
    webhook = stack.function_env("WebhookIngestFunction")
    assert webhook["SYNC_QUEUE_URL"] == stack.physical_id("SyncQueue")
    assert webhook["WEBHOOK_SECRET_ARN"] == stack.physical_id("WebhookSigningSecret")
    assert "HRIS_SECRET_ARN" not in webhook


def test_pairing_events_reach_the_write_back_queue_through_the_templates_rule(stack: LocalStack) -> None:
    # Given the stack / When a PairingApproved event is put on the bus (and an unrelated one)
    events = stack.client("events")
    for detail_type in ("PairingApproved", "MatchRunCompleted"):
        events.put_events(
            Entries=[
                {
                    "Source": "mentorbridge",
                    "DetailType": detail_type,
                    "Detail": json.dumps({"pairing_id": "p-1"}),
                    "EventBusName": stack.physical_id("MentorbridgeEventBus"),
                }
            ]
        )
    # Then exactly the pairing event lands on the write-back queue, as the EventBridge envelope
    messages = stack.client("sqs").receive_message(
        QueueUrl=stack.physical_id("WriteBackQueue"), MaxNumberOfMessages=10
    )["Messages"]
    assert [json.loads(m["Body"])["detail-type"] for m in messages] == ["PairingApproved"]
    assert json.loads(messages[0]["Body"])["detail"] == {"pairing_id": "p-1"}


def test_firing_the_nightly_schedule_puts_a_full_sync_on_the_sync_queue(stack: LocalStack) -> None:
    stack.fire_schedule("NightlyReconciliationSchedule")
    messages = stack.client("sqs").receive_message(QueueUrl=stack.physical_id("SyncQueue"))["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"kind": "full_sync"}]


def test_stack_rejects_a_parameter_value_the_template_does_not_allow() -> None:
    with pytest.raises(ValueError, match="HrisProvider"):
        LocalStack(TEMPLATE_PATH, parameters={"HrisProvider": "sap"})


def test_every_functions_settings_load_from_the_environment_the_template_gives_it(stack: LocalStack) -> None:
    # Given the settings model each handler validates at start (infra/settings.py)
    from infra.settings import (
        AdminSettings,
        MatchingSettings,
        SyncSettings,
        TableSettings,
        WebhookSettings,
        WriteBackSettings,
        load_settings,
    )

    needs: dict[str, list[type[Any]]] = {
        "WebhookIngestFunction": [WebhookSettings, TableSettings],
        "SyncWorkerFunction": [SyncSettings],
        "MatchingFunction": [MatchingSettings],
        "WriteBackFunction": [WriteBackSettings],
        "AdminApiFunction": [AdminSettings],
    }
    assert sorted(needs) == sorted(functions_of_stack(stack))
    # When each is loaded from the function's resolved template environment
    # Then none is missing a variable (template and handlers agree on names)
    for function, models in needs.items():
        for model in models:
            load_settings(model, stack.function_env(function))


def functions_of_stack(stack: LocalStack) -> list[str]:
    return sorted({w.function for w in stack.wiring})
