"""Shared fixtures for the template checks: the template as written and as SAM expands it."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sandbox.local_stack.template import load_template_document

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
SAM_PYTHON = REPO_ROOT / ".venv-sam" / "bin" / "python"

# Runs inside .venv-sam: the SAM translator pins its own pydantic, so it stays out of the project venv.
_TRANSFORM = """
import json, sys
from samtranslator.translator.transform import transform

class NoManagedPolicies:
    def load(self):
        return {}

print(json.dumps(transform(json.load(sys.stdin), {}, NoManagedPolicies())))
"""


def _ensure_sam_venv() -> None:
    """`make sam-venv` (a no-op once installed), serialised across xdist workers by a file lock."""
    with open(REPO_ROOT / ".venv-sam.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "sam-venv"], cwd=REPO_ROOT, check=True, capture_output=True)  # noqa: S607


def sam_transform(document: dict[str, Any]) -> dict[str, Any]:
    """Expand the SAM template as CloudFormation's AWS::Serverless transform would, offline."""
    _ensure_sam_venv()
    prepared = copy.deepcopy(document)
    for resource in prepared["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            # `sam package` replaces the local CodeUri with the uploaded artifact's S3 location.
            resource["Properties"]["CodeUri"] = "s3://artifacts-bucket/function.zip"
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(SAM_PYTHON), "-c", _TRANSFORM],
        input=json.dumps(prepared),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert result.returncode == 0, f"SAM transform failed:\n{result.stderr[-3000:]}"
    transformed: dict[str, Any] = json.loads(result.stdout)
    return transformed


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
