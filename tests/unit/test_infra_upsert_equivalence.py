"""Property: for any sequence of upserts, the DynamoDB directory and the fake answer and end up alike.

The conditional expression and the fake's Python rules are two encodings of one policy (new → store,
same facts → no change but advance the timestamp, older → refuse); hypothesis searches for a
sequence where they disagree.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from infra.dynamodb import DynamoEmployeeDirectory
from infra.dynamodb.schema import create_table
from mentorship.fakes import InMemoryEmployeeDirectory
from mentorship.models import Employee

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

# Few values per field, so sequences often repeat facts and timestamps: the interesting cases.
upserts = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.sampled_from([1, 2]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=3).map(lambda h: T0 + timedelta(hours=h))),
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture(scope="module")
def dynamo_table() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            patch.setenv(name, "testing")
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client, "t")
        yield client


examples = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=upserts, batched=st.booleans())
def test_adapter_and_fake_agree_on_every_upsert_sequence(
    dynamo_table: Any, sequence: list[tuple[str, int, datetime | None]], batched: bool
) -> None:
    # Given a fresh key space in the shared table (ids are unique per example) and a fresh fake
    prefix = f"x{next(examples)}-"
    adapter, fake = DynamoEmployeeDirectory("t", dynamo_table), InMemoryEmployeeDirectory()
    records = [
        Employee(employee_id=prefix + who, level=level, source_updated_at=at) for who, level, at in sequence
    ]
    # When the same sequence is upserted into both (one by one, or as one batch)
    if batched:
        answers = (adapter.upsert_many(records), fake.upsert_many(records))
    else:
        answers = ([adapter.upsert(r) for r in records], [fake.upsert(r) for r in records])
    # Then every answer and the final state agree
    assert answers[0] == answers[1]
    for who in ("a", "b"):
        assert adapter.get(prefix + who) == fake.get(prefix + who)
