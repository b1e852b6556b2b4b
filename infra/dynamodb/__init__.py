"""DynamoDB adapters of the domain's ports, all on one table (`MentorbridgeTable` in `template.yaml`).

The key layout, the access patterns and why they are shaped so are in `infra/README.md`; keys are built
only in `keys.py`, and `schema.py` holds the table definition the template declares.
"""

from infra.dynamodb.employees import DynamoEmployeeDirectory
from infra.dynamodb.pairings import DynamoPairingStore
from infra.dynamodb.programs import DynamoProgramStore
from infra.dynamodb.sync_state import DynamoSyncStateStore, DynamoWriteLedger

__all__ = [
    "DynamoEmployeeDirectory",
    "DynamoPairingStore",
    "DynamoProgramStore",
    "DynamoSyncStateStore",
    "DynamoWriteLedger",
]
