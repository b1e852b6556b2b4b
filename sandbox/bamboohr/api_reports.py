"""Bulk reads: the (deprecated) custom report and its replacement, the Datasets API.

Both return every employee, active or not, in one request (reports) or in pages of up to
1,000 (datasets): the reads a full sync is built on.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import xml.etree.ElementTree as ET
from typing import Any

from sandbox.bamboohr.account import SandboxAccount, parse_timestamp
from sandbox.bamboohr.api_employees import resolve_field_names
from sandbox.bamboohr.errors import ApiError, bad_request
from sandbox.bamboohr.fields import EMPLOYEE_FIELDS, FIELDS_BY_ALIAS
from sandbox.bamboohr.odata import FilterError, parse_filter
from sandbox.bamboohr.routing import Route
from sandbox.bamboohr.wire import ApiReply, ApiRequest, xml_field

_ACCEPT_FORMATS = {"application/json": "json", "text/xml": "xml", "text/csv": "csv"}
_ALL_FORMATS = ("json", "xml", "csv", "xls", "pdf")


def _report_format(request: ApiRequest) -> str:
    """`format` (case-insensitive) wins; otherwise only exact Accept values count, as documented."""
    requested = request.arg("format")
    if requested is not None:
        chosen = requested.lower()
    else:
        chosen = _ACCEPT_FORMATS.get(request.headers.get("accept", "").strip(), "")
    if chosen not in _ALL_FORMATS:
        raise ApiError(404, "Report format not found")
    if chosen in ("xls", "pdf"):
        raise ApiError(404, f"Report format {chosen} is not rendered by the sandbox (json, xml, csv)")
    return chosen


def _report_request(request: ApiRequest) -> dict[str, Any]:
    """JSON only when Content-Type is exactly `application/json`; anything else is read as XML."""
    if request.headers.get("content-type", "").strip() == "application/json":
        return request.json_object()
    try:
        root = ET.fromstring(request.body)  # noqa: S314 - local sandbox input
    except ET.ParseError as error:
        raise bad_request("Malformed XML") from error
    fields = [element.get("id") or "" for element in root.iter("field")]
    employee_ids = [
        int(text)
        for element in root.iter("employeeIds")
        for text in (element.text or "").split(",")
        if text.strip()
    ]
    filters: dict[str, Any] = {"employeeIds": employee_ids} if employee_ids else {}
    last_changed = root.find("filters/lastChanged")
    if last_changed is not None and last_changed.text:
        filters["lastChanged"] = {
            "value": last_changed.text,
            "includeNull": last_changed.get("includeNull", "yes"),
        }
    return {"title": root.findtext("title") or "", "fields": fields, "filters": filters}


def custom_report(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    output = _report_format(request)
    spec = _report_request(request)
    names = spec.get("fields")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise bad_request("fields must be a list of field names")
    fields = resolve_field_names(names)
    filters = spec.get("filters") or {}
    if not isinstance(filters, dict):
        raise bad_request("filters must be an object")
    wanted_ids = {str(value) for value in filters.get("employeeIds") or []}
    changed = filters.get("lastChanged") or {}
    changed_since = parse_timestamp(str(changed["value"])) if changed.get("value") else None
    only_current = request.flag("onlyCurrent", True)
    aliases = {alias for _, alias in fields}
    employees: list[dict[str, str]] = []
    with account.lock:
        for employee_id in account.employee_ids():
            if wanted_ids and employee_id not in wanted_ids:
                continue
            if changed_since is not None and account.last_changed(employee_id) < changed_since:
                continue
            view = account.view(employee_id, only_current=only_current, fields=aliases)
            entry = {"id": employee_id}
            for name, alias in fields:
                entry[name] = view.get(alias) or ""
            employees.append(entry)
    title = str(spec.get("title") or "Report")
    field_list = [
        {"id": name, "type": FIELDS_BY_ALIAS[alias].type, "name": FIELDS_BY_ALIAS[alias].name}
        for name, alias in fields
    ]
    if output == "json":
        return ApiReply.json({"title": title, "fields": field_list, "employees": employees})
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", *(entry["name"] for entry in field_list)])
        for entry in employees:
            writer.writerow([entry["id"], *(entry[name] for name, _ in fields)])
        return ApiReply.text(buffer.getvalue(), content_type="text/csv")
    root = ET.Element("report")
    ET.SubElement(root, "title").text = title
    field_element = ET.SubElement(root, "fields")
    for entry in field_list:
        ET.SubElement(field_element, "field", {"id": entry["id"], "type": entry["type"]}).text = entry["name"]
    employees_element = ET.SubElement(root, "employees")
    for entry in employees:
        employee = ET.SubElement(employees_element, "employee", {"id": entry["id"]})
        for name, _ in fields:
            xml_field(employee, name, entry[name])
    reply = ApiReply.xml(root)
    reply.content_type = "text/xml"
    return reply


# ---------------------------------------------------------------------------------------- datasets

DATASET = "employee"
DATASET_FIELDS: dict[str, str] = {"employeeId": "Employee ID", **{d.alias: d.name for d in EMPLOYEE_FIELDS}}


def _problem(
    status: int,
    code: str,
    detail: str,
    instance: str,
    *,
    fields: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> ApiError:
    """An RFC 7807 problem; the spec labels it problem+json on some operations, plain JSON on others."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if fields:
        body["fields"] = fields
    return ApiError(status, detail, body=body, content_type=content_type)


