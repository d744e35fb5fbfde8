"""Bulk load: INSERT BULK, then the rows of a BULK_LOAD message (SqlBulkCopy, bcp, tedious, pytds).

``INSERT BULK table (col type, ...) [WITH (options)]`` names the target and the columns the rows
will carry; the session keeps it until the rows arrive.  The rows are inserted by parameterized
INSERT statements of as many rows as 2,100 parameters and 1,000 VALUES rows allow (the same text for
every full chunk, so it is parsed once), all in one transaction: a row that fails takes the whole batch back, as a
bulk load batch does in SQL Server.  Without KEEP_NULLS a NULL takes the column's default; without
KEEPIDENTITY the identity column's values are ignored and generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot.tokens import TokenType

from ..sqltypes import SqlType
from . import errors
from .batch import Statement
from .results import Message, Result, StatementDone

if TYPE_CHECKING:
    from .session import EngineSession

MAX_PARAMETERS = 2100
MAX_VALUES_ROWS = 1000  # rows in one VALUES list (error 10738 past it)


@dataclass(frozen=True, slots=True)
class BulkTarget:
    """What INSERT BULK announced: the table as written, its columns, and the options that matter."""

    table: str  # bracketed, for the INSERT
    parts: tuple[str | None, str | None, str]  # catalog, schema, name
    columns: tuple[str, ...]
    keep_nulls: bool
    keep_identity: bool


@dataclass(frozen=True, slots=True)
class _Arg:
    """A positional parameter as sp_executesql's binding reads it."""

    value: Any
    name: str = ""


def is_insert_bulk(stmt: Statement) -> bool:
    tokens = stmt.tokens
    return len(tokens) > 1 and stmt.keyword == "INSERT" and tokens[1].text.upper() == "BULK"


Resolve = Callable[[str | None, str | None, str], Any]  # a session's table lookup (catalog, schema, name)


def prepare(session: EngineSession, stmt: Statement, resolve: Resolve) -> Iterator[Result]:
    """INSERT BULK: check the table and columns, and expect the rows next."""
    tokens = stmt.tokens[2:]
    words = [t.text for t in tokens]
    open_at = words.index("(") if "(" in words else len(words)
    names = [t.text for t in tokens[:open_at] if t.token_type != TokenType.DOT]  # brackets already gone
    if not 0 < len(names) <= 3:
        raise errors.syntax_error(words[0] if words else "BULK", stmt.line)
    parts: tuple[str | None, str | None, str] = (*([None] * (3 - len(names))), *names)  # type: ignore[assignment]
    name = ".".join(names)
    source = resolve(*parts)
    if source is None or source.table is None:
        raise errors.invalid_object(name)
    columns = tuple(_column_names(words[open_at:]))
    for column in columns:
        if source.column(column) is None:
            raise errors.invalid_column(column)
    options = {w.upper() for w in words[open_at:]}
    table = ".".join(_bracketed(part) for part in parts if part is not None)
    session.bulk_target = BulkTarget(table, parts, columns, "KEEP_NULLS" in options, "KEEPIDENTITY" in options)
    yield StatementDone("")


def _column_names(words: list[str]) -> Iterator[str]:
    """The first word of each item of the parenthesized column list: its name."""
    depth = 0
    expect_name = False
    for word in words:
        if word == "(":
            depth += 1
            expect_name = depth == 1
            continue
        if word == ")":
            depth -= 1
            if depth == 0:
                return
            continue
        if depth == 1 and word == ",":
            expect_name = True
        elif expect_name:
            expect_name = False
            yield word.strip("[]")


def load(
    session: EngineSession, resolve: Resolve, columns: Sequence[tuple[str, SqlType]], rows: list[list[Any]]
) -> Iterator[Result]:
    """The rows of a BULK_LOAD message into the announced table; DONE carries how many."""
    target = session.bulk_target
    session.bulk_target = None
    if target is None:
        raise errors.SqlError(4804, 16, 1, "The bulk load data was not preceded by an INSERT BULK statement.")
    source = resolve(*target.parts)
    if source is None or source.table is None:
        raise errors.invalid_object(target.table)
    identity = source.table.identity
    keep = [
        i
        for i, (name, _) in enumerate(columns)
        if target.keep_identity or identity is None or name.lower() != identity.name.lower()
    ]
    if not keep:
        yield StatementDone("INSERT", 0)
        return
    declared = [columns[i] for i in keep]
    per_chunk = max(1, min(MAX_VALUES_ROWS, MAX_PARAMETERS // len(keep)))
    inserted = 0
    statements: dict[int, tuple[str, str]] = {}  # by rows per chunk: every full chunk has the same text
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start : start + per_chunk]
        if len(chunk) not in statements:
            statements[len(chunk)] = _statement(target, source, declared, len(chunk))
        text, definitions = statements[len(chunk)]
        args = [_Arg(row[i]) for row in chunk for i in keep]
        for item in session._run_with_parameters(text, definitions, args):
            if isinstance(item, Message) and item.severity > 10:
                raise errors.SqlError(item.number, item.severity, item.state, item.text)
            if isinstance(item, StatementDone) and item.command == "INSERT" and item.row_count is not None:
                inserted += item.row_count
    yield StatementDone("INSERT", inserted)


def _bracketed(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def _statement(target: BulkTarget, source: Any, declared: list[tuple[str, SqlType]], count: int) -> tuple[str, str]:
    """INSERT ... VALUES of ``count`` rows of parameters, and the parameters' definitions."""
    width = len(declared)
    names = ", ".join(_bracketed(name) for name, _ in declared)
    values = []
    for row in range(count):
        cells = []
        for j, (name, _) in enumerate(declared):
            slot = f"@p{row * width + j}"
            column = source.table.column(name)  # (an unknown one fails in the INSERT: 207)
            default = column.default_sql if column is not None and not target.keep_nulls else None
            cells.append(f"COALESCE({slot}, {default})" if default else slot)
        values.append("(" + ", ".join(cells) + ")")
    text = f"INSERT INTO {target.table} ({names}) VALUES {', '.join(values)}"
    if target.keep_identity and source.table.identity is not None:
        text = f"SET IDENTITY_INSERT {target.table} ON; {text}; SET IDENTITY_INSERT {target.table} OFF"
    definitions = ", ".join(f"@p{row * width + j} {st}" for row in range(count) for j, (_, st) in enumerate(declared))
    return text, definitions
