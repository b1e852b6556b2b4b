"""BambooHR's public API, one method per endpoint the product uses, in BambooHR's own shapes.

This layer knows paths, verbs, auth and response envelopes; it does not know about employees,
skills or pairings (that is `records` and `writeback`). Every call goes through the shared
`ResilientHttpClient`, so retries, timeouts and error types are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from connectors.bamboohr.settings import BambooHRSettings
from connectors.http import ResilientHttpClient, Retrier, RetryPolicy
from mentorship.errors import HrisRejected, HrisUnavailable

Row = dict[str, Any]
# BambooHR's 4xx reason header, with its historical typo first (see the API error-code page).
DATASET = "employee"
REJECTION_HEADERS = ("X-BambooHR-Error-Messsage", "X-BambooHR-Error-Message", "X-BambooHR-Message")


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = self._header
        yield request


def iso_utc(moment: datetime) -> str:
    """BambooHR's changed-since format: ISO-8601 with an explicit UTC offset, whole seconds."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


class BambooHRApi:
    """Typed calls to one account's API over a resilient HTTP session."""

    def __init__(
        self,
        settings: BambooHRSettings,
        *,
        retrier: Retrier | None = None,
        transport: httpx.BaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        if settings.api_key is not None:
            auth: httpx.Auth = httpx.BasicAuth(settings.api_key.get_secret_value(), "x")
        else:
            assert settings.oauth_token is not None  # guaranteed by the settings validator
            auth = _BearerAuth(settings.oauth_token.get_secret_value())
        self.retrier = retrier or Retrier(
            RetryPolicy(
                max_attempts=settings.max_attempts,
                max_total_seconds=settings.max_retry_seconds,
                base_delay_seconds=settings.base_backoff_seconds,
                max_delay_seconds=settings.max_backoff_seconds,
            )
        )
        self.http = ResilientHttpClient(
            base_url=settings.resolved_base_url,
            service="BambooHR",
            auth=auth,
            headers={"Accept": "application/json", "User-Agent": "mentorbridge/0.1"},
            timeout=httpx.Timeout(settings.read_timeout_seconds, connect=settings.connect_timeout_seconds),
            retrier=self.retrier,
            rejection_headers=REJECTION_HEADERS,
            transport=transport,
            event_hooks=event_hooks,
        )

    def close(self) -> None:
        self.http.close()

    @property
    def requests_sent(self) -> int:
        return self.http.requests_sent

    # --- account metadata -------------------------------------------------------------------
    def meta_fields(self) -> list[Row]:
        return _list(self.http.request("GET", "/api/v1/meta/fields").data, "meta/fields")

    def meta_tables(self) -> list[Row]:
        return _list(self.http.request("GET", "/api/v1/meta/tables").data, "meta/tables")

    def meta_lists(self) -> list[Row]:
        return _list(self.http.request("GET", "/api/v1/meta/lists").data, "meta/lists")

    # --- reading employees ------------------------------------------------------------------
    def custom_report(
        self,
        fields: Sequence[str],
        *,
        changed_since: datetime | None = None,
        employee_ids: Sequence[str] | None = None,
    ) -> list[Row]:
        """Every employee (leavers included) with `fields`, in one request; optionally filtered."""
        body: dict[str, Any] = {"title": "mentorbridge sync", "fields": list(fields)}
        filters: dict[str, Any] = {}
        if changed_since is not None:
            filters["lastChanged"] = {"includeNull": "no", "value": iso_utc(changed_since)}
        if employee_ids is not None:
            filters["employeeIds"] = [int(i) for i in employee_ids]
        if filters:
            body["filters"] = filters
        result = self.http.request(
            "POST",
            "/api/v1/reports/custom",
            params={"format": "json", "onlyCurrent": "true"},
            json_body=body,
            safe_to_repeat=True,  # a report is a read, whatever its verb
        )
        employees = _object(result.data, "reports/custom").get("employees")
        return _list(employees, "reports/custom employees")

    def dataset_rows(
        self, fields: Sequence[str], *, employee_ids: Sequence[str] | None = None, page_size: int = 1000
    ) -> list[Row]:
        """The same as `custom_report`, from the Datasets API (the report's successor), page by page."""
        wanted = list(dict.fromkeys(["employeeId", *fields]))
        body: dict[str, Any] = {"fields": wanted, "orderBy": "employeeId asc", "pageSize": page_size}
        if employee_ids is not None:
            quoted = ",".join(f"'{int(i)}'" for i in employee_ids)
            body["filter"] = f"employeeId in ({quoted})"
        rows: list[Row] = []
        page = 1
        while True:
            result = self.http.request(
                "POST",
                f"/api/v2/datasets/{DATASET}/data",
                json_body={**body, "page": page},
                safe_to_repeat=True,  # a query, whatever its verb
            )
            data = _object(result.data, "datasets data")
            for entry in _list(data.get("data") or [], "datasets rows"):
                values = dict(_object(_object(entry, "dataset row").get("fields"), "dataset row fields"))
                values["id"] = str(values.pop("employeeId", ""))
                rows.append(values)
            meta = _object(data.get("meta") or {}, "datasets meta")
            if page >= int(meta.get("totalPages") or 1):
                return rows
            page += 1

    def employee(self, employee_id: str, fields: Sequence[str]) -> Row | None:
        """One employee's current fields, or None if BambooHR no longer has them."""
        try:
            result = self.http.request(
                "GET", f"/api/v1/employees/{_segment(employee_id)}", params={"fields": ",".join(fields)}
            )
        except HrisRejected as error:
            if error.status_code == 404:
                return None
            raise
        return _object(result.data, "employees/{id}")

    def table_rows(self, employee_id: str, table: str) -> list[Row]:
        """Rows of `table` for one employee, or for everyone with `employee_id="all"`."""
        path = f"/api/v1/employees/{_segment(employee_id)}/tables/{_segment(table)}"
        return _list(self.http.request("GET", path).data, f"tables/{table}")

    def changed_employees(self, since: datetime) -> dict[str, Row]:
        """Ids changed since `since` → {id, action: Inserted|Updated|Deleted, lastChanged}."""
        result = self.http.request("GET", "/api/v1/employees/changed", params={"since": iso_utc(since)})
        employees = _object(result.data, "employees/changed").get("employees") or {}
        return dict(_object(employees, "employees/changed employees"))

    def changed_table_rows(self, table: str, since: datetime) -> dict[str, list[Row]]:
        """All rows of `table` for every employee changed since `since`, by employee id."""
        result = self.http.request(
            "GET", f"/api/v1/employees/changed/tables/{_segment(table)}", params={"since": iso_utc(since)}
        )
        employees = _object(result.data, f"changed/tables/{table}").get("employees") or {}
        by_id: dict[str, list[Row]] = {}
        for employee_id, entry in _object(employees, f"changed/tables/{table} employees").items():
            by_id[str(employee_id)] = _list(_object(entry, "changed table entry").get("rows") or [], "rows")
        return by_id

    # --- custom table rows --------------------------------------------------------------------
    def add_row(self, employee_id: str, table: str, values: Mapping[str, str]) -> None:
        """Append a row. Not repeated on failure: the caller looks it up before trying again."""
        path = f"/api/v1_1/employees/{_segment(employee_id)}/tables/{_segment(table)}"
        self.http.request("POST", path, json_body=dict(values), expect="any", safe_to_repeat=False)

    def update_row(self, employee_id: str, table: str, row_id: str, values: Mapping[str, str]) -> None:
        """Overwrite some columns of one row; repeating it lands on the same state, so it is retried."""
        path = f"/api/v1_1/employees/{_segment(employee_id)}/tables/{_segment(table)}/{_segment(row_id)}"
        self.http.request("POST", path, json_body=dict(values), expect="any", safe_to_repeat=True)

    # --- performance goals --------------------------------------------------------------------
    def goals(self, employee_id: str) -> list[Row]:
        result = self.http.request(
            "GET",
            f"/api/v1/performance/employees/{_segment(employee_id)}/goals",
            params={"filter": "status-all"},
        )
        return _list(_object(result.data, "goals").get("goals") or [], "goals")

    def create_goal(self, employee_id: str, body: Mapping[str, Any]) -> Row:
        result = self.http.request(
            "POST",
            f"/api/v1/performance/employees/{_segment(employee_id)}/goals",
            json_body=dict(body),
            safe_to_repeat=False,
        )
        return _object(_object(result.data, "create goal").get("goal"), "create goal goal")

    # --- training -----------------------------------------------------------------------------
    def training_types(self) -> dict[str, Row]:
        data = self.http.request("GET", "/api/v1/training/type").data
        return {} if data == [] else {str(k): v for k, v in _object(data, "training/type").items()}

    def create_training_type(self, body: Mapping[str, Any]) -> Row:
        result = self.http.request(
            "POST", "/api/v1/training/type", json_body=dict(body), safe_to_repeat=False
        )
        return _object(result.data, "create training type")

    def training_records(self, employee_id: str, type_id: str | None = None) -> list[Row]:
        params = {"type": type_id} if type_id else None
        data = self.http.request(
            "GET", f"/api/v1/training/record/employee/{_segment(employee_id)}", params=params
        ).data
        if data == []:
            return []
        return list(_object(data, "training records").values())

    def create_training_record(self, employee_id: str, body: Mapping[str, Any]) -> Row:
        result = self.http.request(
            "POST",
            f"/api/v1/training/record/employee/{_segment(employee_id)}",
            json_body=dict(body),
            safe_to_repeat=False,
        )
        return _object(result.data, "create training record")

    # --- webhooks -----------------------------------------------------------------------------
    def monitor_fields(self) -> list[Row]:
        data = self.http.request("GET", "/api/v1/webhooks/monitor_fields").data
        return _list(_object(data, "webhooks/monitor_fields").get("fields"), "monitor fields")

    def list_webhooks(self) -> list[Row]:
        data = self.http.request("GET", "/api/v1/webhooks").data
        return _list(_object(data, "webhooks").get("webhooks") or [], "webhooks")

    def create_webhook(self, body: Mapping[str, Any]) -> Row:
        result = self.http.request("POST", "/api/v1/webhooks", json_body=dict(body), safe_to_repeat=False)
        return _object(result.data, "create webhook")

    def delete_webhook(self, webhook_id: str) -> None:
        self.http.request("DELETE", f"/api/v1/webhooks/{_segment(webhook_id)}", expect="any")


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise HrisUnavailable(
            f"BambooHR {where} answered {type(value).__name__} where an object was expected"
        )
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise HrisUnavailable(f"BambooHR {where} answered {type(value).__name__} where a list was expected")
    return value
