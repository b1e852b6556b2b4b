"""Performance goals (the natural home for a mentee's action plan) and training types and records."""

from __future__ import annotations

import re
from typing import Any

from sandbox.bamboohr.account import SandboxAccount, format_timestamp
from sandbox.bamboohr.errors import ApiError
from sandbox.bamboohr.routing import Route
from sandbox.bamboohr.wire import ApiReply, ApiRequest

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUS_FILTERS = {
    "status-inProgress": ("in_progress",),
    "status-completed": ("completed",),
    "status-closed": ("closed",),
    "status-all": ("in_progress", "completed", "closed"),
}


def _fail(status: int, message: str) -> ApiError:
    """Goals and training errors carry a small JSON body as well as the error header."""
    return ApiError(status, message, body={"error": {"code": status, "message": message}})


def _owner(request: ApiRequest, account: SandboxAccount) -> str:
    employee_id = request.params["employeeId"]
    if not account.exists(employee_id):
        # BambooHR does not reveal whether an employee exists to someone who may not see them.
        raise _fail(403, f"No permission to view goals of employee {employee_id}")
    return employee_id


def _goal(account: SandboxAccount, employee_id: str, goal_id: str) -> dict[str, Any]:
    for goal in account.goals.get(employee_id, []):
        if goal["id"] == goal_id:
            return goal
    raise _fail(404, f"Goal {goal_id} not found for employee {employee_id}")


def _shared_ids(value: Any, employee_id: str, account: SandboxAccount) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise _fail(400, "sharedWithEmployeeIds must be an array of employee ids (integers)")
    if int(employee_id) not in value:
        raise _fail(400, "sharedWithEmployeeIds must include the goal owner's employee id")
    unknown = [item for item in value if not account.exists(str(item))]
    if unknown:
        raise _fail(400, f"sharedWithEmployeeIds names unknown employees: {unknown}")
    return list(dict.fromkeys(value))


def _goal_fields(body: dict[str, Any], employee_id: str, account: SandboxAccount) -> dict[str, Any]:
    """Validate the fields common to create and update; names the first field at fault."""
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _fail(400, "title is required")
    due = body.get("dueDate")
    if not isinstance(due, str) or not _DATE.match(due):
        raise _fail(400, "dueDate is required as YYYY-MM-DD")
    percent = body.get("percentComplete", 0)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        raise _fail(400, "percentComplete must be an integer within 0..100")
    completion = body.get("completionDate")
    if completion is not None and (
        percent != 100 or not isinstance(completion, str) or not _DATE.match(completion)
    ):
        raise _fail(400, "completionDate is only valid (as YYYY-MM-DD) when percentComplete is 100")
    description = body.get("description", "")
    if not isinstance(description, str):
        raise _fail(400, "description must be a string")
    shared = _shared_ids(body.get("sharedWithEmployeeIds"), employee_id, account)
    return {
        "title": title.strip(),
        "dueDate": due,
        "percentComplete": percent,
        "completionDate": completion,
        "description": description,
        "sharedWithEmployeeIds": shared,
    }


def _milestone_titles(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip()
        for item in value
    ):
        raise _fail(400, "milestones must be an array of objects with a title")
    return [item["title"].strip() for item in value]


def _stamp(account: SandboxAccount) -> str:
    return format_timestamp(account.clock.now()).replace("+00:00", "Z")


def _apply(goal: dict[str, Any], fields: dict[str, Any], account: SandboxAccount) -> None:
    goal.update(fields)
    goal["status"] = "completed" if goal["percentComplete"] == 100 else "in_progress"
    if goal["status"] == "completed" and not goal.get("completionDate"):
        goal["completionDate"] = _stamp(account)
    goal["lastChangedDateTime"] = _stamp(account)


