"""Sequence objects: CREATE/ALTER/DROP SEQUENCE, NEXT VALUE FOR, and sys.sequences.

A sequence is an object of type SO in the catalog (its definition carries the data type, so the compiler
can type NEXT VALUE FOR from the snapshot) and a row of ``__tdsnet_sequences`` with its bounds and last
value.  NEXT VALUE FOR compiles to ``tsql_next_value(db, object_id)``, which moves that row on inside the
statement's own transaction (so, unlike SQL Server's, a sequence value given out in a rolled-back
transaction is handed out again).  Values are kept as decimal text: a sequence may be numeric(38, 0).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from .. import sqltypes
from ..sqltypes import SqlType, TypeError_, parse_type
from . import catalog, errors, functions
from .ddl_syntax import Tokens
from .results import Result, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame

# The range of each integer type a sequence may have.
_RANGES = {
    "tinyint": (Decimal(0), Decimal(255)),
    "smallint": (Decimal(-(2**15)), Decimal(2**15 - 1)),
    "int": (Decimal(-(2**31)), Decimal(2**31 - 1)),
    "bigint": (Decimal(-(2**63)), Decimal(2**63 - 1)),
}


@dataclass(slots=True)
class SequenceDef:
    """A sequence's properties and state, as ``__tdsnet_sequences`` keeps them."""

    object_id: int
    type: SqlType
    start: Decimal
    increment: Decimal
    minimum: Decimal
    maximum: Decimal
    cycling: bool
    cache: int | None  # None: NO CACHE; 0: the default cache
    last: Decimal | None  # the last value handed out (None: none yet)
    created: str = ""  # the object's create_date: with its id, what `LastValues` knows it by

    @property
    def current(self) -> Decimal:
        """sys.sequences.current_value: the last value handed out, or the start before the first."""
        return self.start if self.last is None else self.last


def type_range(st: SqlType) -> tuple[Decimal, Decimal]:
    if st.name in _RANGES:
        return _RANGES[st.name]
    bound = Decimal(10) ** (st.precision or 18) - 1
    return -bound, bound


def typed_value(st: SqlType, number: Decimal) -> int | Decimal:
    return int(number) if st.family == "int" else number


# --- the SQLite function -------------------------------------------------------------------------


class NextValue(exp.Expression, exp.Func):
    """NEXT VALUE FOR, resolved: renders as tsql_next_value('db', object_id)."""

    arg_types = {"expressions": True}
    is_var_len_args = True
    _sql_names = ["TSQL_NEXT_VALUE"]


def prepare(tree: exp.Expression, ctx: Any, dependencies: set[tuple[str, int]]) -> bool:
    """Resolve each NEXT VALUE FOR in ``tree`` to its sequence (208 when there is none); whether any was."""
    found = False
    for node in list(tree.find_all(exp.NextValueFor)):
        target = node.this
        parts = [p.name for p in (target.args.get("catalog"), target.args.get("table")) if p is not None]
        resolver = getattr(ctx, "resolve_sequence", None)
        resolved = (
            resolver(
                target.args["catalog"].name if target.args.get("catalog") else None,
                target.args["table"].name if target.args.get("table") else None,
                target.name,
            )
            if resolver
            else None
        )
        if resolved is None:
            raise errors.invalid_object(".".join([*parts, target.name]))
        db, object_id, st, dependency = resolved
        value = NextValue(expressions=[exp.Literal.string(db), exp.Literal.number(object_id)])
        value.meta["tds_sequence_type"] = st
        node.replace(value)
        dependencies.add(dependency)
        found = True
    return found


def resolve(session: EngineSession, database: str | None, schema: str | None, name: str) -> Any:
    """(db, object_id, type, catalog dependency) of a sequence, or None."""
    found = session.engine.database(database or session.database)
    if found is None:
        return None
    cat = session._catalog(found.name)
    schema_id = cat.schema_id(schema or "dbo")
    for row in cat.objects:
        if row.type == "SO" and row.schema_id == schema_id and row.name.lower() == name.lower():
            st = parse_type(json.loads(row.definition or "{}").get("type", "bigint"))
            return found.name, row.object_id, st, (found.name, cat.version)
    return None


