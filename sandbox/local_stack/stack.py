"""LocalStack: a template's resources on moto, its HTTP API on loopback, its event wiring pumped locally.

Built from template.yaml every time, so the demo and the integration tests run the wiring that
`sam deploy` would create, not a hand-written copy of it.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import boto3
from botocore.config import Config
from botocore.credentials import Credentials

from sandbox.local_stack.event_sources import (
    DrainReport,
    DrainTimeout,
    EventSourcePump,
    RuleSubscription,
    SqsSubscription,
)
from sandbox.local_stack.http_api import NO_AUTHORIZER, HttpApiEmulator, HttpRoute
from sandbox.local_stack.invoker import FunctionRuntime, InvocationFailure, failure_from_exception
from sandbox.local_stack.moto_server import reset_moto, shared_moto_endpoint
from sandbox.local_stack.provision import Provisioner
from sandbox.local_stack.sigv4 import sign_request
from sandbox.local_stack.template import (
    SERVERLESS_HTTP_API,
    EventSource,
    Template,
    TemplateError,
    parse_template,
)

ACCOUNT_ID = "123456789012"  # moto's default account
IMPLICIT_HTTP_API = "ServerlessHttpApi"
_FAKE_ACCESS_KEY = "AKIALOCALSTACK000001"
_FAKE_SECRET_KEY = "local-stack-secret-key-not-a-real-one"
_AWS_ENV_CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")


@dataclass(frozen=True)
class Wiring:
    """One emulated event source: which function, which template event, what feeds it."""

    function: str
    event_id: str
    type: str
    source: str


class LocalStack:
    """Everything in a SAM template, running locally; use as a context manager."""

    _active: ClassVar[LocalStack | None] = None
    _active_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        template_path: str | Path = "template.yaml",
        parameters: Mapping[str, str] | None = None,
        *,
        stack_name: str = "mentorbridge-local",
        region: str = "us-east-1",
        code_root: str | Path | None = None,
    ) -> None:
        self.template_path = Path(template_path).resolve()
        self.template: Template = parse_template(self.template_path)
        self.parameters = self._validated_parameters(parameters or {})
        self.stack_name = stack_name
        self.region = region
        self.account_id = ACCOUNT_ID
        self.code_root = Path(code_root).resolve() if code_root else self.template_path.parent
        self.credentials = Credentials(_FAKE_ACCESS_KEY, _FAKE_SECRET_KEY)
        self.failures: list[InvocationFailure] = []
        self.wiring: list[Wiring] = []
        self._endpoint = ""
        self._saved_env: dict[str, str | None] = {}
        self._provisioner: Provisioner | None = None
        self._functions: dict[str, FunctionRuntime] = {}
        self._sqs_subscriptions: list[SqsSubscription] = []
        self._rule_subscriptions: list[RuleSubscription] = []
        self._apis: dict[str, HttpApiEmulator] = {}
        # Schedule/ScheduleV2 function events, by the logical id SAM gives them: <Function><EventId>.
        self._function_schedules: dict[str, tuple[str, EventSource]] = {}
        self._clients: dict[str, Any] = {}
        self._started = False

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> LocalStack:
        with LocalStack._active_lock:
            if LocalStack._active is not None:
                raise RuntimeError("another LocalStack is running in this process; stop it first")
            LocalStack._active = self
        try:
            self._endpoint = shared_moto_endpoint()
            reset_moto(self._endpoint)
            self._apply_aws_environment()
            provisioner = Provisioner(
                self.template,
                stack_name=self.stack_name,
                region=self.region,
                account_id=self.account_id,
                parameters=self.parameters,
                client_factory=self.client,
            )
            self._provisioner = provisioner
            provisioner.create_all()
            self._build_functions()
            self._wire_event_sources()
            for api in self._apis.values():
                api.start()
            self._started = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for api in self._apis.values():
            try:
                api.stop()
            except Exception as error:  # a half-started stack still has to give the environment back
                self.failures.append(failure_from_exception("HttpApi", "stop", error))
        self._apis.clear()
        for function in self._functions.values():
            function.unload()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        self._clients.clear()
        self._started = False
        with LocalStack._active_lock:
            if LocalStack._active is self:
                LocalStack._active = None

    # ------------------------------------------------------------------ public surface
    @property
    def endpoint_url(self) -> str:
        """moto's base URL (also in AWS_ENDPOINT_URL while the stack runs)."""
        return self._endpoint

    @property
    def api_url(self) -> str:
        """Base URL of the template's (only) HTTP API."""
        if len(self._apis) != 1:
            raise TemplateError(f"api_url needs exactly one HttpApi; this stack has {sorted(self._apis)}")
        return next(iter(self._apis.values())).url

    def api_url_of(self, logical_id: str) -> str:
        return self._apis[logical_id].url

    def physical_id(self, logical_id: str) -> str:
        """Queue URL, table name, secret ARN, bus name, function name... as Ref would return it."""
        return self._require_provisioner().ref(logical_id)

    def attribute(self, logical_id: str, name: str) -> str:
        """As Fn::GetAtt would return it (e.g. a queue's Arn)."""
        return self._require_provisioner().get_att(logical_id, name)

    def function_env(self, logical_id: str) -> dict[str, str]:
        """The function's Environment.Variables (Globals merged), with every intrinsic resolved."""
        return dict(self._function(logical_id).environment)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Call the function's handler in-process with its env and a Lambda context."""
        return self._function(logical_id).invoke(event)

    @property
    def outputs(self) -> dict[str, Any]:
        """The template's Outputs, resolved against the local resources."""
        provisioner = self._require_provisioner()
        resolved: dict[str, Any] = {}
        for name, output in self.template.outputs.items():
            condition = output.get("Condition")
            if condition is None or provisioner.resolver.condition(str(condition)):
                resolved[name] = provisioner.resolver.resolve(output["Value"])
        return resolved

    def client(self, service: str) -> Any:
        """A boto3 client for moto with the stack's credentials (cached per service)."""
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self._endpoint,
                region_name=self.region,
                aws_access_key_id=self.credentials.access_key,
                aws_secret_access_key=self.credentials.secret_key,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}),
            )
        return self._clients[service]

    def put_secret(self, logical_id: str, value: str | Mapping[str, Any]) -> None:
        """Store a secret's value, as the admin (HRIS credentials) or the CLI (webhook key) would."""
        secret = value if isinstance(value, str) else json.dumps(dict(value))
        self.client("secretsmanager").put_secret_value(
            SecretId=self.physical_id(logical_id), SecretString=secret
        )

    def sign(
        self, method: str, url: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """Headers for a SigV4-signed request to an AWS_IAM route, signed with the stack's credentials."""
        return sign_request(self.credentials, self.region, method, url, body, headers)

    def fire_schedule(self, logical_id: str) -> None:
        """Deliver a schedule's Input to its target now, as EventBridge Scheduler would at its time.

        `logical_id` is an AWS::Scheduler::Schedule of the template, or a function's Schedule /
        ScheduleV2 event named as SAM names the resource it generates: <FunctionLogicalId><EventId>.
        """
        if logical_id in self._function_schedules:
            function, event = self._function_schedules[logical_id]
            self.invoke(function, self._scheduled_event(logical_id, event))
            return
        schedule = self.client("scheduler").get_schedule(Name=self.physical_id(logical_id))
        target = schedule["Target"]
        payload = target.get("Input") or "{}"
        provisioner = self._require_provisioner()
        arn: str = target["Arn"]
        if arn.startswith("arn:aws:sqs:"):
            queue = provisioner.logical_id_of("Arn", arn)
            if queue is None:
                raise TemplateError(f"{logical_id}: target queue {arn} is not part of the stack")
            self.client("sqs").send_message(QueueUrl=self.physical_id(queue), MessageBody=payload)
        elif arn.startswith("arn:aws:lambda:"):
            function = provisioner.logical_id_of("Arn", arn)
            if function is None:
                raise TemplateError(f"{logical_id}: target function {arn} is not part of the stack")
            self.invoke(function, json.loads(payload))
        else:
            raise TemplateError(f"{logical_id}: schedule target {arn} is not emulated by the local stack")

    def drain(self, timeout: float = 60) -> DrainReport:
        """Pump every event source until all their queues are empty; raise DrainTimeout if they won't."""
        pump = EventSourcePump(sqs=self.client("sqs"), invoke=self.invoke, region=self.region)
        report = DrainReport()
        deadline = time.monotonic() + timeout
        while True:
            report.rounds += 1
            moved = sum(pump.pump_sqs(subscription, report) for subscription in self._sqs_subscriptions)
            moved += sum(pump.pump_rule(subscription, report) for subscription in self._rule_subscriptions)
            if moved:
                continue
            pending = {url: depth for url in self._source_queue_urls() if (depth := pump.depth(url)) > 0}
            if not pending:
                break
            if time.monotonic() > deadline:
                self.failures.extend(report.failures)
                raise DrainTimeout(report, pending)
            time.sleep(0.05)
        report.dead_letters = {
            logical_id: pump.depth(self.physical_id(logical_id)) for logical_id in self.dead_letter_queues()
        }
        self.failures.extend(report.failures)
        return report

    def dead_letter_queues(self) -> list[str]:
        """Logical ids of every queue that is some queue's redrive target or some function's DLQ."""
        provisioner = self._require_provisioner()
        targets: list[str] = []
        for resource in self.template.resources.values():
            props = resource.get("Properties") or {}
            if resource.get("Type") == "AWS::SQS::Queue" and "RedrivePolicy" in props:
                arn = provisioner.resolver.resolve(props["RedrivePolicy"])["deadLetterTargetArn"]
                targets.append(provisioner.logical_id_of("Arn", arn) or arn)
        for spec in self.template.functions.values():
            dlq = spec.properties.get("DeadLetterQueue")
            if dlq:
                arn = provisioner.resolver.resolve(dlq["TargetArn"])
                targets.append(provisioner.logical_id_of("Arn", arn) or arn)
        return sorted(set(targets))

    def queue_messages(self, logical_id: str, max_messages: int = 10) -> list[dict[str, Any]]:
        """Peek at a queue (e.g. a DLQ) without consuming: messages become visible again at once."""
        url = self.physical_id(logical_id)
        sqs = self.client("sqs")
        messages = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(10, max_messages),
            AttributeNames=["All"],
            VisibilityTimeout=0,
        ).get("Messages", [])
        return list(messages)

    # ------------------------------------------------------------------ internals
    def _validated_parameters(self, given: Mapping[str, str]) -> dict[str, str]:
        declared = self.template.parameters
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise TemplateError(f"unknown template parameter(s): {unknown}")
        values: dict[str, str] = {}
        for name, spec in declared.items():
            if name in given:
                value = str(given[name])
            elif "Default" in spec:
                value = str(spec["Default"])
            else:
                raise TemplateError(f"parameter {name!r} has no Default and was not given")
            allowed = spec.get("AllowedValues")
            if allowed is not None and value not in [str(v) for v in allowed]:
                raise TemplateError(f"parameter {name!r}: {value!r} is not one of {allowed}")
            values[name] = value
        return values

    def _apply_aws_environment(self) -> None:
        variables = {
            "AWS_ENDPOINT_URL": self._endpoint,
            "AWS_ACCESS_KEY_ID": self.credentials.access_key,
            "AWS_SECRET_ACCESS_KEY": self.credentials.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }
        for key in (*variables, *_AWS_ENV_CLEARED):
            self._saved_env.setdefault(key, os.environ.get(key))
        for key in _AWS_ENV_CLEARED:
            os.environ.pop(key, None)
        os.environ.update(variables)

    def _require_provisioner(self) -> Provisioner:
        if self._provisioner is None:
            raise RuntimeError("the local stack is not started")
        return self._provisioner

    def _function(self, logical_id: str) -> FunctionRuntime:
        if logical_id not in self._functions:
            raise TemplateError(
                f"no function {logical_id!r} in the template (have {sorted(self._functions)})"
            )
        return self._functions[logical_id]

    def _build_functions(self) -> None:
        provisioner = self._require_provisioner()
        for logical_id, spec in self.template.functions.items():
            if logical_id not in provisioner.physical_ids:
                continue  # excluded by its Condition
            variables = provisioner.resolver.resolve(
                (spec.properties.get("Environment") or {}).get("Variables") or {}
            )
            self._functions[logical_id] = FunctionRuntime(
                logical_id=logical_id,
                function_name=provisioner.ref(logical_id),
                function_arn=provisioner.get_att(logical_id, "Arn"),
                handler=spec.handler,
                environment={key: _env_string(value) for key, value in variables.items()},
                timeout_seconds=spec.timeout_seconds,
                memory_mb=spec.memory_mb,
                region=self.region,
                code_root=self.code_root,
            )

    def _wire_event_sources(self) -> None:
        routes: dict[str, list[HttpRoute]] = {}
        for event in self.template.event_sources():
            if event.function not in self._functions:
                continue
            if event.type == "HttpApi":
                api_id, route = self._http_route(event)
                routes.setdefault(api_id, []).append(route)
                self.wiring.append(Wiring(event.function, event.event_id, event.type, route.route_key))
            elif event.type == "SQS":
                subscription = self._sqs_subscription(event)
                self._sqs_subscriptions.append(subscription)
                self.wiring.append(Wiring(event.function, event.event_id, event.type, subscription.queue_arn))
            elif event.type == "EventBridgeRule":
                rule = self._rule_subscription(event)
                self._rule_subscriptions.append(rule)
                self.wiring.append(Wiring(event.function, event.event_id, event.type, rule.rule_name))
            elif event.type in ("Schedule", "ScheduleV2"):
                schedule_id = f"{event.function}{event.event_id}"
                self._function_schedules[schedule_id] = (event.function, event)
                self.wiring.append(Wiring(event.function, event.event_id, event.type, schedule_id))
        provisioner = self._require_provisioner()
        for api_logical_id, api_routes in routes.items():
            api_id = provisioner.physical_ids.get(api_logical_id, f"{self.stack_name}-{api_logical_id}")
            self._apis[api_logical_id] = HttpApiEmulator(
                routes=api_routes,
                invoke=self.invoke,
                report_failure=self._record_http_failure,
                api_id=api_id,
                region=self.region,
                account_id=self.account_id,
                credentials=self.credentials,
            )

    def _record_http_failure(self, function: str, source: str, error: BaseException) -> None:
        self.failures.append(failure_from_exception(function, source, error))

    def _http_route(self, event: EventSource) -> tuple[str, HttpRoute]:
        props = event.properties
        api_ref = props.get("ApiId")
        api_logical_id = (
            api_ref["Ref"] if isinstance(api_ref, dict) and "Ref" in api_ref else IMPLICIT_HTTP_API
        )
        default_authorizer = NO_AUTHORIZER
        if api_logical_id in self.template.resources:
            if self.template.resource_type(api_logical_id) != SERVERLESS_HTTP_API:
                raise TemplateError(
                    f"{event.function}.{event.event_id}: ApiId is not an AWS::Serverless::HttpApi"
                )
            api_auth = (self.template.resources[api_logical_id].get("Properties") or {}).get("Auth") or {}
            default_authorizer = str(api_auth.get("DefaultAuthorizer", NO_AUTHORIZER))
        authorizer = str((props.get("Auth") or {}).get("Authorizer", default_authorizer))
        if authorizer not in ("AWS_IAM", NO_AUTHORIZER):
            raise TemplateError(
                f"{event.function}.{event.event_id}: authorizer {authorizer!r} is not emulated"
            )
        route = HttpRoute(
            function=event.function,
            event_id=event.event_id,
            method=str(props.get("Method", "ANY")).upper(),
            path=str(props.get("Path", "$default")),
            authorizer=authorizer,
        )
        return api_logical_id, route

    def _sqs_subscription(self, event: EventSource) -> SqsSubscription:
        provisioner = self._require_provisioner()
        props = provisioner.resolver.resolve(dict(event.properties))
        queue_arn = str(props["Queue"])
        queue = provisioner.logical_id_of("Arn", queue_arn)
        if queue is None:
            raise TemplateError(
                f"{event.function}.{event.event_id}: queue {queue_arn} is not in the template"
            )
        return SqsSubscription(
            function=event.function,
            event_id=event.event_id,
            queue_url=provisioner.ref(queue),
            queue_arn=queue_arn,
            batch_size=int(props.get("BatchSize", 10)),
            report_batch_item_failures="ReportBatchItemFailures"
            in (props.get("FunctionResponseTypes") or []),
            visibility_timeout=max(30, self._function(event.function).timeout_seconds),
        )

    def _rule_subscription(self, event: EventSource) -> RuleSubscription:
        provisioner = self._require_provisioner()
        props = provisioner.resolver.resolve(dict(event.properties))
        function = self._function(event.function)
        spec = self.template.functions[event.function]
        sqs, events = self.client("sqs"), self.client("events")
        shadow_name = provisioner.default_name(f"{event.function}-{event.event_id}-invoke", 80)
        shadow_url = sqs.create_queue(QueueName=shadow_name)["QueueUrl"]
        rule_name = str(
            props.get("RuleName") or provisioner.default_name(f"{event.function}-{event.event_id}", 64)
        )
        bus = str(props.get("EventBusName", "default"))
        if "Pattern" not in props:
            raise TemplateError(f"{event.function}.{event.event_id}: an EventBridgeRule needs a Pattern")
        events.put_rule(
            Name=rule_name,
            EventBusName=bus,
            EventPattern=json.dumps(props["Pattern"]),
            State=props.get("State", "ENABLED"),
        )
        events.put_targets(
            Rule=rule_name,
            EventBusName=bus,
            Targets=[{"Id": "LocalInvoke", "Arn": provisioner.arn("sqs", shadow_name)}],
        )
        invoke_config = provisioner.resolver.resolve(spec.properties.get("EventInvokeConfig") or {})
        dlq = spec.properties.get("DeadLetterQueue")
        dlq_url = None
        if dlq:
            dlq_logical_id = provisioner.logical_id_of("Arn", provisioner.resolver.resolve(dlq["TargetArn"]))
            dlq_url = provisioner.ref(dlq_logical_id) if dlq_logical_id else None
        return RuleSubscription(
            function=function.logical_id,
            event_id=event.event_id,
            rule_name=rule_name,
            shadow_queue_url=shadow_url,
            max_attempts=1 + int(invoke_config.get("MaximumRetryAttempts", 2)),
            dead_letter_queue_url=dlq_url,
            input=props.get("Input"),
            input_path=props.get("InputPath"),
        )

    def _scheduled_event(self, schedule_id: str, event: EventSource) -> Any:
        """The payload a scheduled invocation carries: the event's Input, else what AWS sends."""
        props = self._require_provisioner().resolver.resolve(dict(event.properties))
        if props.get("Input") is not None:
            return json.loads(props["Input"])
        if event.type == "ScheduleV2":
            return {}
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.account_id,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": [f"arn:aws:events:{self.region}:{self.account_id}:rule/{schedule_id}"],
            "detail": {},
        }

    def _source_queue_urls(self) -> list[str]:
        return [s.queue_url for s in self._sqs_subscriptions] + [
            s.shadow_queue_url for s in self._rule_subscriptions
        ]


def _env_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
