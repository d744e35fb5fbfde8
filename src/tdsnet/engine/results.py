"""What executing T-SQL produces, in order: the server turns each item into tokens.

The engine knows nothing of TDS; these are the facts a response is made of.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..sqltypes import Column, SqlType


@dataclass(slots=True)
class ResultSet:
    """Rows with their columns.  ``rows`` may be a lazy iterable of row chunks."""

    columns: Sequence[Column]
    chunks: Iterable[Sequence[Sequence[Any]]]


@dataclass(slots=True)
class StatementDone:
    """The end of a statement: its kind and, when SQL Server reports one, a row count."""

    command: str  # SELECT, INSERT, UPDATE, DELETE, ... ; "" for statements without a count
    row_count: int | None = None
    error: bool = False
    in_procedure: bool = False


@dataclass(slots=True)
class ProcedureDone:
    """The end of an RPC call (DONEPROC)."""

    row_count: int | None = None
    error: bool = False


@dataclass(slots=True)
class Message:
    """INFO (severity <= 10) or ERROR."""

    number: int
    severity: int
    state: int
    text: str
    line: int = 1
    procedure: str = ""


class EnvKind(Enum):
    DATABASE = "database"
    LANGUAGE = "language"
    PACKET_SIZE = "packet_size"
    BEGIN_TRANSACTION = "begin_transaction"
    COMMIT_TRANSACTION = "commit_transaction"
    ROLLBACK_TRANSACTION = "rollback_transaction"
    TRANSACTION_ENDED = "transaction_ended"
    RESET_CONNECTION = "reset_connection"


@dataclass(slots=True)
class EnvChange:
    kind: EnvKind
    new: str | int = ""
    old: str | int = ""


@dataclass(slots=True)
class ReturnStatus:
    value: int


@dataclass(slots=True)
class OutputParameter:
    ordinal: int
    name: str
    type: SqlType
    value: Any


Result = ResultSet | StatementDone | ProcedureDone | Message | EnvChange | ReturnStatus | OutputParameter
