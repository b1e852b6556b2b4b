"""The local stack evaluates template intrinsics the way CloudFormation does."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.local_stack.intrinsics import IntrinsicResolver, references_of
from sandbox.local_stack.template import TemplateError, merge_globals

PHYSICAL = {"Queue": "https://queue.example/q", "Table": "local-Table"}
ATTRIBUTES = {("Queue", "Arn"): "arn:aws:sqs:us-east-1:123456789012:q", ("Queue", "QueueName"): "q"}


def _resolver(**parameters: str) -> IntrinsicResolver:
    def get_att(resource: str, attribute: str) -> str:
        return ATTRIBUTES[(resource, attribute)]

    return IntrinsicResolver(
        parameters={"Stage": "prod", "Topic": "", **parameters},
        pseudo_parameters={"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"},
        conditions={
            "HasTopic": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Topic"}, ""]}]},
            "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        },
        ref=lambda name: PHYSICAL[name],
        get_att=get_att,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Table"}, "local-Table"),
        ({"Ref": "Stage"}, "prod"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:us-east-1:123456789012:q"),
        ({"Fn::Sub": "${AWS::Region}/${Table}/${Queue.QueueName}"}, "us-east-1/local-Table/q"),
        ({"Fn::Sub": ["${name}-x", {"name": {"Ref": "Stage"}}]}, "prod-x"),
        ({"Fn::Sub": "literal ${!NotAVariable}"}, "literal ${NotAVariable}"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}, "a-prod"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "b"),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),
    ],
)
def test_intrinsic_resolves_like_cloudformation(value: Any, expected: Any) -> None:
    assert _resolver().resolve(value) == expected


def test_no_value_removes_the_property_and_list_entry() -> None:
    resolved = _resolver().resolve(
        {
            "AlarmActions": {"Fn::If": ["HasTopic", [{"Ref": "Topic"}], {"Ref": "AWS::NoValue"}]},
            "Keep": [1, {"Ref": "AWS::NoValue"}, 2],
        }
    )
    assert resolved == {"Keep": [1, 2]}


def test_condition_follows_the_parameter_value() -> None:
    assert _resolver(Topic="arn:aws:sns:us-east-1:123456789012:t").condition("HasTopic") is True
    assert _resolver().condition("HasTopic") is False


def test_unknown_condition_is_an_error_naming_it() -> None:
    with pytest.raises(TemplateError, match="Missing"):
        _resolver().condition("Missing")


def test_references_follow_ref_getatt_and_sub_but_not_pseudo_or_local_variables() -> None:
    value = {
        "A": {"Ref": "Table"},
        "B": {"Fn::GetAtt": ["Queue", "Arn"]},
        "C": {"Fn::Sub": ["${AWS::Region}:${local}:${Bus}", {"local": {"Ref": "Secret"}}]},
        "D": {"Ref": "AWS::AccountId"},
    }
    assert references_of(value) == {"Table", "Queue", "Bus", "Secret"}


def test_globals_merge_like_sam_maps_merge_lists_append_scalars_override() -> None:
    merged = merge_globals(
        {"Timeout": 30, "Environment": {"Variables": {"A": "1", "B": "2"}}, "Layers": ["g"]},
        {"Timeout": 10, "Environment": {"Variables": {"B": "3"}}, "Layers": ["f"]},
    )
    assert merged == {"Timeout": 10, "Environment": {"Variables": {"A": "1", "B": "3"}}, "Layers": ["g", "f"]}
