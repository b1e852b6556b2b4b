"""A seeded synthetic company: org tree, levels, departments, locations, skills, opt-ins.

Used by the BambooHR sandbox (which stores it the way a BambooHR account would) and by the
benchmarks (which use the canonical records directly). Skill popularity is skewed (Zipf-like),
so a few skills, and the mentors who coach them, are wanted by many: the case that defeats
greedy matching.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mentorship.models import CoachableSkill, Employee, EmploymentStatus, LearningWish

SKILLS: tuple[str, ...] = (
    "Short-video strategy",
    "Creator communities",
    "Generative AI tools",
    "Data storytelling",
    "SQL",
    "Python",
    "Public speaking",
    "Negotiation",
    "People management",
    "Product discovery",
    "Inclusive leadership",
    "Budgeting",
    "Stakeholder management",
    "UX research",
    "Cloud architecture",
    "Security awareness",
    "Customer empathy",
    "Sales forecasting",
    "Brand voice",
    "Accessibility",
    "Remote collaboration",
    "Coaching",
    "Strategic planning",
    "Change management",
    "Social media analytics",
    "Design thinking",
    "Agile delivery",
    "Financial modelling",
    "Supply chain basics",
    "Technical writing",
    "Mobile-first marketing",
    "Podcast production",
    "Community moderation",
    "Prompt engineering",
    "Machine learning literacy",
    "Diversity and inclusion",
    "Conflict resolution",
    "Time management",
    "Mentoring others",
    "Executive presence",
)

DEPARTMENTS: tuple[str, ...] = (
    "Marketing",
    "Engineering",
    "Sales",
    "Finance",
    "People",
    "Product",
    "Customer Success",
    "Operations",
    "Legal",
    "Design",
)

# (location name, IANA time zone)
LOCATIONS: tuple[tuple[str, str], ...] = (
    ("New York", "America/New_York"),
    ("Austin", "America/Chicago"),
    ("San Francisco", "America/Los_Angeles"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Lisbon", "Europe/Lisbon"),
    ("Singapore", "Asia/Singapore"),
    ("Sydney", "Australia/Sydney"),
)

LANGUAGES: tuple[str, ...] = ("en", "de", "pt", "es", "fr", "zh")
FIRST = (
    "Dana", "Ari", "Sam", "Noor", "Kai", "Lena", "Omar", "Mia", "Tomás", "Yuki", "Ife", "Priya",
    "Jonas", "Amara", "Chen", "Sofia", "Mateo", "Hana", "Ravi", "Elif", "Lucas", "Zara", "Kofi", "Ines",
    "Felix", "Aiko", "Nadia", "Oscar", "Leila", "Bruno", "Maya", "Tariq", "Greta", "Diego", "Nia", "Emil",
)  # fmt: skip
LAST = ("Rivera", "Okafor", "Schmidt", "Tan", "Kowalski", "Haddad", "Nguyen", "Silva", "Berg", "Adams")

# Levels 1 (entry) .. 9 (executive); the CEO alone sits at the top.
TOP_LEVEL = 9
_LEVEL_SHARES = (0.24, 0.25, 0.2, 0.14, 0.09, 0.05, 0.02, 0.01)  # levels 1..8
_LEVEL_CUMULATIVE = [sum(_LEVEL_SHARES[: i + 1]) for i in range(len(_LEVEL_SHARES))]


@dataclass(frozen=True)
class WorkforceSpec:
    employees: int = 300
    seed: int = 7
    leavers_fraction: float = 0.02
    mentor_opt_in: float = 0.55
    mentee_opt_in: float = 0.6
    zipf_exponent: float = 1.1
    today: date = date(2026, 11, 27)


def _zipf_cumulative(count: int, exponent: float) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / (rank**exponent)
        cumulative.append(total)
    return cumulative


def generate_workforce(spec: WorkforceSpec = WorkforceSpec()) -> list[Employee]:
    """Build `spec.employees` employees; deterministic for the same spec.

    The org is a tree: everyone reports to someone a level or two above; the one top executive
    is the root. Leavers stay in the list with status inactive, as an HRIS keeps them.
    """
    rng = random.Random(spec.seed)
    skill_weights = _zipf_cumulative(len(SKILLS), spec.zipf_exponent)
    # Teaching skills skew differently from learning wishes: the hot skills to learn
    # (short video, generative AI) are coached by fewer, often junior, people.
    coach_order = list(SKILLS)
    rng.shuffle(coach_order)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)

    # A pyramid of levels, then each person reports to someone one level up (two where the level
    # above is empty), chosen at random: spans widen towards the bottom as in real org charts.
    below_top = rng.choices(range(1, TOP_LEVEL), cum_weights=_LEVEL_CUMULATIVE, k=spec.employees - 1)
    levels = [TOP_LEVEL, *below_top]
    ids_by_level: dict[int, list[str]] = {}
    for index, level in enumerate(levels):
        ids_by_level.setdefault(level, []).append(str(100 + index))

    employees: list[Employee] = []
    for index, level in enumerate(levels):
        employee_id = str(100 + index)
        manager_id = None
        if index > 0:
            above = next(ids_by_level[up] for up in range(level + 1, TOP_LEVEL + 1) if ids_by_level.get(up))
            manager_id = above[rng.randrange(len(above))]
        department = "Operations" if index == 0 else DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        location, time_zone = LOCATIONS[rng.randrange(len(LOCATIONS))]
        first, last = FIRST[rng.randrange(len(FIRST))], LAST[rng.randrange(len(LAST))]
        tenure_days = rng.randint(0, 12 * 365)
        hire_date = spec.today - timedelta(days=tenure_days)
        leaver = index > 0 and rng.random() < spec.leavers_fraction
        mentor = rng.random() < spec.mentor_opt_in
        mentee = rng.random() < spec.mentee_opt_in

        coach = tuple(
            CoachableSkill.model_construct(name=name, proficiency=rng.randint(2, 5))
            for name in _sample(rng, coach_order, skill_weights, rng.randint(1, 4))
        )
        learn = tuple(
            LearningWish.model_construct(name=name, priority=rng.randint(1, 5))
            for name in _sample(rng, list(SKILLS), skill_weights, rng.randint(1, 3))
        )
        languages = ("en",) if rng.random() < 0.8 else ("en", LANGUAGES[rng.randrange(1, len(LANGUAGES))])
        employees.append(
            Employee.model_construct(
                employee_id=employee_id,
                display_name=f"{first} {last}",
                work_email=f"{first.lower()}.{last.lower()}.{employee_id}@example.com",
                status=EmploymentStatus.INACTIVE if leaver else EmploymentStatus.ACTIVE,
                hire_date=hire_date,
                termination_date=spec.today - timedelta(days=rng.randint(1, 60)) if leaver else None,
                job_title=f"{department} L{level}",
                level=level,
                manager_id=manager_id,
                department=department,
                division=None,
                location=location,
                time_zone=time_zone,
                languages=languages,
                coach_skills=coach,
                learn_skills=learn,
                goals=(f"Grow in {learn[0].name}",) if learn else (),
                mentor_opt_in=mentor,
                mentee_opt_in=mentee,
                mentor_capacity=rng.choice((1, 2, 2, 3)) if mentor else 0,
                perspective_tags=(),
                source_updated_at=stamp,
            )
        )
    return employees


def _sample(rng: random.Random, names: list[str], cumulative: list[float], count: int) -> list[str]:
    """Distinct names drawn by weight (popular first more often)."""
    chosen: list[str] = []
    while len(chosen) < count:
        name = rng.choices(names, cum_weights=cumulative, k=1)[0]
        if name not in chosen:
            chosen.append(name)
    return chosen
