"""A local tdsnet instance's endpoints and server permissions, read offline from its master database.

The server's own readers and checks do the work (`endpoints.read_endpoints`, `endpoints.associate`,
`permissions.read_grants` and `Grants`, `logins.read_login`), so the doctor's answer is the one the
instance gives when the login arrives (seed 001: one endpoint per connection, CONNECT checked there
and nowhere else).  The database is opened read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..server import endpoints as ep
from ..server import permissions as perms
from ..server.logins import SYSADMIN_ID, Login, read_login, read_role_ids

# The transports as the server names them (server.listeners), for `associate`.
TRANSPORTS = {"tcp": "TCP", "np": "Named pipe", "lpc": "Shared memory", "dac": "DAC"}


@dataclass(frozen=True, slots=True)
class Catalog:
    endpoints: tuple[ep.EndpointDef, ...]
    grants: perms.Grants
    master: Path

    def endpoint(self, endpoint_id: int) -> ep.EndpointDef | None:
        return next((e for e in self.endpoints if e.endpoint_id == endpoint_id), None)

    def listener_endpoint(self, port: int) -> ep.EndpointDef | None:
        """A Service Broker / mirroring endpoint that listens on this port itself."""
        return next((e for e in self.endpoints if e.owns_listener and e.port == port), None)


@dataclass(frozen=True, slots=True)
class Access:
    """What the instance decides for this login on this endpoint."""

    login: Login | None
    sysadmin: bool
    connect_sql: bool
    control_server: bool
    connect: bool
    denials: tuple[str, ...]  # the principals a DENY CONNECT on the endpoint applies through


def read(master: Path) -> Catalog | None:
    """The catalog, or None when the file is missing or not a tdsnet master database."""
    if not master.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{master}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return Catalog(ep.read_endpoints(con), perms.read_grants(con), master)
    except sqlite3.Error:
        return None
    finally:
        con.close()


def associate(catalog: Catalog, transport: str, address: str, port: int) -> ep.EndpointDef:
    """The endpoint the instance associates this connection with (transport: tcp, np, lpc or dac)."""
    return ep.associate(catalog.endpoints, TRANSPORTS[transport], address, port)


def access(catalog: Catalog, login_name: str, endpoint: ep.EndpointDef) -> Access:
    """The checks `Instance.admit` makes, for a login by name."""
    try:
        con = sqlite3.connect(f"file:{catalog.master}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return Access(None, False, False, False, False, ())
    try:
        login = read_login(con, login_name)
        roles = read_role_ids(con, login.principal_id) if login else set()
        names = dict(con.execute("SELECT principal_id, name FROM __tdsnet_server_principals").fetchall())
    finally:
        con.close()
    if login is None:
        return Access(None, False, False, False, False, ())
    who = perms.Principals(login.principal_id, frozenset({login.principal_id, *roles}), SYSADMIN_ID in roles)
    grants = catalog.grants
    connect = grants.endpoint(who, endpoint.endpoint_id, endpoint.principal_id, "CONNECT")
    denials = tuple(
        names.get(row.grantee, str(row.grantee))
        for row in grants.on(perms.ENDPOINT, endpoint.endpoint_id)
        if row.grantee in who.ids and row.state == perms.DENY and row.name in ("CONNECT", "CONTROL")
    )
    return Access(
        login,
        who.sysadmin,
        grants.server(who, "CONNECT SQL"),
        grants.server(who, "CONTROL SERVER"),
        connect,
        denials,
    )


def describe(endpoint: ep.EndpointDef) -> dict[str, object]:
    return {
        "endpoint_id": endpoint.endpoint_id,
        "name": endpoint.name,
        "protocol": ep.PROTOCOL_DESC.get(endpoint.protocol),
        "type": ep.TYPE_DESC.get(endpoint.type),
        "state": ep.STATE_DESC.get(endpoint.state),
        "port": endpoint.port or None,
        "ip_address": endpoint.ip_address,
    }
