"""Runs a function's handler in-process the way the Lambda runtime would: its env, its context.

One invocation at a time (a process-wide lock), because the function's environment is applied to
os.environ for the duration of the call, exactly as a Lambda sandbox sees it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_invocation_lock = threading.RLock()


@dataclass
class LocalLambdaContext:
    """The attributes of the Lambda context object that Powertools and handlers read."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"local/[$LATEST]{uuid.uuid4().hex}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class InvocationFailure:
    """A handler raised (or reported failed records): what, where, and the traceback."""

    function: str
    source: str
    error_type: str
    message: str
    traceback: str = ""
    record_ids: tuple[str, ...] = ()


@contextmanager
def applied_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set variables in os.environ and restore the previous values afterwards."""
    previous = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class FunctionRuntime:
    """One template function: resolved environment, handler import and invocation."""

    def __init__(
        self,
        *,
        logical_id: str,
        function_name: str,
        function_arn: str,
        handler: str,
        environment: Mapping[str, str],
        timeout_seconds: int,
        memory_mb: int,
        region: str,
        code_root: Path,
    ) -> None:
        self.logical_id = logical_id
        self.function_name = function_name
        self.function_arn = function_arn
        self.handler = handler
        self.environment = dict(environment)
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self._region = region
        self._code_root = code_root
        self._callable: Callable[[Any, Any], Any] | None = None
        self._imported_module: str | None = None

    def runtime_environment(self) -> dict[str, str]:
        """What the Lambda runtime sets, plus the function's own Environment (Globals merged)."""
        return {
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_REGION": self._region,
            "AWS_DEFAULT_REGION": self._region,
            "_HANDLER": self.handler,
            # Like `sam local`: tells Powertools there is no X-Ray daemon to send traces to.
            "AWS_SAM_LOCAL": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
            **self.environment,
        }

    def invoke(self, event: Any) -> Any:
        """Call the handler with `event` and a fresh context; exceptions propagate to the caller."""
        with _invocation_lock, applied_environment(self.runtime_environment()):
            handler = self._load()
            context = LocalLambdaContext(
                function_name=self.function_name,
                memory_limit_in_mb=self.memory_mb,
                invoked_function_arn=self.function_arn,
                timeout_seconds=self.timeout_seconds,
            )
            return handler(event, context)

    def _load(self) -> Callable[[Any, Any], Any]:
        if self._callable is None:
            module_path, _, attribute = self.handler.rpartition(".")
            if not module_path:
                raise ValueError(f"{self.logical_id}: Handler {self.handler!r} is not module.function")
            root = str(self._code_root)
            if root not in sys.path:
                sys.path.insert(0, root)
            # The Lambda runtime accepts "dir/module.function" and imports it as "dir.module".
            module_name = module_path.replace("/", ".")
            newly_imported = module_name not in sys.modules
            module = importlib.import_module(module_name)
            if newly_imported:
                self._imported_module = module_name
            handler = getattr(module, attribute, None)
            if not callable(handler):
                raise ValueError(
                    f"{self.logical_id}: {self.handler!r} is not a callable in {module.__name__}"
                )
            self._callable = handler
        return self._callable

    def unload(self) -> None:
        """Forget the handler module this runtime imported, so the next stack gets a cold start.

        Handlers cache what they build from the environment (clients, secrets, sandbox URLs); a
        module imported by someone else (a test) is theirs and stays.
        """
        if self._imported_module is not None:
            sys.modules.pop(self._imported_module, None)
        self._imported_module, self._callable = None, None


def failure_from_exception(
    function: str, source: str, error: BaseException, records: tuple[str, ...] = ()
) -> InvocationFailure:
    return InvocationFailure(
        function=function,
        source=source,
        error_type=type(error).__name__,
        message=str(error),
        traceback="".join(traceback.format_exception(error)),
        record_ids=records,
    )
