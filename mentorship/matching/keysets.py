"""Sorted sets of int64 pair keys, by sort and binary search.

numpy 2.x's `unique` (and so `setdiff1d`, `union1d`) takes a hash-table path for integers that
is about 20x slower than a plain sort on the millions of (mentee, mentor) keys pricing handles
each round; these helpers give the same sorted results at sort speed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def unique_keys(keys: IntArray) -> IntArray:
    """The distinct keys, sorted (same result as np.unique)."""
    # Timsort: the pricing loop's keys come as a few sorted runs (a scan's output, a candidate
    # set plus what is new), which it merges in a fraction of a quicksort's time.
    ordered = np.sort(keys, kind="stable")
    if ordered.size < 2:
        return ordered
    first = np.empty(ordered.size, dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def contains(sorted_keys: IntArray, keys: IntArray) -> npt.NDArray[np.bool_]:
    """For each of `keys`: is it in `sorted_keys` (sorted ascending)?"""
    if sorted_keys.size == 0:
        return np.zeros(keys.size, dtype=np.bool_)
    place = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    found: npt.NDArray[np.bool_] = sorted_keys[place] == keys
    return found


def missing_keys(keys: IntArray, sorted_keys: IntArray) -> IntArray:
    """The distinct keys not in `sorted_keys`, sorted (same result as np.setdiff1d)."""
    distinct = unique_keys(keys)
    return distinct[~contains(sorted_keys, distinct)]


def merged_keys(left: IntArray, right: IntArray) -> IntArray:
    """The sorted union (same result as np.union1d)."""
    return unique_keys(np.concatenate((left, right)))
