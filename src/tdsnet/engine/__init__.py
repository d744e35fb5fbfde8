"""The T-SQL engine: batches in, results out, on an embedded SQLite store.

    engine = Engine(data_dir, ServerInfo(...))
    engine.open()
    session = engine.new_session(SessionInfo(spid=51, login="sa", ...), "master")
    for result in session.execute_batch("SELECT 1"):
        ...

The engine knows nothing of TDS or sockets; the instance turns `results` into
tokens.  It owns the databases (one SQLite file each), a cache of parsed batches
(so repeated and prepared statements are parsed once), the catalog cache, and
the registries through which the instance adds system views, procedures and
server statements.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    alter,
    applocks,
    catalog,
    catalog_procs,
    catalog_views,
    constraints,
    cursors,
    ddl,
    functions,
    sequences,
    triggers,
)
from .autoparam import AutoParameterizer
from .catalog import CatalogCache
from .errors import SqlError
from .lastvalues import LastValues
from .session import EngineSession, ParsedBatch, SessionInfo, parse_batch
from .storage import Store
from .system import Registry

SYSTEM_DATABASES = {"master": 1, "tempdb": 2, "model": 3, "msdb": 4}

__all__ = ["Engine", "EngineSession", "ServerInfo", "SessionInfo", "SqlError"]


@dataclass(slots=True)
class ServerInfo:
    """What T-SQL can ask about the instance (@@SERVERNAME, SERVERPROPERTY...)."""

    machine_name: str
    instance_name: str = ""  # '' for the default instance
    edition: str = "Developer Edition (64-bit)"
    engine_edition: int = 3
    product_level: str = "RTM"
    platform: str = "Linux"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def server_name(self) -> str:
        return f"{self.machine_name}\\{self.instance_name}" if self.instance_name else self.machine_name

    @property
    def service_name(self) -> str:
        return self.instance_name or "MSSQLSERVER"


@dataclass(frozen=True, slots=True)
class Database:
    database_id: int
    name: str
    create_date: str


class Engine:
    def __init__(self, data_dir: Path, server: ServerInfo, parse_cache_size: int = 2048) -> None:
        self.data_dir = data_dir
        self.server = server
        self.store = Store(
            data_dir,
            functions.SQLITE_FUNCTIONS
            + ddl.SQLITE_FUNCTIONS
            + constraints.SQLITE_FUNCTIONS
            + sequences.SQLITE_FUNCTIONS,
            functions.AGGREGATES,
        )
        self.catalogs = CatalogCache()
        self.registry = Registry()
        catalog_procs.register(self.registry)
        self.applocks = applocks.AppLocks()
        self.last_values = LastValues()  # identity and sequence values a rollback must not give back
        self.registry.procedure("sp_getapplock", applocks.sp_getapplock)
        self.registry.procedure("sp_releaseapplock", applocks.sp_releaseapplock)
        self.registry.functions["APPLOCK_MODE"] = applocks.applock_mode
        self.registry.functions["APPLOCK_TEST"] = applocks.applock_test
        catalog_views.register(self.registry)
        alter.register(self.registry)
        triggers.register(self.registry)
        cursors.register(self.registry)
        self.nested_triggers = True  # sp_configure 'nested triggers': AFTER triggers fire inside AFTER triggers
        self.databases: dict[str, Database] = {}
        self._lock = threading.Lock()
        self._parsed: OrderedDict[tuple[str, object], ParsedBatch] = OrderedDict()
        self._parse_limit = parse_cache_size
        self.parse_count = 0  # batches parsed (not served from the cache): a test observes it
        self.compile_count = 0  # statement plans compiled (EngineSession._plan)
        self.autoparam = AutoParameterizer(self)
        self._scratch: sqlite3.Connection | None = None
        self.prepared_handles = 0

    # --- databases -----------------------------------------------------------------------------

    def open(self) -> None:
        """Create the system databases on first start; load the database list."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for name in SYSTEM_DATABASES:
            if not self.store.path_of(name).exists():
                self._create_file(name)
        if self.store.path_of("tempdb").exists():
            self.store.path_of("tempdb").unlink()  # tempdb starts empty at each start
            for suffix in ("-wal", "-shm"):
                Path(str(self.store.path_of("tempdb")) + suffix).unlink(missing_ok=True)
            self._create_file("tempdb")
        self._load_databases()

    def _create_file(self, name: str) -> None:
        self.store.create_file(name)
        con = sqlite3.connect(self.store.path_of(name), isolation_level=None)
        try:
            catalog.install(con, "main")
            if name == "master":
                con.executescript(_MASTER_TABLES)
        finally:
            con.close()

    def _load_databases(self) -> None:
        con = sqlite3.connect(self.store.path_of("master"), isolation_level=None)
        try:
            con.executescript(_MASTER_TABLES)
            for name, database_id in SYSTEM_DATABASES.items():
                con.execute(
                    "INSERT OR IGNORE INTO __tdsnet_databases(database_id, name, create_date) VALUES (?, ?, ?)",
                    (database_id, name, catalog.now_text()),
                )
            rows = con.execute("SELECT database_id, name, create_date FROM __tdsnet_databases")
            self.databases = {name.lower(): Database(i, name, d) for i, name, d in rows}
        finally:
            con.close()
        for database in self.databases.values():
            self._upgrade_catalog(database.name)

    def _upgrade_catalog(self, name: str) -> None:
        """Bring a database file written by an earlier version up to the current catalog tables."""
        path = self.store.path_of(name)
        if not path.exists():
            return
        con = sqlite3.connect(path, isolation_level=None)
        try:
            catalog.install(con, "main")
        finally:
            con.close()

    def database(self, name: str) -> Database | None:
        return self.databases.get(name.lower())

    def database_by_id(self, database_id: int) -> Database | None:
        return next((d for d in self.databases.values() if d.database_id == database_id), None)

    def create_database(self, name: str) -> Database:
        with self._lock:
            if name.lower() in self.databases:
                from . import errors

                raise errors.database_exists(name)
            self._create_file(name)
            con = sqlite3.connect(self.store.path_of("master"), isolation_level=None)
            try:
                database_id = max(d.database_id for d in self.databases.values()) + 1
                created = catalog.now_text()
                con.execute(
                    "INSERT INTO __tdsnet_databases(database_id, name, create_date) VALUES (?,?,?)",
                    (database_id, name, created),
                )
            finally:
                con.close()
            database = Database(database_id, name, created)
            self.databases[name.lower()] = database
            return database

    def drop_database(self, name: str) -> None:
        with self._lock:
            database = self.databases.pop(name.lower())
            con = sqlite3.connect(self.store.path_of("master"), isolation_level=None)
            try:
                con.execute("DELETE FROM __tdsnet_databases WHERE database_id = ?", (database.database_id,))
            finally:
                con.close()
            path = self.store.path_of(database.name)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            self.catalogs.forget(name)

    # --- sessions and batches ------------------------------------------------------------------

    def new_session(self, info: SessionInfo, database: str) -> EngineSession:
        return EngineSession(self, info, database)

    def parse(self, text: str, parameters: str = "", scope: tuple | None = None) -> ParsedBatch:
        """A parsed batch from the cache, or parsed now (once per distinct text).

        ``scope`` (a session's batch, see EngineSession._plan_scope) allows auto-parameterization: a
        text that differs from an earlier one only in its literal values is the parsed batch of their
        template, with this text's values (`autoparam`), and is not parsed again."""
        key = (text, parameters if scope is None else scope)
        with self._lock:
            found = self._parsed.get(key)
            if found is not None:
                self._parsed.move_to_end(key)
                return found
        candidate = None
        if scope is not None:
            found_or_candidate = self.autoparam.lookup(text, scope)
            if isinstance(found_or_candidate, ParsedBatch):
                self._keep(key, found_or_candidate)
                return found_or_candidate
            candidate = found_or_candidate
        parsed = parse_batch(text, parameters)
        parsed.candidate = candidate
        self.count_parse()
        self._keep(key, parsed)
        return parsed

    def count_parse(self) -> None:
        with self._lock:
            self.parse_count += 1

    def _keep(self, key: tuple[str, object], parsed: ParsedBatch) -> None:
        with self._lock:
            self._parsed[key] = parsed
            while len(self._parsed) > self._parse_limit:
                self._parsed.popitem(last=False)

    def scratch(self) -> sqlite3.Connection:
        """An in-memory connection for store-free statements on the event loop's thread."""
        if self._scratch is None:
            self._scratch = self.store.connect()
        return self._scratch

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None


_MASTER_TABLES = """
CREATE TABLE IF NOT EXISTS __tdsnet_databases (
    database_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    create_date TEXT NOT NULL
);
"""
