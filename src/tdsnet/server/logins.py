"""Server principals: SQL logins and fixed server roles, kept in master.

Passwords are stored only as salted scrypt hashes (`passwords`).  Login
verification answers with the state SQL Server writes to the ERRORLOG for each
kind of failure (5 unknown login, 7 disabled, 8 wrong password).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import masterdb, passwords

SA_ID = 1
PUBLIC_ID = 2
SYSADMIN_ID = 3
FIRST_LOGIN_ID = 256

FIXED_ROLES = [
    (2, "public"),
    (3, "sysadmin"),
    (4, "securityadmin"),
    (5, "serveradmin"),
    (6, "setupadmin"),
    (7, "processadmin"),
    (8, "diskadmin"),
    (9, "dbcreator"),
    (10, "bulkadmin"),
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS __tdsnet_server_principals (
    principal_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    type TEXT NOT NULL,
    sid BLOB NOT NULL,
    password_hash TEXT,
    is_disabled INTEGER NOT NULL DEFAULT 0,
    is_fixed_role INTEGER NOT NULL DEFAULT 0,
    default_database_name TEXT NOT NULL DEFAULT 'master',
    default_language_name TEXT NOT NULL DEFAULT 'us_english',
    is_policy_checked INTEGER NOT NULL DEFAULT 1,
    is_expiration_checked INTEGER NOT NULL DEFAULT 0,
    owning_principal_id INTEGER,
    create_date TEXT NOT NULL,
    modify_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS __tdsnet_server_role_members (
    role_principal_id INTEGER NOT NULL,
    member_principal_id INTEGER NOT NULL,
    PRIMARY KEY (role_principal_id, member_principal_id)
);
CREATE TABLE IF NOT EXISTS __tdsnet_server_permissions (
    class INTEGER NOT NULL,
    major_id INTEGER NOT NULL,
    grantee_principal_id INTEGER NOT NULL,
    grantor_principal_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    permission_name TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (class, major_id, grantee_principal_id, permission_name)
);
"""


@dataclass(frozen=True, slots=True)
class Login:
    principal_id: int
    name: str
    sid: bytes
    is_disabled: bool
    default_database: str
    default_language: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking a login: the login, or the ERRORLOG state and reason."""

    login: Login | None
    state: int = 0
    reason: str = ""


REASONS = {
    5: "Could not find a login matching the name provided.",
    7: "The account is disabled.",
    8: "Password did not match that for the login provided.",
}


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _nocase(name: str) -> str:
    """The key SQLite's NOCASE collation compares names by: ASCII letters folded, nothing else."""
    if not name.isascii():
        name.encode("utf-8")  # a name SQLite cannot bind fails here as it failed in the query
    return name.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class _Principal:
    principal_id: int
    name: str
    type: str
    sid: bytes
    password_hash: str | None
    is_disabled: bool
    default_database: str
    default_language: str

    def login(self) -> Login:
        return Login(
            self.principal_id, self.name, self.sid, self.is_disabled, self.default_database, self.default_language
        )


class _Snapshot:
    """Server principals and role memberships as master held them when it was read."""

    __slots__ = ("by_id", "by_name", "roles")

    def __init__(self, con: sqlite3.Connection) -> None:
        rows = con.execute(
            "SELECT principal_id, name, type, sid, password_hash, is_disabled, default_database_name,"
            " default_language_name FROM __tdsnet_server_principals"
        ).fetchall()
        principals = [_Principal(r[0], r[1], r[2], bytes(r[3]), r[4], bool(r[5]), r[6], r[7]) for r in rows]
        self.by_id = {p.principal_id: p for p in principals}
        self.by_name = {_nocase(p.name): p for p in principals}  # names are UNIQUE under NOCASE
        self.roles: dict[int, list[int]] = {}
        for role_id, member_id in con.execute(
            "SELECT role_principal_id, member_principal_id FROM __tdsnet_server_role_members"
        ):
            self.roles.setdefault(member_id, []).append(role_id)

    def named(self, name: str, types: tuple[str, ...]) -> _Principal | None:
        found = self.by_name.get(_nocase(name))
        return found if found is not None and found.type in types else None


