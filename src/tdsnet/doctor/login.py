"""The login and the database: log in exactly as the client does, and explain a refusal.

The client only ever sees 18456 with state 1; the real state is in the server's ERRORLOG
("Login failed for user 'x'. Reason: ..."), which the doctor reads when the instance runs on this
host.  Each state has one meaning (Microsoft's table for error 18456), and two of them need the
endpoint step to finish the story: 11 (no CONNECT on the endpoint, or seed 000's broker on the
instance's port) and 12 (no CONNECT SQL).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from ..client import errors as e
from ..client.connector import Connected
from ..client.dbapi import Connection
from ..client.session import establish
from . import instances as inst
from .context import Context
from .report import FAILED, OK, WARNING, Diagnosis, Outcome

# Error 18456's states as the ERRORLOG gives them, and the cause each one means.
STATES = {
    2: ("unknown_login", "no login has that name"),
    5: ("unknown_login", "no login has that name"),
    6: ("login_failed", "a Windows login name was used with SQL Server authentication"),
    7: ("login_disabled", "the login is disabled"),
    8: ("wrong_password", "the password does not match the login's"),
    9: ("wrong_password", "the password is not valid"),
    11: ("no_endpoint_connect", "the login is valid but has no access to the server through this endpoint"),
    12: ("no_connect_sql", "the login is valid but lacks CONNECT SQL"),
    18: ("login_failed", "the password must be changed"),
    38: ("database_unavailable", "the database the connection asks for cannot be opened"),
    40: ("database_unavailable", "the login's default database cannot be opened"),
    58: ("login_failed", "the server accepts Windows authentication only"),
}
LOGIN_WAIT = 15.0  # seconds: a login verifies a slow password hash


@dataclasses.dataclass(slots=True)
class Attempt:
    connection: Connection | None = None
    error: e.Error | None = None
    logged: inst.Logged | None = None  # the ERRORLOG's "Login failed ..." line
    instance: inst.LocalInstance | None = None
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def state(self) -> int | None:
        return self.logged.state if self.logged else None


def attempt(ctx: Context, database: str | None = None) -> Attempt:
    """One login over a fresh transport to where the probe went."""
    assert ctx.options is not None and ctx.settings is not None and ctx.step is not None and ctx.plan is not None
    options = ctx.options if database is None else dataclasses.replace(ctx.options, database=database)
    since = dt.datetime.now() - dt.timedelta(seconds=1)
    started = time.monotonic()
    result = Attempt(instance=ctx.reached_instance())
    try:
        channel = ctx.reopen()
        session = establish(
            channel, ctx.step.host, options, ctx.deadline(max(ctx.timeout, LOGIN_WAIT)), started, ctx.located
        )
    except e.Error as error:
        result.error = error
        result.logged = _logged(result.instance, ctx.user, since)
        return result
    except OSError as error:
        result.error = e.network_error(e.TCP_PROVIDER, e.SNI_NATIVE, error.errno, detail=str(error))
        return result
    connected = Connected(session, ctx.step, session.channel.target, ctx.plan, ())
    result.connection = Connection(connected, ctx.settings, autocommit=True)
    ctx.opened.append(result.connection)
    result.facts = session_facts(result.connection)
    return result


def _logged(instance: inst.LocalInstance | None, user: str, since: dt.datetime) -> inst.Logged | None:
    """The ERRORLOG's 18456 line for this user since the attempt began (it is written before the reply)."""
    if instance is None:
        return None
    wanted = f"Login failed for user '{user}'."
    for _ in range(10):
        found = [g for g in instance.log(fresh=True) if g.number == 18456 and g.when >= since and wanted in g.text]
        if found:
            return found[-1]
        time.sleep(0.1)
    return None


