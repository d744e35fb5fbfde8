"""Endpoints: the server objects every connection arrives through (seed 001).

The catalog lives in master (``__tdsnet_endpoints``) and starts with SQL Server's system
endpoints.  `associate` is seed 001's rule, exactly one endpoint per connection: shared memory,
named pipes and the DAC have their own; a TCP connection takes the endpoint whose IP address
and port match exactly, else an IP_ANY endpoint with its port, else TSQL Default TCP.  CONNECT
is then checked on that endpoint only.  Service Broker and database mirroring endpoints take
part in the TCP matching too: that is how a broker endpoint on the instance's own port locks
ordinary logins out (seed 000).
"""

from __future__ import annotations

import ipaddress
import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import masterdb, permissions
from .logins import PUBLIC_ID, SA_ID

HTTP, TCP, NAMED_PIPES, SHARED_MEMORY, VIA = 1, 2, 3, 4, 5
PROTOCOL_DESC = {HTTP: "HTTP", TCP: "TCP", NAMED_PIPES: "NAMED_PIPES", SHARED_MEMORY: "SHARED_MEMORY", VIA: "VIA"}
SOAP, TSQL, SERVICE_BROKER, DATABASE_MIRRORING = 1, 2, 3, 4
TYPE_DESC = {SOAP: "SOAP", TSQL: "TSQL", SERVICE_BROKER: "SERVICE_BROKER", DATABASE_MIRRORING: "DATABASE_MIRRORING"}
STARTED, STOPPED, DISABLED = 0, 1, 2
STATE_DESC = {STARTED: "STARTED", STOPPED: "STOPPED", DISABLED: "DISABLED"}

DAC, LOCAL_MACHINE, DEFAULT_NAMED_PIPES, DEFAULT_TCP, DEFAULT_VIA = 1, 2, 3, 4, 5
FIRST_USER_ENDPOINT = 65536


@dataclass(frozen=True, slots=True)
class EndpointDef:
    endpoint_id: int
    name: str
    principal_id: int
    protocol: int
    type: int
    state: int
    is_admin_endpoint: bool = False
    port: int = 0
    ip_address: str | None = None  # None: LISTENER_IP = ALL
    options: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_system(self) -> bool:
        return self.endpoint_id < FIRST_USER_ENDPOINT

    @property
    def owns_listener(self) -> bool:
        """Service Broker and mirroring endpoints listen themselves; TSQL ones ride on the TCP provider."""
        return self.type in (SERVICE_BROKER, DATABASE_MIRRORING)

    @property
    def is_tcp_user_endpoint(self) -> bool:
        return self.protocol == TCP and not self.is_system

    @property
    def listener_ip_desc(self) -> str:
        return "ALL" if self.ip_address is None else self.ip_address


SYSTEM_ENDPOINTS = (
    EndpointDef(DAC, "Dedicated Admin Connection", SA_ID, TCP, TSQL, STARTED, is_admin_endpoint=True),
    EndpointDef(LOCAL_MACHINE, "TSQL Local Machine", SA_ID, SHARED_MEMORY, TSQL, STARTED),
    EndpointDef(DEFAULT_NAMED_PIPES, "TSQL Named Pipes", SA_ID, NAMED_PIPES, TSQL, STARTED),
    EndpointDef(DEFAULT_TCP, "TSQL Default TCP", SA_ID, TCP, TSQL, STARTED),
    EndpointDef(DEFAULT_VIA, "TSQL Default VIA", SA_ID, VIA, TSQL, STARTED),
)
# public may CONNECT to every TSQL system endpoint except the DAC, from the start.
PUBLIC_ENDPOINTS = (LOCAL_MACHINE, DEFAULT_NAMED_PIPES, DEFAULT_TCP, DEFAULT_VIA)

SCHEMA = """
CREATE TABLE IF NOT EXISTS __tdsnet_endpoints (
    endpoint_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    principal_id INTEGER NOT NULL,
    protocol INTEGER NOT NULL,
    type INTEGER NOT NULL,
    state INTEGER NOT NULL,
    is_admin_endpoint INTEGER NOT NULL DEFAULT 0,
    port INTEGER NOT NULL DEFAULT 0,
    ip_address TEXT,
    options TEXT NOT NULL DEFAULT '{}'
);
"""


# --- association ---------------------------------------------------------------------------------


def associate(endpoints: tuple[EndpointDef, ...], transport: str, address: str, port: int) -> EndpointDef:
    """The one endpoint a new connection belongs to (seed 001), whatever its state."""
    by_id = {e.endpoint_id: e for e in endpoints}
    if transport == "Shared memory":
        return by_id[LOCAL_MACHINE]
    if transport == "Named pipe":
        return by_id[DEFAULT_NAMED_PIPES]
    if transport == "DAC":
        return by_id[DAC]
    tcp = [e for e in endpoints if e.is_tcp_user_endpoint and e.port == port]
    exact = next((e for e in tcp if e.ip_address is not None and _same_address(e.ip_address, address)), None)
    if exact is not None:
        return exact
    any_ip = next((e for e in tcp if e.ip_address is None), None)
    return any_ip or by_id[DEFAULT_TCP]