class LoginCatalog:
    """Reads and writes server principals; safe to use from any thread.

    Every login reads principals and role memberships several times, and a new SQLite
    connection to master costs more than the rest of a login (it parses master's whole schema).
    Reads therefore come from an in-memory snapshot of both tables.  Every write goes through
    this class and drops the snapshot under the same lock before it returns, and a snapshot is
    read under that lock, so no reader sees a state older than the last write it could observe.
    """

    def __init__(self, master_path: Path) -> None:
        self.path = master_path
        self.permissions_changed: Callable[[], None] = lambda: None  # the instance refreshes its snapshot
        self._lock = threading.RLock()
        self._verified = passwords.VerifiedCache()
        self._snapshot: _Snapshot | None = None
        with masterdb.connect(self.path) as con:
            con.executescript(SCHEMA)
            stamp = _now()
            for principal_id, name in FIXED_ROLES:
                con.execute(
                    "INSERT OR IGNORE INTO __tdsnet_server_principals(principal_id, name, type,"
                    " sid, is_fixed_role, create_date, modify_date) VALUES (?, ?, 'R', ?, 1, ?, ?)",
                    (principal_id, name, bytes([principal_id]), stamp, stamp),
                )
            # Every login may log in: CONNECT SQL is granted to public's members at creation.

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A connection for a change; the snapshot is dropped once it is done (or failed)."""
        with self._lock:
            try:
                with masterdb.connect(self.path) as con:
                    yield con
            finally:
                self._snapshot = None

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock, masterdb.connect(self.path) as con:
                snapshot = self._snapshot = _Snapshot(con)
        return snapshot

    # --- sa ------------------------------------------------------------------------------------

    def has_sa(self) -> bool:
        with masterdb.connect(self.path) as con:
            return (
                con.execute("SELECT 1 FROM __tdsnet_server_principals WHERE principal_id = ?", (SA_ID,)).fetchone()
                is not None
            )

    def create_sa(self, password: str) -> None:
        stamp = _now()
        with self._write() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT INTO __tdsnet_server_principals(principal_id, name, type, sid, password_hash,"
                " is_policy_checked, create_date, modify_date) VALUES (?, 'sa', 'S', ?, ?, 1, ?, ?)",
                (SA_ID, b"\x01", passwords.hash_password(password), stamp, stamp),
            )
            con.execute(
                "INSERT OR IGNORE INTO __tdsnet_server_role_members VALUES (?, ?)",
                (SYSADMIN_ID, SA_ID),
            )
            _grant_connect_sql(con, SA_ID)
            con.execute("COMMIT")
        self.permissions_changed()

    def set_password(self, name: str, password: str) -> None:
        with self._write() as con:
            con.execute(
                "UPDATE __tdsnet_server_principals SET password_hash = ?, modify_date = ?"
                " WHERE name = ? AND type = 'S'",
                (passwords.hash_password(password), _now(), name),
            )
        self._verified.forget(name.lower())

    # --- logins ----------------------------------------------------------------------------------

    def find(self, name: str) -> Login | None:
        """A SQL login by name (what `read_login` finds in master)."""
        found = self._current().named(name, ("S", "U"))
        return found.login() if found is not None else None

    def find_principal(self, name: str) -> int | None:
        """The principal_id of a login or server role, by name."""
        found = self._current().named(name, ("S", "U", "R"))
        return found.principal_id if found is not None else None

    def find_id(self, principal_id: int) -> str | None:
        found = self._current().by_id.get(principal_id)
        return found.name if found is not None else None

    def find_sid(self, sid: bytes) -> str | None:
        """The name of the server principal with this SID."""
        return next((p.name for p in self._current().by_id.values() if p.sid == sid), None)

    def _stored_hash(self, principal_id: int) -> str | None:
        found = self._current().by_id.get(principal_id)
        return found.password_hash if found is not None else None

    def verify_without_hashing(self, name: str, password: str) -> Verdict | None:
        """`verify`'s answer when it needs no slow hash (this password verified recently), else
        None; never reads master (None until a snapshot is loaded), so the event loop may call it."""
        snapshot = self._snapshot
        found = snapshot.named(name, ("S", "U")) if snapshot is not None else None
        if found is None or not self._verified.check(found.name.lower(), found.password_hash or "", password):
            return None
        login = found.login()
        if login.is_disabled:
            return Verdict(login, 7, REASONS[7])
        return Verdict(login)

    def verify(self, name: str, password: str) -> Verdict:
        """Check a SQL login's password (slow hash, unless it verified recently)."""
        login = self.find(name)
        if login is None:
            passwords.verify_password(password, _dummy_hash())  # same cost: no enumeration by timing
            return Verdict(None, 5, REASONS[5])
        stored = self._stored_hash(login.principal_id) or ""
        key = login.name.lower()
        if not self._verified.check(key, stored, password):
            if not passwords.verify_password(password, stored):
                return Verdict(login, 8, REASONS[8])
            self._verified.remember(key, stored, password)
        if login.is_disabled:
            return Verdict(login, 7, REASONS[7])
        return Verdict(login)

    def create(
        self,
        name: str,
        password: str,
        default_database: str = "master",
        default_language: str = "us_english",
        check_policy: bool = True,
        check_expiration: bool = False,
        sid: bytes | None = None,
    ) -> Login:
        stamp = _now()
        with self._write() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute(
                "SELECT MAX(principal_id) FROM __tdsnet_server_principals WHERE principal_id >= ?",
                (FIRST_LOGIN_ID,),
            ).fetchone()
            principal_id = max(row[0] + 1 if row[0] else FIRST_LOGIN_ID + 1, FIRST_LOGIN_ID + 1)
            sid = sid or secrets.token_bytes(16)
            con.execute(
                "INSERT INTO __tdsnet_server_principals(principal_id, name, type, sid, password_hash,"
                " default_database_name, default_language_name, is_policy_checked,"
                " is_expiration_checked, create_date, modify_date)"
                " VALUES (?, ?, 'S', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    principal_id,
                    name,
                    sid,
                    passwords.hash_password(password),
                    default_database,
                    default_language,
                    int(check_policy),
                    int(check_expiration),
                    stamp,
                    stamp,
                ),
            )
            _grant_connect_sql(con, principal_id)
            con.execute("COMMIT")
        self.permissions_changed()
        return Login(principal_id, name, sid, False, default_database, default_language)

    def update(self, name: str, **fields: object) -> None:
        allowed = {
            "is_disabled",
            "default_database_name",
            "default_language_name",
            "name",
            "is_policy_checked",
            "is_expiration_checked",
        }
        sets = [(k, v) for k, v in fields.items() if k in allowed]
        if not sets:
            return
        assignments = ", ".join(f"{k} = ?" for k, _ in sets)
        with self._write() as con:
            con.execute(
                f"UPDATE __tdsnet_server_principals SET {assignments}, modify_date = ? WHERE name = ?",
                [v for _, v in sets] + [_now(), name],
            )
        self._verified.forget(name.lower())

    def drop(self, name: str) -> None:
        login = self.find(name)
        if login is None:
            return
        with self._write() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "DELETE FROM __tdsnet_server_principals WHERE principal_id = ?",
                (login.principal_id,),
            )
            con.execute(
                "DELETE FROM __tdsnet_server_role_members WHERE member_principal_id = ?",
                (login.principal_id,),
            )
            con.execute(
                "DELETE FROM __tdsnet_server_permissions WHERE grantee_principal_id = ?",
                (login.principal_id,),
            )
            con.execute("COMMIT")
        self.permissions_changed()
        self._verified.forget(name.lower())

    # --- roles -----------------------------------------------------------------------------------

    def roles_of(self, principal_id: int) -> set[str]:
        snapshot = self._current()
        roles = (snapshot.by_id.get(role_id) for role_id in snapshot.roles.get(principal_id, ()))
        return {role.name.lower() for role in roles if role is not None} | {"public"}

    def role_ids(self, principal_id: int) -> set[int]:
        """The server roles a principal belongs to, public included (what `read_role_ids` reads)."""
        return {*self._current().roles.get(principal_id, ()), PUBLIC_ID}

    def is_sysadmin(self, principal_id: int) -> bool:
        return "sysadmin" in self.roles_of(principal_id)

    def add_role_member(self, role: str, member: str) -> None:
        with self._write() as con:
            con.execute(
                "INSERT OR IGNORE INTO __tdsnet_server_role_members"
                " SELECT r.principal_id, m.principal_id FROM __tdsnet_server_principals r,"
                " __tdsnet_server_principals m WHERE r.name = ? AND r.type = 'R' AND m.name = ?",
                (role, member),
            )

    def drop_role_member(self, role: str, member: str) -> None:
        with self._write() as con:
            con.execute(
                "DELETE FROM __tdsnet_server_role_members WHERE role_principal_id ="
                " (SELECT principal_id FROM __tdsnet_server_principals WHERE name = ? AND type = 'R')"
                " AND member_principal_id ="
                " (SELECT principal_id FROM __tdsnet_server_principals WHERE name = ?)",
                (role, member),
            )

    def principals(self) -> list[tuple]:
        with masterdb.connect(self.path) as con:
            return con.execute(
                "SELECT name, principal_id, sid, type, is_disabled, create_date, modify_date,"
                " default_database_name, default_language_name, is_fixed_role, owning_principal_id,"
                " is_policy_checked, is_expiration_checked, password_hash IS NOT NULL"
                " FROM __tdsnet_server_principals ORDER BY principal_id"
            ).fetchall()

    def role_members(self) -> list[tuple[int, int]]:
        with masterdb.connect(self.path) as con:
            return con.execute(
                "SELECT role_principal_id, member_principal_id FROM __tdsnet_server_role_members"
            ).fetchall()


