"""The engine's compiled kernels (mentorship/matching/*.c), one library loaded with ctypes.

Plain C with no Python API: one build serves every Python version, and the Lambda build
cross-compiles the same files for arm64. ctypes releases the GIL during a call, so the pair scan
runs one call per core from a thread pool.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

KERNELS_MODULE = "mentorship.matching._kernels"
"""Built by `pip install` (setuptools) and by the Lambda build (the Makefile)."""


@cache
def kernels() -> ctypes.CDLL:
    """The loaded library; signatures are declared by the modules that call it."""
    spec = importlib.util.find_spec(KERNELS_MODULE)
    if spec is None or spec.origin is None:
        raise ImportError(
            f"{KERNELS_MODULE} is not built: run `pip install -e .` (or `make`) to compile the C kernels"
        )
    return ctypes.CDLL(spec.origin)


def c_fields(kind: Any, names: str) -> list[tuple[str, Any]]:
    """A ctypes Structure's `_fields_` entries: each of the space-separated `names` as `kind`."""
    return [(name, kind) for name in names.split()]


LAMBDA_MB_PER_VCPU = 1769
"""A Lambda function gets one vCPU of CPU time per 1,769 MB of memory (AWS's figure)."""


def cores() -> int:
    """CPUs worth a thread each: those this process may run on, and in a Lambda no more than its
    memory setting buys CPU time for. A Lambda sees two CPUs even at 512 MB, where the share is
    enforced outside the guest: two threads there only take turns (and a lookahead thread's
    waits would spend the share), so below about 1.5 vCPUs' worth it counts one."""
    visible = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    memory = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
    if memory.isdigit():
        return max(1, min(visible, round(int(memory) / LAMBDA_MB_PER_VCPU)))
    return visible


@cache
def workers() -> ThreadPoolExecutor:
    """One thread per core for kernel calls, kept for the life of the process (warm Lambdas too)."""
    return ThreadPoolExecutor(max_workers=cores(), thread_name_prefix="kernel")


def on_cores(kernel: Callable[..., Any], calls: Iterable[Sequence[Any]]) -> list[Any]:
    """Run `kernel` once per argument list on the kernel threads (ctypes lets the GIL go) and
    return the results in order, after every call has ended: calls may write into one another's
    output arrays, so none is judged before all are done."""
    running = [workers().submit(kernel, *arguments) for arguments in calls]
    return [call.result() for call in running]
