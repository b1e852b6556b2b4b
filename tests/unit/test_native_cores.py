"""How many threads the kernels use: the CPUs the process may run on, and in a Lambda no more than
its memory setting buys CPU time for (a Lambda sees two CPUs at any size)."""

from __future__ import annotations

import pytest

from mentorship.matching import native


def test_outside_a_lambda_every_cpu_the_process_may_run_on_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a process allowed on three CPUs, not in a Lambda
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", raising=False)
    monkeypatch.setattr(native.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    # When the kernels ask how many cores to use
    # Then all three count
    assert native.cores() == 3


@pytest.mark.parametrize(
    ("memory_mb", "expected"),
    [("512", 1), ("1769", 1), ("2048", 1), ("3008", 2), ("10240", 2)],
)
def test_a_lambda_counts_only_the_cpus_its_memory_buys_time_for(
    monkeypatch: pytest.MonkeyPatch, memory_mb: str, expected: int
) -> None:
    # Given a Lambda guest that shows two CPUs, with a memory setting
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb)
    monkeypatch.setattr(native.os, "sched_getaffinity", lambda pid: {0, 1})
    # When the kernels ask how many cores to use
    # Then a share below about one and a half vCPUs counts as one, and never more than it sees
    assert native.cores() == expected
