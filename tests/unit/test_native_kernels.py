"""The compiled kernels' machine code keeps the promise pair_scan.c's comments make.

The scan's hot loops are built for AVX-512, AVX2 and the baseline on x86-64. A vector clone that
calls a function built for the baseline runs SSE code with the vector registers' upper halves in
use, and Intel CPUs charge a transition for that on every call: it once made the first scan four
times slower on a Xeon while AMD machines showed nothing. So the clones must call nothing.
"""

from __future__ import annotations

import platform
import re
import subprocess

import pytest

from mentorship.matching.native import kernels


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the vector clones exist on x86-64 builds only")
def test_vector_clones_of_the_pair_scan_call_no_baseline_function() -> None:
    # given the library pip built from mentorship/matching/*.c
    library = kernels()._name
    # when its AVX-512 and AVX2 clones are disassembled
    listing = subprocess.run(  # noqa: S603 - binutils (beside the gcc that built it), fixed arguments
        ["objdump", "-d", "--no-show-raw-insn", library],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    clones = re.findall(
        r"^[0-9a-f]+ <(\w+\.(?:avx2|arch_x86_64_v4))>:\n(.*?)(?=\n\n)", listing, flags=re.M | re.S
    )
    # then there are both of the scan's two passes, and none of them calls out
    assert {name for name, _ in clones} == {
        f"{function}.{target}"
        for function in ("block_values", "rank_block")
        for target in ("avx2", "arch_x86_64_v4")
    }
    calls = {name: re.findall(r"\bcall\s+\S+\s+<([^>]+)>", body) for name, body in clones}
    assert calls == {name: [] for name, _ in clones}
