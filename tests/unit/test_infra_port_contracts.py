"""One contract for each storage port, run against the DynamoDB adapter (moto) and the in-memory fake.

If a test here passes for one implementation and fails for the other, the fake has drifted from the
adapter and every service test that relies on it would be lying.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.dynamodb import (
    DynamoEmployeeDirectory,
    DynamoPairingStore,
    DynamoProgramStore,
    DynamoSyncStateStore,
    DynamoWriteLedger,
)
from infra.dynamodb.schema import create_table
from infra.events import EventBridgePublisher
from mentorship import ports as ports_module
from mentorship.errors import InvalidRequest, NotFound
from mentorship.fakes import (
    InMemoryEmployeeDirectory,
    InMemoryPairingStore,
    InMemoryProgramStore,
    InMemorySyncStateStore,
    InMemoryWriteLedger,
    RecordingEventPublisher,
)
from mentorship.models import (
    CoachableSkill,
    Employee,
    MatchRun,
    MatchRunStatus,
    Pairing,
    PairingStatus,
    Program,
    ProgramKind,
    Role,
    TrainingAssignment,
    UnmatchedMentee,
)
from mentorship.ports import WriteReceipt
from sandbox.workforce import WorkforceSpec, generate_workforce

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
PAGE_SIZE = 20


@dataclass
class Ports:
    directory: Any
    programs: Any
    pairings: Any
    sync_state: Any
    ledger: Any
    kind: str


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A DynamoDB client on moto with the single table `mentorbridge` created from the schema."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client, "mentorbridge")
        yield client


@pytest.fixture(params=["dynamodb", "in_memory"])
def ports(request: pytest.FixtureRequest) -> Iterator[Ports]:
    if request.param == "in_memory":
        yield Ports(
            InMemoryEmployeeDirectory(),
            InMemoryProgramStore(),
            InMemoryPairingStore(),
            InMemorySyncStateStore(),
            InMemoryWriteLedger(),
            "in_memory",
        )
        return
    client = request.getfixturevalue("dynamodb")

    def no_wait(_seconds: float) -> None:
        return None

    yield Ports(
        # A small page size so 1,000 employees span several pages per shard, as 100k would in AWS.
        DynamoEmployeeDirectory("mentorbridge", client, page_size=PAGE_SIZE, sleep=no_wait),
        DynamoProgramStore("mentorbridge", client),
        DynamoPairingStore("mentorbridge", client, sleep=no_wait),
        DynamoSyncStateStore("mentorbridge", client),
        DynamoWriteLedger("mentorbridge", client),
        "dynamodb",
    )


def employee(employee_id: str = "e1", *, at: datetime | None = T0, **facts: Any) -> Employee:
    return Employee(employee_id=employee_id, display_name="Ada Example", source_updated_at=at, **facts)


def pairing(
    mentor: str, mentee: str, *, program: str = "reverse-2026", run: str = "run-1", score: float = 0.73
) -> Pairing:
    return Pairing(
        pairing_id=Pairing.make_id(program, mentor, mentee, run),
        program_id=program,
        run_id=run,
        mentor_id=mentor,
        mentee_id=mentee,
        score=score,
        components={"skill_fit": 0.8125, "location": 0.1},
        explanation="coaches Short-video strategy (5/5), which the mentee ranks first",
        start_date=date(2026, 12, 1),
    )


# --- EmployeeDirectory ----------------------------------------------------------------------------


def test_new_employee_is_stored_and_read_back_unchanged(ports: Ports) -> None:
    # Given a new employee with skills
    ada = employee(level=3, coach_skills=(CoachableSkill(name="SQL", proficiency=4),), manager_id="m1")
    # When it is upserted
    stored = ports.directory.upsert(ada)
    # Then the upsert reports a change and a read returns an equal model
    assert stored is True
    assert ports.directory.get("e1") == ada
    assert ports.directory.get("nobody") is None


def test_re_reading_unchanged_facts_is_not_a_change(ports: Ports) -> None:
    ports.directory.upsert(employee(level=3))
    assert ports.directory.upsert(employee(level=3)) is False


def test_changed_facts_with_a_newer_timestamp_replace_the_record(ports: Ports) -> None:
    ports.directory.upsert(employee(level=3))
    changed = employee(level=4, at=T0 + timedelta(hours=1))
    assert ports.directory.upsert(changed) is True
    assert ports.directory.get("e1") == changed


def test_an_older_record_never_overwrites_a_newer_one(ports: Ports) -> None:
    # Given the record as of 10:00
    newer = employee(level=4, at=T0 + timedelta(hours=1))
    ports.directory.upsert(newer)
    # When a delayed 09:00 version with other facts arrives
    older = employee(level=3, at=T0)
    # Then it is refused and the 10:00 record stands
    assert ports.directory.upsert(older) is False
    assert ports.directory.get("e1") == newer


def test_unchanged_facts_with_a_newer_timestamp_still_fence_off_older_changes(ports: Ports) -> None:
    # Given level 3 as of 09:00, re-read unchanged at 11:00 (no change reported)
    ports.directory.upsert(employee(level=3, at=T0))
    assert ports.directory.upsert(employee(level=3, at=T0 + timedelta(hours=2))) is False
    # When a change made at 10:00 is delivered late
    late = employee(level=5, at=T0 + timedelta(hours=1))
    # Then it loses to what was read at 11:00
    assert ports.directory.upsert(late) is False
    assert ports.directory.get("e1").level == 3
    assert ports.directory.get("e1").source_updated_at == T0 + timedelta(hours=2)


def test_timestamps_in_other_zones_compare_as_instants(ports: Ports) -> None:
    ports.directory.upsert(employee(level=3, at=T0))
    # 10:30+02:00 is 08:30 UTC: older than the stored 09:00 UTC
    cest = timezone(timedelta(hours=2))
    assert ports.directory.upsert(employee(level=4, at=datetime(2026, 11, 1, 10, 30, tzinfo=cest))) is False
    assert ports.directory.upsert(employee(level=4, at=datetime(2026, 11, 1, 11, 30, tzinfo=cest))) is True


def test_a_record_without_timestamp_is_applied_when_its_facts_differ(ports: Ports) -> None:
    ports.directory.upsert(employee(level=3, at=T0))
    assert ports.directory.upsert(employee(level=3, at=None)) is False
    assert ports.directory.upsert(employee(level=6, at=None)) is True
    assert ports.directory.get("e1").level == 6


def test_all_returns_every_employee_across_many_pages(ports: Ports) -> None:
    # Given 1,000 employees (with page size 20, every shard spans several pages)
    workforce = generate_workforce(WorkforceSpec(employees=1_000, seed=11))
    assert all(stored for _, stored in ports.directory.upsert_many(workforce))
    # When all employees are read
    everyone = list(ports.directory.all())
    # Then each comes back exactly once, equal to what was stored
    assert len(everyone) == 1_000
    assert {e.employee_id: e for e in everyone} == {e.employee_id: e for e in workforce}


def test_dynamodb_all_follows_every_page_of_every_shard(dynamodb: Any) -> None:
    # Given 1,000 employees in DynamoDB and a page size of 20
    directory = DynamoEmployeeDirectory("mentorbridge", dynamodb, page_size=PAGE_SIZE)
    directory.upsert_many(generate_workforce(WorkforceSpec(employees=1_000, seed=5)))
    queries: list[dict[str, Any]] = []
    dynamodb.meta.events.register(
        "provide-client-params.dynamodb.Query", lambda params, **_: queries.append(params)
    )
    # When every employee is read
    count = sum(1 for _ in directory.all())
    # Then all 16 shards were read, each over several pages, projecting only the document
    assert count == 1_000
    assert len({q["ExpressionAttributeValues"][":pk"]["S"] for q in queries}) == 16
    assert len(queries) >= 1_000 // PAGE_SIZE
    assert {q["ProjectionExpression"] for q in queries} == {"doc"}
    assert {q["Limit"] for q in queries} == {PAGE_SIZE}


def test_get_many_returns_the_known_ids_only(ports: Ports) -> None:
    for number in range(150):  # more than one BatchGetItem call (100 keys each)
        ports.directory.upsert(employee(f"e{number}", level=number % 9 + 1))
    found = ports.directory.get_many([f"e{n}" for n in range(0, 150, 1)] + ["ghost"])
    assert sorted(found) == sorted(f"e{n}" for n in range(150))
    assert found["e42"].level == 42 % 9 + 1


def test_upsert_many_answers_as_get_then_upsert_would_one_by_one(ports: Ports) -> None:
    # Given five stored employees as of 09:00
    for number in range(5):
        ports.directory.upsert(employee(f"e{number}", level=3, at=T0))
    later, earlier = T0 + timedelta(hours=1), T0 - timedelta(hours=1)
    batch = [
        employee("e0", level=3, at=T0),  # unchanged
        employee("e1", level=4, at=later),  # changed, newer
        employee("e2", level=5, at=earlier),  # changed, but older than what is stored
        employee("e3", level=3, at=later),  # unchanged facts, newer timestamp
        employee("e4", level=7, at=None),  # changed, no timestamp
        employee("new", level=2, at=T0),  # never seen
        employee("new", level=6, at=later),  # the same new person again, changed later in the batch
    ]
    # When the batch is upserted at once
    outcome = ports.directory.upsert_many(batch)
    # Then each entry reports the record before it and whether it stored a change
    before = employee("e0", level=3, at=T0)
    assert [(previous and previous.level, stored) for previous, stored in outcome] == [
        (3, False),
        (3, True),
        (3, False),
        (3, False),
        (3, True),
        (None, True),
        (2, True),
    ]
    assert outcome[0][0] == before
    # And the directory holds what one-by-one upserts would have left
    assert [ports.directory.get(i).level for i in ("e0", "e1", "e2", "e3", "e4", "new")] == [3, 4, 3, 3, 7, 6]
    assert ports.directory.get("e3").source_updated_at == later
    # And the advanced timestamp fences off a change delayed from before it
    assert ports.directory.upsert_many([employee("e3", level=9, at=T0 + timedelta(minutes=30))]) == [
        (ports.directory.get("e3"), False)
    ]


# --- ProgramStore ---------------------------------------------------------------------------------


def test_programmes_are_stored_replaced_and_listed_by_id(ports: Ports) -> None:
    reverse = Program(program_id="reverse-2026", name="Reverse mentoring", kind=ProgramKind.REVERSE)
    skills = Program(program_id="ai-skills", name="AI skills", kind=ProgramKind.SKILLS, focus_skills=("SQL",))
    ports.programs.put(reverse)
    ports.programs.put(skills)
    renamed = reverse.model_copy(update={"name": "Reverse mentoring 2026"})
    ports.programs.put(renamed)
    assert ports.programs.get("reverse-2026") == renamed
    assert ports.programs.get("missing") is None
    assert list(ports.programs.all()) == [skills, renamed]


# --- PairingStore ---------------------------------------------------------------------------------


def test_match_run_round_trips_with_its_unmatched_reasons(ports: Ports) -> None:
    run = MatchRun(
        run_id="run-1",
        program_id="reverse-2026",
        status=MatchRunStatus.COMPLETED,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=4),
        pairing_ids=("p-1",),
        unmatched=(UnmatchedMentee(employee_id="e9", reason="no mentor coaches SQL"),),
        objective=12.5,
    )
    ports.pairings.put_run(run)
    assert ports.pairings.get_run("run-1") == run
    assert ports.pairings.get_run("run-2") is None


def huge_run() -> MatchRun:
    """A run whose JSON is megabytes (DynamoDB items stop at 400 KB) and barely compressible."""
    rng = random.Random(5)
    return MatchRun(
        run_id="run-big",
        program_id="skills-2026",
        started_at=T0,
        pairing_ids=tuple(f"p-{rng.getrandbits(80):020x}" for _ in range(25_000)),
        unmatched=tuple(
            UnmatchedMentee(
                employee_id=f"{rng.getrandbits(64):016x}", reason="no mentor with capacity coaches SQL"
            )
            for _ in range(40_000)
        ),
    )


def test_a_match_run_over_a_huge_cohort_round_trips_and_can_shrink_again(ports: Ports) -> None:
    # Given a run far above the item size limit, stored
    huge = huge_run()
    ports.pairings.put_run(huge)
    # Then it reads back whole
    assert ports.pairings.get_run("run-big") == huge
    # And a later, small version of the same run replaces it entirely
    small = huge.model_copy(
        update={"pairing_ids": ("p-1",), "unmatched": (), "status": MatchRunStatus.FAILED}
    )
    ports.pairings.put_run(small)
    assert ports.pairings.get_run("run-big") == small


def test_dynamodb_splits_a_huge_run_over_several_compressed_items(dynamodb: Any) -> None:
    DynamoPairingStore("mentorbridge", dynamodb).put_run(huge_run())
    items = dynamodb.query(
        TableName="mentorbridge",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "run#run-big"}},
    )["Items"]
    parts = int(items[0]["parts"]["N"])
    assert parts >= 2
    assert [item["sk"]["S"] for item in items] == ["run", *(f"run#part#{n:03d}" for n in range(1, parts))]
    assert all(len(item["docz"]["B"]) <= 350 * 1024 for item in items)


def test_batch_of_pairings_is_found_by_id_programme_run_and_person(ports: Ports) -> None:
    # Given 60 pairings in two runs of one programme (more than two BatchWriteItem calls) and one elsewhere
    first = [pairing(f"m{n}", f"e{n}", run="run-1") for n in range(40)]
    second = [pairing(f"m{n}", f"e{n + 100}", run="run-2") for n in range(20)]
    other = pairing("m1", "e7", program="skills-2026", run="run-9")
    # When they are stored in one call
    ports.pairings.put_pairings([*first, *second, other])
    # Then each access path finds exactly its pairings, equal to what was stored
    assert ports.pairings.get_pairing(first[5].pairing_id) == first[5]
    assert ports.pairings.get_pairing("p-missing") is None
    by_id = lambda items: sorted(items, key=lambda p: p.pairing_id)  # noqa: E731
    assert ports.pairings.pairings_of_run("run-1") == by_id(first)
    assert ports.pairings.pairings_of_run("run-2") == by_id(second)
    assert ports.pairings.pairings_of_run("run-unknown") == []
    assert ports.pairings.pairings_for_program("reverse-2026") == [*by_id(first), *by_id(second)]
    assert ports.pairings.pairings_for_employee("m1") == by_id([first[1], second[1], other])
    assert ports.pairings.pairings_for_employee("e7") == by_id([first[7], other])


def test_run_ids_that_prefix_each_other_stay_apart(ports: Ports) -> None:
    ports.pairings.put_pairings([pairing("m1", "e1", run="r1"), pairing("m2", "e2", run="r1#b")])
    assert [p.mentor_id for p in ports.pairings.pairings_of_run("r1")] == ["m1"]


def test_putting_a_pairing_again_replaces_it(ports: Ports) -> None:
    original = pairing("m1", "e1")
    ports.pairings.put_pairings([original])
    ended = original.model_copy(
        update={"status": PairingStatus.ENDED, "end_date": date(2027, 1, 5), "end_reason": "mentee left"}
    )
    ports.pairings.put_pairings([ended])
    assert ports.pairings.get_pairing(original.pairing_id) == ended
    assert ports.pairings.pairings_for_employee("m1") == [ended]


def test_status_change_applies_when_the_pairing_is_in_the_expected_status(ports: Ports) -> None:
    draft = pairing("m1", "e1")
    ports.pairings.put_pairings([draft])
    approved = ports.pairings.set_status(
        draft.pairing_id, PairingStatus.APPROVED, expected=PairingStatus.DRAFT
    )
    assert approved == draft.model_copy(update={"status": PairingStatus.APPROVED})
    assert ports.pairings.get_pairing(draft.pairing_id) == approved
    assert ports.pairings.pairings_for_program("reverse-2026") == [approved]


def test_status_change_is_refused_when_the_pairing_has_moved_on(ports: Ports) -> None:
    # Given a pairing another admin already rejected
    draft = pairing("m1", "e1")
    ports.pairings.put_pairings([draft])
    ports.pairings.set_status(draft.pairing_id, PairingStatus.REJECTED, expected=PairingStatus.DRAFT)
    # When approving it as if it were still a draft
    with pytest.raises(InvalidRequest, match="is rejected, not draft") as refused:
        ports.pairings.set_status(draft.pairing_id, PairingStatus.APPROVED, expected=PairingStatus.DRAFT)
    # Then the error names the field and nothing changed
    assert refused.value.field == "status"
    assert ports.pairings.get_pairing(draft.pairing_id).status is PairingStatus.REJECTED


def test_status_change_of_an_unknown_pairing_is_not_found(ports: Ports) -> None:
    with pytest.raises(NotFound, match="p-ghost"):
        ports.pairings.set_status("p-ghost", PairingStatus.APPROVED, expected=PairingStatus.DRAFT)
    assert ports.pairings.get_pairing("p-ghost") is None


def test_training_assignments_are_kept_per_pairing(ports: Ports) -> None:
    one, two = pairing("m1", "e1"), pairing("m2", "e2")
    ports.pairings.put_pairings([one, two])

    def assignment(p: Pairing, person: str, role: Role, item: str) -> TrainingAssignment:
        return TrainingAssignment(
            assignment_id=TrainingAssignment.make_id(p.pairing_id, person, item),
            pairing_id=p.pairing_id,
            employee_id=person,
            role=role,
            item_id=item,
            title=f"{item} course",
            due_date=date(2026, 12, 15),
        )

    items = [assignment(one, "m1", Role.MENTOR, f"item-{n}") for n in range(30)]
    items.append(assignment(two, "e2", Role.MENTEE, "first-meeting"))
    ports.pairings.put_assignments(items)
    assert ports.pairings.assignments_for(one.pairing_id) == sorted(items[:30], key=lambda a: a.assignment_id)
    assert ports.pairings.assignments_for(two.pairing_id) == [items[30]]
    assert ports.pairings.assignments_for("p-none") == []
    # The pairing itself is untouched by its assignments sharing its partition
    assert ports.pairings.get_pairing(one.pairing_id) == one


# --- SyncStateStore and WriteLedger ---------------------------------------------------------------


def test_watermark_is_per_source_and_comes_back_in_utc(ports: Ports) -> None:
    assert ports.sync_state.get_watermark("bamboohr") is None
    started = datetime(2026, 11, 27, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    ports.sync_state.set_watermark("bamboohr", started)
    ports.sync_state.set_watermark("workday", T0)
    mark = ports.sync_state.get_watermark("bamboohr")
    assert mark == started
    assert mark.utcoffset() == timedelta(0)
    assert ports.sync_state.get_watermark("workday") == T0


def test_ledger_remembers_the_receipt_of_each_write(ports: Ports) -> None:
    assert ports.ledger.get("pairing#p-1#mentor") is None
    receipt = WriteReceipt(external_ids=("row-17", "row-18"), created=True)
    ports.ledger.put("pairing#p-1#mentor", receipt)
    assert ports.ledger.get("pairing#p-1#mentor") == receipt
    assert ports.ledger.get("pairing#p-1#mentee") is None


# --- both implementations expose every port method, with the port's parameters ---------------------

PORTS_AND_IMPLEMENTATIONS = [
    (ports_module.EmployeeDirectory, DynamoEmployeeDirectory, InMemoryEmployeeDirectory),
    (ports_module.ProgramStore, DynamoProgramStore, InMemoryProgramStore),
    (ports_module.PairingStore, DynamoPairingStore, InMemoryPairingStore),
    (ports_module.SyncStateStore, DynamoSyncStateStore, InMemorySyncStateStore),
    (ports_module.WriteLedger, DynamoWriteLedger, InMemoryWriteLedger),
    (ports_module.EventPublisher, EventBridgePublisher, RecordingEventPublisher),
]


def _public_methods(cls: type) -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(member).parameters)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("port", "adapter", "fake"), PORTS_AND_IMPLEMENTATIONS, ids=lambda p: getattr(p, "__name__", "")
)
def test_adapter_and_fake_implement_every_port_method_with_its_parameters(
    port: type, adapter: type, fake: type
) -> None:
    wanted = _public_methods(port)
    assert wanted, f"{port.__name__} declares no methods"
    for implementation in (adapter, fake):
        offered = _public_methods(implementation)
        for name, parameters in wanted.items():
            assert offered.get(name) == parameters, f"{implementation.__name__}.{name}"
