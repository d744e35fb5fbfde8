"""The catalog of a database: schemas, objects, and each column's declared type.

It lives in tables inside the database's own SQLite file (so it commits and
rolls back with the DDL that changes it) and is read into an immutable
`Catalog` snapshot keyed by SQLite's schema_version: a session that created a
table in an open transaction sees it, the others do not, as in SQL Server.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from ..sqltypes import SqlType, parse_type
from . import errors
from .modules import ModuleSpec, parse_module
from .storage import quote

MODULE_TYPES = ("P", "FN", "IF", "TF")

META_TABLES = """
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_schemas (
    schema_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    principal_id INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_objects (
    object_id INTEGER PRIMARY KEY,
    schema_id INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    type TEXT NOT NULL,
    parent_object_id INTEGER NOT NULL DEFAULT 0,
    create_date TEXT NOT NULL,
    modify_date TEXT NOT NULL,
    definition TEXT,
    UNIQUE (schema_id, name)
);
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_columns (
    object_id INTEGER NOT NULL,
    column_id INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    type TEXT NOT NULL,
    is_nullable INTEGER NOT NULL,
    is_identity INTEGER NOT NULL DEFAULT 0,
    seed INTEGER,
    increment INTEGER,
    default_sql TEXT,
    computed_sql TEXT,
    collation TEXT,
    is_persisted INTEGER NOT NULL DEFAULT 0,
    is_rowversion INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (object_id, column_id)
);
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_indexes (
    object_id INTEGER NOT NULL,
    index_id INTEGER NOT NULL,
    name TEXT COLLATE NOCASE,
    type INTEGER NOT NULL,
    is_unique INTEGER NOT NULL,
    is_primary_key INTEGER NOT NULL,
    is_unique_constraint INTEGER NOT NULL,
    columns TEXT NOT NULL,
    filter TEXT,
    fill_factor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (object_id, index_id)
);
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_identity (
    object_id INTEGER PRIMARY KEY,
    last_value INTEGER
);
CREATE TABLE IF NOT EXISTS {db}.__tdsnet_sequences (
    object_id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    start_value TEXT NOT NULL,
    increment TEXT NOT NULL,
    minimum_value TEXT NOT NULL,
    maximum_value TEXT NOT NULL,
    is_cycling INTEGER NOT NULL,
    cache_size INTEGER,
    last_value TEXT
);
"""

SYSTEM_SCHEMAS = [
    (1, "dbo"),
    (2, "guest"),
    (3, "INFORMATION_SCHEMA"),
    (4, "sys"),
    (16384, "db_owner"),
    (16385, "db_accessadmin"),
    (16386, "db_securityadmin"),
    (16387, "db_ddladmin"),
    (16389, "db_backupoperator"),
    (16390, "db_datareader"),
    (16391, "db_datawriter"),
    (16392, "db_denydatareader"),
    (16393, "db_denydatawriter"),
]
FIRST_USER_SCHEMA_ID = 5
# SQL Server's user object ids are large; start in the same range.
FIRST_OBJECT_ID = 901578250
OBJECT_ID_STRIDE = 16000057


@dataclass(frozen=True, slots=True)
class ColumnDef:
    column_id: int
    name: str
    type: SqlType
    nullable: bool
    identity: bool = False
    seed: int = 1
    increment: int = 1
    default_sql: str | None = None
    computed_sql: str | None = None
    collation: str | None = None
    persisted: bool = False  # a PERSISTED computed column
    rowversion: bool = False  # rowversion (timestamp): binary(8) the database stamps on every write


CLUSTERED, NONCLUSTERED = 1, 2


@dataclass(frozen=True, slots=True)
class IndexColumn:
    name: str
    descending: bool = False
    included: bool = False


@dataclass(frozen=True, slots=True)
class IndexDef:
    """An index as sys.indexes shows it; PRIMARY KEY and UNIQUE constraints have one too."""

    index_id: int
    name: str
    type: int  # CLUSTERED or NONCLUSTERED
    is_unique: bool
    is_primary_key: bool
    is_unique_constraint: bool
    columns: tuple[IndexColumn, ...]
    filter: str | None = None
    fill_factor: int = 0  # WITH (FILLFACTOR = n); 0 is the server's default

    @property
    def key_columns(self) -> tuple[IndexColumn, ...]:
        return tuple(c for c in self.columns if not c.included)


@dataclass(frozen=True, slots=True)
class TableDef:
    object_id: int
    schema: str
    name: str
    type: str  # U (table), V (view)
    columns: tuple[ColumnDef, ...]
    storage_name: str  # the SQLite table's name inside its database
    create_date: str = ""
    definition: str | None = None
    _by_name: dict[str, ColumnDef] = field(default_factory=dict, compare=False, repr=False)
    indexes: tuple[IndexDef, ...] = ()

    def column(self, name: str) -> ColumnDef | None:
        return self._by_name.get(name.lower())

    @property
    def identity(self) -> ColumnDef | None:
        for col in self.columns:
            if col.identity:
                return col
        return None


@dataclass(frozen=True, slots=True)
class ObjectRow:
    """One row of the database's object list (tables, views, constraints...), as sys.objects has it."""

    object_id: int
    schema_id: int
    name: str
    type: str
    parent_object_id: int
    create_date: str
    modify_date: str
    definition: str | None


@dataclass(frozen=True, slots=True)
class ModuleDef:
    """A stored procedure or function, as its stored definition describes it."""

    object_id: int
    schema: str
    spec: ModuleSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def kind(self) -> str:
        return self.spec.kind


@dataclass(frozen=True, slots=True)
class Catalog:
    """An immutable snapshot of one database's objects."""

    version: int
    schemas: dict[str, int]
    tables: dict[tuple[str, str], TableDef]
    by_id: dict[int, TableDef]
    objects: tuple[ObjectRow, ...] = ()
    schema_names: dict[int, str] = field(default_factory=dict)
    modules: dict[tuple[str, str], ModuleDef] = field(default_factory=dict)
    schema_owners: dict[int, int] = field(default_factory=dict)  # schema_id -> owning principal_id
    triggers: dict[int, tuple] = field(default_factory=dict)  # parent object_id -> its triggers.TriggerDefs

    def module(self, schema: str, name: str) -> ModuleDef | None:
        return self.modules.get((schema.lower(), name.lower()))

    def schema_id(self, name: str) -> int | None:
        return self.schemas.get(name.lower())

    def existing_schema_id(self, name: str) -> int:
        """The schema's id, or SQL Server's 2760 for a schema that is not there."""
        found = self.schemas.get(name.lower())
        if found is None:
            raise errors.unknown_schema(name)
        return found

    def table(self, schema: str, name: str) -> TableDef | None:
        return self.tables.get((schema.lower(), name.lower()))


def storage_name(schema: str, name: str) -> str:
    return f"{schema}.{name}"


def now_text() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


# Columns later versions added to the catalog tables: a database file of an earlier version gets them on open.
ADDED_COLUMNS = (
    ("__tdsnet_columns", "is_persisted", "INTEGER NOT NULL DEFAULT 0"),
    ("__tdsnet_columns", "is_rowversion", "INTEGER NOT NULL DEFAULT 0"),
    ("__tdsnet_indexes", "fill_factor", "INTEGER NOT NULL DEFAULT 0"),
    ("__tdsnet_objects", "is_disabled", "INTEGER NOT NULL DEFAULT 0"),  # DISABLE TRIGGER
)


def install(con: sqlite3.Connection, db: str) -> None:
    """Create the catalog tables and system schemas in a database (idempotent; upgrades older files)."""
    con.executescript(META_TABLES.format(db=quote(db)))
    for table, column, declaration in ADDED_COLUMNS:
        present = {row[1] for row in con.execute(f"PRAGMA {quote(db)}.table_info({table})")}
        if column not in present:
            con.execute(f"ALTER TABLE {quote(db)}.{table} ADD COLUMN {column} {declaration}")
    con.executemany(
        f"INSERT OR IGNORE INTO {quote(db)}.__tdsnet_schemas(schema_id, name) VALUES (?, ?)",
        SYSTEM_SCHEMAS,
    )


def load(con: sqlite3.Connection, db: str, version: int) -> Catalog:
    q = quote(db)
    schema_rows = con.execute(f"SELECT schema_id, name, principal_id FROM {q}.__tdsnet_schemas").fetchall()
    schema_names = {sid: name for sid, name, _ in schema_rows}
    schema_owners = {sid: owner for sid, _, owner in schema_rows}
    schemas = {name.lower(): sid for sid, name in schema_names.items()}
    columns: dict[int, list[ColumnDef]] = {}
    for row in con.execute(
        f"SELECT object_id, column_id, name, type, is_nullable, is_identity, seed, increment,"
        f" default_sql, computed_sql, collation, is_persisted, is_rowversion FROM {q}.__tdsnet_columns"
        " ORDER BY object_id, column_id"
    ):
        columns.setdefault(row[0], []).append(
            ColumnDef(
                column_id=row[1],
                name=row[2],
                type=parse_type(row[3]),
                nullable=bool(row[4]),
                identity=bool(row[5]),
                seed=row[6] if row[6] is not None else 1,
                increment=row[7] if row[7] is not None else 1,
                default_sql=row[8],
                computed_sql=row[9],
                collation=row[10],
                persisted=bool(row[11]),
                rowversion=bool(row[12]),
            )
        )
    indexes: dict[int, list[IndexDef]] = {}
    for object_id, index_id, name, kind, unique, primary, constraint, cols, where, fill in con.execute(
        f"SELECT object_id, index_id, name, type, is_unique, is_primary_key, is_unique_constraint, columns, filter,"
        f" fill_factor FROM {q}.__tdsnet_indexes ORDER BY object_id, index_id"
    ):
        parsed = tuple(IndexColumn(c[0], bool(c[1]), bool(c[2])) for c in json.loads(cols))
        indexes.setdefault(object_id, []).append(
            IndexDef(index_id, name, kind, bool(unique), bool(primary), bool(constraint), parsed, where, fill)
        )
    tables: dict[tuple[str, str], TableDef] = {}
    by_id: dict[int, TableDef] = {}
    objects = tuple(
        ObjectRow(*row)
        for row in con.execute(
            f"SELECT object_id, schema_id, name, type, parent_object_id, create_date, modify_date,"
            f" definition FROM {q}.__tdsnet_objects ORDER BY object_id"
        )
    )
    for row in objects:
        if row.type not in ("U", "V"):
            continue
        object_id, schema_id, name, kind, created, definition = (
            row.object_id,
            row.schema_id,
            row.name,
            row.type,
            row.create_date,
            row.definition,
        )
        schema = schema_names.get(schema_id, "dbo")
        cols = tuple(columns.get(object_id, ()))
        table = TableDef(
            object_id,
            schema,
            name,
            kind,
            cols,
            storage_name(schema, name),
            created,
            definition,
            {c.name.lower(): c for c in cols},
            tuple(indexes.get(object_id, ())),
        )
        tables[(schema.lower(), name.lower())] = table
        by_id[object_id] = table
    modules = {}
    for row in objects:
        if row.type in MODULE_TYPES and row.definition:
            schema = schema_names.get(row.schema_id, "dbo")
            modules[(schema.lower(), row.name.lower())] = ModuleDef(row.object_id, schema, parse_module(row.definition))
    from . import triggers

    found = triggers.load(con, db, objects, schema_names)
    return Catalog(version, schemas, tables, by_id, objects, schema_names, modules, schema_owners, found)


def schema_version(con: sqlite3.Connection, db: str) -> int:
    return con.execute(f"PRAGMA {quote(db)}.schema_version").fetchone()[0]


class CatalogCache:
    """Snapshots by (database, schema_version); a few versions per database."""

    def __init__(self, per_database: int = 4) -> None:
        self._lock = threading.Lock()
        self._snapshots: OrderedDict[tuple[str, int], Catalog] = OrderedDict()
        self._limit = per_database * 16

    def get(self, con: sqlite3.Connection, db: str) -> Catalog:
        version = schema_version(con, db)
        key = (db.lower(), version)
        with self._lock:
            snapshot = self._snapshots.get(key)
            if snapshot is not None:
                self._snapshots.move_to_end(key)
                return snapshot
        snapshot = load(con, db, version)
        with self._lock:
            self._snapshots[key] = snapshot
            while len(self._snapshots) > self._limit:
                self._snapshots.popitem(last=False)
        return snapshot

    def forget(self, db: str) -> None:
        with self._lock:
            for key in [k for k in self._snapshots if k[0] == db.lower()]:
                del self._snapshots[key]


def next_object_id(con: sqlite3.Connection, db: str) -> int:
    row = con.execute(f"SELECT MAX(object_id) FROM {quote(db)}.__tdsnet_objects").fetchone()
    current = row[0]
    return FIRST_OBJECT_ID if current is None else current + OBJECT_ID_STRIDE


def add_object(
    con: sqlite3.Connection,
    db: str,
    schema_id: int,
    name: str,
    kind: str,
    parent: int = 0,
    definition: str | None = None,
) -> int:
    object_id = next_object_id(con, db)
    stamp = now_text()
    con.execute(
        f"INSERT INTO {quote(db)}.__tdsnet_objects(object_id, schema_id, name, type,"
        " parent_object_id, create_date, modify_date, definition) VALUES (?,?,?,?,?,?,?,?)",
        (object_id, schema_id, name, kind, parent, stamp, stamp, definition),
    )
    return object_id


def add_columns(con: sqlite3.Connection, db: str, object_id: int, columns: list[ColumnDef]) -> None:
    con.executemany(
        f"INSERT INTO {quote(db)}.__tdsnet_columns(object_id, column_id, name, type, is_nullable,"
        " is_identity, seed, increment, default_sql, computed_sql, collation, is_persisted, is_rowversion)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                object_id,
                c.column_id,
                c.name,
                str(c.type),
                int(c.nullable),
                int(c.identity),
                c.seed,
                c.increment,
                c.default_sql,
                c.computed_sql,
                c.collation,
                int(c.persisted),
                int(c.rowversion),
            )
            for c in columns
        ],
    )
    for c in columns:
        if c.identity:
            con.execute(
                f"INSERT OR IGNORE INTO {quote(db)}.__tdsnet_identity(object_id, last_value) VALUES (?, NULL)",
                (object_id,),
            )


