"""Each function ships only what it needs: pinned requirements that match what the tests run, the
numeric stack in the matching function only, and a webhook cold-start path that never loads it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from typing import Any

import pytest

from tests.template.conftest import REPO_ROOT, functions_of

HEAVY_MODULES = ("numpy", "scipy", "ortools")
_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(\[[^\]]+\])?==(?P<version>\S+)$")


def _requirements(function_dir: str) -> dict[str, str]:
    """Pins from the function's requirements.txt."""
    lines = (REPO_ROOT / "functions" / function_dir / "requirements.txt").read_text(encoding="utf-8")
    pins: dict[str, str] = {}
    for line in lines.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _REQUIREMENT.match(line)
        assert match is not None, f"functions/{function_dir}/requirements.txt: {line!r} is not an exact pin"
        pins[match["name"].lower()] = match["version"]
    return pins


def _build_recipe(function: str) -> str:
    """What `make build-<function>` would run (`make -n` prints the recipe without running it)."""
    result = subprocess.run(  # noqa: S603
        ["make", "-n", f"build-{function}", "ARTIFACTS_DIR=/nonexistent/artifacts"],  # noqa: S607
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _function_dirs(template_document: dict[str, Any]) -> dict[str, str]:
    return {
        logical_id: resource["Properties"]["Handler"].split("/")[1]
        for logical_id, resource in functions_of(template_document).items()
    }


def test_every_function_pins_requirements_to_the_versions_under_test(
    template_document: dict[str, Any],
) -> None:
    # Given each function's requirements.txt
    mismatches = {}
    for function_dir in _function_dirs(template_document).values():
        for name, pinned in _requirements(function_dir).items():
            # When compared with what this test run has installed
            installed = version(name)
            if installed != pinned:
                mismatches[f"{function_dir}/{name}"] = (pinned, installed)
    # Then what ships is what was tested
    assert mismatches == {}


def test_only_the_matching_function_ships_the_numeric_stack(template_document: dict[str, Any]) -> None:
    shipping_heavy = {
        function
        for function, function_dir in _function_dirs(template_document).items()
        if set(_requirements(function_dir)) & set(HEAVY_MODULES)
    }
    assert shipping_heavy == {"MatchingFunction"}
    # what the engine imports, and not scipy, which only the benchmark's reference solver uses
    assert set(_requirements("matching")) & set(HEAVY_MODULES) == {"numpy"}


def test_webhook_requirements_stay_light() -> None:
    assert set(_requirements("webhook_ingest")) == {"aws-lambda-powertools", "pydantic"}


@pytest.mark.parametrize("function", ["WebhookIngestFunction", "MatchingFunction"])
def test_every_function_has_a_build_target(function: str) -> None:
    # `make -n` prints the recipe without running it: the target exists and copies the function.
    assert "requirements.txt" in _build_recipe(function)


def test_all_functions_have_build_targets(template_document: dict[str, Any]) -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    missing = [f for f in functions_of(template_document) if f"\nbuild-{f}:" not in makefile]
    assert missing == []


def test_webhook_build_does_not_copy_the_matching_code_or_numeric_stack() -> None:
    recipe = _build_recipe("WebhookIngestFunction")
    assert "functions/webhook_ingest" in recipe
    assert "functions/matching" not in recipe
    assert "functions/webhook_ingest/requirements.txt" in recipe


_SERVE_ONE_WEBHOOK = """
import json, sys, urllib.error, urllib.request
from sandbox.local_stack import LocalStack
with LocalStack("template.yaml") as stack:
    stack.put_secret("WebhookSigningSecret", {"private_key": "not-the-real-key"})
    request = urllib.request.Request(
        stack.api_url + "/webhooks/bamboohr",
        data=b'{"type": "employee.updated", "data": {"employeeId": "42"}}',
        headers={"Content-Type": "application/json", "X-BambooHR-Signature": "0" * 64,
                 "X-BambooHR-Timestamp": "1700000000"},
        method="POST",
    )
    try:
        status = urllib.request.urlopen(request, timeout=30).status
    except urllib.error.HTTPError as error:
        status = error.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "scipy"))
print(json.dumps({"status": status, "loaded": loaded}))
"""


@pytest.mark.integration
def test_serving_a_webhook_through_the_stack_never_loads_numpy_or_scipy() -> None:
    # Given a fresh interpreter running the real template's webhook route (lazy imports included)
    result = subprocess.run(  # noqa: S603 - this interpreter, our script
        [sys.executable, "-c", _SERVE_ONE_WEBHOOK],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # When a badly signed webhook has been answered
    # Then it was refused as unauthenticated, and the numeric stack never came into the process
    assert outcome["status"] == 401
    assert outcome["loaded"] == []


def test_importing_the_webhook_handler_alone_loads_neither() -> None:
    code = (
        "import sys, json, functions.webhook_ingest.handler;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'scipy'))))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our script
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []


def test_matching_build_cross_compiles_the_kernels_for_the_lambda_architecture(
    template_document: dict[str, Any],
) -> None:
    # Given functions that run on arm64 and the matching build target with its default compiler
    assert template_document["Globals"]["Function"]["Architectures"] == ["arm64"]
    recipe = _build_recipe("MatchingFunction")
    # Then it drops any kernel built for this machine and compiles every C kernel for arm64 Linux
    assert "-name '*.so' -delete" in recipe
    assert "ziglang cc -target aarch64-linux-gnu" in recipe
    sources = sorted(
        path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "mentorship/matching").glob("*.c")
    )
    assert " ".join(sources) in " ".join(recipe.split())
    assert recipe.index("-delete") < recipe.index("augmenting_paths.c")