def session_facts(conn: Connection) -> dict[str, Any]:
    """Who and where the session is, from the server's own views (each query may be refused: kept apart)."""
    facts: dict[str, Any] = {
        "server_version": ".".join(map(str, conn.server_version[:3])),
        "encryption": conn.encryption,
    }
    queries = {
        (
            "server_name",
            "service_name",
            "database",
            "login",
        ): "SELECT @@SERVERNAME, @@SERVICENAME, DB_NAME(), SUSER_SNAME()",
        ("endpoint_id",): "SELECT endpoint_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID",
        ("net_transport", "local_net_address", "local_tcp_port"): (
            "SELECT net_transport, local_net_address, local_tcp_port FROM sys.dm_exec_connections"
            " WHERE session_id = @@SPID"
        ),
    }
    for names, sql in queries.items():
        row = _one(conn, sql)
        if row is not None:
            facts.update(zip(names, row, strict=False))
    if facts.get("endpoint_id") is not None:
        row = _one(conn, f"SELECT name FROM sys.endpoints WHERE endpoint_id = {int(facts['endpoint_id'])}")
        facts["endpoint"] = row[0] if row else None
    return facts


def _one(conn: Connection, sql: str) -> tuple | None:
    try:
        return conn.cursor().execute(sql).fetchone()
    except e.Error:
        return None


# --- the login step --------------------------------------------------------------------------------


def outcome(ctx: Context, result: Attempt, catalog_readable: bool) -> Outcome:
    """The login step's verdict.  A failure the endpoint step explains better carries no diagnosis."""
    user = ctx.user
    if result.connection is not None:
        facts = result.facts
        where = facts.get("service_name") or "the server"
        return Outcome(OK, f"logged in as {user} to {where} (SQL Server {facts.get('server_version')})", facts)
    error = result.error
    assert error is not None
    facts: dict[str, Any] = {"number": error.number, "message": error.message, "state": result.state}
    if result.logged is not None:
        facts["errorlog"] = result.logged.quoted
    if error.number == 4060:
        return Outcome(WARNING, "the password was accepted; the database could not be opened (4060)", facts)
    if isinstance(error, e.ConnectionTimeout):
        return Outcome(FAILED, error.message[:80], facts, _timeout(error))
    if isinstance(error, e.NetworkError):
        return Outcome(FAILED, error.message, facts, _broken(error))
    if error.message == "Instance failure.":
        diagnosis = Diagnosis(
            "instance_mismatch",
            "The server on the port the Browser gave is another instance ('Instance failure.').",
            "Connect again, and give the instance a static TCP port.",
        )
        return Outcome(FAILED, error.message, facts, diagnosis)
    if error.number == 17810:
        return Outcome(FAILED, error.message, facts, _dac_in_use(error))
    return _refused(ctx, result, facts, catalog_readable)


def _refused(ctx: Context, result: Attempt, facts: dict[str, Any], catalog_readable: bool) -> Outcome:
    error = result.error
    assert error is not None
    state = result.state
    detail = f"{error.number}: {error.message.splitlines()[0]}"
    if state is not None:
        detail += f" (ERRORLOG state {state})"
    cause, meaning = STATES.get(state or -1, ("login_failed", ""))
    if catalog_readable and state in (11, 12, None):
        return Outcome(FAILED, detail, facts)  # the endpoint step says which endpoint and what to grant
    if state is None:
        return Outcome(FAILED, detail, facts, unexplained(ctx, error))
    logged = result.logged.quoted if result.logged else ""
    instance = result.instance.instance if result.instance else "the instance"
    explanation = (
        f"The server refused the login: '{error.message.splitlines()[-1]}' (the client always sees state 1). "
        f"{instance}'s ERRORLOG: '{logged}'. State {state}: {meaning}."
    )
    return Outcome(FAILED, detail, facts, Diagnosis(cause, explanation, _fix(cause, ctx, state)))


def _fix(cause: str, ctx: Context, state: int) -> str:
    user = ctx.user
    if cause == "wrong_password":
        return (
            f"Use the right password for '{user}' (passwords are case-sensitive), or have an administrator reset it: "
            f"ALTER LOGIN [{user}] WITH PASSWORD = '...'."
        )
    if cause == "unknown_login":
        return f"Check the login name, or create it: CREATE LOGIN [{user}] WITH PASSWORD = '...'."
    if cause == "login_disabled":
        return f"Enable the login: ALTER LOGIN [{user}] ENABLE."
    if cause == "no_connect_sql":
        return f"GRANT CONNECT SQL TO [{user}] (and REVOKE any DENY of it), as sa."
    if cause == "no_endpoint_connect":
        return "Find the endpoint (SELECT * FROM sys.tcp_endpoints) and GRANT CONNECT ON ENDPOINT::[name] TO the login."
    if cause == "database_unavailable":
        return f"Correct Database=, or give '{user}' access to it; ALTER LOGIN [{user}] WITH DEFAULT_DATABASE = master."
    if state == 18:
        return f"Change the password: ALTER LOGIN [{user}] WITH PASSWORD = 'new' OLD_PASSWORD = 'old'."
    return "See the ERRORLOG line above; fix what its reason names."


