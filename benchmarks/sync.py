"""Sync benchmark: a full and an incremental sync against the HRIS sandbox over loopback HTTP.

    python -m benchmarks.sync --hris bamboohr --employees 10000
    python -m benchmarks.sync --hris bamboohr --smoke          # CI size

Progress goes to stderr; the last stdout line is one JSON object with at least `requests_full`,
`requests_incremental`, `seconds_full` and `employees`. The target for BambooHR is a full sync of
10,000 employees in at most 10 HTTP requests (counted by the sandbox, not by the client), which
holds because reads are whole-account (custom report, `employees/all/tables/...`), never per person.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

FULL_SYNC_REQUEST_TARGET = 10


def run_bamboohr(employees: int, seed: int, changed_fraction: float) -> dict[str, Any]:
    """Full sync, a burst of admin edits, then an incremental sync; figures as a dict."""
    from connectors.bamboohr.connector import BambooHRConnector
    from connectors.bamboohr.settings import BambooHRSettings
    from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
    from sandbox.workforce import WorkforceSpec, generate_workforce

    _progress(f"generating {employees} employees")
    workforce = generate_workforce(WorkforceSpec(employees=employees, seed=seed))
    account = SandboxAccount.from_workforce(workforce, company_domain="bench", api_key="bench-key")
    with BambooHRSandbox(account) as sandbox:
        settings = BambooHRSettings(
            company_domain="bench", api_key=sandbox.api_key, base_url=sandbox.base_url
        )
        with BambooHRConnector(settings, clock=sandbox.clock.now) as connector:
            _progress("full sync")
            started = time.perf_counter()
            synced = sum(1 for _ in connector.read_all())
            seconds_full = time.perf_counter() - started
            requests_full = len(sandbox.request_log)

            watermark = sandbox.clock.now()
            sandbox.clock.advance(timedelta(minutes=1))
            active = [e.employee_id for e in workforce if e.is_active and e.manager_id]
            edits = max(1, int(len(active) * changed_fraction))
            _progress(f"{edits} admin edits, {max(1, edits // 10)} leavers")
            for employee_id in active[:edits]:
                account.update(employee_id, customJobLevel="5")
            for employee_id in active[edits : edits + max(1, edits // 10)]:
                account.terminate(employee_id, date(2026, 11, 27))

            _progress("incremental sync")
            before = len(sandbox.request_log)
            started = time.perf_counter()
            changes = connector.read_changes(watermark)
            seconds_incremental = time.perf_counter() - started
            requests_incremental = len(sandbox.request_log) - before
    return {
        "hris": "bamboohr",
        "employees": synced,
        "requests_full": requests_full,
        "seconds_full": round(seconds_full, 3),
        "requests_incremental": requests_incremental,
        "seconds_incremental": round(seconds_incremental, 3),
        "changed_incremental": len(changes.employees) + len(changes.deleted_ids),
        "target_requests_full": FULL_SYNC_REQUEST_TARGET,
        # The usual integration: the directory, then one GET per employee (plus per-table reads).
        "baseline_requests_full_per_employee": 1 + synced,
        "baseline_requests_incremental_per_employee": 1 + len(changes.employees) + len(changes.deleted_ids),
        "meets_target": requests_full <= FULL_SYNC_REQUEST_TARGET,
    }


def side_by_side(result: dict[str, Any]) -> str:
    """The measured figures beside the target and the one-request-per-employee baseline."""
    rows = [
        ("requests, full sync", result["requests_full"], f"<= {result['target_requests_full']}",
         result["baseline_requests_full_per_employee"]),
        ("requests, incremental", result["requests_incremental"], "-",
         result["baseline_requests_incremental_per_employee"]),
        ("seconds, full sync", result["seconds_full"], "-", "-"),
    ]  # fmt: skip
    lines = [f"{'':<24}{'measured':>10}{'target':>10}{'per-employee baseline':>24}"]
    lines += [
        f"{name:<24}{measured!s:>10}{target:>10}{baseline!s:>24}" for name, measured, target, baseline in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync", description=__doc__.splitlines()[0])
    parser.add_argument("--hris", choices=("bamboohr",), default="bamboohr")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--changed-fraction", type=float, default=0.01, help="share edited before the pull")
    parser.add_argument("--smoke", action="store_true", help="CI size: 500 employees")
    args = parser.parse_args(argv)
    if args.employees < 2:
        parser.error("--employees must be at least 2")
    employees = 500 if args.smoke else args.employees
    result = run_bamboohr(employees, args.seed, args.changed_fraction)
    print(side_by_side(result), file=sys.stderr, flush=True)
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0 if result["meets_target"] else 1


def _progress(message: str) -> None:
    print(f"[benchmarks.sync] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
