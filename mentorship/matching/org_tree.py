"""Reporting lines as Euler-tour intervals, so "is X in Y's chain of managers" is two comparisons.

Built with numpy pointer jumping (a few passes of log2(depth) steps) rather than a Python
depth-first walk: the tree is rebuilt on every matching run, over the whole directory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import cast

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class OrgTree:
    """Reporting lines as Euler-tour intervals: `a` manages `b` (directly or not) iff
    tin[a] < tin[b] < tout[a]. Unknown managers and cycles in HRIS data become roots."""

    parent: IntArray
    tin: IntArray
    tout: IntArray

    def is_above(self, upper: IntArray, lower: IntArray) -> BoolArray:
        """Element-wise (broadcasting): is `upper` in `lower`'s chain of managers?"""
        return (self.tin[upper] < self.tin[lower]) & (self.tin[lower] < self.tout[upper])


def build_tree(manager_ids: Sequence[str | None], index_of: Mapping[str, int]) -> OrgTree:
    """The forest of `manager_ids` (one per directory index), as a depth-first enter/leave clock.

    Roots are visited in index order and each manager's reports in index order; a node's enter
    time is 2 * (its preorder number) - (its depth), its leave time enter + 2 * (subtree size) - 1.
    """
    count = len(manager_ids)
    manager_index = cast("Callable[[str | None, int], int]", index_of.get)  # None is simply no key
    parent = np.fromiter(map(manager_index, manager_ids, repeat(-1, count)), dtype=np.int64, count=count)
    cyclic = _without_root(parent)
    if cyclic.size:
        parent = _break_cycles(parent, cyclic)
    depth = _path_sums(parent, np.ones(count, dtype=np.int64)) - 1
    size = _subtree_sizes(parent, depth)
    # Preorder number = sum over the path from the root of (1 + sizes of the earlier siblings),
    # roots counting as each other's siblings without the 1.
    by_parent = np.argsort(parent, kind="stable")
    bosses = parent[by_parent]
    sizes = size[by_parent]
    before = np.cumsum(sizes) - sizes
    first_sibling = np.searchsorted(bosses, bosses)
    offset = np.empty(count, dtype=np.int64)
    offset[by_parent] = before - before[first_sibling] + (bosses >= 0)
    preorder = _path_sums(parent, offset)
    tin = 2 * preorder - depth
    return OrgTree(parent=parent, tin=tin, tout=tin + 2 * size - 1)


def _without_root(parent: IntArray) -> IntArray:
    """Nodes whose chain of managers never ends: on a reporting cycle or below one."""
    jump = parent.copy()
    live = np.flatnonzero(jump >= 0)
    for _ in range(max(parent.size, 1).bit_length()):  # 2^steps exceeds any acyclic chain
        if not live.size:
            break
        jump[live] = jump[jump[live]]
        live = live[jump[live] >= 0]
    return live


def _break_cycles(parent: IntArray, cyclic: IntArray) -> IntArray:
    """Walk up from each node in index order; the node where a walk meets itself becomes a root.

    Only walks from `cyclic` nodes can meet a cycle, so only they are walked.
    (Python lists here: numpy scalar access costs more than the walk itself.)
    """
    up = parent.tolist()
    state = bytearray(len(up))  # 0 unseen, 1 on current path, 2 done
    for start in cyclic.tolist():
        path: list[int] = []
        node = start
        while node != -1 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = up[node]
        if node != -1 and state[node] == 1:
            up[node] = -1
        for visited in path:
            state[visited] = 2
    return np.asarray(up, dtype=np.int64)


def _path_sums(parent: IntArray, own: IntArray) -> IntArray:
    """For every node, the sum of `own` over the node and all its managers (pointer jumping)."""
    total = own.copy()
    jump = parent.copy()
    live = np.flatnonzero(jump >= 0)
    while live.size:
        above = jump[live]
        total[live] += total[above]
        jump[live] = jump[above]
        live = live[jump[live] >= 0]
    return total


def _subtree_sizes(parent: IntArray, depth: IntArray) -> IntArray:
    """Each node's count of itself and everyone below it, deepest nodes first."""
    size = [1] * parent.size
    up = parent.tolist()
    for node in np.argsort(-depth, kind="stable").tolist():
        boss = up[node]
        if boss >= 0:
            size[boss] += size[node]
    return np.asarray(size, dtype=np.int64)


__all__ = ["OrgTree", "build_tree"]
