"""Server-level permissions: GRANT / DENY / REVOKE on the server and on endpoints, and the checks.

Rows live in master's ``__tdsnet_server_permissions`` as sys.server_permissions shows them
(class 100 SERVER, 101 SERVER_PRINCIPAL, 105 ENDPOINT; state G, D or W for WITH GRANT OPTION).
A check gathers the login's principals (itself, public, its server roles) and applies SQL
Server's rules: sysadmin members pass every check; otherwise any DENY of the permission, or of
one that covers it, refuses; then a GRANT of the permission or a covering one (CONTROL on the
securable, ownership, CONTROL SERVER, the server-wide ALTER ANY ...) allows.  Unlike sysadmin,
a CONTROL SERVER grantee is still subject to DENY.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass

SERVER, SERVER_PRINCIPAL, ENDPOINT = 100, 101, 105
CLASS_DESC = {SERVER: "SERVER", SERVER_PRINCIPAL: "SERVER_PRINCIPAL", ENDPOINT: "ENDPOINT"}
GRANT, DENY, GRANT_WITH_GRANT_OPTION = "G", "D", "W"
STATE_DESC = {GRANT: "GRANT", DENY: "DENY", GRANT_WITH_GRANT_OPTION: "GRANT_WITH_GRANT_OPTION"}

# permission name -> type code, as sys.server_permissions.type shows them
SERVER_PERMISSIONS = {
    "CONNECT SQL": "COSQ",
    "CONTROL SERVER": "CL",
    "VIEW SERVER STATE": "VWSS",
    "ALTER SERVER STATE": "ALSS",
    "ALTER ANY ENDPOINT": "ALHE",
    "CREATE ENDPOINT": "CRHE",
    "ALTER ANY LOGIN": "ALLG",
    "ALTER ANY CONNECTION": "ALCO",
    "ALTER ANY SERVER ROLE": "ALSR",
    "ALTER ANY DATABASE": "ALDB",
    "CREATE ANY DATABASE": "CRDB",
    "VIEW ANY DATABASE": "VWDB",
    "VIEW ANY DEFINITION": "VWAD",
    "ALTER SETTINGS": "ALST",
    "SHUTDOWN": "SHDN",
    "AUTHENTICATE SERVER": "AUTH",
}
ENDPOINT_PERMISSIONS = {
    "CONNECT": "CO",
    "CONTROL": "CL",
    "ALTER": "AL",
    "TAKE OWNERSHIP": "TO",
    "VIEW DEFINITION": "VW",
}
# What else grants a server permission besides itself and CONTROL SERVER.
_SERVER_IMPLIED_BY = {
    "CREATE ENDPOINT": ("ALTER ANY ENDPOINT",),
    "VIEW SERVER STATE": ("ALTER SERVER STATE",),
}
# What the fixed server roles hold without rows in sys.server_permissions (principal_id -> permissions).
_FIXED_ROLES = {
    4: {"ALTER ANY LOGIN"},  # securityadmin
    5: {
        "ALTER SETTINGS",
        "SHUTDOWN",
        "ALTER ANY ENDPOINT",
        "CREATE ENDPOINT",
        "ALTER SERVER STATE",
        "VIEW SERVER STATE",
    },  # serveradmin
    7: {"ALTER ANY CONNECTION", "ALTER SERVER STATE", "VIEW SERVER STATE"},  # processadmin
    9: {"CREATE ANY DATABASE", "ALTER ANY DATABASE"},  # dbcreator
}
# Endpoint permission -> the server permission that covers it on every endpoint.
_ENDPOINT_IMPLIED_BY_SERVER = {"ALTER": "ALTER ANY ENDPOINT", "VIEW DEFINITION": "VIEW ANY DEFINITION"}


@dataclass(frozen=True, slots=True)
class Permission:
    class_: int
    major_id: int
    grantee: int
    grantor: int
    type: str
    name: str
    state: str


@dataclass(frozen=True, slots=True)
class Principals:
    """Who is asking: the login, public and its server roles."""

    login_id: int
    ids: frozenset[int]
    sysadmin: bool


def type_code(class_: int, name: str) -> str:
    return (SERVER_PERMISSIONS if class_ == SERVER else ENDPOINT_PERMISSIONS)[name]


class Grants:
    """An immutable snapshot of the permission rows, with SQL Server's checks."""

    def __init__(self, rows: Iterable[Permission]) -> None:
        self.rows = tuple(rows)
        self._index: dict[tuple[int, int], list[Permission]] = {}
        for row in self.rows:
            self._index.setdefault((row.class_, row.major_id), []).append(row)

    def on(self, class_: int, major_id: int) -> list[Permission]:
        return self._index.get((class_, major_id), [])

    def _states(self, who: Principals, class_: int, major_id: int, names: tuple[str, ...]) -> set[str]:
        return {r.state for r in self.on(class_, major_id) if r.grantee in who.ids and r.name in names}

    def server(self, who: Principals, name: str) -> bool:
        """A server permission (CONNECT SQL, VIEW SERVER STATE, ALTER ANY ENDPOINT...)."""
        if who.sysadmin:
            return True
        covering = (name, "CONTROL SERVER", *_SERVER_IMPLIED_BY.get(name, ()))
        states = self._states(who, SERVER, 0, covering)
        if DENY in self._states(who, SERVER, 0, (name, "CONTROL SERVER")):
            return False
        if any(name in _FIXED_ROLES.get(role, ()) for role in who.ids):
            return True
        return bool(states & {GRANT, GRANT_WITH_GRANT_OPTION})

    def endpoint(self, who: Principals, endpoint_id: int, owner_id: int | None, name: str) -> bool:
        """A permission on one endpoint (CONNECT, ALTER, CONTROL...)."""
        if who.sysadmin:
            return True
        covering = (name, "CONTROL")
        if DENY in self._states(who, ENDPOINT, endpoint_id, covering):
            return False
        if DENY in self._states(who, SERVER, 0, ("CONTROL SERVER",)):
            return False
        if owner_id is not None and owner_id in who.ids:
            return True
        if self._states(who, ENDPOINT, endpoint_id, covering) & {GRANT, GRANT_WITH_GRANT_OPTION}:
            return True
        server_wide = _ENDPOINT_IMPLIED_BY_SERVER.get(name)
        return self.server(who, "CONTROL SERVER") or (server_wide is not None and self.server(who, server_wide))

    def can_grant(self, who: Principals, class_: int, major_id: int, owner_id: int | None, name: str) -> bool:
        """May this principal GRANT/DENY/REVOKE the permission (CONTROL, ownership or WITH GRANT OPTION)?"""
        if who.sysadmin or self.server(who, "CONTROL SERVER"):
            return True
        if class_ == ENDPOINT and (
            (owner_id is not None and owner_id in who.ids) or self.endpoint(who, major_id, owner_id, "CONTROL")
        ):
            return True
        return any(
            r.state == GRANT_WITH_GRANT_OPTION and r.grantee in who.ids and r.name == name
            for r in self.on(class_, major_id)
        )


