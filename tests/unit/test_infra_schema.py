"""The table the adapters are tested on is the table the template deploys, and key prefixes never collide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.dynamodb import keys
from infra.dynamodb.schema import GSI1, TTL_ATTRIBUTE, create_table_request
from sandbox.local_stack.template import load_template_document

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def deployed_table() -> dict[str, Any]:
    table = load_template_document(TEMPLATE)["Resources"]["MentorbridgeTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    return dict(table["Properties"])


def test_test_table_has_the_keys_index_and_billing_of_the_deployed_table() -> None:
    deployed, ours = deployed_table(), create_table_request("any")
    assert ours["BillingMode"] == deployed["BillingMode"]
    assert sorted(ours["AttributeDefinitions"], key=str) == sorted(deployed["AttributeDefinitions"], key=str)
    assert ours["KeySchema"] == deployed["KeySchema"]
    assert ours["GlobalSecondaryIndexes"] == deployed["GlobalSecondaryIndexes"]
    assert [index["IndexName"] for index in deployed["GlobalSecondaryIndexes"]] == [GSI1]


def test_ttl_attribute_is_the_one_the_template_enables() -> None:
    assert deployed_table()["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}


def test_every_item_type_has_its_own_key_space_apart_from_idempotency_records() -> None:
    # Given one key of every item type, built from the same awkward id
    same = "x#1"
    built = {
        "employee": keys.employee(same),
        "program": keys.program(same),
        "run": keys.run(same),
        "run pointer": keys.run_program_pointer(same),
        "pairing": keys.pairing(same),
        "person edge": keys.person_pairing_edge(same, same),
        "assignment": keys.assignment(same, same),
        "watermark": keys.watermark(same),
        "ledger": keys.ledger(same),
    }
    # Then no two share a key, and none lives where Powertools keeps idempotency records
    assert len({(k["pk"], k["sk"]) for k in built.values()}) == len(built)
    assert not any(k["pk"].startswith("idempotency#") for k in built.values())


def test_employees_spread_evenly_over_the_shards() -> None:
    counts = [0] * keys.EMPLOYEE_SHARDS
    for number in range(16_000):
        counts[keys.employee_shard(str(100 + number))] += 1
    # ~1,000 each; a skewed hash would put one partition at the write ceiling first
    assert min(counts) > 850
    assert max(counts) < 1_150