def _select(db: str) -> str:
    q = quote(db)
    return (
        "SELECT s.object_id, s.type, s.start_value, s.increment, s.minimum_value, s.maximum_value, s.is_cycling,"
        f" s.cache_size, s.last_value, o.create_date FROM {q}.__tdsnet_sequences AS s"
        f" JOIN {q}.__tdsnet_objects AS o ON o.object_id = s.object_id"
    )


def load(con: sqlite3.Connection, db: str, object_id: int) -> SequenceDef | None:
    row = con.execute(_select(db) + " WHERE s.object_id = ?", (object_id,)).fetchone()
    return None if row is None else _definition(row)


def _definition(row: Sequence[Any]) -> SequenceDef:
    last = Decimal(row[8]) if row[8] is not None else None
    return SequenceDef(
        row[0],
        parse_type(row[1]),
        Decimal(row[2]),
        Decimal(row[3]),
        Decimal(row[4]),
        Decimal(row[5]),
        bool(row[6]),
        row[7],
        last,
        row[9],
    )


def load_all(con: sqlite3.Connection, db: str) -> dict[int, SequenceDef]:
    return {row[0]: _definition(row) for row in con.execute(_select(db)).fetchall()}


def next_value(session: EngineSession, db: str, object_id: int) -> int | Decimal:
    """The sequence's next value, written back at once (the write lock is taken first)."""
    con = session._connection()
    q = quote(db)
    con.execute(f"UPDATE {q}.__tdsnet_sequences SET last_value = last_value WHERE object_id = ?", (object_id,))
    found = load(con, db, object_id)
    if found is None:
        raise errors.invalid_object(str(object_id))
    key = (db.lower(), object_id, found.created)  # as `LastValues` knows it
    found.last = session.engine.last_values.further(key, found.last, found.increment)
    if found.last is None:
        value = found.start
    else:
        value = found.last + found.increment
        if value > found.maximum or value < found.minimum:
            if not found.cycling:
                name = con.execute(f"SELECT name FROM {q}.__tdsnet_objects WHERE object_id = ?", (object_id,))
                raise exhausted((name.fetchone() or ("",))[0])
            value = found.minimum if found.increment > 0 else found.maximum
    con.execute(f"UPDATE {q}.__tdsnet_sequences SET last_value = ? WHERE object_id = ?", (str(value), object_id))
    session.engine.last_values.remember(key, value)
    return typed_value(found.type, value)


def exhausted(name: str) -> errors.SqlError:
    return errors.SqlError(
        11728,
        16,
        1,
        f"The sequence object '{name}' has reached its minimum or maximum value. Restart the sequence object to "
        "allow new values to be generated.",
    )


def _tsql_next_value(db: str, object_id: int) -> Any:
    value = next_value(functions.session(), db, int(object_id))
    return str(value) if isinstance(value, Decimal) else value  # a decimal as it is stored: exact text


SQLITE_FUNCTIONS = [("tsql_next_value", 2, functions.guarded(_tsql_next_value), False)]


# --- CREATE / ALTER / DROP SEQUENCE -----------------------------------------------------------------


@dataclass(slots=True)
class _Options:
    type: SqlType | None = None
    start: Decimal | None = None
    restart: Decimal | None = None
    restart_default: bool = False
    increment: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    no_minimum: bool = False
    no_maximum: bool = False
    cycling: bool | None = None
    cache: int | None = None
    no_cache: bool = False