def list_datasets(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    return ApiReply.json({"datasets": [{"name": DATASET, "label": "Employee"}]})


def dataset_fields(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    name = request.params["datasetName"]
    if name != DATASET:
        raise _problem(
            422,
            "DATASET_NOT_FOUND",
            f"Dataset {name!r} was not found",
            request.path,
            content_type="application/problem+json",
        )
    try:
        page = max(1, int(request.arg("page") or 1))
        page_size = min(1000, max(1, int(request.arg("page_size") or 500)))
    except ValueError as error:
        raise _problem(
            422,
            "VALIDATION_ERROR",
            "page and page_size must be integers",
            request.path,
            content_type="application/problem+json",
        ) from error
    names = list(DATASET_FIELDS)
    pages = max(1, math.ceil(len(names) / page_size))
    chunk = names[(page - 1) * page_size : page * page_size]
    link = f"{request.base_url}{request.path}?page={{}}&page_size={page_size}"
    return ApiReply.json(
        {
            "pagination": {
                "total_records": len(names),
                "current_page": page,
                "total_pages": pages,
                "next_page": link.format(page + 1) if page < pages else None,
                "prev_page": link.format(page - 1) if page > 1 else None,
            },
            "name": DATASET,
            "label": "Employee",
            "fields": [
                {
                    "name": field,
                    "label": DATASET_FIELDS[field],
                    "parentType": "employee",
                    "parentName": "Employee",
                    "entityName": "employee",
                }
                for field in chunk
            ],
        }
    )


def dataset_data(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    name = request.params["datasetName"]
    if name != DATASET:
        raise _problem(404, "DATASET_NOT_FOUND", f"Dataset {name!r} does not exist", request.path)
    spec = request.json_object()
    fields = spec.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(field, str) for field in fields):
        raise _problem(
            422,
            "VALIDATION_ERROR",
            "fields must be a non-empty list of names",
            request.path,
            fields={"fields": "required"},
        )
    unknown = [field for field in fields if field not in DATASET_FIELDS]
    if unknown:
        raise _problem(
            422,
            "VALIDATION_ERROR",
            f"Unknown field(s): {', '.join(unknown)}",
            request.path,
            fields=dict.fromkeys(unknown, "unknown field"),
        )
    page, page_size = spec.get("page", 1), spec.get("pageSize", 100)
    if not isinstance(page, int) or page < 1 or not isinstance(page_size, int) or not 1 <= page_size <= 1000:
        raise _problem(
            422,
            "VALIDATION_ERROR",
            "page must be >= 1 and pageSize within 1..1000",
            request.path,
            fields={"pageSize": "1..1000"},
        )
    try:
        predicate = parse_filter(spec.get("filter") or "", set(DATASET_FIELDS))
    except FilterError as error:
        raise _problem(
            422, "INVALID_FILTER", str(error), request.path, fields={"filter": str(error)}
        ) from error
    order = _order_by(spec.get("orderBy") or "", fields, request.path)
    with account.lock:
        records = []
        for employee_id in account.employee_ids():
            view = account.view(employee_id)
            view["employeeId"] = employee_id
            if predicate(view):
                records.append(view)
    for field, descending in reversed(order):  # stable sorts, last rule first
        records.sort(key=functools.partial(_record_key, field), reverse=descending)
    total = len(records)
    pages = max(1, math.ceil(total / page_size))
    chunk = records[(page - 1) * page_size : page * page_size]
    link = f"{request.base_url}{request.path}?page={{}}&pageSize={page_size}"
    return ApiReply.json(
        {
            "data": [{"fields": {field: record.get(field) or "" for field in fields}} for record in chunk],
            "links": {
                "next": link.format(page + 1) if page < pages else None,
                "prev": link.format(page - 1) if page > 1 else None,
            },
            "meta": {"page": page, "pageSize": page_size, "totalPages": pages, "totalItems": total},
        },
        headers={"X-Request-ID": request.headers.get("x-request-id", f"sandbox-{id(request):x}")},
    )


def _order_by(text: str, fields: list[str], instance: str) -> list[tuple[str, bool]]:
    rules = []
    for rule in filter(None, (part.strip() for part in text.split(","))):
        name, _, direction = rule.partition(" ")
        direction = direction.strip().lower() or "asc"
        if name not in fields or direction not in ("asc", "desc"):
            raise _problem(
                422,
                "VALIDATION_ERROR",
                f"Invalid orderBy rule {rule!r} (field must be requested)",
                instance,
                fields={"orderBy": rule},
            )
        rules.append((name, direction == "desc"))
    return rules


def _record_key(field: str, record: dict[str, str | None]) -> tuple[int, float, str]:
    return _sort_key(record.get(field))


def _sort_key(value: str | None) -> tuple[int, float, str]:
    if value is None:
        return (0, 0.0, "")
    try:
        return (1, float(value), "")
    except ValueError:
        return (2, 0.0, value)


ROUTES: tuple[Route, ...] = (
    Route.of("POST", "/api/v1/reports/custom", custom_report, writes=False),
    Route.of("GET", "/api/v1_2/datasets", list_datasets),
    Route.of("GET", "/api/v1_2/datasets/{datasetName}/fields", dataset_fields),
    Route.of("POST", "/api/v2/datasets/{datasetName}/data", dataset_data, writes=False),
)