def replace_columns(con: sqlite3.Connection, db: str, object_id: int, columns: list[ColumnDef]) -> None:
    con.execute(f"DELETE FROM {quote(db)}.__tdsnet_columns WHERE object_id = ?", (object_id,))
    add_columns(con, db, object_id, columns)


def add_index(con: sqlite3.Connection, db: str, object_id: int, index: IndexDef) -> None:
    columns = json.dumps([[c.name, int(c.descending), int(c.included)] for c in index.columns])
    con.execute(
        f"INSERT INTO {quote(db)}.__tdsnet_indexes(object_id, index_id, name, type, is_unique, is_primary_key,"
        " is_unique_constraint, columns, filter, fill_factor) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            object_id,
            index.index_id,
            index.name,
            index.type,
            int(index.is_unique),
            int(index.is_primary_key),
            int(index.is_unique_constraint),
            columns,
            index.filter,
            index.fill_factor,
        ),
    )


def drop_index(con: sqlite3.Connection, db: str, object_id: int, index_id: int) -> None:
    con.execute(f"DELETE FROM {quote(db)}.__tdsnet_indexes WHERE object_id = ? AND index_id = ?", (object_id, index_id))


def update_definition(con: sqlite3.Connection, db: str, object_id: int, kind: str, definition: str) -> None:
    con.execute(
        f"UPDATE {quote(db)}.__tdsnet_objects SET type = ?, definition = ?, modify_date = ? WHERE object_id = ?",
        (kind, definition, now_text(), object_id),
    )


def touch(con: sqlite3.Connection, db: str) -> None:
    """Bump SQLite's schema_version (which keys the catalog cache) for changes that are only rows."""
    con.execute(f"CREATE TABLE {quote(db)}.__tdsnet_touch (x)")
    con.execute(f"DROP TABLE {quote(db)}.__tdsnet_touch")


def drop_object(con: sqlite3.Connection, db: str, object_id: int) -> None:
    q = quote(db)
    con.execute(f"DELETE FROM {q}.__tdsnet_indexes WHERE object_id = ?", (object_id,))
    con.execute(f"DELETE FROM {q}.__tdsnet_columns WHERE object_id = ?", (object_id,))
    con.execute(f"DELETE FROM {q}.__tdsnet_identity WHERE object_id = ?", (object_id,))
    con.execute(f"DELETE FROM {q}.__tdsnet_sequences WHERE object_id = ?", (object_id,))
    con.execute(
        f"DELETE FROM {q}.__tdsnet_objects WHERE object_id = ? OR parent_object_id = ?",
        (object_id, object_id),
    )
