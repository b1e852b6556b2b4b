"""Creates a template's resources on moto, in dependency order, and remembers their physical ids.

Each supported resource type maps its CloudFormation properties onto the same API calls
CloudFormation would make; an unsupported type stops the stack with its name rather than being
left out, so the local stack never silently diverges from the template.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from sandbox.local_stack.intrinsics import IntrinsicResolver, references_of
from sandbox.local_stack.template import SERVERLESS_FUNCTION, SERVERLESS_HTTP_API, Template, TemplateError

_SQS_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "SqsManagedSseEnabled",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "FifoQueue",
    "ContentBasedDeduplication",
)


def _attr_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class Provisioner:
    """Owns the logical id → physical id/attribute tables of one local stack."""

    def __init__(
        self,
        template: Template,
        *,
        stack_name: str,
        region: str,
        account_id: str,
        parameters: Mapping[str, str],
        client_factory: Callable[[str], Any],
    ) -> None:
        self.template = template
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self._client_factory = client_factory
        self.physical_ids: dict[str, str] = {}
        self.attributes: dict[str, dict[str, str]] = {}
        self.resolver = IntrinsicResolver(
            parameters=parameters,
            pseudo_parameters={
                "AWS::Region": region,
                "AWS::AccountId": account_id,
                "AWS::StackName": stack_name,
                "AWS::StackId": f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/local",
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
            },
            conditions=template.conditions,
            ref=self.ref,
            get_att=self.get_att,
        )

    # ------------------------------------------------------------------ lookups
    def ref(self, logical_id: str) -> str:
        if logical_id not in self.physical_ids:
            raise TemplateError(f"Ref to {logical_id!r}, which does not exist (yet) in the local stack")
        return self.physical_ids[logical_id]

    def get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.attributes[logical_id][attribute]
        except KeyError:
            raise TemplateError(
                f"GetAtt {logical_id}.{attribute} is not available in the local stack"
            ) from None

    def logical_id_of(self, attribute: str, value: str) -> str | None:
        """Reverse lookup, e.g. the queue whose Arn is `value`."""
        for logical_id, attributes in self.attributes.items():
            if attributes.get(attribute) == value:
                return logical_id
        return None

    def default_name(self, logical_id: str, max_length: int = 80) -> str:
        """Deterministic stand-in for CloudFormation's generated names (stack-LogicalId)."""
        name = f"{self.stack_name}-{logical_id}"
        if len(name) <= max_length:
            return name
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        return f"{name[: max_length - 9]}-{digest}"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    # ------------------------------------------------------------------ creation
    def creation_order(self) -> list[str]:
        """Logical ids sorted so every resource comes after the ones it references."""
        resources = self.template.resources
        dependencies: dict[str, set[str]] = {}
        for logical_id, resource in resources.items():
            depends_on = resource.get("DependsOn") or []
            depends = {depends_on} if isinstance(depends_on, str) else set(depends_on)
            refs = references_of(resource.get("Properties") or {}) | depends
            if resource.get("Type") == SERVERLESS_FUNCTION:
                # A function's event sources are wired after every resource exists.
                refs = references_of({k: v for k, v in resource["Properties"].items() if k != "Events"})
            dependencies[logical_id] = {ref for ref in refs if ref in resources and ref != logical_id}
        order: list[str] = []
        visiting: set[str] = set()

        def visit(logical_id: str) -> None:
            if logical_id in order:
                return
            if logical_id in visiting:
                raise TemplateError(f"circular reference through {logical_id!r}")
            visiting.add(logical_id)
            for dependency in sorted(dependencies[logical_id]):
                visit(dependency)
            visiting.discard(logical_id)
            order.append(logical_id)

        for logical_id in resources:
            visit(logical_id)
        return order

    def create_all(self) -> None:
        creators = self._creators()
        for logical_id in self.creation_order():
            resource = self.template.resources[logical_id]
            condition = resource.get("Condition")
            if condition is not None and not self.resolver.condition(str(condition)):
                continue
            resource_type = str(resource["Type"])
            creator = creators.get(resource_type)
            if creator is None:
                raise TemplateError(
                    f"{logical_id}: resource type {resource_type} is not emulated by the local stack; "
                    "add it to sandbox/local_stack/provision.py"
                )
            properties = resource.get("Properties") or {}
            if resource_type != SERVERLESS_FUNCTION:
                properties = self.resolver.resolve(properties)
            creator(logical_id, properties)

    def _creators(self) -> dict[str, Callable[[str, Any], None]]:
        return {
            "AWS::SQS::Queue": self._create_queue,
            "AWS::SQS::QueuePolicy": self._create_queue_policy,
            "AWS::DynamoDB::Table": self._create_table,
            "AWS::Events::EventBus": self._create_event_bus,
            "AWS::Events::Rule": self._create_rule,
            "AWS::Scheduler::Schedule": self._create_schedule,
            "AWS::SecretsManager::Secret": self._create_secret,
            "AWS::IAM::Role": self._create_role,
            "AWS::CloudWatch::Alarm": self._create_alarm,
            "AWS::Logs::LogGroup": self._create_log_group,
            SERVERLESS_FUNCTION: self._register_function,
            SERVERLESS_HTTP_API: self._register_http_api,
        }

    def client(self, service: str) -> Any:
        return self._client_factory(service)

    def _create_queue(self, logical_id: str, props: dict[str, Any]) -> None:
        fifo = bool(props.get("FifoQueue"))
        name = props.get("QueueName") or self.default_name(logical_id, 75) + (".fifo" if fifo else "")
        attributes = {key: _attr_string(props[key]) for key in _SQS_ATTRIBUTES if key in props}
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.arn("sqs", name)
        self.physical_ids[logical_id] = url
        self.attributes[logical_id] = {"Arn": arn, "QueueName": name, "QueueUrl": url}

    def _create_queue_policy(self, logical_id: str, props: dict[str, Any]) -> None:
        sqs = self.client("sqs")
        for queue_url in props["Queues"]:
            sqs.set_queue_attributes(
                QueueUrl=queue_url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
            )
        self.physical_ids[logical_id] = self.default_name(logical_id)
        self.attributes[logical_id] = {"Id": self.physical_ids[logical_id]}

    def _create_table(self, logical_id: str, props: dict[str, Any]) -> None:
        dynamodb = self.client("dynamodb")
        name = props.get("TableName") or self.default_name(logical_id, 255)
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
            if key in props:
                request[key] = props[key]
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        if "SSESpecification" in props:
            sse = props["SSESpecification"]
            request["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled"))} | (
                {"SSEType": sse["SSEType"]} if "SSEType" in sse else {}
            )
        description = dynamodb.create_table(**request)["TableDescription"]
        if "TimeToLiveSpecification" in props:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
            )
        pitr = props.get("PointInTimeRecoverySpecification")
        if pitr:
            dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=pitr)
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": description["TableArn"]}
        if "LatestStreamArn" in description:
            self.attributes[logical_id]["StreamArn"] = description["LatestStreamArn"]

    def _create_event_bus(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props["Name"]
        arn = self.client("events").create_event_bus(Name=name)["EventBusArn"]
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": arn, "Name": name}

    def _create_rule(self, logical_id: str, props: dict[str, Any]) -> None:
        events = self.client("events")
        name = props.get("Name") or self.default_name(logical_id, 64)
        bus = props.get("EventBusName", "default")
        request: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if "EventPattern" in props:
            request["EventPattern"] = json.dumps(props["EventPattern"])
        if "ScheduleExpression" in props:
            request["ScheduleExpression"] = props["ScheduleExpression"]
        if "Description" in props:
            request["Description"] = props["Description"]
        arn = events.put_rule(**request)["RuleArn"]
        # The rule exists before its targets so a queue policy may name the rule's ARN, as in AWS.
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": arn}
        targets = [
            {
                key: target[key]
                for key in ("Id", "Arn", "Input", "InputPath", "InputTransformer")
                if key in target
            }
            for target in props.get("Targets") or []
        ]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)

    def _create_schedule(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("Name") or self.default_name(logical_id, 64)
        request = {
            key: props[key]
            for key in ("ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "State")
            if key in props
        }
        target = {key: props["Target"][key] for key in ("Arn", "RoleArn", "Input") if key in props["Target"]}
        arn = self.client("scheduler").create_schedule(Name=name, Target=target, **request)["ScheduleArn"]
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": arn}

    def _create_secret(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("Name") or self.default_name(logical_id, 256)
        request: dict[str, Any] = {"Name": name}
        if "Description" in props:
            request["Description"] = props["Description"]
        if "SecretString" in props:
            request["SecretString"] = props["SecretString"]
        elif "GenerateSecretString" in props:
            request["SecretString"] = _generated_secret(props["GenerateSecretString"])
        arn = self.client("secretsmanager").create_secret(**request)["ARN"]
        self.physical_ids[logical_id] = arn
        self.attributes[logical_id] = {"Id": arn}

    def _create_role(self, logical_id: str, props: dict[str, Any]) -> None:
        iam = self.client("iam")
        name = props.get("RoleName") or self.default_name(logical_id, 64)
        role = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"])
        )["Role"]
        for policy in props.get("Policies") or []:
            iam.put_role_policy(
                RoleName=name,
                PolicyName=policy["PolicyName"],
                PolicyDocument=json.dumps(policy["PolicyDocument"]),
            )
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": role["Arn"], "RoleId": role["RoleId"]}

    def _create_alarm(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("AlarmName") or self.default_name(logical_id, 255)
        request = {key: value for key, value in props.items() if key != "AlarmName"}
        self.client("cloudwatch").put_metric_alarm(AlarmName=name, **request)
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": self.arn("cloudwatch", f"alarm:{name}")}

    def _create_log_group(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("LogGroupName") or self.default_name(logical_id, 512)
        logs = self.client("logs")
        logs.create_log_group(logGroupName=name)
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": self.arn("logs", f"log-group:{name}:*")}

    def _register_function(self, logical_id: str, props: Any) -> None:
        # Functions run in-process (see invoker.py); only their names and ARNs exist here.
        name = self.resolver.resolve(props.get("FunctionName")) or self.default_name(logical_id, 64)
        self.physical_ids[logical_id] = name
        self.attributes[logical_id] = {"Arn": self.arn("lambda", f"function:{name}")}

    def _register_http_api(self, logical_id: str, props: Any) -> None:
        api_id = hashlib.sha256(f"{self.stack_name}/{logical_id}".encode()).hexdigest()[:10]
        self.physical_ids[logical_id] = api_id
        self.attributes[logical_id] = {
            "ApiEndpoint": f"https://{api_id}.execute-api.{self.region}.amazonaws.com"
        }


def _generated_secret(spec: Mapping[str, Any]) -> str:
    value = secrets.token_urlsafe(int(spec.get("PasswordLength", 32)))
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template and key:
        return json.dumps({**json.loads(template), key: value})
    return value