# --- readers over any connection to master (the catalog above, and `tdsnet doctor` offline) ---------


def read_login(con: sqlite3.Connection, name: str) -> Login | None:
    row = con.execute(
        "SELECT principal_id, name, sid, is_disabled, default_database_name,"
        " default_language_name FROM __tdsnet_server_principals"
        " WHERE name = ? AND type IN ('S', 'U')",
        (name,),
    ).fetchone()
    if row is None:
        return None
    return Login(row[0], row[1], bytes(row[2]), bool(row[3]), row[4], row[5])


def read_role_ids(con: sqlite3.Connection, principal_id: int) -> set[int]:
    """The server roles a principal belongs to, public included."""
    rows = con.execute(
        "SELECT role_principal_id FROM __tdsnet_server_role_members WHERE member_principal_id = ?",
        (principal_id,),
    ).fetchall()
    return {r[0] for r in rows} | {PUBLIC_ID}


def _grant_connect_sql(con: sqlite3.Connection, principal_id: int) -> None:
    con.execute(
        "INSERT OR IGNORE INTO __tdsnet_server_permissions VALUES (100, 0, ?, 1, 'COSQ', 'CONNECT SQL', 'G')",
        (principal_id,),
    )


@functools.cache
def _dummy_hash() -> str:
    return passwords.hash_password(secrets.token_hex(16))