def _read_options(tokens: Tokens, alter: bool) -> _Options:
    options = _Options()
    while not tokens.at_end():
        if not alter and tokens.accept("AS"):
            options.type = _sequence_type(tokens)
        elif not alter and tokens.accept("START", "WITH"):
            options.start = tokens.number()
        elif alter and tokens.accept("RESTART"):
            if tokens.accept("WITH"):
                options.restart = tokens.number()
            else:
                options.restart_default = True
        elif tokens.accept("INCREMENT", "BY"):
            options.increment = tokens.number()
        elif tokens.accept("MINVALUE"):
            options.minimum = tokens.number()
        elif tokens.accept("MAXVALUE"):
            options.maximum = tokens.number()
        elif tokens.accept("NO", "MINVALUE"):
            options.no_minimum = True
        elif tokens.accept("NO", "MAXVALUE"):
            options.no_maximum = True
        elif tokens.accept("CYCLE"):
            options.cycling = True
        elif tokens.accept("NO", "CYCLE"):
            options.cycling = False
        elif tokens.accept("CACHE"):
            options.cache = int(tokens.number()) if tokens.word()[:1].isdigit() else 0
        elif tokens.accept("NO", "CACHE"):
            options.no_cache = True
        else:
            raise tokens.error()
    return options


def _sequence_type(tokens: Tokens) -> SqlType:
    start = tokens.pos
    tokens.name()
    if tokens.token() is not None and tokens.word() == "(":
        tokens.skip_parenthesized()
    text = tokens.text_between(start, tokens.pos)
    try:
        return parse_type(text)
    except TypeError_ as exc:
        raise errors.SqlError(2715, 16, 6, str(exc)) from None


def _check(name: str, seq: SequenceDef) -> None:
    st = seq.type
    if st.family not in ("int", "decimal") or st.name not in (*_RANGES, "decimal", "numeric") or st.scale:
        raise errors.SqlError(
            11702,
            16,
            1,
            f"The sequence object '{name}' must be of data type int, bigint, smallint, tinyint, or decimal or numeric "
            "with a scale of 0, or any user-defined data type that is based on one of the above integer data types.",
        )
    low, high = type_range(st)
    if seq.increment == 0:
        raise errors.SqlError(11700, 16, 1, f"The increment for sequence object '{name}' cannot be 0.")
    for label, bound in (("minimum", seq.minimum), ("maximum", seq.maximum)):
        if not low <= bound <= high:
            raise errors.SqlError(
                11706,
                16,
                1,
                f"The {label} value for sequence object '{name}' must be within the range of its data type.",
            )
    if seq.minimum >= seq.maximum:
        raise errors.SqlError(
            11705, 16, 1, f"The minimum value for sequence object '{name}' must be less than its maximum value."
        )
    if not seq.minimum <= seq.start <= seq.maximum:
        raise errors.SqlError(
            11703,
            16,
            1,
            f"The start value for sequence object '{name}' must be between the minimum and maximum value of the "
            "sequence object.",
        )
    if abs(seq.increment) > seq.maximum - seq.minimum:
        raise errors.SqlError(
            11704,
            16,
            1,
            f"The absolute value of the increment for sequence object '{name}' must be less than or equal to the "
            "difference between the minimum and maximum value of the sequence object.",
        )


def _target(session: EngineSession, tokens: Tokens) -> tuple[str, str, str]:
    parts = tokens.qualified()
    if len(parts) > 3:
        raise tokens.error()
    name = parts[-1]
    schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
    database = parts[-3] if len(parts) > 2 and parts[-3] else session.database
    found = session.engine.database(database)
    if found is None:
        raise errors.unknown_database(database)
    session._connection()
    session._attach(found.name)
    return found.name, schema, name


def _find(session: EngineSession, db: str, schema: str, name: str) -> catalog.ObjectRow | None:
    cat = session._catalog(db)
    schema_id = cat.schema_id(schema)
    return next(
        (o for o in cat.objects if o.type == "SO" and o.schema_id == schema_id and o.name.lower() == name.lower()),
        None,
    )


