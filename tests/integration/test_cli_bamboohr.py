"""`mentorbridge bamboohr ...` against the BambooHR sandbox and Secrets Manager on moto's server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from connectors.bamboohr.webhooks import BambooHRWebhookVerifier
from infra import secrets
from mentorbridge_cli.bamboohr import KeyNotStored, register_webhook_command
from mentorbridge_cli.main import build_parser, main
from mentorship.ports import ChangeAction
from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
from sandbox.bamboohr.webhooks import signed_delivery
from sandbox.workforce import WorkforceSpec, generate_workforce

pytestmark = pytest.mark.integration
WEBHOOK_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/bamboohr"


@pytest.fixture
def aws_env(aws_over_http: str) -> object:
    return boto3.client("secretsmanager")


@pytest.fixture
def sandbox() -> Iterator[BambooHRSandbox]:
    account = SandboxAccount.from_workforce(
        generate_workforce(WorkforceSpec(employees=60, seed=11)), company_domain="acme", api_key="sandbox-key"
    )
    with BambooHRSandbox(account) as running:
        yield running


def hris_secret(client: object, sandbox: BambooHRSandbox, name: str, **extra: object) -> str:
    value = {"provider": "bamboohr", "company_domain": "acme", "api_key": sandbox.api_key, **extra}
    created = client.create_secret(Name=name, SecretString=json.dumps(value))  # type: ignore[attr-defined]
    return str(created["ARN"])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object] | None, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def test_discover_proposes_the_accounts_mapping_from_its_metadata(
    sandbox: BambooHRSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAMBOOHR_API_KEY", sandbox.api_key)
    status, report, _ = run(
        capsys, "bamboohr", "discover", "--company-domain", "acme", "--base-url", sandbox.base_url
    )
    assert status == 0
    assert report is not None
    assert report["unresolved"] == []
    mapping = report["mapping"]
    assert isinstance(mapping, dict)
    assert mapping["job_level"] == "customJobLevel"
    assert mapping["coach_skills"] == {
        "table": "customCoachingSkills",
        "skill": "customSkill",
        "weight": "customProficiency",
    }
    assert mapping["mentorships"]["pairing_id"] == "customPairingId"
    assert sandbox.requests(path_contains="/meta/lists")


def test_discover_save_writes_the_mapping_into_the_hris_secret(
    sandbox: BambooHRSandbox, aws_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = hris_secret(aws_env, sandbox, "hris-save")
    status, report, _ = run(
        capsys, "bamboohr", "discover", "--secret-id", arn, "--base-url", sandbox.base_url, "--save"
    )
    assert status == 0
    assert report is not None
    assert report["saved"] is True
    stored = json.loads(aws_env.get_secret_value(SecretId=arn)["SecretString"])  # type: ignore[attr-defined]
    assert stored["api_key"] == sandbox.api_key
    assert stored["mapping"]["training_assignments"]["table"] == "customTrainingAssignments"


def test_validate_mapping_names_every_gap_and_fails(
    sandbox: BambooHRSandbox, aws_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = hris_secret(
        aws_env,
        sandbox,
        "hris-bad",
        mapping={"mentor_capacity": "customSlots", "mentorships": {"table": "customPairs"}},
    )
    status, report, _ = run(
        capsys, "bamboohr", "validate-mapping", "--secret-id", arn, "--base-url", sandbox.base_url
    )
    assert status == 1
    assert report is not None
    problems = report["problems"]
    assert isinstance(problems, list)
    assert any("customSlots" in p for p in problems)
    assert any("customPairs" in p for p in problems)


def test_register_webhook_stores_the_key_so_deliveries_verify(
    sandbox: BambooHRSandbox, aws_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the HRIS secret and an empty webhook signing secret, as the stack creates them
    arn = hris_secret(aws_env, sandbox, "hris-webhook")
    signing = aws_env.create_secret(Name="webhook-signing", SecretString="{}")["ARN"]  # type: ignore[attr-defined]
    # When the admin registers the webhook
    status, report, err = run(
        capsys,
        "bamboohr",
        "register-webhook",
        "--secret-id",
        arn,
        "--base-url",
        sandbox.base_url,
        "--url",
        WEBHOOK_URL,
        "--webhook-secret-id",
        signing,
    )
    # Then BambooHR has one event-based webhook monitoring the mapped fields
    assert status == 0, err
    assert report is not None
    [webhook] = sandbox.account.webhooks.values()
    assert webhook["events"] == ["employee.created", "employee.updated", "employee.deleted"]
    assert {"customJobLevel", "customMentorOptIn", "department", "jobTitle"} <= set(webhook["monitorFields"])
    # ... the private key is in Secrets Manager and never on stdout
    stored = json.loads(aws_env.get_secret_value(SecretId=signing)["SecretString"])  # type: ignore[attr-defined]
    assert stored == {"private_key": webhook["privateKey"]}
    assert webhook["privateKey"] not in json.dumps(report)
    # ... and a delivery BambooHR signs verifies with the stored key
    delivery = signed_delivery(
        sandbox.account, webhook, "110", "employee.updated", changed_fields=("department",)
    )
    verifier = BambooHRWebhookVerifier(secrets.webhook_private_key(signing))
    hints = verifier.verify_and_parse(delivery.headers, delivery.body, now=datetime.now(UTC))
    assert [(h.employee_id, h.action, h.changed_fields) for h in hints] == [
        ("110", ChangeAction.UPDATED, ("department",))
    ]


def test_register_webhook_refuses_plain_http_and_creates_nothing(
    sandbox: BambooHRSandbox, aws_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = hris_secret(aws_env, sandbox, "hris-http")
    status, _, err = run(
        capsys,
        "bamboohr",
        "register-webhook",
        "--secret-id",
        arn,
        "--url",
        "http://insecure.example.com/hook",
        "--webhook-secret-id",
        "whatever",
    )
    assert status == 2
    assert "https://" in err
    assert sandbox.account.webhooks == {}


def test_when_the_key_cannot_be_stored_the_webhook_is_deleted_again(
    sandbox: BambooHRSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a key store that fails (Secrets Manager down, access denied...)
    def failing_store(secret_id: str, private_key: str) -> None:
        raise RuntimeError("AccessDeniedException")

    monkeypatch.setenv("BAMBOOHR_API_KEY", sandbox.api_key)
    argv = ["bamboohr", "register-webhook", "--company-domain", "acme", "--base-url", sandbox.base_url]
    args = build_parser().parse_args([*argv, "--url", WEBHOOK_URL, "--webhook-secret-id", "webhook-signing"])
    # When the webhook is registered, Then the command fails clearly
    with pytest.raises(KeyNotStored, match="was deleted again"):
        register_webhook_command(args, io.StringIO(), store_key=failing_store)
    # ... and leaves no webhook behind whose deliveries could never be verified
    assert sandbox.requests(method="POST", path_contains="/webhooks")
    assert sandbox.requests(method="DELETE", path_contains="/webhooks/")
    assert sandbox.account.webhooks == {}


@pytest.mark.parametrize(
    ("event", "webhook_format", "action"),
    [
        ("employee_with_fields.updated", "json", ChangeAction.UPDATED),
        ("employee_with_fields.created", "form-encoded", ChangeAction.CREATED),
        ("employee.deleted", "json", ChangeAction.DELETED),
    ],
)
def test_deliveries_of_every_family_the_sandbox_signs_are_verified_and_parsed(
    sandbox: BambooHRSandbox, event: str, webhook_format: str, action: ChangeAction
) -> None:
    webhook = {
        "privateKey": "k-" + webhook_format,
        "format": webhook_format,
        "postFields": {"department": "Dept"},
    }
    delivery = signed_delivery(sandbox.account, webhook, "112", event, changed_fields=("department",))
    hints = BambooHRWebhookVerifier(webhook["privateKey"]).verify_and_parse(
        delivery.headers, delivery.body, now=datetime.now(UTC)
    )
    assert [(h.employee_id, h.action) for h in hints] == [("112", action)]