def _same_address(configured: str, actual: str) -> bool:
    try:
        left, right = ipaddress.ip_address(configured), ipaddress.ip_address(actual.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    if isinstance(right, ipaddress.IPv6Address) and right.ipv4_mapped is not None:
        right = right.ipv4_mapped
    return left == right


# --- the catalog ---------------------------------------------------------------------------------


class EndpointCatalog:
    """Endpoints and the server permission rows, in master; changes are single SQLite transactions
    (so a crash mid-change leaves the old state or the new one), and readers use an immutable
    snapshot that is swapped after each commit."""

    def __init__(self, master_path: Path) -> None:
        self.path = master_path
        self._lock = threading.Lock()
        with masterdb.connect(self.path) as con:
            con.executescript(SCHEMA)
            if con.execute("SELECT COUNT(*) FROM __tdsnet_endpoints").fetchone()[0] == 0:
                self._install(con)
            self.permissions = permissions.PermissionStore(con)
            self._endpoints = _load(con)

    def _install(self, con: sqlite3.Connection) -> None:
        con.execute("BEGIN IMMEDIATE")
        for endpoint in SYSTEM_ENDPOINTS:
            _write(con, endpoint)
        for endpoint_id in PUBLIC_ENDPOINTS:
            permissions.grant(con, _connect_grant(endpoint_id, PUBLIC_ID))
        con.execute("COMMIT")

    @property
    def endpoints(self) -> tuple[EndpointDef, ...]:
        return self._endpoints

    @property
    def grants(self) -> permissions.Grants:
        return self.permissions.grants

    def find(self, name: str) -> EndpointDef | None:
        lowered = name.lower()
        return next((e for e in self._endpoints if e.name.lower() == lowered), None)

    def by_id(self, endpoint_id: int) -> EndpointDef | None:
        return next((e for e in self._endpoints if e.endpoint_id == endpoint_id), None)

    def next_id(self) -> int:
        return max([FIRST_USER_ENDPOINT - 1, *(e.endpoint_id for e in self._endpoints)]) + 1

    def reload(self) -> None:
        """Re-read the permission rows after another part of the instance wrote some (CREATE LOGIN)."""
        with self._lock, masterdb.connect(self.path) as con:
            self.permissions.reload(con)

    def change(self, work: Callable[[sqlite3.Connection], None]) -> None:
        """Run ``work`` in one transaction, then publish the new endpoints and permissions."""
        with self._lock, masterdb.connect(self.path) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                work(con)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            self._endpoints = _load(con)
            self.permissions.reload(con)


def save(con: sqlite3.Connection, endpoint: EndpointDef) -> None:
    _write(con, endpoint)


def delete(con: sqlite3.Connection, endpoint_id: int) -> None:
    con.execute("DELETE FROM __tdsnet_endpoints WHERE endpoint_id = ?", (endpoint_id,))
    permissions.revoke_all(con, permissions.ENDPOINT, endpoint_id)


def _write(con: sqlite3.Connection, e: EndpointDef) -> None:
    con.execute(
        "INSERT OR REPLACE INTO __tdsnet_endpoints(endpoint_id, name, principal_id, protocol, type, state,"
        " is_admin_endpoint, port, ip_address, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.endpoint_id,
            e.name,
            e.principal_id,
            e.protocol,
            e.type,
            e.state,
            int(e.is_admin_endpoint),
            e.port,
            e.ip_address,
            json.dumps(e.options, sort_keys=True),
        ),
    )


def read_endpoints(con: sqlite3.Connection) -> tuple[EndpointDef, ...]:
    """The endpoints in a master database (also read offline, by `tdsnet doctor`)."""
    return _load(con)


def _load(con: sqlite3.Connection) -> tuple[EndpointDef, ...]:
    return tuple(
        EndpointDef(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8], json.loads(row[9]))
        for row in con.execute(
            "SELECT endpoint_id, name, principal_id, protocol, type, state, is_admin_endpoint, port, ip_address,"
            " options FROM __tdsnet_endpoints ORDER BY endpoint_id"
        )
    )


def _connect_grant(endpoint_id: int, grantee: int, grantor: int = SA_ID) -> permissions.Permission:
    return permissions.Permission(
        permissions.ENDPOINT, endpoint_id, grantee, grantor, "CO", "CONNECT", permissions.GRANT
    )


def with_state(endpoint: EndpointDef, state: int) -> EndpointDef:
    return replace(endpoint, state=state)