def create_sequence(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    del frame
    tokens = Tokens(stmt, 2)
    db, schema, name = _target(session, tokens)
    options = _read_options(tokens, alter=False)
    st = options.type or sqltypes.BIGINT
    if st.name in ("decimal", "numeric") and st.scale:
        st = SqlType(st.name, precision=st.precision, scale=st.scale)
    low, high = type_range(st) if st.family in ("int", "decimal") else (Decimal(0), Decimal(0))
    increment = options.increment if options.increment is not None else Decimal(1)
    minimum = low if options.minimum is None else options.minimum
    maximum = high if options.maximum is None else options.maximum
    start = options.start if options.start is not None else (minimum if increment > 0 else maximum)
    cache = None if options.no_cache else (options.cache or 0)
    seq = SequenceDef(0, st, start, increment, minimum, maximum, bool(options.cycling), cache, None)
    _check(name, seq)
    cat = session._catalog(db)
    schema_id = cat.existing_schema_id(schema)
    if any(o.schema_id == schema_id and o.name.lower() == name.lower() for o in cat.objects):
        raise errors.object_exists(name)
    con = session._connection()

    def write() -> None:
        object_id = catalog.add_object(con, db, schema_id, name, "SO", definition=json.dumps({"type": str(st)}))
        seq.object_id = object_id
        _save(con, db, seq)
        catalog.touch(con, db)

    session._in_write(write)
    yield StatementDone("")


def _save(con: sqlite3.Connection, db: str, seq: SequenceDef) -> None:
    con.execute(
        f"INSERT OR REPLACE INTO {quote(db)}.__tdsnet_sequences (object_id, type, start_value, increment,"
        " minimum_value, maximum_value, is_cycling, cache_size, last_value) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            seq.object_id,
            str(seq.type),
            str(seq.start),
            str(seq.increment),
            str(seq.minimum),
            str(seq.maximum),
            int(seq.cycling),
            seq.cache,
            None if seq.last is None else str(seq.last),
        ),
    )


def alter_sequence(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    del frame
    tokens = Tokens(stmt, 2)
    db, schema, name = _target(session, tokens)
    options = _read_options(tokens, alter=True)
    row = _find(session, db, schema, name)
    if row is None:
        raise errors.SqlError(
            15151,
            16,
            1,
            f"Cannot alter the sequence '{name}', because it does not exist or you do not have permission.",
        )
    con = session._connection()

    def write() -> None:
        seq = load(con, db, row.object_id)
        assert seq is not None
        low, high = type_range(seq.type)
        if options.increment is not None:
            seq.increment = options.increment
        seq.minimum = low if options.no_minimum else (options.minimum if options.minimum is not None else seq.minimum)
        seq.maximum = high if options.no_maximum else (options.maximum if options.maximum is not None else seq.maximum)
        if options.cycling is not None:
            seq.cycling = options.cycling
        if options.no_cache or options.cache is not None:
            seq.cache = None if options.no_cache else options.cache
        if options.restart is not None or options.restart_default:
            session.engine.last_values.forget((db.lower(), row.object_id, row.create_date))
        if options.restart is not None:
            seq.start, seq.last = options.restart, None
        elif options.restart_default:
            seq.last = None
        _check(name, seq)
        _save(con, db, seq)
        catalog.update_definition(con, db, row.object_id, "SO", row.definition or "{}")
        catalog.touch(con, db)

    session._in_write(write)
    yield StatementDone("")


def drop_sequence(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    del frame
    tokens = Tokens(stmt, 2)
    exists = tokens.accept("IF", "EXISTS")
    con = session._connection()
    while True:
        db, schema, name = _target(session, tokens)
        row = _find(session, db, schema, name)
        if row is None:
            if not exists:
                written = name if schema.lower() == "dbo" else f"{schema}.{name}"
                raise errors.cannot_drop("sequence", written)
        else:
            session._in_write(lambda d=db, r=row: (catalog.drop_object(con, d, r.object_id), catalog.touch(con, d)))
        if not tokens.accept(","):
            break
    if not tokens.at_end():
        raise tokens.error()
    yield StatementDone("")
