"""Small, readable builders for matching tests: people and programmes with only the facts that matter."""

from __future__ import annotations

from datetime import date

from mentorship.models import (
    CoachableSkill,
    Employee,
    LearningWish,
    Pairing,
    PairingStatus,
    PoolSelector,
    Program,
    ProgramKind,
    ScoreWeights,
)

TODAY = date(2026, 11, 27)


def person(
    employee_id: str,
    *,
    name: str = "",
    level: int | None = 3,
    manager: str | None = None,
    department: str | None = "Engineering",
    time_zone: str | None = "Europe/Berlin",
    coaches: dict[str, int] | None = None,
    wants: dict[str, int] | None = None,
    goals: tuple[str, ...] = (),
    mentor: bool = False,
    mentee: bool = False,
    capacity: int = 0,
    languages: tuple[str, ...] = ("en",),
    hired: date | None = date(2020, 1, 1),
    active: bool = True,
) -> Employee:
    """An employee; `coaches` maps skill -> proficiency, `wants` maps skill -> priority."""
    return Employee(
        employee_id=employee_id,
        display_name=name or f"Person{employee_id} Surname{employee_id}",
        status="active" if active else "inactive",
        hire_date=hired,
        level=level,
        manager_id=manager,
        department=department,
        location=None,
        time_zone=time_zone,
        languages=languages,
        coach_skills=tuple(CoachableSkill(name=skill, proficiency=p) for skill, p in (coaches or {}).items()),
        learn_skills=tuple(LearningWish(name=skill, priority=p) for skill, p in (wants or {}).items()),
        goals=goals,
        mentor_opt_in=mentor,
        mentee_opt_in=mentee,
        mentor_capacity=capacity,
    )


def programme(kind: ProgramKind = ProgramKind.SKILLS, **overrides: object) -> Program:
    """A programme with sensible test defaults; pass any Program field to override."""
    fields: dict[str, object] = {"program_id": "prog", "name": "Test programme", "kind": kind}
    fields.update(overrides)
    return Program.model_validate(fields)


def pairing(mentor_id: str, mentee_id: str, status: PairingStatus = PairingStatus.APPROVED) -> Pairing:
    return Pairing(
        pairing_id=Pairing.make_id("prog", mentor_id, mentee_id, "earlier"),
        program_id="prog",
        run_id="earlier",
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        score=0.5,
        status=status,
    )


__all__ = ["TODAY", "PoolSelector", "ScoreWeights", "pairing", "person", "programme"]
