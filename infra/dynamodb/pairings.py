"""`PairingStore` on DynamoDB: runs, pairings (by id, programme, run, person) and training assignments.

A pairing is one item holding the model's JSON without its status, plus `status` as a plain attribute,
so a status change is a single conditional UpdateItem. Two small edge items per pairing (one per
person) answer "which pairings does this employee have" for leavers and transfers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from infra.aws import client as shared_client
from infra.dynamodb import keys
from infra.dynamodb.codec import to_item
from infra.dynamodb.operations import (
    batch_get,
    batch_put,
    get_document,
    get_string,
    put_document,
    query_all,
)
from infra.dynamodb.schema import GSI1
from mentorship.errors import InvalidRequest, NotFound
from mentorship.models import MatchRun, Pairing, PairingStatus, TrainingAssignment


class DynamoPairingStore:
    """Lists come back sorted: a programme's pairings by (run id, pairing id), others by id."""

    def __init__(
        self, table_name: str, client: Any | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._table = table_name
        self._client = client or shared_client("dynamodb")
        self._sleep = sleep

    # --- match runs -------------------------------------------------------------------------------

    def put_run(self, run: MatchRun) -> None:
        put_document(self._client, self._table, keys.run(run.run_id), run.model_dump_json())

    def get_run(self, run_id: str) -> MatchRun | None:
        doc = get_document(self._client, self._table, keys.run(run_id))
        return MatchRun.model_validate_json(doc) if doc else None

    # --- pairings ---------------------------------------------------------------------------------

    def put_pairings(self, pairings: Sequence[Pairing]) -> None:
        """Store (or overwrite) pairings with their person edges and run pointer, 25 items per call."""
        items: list[dict[str, Any]] = []
        for pairing in pairings:
            items.append(to_item(_pairing_item(pairing)))
            for person in (pairing.mentor_id, pairing.mentee_id):
                edge = {
                    **keys.person_pairing_edge(person, pairing.pairing_id),
                    "pairing_id": pairing.pairing_id,
                }
                items.append(to_item(edge))
        runs = {pairing.run_id: pairing.program_id for pairing in pairings}
        for run_id, program_id in runs.items():
            items.append(to_item({**keys.run_program_pointer(run_id), "program_id": program_id}))
        batch_put(self._client, self._table, items, sleep=self._sleep)

    def get_pairing(self, pairing_id: str) -> Pairing | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(keys.pairing(pairing_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return _pairing_from(item) if item else None

    def set_status(self, pairing_id: str, status: PairingStatus, *, expected: PairingStatus) -> Pairing:
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=to_item(keys.pairing(pairing_id)),
                UpdateExpression="SET #status = :status",
                ConditionExpression="attribute_exists(pk) AND #status = :expected",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_item({":status": status.value, ":expected": expected.value}),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = error.response.get("Item", {}).get("status", {}).get("S")
            raise status_conflict(pairing_id, current, status, expected) from None
        return _pairing_from(response["Attributes"])

    def pairings_for_program(self, program_id: str) -> list[Pairing]:
        return self._program_pairings(program_id, run_id=None)

    def pairings_of_run(self, run_id: str) -> list[Pairing]:
        program_id = get_string(self._client, self._table, keys.run_program_pointer(run_id), "program_id")
        return self._program_pairings(program_id, run_id=run_id) if program_id else []

    def pairings_for_employee(self, employee_id: str) -> list[Pairing]:
        """Every pairing the employee is in, as mentor or mentee, in any programme (sorted by id)."""
        edges = query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_item(
                {":pk": keys.person_partition(employee_id), ":prefix": "pairing#"}
            ),
            ConsistentRead=True,
        )
        wanted = [to_item(keys.pairing(edge["pairing_id"]["S"])) for edge in edges]
        found = batch_get(self._client, self._table, wanted, sleep=self._sleep)
        return sorted((_pairing_from(item) for item in found), key=lambda pairing: pairing.pairing_id)

    def _program_pairings(self, program_id: str, *, run_id: str | None) -> list[Pairing]:
        condition = "gsi1pk = :pk"
        values = {":pk": keys.program_pairings_index(program_id)}
        if run_id is not None:
            condition += " AND begins_with(gsi1sk, :run)"
            values[":run"] = f"{run_id}#"
        items = query_all(
            self._client,
            TableName=self._table,
            IndexName=GSI1,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=to_item(values),
        )
        pairings = [_pairing_from(item) for item in items]
        # A run id that is a prefix of another ("r1" and "r1#x") must not leak the other's pairings;
        # sorting on the fields (not the joined sort key) keeps the order exact for any run id.
        chosen = [pairing for pairing in pairings if run_id is None or pairing.run_id == run_id]
        return sorted(chosen, key=lambda pairing: (pairing.run_id, pairing.pairing_id))

    # --- training assignments ---------------------------------------------------------------------

    def put_assignments(self, assignments: Sequence[TrainingAssignment]) -> None:
        items = [
            to_item({**keys.assignment(a.pairing_id, a.assignment_id), "doc": a.model_dump_json()})
            for a in assignments
        ]
        batch_put(self._client, self._table, items, sleep=self._sleep)

    def assignments_for(self, pairing_id: str) -> list[TrainingAssignment]:
        items = query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_item(
                {":pk": keys.pairing(pairing_id)["pk"], ":prefix": keys.TRAINING_PREFIX}
            ),
            ConsistentRead=True,
        )
        return [TrainingAssignment.model_validate_json(item["doc"]["S"]) for item in items]


def status_conflict(
    pairing_id: str, current: str | None, status: PairingStatus, expected: PairingStatus
) -> Exception:
    """The error for a status change whose precondition no longer holds: 404 if gone, else 422 on status."""
    if current is None:
        return NotFound(f"pairing {pairing_id} does not exist")
    return InvalidRequest(
        f"pairing {pairing_id} is {current}, not {expected.value}, so it cannot become {status.value}",
        field="status",
    )


def _pairing_item(pairing: Pairing) -> dict[str, Any]:
    return {
        **keys.pairing(pairing.pairing_id),
        "gsi1pk": keys.program_pairings_index(pairing.program_id),
        "gsi1sk": keys.program_pairings_sort(pairing.run_id, pairing.pairing_id),
        "doc": pairing.model_dump_json(exclude={"status"}),
        "status": pairing.status.value,
    }


def _pairing_from(item: Mapping[str, Any]) -> Pairing:
    fields = json.loads(item["doc"]["S"])
    return Pairing.model_validate({**fields, "status": item["status"]["S"]})
