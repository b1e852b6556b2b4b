"""Every key of the single table, built in one place (the layout is documented in `__init__`).

Prefixes are distinct from each other and from Powertools idempotency records (`idempotency#...`),
so one item type can never be mistaken for another.
"""

from __future__ import annotations

import hashlib

# Employees are spread over a fixed number of partitions so a 100k-person full sync never hits one
# partition's write ceiling and `all()` can read the shards in parallel. Changing it means re-keying
# every employee item, so it is a constant, not a setting.
EMPLOYEE_SHARDS = 16

Key = dict[str, str]


def employee_shard(employee_id: str, shards: int = EMPLOYEE_SHARDS) -> int:
    # Stable across processes and Python versions (unlike hash()).
    return int.from_bytes(hashlib.sha256(employee_id.encode()).digest()[:4], "big") % shards


def employee_partition(shard: int) -> str:
    return f"emp#{shard:02d}"


def employee(employee_id: str, shards: int = EMPLOYEE_SHARDS) -> Key:
    return {"pk": employee_partition(employee_shard(employee_id, shards)), "sk": f"emp#{employee_id}"}


PROGRAM_PARTITION = "programs"


def program(program_id: str) -> Key:
    return {"pk": PROGRAM_PARTITION, "sk": f"program#{program_id}"}


def run(run_id: str) -> Key:
    return {"pk": f"run#{run_id}", "sk": "run"}


def run_program_pointer(run_id: str) -> Key:
    """Which programme a run belongs to, written with its pairings so `pairings_of_run` needs only the id."""
    return {"pk": f"run#{run_id}", "sk": "program"}


def pairing(pairing_id: str) -> Key:
    return {"pk": f"pairing#{pairing_id}", "sk": "pairing"}


def program_pairings_index(program_id: str) -> str:
    return f"program#{program_id}#pairings"


def program_pairings_sort(run_id: str, pairing_id: str) -> str:
    return f"{run_id}#{pairing_id}"


def person_pairing_edge(employee_id: str, pairing_id: str) -> Key:
    return {"pk": f"person#{employee_id}", "sk": f"pairing#{pairing_id}"}


def person_partition(employee_id: str) -> str:
    return f"person#{employee_id}"


TRAINING_PREFIX = "training#"


def assignment(pairing_id: str, assignment_id: str) -> Key:
    return {"pk": f"pairing#{pairing_id}", "sk": f"{TRAINING_PREFIX}{assignment_id}"}


def watermark(source: str) -> Key:
    return {"pk": f"watermark#{source}", "sk": "watermark"}


def ledger(key: str) -> Key:
    return {"pk": f"ledger#{key}", "sk": "ledger"}