def unexplained(ctx: Context, error: e.Error) -> Diagnosis:
    return Diagnosis(
        "login_failed",
        f"The server refused the login: '{error.message.splitlines()[-1]}'. The client always sees state 1; the "
        "reason is in the server's ERRORLOG as \"Login failed for user '...'. Reason: ...\" with its real state: "
        "2/5 no such login, 7 disabled, 8 wrong password, 11 no CONNECT on the endpoint the connection lands on "
        "(seeds 000/001), 12 no CONNECT SQL, 38/40 the database, 58 Windows authentication only.",
        "Read the server's ERRORLOG (EXEC xp_readerrorlog 0, 1, N'Login failed') and fix what the state says; "
        "`tdsnet doctor` run on the server itself reads it for you.",
    )


def _timeout(error: e.Error) -> Diagnosis:
    return Diagnosis(
        "login_timeout",
        f"The login did not finish in time: {error.message}",
        "Check the server's load and ERRORLOG; raise Connect Timeout if the server is only slow.",
    )


def _broken(error: e.Error) -> Diagnosis:
    return Diagnosis(
        "connection_closed",
        f"The connection broke during the login: {error.message}",
        "Check the server's ERRORLOG at the time of the attempt.",
    )


def _dac_in_use(error: e.Error) -> Diagnosis:
    return Diagnosis(
        "dac_in_use",
        f"{error.message} Only one dedicated admin connection may exist at a time.",
        "Close the other DAC session (or KILL it from a normal connection), then connect again.",
    )


# --- the database step -----------------------------------------------------------------------------


def database(ctx: Context, result: Attempt) -> Outcome:
    if result.connection is not None:
        name = result.facts.get("database") or result.connection.database
        return Outcome(OK, f"database {name}", {"database": name})
    assert result.error is not None
    wanted = ctx.settings.database if ctx.settings else None
    facts: dict[str, Any] = {"database": wanted, "number": result.error.number, "state": result.state}
    listing = attempt(ctx, database="master")
    names: list[str] = []
    if listing.connection is not None:
        try:
            names = [r[0] for r in listing.connection.cursor().execute("SELECT name FROM sys.databases").fetchall()]
        except e.Error:
            names = []
    facts["databases"] = names
    return Outcome(
        FAILED,
        f"4060: cannot open database {wanted or '(the default)'}",
        facts,
        _no_database(ctx, result, wanted, names),
    )


def _no_database(ctx: Context, result: Attempt, wanted: str | None, names: list[str]) -> Diagnosis:
    user = ctx.user
    logged = f" ERRORLOG: '{result.logged.quoted}'." if result.logged else ""
    exists = wanted is not None and any(n.lower() == wanted.lower() for n in names)
    if not names:
        known = ""
    elif exists:
        known = f" Database '{wanted}' exists: the login cannot use it (no user for it there, or it is offline)."
    else:
        known = f" The server has: {', '.join(names)}."
    what = f"database '{wanted}'" if wanted else "the login's default database"
    fix = (
        f"Give '{user}' access: USE [{wanted}]; CREATE USER [{user}] FOR LOGIN [{user}];"
        if exists
        else f"Correct Database= (or Initial Catalog=) to an existing database, or create {what}; for a default "
        f"database: ALTER LOGIN [{user}] WITH DEFAULT_DATABASE = master."
    )
    return Diagnosis(
        "database_unavailable",
        f"The login '{user}' is valid, but {what} cannot be opened: 'Cannot open database requested by the login. "
        f"The login failed.' (4060).{logged}{known}",
        fix,
    )
