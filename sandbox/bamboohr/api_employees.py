"""Employee, table, change-feed and metadata endpoints (the `/api/v1/employees/...` and `/meta` family)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from sandbox.bamboohr.account import SandboxAccount, format_timestamp, parse_timestamp
from sandbox.bamboohr.errors import ApiError, bad_request, not_found
from sandbox.bamboohr.fields import EMPLOYEE_FIELDS, FIELDS_BY_ALIAS, FIELDS_BY_ID, MANAGED_LISTS, TABLES
from sandbox.bamboohr.routing import Route
from sandbox.bamboohr.wire import ApiReply, ApiRequest, xml_field

MAX_FIELDS = 400
_DIRECTORY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("displayName", "text", "Display name"),
    ("firstName", "text", "First name"),
    ("lastName", "text", "Last name"),
    ("preferredName", "text", "Preferred name"),
    ("jobTitle", "list", "Job title"),
    ("workEmail", "email", "Work email"),
    ("department", "list", "Department"),
    ("location", "list", "Location"),
    ("division", "list", "Division"),
    ("supervisor", "employee", "Supervisor"),
    ("photoUploaded", "bool", "Employee photo"),
    ("photoUrl", "url", "Photo URL"),
    ("canUploadPhoto", "bool", "Can upload photo"),
)

_DIRECTORY_NAMES = frozenset(name for name, _, _ in _DIRECTORY_FIELDS)


def resolve_field_names(names: list[str]) -> list[tuple[str, str]]:
    """(requested name, alias) for every known field; unknown names are dropped, as BambooHR does."""
    if len(names) > MAX_FIELDS:
        raise bad_request(f"Too many fields requested: {len(names)} (maximum {MAX_FIELDS})")
    resolved = []
    for name in names:
        definition = FIELDS_BY_ALIAS.get(name) or FIELDS_BY_ID.get(name)
        if definition is not None:
            resolved.append((name, definition.alias))
    return resolved


def _employee_id(request: ApiRequest, account: SandboxAccount) -> str:
    employee_id = request.params["id"]
    if employee_id == "0":  # the API key's own employee
        ids = account.employee_ids()
        employee_id = ids[0] if ids else "0"
    account.require(employee_id)
    return employee_id


def get_employee(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    names = [
        name.strip() for name in (request.arg("fields") or "firstName,lastName").split(",") if name.strip()
    ]
    with account.lock:
        employee_id = _employee_id(request, account)
        view = account.view(employee_id, only_current=request.flag("onlyCurrent", True))
    payload: dict[str, Any] = {"id": employee_id}
    for name, alias in resolve_field_names(names):
        payload[name] = view.get(alias)

    def to_xml() -> ET.Element:
        root = ET.Element("employee", {"id": employee_id})
        for name, value in payload.items():
            if name != "id":
                xml_field(root, name, value)
        return root

    return ApiReply.negotiated(request, payload, to_xml)


def directory(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    only_current = request.flag("onlyCurrent", True)
    with account.lock:
        today = account.clock.today().isoformat()
        people = []
        for employee_id in account.employee_ids():
            view = account.view(employee_id, fields=_DIRECTORY_NAMES)
            if view["status"] != "Active":
                continue
            if only_current and (view.get("hireDate") or "") > today:
                continue
            entry: dict[str, Any] = {"id": employee_id}
            for name, _, _ in _DIRECTORY_FIELDS:
                entry[name] = view.get(name)
            entry.update(photoUploaded=False, photoUrl=None, canUploadPhoto=1)
            people.append(entry)
    if not people:
        raise not_found("The directory is empty")
    fields = [{"id": name, "type": kind, "name": label} for name, kind, label in _DIRECTORY_FIELDS]

    def to_xml() -> ET.Element:
        root = ET.Element("directory")
        fieldset = ET.SubElement(root, "fieldset")
        for name, _, label in _DIRECTORY_FIELDS:
            xml_field(fieldset, name, label)
        employees = ET.SubElement(root, "employees")
        for entry in people:
            element = ET.SubElement(employees, "employee", {"id": entry["id"]})
            for name, _, _ in _DIRECTORY_FIELDS:
                value = entry.get(name)
                xml_field(
                    element,
                    name,
                    None if value is None else str(value).lower() if isinstance(value, bool) else str(value),
                )
        return root

    return ApiReply.negotiated(request, {"fields": fields, "employees": people}, to_xml)


def update_employee(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    values = request.field_values("employee")
    with account.lock:
        account.update_employee(_employee_id(request, account), values)
    return ApiReply.empty(200)


def add_employee(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    new_id = account.add_employee(request.field_values("employee"))
    return ApiReply.empty(201, {"Location": f"{request.base_url}/api/v1/employees/{new_id}"})


def _since(request: ApiRequest) -> datetime:
    since = request.arg("since")
    if not since:
        raise bad_request("The since parameter is required")
    return parse_timestamp(since)


def changed(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    since = _since(request)
    kind = (request.arg("type") or "all").lower()
    if kind not in ("inserted", "updated", "deleted", "all"):
        raise bad_request(f"Invalid type: {kind!r} (inserted, updated, deleted or all)")
    entries: dict[str, dict[str, str]] = {}
    latest = since
    with account.lock:
        for employee_id in account.employee_ids():
            stamp = account.last_changed(employee_id)
            if stamp < since:
                continue
            action = "Inserted" if account.created(employee_id) >= since else "Updated"
            entries[employee_id] = {
                "id": employee_id,
                "action": action,
                "lastChanged": format_timestamp(stamp),
            }
            latest = max(latest, stamp)
        for employee_id, stamp in account.deleted().items():
            if stamp >= since:
                entries[employee_id] = {
                    "id": employee_id,
                    "action": "Deleted",
                    "lastChanged": format_timestamp(stamp),
                }
                latest = max(latest, stamp)
    if kind != "all":
        entries = {key: entry for key, entry in entries.items() if entry["action"].lower() == kind}
    latest_text = format_timestamp(latest)
    payload = {"latest": latest_text, "employees": entries}

    def to_xml() -> ET.Element:
        root = ET.Element("employees", {"latest": latest_text})
        for entry in entries.values():
            ET.SubElement(root, "employee", entry)
        return root

    return ApiReply.negotiated(request, payload, to_xml)


def changed_table(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    since = _since(request)
    table = request.params["table"]
    result: dict[str, dict[str, Any]] = {}
    with account.lock:
        account.table(table)
        for employee_id in account.employee_ids():
            stamp = account.last_changed(employee_id)
            if stamp >= since:
                rows = [dict(row) for row in account.rows(employee_id, table)]
                result[employee_id] = {"lastChanged": format_timestamp(stamp), "rows": rows}
    payload = {"table": table, "employees": result}

    def to_xml() -> ET.Element:
        root = ET.Element("table", {"id": table})
        for employee_id, entry in result.items():
            element = ET.SubElement(
                root, "employee", {"id": employee_id, "lastChanged": entry["lastChanged"]}
            )
            for row in entry["rows"]:
                _row_xml(element, row)
        return root

    return ApiReply.negotiated(request, payload, to_xml)


def _row_xml(parent: ET.Element, row: dict[str, Any]) -> None:
    element = ET.SubElement(parent, "row", {"id": row["id"], "employeeId": row["employeeId"]})
    for name, value in row.items():
        if name not in ("id", "employeeId"):
            xml_field(element, name, value)


def table_rows(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    table = request.params["table"]
    with account.lock:
        account.table(table)
        if request.params["id"] == "all":
            rows = [dict(row) for rows_of in account.tables[table].values() for row in rows_of]
        else:
            rows = [dict(row) for row in account.rows(_employee_id(request, account), table)]

    def to_xml() -> ET.Element:
        root = ET.Element("table")
        for row in rows:
            _row_xml(root, row)
        return root

    return ApiReply.negotiated(request, rows, to_xml)


def add_row(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    values = request.field_values("row")
    with account.lock:
        account.add_row(_employee_id(request, account), request.params["table"], values)
    return ApiReply.empty(200)


def update_row(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    values = request.field_values("row")
    with account.lock:
        employee_id = _employee_id(request, account)
        account.update_row(employee_id, request.params["table"], request.params["rowId"], values)
    return ApiReply.empty(200)


def delete_row(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    """A missing row is not a 404 here: BambooHR answers 200 with `success: false`."""
    try:
        with account.lock:
            employee_id = _employee_id(request, account)
            account.delete_row(employee_id, request.params["table"], request.params["rowId"])
    except ApiError as error:
        if error.status != 404:
            raise
        return ApiReply.json({"success": False, "error": error.message})
    return ApiReply.json({"success": True})


def meta_fields(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    fields = [{"id": d.id, "name": d.name, "type": d.type, "alias": d.alias} for d in EMPLOYEE_FIELDS]

    def to_xml() -> ET.Element:
        root = ET.Element("fields")
        for entry in fields:
            element = ET.SubElement(
                root,
                "field",
                {"id": str(entry["id"]), "type": str(entry["type"]), "alias": str(entry["alias"])},
            )
            element.text = str(entry["name"])
        return root

    return ApiReply.negotiated(request, fields, to_xml)


def meta_tables(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    tables = [
        {
            "alias": t.alias,
            "fields": [{"id": c.id, "name": c.name, "alias": c.alias, "type": c.type} for c in t.fields],
        }
        for t in TABLES
    ]

    def to_xml() -> ET.Element:
        root = ET.Element("tables")
        for table in TABLES:
            element = ET.SubElement(root, "table", {"alias": table.alias})
            for column in table.fields:
                ET.SubElement(
                    element, "field", {"id": str(column.id), "alias": column.alias, "type": column.type}
                ).text = column.name
        return root

    return ApiReply.negotiated(request, tables, to_xml)


def meta_lists(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        lists: list[dict[str, Any]] = []
        for alias, definition in MANAGED_LISTS.items():
            options = [
                {
                    "id": definition.id * 1000 + index,
                    "name": name,
                    "archived": "no",
                    "createdDate": None,
                    "archivedDate": None,
                }
                for index, name in enumerate(account.list_options[alias], start=1)
            ]
            lists.append(
                {
                    "fieldId": str(definition.id),
                    "name": definition.name,
                    "alias": alias,
                    "manageable": "yes",
                    "multiple": "no",
                    "options": options,
                }
            )
        for table in TABLES:
            for column in table.fields:
                if column.options:
                    options = [
                        {
                            "id": column.id * 1000 + index,
                            "name": name,
                            "archived": "no",
                            "createdDate": None,
                            "archivedDate": None,
                        }
                        for index, name in enumerate(column.options, start=1)
                    ]
                    lists.append(
                        {
                            "fieldId": str(column.id),
                            "name": column.name,
                            "alias": column.alias,
                            "manageable": "yes",
                            "multiple": "no",
                            "options": options,
                        }
                    )

    def to_xml() -> ET.Element:
        root = ET.Element("lists")
        for entry in lists:
            attributes = {
                "fieldId": entry["fieldId"],
                "alias": entry["alias"],
                "manageable": "yes",
                "multiple": "no",
            }
            element = ET.SubElement(root, "list", attributes)
            ET.SubElement(element, "name").text = entry["name"]
            options = ET.SubElement(element, "options")
            for option in entry["options"]:
                ET.SubElement(options, "option", {"id": str(option["id"]), "archived": "no"}).text = option[
                    "name"
                ]
        return root

    if (request.arg("format") or "").lower() == "json":
        return ApiReply.json(lists)
    return ApiReply.negotiated(request, lists, to_xml)


ROUTES: tuple[Route, ...] = (
    Route.of("GET", "/api/v1/employees/directory", directory),
    Route.of("GET", "/api/v1/employees/changed", changed),
    Route.of("GET", "/api/v1/employees/changed/tables/{table}", changed_table),
    Route.of("POST", "/api/v1/employees", add_employee),
    Route.of("GET", "/api/v1/employees/{id}", get_employee),
    Route.of("POST", "/api/v1/employees/{id}", update_employee),
    Route.of("GET", "/api/v1/employees/{id}/tables/{table}", table_rows),
    Route.of("POST", "/api/v1/employees/{id}/tables/{table}", add_row),
    Route.of("POST", "/api/v1_1/employees/{id}/tables/{table}", add_row),
    Route.of("POST", "/api/v1/employees/{id}/tables/{table}/{rowId}", update_row),
    Route.of("POST", "/api/v1_1/employees/{id}/tables/{table}/{rowId}", update_row),
    Route.of("DELETE", "/api/v1/employees/{id}/tables/{table}/{rowId}", delete_row),
    Route.of("GET", "/api/v1/meta/fields", meta_fields),
    Route.of("GET", "/api/v1/meta/tables", meta_tables),
    Route.of("GET", "/api/v1/meta/lists", meta_lists),
)


# --------------------------------------------------------------------------- the cursor-paged employee list

# list-employees names, mapped onto the account's fields
_LIST_OPTIONAL = {
    "workEmail": "workEmail",
    "hireDate": "hireDate",
    "divisionName": "division",
    "departmentName": "department",
    "locationName": "location",
    "employmentStatusName": "employmentHistoryStatus",
    "reportsToName": "reportsToName",
    "reportsToId": "reportsToId",
}
_LIST_SORTABLE = ("employeeId", "firstName", "lastName", "preferredName", "jobTitleName", "status")
_LIST_SUBSTRING_FILTERS = {"firstName": "firstName", "lastName": "lastName", "jobTitleName": "jobTitle"}


def _list_error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, message, body={"error": {"code": code, "message": message}})


def _list_record(employee_id: str, view: dict[str, str | None], extra: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "employeeId": employee_id,
        "firstName": view.get("firstName"),
        "lastName": view.get("lastName"),
        "preferredName": view.get("preferredName"),
        "photoUrl": None,
        "jobTitleName": view.get("jobTitle"),
        "status": view.get("status"),
        "_restrictedFields": [],
    }
    for name in extra:
        record[name] = view.get(_LIST_OPTIONAL[name])
    return record


def list_employees(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    """GET /api/v1/employees: filters, sort and cursor paging (`page[after]` = an employee id).

    The spec lists only OAuth for this operation; API keys are refused unless the account says
    otherwise (`account.list_employees_accepts_api_key`), since that point is unconfirmed."""
    if request.credential.startswith("key:") and not account.list_employees_accepts_api_key:
        raise ApiError(401, "This endpoint requires OAuth")
    query = request.query
    extra = [
        name for raw in query.get("fields", []) for name in raw.split(",") if name.strip() in _LIST_OPTIONAL
    ]
    try:
        limit = int(request.arg("page[limit]") or 250)
    except ValueError as error:
        raise _list_error(400, "BadPage", "page[limit] must be an integer") from error
    if not 1 <= limit <= 2500:
        raise _list_error(400, "BadPage", "page[limit] must be within 1..2500")
    status = (request.arg("filter[status]") or "").lower()
    if status not in ("", "active", "inactive"):
        raise _list_error(400, "BadRequest", "filter[status] must be active or inactive")
    ids = {
        part.strip()
        for raw in query.get("filter[ids][]", []) + query.get("filter[ids]", [])
        for part in raw.split(",")
        if part.strip()
    }
    sort_rules = []
    for rule in filter(None, (part.strip() for part in (request.arg("sort") or "employeeId").split(","))):
        name = rule.lstrip("-")
        if name not in _LIST_SORTABLE:
            raise _list_error(
                400, "BadRequest", f"Cannot sort by {name!r} (sortable: {', '.join(_LIST_SORTABLE)})"
            )
        sort_rules.append((name, rule.startswith("-")))
    with account.lock:
        records = []
        for employee_id in account.employee_ids():
            view = account.view(employee_id, fields={"jobTitle", *(_LIST_OPTIONAL[name] for name in extra)})
            if status and (view.get("status") or "").lower() != status:
                continue
            if ids and employee_id not in ids:
                continue
            if any(
                (request.arg(f"filter[{key}]") or "").lower() not in (view.get(alias) or "").lower()
                for key, alias in _LIST_SUBSTRING_FILTERS.items()
                if request.arg(f"filter[{key}]")
            ):
                continue
            records.append(_list_record(employee_id, view, extra))
    for name, descending in reversed(sort_rules):
        key = (
            (lambda r, n=name: int(r[n]))
            if name == "employeeId"
            else (lambda r, n=name: (r[n] is not None, (r[n] or "").lower()))
        )
        records.sort(key=key, reverse=descending)
    positions = {record["employeeId"]: index for index, record in enumerate(records)}
    after, before = request.arg("page[after]"), request.arg("page[before]")
    if after and before:
        raise _list_error(400, "BadPage", "use page[after] or page[before], not both")
    cursor = after or before
    if cursor and cursor not in positions:
        raise _list_error(400, "BadPage", f"cursor {cursor} does not match an employee in this listing")
    if after:
        start = positions[after] + 1
    elif before:
        start = max(0, positions[before] - limit)
    else:
        start = 0
    end = positions[before] if before else start + limit
    page = records[start:end]
    next_cursor = page[-1]["employeeId"] if page and start + len(page) < len(records) else None
    prev_cursor = page[0]["employeeId"] if page and start > 0 else None
    base = f"{request.base_url}{request.path}"
    links: dict[str, dict[str, str]] = {
        "self": {"href": f"{base}?{request.query_string}" if request.query_string else base}
    }
    if next_cursor:
        links["next"] = {"href": f"{base}?page[limit]={limit}&page[after]={next_cursor}"}
    if prev_cursor:
        links["prev"] = {"href": f"{base}?page[limit]={limit}&page[before]={prev_cursor}"}
    meta = {
        "total": len(records),
        "page": {"limit": limit, "nextCursor": next_cursor, "prevCursor": prev_cursor},
    }
    return ApiReply.json({"data": page, "meta": meta, "_links": links})


ROUTES = (Route.of("GET", "/api/v1/employees", list_employees), *ROUTES)
