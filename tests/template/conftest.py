"""Shared fixtures for the template checks: the template as written and as SAM expands it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.local_stack.template import load_template_document

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"


class _NoManagedPolicies:
    """The SAM translator only asks for managed policies named without an ARN; we use none."""

    def load(self) -> dict[str, str]:
        return {}


def sam_transform(document: dict[str, Any]) -> dict[str, Any]:
    """Expand the SAM template as CloudFormation's AWS::Serverless transform would, offline."""
    from samtranslator.translator.transform import transform

    prepared = copy.deepcopy(document)
    for resource in prepared["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            # `sam package` replaces the local CodeUri with the uploaded artifact's S3 location.
            resource["Properties"]["CodeUri"] = "s3://artifacts-bucket/function.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        return dict(transform(prepared, {}, _NoManagedPolicies()))


@pytest.fixture(scope="session")
def template_document() -> dict[str, Any]:
    return load_template_document(TEMPLATE_PATH)


@pytest.fixture(scope="session")
def transformed_template(template_document: dict[str, Any]) -> dict[str, Any]:
    return sam_transform(template_document)


@pytest.fixture(scope="session")
def transformed_template_path(
    transformed_template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("sam") / "transformed.json"
    path.write_text(json.dumps(transformed_template), encoding="utf-8")
    return path


def functions_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in document["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
