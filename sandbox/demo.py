"""`make demo`: the whole story on the embedded local stack, with a readable summary.

Writes the summary as JSON to build/demo/summary.json as well.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from sandbox.story import REPO_ROOT, Story


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=300, help="size of the synthetic company")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "demo" / "summary.json")
    args = parser.parse_args(argv)

    # The functions' own logs are JSON for CloudWatch; the demo prints its own story instead.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    print("mentorbridge demo: BambooHR sandbox + AWS on moto, wired from template.yaml\n")
    result = Story(employees=args.employees, seed=args.seed, say=print).run()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result.as_json(), indent=2))
    rows = result.rows_written
    print(
        "\nSummary\n"
        f"  employees synced:         {result.synced}\n"
        + "".join(
            f"  {pid}: {len(p['pairings'])} pairings, {len(p['unmatched'])} unmatched\n"
            for pid, p in result.programmes.items()
        )
        + f"  new hire {result.new_hire_id}: {len(result.new_hire_pairings)} pairing(s); "
        f"webhook answers {result.webhook_status}\n"
        f"  leaver {result.leaver.get('employee_id')}: pairing {result.leaver.get('row_status_in_bamboohr')}"
        f" in BambooHR, mentee rematched: {len(result.leaver.get('rematched', []))}\n"
        f"  rows written to BambooHR: {rows}; goals: {result.goals_written}\n"
        f"  training assignments:     {result.assignments}\n"
        f"  BambooHR requests:        {result.sandbox_requests}\n"
        f"  Lambda invocations:       {dict(result.invocations)}\n"
        + "".join(f"  {name:<32}{seconds:6.2f} s\n" for name, seconds in result.timings.items())
        + f"\nSummary JSON: {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
