"""Write pairings and training back into BambooHR so that a retry never writes anything twice.

BambooHR has no mentorship or assignment objects, and its table-row POST returns no id, so every
write is "look up, then insert only if absent": a pairing is a row of the mapped mentorships table on
both people (found again by its pairing id), the mentee's action plan is a performance goal shared
with the mentor (found again by a marker in its description), an assignment is a row of the mapped
assignments table (found by assignment id) and a completion is a training record (found by a marker
in its notes). A `WriteLedger` remembers finished writes so a redelivered message costs no request.

The whole look-up-then-write step is what is retried on a transient failure, never the bare insert:
if BambooHR stored the row but the answer got lost, the next attempt finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

from aws_lambda_powertools import Logger

from connectors.bamboohr.api import BambooHRApi, Row
from connectors.bamboohr.settings import BambooHRSettings
from connectors.http import Retrier
from mentorship.errors import HrisUnavailable, InvalidRequest
from mentorship.models import Employee, Pairing, PairingStatus, TrainingAssignment
from mentorship.ports import WriteLedger, WriteReceipt

logger = Logger(child=True)
T = TypeVar("T")

ACTION_PLAN_MILESTONES = (
    "First meeting held and expectations agreed",
    "Two or three development goals written down together",
    "Mid-point review with your mentor",
    "Closing retrospective and next steps",
)


def marker(external_id: str) -> str:
    """The tag that lets a later attempt recognise a goal or record this product wrote."""
    return f"[mentorbridge:{external_id}]"


class BambooHRWriter:
    """The write half of the BambooHR connector."""

    def __init__(
        self,
        api: BambooHRApi,
        settings: BambooHRSettings,
        *,
        ledger: WriteLedger | None,
        retrier: Retrier,
        today: Callable[[], date],
    ) -> None:
        self._api = api
        self._settings = settings
        self._mapping = settings.mapping
        self._ledger = ledger
        self._retrier = retrier
        self._today = today
        self._training_type_ids: dict[str, str] = {}

    # --- pairings -----------------------------------------------------------------------------
    def write_pairing(self, pairing: Pairing, mentor: Employee, mentee: Employee) -> WriteReceipt:
        if pairing.status not in (PairingStatus.APPROVED, PairingStatus.ENDED):
            raise InvalidRequest(
                f"only approved or ended pairings are written back, not {pairing.status}", field="status"
            )
        if (mentor.employee_id, mentee.employee_id) != (pairing.mentor_id, pairing.mentee_id):
            raise InvalidRequest("mentor and mentee do not belong to this pairing", field="mentor_id")
        ended = pairing.status is PairingStatus.ENDED
        key = self._key("pairing", pairing.pairing_id, "ended" if ended else "active")
        done = self._already_written(key)
        if done is not None:
            return done

        table = self._mapping.mentorships.table
        created = False
        external_ids: list[str] = []
        for person, role, partner in (
            (pairing.mentor_id, "Mentor", pairing.mentee_id),
            (pairing.mentee_id, "Mentee", pairing.mentor_id),
        ):
            values = self._pairing_row(pairing, role, partner)
            row_id, inserted = self._until_done(
                partial(self._ensure_row, person, table, self._mapping.mentorships.pairing_id, values)
            )
            created |= inserted
            external_ids.append(f"{table}:{person}:{row_id}")
        if not ended:
            goal_id, inserted = self._until_done(lambda: self._ensure_action_plan(pairing))
            created |= inserted
            external_ids.append(f"goal:{pairing.mentee_id}:{goal_id}")
        receipt = self._recorded(key, external_ids, created)
        logger.info(
            "pairing written to BambooHR",
            extra={"pairing_id": pairing.pairing_id, "status": pairing.status.value, "inserted": created},
        )
        return receipt

    def _pairing_row(self, pairing: Pairing, role: str, partner_id: str) -> dict[str, str]:
        m = self._mapping.mentorships
        ended = pairing.status is PairingStatus.ENDED
        start = pairing.start_date or self._today()
        end = pairing.end_date or (max(start, self._today()) if ended else None)
        notes = pairing.explanation
        if ended and pairing.end_reason:
            notes = f"Ended: {pairing.end_reason}"
        return {
            m.program: pairing.program_id,
            m.role: role,
            m.partner_id: partner_id,
            m.pairing_id: pairing.pairing_id,
            m.start_date: start.isoformat(),
            m.end_date: end.isoformat() if end else "",
            m.status: "Ended" if ended else "Active",
            m.notes: notes[:500],
        }

    def _ensure_action_plan(self, pairing: Pairing) -> tuple[str, bool]:
        tag = marker(pairing.pairing_id)
        for goal in self._api.goals(pairing.mentee_id):
            if tag in str(goal.get("description") or ""):
                return str(goal.get("id")), False
        start = pairing.start_date or self._today()
        due = start + timedelta(days=self._settings.action_plan_days)
        if pairing.end_date and pairing.end_date < due:
            due = pairing.end_date
        goal = self._api.create_goal(
            pairing.mentee_id,
            {
                "title": f"Mentoring action plan ({pairing.program_id})",
                "description": (
                    "What you want to get out of this mentoring relationship, agreed with your mentor "
                    f"(shared with them). {tag}"
                ),
                "dueDate": due.isoformat(),
                "percentComplete": 0,
                "sharedWithEmployeeIds": [_numeric_id(pairing.mentee_id), _numeric_id(pairing.mentor_id)],
                "milestones": [{"title": title} for title in ACTION_PLAN_MILESTONES],
            },
        )
        return str(goal.get("id")), True

    # --- training -----------------------------------------------------------------------------
    def write_training(self, assignment: TrainingAssignment, pairing: Pairing) -> WriteReceipt:
        if assignment.pairing_id != pairing.pairing_id:
            raise InvalidRequest("the assignment belongs to another pairing", field="pairing_id")
        completed = assignment.completed_on is not None
        key = self._key("training", assignment.assignment_id, "completed" if completed else "assigned")
        done = self._already_written(key)
        if done is not None:
            return done

        t = self._mapping.training_assignments
        values = {
            t.assignment_id: assignment.assignment_id,
            t.pairing_id: assignment.pairing_id,
            t.item: assignment.item_id,
            t.title: assignment.title,
            t.due_date: assignment.due_date.isoformat(),
            t.status: "Completed" if completed else "Assigned",
            t.link: assignment.link_url or "",
        }
        row_id, created = self._until_done(
            lambda: self._ensure_row(assignment.employee_id, t.table, t.assignment_id, values)
        )
        external_ids = [f"{t.table}:{assignment.employee_id}:{row_id}"]
        if completed:
            record_id, inserted = self._until_done(lambda: self._ensure_training_record(assignment))
            created |= inserted
            external_ids.append(f"training-record:{assignment.employee_id}:{record_id}")
        receipt = self._recorded(key, external_ids, created)
        logger.info(
            "training written to BambooHR",
            extra={"assignment_id": assignment.assignment_id, "employee_id": assignment.employee_id},
        )
        return receipt

    def _ensure_training_record(self, assignment: TrainingAssignment) -> tuple[str, bool]:
        assert assignment.completed_on is not None
        type_id = self._training_type_id(assignment)
        tag = marker(assignment.assignment_id)
        for record in self._api.training_records(assignment.employee_id, type_id):
            if tag in str(record.get("notes") or ""):
                return str(record.get("id")), False
        record = self._api.create_training_record(
            assignment.employee_id,
            {
                "completed": assignment.completed_on.isoformat(),
                "type": int(type_id),
                "notes": f"{assignment.title} {tag}",
            },
        )
        return str(record.get("id")), True

    def _training_type_id(self, assignment: TrainingAssignment) -> str:
        """The training type named like the item, created once if the account lacks it."""
        name = assignment.title[:100]
        if name in self._training_type_ids:
            return self._training_type_ids[name]
        for type_id, entry in self._api.training_types().items():
            if str(entry.get("name")) == name:
                self._training_type_ids[name] = str(entry.get("id", type_id))
                return self._training_type_ids[name]
        body: dict[str, object] = {
            "name": name,
            "description": f"Mentoring programme training ({assignment.item_id})",
        }
        if assignment.link_url:
            body["linkUrl"] = assignment.link_url
        created = self._api.create_training_type(body)
        self._training_type_ids[name] = str(created.get("id"))
        return self._training_type_ids[name]

    # --- shared steps -------------------------------------------------------------------------
    def _ensure_row(
        self, employee_id: str, table: str, key_column: str, values: dict[str, str]
    ) -> tuple[str, bool]:
        """Find the row whose `key_column` holds our id; update it if it differs, insert it if absent."""
        key_value = values[key_column]
        existing = self._find_row(employee_id, table, key_column, key_value)
        if existing is not None:
            if any(str(existing.get(column) or "") != value for column, value in values.items()):
                self._api.update_row(employee_id, table, str(existing["id"]), values)
            return str(existing["id"]), False
        self._api.add_row(employee_id, table, values)
        inserted = self._find_row(employee_id, table, key_column, key_value)
        if inserted is None:
            raise HrisUnavailable(f"BambooHR accepted a {table} row but does not list it yet")
        return str(inserted["id"]), True

    def _find_row(self, employee_id: str, table: str, key_column: str, key_value: str) -> Row | None:
        for row in self._api.table_rows(employee_id, table):
            if str(row.get(key_column) or "") == key_value:
                return row
        return None

    def _until_done(self, step: Callable[[], T]) -> T:
        """Run a look-up-then-write step, repeating the whole step on transient failures."""
        for window in self._retrier.attempts():
            try:
                result = step()
            except HrisUnavailable as error:
                window.retry_after_failure(error)
                continue
            window.succeed()
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _already_written(self, key: str) -> WriteReceipt | None:
        """The receipt of an earlier complete write of this state, as a no-op receipt."""
        done = self._ledger.get(key) if self._ledger else None
        return None if done is None else WriteReceipt(external_ids=done.external_ids, created=False)

    def _recorded(self, key: str, external_ids: list[str], created: bool) -> WriteReceipt:
        """The receipt of a finished write, kept in the ledger so a retry does no work."""
        receipt = WriteReceipt(external_ids=tuple(external_ids), created=created)
        if self._ledger:
            self._ledger.put(key, receipt)
        return receipt

    def _key(self, kind: str, external_id: str, state: str) -> str:
        return f"bamboohr:{self._settings.company_domain}:{kind}:{external_id}:{state}"


def _numeric_id(employee_id: str) -> int:
    if not employee_id.isdigit():
        raise InvalidRequest(f"BambooHR employee ids are numeric, got {employee_id!r}", field="employee_id")
    return int(employee_id)
