"""Which module runs which DDL statement (the session dispatches on the statement's first two words),
and the batch rule for statements that must start a batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import alter, batch, errors, schemas, sequences, triggers
from .batch import Block, Statement

if TYPE_CHECKING:
    from .results import Result

Handler = Callable[[Any, Statement, Any], Iterator["Result"]]

CREATE: dict[str, Handler] = {
    "SEQUENCE": sequences.create_sequence,
    "SCHEMA": schemas.create_schema,
    "TRIGGER": triggers.create_trigger,
}
DROP: dict[str, Handler] = {
    "SEQUENCE": sequences.drop_sequence,
    "SCHEMA": schemas.drop_schema,
    "TRIGGER": triggers.drop_trigger,
}
ALTER: dict[str, Handler] = {
    "TABLE": alter.alter_table,
    "TRIGGER": triggers.create_trigger,
    "DATABASE": triggers.alter_database,  # RECURSIVE_TRIGGERS (and SCOPED CONFIGURATION, passed on)
    "SEQUENCE": sequences.alter_sequence,
    "SCHEMA": schemas.alter_schema,
}

# CREATE/ALTER statements that must be the first statement of their batch, as SQL Server names them in 111.
_FIRST_IN_BATCH = {
    ("CREATE", "VIEW"): "CREATE VIEW",
    ("ALTER", "VIEW"): "ALTER VIEW",
    ("CREATE", "PROCEDURE"): "CREATE/ALTER PROCEDURE",
    ("CREATE", "PROC"): "CREATE/ALTER PROCEDURE",
    ("ALTER", "PROCEDURE"): "CREATE/ALTER PROCEDURE",
    ("ALTER", "PROC"): "CREATE/ALTER PROCEDURE",
    ("CREATE", "FUNCTION"): "CREATE FUNCTION",
    ("ALTER", "FUNCTION"): "ALTER FUNCTION",
    ("CREATE", "TRIGGER"): "CREATE TRIGGER",
    ("ALTER", "TRIGGER"): "ALTER TRIGGER",
    ("CREATE", "SCHEMA"): "CREATE SCHEMA",
    ("CREATE", "DEFAULT"): "CREATE DEFAULT",
    ("CREATE", "RULE"): "CREATE RULE",
}


def _must_start_batch(stmt: Statement) -> str | None:
    words = [stmt.word(i) for i in range(4)]
    if words[:3] == ["CREATE", "OR", "ALTER"]:
        words = ["CREATE", words[3]]
    return _FIRST_IN_BATCH.get((words[0], words[1]))


def check_batch(block: Block) -> None:
    """111: CREATE VIEW/PROCEDURE/FUNCTION/TRIGGER/SCHEMA anywhere but first fails the whole batch."""
    for index, node in enumerate(block.statements):
        for stmt in batch.statements(node):
            name = _must_start_batch(stmt)
            if name is not None and (index > 0 or stmt is not node):
                raise errors.SqlError(111, 15, 1, f"'{name}' must be the first statement in a query batch.", stmt.line)
