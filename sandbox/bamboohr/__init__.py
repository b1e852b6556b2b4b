"""A BambooHR sandbox: the documented public API over loopback HTTP, backed by an in-memory account.

    account = SandboxAccount.from_workforce(generate_workforce(WorkforceSpec(employees=300, seed=7)))
    with BambooHRSandbox(account) as sandbox:
        sandbox.base_url, sandbox.api_key, sandbox.faults, sandbox.request_log, sandbox.clock

Responses follow BambooHR's OpenAPI description; `sandbox.bamboohr.contract` validates any
request or response against it.
"""

from sandbox.bamboohr.account import SandboxAccount, SandboxClock
from sandbox.bamboohr.faults import FaultPlan, RateLimiter
from sandbox.bamboohr.server import BambooHRSandbox, RecordedRequest

__all__ = ["BambooHRSandbox", "FaultPlan", "RateLimiter", "RecordedRequest", "SandboxAccount", "SandboxClock"]
