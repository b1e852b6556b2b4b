"""Training plans: what each side of an approved pairing must do before and during the relationship.

Research on these programmes finds most relationships fail without preparation, so every approved
pairing produces assignments for both people. The catalogue is data (overridable per tenant) and is
validated at load so a bad entry names its field.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from mentorship.models import Employee, Pairing, Program, ProgramKind, Role, TrainingAssignment


class Audience(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    BOTH = "both"


class CatalogueItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    item_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    audience: Audience
    kinds: tuple[ProgramKind, ...] = Field(default=(), description="Empty: every programme kind")
    due_days: int = Field(ge=1, le=365)
    per_focus_skill: bool = False
    link_url: str | None = None

    def applies_to(self, role: Role, kind: ProgramKind) -> bool:
        audience_ok = self.audience is Audience.BOTH or self.audience.value == role.value
        return audience_ok and (not self.kinds or kind in self.kinds)


class TrainingCatalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[CatalogueItem, ...]


@cache
def default_catalogue() -> TrainingCatalogue:
    text = resources.files("mentorship").joinpath("data/training_catalogue.json").read_text()
    return TrainingCatalogue.model_validate(json.loads(text))


def load_catalogue(path: Path) -> TrainingCatalogue:
    """A tenant's own catalogue; raises pydantic's ValidationError naming the bad field."""
    return TrainingCatalogue.model_validate_json(path.read_text())


def pathway_skill(mentor: Employee, mentee: Employee, program: Program) -> str | None:
    """The skill the pairing is mostly about: a focus skill the mentee wants, else their top wish the
    mentor can coach, else their top wish."""
    coachable = {skill.name.casefold() for skill in mentor.coach_skills}
    wishes = sorted(mentee.learn_skills, key=lambda wish: -wish.priority)
    focus = {name.casefold() for name in program.focus_skills}
    for candidates in (
        [w for w in wishes if w.name.casefold() in focus and w.name.casefold() in coachable],
        [w for w in wishes if w.name.casefold() in coachable],
        wishes,
    ):
        if candidates:
            return candidates[0].name
    return None


def plan_for(
    pairing: Pairing,
    program: Program,
    mentor: Employee,
    mentee: Employee,
    *,
    starts_on: date,
    catalogue: TrainingCatalogue | None = None,
) -> list[TrainingAssignment]:
    """Every assignment for both sides of one pairing, due relative to its start.

    Ids are deterministic, so planning the same pairing twice yields the same assignments and the
    write-back stays idempotent.
    """
    catalogue = catalogue or default_catalogue()
    skill = pathway_skill(mentor, mentee, program)
    assignments: list[TrainingAssignment] = []
    for role, person in ((Role.MENTOR, mentor), (Role.MENTEE, mentee)):
        for item in catalogue.items:
            if not item.applies_to(role, program.kind):
                continue
            title, item_id = item.title, item.item_id
            if item.per_focus_skill:
                if skill is None:
                    continue
                title = item.title.format(skill=skill)
                item_id = f"{item.item_id}-{_slug(skill)}"
            assignments.append(
                TrainingAssignment(
                    assignment_id=TrainingAssignment.make_id(pairing.pairing_id, person.employee_id, item_id),
                    pairing_id=pairing.pairing_id,
                    employee_id=person.employee_id,
                    role=role,
                    item_id=item_id,
                    title=title,
                    due_date=starts_on + timedelta(days=item.due_days),
                    link_url=item.link_url,
                )
            )
    return assignments


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())
