"""The compiled kernels' machine code keeps the promise pair_scan.c's comments make.

The scan's hot loops are built for AVX-512, AVX2 and the baseline on x86-64. A vector clone that
calls a function built for the baseline runs SSE code with the vector registers' upper halves in
use, and Intel CPUs charge a transition for that on every call: it once made the first scan four
times slower on a Xeon while AMD machines showed nothing. So the clones must call nothing. And the
AVX-512 clone of pass 1 looks its small tables up with in-register permutes, not lane by lane (a
third of a full scan's time at 100,000 employees): a compiler that stopped doing so would show
only as a slower benchmark.
"""

from __future__ import annotations

import platform
import re
import subprocess

import pytest

from mentorship.matching.native import kernels

x86_64_only = pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the vector clones exist on x86-64 builds only"
)


def _vector_clones() -> dict[str, str]:
    """The AVX-512 and AVX2 clones in the library pip built from mentorship/matching/*.c, by name,
    disassembled."""
    listing = subprocess.run(  # noqa: S603 - binutils (beside the gcc that built it), fixed arguments
        ["objdump", "-d", "--no-show-raw-insn", kernels()._name],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(
        re.findall(r"^[0-9a-f]+ <(\w+\.(?:avx2|arch_x86_64_v4))>:\n(.*?)(?=\n\n)", listing, flags=re.M | re.S)
    )


@x86_64_only
def test_vector_clones_of_the_pair_scan_call_no_baseline_function() -> None:
    # given the library's AVX-512 and AVX2 clones, disassembled
    clones = list(_vector_clones().items())
    # then there are both of the scan's two passes, and none of them calls out
    assert {name for name, _ in clones} == {
        f"{function}.{target}"
        for function in ("block_values", "rank_block")
        for target in ("avx2", "arch_x86_64_v4")
    }
    calls = {name: re.findall(r"\bcall\s+\S+\s+<([^>]+)>", body) for name, body in clones}
    assert calls == {name: [] for name, _ in clones}


@x86_64_only
def test_the_avx512_pass_looks_tables_up_in_registers() -> None:
    # given pass 1's AVX-512 clone, disassembled
    body = _vector_clones()["block_values.arch_x86_64_v4"]
    # then its lookups are permutes: one register of table (skill terms), and two (zone gains)
    assert re.search(r"\bvpermpd\s+%zmm", body)
    assert re.search(r"\bvperm[it]2pd\s+%zmm", body)
