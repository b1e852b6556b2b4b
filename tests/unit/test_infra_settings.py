"""Settings: each function's environment is validated once; a missing variable is named at start."""

from __future__ import annotations

import pytest

from infra.settings import (
    AdminSettings,
    MatchingSettings,
    SettingsError,
    SyncSettings,
    TableSettings,
    WebhookSettings,
    WriteBackSettings,
    load_settings,
)

FULL_ENVIRONMENT = {
    "TABLE_NAME": "mentorbridge-prod",
    "EVENT_BUS_NAME": "mentorbridge-bus",
    "SYNC_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/sync",
    "HRIS_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hris-AbCdEf",
    "WEBHOOK_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf",
    "HRIS_PROVIDER": "bamboohr",
    "AWS_REGION": "eu-west-1",
}


def test_sync_settings_take_their_values_from_the_environment() -> None:
    settings = load_settings(SyncSettings, FULL_ENVIRONMENT)
    assert settings.table_name == "mentorbridge-prod"
    assert settings.event_bus_name == "mentorbridge-bus"
    assert settings.hris_secret_arn.endswith("secret:hris-AbCdEf")
    assert settings.hris_provider == "bamboohr"


def test_the_process_environment_is_the_default_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "from-process")
    assert load_settings(TableSettings).table_name == "from-process"


@pytest.mark.parametrize(
    ("model", "needed"),
    [
        (WebhookSettings, {"SYNC_QUEUE_URL", "WEBHOOK_SECRET_ARN", "HRIS_PROVIDER"}),
        (SyncSettings, {"TABLE_NAME", "EVENT_BUS_NAME", "HRIS_SECRET_ARN", "HRIS_PROVIDER"}),
        (MatchingSettings, {"TABLE_NAME", "EVENT_BUS_NAME"}),
        (WriteBackSettings, {"TABLE_NAME", "EVENT_BUS_NAME", "HRIS_SECRET_ARN", "HRIS_PROVIDER"}),
        (AdminSettings, {"TABLE_NAME", "EVENT_BUS_NAME", "SYNC_QUEUE_URL"}),
    ],
)
def test_each_missing_variable_is_named(model: type[TableSettings], needed: set[str]) -> None:
    # Given the environment without one variable the function needs, for each such variable
    for missing in needed:
        environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != missing}
        # When the settings load, then the error names exactly that variable
        with pytest.raises(SettingsError, match=f"{missing}: missing") as refused:
            load_settings(model, environment)
        assert refused.value.variables == (missing,)
    # And with everything present, they load
    load_settings(model, FULL_ENVIRONMENT)


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(SyncSettings, {"HRIS_PROVIDER": "sap"})
    assert set(refused.value.variables) == {
        "TABLE_NAME",
        "EVENT_BUS_NAME",
        "HRIS_SECRET_ARN",
        "HRIS_PROVIDER",
    }
    assert "'bamboohr' or 'workday'" in str(refused.value)


def test_a_blank_variable_counts_as_missing_a_value() -> None:
    with pytest.raises(SettingsError, match="TABLE_NAME") as refused:
        load_settings(TableSettings, {"TABLE_NAME": "   "})
    assert refused.value.variables == ("TABLE_NAME",)


def test_settings_cannot_be_changed_after_loading() -> None:
    settings = load_settings(TableSettings, FULL_ENVIRONMENT)
    with pytest.raises(ValueError, match="frozen"):
        settings.table_name = "other"  # type: ignore[misc]
