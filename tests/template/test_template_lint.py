"""The template passes cfn-lint as written and after SAM's transform (where policies and event
sources become real CloudFormation that cfn-lint can check resource by resource)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint_file

from tests.template.conftest import TEMPLATE_PATH, sam_transform

_REGIONS = ["us-east-1", "eu-west-1"]


def _errors_and_warnings(path: Path) -> list[str]:
    matches = lint_file(path, config=ManualArgs(regions=_REGIONS))
    return [str(match) for match in matches if match.rule.id[0] in ("E", "W")]


def test_template_as_written_passes_cfn_lint() -> None:
    # Given the SAM template / When cfn-lint checks it
    problems = _errors_and_warnings(TEMPLATE_PATH)
    # Then there is nothing to fix
    assert problems == []


def test_template_after_sam_transform_passes_cfn_lint(transformed_template_path: Path) -> None:
    # Given the CloudFormation that SAM generates (roles, rules, event source mappings, API routes)
    # When cfn-lint checks it
    problems = _errors_and_warnings(transformed_template_path)
    # Then it is valid CloudFormation, including every generated policy's references
    assert problems == []


def test_lint_catches_a_broken_reference(template_document: dict[str, Any], tmp_path: Path) -> None:
    # Given a copy of the template whose webhook policy names a queue that does not exist
    import copy
    import json

    broken = copy.deepcopy(template_document)
    policies = broken["Resources"]["WebhookIngestFunction"]["Properties"]["Policies"]
    policies[0]["SQSSendMessagePolicy"]["QueueName"] = {"Fn::GetAtt": ["NoSuchQueue", "QueueName"]}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(sam_transform(broken)), encoding="utf-8")
    # When the transformed copy is linted
    problems = _errors_and_warnings(path)
    # Then the dangling reference is reported (the checks above are not vacuous)
    assert any("NoSuchQueue" in problem for problem in problems)
