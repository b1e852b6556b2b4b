"""The scan's two-stage top-k returns exactly the k largest entries of every row."""

from __future__ import annotations

import numpy as np
import pytest

from mentorship.matching.candidates import top_columns


@pytest.mark.parametrize(
    ("rows", "width", "take"),
    [(40, 7000, 25), (5, 29008, 9), (300, 2000, 9), (7, 130, 9), (3, 5, 9), (11, 64, 1)],
)
def test_top_columns_matches_a_full_partition(rows: int, width: int, take: int) -> None:
    # Given rows with many ties and some ruled-out (-inf) entries
    rng = np.random.default_rng(width)
    values = rng.integers(0, 40, size=(rows, width)).astype(np.float64)
    values[rng.random((rows, width)) < 0.2] = -np.inf
    # When the two-stage selection picks each row's top entries
    chosen = top_columns(values, take)
    # Then the multiset of chosen values equals the true top-k, with no column twice
    kept = min(take, width)
    expected = -np.sort(-values, axis=1)[:, :kept]
    got = -np.sort(-np.take_along_axis(values, chosen, axis=1), axis=1)
    assert np.array_equal(got, expected)
    assert all(len(set(row)) == kept for row in chosen.tolist())