def list_goals(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    wanted = _STATUS_FILTERS.get(request.arg("filter") or "status-all")
    if wanted is None:
        raise _fail(400, f"Unknown filter {request.arg('filter')!r}")
    with account.lock:
        employee_id = _owner(request, account)
        goals = [dict(goal) for goal in account.goals.get(employee_id, []) if goal["status"] in wanted]
    return ApiReply.json({"goals": goals})


def create_goal(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        employee_id = _owner(request, account)
        fields = _goal_fields(body, employee_id, account)
        titles = _milestone_titles(body.get("milestones"))
        goal = account.new_goal(
            employee_id,
            title=fields["title"],
            due_date=fields["dueDate"],
            shared_with=fields["sharedWithEmployeeIds"],
            description=fields["description"],
            percent_complete=fields["percentComplete"],
            completion_date=fields["completionDate"],
            milestones=titles,
        )
    return ApiReply.json({"goal": goal}, 201)


def update_goal(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    """PUT v1 (deprecated) and v1.1: a full update; v1.1 also edits milestones."""
    body = request.json_object()
    with account.lock:
        employee_id = _owner(request, account)
        goal = _goal(account, employee_id, request.params["goalId"])
        fields = _goal_fields(body, employee_id, account)
        if request.path.startswith("/api/v1_1/"):
            _edit_milestones(goal, body, account)
        _apply(goal, fields, account)
        return ApiReply.json({"goal": dict(goal)})


def _edit_milestones(goal: dict[str, Any], body: dict[str, Any], account: SandboxAccount) -> None:
    deleted = body.get("deletedMilestoneIds") or []
    if not isinstance(deleted, list):
        raise _fail(400, "deletedMilestoneIds must be an array")
    milestones = [m for m in goal.get("milestones") or [] if m["id"] not in deleted]
    now = _stamp(account)
    for item in body.get("milestones") or []:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise _fail(400, "milestones must be objects with a title")
        existing = next((m for m in milestones if m["id"] == item.get("id")), None)
        if existing is not None:
            existing.update(title=item["title"], lastUpdateDateTime=now)
        else:
            milestones.append(account.new_milestone(int(goal["id"]), item["title"], now))
    if body.get("milestonesEnabled") is False:
        milestones = []
    if milestones:
        goal["milestones"] = milestones
        goal["actions"] = {"canEditGoalProgressBar": False, "canEditGoalMilestoneProgressBar": True}
    else:
        goal.pop("milestones", None)
        goal.pop("actions", None)


def share_goal(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        employee_id = _owner(request, account)
        goal = _goal(account, employee_id, request.params["goalId"])
        goal["sharedWithEmployeeIds"] = _shared_ids(body.get("sharedWithEmployeeIds"), employee_id, account)
        goal["lastChangedDateTime"] = _stamp(account)
        return ApiReply.json({"goal": dict(goal)})


def goal_progress(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        employee_id = _owner(request, account)
        goal = _goal(account, employee_id, request.params["goalId"])
        if goal.get("milestones"):
            raise _fail(400, "The goal has milestones: update milestone progress instead")
        percent = body.get("percentComplete")
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            raise _fail(400, "percentComplete must be an integer within 0..100")
        completion = body.get("completionDate")
        if completion is not None and percent != 100:
            raise _fail(400, "completionDate is only valid when percentComplete is 100")
        _apply(
            goal,
            {"percentComplete": percent, "completionDate": completion if percent == 100 else None},
            account,
        )
        return ApiReply.json({"goal": dict(goal)})


def milestone_progress(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    complete = body.get("complete")
    if not isinstance(complete, bool):
        raise _fail(400, "complete must be a boolean")
    with account.lock:
        employee_id = _owner(request, account)
        goal = _goal(account, employee_id, request.params["goalId"])
        milestones = goal.get("milestones") or []
        milestone = next((m for m in milestones if str(m["id"]) == request.params["milestoneId"]), None)
        if milestone is None:
            raise _fail(404, f"Milestone {request.params['milestoneId']} not found")
        now = _stamp(account)
        if complete:
            milestone["completedDateTime"] = now
        else:
            milestone.pop("completedDateTime", None)
        milestone["lastUpdateDateTime"] = now
        done = sum(1 for m in milestones if m.get("completedDateTime"))
        percent = round(100 * done / len(milestones))
        _apply(goal, {"percentComplete": percent, "completionDate": None}, account)
        return ApiReply.json({"goal": dict(goal)})


# ---------------------------------------------------------------------------------------- training


def list_training_types(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    with account.lock:
        return ApiReply.json({str(type_id): dict(value) for type_id, value in account.training_types.items()})


def create_training_type(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise _fail(400, "name is required")
    for flag in ("renewable", "required", "allowEmployeesToMarkComplete"):
        if flag in body and not isinstance(body[flag], bool):
            raise _fail(400, f"{flag} must be a boolean")
    due = body.get("dueFromHireDate")
    if isinstance(due, dict):  # the spec's example sends {"unit": "day", "amount": "30"}
        body = {**body, "dueFromHireDate": due.get("amount")}
    for number in ("frequency", "dueFromHireDate"):
        value = body.get(number)
        if value is not None and not str(value).isdigit():
            raise _fail(400, f"{number} must be a whole number")
    category = body.get("category")
    if category is not None:
        if not isinstance(category, dict) or not (category.get("id") or category.get("name")):
            raise _fail(400, "category must be an object with an id or a name")
        body = {
            **body,
            "category": {
                "id": int(category.get("id") or account.next_id("training")),
                "name": str(category.get("name") or ""),
            },
        }
    return ApiReply.json(account.new_training_type(body), 201)


def _training_employee(request: ApiRequest, account: SandboxAccount) -> str:
    employee_id = request.params["employeeId"]
    if not account.exists(employee_id):
        raise _fail(404, f"Employee {employee_id} not found")
    return employee_id


def _record_fields(body: dict[str, Any], account: SandboxAccount, *, require_type: bool) -> dict[str, Any]:
    completed = body.get("completed")
    if not isinstance(completed, str) or not _DATE.match(completed):
        raise _fail(400, "completed is required as yyyy-mm-dd")
    fields: dict[str, Any] = {"completed": completed}
    if require_type or "type" in body:
        type_id = body.get("type")
        if not isinstance(type_id, int) or isinstance(type_id, bool) or type_id not in account.training_types:
            raise _fail(400, f"type must be the id of an existing training type, got {type_id!r}")
        fields["type"] = type_id
    for text in ("notes", "instructor"):
        if text in body:
            fields[text] = None if body[text] is None else str(body[text])
    for number in ("hours", "credits"):
        if number in body:
            if not isinstance(body[number], int | float) or isinstance(body[number], bool):
                raise _fail(400, f"{number} must be a number")
            fields[number] = f"{body[number]:g}"
    if "cost" in body:
        cost = body["cost"]
        if not isinstance(cost, dict) or "amount" not in cost:
            raise _fail(400, "cost must be an object with amount and currency")
        fields["cost"] = f"{cost['amount']} {cost.get('currency', 'USD')}"
    return fields


def list_training_records(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    type_filter = request.arg("type")
    with account.lock:
        employee_id = _training_employee(request, account)
        records = {
            str(record_id): dict(record)
            for record_id, record in account.training_records.items()
            if record["employeeId"] == employee_id
            and (type_filter is None or str(record["type"]) == type_filter)
        }
    # An employee without records gets an empty JSON array, not an empty object, as documented.
    return ApiReply.json(records or [])


def create_training_record(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        employee_id = _training_employee(request, account)
        fields = _record_fields(body, account, require_type=True)
        record_id = account.next_id("training")
        record = {
            "id": record_id,
            "employeeId": employee_id,
            "notes": None,
            "instructor": None,
            "credits": None,
            "hours": None,
            "cost": None,
            **fields,
        }
        account.training_records[record_id] = record
        return ApiReply.json(dict(record), 201)


def update_training_record(request: ApiRequest, account: SandboxAccount) -> ApiReply:
    body = request.json_object()
    with account.lock:
        record_id = request.params["employeeTrainingRecordId"]
        record = account.training_records.get(int(record_id)) if record_id.isdigit() else None
        if record is None:
            raise _fail(404, f"Training record {record_id} not found")
        record.update(_record_fields(body, account, require_type=False))
        return ApiReply.json(dict(record), 201)


_GOAL = "/api/v1/performance/employees/{employeeId}/goals"
ROUTES: tuple[Route, ...] = (
    Route.of("GET", _GOAL, list_goals),
    Route.of("POST", _GOAL, create_goal),
    Route.of("PUT", _GOAL + "/{goalId}", update_goal),
    Route.of("PUT", "/api/v1_1/performance/employees/{employeeId}/goals/{goalId}", update_goal),
    Route.of("PUT", _GOAL + "/{goalId}/sharedWith", share_goal),
    Route.of("PUT", _GOAL + "/{goalId}/progress", goal_progress),
    Route.of("PUT", _GOAL + "/{goalId}/milestones/{milestoneId}/progress", milestone_progress),
    Route.of("GET", "/api/v1/training/type", list_training_types),
    Route.of("POST", "/api/v1/training/type", create_training_type),
    Route.of("GET", "/api/v1/training/record/employee/{employeeId}", list_training_records),
    Route.of("POST", "/api/v1/training/record/employee/{employeeId}", create_training_record),
    Route.of("PUT", "/api/v1/training/record/{employeeTrainingRecordId}", update_training_record),
)
