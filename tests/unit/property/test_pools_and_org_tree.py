"""The directory's columns: vectorised pool selection and the org tree's intervals.

Pools must select exactly the people `pool_exclusion` (the admin-facing wording) finds no reason
against; the tree must answer "is X in Y's chain of managers" exactly as walking the chain does,
whatever cycles or unknown managers the HRIS holds.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.matching.org_tree import build_tree
from mentorship.matching.pools import Directory, pool_exclusion, pool_members
from mentorship.models import Employee, PoolSelector
from tests.unit.property.people import TODAY

NAMES = ("Sales", "sales", "Engineering", "Berlin", "berlin", "Remote")


@st.composite
def employees(draw: st.DrawFn) -> list[Employee]:
    size = draw(st.integers(min_value=0, max_value=12))
    return [
        Employee(
            employee_id=str(index),
            status=draw(st.sampled_from(("active", "inactive"))),
            hire_date=draw(
                st.one_of(st.none(), st.integers(-40, 5).map(lambda d: TODAY + timedelta(days=d)))
            ),
            level=draw(st.one_of(st.none(), st.integers(0, 8))),
            department=draw(st.one_of(st.none(), st.sampled_from(NAMES))),
            location=draw(st.one_of(st.none(), st.sampled_from(NAMES))),
            mentor_opt_in=draw(st.booleans()),
            mentee_opt_in=draw(st.booleans()),
        )
        for index in range(size)
    ]


selectors = st.builds(
    PoolSelector,
    departments=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    locations=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    min_level=st.one_of(st.none(), st.integers(0, 8)),
    max_level=st.one_of(st.none(), st.integers(0, 8)),
    min_tenure_days=st.one_of(st.none(), st.integers(0, 40)),
    hired_within_days=st.one_of(st.none(), st.integers(0, 40)),
    require_opt_in=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(people=employees(), selector=selectors, mentor=st.booleans())
def test_pool_members_are_exactly_those_without_an_exclusion_reason(
    people: list[Employee], selector: PoolSelector, mentor: bool
) -> None:
    # Given a directory and a pool selector
    # When the pool is selected for the whole directory at once
    inside = pool_members(Directory.read(people), selector, mentor=mentor, today=TODAY)
    # Then it holds exactly the people the per-person wording lets in
    expected = [pool_exclusion(person, selector, mentor=mentor, today=TODAY) is None for person in people]
    assert inside.tolist() == expected


def test_departments_and_locations_match_whatever_their_case() -> None:
    # Given people whose department is written in different cases
    people = [
        Employee(employee_id="1", department="SALES", mentee_opt_in=True),
        Employee(employee_id="2", department="sales", mentee_opt_in=True),
        Employee(employee_id="3", department="Support", mentee_opt_in=True),
        Employee(employee_id="4", mentee_opt_in=True),
    ]
    # When a pool names the department once, in a third spelling
    inside = pool_members(
        Directory.read(people), PoolSelector(departments=("Sales",)), mentor=False, today=TODAY
    )
    # Then both spellings are in and the others are not
    assert inside.tolist() == [True, True, False, False]


def _chain(parent: list[int], node: int) -> list[int]:
    above: list[int] = []
    while parent[node] != -1:
        node = parent[node]
        above.append(node)
    return above


def _on_a_cycle(managers: list[int], node: int) -> bool:
    seen: set[int] = set()
    walker = managers[node]
    while walker != -1 and walker not in seen:
        if walker == node:
            return True
        seen.add(walker)
        walker = managers[walker]
    return False


@settings(max_examples=400, deadline=None)
@given(
    managers=st.integers(1, 14).flatmap(lambda n: st.lists(st.integers(-2, n - 1), min_size=n, max_size=n))
)
def test_the_org_tree_answers_like_walking_each_chain_with_each_cycle_cut_once(managers: list[int]) -> None:
    # Given reporting lines with unknown managers (-2), missing ones (-1), self-managers and cycles
    ids = [f"e{index}" for index in range(len(managers))]
    manager_ids = [None if boss == -1 else "gone" if boss == -2 else ids[boss] for boss in managers]
    known = [boss if boss >= 0 else -1 for boss in managers]
    # When the tree is built
    tree = build_tree(manager_ids, {employee_id: index for index, employee_id in enumerate(ids)})
    parent = tree.parent.tolist()
    # Then only managers on a cycle are dropped, exactly one per cycle, and no cycle is left
    cut = [node for node, (before, after) in enumerate(zip(known, parent, strict=True)) if before != after]
    assert all(parent[node] == -1 and _on_a_cycle(known, node) for node in cut)
    cycles = {
        frozenset([node, *_chain_until_repeat(known, node)])
        for node in range(len(known))
        if _on_a_cycle(known, node)
    }
    assert len(cut) == len(cycles)
    # and the intervals say "a is above b" exactly when a is in b's chain of managers
    nodes = np.arange(len(known))
    above = tree.is_above(nodes[:, None], nodes[None, :])
    for lower in range(len(known)):
        chain = set(_chain(parent, lower))
        assert [bool(above[upper, lower]) for upper in range(len(known))] == [
            upper in chain for upper in range(len(known))
        ]


def _chain_until_repeat(managers: list[int], node: int) -> list[int]:
    path: list[int] = []
    walker = managers[node]
    while walker != node:
        path.append(walker)
        walker = managers[walker]
    return path


def test_a_reporting_cycle_is_cut_where_the_walk_from_the_first_person_closes_it() -> None:
    # Given a reports to b, b to c and c to a
    ids = ["a", "b", "c"]
    # When the tree is built
    tree = build_tree(["b", "c", "a"], {name: index for index, name in enumerate(ids)})
    # Then a (the first in the directory) becomes the root, and b and c stay below it
    assert tree.parent.tolist() == [-1, 2, 0]
    assert tree.is_above(np.array([0, 2]), np.array([1, 1])).tolist() == [True, True]


def test_enter_and_leave_times_follow_a_depth_first_walk_in_directory_order() -> None:
    # Given two roots, the first with two reports in directory order
    ids = ["root", "late_root", "first_report", "second_report"]
    # When the tree is built
    tree = build_tree([None, None, "root", "root"], {name: index for index, name in enumerate(ids)})
    # Then the clock enters root, its reports in order, leaves root, then enters the second root
    assert tree.tin.tolist() == [0, 6, 1, 3]
    assert tree.tout.tolist() == [5, 7, 2, 4]
