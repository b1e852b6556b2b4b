"""A function built by its Makefile target runs from its artifact alone (plus what the Lambda runtime
provides), and the webhook artifact carries no numeric stack.

The targets build for arm64/python3.12; here they are built for this machine's platform and Python,
so the artifact can be imported in an isolated interpreter that sees nothing of the project's venv.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from tests.template.conftest import REPO_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("sam-build")]

# What the python3.12 Lambda runtime already has on its path.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")

IMPORT_CHECK = """
import importlib, json, sys
artifacts, runtime, *modules = sys.argv[1:]
sys.path[:0] = [artifacts, runtime]  # what the Lambda runtime's path holds: the task root, then its own
for name in modules:
    importlib.import_module(name)
report = {"solved": solve_tiny_cohort()} if "solve_tiny_cohort" in globals() else {}
print(json.dumps(report | {
    "heavy": sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "scipy", "ortools", "pandas"}),
    "outside": sorted({
        m.split(".")[0] for m, mod in list(sys.modules.items())
        if getattr(mod, "__file__", None) and "/.venv/" in mod.__file__
    }),
}))
"""


def _build(function: str, artifacts: Path) -> None:
    machine = platform.machine()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "make",
            "-s",
            f"build-{function}",
            f"ARTIFACTS_DIR={artifacts}",
            f"LAMBDA_PLATFORMS=manylinux2014_{machine} manylinux_2_28_{machine}",
            f"LAMBDA_PYTHON={python}",
            "LAMBDA_CC=cc",  # the flow kernel for this machine, so the artifact can run here
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )


def _runtime_dir(tmp_path: Path) -> Path:
    """A stand-in for the Lambda runtime's own packages: links to boto3 & co. from this venv."""
    site_packages = Path(sysconfig.get_paths()["purelib"])
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for name in RUNTIME_PROVIDED:
        (runtime / name).symlink_to(site_packages / name)
    return runtime


def _import_from_artifact(artifacts: Path, runtime: Path, *modules: str, prelude: str = "") -> dict[str, Any]:
    """Import `modules` as the Lambda runtime would; `prelude` may define solve_tiny_cohort() to run too."""
    result = subprocess.run(  # noqa: S603 - this interpreter, isolated from the venv
        [sys.executable, "-I", "-S", "-c", prelude + IMPORT_CHECK, str(artifacts), str(runtime), *modules],
        cwd=artifacts,
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_webhook_artifact_is_self_contained_and_light(tmp_path: Path) -> None:
    # Given the webhook function built by its Makefile target
    artifacts = tmp_path / "WebhookIngestFunction"
    _build("WebhookIngestFunction", artifacts)
    # When its handler and everything it builds lazily are imported from the artifact alone
    loaded = _import_from_artifact(
        artifacts,
        _runtime_dir(tmp_path),
        "functions.webhook_ingest.handler",
        "connectors.bamboohr.webhooks",
        "infra.queues",
        "infra.secrets",
        "infra.settings",
    )
    # Then nothing came from the project's venv, and neither numpy nor scipy is in the package
    assert loaded == {"heavy": [], "outside": []}
    assert not (artifacts / "numpy").exists()
    assert not (artifacts / "scipy").exists()
    assert not (artifacts / "functions" / "matching").exists()
    assert not (artifacts / "boto3").exists()


def test_sync_worker_artifact_is_self_contained(tmp_path: Path) -> None:
    artifacts = tmp_path / "SyncWorkerFunction"
    _build("SyncWorkerFunction", artifacts)
    loaded = _import_from_artifact(
        artifacts,
        _runtime_dir(tmp_path),
        "functions.sync_worker.handler",
        "connectors.factory",
        "infra.events",
        "infra.secrets",
        "infra.dynamodb",
        "infra.settings",
        "infra.messages",
    )
    assert loaded == {"heavy": [], "outside": []}


def test_matching_artifact_solves_from_the_artifact_alone_without_scipy_or_pandas(tmp_path: Path) -> None:
    # Given the matching function built by its Makefile target (its C flow kernel compiled in)
    artifacts = tmp_path / "MatchingFunction"
    _build("MatchingFunction", artifacts)
    kernels = sorted(path.name for path in (artifacts / "mentorship").rglob("*.so"))
    # When the handler and the engine are imported from it and the kernel solves a tiny cohort
    loaded = _import_from_artifact(
        artifacts,
        _runtime_dir(tmp_path),
        "functions.matching.handler",
        "mentorship.matching",
        "mentorship.matching.solver",
        prelude=SOLVE_TINY_COHORT,
    )
    # Then everything came from the artifact, with numpy and the project's own kernels and no more;
    # the flow kernel found the optimum (mentor 0's one slot goes to mentee 1, mentee 0 takes
    # mentor 1), and the engine, scanning pairs with the scan kernel, paired the SQL learner with
    # the SQL coach
    assert kernels == ["_kernels.so"]
    assert loaded == {"heavy": ["numpy"], "outside": [], "solved": [[[1, 2], 1.5], [["1", "2"]]]}
    assert not (artifacts / "pandas").exists()
    assert not (artifacts / "ortools").exists()


SOLVE_TINY_COHORT = """
def solve_tiny_cohort():
    import numpy as np
    from mentorship.matching.solver import solve
    # mentee 0 likes mentor 0 (0.8) and mentor 1 (0.6); mentee 1 likes mentor 0 (0.9); one slot each
    solution = solve(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([0.8, 0.6, 0.9]),
                     np.array([1, 1]), np.zeros((2, 1)))
    chosen = np.flatnonzero(solution.chosen).tolist()
    from datetime import date
    from mentorship.matching import match_programme
    from mentorship.models import CoachableSkill, Employee, LearningWish, Program, ProgramKind
    coach = Employee(employee_id="1", display_name="Ada Coach", mentor_opt_in=True, mentor_capacity=1,
                     coach_skills=(CoachableSkill(name="SQL", proficiency=5),))
    learner = Employee(employee_id="2", display_name="Bo Learner", mentee_opt_in=True,
                       learn_skills=(LearningWish(name="sql", priority=3),))
    programme = Program(program_id="p", name="P", kind=ProgramKind.SKILLS)
    outcome = match_programme(programme, [coach, learner], today=date(2026, 11, 27))
    pairs = [[pair.mentor_id, pair.mentee_id] for pair in outcome.pairs]
    return [[chosen, round(solution.objective, 9)], pairs]
"""
