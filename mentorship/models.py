"""Canonical workforce and mentoring models, independent of any HRIS or AWS service.

Connectors map vendor records onto these; the engine, services and repositories only see these.
Models are frozen so a value read from the HRIS cannot be changed behind the sync's back.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

Proficiency = Annotated[int, Field(ge=1, le=5, description="1 = basic, 5 = expert")]
Priority = Annotated[int, Field(ge=1, le=5, description="5 = wants to learn this first")]
Level = Annotated[int, Field(ge=0, le=30, description="Higher is more senior")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class CoachableSkill(Frozen):
    """A skill an employee can coach others in, with how well they know it."""

    name: str = Field(min_length=1, max_length=120)
    proficiency: Proficiency = 3


class LearningWish(Frozen):
    """A skill an employee wants to develop, with how much they want it."""

    name: str = Field(min_length=1, max_length=120)
    priority: Priority = 3


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class Employee(Frozen):
    """The workforce facts matching needs, as last read from the HRIS.

    `display_name` and `work_email` are PII: they may be stored and written back to the HRIS but
    never logged. Logs carry `employee_id` only.
    """

    employee_id: str = Field(min_length=1, max_length=64)
    display_name: str = ""
    work_email: str | None = None
    status: EmploymentStatus = EmploymentStatus.ACTIVE
    hire_date: date | None = None
    termination_date: date | None = None
    job_title: str | None = None
    level: Level | None = None
    manager_id: str | None = None
    department: str | None = None
    division: str | None = None
    location: str | None = None
    time_zone: str | None = Field(default=None, description="IANA name, e.g. Europe/Berlin")
    languages: tuple[str, ...] = ()
    coach_skills: tuple[CoachableSkill, ...] = ()
    learn_skills: tuple[LearningWish, ...] = ()
    goals: tuple[str, ...] = Field(default=(), description="Titles of the employee's current goals")
    mentor_opt_in: bool = False
    mentee_opt_in: bool = False
    mentor_capacity: int = Field(default=0, ge=0, le=20)
    perspective_tags: tuple[str, ...] = Field(
        default=(), description="Self-declared, opt-in perspectives; never inferred"
    )
    source_updated_at: datetime | None = Field(
        default=None, description="When the HRIS last changed this record; guards against stale overwrites"
    )

    @field_validator("manager_id", "department", "division", "location", "time_zone", "job_title")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def is_active(self) -> bool:
        return self.status is EmploymentStatus.ACTIVE

    def content_fingerprint(self) -> str:
        """A digest of the facts, so an unchanged re-read is recognised and produces no event."""
        payload = self.model_dump_json(exclude={"source_updated_at"})
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


class ProgramKind(StrEnum):
    REVERSE = "reverse"
    TRADITIONAL = "traditional"
    SKILLS = "skills"
    PEER = "peer"


class PoolSelector(Frozen):
    """Which employees may take one side of a programme. Empty fields select everyone."""

    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    min_level: Level | None = None
    max_level: Level | None = None
    min_tenure_days: int | None = Field(default=None, ge=0)
    hired_within_days: int | None = Field(default=None, ge=0, description="New-hire window")
    require_opt_in: bool = True


class ScoreWeights(Frozen):
    """Relative weights of the score components; each component itself lies in [0, 1]."""

    skill_fit: float = Field(default=0.6, ge=0)
    goal_overlap: float = Field(default=0.1, ge=0)
    cross_department: float = Field(default=0.1, ge=0)
    location: float = Field(default=0.1, ge=0)
    load_spread: float = Field(default=0.1, ge=0)


class Program(Frozen):
    """A mentoring programme: who may mentor whom, what counts as a good pair, what happens next."""

    program_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1, max_length=200)
    kind: ProgramKind
    min_level_gap: int = Field(default=1, ge=0, le=20)
    peer_band: int = Field(default=0, ge=0, le=5, description="peer: max level difference")
    mentor_pool: PoolSelector = PoolSelector()
    mentee_pool: PoolSelector = PoolSelector()
    focus_skills: tuple[str, ...] = ()
    weights: ScoreWeights | None = None
    default_capacity: int = Field(default=2, ge=1, le=20)
    auto_approve: bool = False
    auto_enrol_new_hires: bool = False
    new_hire_delay_days: int = Field(default=0, ge=0, le=365)
    allow_repeat_pairings: bool = False
    exclude_shared_manager: bool = False
    min_time_zone_overlap_hours: float | None = Field(default=None, ge=0, le=24)
    require_shared_language: bool = False
    duration_days: int = Field(default=180, ge=7, le=730)


class PairingStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    ENDED = "ended"


class Pairing(Frozen):
    """A proposed or agreed mentor–mentee relationship within one programme."""

    pairing_id: str
    program_id: str
    run_id: str
    mentor_id: str
    mentee_id: str
    score: float
    components: dict[str, float] = Field(default_factory=dict)
    explanation: str = ""
    status: PairingStatus = PairingStatus.DRAFT
    start_date: date | None = None
    end_date: date | None = None
    end_reason: str | None = None

    @staticmethod
    def make_id(program_id: str, mentor_id: str, mentee_id: str, run_id: str) -> str:
        """Deterministic id: re-running the same step yields the same id, so writes stay idempotent."""
        digest = hashlib.sha256(f"{program_id}|{run_id}|{mentor_id}|{mentee_id}".encode()).hexdigest()
        return f"p-{digest[:20]}"


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class TrainingAssignment(Frozen):
    """One training item a person must complete for a pairing, with its due date."""

    assignment_id: str
    pairing_id: str
    employee_id: str
    role: Role
    item_id: str
    title: str
    due_date: date
    link_url: str | None = None
    completed_on: date | None = None

    @staticmethod
    def make_id(pairing_id: str, employee_id: str, item_id: str) -> str:
        digest = hashlib.sha256(f"{pairing_id}|{employee_id}|{item_id}".encode()).hexdigest()
        return f"t-{digest[:20]}"


class UnmatchedMentee(Frozen):
    employee_id: str
    reason: str


class MatchRunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class MatchMode(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"


class MatchRun(Frozen):
    """The outcome of matching one programme once: drafts, the unmatched with reasons, and figures."""

    run_id: str
    program_id: str
    mode: MatchMode = MatchMode.FULL
    status: MatchRunStatus = MatchRunStatus.RUNNING
    started_at: datetime
    finished_at: datetime | None = None
    pairing_ids: tuple[str, ...] = ()
    unmatched: tuple[UnmatchedMentee, ...] = ()
    objective: float | None = None
    dual_bound: float | None = None
    mentor_pool_size: int = 0
    mentee_pool_size: int = 0
    error: str | None = None
