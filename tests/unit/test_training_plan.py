"""Training plans: both sides prepared, reverse-specific preparation, per-skill pathway, due dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from mentorship.models import CoachableSkill, Employee, LearningWish, Pairing, Program, ProgramKind, Role
from mentorship.training import load_catalogue, plan_for

START = date(2026, 12, 1)
MENTOR = Employee(
    employee_id="10", level=2, coach_skills=(CoachableSkill(name="Short-video strategy", proficiency=5),)
)
MENTEE = Employee(
    employee_id="20",
    level=8,
    learn_skills=(
        LearningWish(name="Budgeting", priority=5),
        LearningWish(name="short-video strategy", priority=2),
    ),
)


def pairing(kind: ProgramKind) -> tuple[Pairing, Program]:
    program = Program(program_id="p", name="P", kind=kind)
    return Pairing(
        pairing_id="p-1", program_id="p", run_id="r", mentor_id="10", mentee_id="20", score=1
    ), program


def test_a_reverse_pairing_prepares_the_junior_mentor_and_the_senior_mentee_specifically() -> None:
    plan = plan_for(*pairing(ProgramKind.REVERSE), MENTOR, MENTEE, starts_on=START)
    mentor_items = {a.item_id for a in plan if a.role is Role.MENTOR}
    mentee_items = {a.item_id for a in plan if a.role is Role.MENTEE}
    assert "reverse-advising-seniors" in mentor_items
    assert "reverse-learning-from-juniors" in mentee_items
    assert {"first-meeting-template"} <= mentor_items & mentee_items


def test_a_skills_pairing_has_no_reverse_items_and_a_pathway_for_the_skill_the_mentor_can_coach() -> None:
    plan = plan_for(*pairing(ProgramKind.SKILLS), MENTOR, MENTEE, starts_on=START)
    assert not any(a.item_id.startswith("reverse-") for a in plan)
    pathway = [a for a in plan if a.item_id.startswith("skills-pathway")]
    # the mentee wants budgeting more, but only short-video strategy can be coached by this mentor
    assert [a.title for a in pathway] == ["Learning pathway: short-video strategy"]
    assert pathway[0].employee_id == "20"


def test_every_assignment_is_due_after_the_start_and_planning_twice_gives_the_same_ids() -> None:
    first = plan_for(*pairing(ProgramKind.REVERSE), MENTOR, MENTEE, starts_on=START)
    second = plan_for(*pairing(ProgramKind.REVERSE), MENTOR, MENTEE, starts_on=START)
    assert all(a.due_date > START for a in first)
    assert [a.assignment_id for a in first] == [a.assignment_id for a in second]
    assert len({a.assignment_id for a in first}) == len(first)


def test_a_tenant_catalogue_with_a_bad_entry_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(
        json.dumps({"items": [{"item_id": "x", "title": "X", "audience": "sponsor", "due_days": 7}]})
    )
    with pytest.raises(ValidationError, match="audience"):
        load_catalogue(path)
