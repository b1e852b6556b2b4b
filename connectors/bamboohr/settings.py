"""What one installation needs to talk to its BambooHR account: credentials, limits, field mapping.

BambooHR has no skills, level, mentoring or training-assignment objects, so every installation keeps
them in custom fields and custom tables whose aliases the admin chooses. The mapping names those
aliases; defaults match the aliases `mentorbridge bamboohr discover` proposes. The Secrets Manager
secret holds this model as JSON (credentials plus mapping), validated once at load so a bad value
names its field.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Alias = str


class SkillTableMapping(_Config):
    """A custom table with one row per skill: the skill's name and a 1..5 weight."""

    table: Alias
    skill: Alias = "customSkill"
    weight: Alias


class MentorshipTableMapping(_Config):
    """The custom table that records a pairing on each person (write-back target)."""

    table: Alias = "customMentorships"
    program: Alias = "customProgram"
    role: Alias = "customRole"
    partner_id: Alias = "customPartnerId"
    pairing_id: Alias = "customPairingId"
    start_date: Alias = "customStartDate"
    end_date: Alias = "customEndDate"
    status: Alias = "customStatus"
    notes: Alias = "customNotes"


class TrainingAssignmentTableMapping(_Config):
    """The custom table that lists the training a person must do for a pairing (write-back target)."""

    table: Alias = "customTrainingAssignments"
    assignment_id: Alias = "customAssignmentId"
    pairing_id: Alias = "customPairingId"
    item: Alias = "customItem"
    title: Alias = "customTitle"
    due_date: Alias = "customDueDate"
    status: Alias = "customStatus"
    link: Alias = "customLink"


class BambooHRFieldMapping(_Config):
    """Where this account keeps what matching needs, by BambooHR field and table alias."""

    job_level: Alias = "customJobLevel"
    mentor_opt_in: Alias = "customMentorOptIn"
    mentee_opt_in: Alias = "customMenteeOptIn"
    mentor_capacity: Alias = "customMentorCapacity"
    time_zone: Alias | None = "customTimeZone"
    languages: Alias | None = "customLanguages"
    manager_id: Alias = Field(
        default="reportsToId",
        description="Field holding the manager's employee id; `reportsToId` is the documented one",
    )
    coach_skills: SkillTableMapping = SkillTableMapping(
        table="customCoachingSkills", weight="customProficiency"
    )
    learn_skills: SkillTableMapping = SkillTableMapping(table="customLearningGoals", weight="customPriority")
    mentorships: MentorshipTableMapping = MentorshipTableMapping()
    training_assignments: TrainingAssignmentTableMapping = TrainingAssignmentTableMapping()

    def custom_fields(self) -> dict[str, str]:
        """Mapped employee fields by role, for validation and reads."""
        fields = {
            "job_level": self.job_level,
            "mentor_opt_in": self.mentor_opt_in,
            "mentee_opt_in": self.mentee_opt_in,
            "mentor_capacity": self.mentor_capacity,
            "manager_id": self.manager_id,
        }
        if self.time_zone:
            fields["time_zone"] = self.time_zone
        if self.languages:
            fields["languages"] = self.languages
        return fields

    def tables(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Mapped tables by role: (table alias, the column aliases the product reads or writes)."""
        m, t = self.mentorships, self.training_assignments
        return {
            "coach_skills": (self.coach_skills.table, (self.coach_skills.skill, self.coach_skills.weight)),
            "learn_skills": (self.learn_skills.table, (self.learn_skills.skill, self.learn_skills.weight)),
            "mentorships": (
                m.table,
                (m.program, m.role, m.partner_id, m.pairing_id, m.start_date, m.end_date, m.status, m.notes),
            ),
            "training_assignments": (
                t.table,
                (t.assignment_id, t.pairing_id, t.item, t.title, t.due_date, t.status, t.link),
            ),
        }


class BambooHRSettings(_Config):
    """Connection settings for one BambooHR account (the HRIS secret's JSON)."""

    company_domain: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
    api_key: SecretStr | None = None
    oauth_token: SecretStr | None = None
    base_url: str | None = Field(
        default=None, description="Defaults to https://{company_domain}.bamboohr.com"
    )
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    max_attempts: int = Field(default=5, ge=1, le=10)
    max_retry_seconds: float = Field(default=60.0, gt=0, le=900)
    base_backoff_seconds: float = Field(default=0.5, ge=0, le=30)
    max_backoff_seconds: float = Field(default=20.0, ge=0, le=300)
    changed_since_overlap_seconds: float = Field(
        default=5.0, ge=0, le=3600, description="Re-read this much before the watermark to absorb clock skew"
    )
    employee_source: Literal["custom_report", "datasets"] = Field(
        default="custom_report",
        description=(
            "Where employee fields are read in bulk: the custom report (one request for everyone) or "
            "the Datasets API (1,000 per page); the connector falls back to datasets by itself if "
            "BambooHR retires the report"
        ),
    )
    read_mentee_goals: bool = Field(
        default=False,
        description=(
            "Fill `goals` of active mentee opt-ins from their performance goals in every read; costs "
            "one request per such employee, so a full sync is no longer a handful of requests"
        ),
    )
    action_plan_days: int = Field(
        default=90, ge=7, le=730, description="Due date of the mentee's action plan"
    )
    mapping: BambooHRFieldMapping = BambooHRFieldMapping()

    @model_validator(mode="after")
    def _exactly_one_credential(self) -> BambooHRSettings:
        if (self.api_key is None) == (self.oauth_token is None):
            raise ValueError("give exactly one of api_key (Basic auth) or oauth_token (Bearer)")
        return self

    @field_validator("base_url")
    @classmethod
    def _https_unless_loopback(cls, value: str | None) -> str | None:
        """Credentials travel in every request: plain HTTP only to this machine (the sandbox)."""
        if value is None:
            return None
        parts = urlsplit(value)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError("base_url must be https:// (plain http only to localhost)")
        return value

    @property
    def resolved_base_url(self) -> str:
        return (self.base_url or f"https://{self.company_domain}.bamboohr.com").rstrip("/")
