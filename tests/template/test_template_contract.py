"""The template keeps its contract: logical ids, handlers, queues with DLQs, table shape, outputs."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from sandbox.local_stack.intrinsics import references_of
from tests.template.conftest import functions_of

EXPECTED_RESOURCES = {
    "MentorbridgeHttpApi": "AWS::Serverless::HttpApi",
    "WebhookIngestFunction": "AWS::Serverless::Function",
    "SyncWorkerFunction": "AWS::Serverless::Function",
    "MatchingFunction": "AWS::Serverless::Function",
    "WriteBackFunction": "AWS::Serverless::Function",
    "AdminApiFunction": "AWS::Serverless::Function",
    "SyncQueue": "AWS::SQS::Queue",
    "SyncDeadLetterQueue": "AWS::SQS::Queue",
    "WriteBackQueue": "AWS::SQS::Queue",
    "WriteBackDeadLetterQueue": "AWS::SQS::Queue",
    "MentorbridgeEventBus": "AWS::Events::EventBus",
    "PairingLifecycleToWriteBackRule": "AWS::Events::Rule",
    "NightlyReconciliationSchedule": "AWS::Scheduler::Schedule",
    "MentorbridgeTable": "AWS::DynamoDB::Table",
    "HrisCredentialsSecret": "AWS::SecretsManager::Secret",
    "WebhookSigningSecret": "AWS::SecretsManager::Secret",
}
EXPECTED_HANDLERS = {
    "WebhookIngestFunction": "functions/webhook_ingest/handler.lambda_handler",
    "SyncWorkerFunction": "functions/sync_worker/handler.lambda_handler",
    "MatchingFunction": "functions/matching/handler.lambda_handler",
    "WriteBackFunction": "functions/write_back/handler.lambda_handler",
    "AdminApiFunction": "functions/admin_api/handler.lambda_handler",
}
FOURTEEN_DAYS = 14 * 24 * 3600


def _props(document: dict[str, Any], logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = document["Resources"][logical_id].get("Properties") or {}
    return properties


def _logical_id_of_arn(value: Any) -> str:
    assert isinstance(value, dict), f"expected !GetAtt X.Arn, got {value!r}"
    assert "Fn::GetAtt" in value, f"expected !GetAtt X.Arn, got {value!r}"
    target, attribute = value["Fn::GetAtt"]
    assert attribute == "Arn"
    return str(target)


def test_contract_logical_ids_exist_with_their_types(template_document: dict[str, Any]) -> None:
    # Given the template / When its resources are listed
    types = {logical_id: r["Type"] for logical_id, r in template_document["Resources"].items()}
    # Then every logical id other code relies on is there, with the agreed type
    assert {logical_id: types.get(logical_id) for logical_id in EXPECTED_RESOURCES} == EXPECTED_RESOURCES


def test_parameters_and_outputs_are_the_documented_ones(template_document: dict[str, Any]) -> None:
    parameters = template_document["Parameters"]
    assert {"HrisProvider", "AdminAuthMode", "LogLevel", "Stage"} <= set(parameters)
    assert parameters["HrisProvider"]["AllowedValues"] == ["bamboohr", "workday"]
    assert parameters["HrisProvider"]["Default"] == "bamboohr"
    assert parameters["AdminAuthMode"]["Default"] == "iam"
    assert {
        "WebhookUrl",
        "AdminApiUrl",
        "HrisCredentialsSecretArn",
        "WebhookSigningSecretArn",
        "SyncDeadLetterQueueUrl",
        "WriteBackDeadLetterQueueUrl",
    } <= set(template_document["Outputs"])


def test_globals_carry_powertools_settings_and_active_tracing(template_document: dict[str, Any]) -> None:
    function_globals = template_document["Globals"]["Function"]
    variables = function_globals["Environment"]["Variables"]
    assert variables["POWERTOOLS_SERVICE_NAME"] == "mentorbridge"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Mentorbridge"
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert function_globals["Tracing"] == "Active"
    assert function_globals["Runtime"] == "python3.12"


@pytest.mark.parametrize(("function", "handler"), sorted(EXPECTED_HANDLERS.items()))
def test_every_handler_resolves_to_a_callable(
    template_document: dict[str, Any], function: str, handler: str
) -> None:
    # Given the function's Handler in the template
    declared = _props(template_document, function)["Handler"]
    assert declared == handler
    # When it is imported the way the Lambda runtime does ("dir/module.attr" → dir.module)
    module_path, _, attribute = declared.rpartition(".")
    module = importlib.import_module(module_path.replace("/", "."))
    # Then the attribute is a callable taking (event, context)
    assert callable(getattr(module, attribute))


def test_every_function_builds_with_makefile_from_the_repo_root(template_document: dict[str, Any]) -> None:
    for logical_id, resource in functions_of(template_document).items():
        assert resource["Metadata"] == {"BuildMethod": "makefile"}, logical_id
        assert resource["Properties"]["CodeUri"] == ".", logical_id


def test_every_reference_points_at_something_that_exists(template_document: dict[str, Any]) -> None:
    # Given every Ref / GetAtt / Sub variable in the template
    known = set(template_document["Resources"]) | set(template_document["Parameters"])
    dangling = {
        logical_id: sorted(references_of(resource) - known)
        for logical_id, resource in template_document["Resources"].items()
        if references_of(resource) - known
    }
    # Then none of them dangles (SAM's own validation does not check policy-template arguments)
    assert dangling == {}


def test_every_queue_with_a_consumer_has_a_dead_letter_queue(template_document: dict[str, Any]) -> None:
    consumers = [
        (function, event["Properties"])
        for function, resource in functions_of(template_document).items()
        for event in (resource["Properties"].get("Events") or {}).values()
        if event["Type"] == "SQS"
    ]
    assert {_logical_id_of_arn(props["Queue"]) for _, props in consumers} == {"SyncQueue", "WriteBackQueue"}
    function_globals = template_document["Globals"]["Function"]
    for function, event in consumers:
        queue = _logical_id_of_arn(event["Queue"])
        queue_props = _props(template_document, queue)
        redrive = queue_props["RedrivePolicy"]
        dead_letter_queue = _logical_id_of_arn(redrive["deadLetterTargetArn"])
        assert template_document["Resources"][dead_letter_queue]["Type"] == "AWS::SQS::Queue"
        assert redrive["maxReceiveCount"] == 5
        assert _props(template_document, dead_letter_queue)["MessageRetentionPeriod"] == FOURTEEN_DAYS
        # A batch still being processed must never become visible to a second poller.
        timeout = _props(template_document, function).get("Timeout", function_globals["Timeout"])
        assert queue_props["VisibilityTimeout"] >= 6 * timeout, queue
        assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert event["BatchSize"] == 10


def test_asynchronously_invoked_functions_have_a_dead_letter_queue(template_document: dict[str, Any]) -> None:
    for function, resource in functions_of(template_document).items():
        events = (resource["Properties"].get("Events") or {}).values()
        if any(event["Type"] == "EventBridgeRule" for event in events):
            target = resource["Properties"]["DeadLetterQueue"]
            assert target["Type"] == "SQS", function
            assert template_document["Resources"][_logical_id_of_arn(target["TargetArn"])]["Type"] == (
                "AWS::SQS::Queue"
            )


def test_every_queue_is_encrypted(template_document: dict[str, Any]) -> None:
    queues = {k: r for k, r in template_document["Resources"].items() if r["Type"] == "AWS::SQS::Queue"}
    assert queues
    assert {k: _props(template_document, k).get("SqsManagedSseEnabled") for k in queues} == dict.fromkeys(
        queues, True
    )


def test_table_has_the_documented_keys_index_ttl_and_protection(template_document: dict[str, Any]) -> None:
    table = _props(template_document, "MentorbridgeTable")
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "gsi1"
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["gsi1pk", "gsi1sk"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert template_document["Resources"]["MentorbridgeTable"]["DeletionPolicy"] == "Retain"


def test_lifecycle_rule_sends_pairing_events_to_write_back_and_the_queue_lets_it(
    template_document: dict[str, Any],
) -> None:
    rule = _props(template_document, "PairingLifecycleToWriteBackRule")
    assert rule["EventBusName"] == {"Ref": "MentorbridgeEventBus"}
    assert rule["EventPattern"] == {
        "source": ["mentorbridge"],
        "detail-type": ["PairingApproved", "PairingEnded"],
    }
    assert [_logical_id_of_arn(target["Arn"]) for target in rule["Targets"]] == ["WriteBackQueue"]
    policies = [
        props
        for r in template_document["Resources"].values()
        if r["Type"] == "AWS::SQS::QueuePolicy"
        and (props := r["Properties"])["Queues"] == [{"Ref": "WriteBackQueue"}]
    ]
    (statement,) = policies[0]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {
        "Fn::GetAtt": ["PairingLifecycleToWriteBackRule", "Arn"]
    }


def test_nightly_schedule_puts_a_full_sync_on_the_sync_queue_with_its_own_narrow_role(
    template_document: dict[str, Any],
) -> None:
    schedule = _props(template_document, "NightlyReconciliationSchedule")
    assert schedule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert _logical_id_of_arn(schedule["Target"]["Arn"]) == "SyncQueue"
    assert schedule["Target"]["Input"] == '{"kind": "full_sync"}'
    role = _props(template_document, _logical_id_of_arn(schedule["Target"]["RoleArn"]))
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert statements == [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["SyncQueue", "Arn"]}}
    ]


def test_every_function_logs_to_its_own_group_with_a_retention(template_document: dict[str, Any]) -> None:
    for logical_id, resource in functions_of(template_document).items():
        group = resource["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert template_document["Resources"][group]["Type"] == "AWS::Logs::LogGroup", logical_id
        assert _props(template_document, group)["RetentionInDays"] == {"Ref": "LogRetentionDays"}