class PermissionStore:
    """The rows in master, with a snapshot that is replaced on every change."""

    def __init__(self, read: sqlite3.Connection) -> None:
        self._lock = threading.Lock()
        self._grants = Grants(_load(read))

    @property
    def grants(self) -> Grants:
        return self._grants

    def reload(self, con: sqlite3.Connection) -> None:
        with self._lock:
            self._grants = Grants(_load(con))


def read_grants(con: sqlite3.Connection) -> Grants:
    """The permission rows of a master database with their checks (also read offline, by `tdsnet doctor`)."""
    return Grants(_load(con))


def _load(con: sqlite3.Connection) -> list[Permission]:
    return [
        Permission(*row)
        for row in con.execute(
            "SELECT class, major_id, grantee_principal_id, grantor_principal_id, type, permission_name, state"
            " FROM __tdsnet_server_permissions ORDER BY class, major_id, grantee_principal_id, permission_name"
        )
    ]


# --- writes, inside the caller's transaction ---------------------------------------------------


def grant(con: sqlite3.Connection, permission: Permission) -> None:
    """GRANT or DENY: one row per (securable, grantee, permission), replacing what was there."""
    con.execute(
        "INSERT OR REPLACE INTO __tdsnet_server_permissions(class, major_id, grantee_principal_id,"
        " grantor_principal_id, type, permission_name, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            permission.class_,
            permission.major_id,
            permission.grantee,
            permission.grantor,
            permission.type,
            permission.name,
            permission.state,
        ),
    )


def revoke(
    con: sqlite3.Connection, class_: int, major_id: int, grantee: int, name: str, grant_option_only: bool = False
) -> None:
    if grant_option_only:
        con.execute(
            "UPDATE __tdsnet_server_permissions SET state = 'G' WHERE class = ? AND major_id = ?"
            " AND grantee_principal_id = ? AND permission_name = ? AND state = 'W'",
            (class_, major_id, grantee, name),
        )
        return
    con.execute(
        "DELETE FROM __tdsnet_server_permissions WHERE class = ? AND major_id = ? AND grantee_principal_id = ?"
        " AND permission_name = ?",
        (class_, major_id, grantee, name),
    )


def revoke_granted_by(con: sqlite3.Connection, class_: int, major_id: int, grantor: int, name: str) -> None:
    """CASCADE: what the grantee passed on with its grant option goes too."""
    con.execute(
        "DELETE FROM __tdsnet_server_permissions WHERE class = ? AND major_id = ? AND grantor_principal_id = ?"
        " AND permission_name = ? AND grantee_principal_id != grantor_principal_id",
        (class_, major_id, grantor, name),
    )


def revoke_all(con: sqlite3.Connection, class_: int, major_id: int) -> None:
    con.execute("DELETE FROM __tdsnet_server_permissions WHERE class = ? AND major_id = ?", (class_, major_id))
