"""The product's story, end to end, on the embedded local stack.

BambooHR sandbox over loopback HTTP + AWS on moto's server, wired from template.yaml:
connect → full sync → two programmes (reverse, skills) → match → review → write-back → a new hire's
signed webhook → synced, matched and written back. `make demo` prints it; the integration tests
assert on the same `StoryResult`.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorship.models import CoachableSkill, Employee, LearningWish
from sandbox.admin_client import AdminClient
from sandbox.bamboohr import BambooHRSandbox, SandboxAccount
from sandbox.local_stack import LocalStack
from sandbox.workforce import WorkforceSpec, generate_workforce

REPO_ROOT = Path(__file__).resolve().parent.parent
MENTORSHIP_TABLE = "customMentorships"
ASSIGNMENT_TABLE = "customTrainingAssignments"

REVERSE_PROGRAM: dict[str, Any] = {
    "program_id": "reverse-digital",
    "name": "Reverse mentoring: digital fluency for leaders",
    "kind": "reverse",
    "min_level_gap": 2,
    "mentor_pool": {"max_level": 5},
    "mentee_pool": {"min_level": 6},
    "focus_skills": [
        "Short-video strategy",
        "Creator communities",
        "Generative AI tools",
        "Social media analytics",
    ],
    "default_capacity": 1,
}

SKILLS_PROGRAM: dict[str, Any] = {
    "program_id": "skills-first-year",
    "name": "Skills exchange for people in their first year",
    "kind": "skills",
    "mentee_pool": {"hired_within_days": 365},
    "default_capacity": 2,
    "auto_approve": True,
    "auto_enrol_new_hires": True,
}

NEW_HIRE = Employee(
    employee_id="pending",
    display_name="Dana Rivera",
    work_email="dana.rivera@example.com",
    job_title="Brand Marketing Associate",
    level=2,
    department="Marketing",
    location="Berlin",
    time_zone="Europe/Berlin",
    languages=("en", "de"),
    learn_skills=(
        LearningWish(name="Short-video strategy", priority=5),
        LearningWish(name="Data storytelling", priority=3),
    ),
    coach_skills=(CoachableSkill(name="Podcast production", proficiency=4),),
    mentee_opt_in=True,
)


@dataclass
class StoryResult:
    employees: int = 0
    synced: int = 0
    programmes: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_hire_id: str = ""
    new_hire_pairings: list[dict[str, Any]] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    goals_written: int = 0
    assignments: int = 0
    webhook_status: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    sandbox_requests: int = 0
    invocations: Counter[str] = field(default_factory=Counter)
    new_hire_invocations: Counter[str] = field(default_factory=Counter)
    leaver: dict[str, Any] = field(default_factory=dict)
    final_pairings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "employees": self.employees,
            "synced": self.synced,
            "programmes": self.programmes,
            "new_hire": {"employee_id": self.new_hire_id, "pairings": self.new_hire_pairings},
            "leaver": self.leaver,
            "assignments": self.assignments,
            "rows_written_to_sandbox": self.rows_written,
            "goals_written_to_sandbox": self.goals_written,
            "webhook_status_codes": self.webhook_status,
            "sandbox_requests": self.sandbox_requests,
            "lambda_invocations": dict(self.invocations),
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }


Say = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class Story:
    def __init__(self, *, employees: int = 300, seed: int = 7, say: Say = _quiet) -> None:
        self.spec = WorkforceSpec(employees=employees, seed=seed)
        self.say = say
        self.result = StoryResult(employees=employees)
        self.workforce = generate_workforce(self.spec)
        self.account = SandboxAccount.from_workforce(
            self.workforce, company_domain="acme", api_key="sandbox-demo-key"
        )

    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.result.timings[name] = time.perf_counter() - start

    def run(self) -> StoryResult:
        started = time.perf_counter()
        stack = LocalStack(
            template_path=str(REPO_ROOT / "template.yaml"),
            parameters={"HrisProvider": "bamboohr", "LogLevel": "WARNING"},
        )
        with ExitStack() as running:
            with self._timed("start_stack"):
                sandbox = BambooHRSandbox(self.account).start()
                running.callback(sandbox.stop)
                stack.start()
                running.callback(stack.stop)
            self.say(f"BambooHR sandbox on {sandbox.base_url} holding {len(self.workforce)} employees")
            self.say(f"AWS on moto, resources created from template.yaml; HTTP API on {stack.api_url}")
            admin = AdminClient(stack.api_url)
            try:
                self._story(sandbox, stack, admin)
            finally:
                admin.close()
            self.result.sandbox_requests = len(sandbox.request_log)
        self.result.timings["total"] = time.perf_counter() - started
        return self.result

    def _drain(self, stack: LocalStack) -> Counter[str]:
        """Run every queue and rule until idle; the invocations it took, by function."""
        report = stack.drain(timeout=120)
        self.result.invocations.update(report.invocations)
        if report.failures:
            summary = "; ".join(f"{f.function}: {f.error_type}: {f.message}" for f in report.failures[:3])
            raise RuntimeError(f"{len(report.failures)} function invocation(s) failed: {summary}")
        return Counter(report.invocations)

    def _story(self, sandbox: BambooHRSandbox, stack: LocalStack, admin: AdminClient) -> None:
        from infra.secrets import put_secret_json

        secret_arn = stack.physical_id("HrisCredentialsSecret")
        webhook_secret_arn = stack.physical_id("WebhookSigningSecret")
        put_secret_json(
            secret_arn,
            {
                "provider": "bamboohr",
                "company_domain": "acme",
                "api_key": sandbox.api_key,
                "base_url": sandbox.base_url,
                # mentees' performance goals feed the goal-overlap score (one request per mentee)
                "read_mentee_goals": True,
            },
        )
        with self._timed("connect"):
            registered = self._register_webhook(secret_arn, webhook_secret_arn)
        self.say(
            f"Connected: permissioned webhook {registered['webhook_id']} monitoring "
            f"{len(registered['monitored_fields'])} fields; its private key is in Secrets Manager"
        )
        goals_before = self._goal_count(sandbox)

        with self._timed("full_sync"):
            admin.request_sync("full")
            self._drain(stack)
        self.result.synced = self._count_employees(stack)
        self.say(f"Full sync: {self.result.synced} employees in DynamoDB")

        for program in (REVERSE_PROGRAM, SKILLS_PROGRAM):
            admin.put_program(program)
            with self._timed(f"match_{program['program_id']}"):
                run = admin.start_run(program["program_id"])
                self._drain(stack)
            outcome = admin.get_run(run["run_id"])
            self._print_run(program, outcome)
            decided: dict[str, Any] = {}
            if not program.get("auto_approve"):
                drafts = [p["pairing_id"] for p in outcome["pairings"]]
                decisions = (
                    {"approve": drafts[1:], "reject": drafts[:1]}
                    if len(drafts) > 1
                    else {"approve_all": True}
                )
                decided = admin.decide(run["run_id"], decisions)
                self.say(
                    f"  reviewed: {len(decided['approved'])} approved, {len(decided['rejected'])} rejected"
                )
            with self._timed(f"write_back_{program['program_id']}"):
                self._drain(stack)
            self.result.programmes[program["program_id"]] = {
                "run_id": run["run_id"],
                "kind": program["kind"],
                "pairings": outcome["pairings"],
                "unmatched": outcome["unmatched"],
                "objective": outcome["objective"],
                "dual_bound": outcome["dual_bound"],
                "rejected": decided.get("rejected", []),
            }

        with self._timed("new_hire"):
            self._new_hire(sandbox, stack, str(registered["webhook_id"]))
        with self._timed("leaver"):
            self._leaver(sandbox, stack, str(registered["webhook_id"]))
        self.result.final_pairings = self._all_pairings(stack)
        self._count_rows(sandbox)
        self.result.goals_written = self._goal_count(sandbox) - goals_before

    @staticmethod
    def _register_webhook(secret_arn: str, webhook_secret_arn: str) -> dict[str, Any]:
        """The admin's own command, `mentorbridge bamboohr register-webhook`, run in-process.

        BambooHR only delivers to https URLs: on a deployed stack this is the `WebhookUrl` output; here
        the demo delivers the signed webhooks itself, to the local HTTP API.
        """
        from mentorbridge_cli.main import build_parser

        out = io.StringIO()
        args = build_parser().parse_args(
            [
                "bamboohr",
                "register-webhook",
                "--secret-id",
                secret_arn,
                "--webhook-secret-id",
                webhook_secret_arn,
                "--url",
                "https://abc123.execute-api.us-east-1.amazonaws.com/webhooks/bamboohr",
            ]
        )
        args.handler(args, out=out)
        registered: dict[str, Any] = json.loads(out.getvalue())
        return registered

    @staticmethod
    def _goal_count(sandbox: BambooHRSandbox) -> int:
        return sum(len(goals) for goals in sandbox.account.goals.values())

    def _new_hire(self, sandbox: BambooHRSandbox, stack: LocalStack, webhook_id: str) -> None:
        hire = NEW_HIRE.model_copy(update={"hire_date": sandbox.clock.today()})
        employee_id = sandbox.account.hire(hire)
        self.result.new_hire_id = employee_id
        self.say(
            f"New hire {employee_id} added in BambooHR; it signs and sends employee.created, then .updated"
        )
        # Deployed, BambooHR posts to the stack's https WebhookUrl; here to the local HTTP API.
        receiver = f"{stack.api_url}/webhooks/bamboohr"
        for event, changed in (("employee.created", ()), ("employee.updated", ("jobTitle",))):
            delivery = sandbox.send_webhook(
                webhook_id, employee_id, event, changed_fields=changed, url=receiver
            )
            self.result.webhook_status.append(delivery.status or 0)
        self.result.new_hire_invocations = self._drain(stack)
        pairings = self._pairings_of(stack, employee_id, SKILLS_PROGRAM["program_id"])
        self.result.new_hire_pairings = pairings
        for pairing in pairings:
            self.say(f"  new hire matched: {pairing['explanation']} (score {pairing['score']:.3f})")

    def _leaver(self, sandbox: BambooHRSandbox, stack: LocalStack, webhook_id: str) -> None:
        """A reverse mentor is terminated in BambooHR: their pairing ends there too, and their mentee
        is rematched with someone else."""
        programme = self.result.programmes[REVERSE_PROGRAM["program_id"]]
        rejected = set(programme["rejected"])
        pairing = next(p for p in programme["pairings"] if p["pairing_id"] not in rejected)
        mentor_id, mentee_id = pairing["mentor_id"], pairing["mentee_id"]
        sandbox.account.terminate(mentor_id, sandbox.clock.today())
        self.say(f"\nMentor {mentor_id} leaves: terminated in BambooHR, which sends employee.updated")
        delivery = sandbox.send_webhook(
            webhook_id,
            mentor_id,
            "employee.updated",
            changed_fields=("employmentHistoryStatus",),
            url=f"{stack.api_url}/webhooks/bamboohr",
        )
        self._drain(stack)
        rows = [
            row
            for row in sandbox.account.rows(mentee_id, MENTORSHIP_TABLE)
            if row.get("customProgram") == REVERSE_PROGRAM["program_id"]
        ]
        ended = [r for r in rows if r.get("customPairingId") == pairing["pairing_id"]]
        rematched = [
            p
            for p in self._pairings_of(stack, mentee_id, REVERSE_PROGRAM["program_id"])
            if p["run_id"].startswith("rematch-")
        ]
        self.result.leaver = {
            "employee_id": mentor_id,
            "webhook_status": delivery.status,
            "ended_pairing": pairing["pairing_id"],
            "row_status_in_bamboohr": ended[0].get("customStatus") if ended else None,
            "mentee_id": mentee_id,
            "rematched": rematched,
        }
        self.say(
            f"  pairing {pairing['pairing_id']} is {self.result.leaver['row_status_in_bamboohr']} in BambooHR"
        )
        for new in rematched:
            self.say(f"  mentee {mentee_id} rematched ({new['status']}): {new['explanation']}")

    # --- reading back what happened -------------------------------------------------------------

    def _count_employees(self, stack: LocalStack) -> int:
        from infra.dynamodb import DynamoEmployeeDirectory

        return sum(1 for _ in DynamoEmployeeDirectory(stack.physical_id("MentorbridgeTable")).all())

    def _pairings_of(self, stack: LocalStack, employee_id: str, program_id: str) -> list[dict[str, Any]]:
        from infra.dynamodb import DynamoPairingStore

        store = DynamoPairingStore(stack.physical_id("MentorbridgeTable"))
        return [
            p.model_dump(mode="json")
            for p in store.pairings_for_employee(employee_id)
            if p.mentee_id == employee_id and p.program_id == program_id
        ]

    def _all_pairings(self, stack: LocalStack) -> list[dict[str, Any]]:
        from infra.dynamodb import DynamoPairingStore

        store = DynamoPairingStore(stack.physical_id("MentorbridgeTable"))
        return [
            p.model_dump(mode="json")
            for program in (REVERSE_PROGRAM, SKILLS_PROGRAM)
            for p in store.pairings_for_program(program["program_id"])
        ]

    def _count_rows(self, sandbox: BambooHRSandbox) -> None:
        account = sandbox.account
        counts = {table: 0 for table in (MENTORSHIP_TABLE, ASSIGNMENT_TABLE)}
        for employee_id in account.employee_ids():
            for table in counts:
                counts[table] += len(account.rows(employee_id, table))
        self.result.rows_written = counts
        self.result.assignments = counts[ASSIGNMENT_TABLE]

    def _print_run(self, program: dict[str, Any], outcome: dict[str, Any]) -> None:
        pairings = outcome["pairings"]
        self.say(
            f"\n{program['name']} ({program['kind']}): {len(pairings)} pairings, "
            f"{len(outcome['unmatched'])} unmatched; objective {outcome['objective']:.3f}, "
            f"certified bound {outcome['dual_bound']:.3f}"
        )
        for pairing in pairings:
            self.say(
                f"  {pairing['mentor_id']:>5} → {pairing['mentee_id']:<5} {pairing['score']:.3f}  "
                f"{pairing['explanation']}"
            )
        for unmatched in outcome["unmatched"][:5]:
            self.say(f"  unmatched {unmatched['employee_id']}: {unmatched['reason']}")
        if len(outcome["unmatched"]) > 5:
            self.say(f"  … and {len(outcome['unmatched']) - 5} more unmatched (reasons in the summary)")
