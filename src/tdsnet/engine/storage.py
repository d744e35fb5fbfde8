"""The embedded store: one SQLite file per database, SQL Server's collations on top.

Each session owns one SQLite connection (opened on first store access) whose
``main`` schema is an empty in-memory database; every database the session
touches is ATTACHed under its own name, so three-part names and USE need no
reconnection and a transaction may span databases.  Temporary tables live in
SQLite's per-connection ``temp`` schema.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

DEFAULT_COLLATION = "SQL_Latin1_General_CP1_CI_AS"
DECIMAL_COLLATION = "TDSNET_DECIMAL"
DTO_COLLATION = "TDSNET_DATETIMEOFFSET"
BUSY_TIMEOUT_MS = 50  # the engine retries around it, honouring LOCK_TIMEOUT and ATTENTION


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def collation_key(name: str) -> Callable[[str], str]:
    """The comparison key of a SQL Server collation: trailing spaces never count;
    _CI folds case, _AI strips accents, _BIN/_BIN2 compare code points."""
    upper = name.upper()
    if upper.endswith(("_BIN", "_BIN2")):
        return lambda s: s.rstrip(" ")
    fold_case = "_CI" in upper
    strip_accents = "_AI" in upper

    def key(text: str) -> str:
        text = text.rstrip(" ")
        if fold_case:
            text = text.casefold()
        if strip_accents:
            text = _strip_accents(text)
        return text

    return key


def _comparator(key: Callable[[str], str]) -> Callable[[str, str], int]:
    cached = functools.lru_cache(maxsize=4096)(key)

    def compare(a: str, b: str) -> int:
        ka, kb = cached(a), cached(b)
        return (ka > kb) - (ka < kb)

    return compare


def _decimal_compare(a: str, b: str) -> int:
    try:
        da, db = Decimal(a), Decimal(b)
    except InvalidOperation:
        return (a > b) - (a < b)
    return (da > db) - (da < db)


def _dto_utc(text: str) -> str:
    """A stored datetimeoffset as sortable UTC text."""
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(text[:27].rstrip())
        sign = -1 if text[-6] == "-" else 1
        hours, minutes = int(text[-5:-3]), int(text[-2:])
        utc = value - sign * dt.timedelta(hours=hours, minutes=minutes)
        return utc.isoformat(" ")
    except (ValueError, IndexError):
        return text


def _dto_compare(a: str, b: str) -> int:
    ka, kb = _dto_utc(a), _dto_utc(b)
    return (ka > kb) - (ka < kb)


# Collation names tdsnet understands; any SQL Server name of these shapes works in COLLATE.
KNOWN_COLLATIONS = [
    DEFAULT_COLLATION,
    "SQL_Latin1_General_CP1_CS_AS",
    "SQL_Latin1_General_CP1_CI_AI",
    "Latin1_General_CI_AS",
    "Latin1_General_CS_AS",
    "Latin1_General_CI_AI",
    "Latin1_General_100_CI_AS",
    "Latin1_General_100_CS_AS",
    "Latin1_General_100_CI_AI",
    "Latin1_General_100_CI_AS_SC",
    "Latin1_General_100_CI_AS_SC_UTF8",
    "Latin1_General_BIN",
    "Latin1_General_BIN2",
    "Latin1_General_100_BIN2",
    "SQL_Latin1_General_CP1_CS_AI",
]
_COLLATION_RE = re.compile(r"^[A-Za-z0-9_]+$")


def is_known_collation(name: str) -> bool:
    return any(name.lower() == known.lower() for known in KNOWN_COLLATIONS)


def canonical_collation(name: str) -> str:
    for known in KNOWN_COLLATIONS:
        if known.lower() == name.lower():
            return known
    return name


FunctionSpec = tuple[str, int, Callable, bool]
AggregateSpec = tuple[str, int, type]


class Store:
    """Where the database files live, and how connections to them are opened."""

    def __init__(self, data_dir: Path, functions: list[FunctionSpec], aggregates: list[AggregateSpec]) -> None:
        self.data_dir = data_dir
        self._functions = functions
        self._aggregates = aggregates

    def path_of(self, database: str) -> Path:
        return self.data_dir / f"{database.lower()}.db"

    def connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None, cached_statements=256)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA recursive_triggers = ON")
        for name in KNOWN_COLLATIONS:
            con.create_collation(name, _comparator(collation_key(name)))
        con.create_collation(DECIMAL_COLLATION, _decimal_compare)
        con.create_collation(DTO_COLLATION, _dto_compare)
        for name, nargs, func, deterministic in self._functions:
            con.create_function(name, nargs, func, deterministic=deterministic)
        for name, nargs, aggregate in self._aggregates:
            con.create_window_function(name, nargs, aggregate)
        return con

    def attach(self, con: sqlite3.Connection, database: str) -> None:
        con.execute("ATTACH DATABASE ? AS " + quote(database), (str(self.path_of(database)),))
        con.execute(f"PRAGMA {quote(database)}.synchronous = NORMAL")

    def create_file(self, database: str) -> None:
        """Create a database file in WAL mode (the mode persists in the file)."""
        path = self.path_of(database)
        con = sqlite3.connect(path, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA foreign_keys = ON")
        finally:
            con.close()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
