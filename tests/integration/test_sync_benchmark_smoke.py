"""The sync benchmark at smoke size, so CI proves it runs and still meets its request target."""

from __future__ import annotations

import json

import pytest

from benchmarks.sync import FULL_SYNC_REQUEST_TARGET, main

pytestmark = pytest.mark.integration


def test_smoke_benchmark_ends_with_one_json_line_meeting_the_request_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # When the benchmark runs at smoke size
    status = main(["--hris", "bamboohr", "--smoke"])
    # Then its last stdout line is the JSON summary, with the figures the issue asks for
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last_line)
    assert status == 0
    assert result["employees"] == 500
    assert 0 < result["requests_full"] <= FULL_SYNC_REQUEST_TARGET
    assert 0 < result["requests_incremental"] <= FULL_SYNC_REQUEST_TARGET
    assert result["changed_incremental"] > 0
    assert result["seconds_full"] > 0
