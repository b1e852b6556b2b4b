"""Each function's role (as SAM generates it) names only that function's own resources.

"Own" = what its environment variables point at, the queue it polls and its dead-letter queue.
Every environment variable that names a resource has the permission that using it needs.
"""

from __future__ import annotations

import copy
from fnmatch import fnmatchcase
from typing import Any

import pytest

from sandbox.local_stack.intrinsics import references_of
from tests.template.conftest import functions_of, sam_transform

# What a function does with a resource it was given through an environment variable.
USE_OF_RESOURCE = {
    "AWS::SQS::Queue": "sqs:SendMessage",
    "AWS::DynamoDB::Table": "dynamodb:PutItem",
    "AWS::SecretsManager::Secret": "secretsmanager:GetSecretValue",
    "AWS::Events::EventBus": "events:PutEvents",
}
# The only actions AWS requires on Resource "*" (X-Ray has no resource-level permissions).
WILDCARD_ONLY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData")
# Logs and traces: what SAM attaches to the roles it generates. (SAM would also attach
# AWSLambdaSQSQueueExecutionRole, receive/delete on every queue, to SQS consumers: those have their
# own roles in the template, and the check below would catch it coming back.)
ALLOWED_MANAGED_POLICIES = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}
FUNCTIONS = [
    "AdminApiFunction",
    "MatchingFunction",
    "SyncWorkerFunction",
    "WebhookIngestFunction",
    "WriteBackFunction",
]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _role_of(template: dict[str, Any], function: str) -> dict[str, Any]:
    """The function's role: its explicit `Role`, or the one SAM generates (<Function>Role)."""
    explicit = (
        template["Resources"][function]["Properties"].get("Role")
        if function in template["Resources"]
        else None
    )
    logical_id = explicit["Fn::GetAtt"][0] if isinstance(explicit, dict) else f"{function}Role"
    role: dict[str, Any] = template["Resources"][logical_id]
    return role


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in role["Properties"].get("Policies") or []
        for statement in _as_list(policy["PolicyDocument"]["Statement"])
    ]


def _own_resources(function: dict[str, Any]) -> set[str]:
    props = function["Properties"]
    own = references_of((props.get("Environment") or {}).get("Variables") or {})
    for event in (props.get("Events") or {}).values():
        if event["Type"] == "SQS":
            own |= references_of(event["Properties"]["Queue"])
    if "DeadLetterQueue" in props:
        own |= references_of(props["DeadLetterQueue"]["TargetArn"])
    own |= references_of((props.get("LoggingConfig") or {}).get("LogGroup"))
    return own


def _env_resources(function: dict[str, Any], resources: dict[str, Any]) -> dict[str, str]:
    variables = (function["Properties"].get("Environment") or {}).get("Variables") or {}
    named: dict[str, str] = {}
    for name, value in variables.items():
        for logical_id in references_of(value):
            if logical_id in resources:
                named[name] = logical_id
    return named


def _excess_grants(
    template_document: dict[str, Any], transformed_template: dict[str, Any], function: str
) -> dict[str, list[Any]]:
    """Statements on "*" that AWS does not require, grants on foreign resources, extra managed policies."""
    resource = template_document["Resources"][function]
    role = _role_of(transformed_template, function)
    own = _own_resources(resource)
    excess: dict[str, list[Any]] = {"wildcard": [], "foreign": [], "unnamed": [], "managed": []}
    for statement in _statements(role):
        actions = [str(action) for action in _as_list(statement["Action"])]
        for granted in _as_list(statement["Resource"]):
            if granted == "*" or (isinstance(granted, str) and granted.endswith(":*")):
                if not all(action in WILDCARD_ONLY_ACTIONS for action in actions):
                    excess["wildcard"].append(actions)
                continue
            referenced = references_of(granted)
            if not referenced:
                excess["unnamed"].append(granted)
            elif referenced - own:
                excess["foreign"].append((actions, sorted(referenced - own)))
    excess["managed"] = sorted(
        set(role["Properties"].get("ManagedPolicyArns") or []) - ALLOWED_MANAGED_POLICIES
    )
    return {kind: found for kind, found in excess.items() if found}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_policies_name_only_its_own_resources(
    template_document: dict[str, Any], transformed_template: dict[str, Any], function: str
) -> None:
    # Given the role SAM generates for the function / When every statement is examined
    excess = _excess_grants(template_document, transformed_template, function)
    # Then nothing is granted on "*", on another function's resources, or through broad managed policies
    assert excess == {}


def test_a_grant_on_another_functions_resource_is_caught(template_document: dict[str, Any]) -> None:
    # Given a copy of the template where the webhook function may also read the HRIS credentials
    broken = copy.deepcopy(template_document)
    broken["Resources"]["WebhookIngestFunction"]["Properties"]["Policies"].append(
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "HrisCredentialsSecret"}}}
    )
    broken["Resources"]["WebhookIngestFunction"]["Properties"]["Policies"].append(
        {"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    )
    # When the least-privilege check runs on what SAM makes of it
    excess = _excess_grants(broken, sam_transform(broken), "WebhookIngestFunction")
    # Then both the foreign secret and the wildcard grant are reported
    assert excess["foreign"] == [(["secretsmanager:GetSecretValue"], ["HrisCredentialsSecret"])]
    assert excess["wildcard"] == [["sqs:*"]]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_resource_in_the_environment_has_the_permission_to_use_it(
    template_document: dict[str, Any], transformed_template: dict[str, Any], function: str
) -> None:
    # Given the resources the function is told about through its environment
    resources = template_document["Resources"]
    named = _env_resources(resources[function], resources)
    assert named, f"{function} names no resource in its environment"
    statements = _statements(_role_of(transformed_template, function))
    # When each is matched against the role's statements
    missing = {}
    for variable, logical_id in named.items():
        needed = USE_OF_RESOURCE[resources[logical_id]["Type"]]
        granted = any(
            any(fnmatchcase(needed, str(action)) for action in _as_list(statement["Action"]))
            and any(logical_id in references_of(resource) for resource in _as_list(statement["Resource"]))
            for statement in statements
        )
        if not granted:
            missing[variable] = f"{needed} on {logical_id}"
    # Then none lacks its permission
    assert missing == {}


def test_webhook_function_cannot_read_the_hris_credentials(transformed_template: dict[str, Any]) -> None:
    statements = _statements(_role_of(transformed_template, "WebhookIngestFunction"))
    referenced = set().union(*(references_of(s["Resource"]) for s in statements))
    assert "HrisCredentialsSecret" not in referenced
    assert "WebhookSigningSecret" in referenced


def test_function_list_matches_the_template(template_document: dict[str, Any]) -> None:
    assert sorted(functions_of(template_document)) == FUNCTIONS
