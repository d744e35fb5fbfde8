"""What the instance adds to T-SQL: server-scoped views and DMVs, system procedures
that read instance state, and server statements (logins, server roles, KILL).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import sqltypes
from ..engine import EngineSession, SqlError
from ..engine import errors as engine_errors
from ..engine.results import Message, Result, ResultSet, ReturnStatus, StatementDone
from ..engine.session import builtin_session_function
from ..engine.system import ServerStatement, SystemView, columns
from ..sqltypes import SqlType
from . import passwords
from .endpoints import TSQL
from .statements import Words

if TYPE_CHECKING:
    from .connection import ClientConnection
    from .instance import Instance

INT, SMALLINT, BIGINT, BIT, TINYINT = (
    sqltypes.INT,
    sqltypes.SMALLINT,
    sqltypes.BIGINT,
    sqltypes.BIT,
    sqltypes.TINYINT,
)
DATETIME = sqltypes.DATETIME
SYSNAME = sqltypes.SYSNAME


def nv(n: int) -> SqlType:
    return sqltypes.nvarchar(n)


def vb(n: int) -> SqlType:
    return SqlType("varbinary", length=n)


def register(instance: Instance) -> None:
    registry = instance.engine.registry
    for view in _views(instance):
        registry.view(view)
    registry.procedure("xp_readerrorlog", lambda s, a, k: _read_errorlog(instance, a, k))
    registry.procedure("sp_readerrorlog", lambda s, a, k: _read_errorlog(instance, a, k, named_prefix="p"))
    registry.procedure("sp_who", lambda s, a, k: _sp_who(instance, s))
    registry.statement(
        ServerStatement(
            "CREATE LOGIN",
            lambda w: w[:2] == ["CREATE", "LOGIN"],
            lambda s, t: _create_login(instance, s, t),
        )
    )
    registry.statement(
        ServerStatement(
            "ALTER LOGIN",
            lambda w: w[:2] == ["ALTER", "LOGIN"],
            lambda s, t: _alter_login(instance, s, t),
        )
    )
    registry.statement(
        ServerStatement(
            "DROP LOGIN",
            lambda w: w[:2] == ["DROP", "LOGIN"],
            lambda s, t: _drop_login(instance, s, t),
        )
    )
    registry.statement(
        ServerStatement(
            "ALTER SERVER ROLE",
            lambda w: w[:3] == ["ALTER", "SERVER", "ROLE"],
            lambda s, t: _alter_server_role(instance, s, t),
        )
    )
    registry.statement(ServerStatement("KILL", lambda w: w[:1] == ["KILL"], lambda s, t: _kill(instance, s, t)))
    registry.functions["IS_SRVROLEMEMBER"] = lambda s, a: _is_srvrolemember(instance, s, a)
    for name in _LOGIN_FUNCTIONS:
        registry.functions[name] = functools.partial(_login_function, instance, name)


# --- views ---------------------------------------------------------------------------------------


def _views(instance: Instance) -> list[SystemView]:
    return [
        SystemView("sys.dm_exec_sessions", SESSION_COLUMNS, lambda s: _session_rows(instance, s)),
        SystemView("sys.dm_exec_connections", CONNECTION_COLUMNS, lambda s: _connection_rows(instance, s)),
        SystemView("sys.databases", DATABASE_COLUMNS, lambda s: _database_rows(instance)),
        SystemView("sys.server_principals", PRINCIPAL_COLUMNS, lambda s: _principal_rows(instance)),
        SystemView("sys.sql_logins", LOGIN_COLUMNS, lambda s: _login_rows(instance)),
        SystemView("sys.dm_os_performance_counters", COUNTER_COLUMNS, lambda s: _counter_rows(instance)),
        SystemView(
            "sys.server_role_members",
            columns(("role_principal_id", INT, False), ("member_principal_id", INT, False)),
            lambda s: instance.logins.role_members(),
        ),
    ]


SESSION_COLUMNS = columns(
    ("session_id", SMALLINT, False),
    ("login_time", DATETIME, False),
    ("host_name", nv(128)),
    ("program_name", nv(128)),
    ("host_process_id", INT),
    ("client_version", INT),
    ("client_interface_name", nv(32)),
    ("security_id", vb(85), False),
    ("login_name", nv(128), False),
    ("nt_domain", nv(128)),
    ("nt_user_name", nv(128)),
    ("status", nv(30), False),
    ("context_info", vb(128)),
    ("cpu_time", INT, False),
    ("memory_usage", INT, False),
    ("total_scheduled_time", INT, False),
    ("total_elapsed_time", INT, False),
    ("endpoint_id", INT, False),
    ("last_request_start_time", DATETIME, False),
    ("last_request_end_time", DATETIME),
    ("reads", BIGINT, False),
    ("writes", BIGINT, False),
    ("logical_reads", BIGINT, False),
    ("is_user_process", BIT, False),
    ("text_size", INT, False),
    ("language", nv(128)),
    ("date_format", nv(3)),
    ("date_first", SMALLINT, False),
    ("quoted_identifier", BIT, False),
    ("arithabort", BIT, False),
    ("ansi_null_dflt_on", BIT, False),
    ("ansi_defaults", BIT, False),
    ("ansi_warnings", BIT, False),
    ("ansi_padding", BIT, False),
    ("ansi_nulls", BIT, False),
    ("concat_null_yields_null", BIT, False),
    ("transaction_isolation_level", SMALLINT, False),
    ("lock_timeout", INT, False),
    ("deadlock_priority", INT, False),
    ("row_count", BIGINT, False),
    ("prev_error", INT, False),
    ("original_security_id", vb(85), False),
    ("original_login_name", nv(128), False),
    ("last_successful_logon", DATETIME),
    ("last_unsuccessful_logon", DATETIME),
    ("unsuccessful_logons", BIGINT),
    ("group_id", INT, False),
    ("database_id", SMALLINT, False),
    ("authenticating_database_id", INT),
    ("open_transaction_count", INT, False),
)


def _visible(instance: Instance, session: EngineSession) -> list[ClientConnection]:
    """Every session with VIEW SERVER STATE, else only one's own."""
    conns = [c for c in list(instance.sessions.values()) if c.session is not None]
    if instance.has_server_permission(session, "VIEW SERVER STATE"):
        return conns
    return [c for c in conns if c.spid == session.info.spid]


def _session_rows(instance: Instance, current: EngineSession) -> Iterator[Sequence[Any]]:
    now = dt.datetime.now()
    for conn in _visible(instance, current):
        s = conn.session
        if s is None:
            continue
        login = conn.login
        o = s.options
        database = instance.engine.database(s.database)
        elapsed = int((now - conn.connect_time).total_seconds() * 1000)
        yield (
            conn.spid,
            conn.connect_time,
            login.hostname if login else None,
            login.appname if login else None,
            login.client_pid if login else None,
            conn.tds.tds_version >> 24 if login else None,
            login.library if login else None,
            s.info.sid,
            s.info.login,
            None,
            None,
            conn.status,
            b"",
            0,
            2,
            0,
            elapsed,
            conn.endpoint_id,
            conn.last_request_start,
            conn.last_request_end,
            conn.reads,
            conn.writes,
            0,
            True,
            o.textsize,
            o.language,
            o.dateformat,
            o.datefirst,
            o.quoted_identifier,
            o.arithabort,
            o.ansi_null_dflt_on,
            False,
            o.ansi_warnings,
            o.ansi_padding,
            o.ansi_nulls,
            o.concat_null_yields_null,
            o.isolation_level,
            o.lock_timeout,
            o.deadlock_priority,
            s.rowcount,
            s.last_error,
            s.info.sid,
            s.info.login,
            None,
            None,
            None,
            2,
            database.database_id if database else 1,
            1,
            s.trancount,
        )


CONNECTION_COLUMNS = columns(
    ("session_id", INT),
    ("most_recent_session_id", INT),
    ("connect_time", DATETIME, False),
    ("net_transport", nv(40), False),
    ("protocol_type", nv(40)),
    ("protocol_version", INT),
    ("endpoint_id", INT),
    ("encrypt_option", nv(40), False),
    ("auth_scheme", nv(40), False),
    ("node_affinity", SMALLINT, False),
    ("num_reads", INT),
    ("num_writes", INT),
    ("last_read", DATETIME),
    ("last_write", DATETIME),
    ("net_packet_size", INT),
    ("client_net_address", sqltypes.varchar(48)),
    ("client_tcp_port", INT),
    ("local_net_address", sqltypes.varchar(48)),
    ("local_tcp_port", INT),
    ("connection_id", sqltypes.UNIQUEIDENTIFIER, False),
    ("parent_connection_id", sqltypes.UNIQUEIDENTIFIER),
    ("most_recent_sql_handle", vb(64)),
)


def _connection_rows(instance: Instance, current: EngineSession) -> Iterator[Sequence[Any]]:
    for conn in _visible(instance, current):
        if conn.endpoint.type != TSQL:
            continue  # seed 000: a session that came in through a broker endpoint has no TDS connection row
        stream = conn.stream
        tcp = conn.net_transport == "TCP" and stream is not None
        encrypted = stream is not None and stream.encrypted
        yield (
            conn.spid,
            conn.spid,
            conn.connect_time,
            conn.net_transport,
            "TSQL",
            conn.tds.tds_version,
            conn.endpoint_id,
            "TRUE" if encrypted else "FALSE",
            "SQL",
            0,
            conn.reads,
            conn.writes,
            conn.last_read,
            conn.last_write,
            conn.tds.packet_size,
            stream.peer.address if tcp else "<local machine>",
            stream.peer.port if tcp else None,
            stream.local.address if tcp else None,
            stream.local.port if tcp else None,
            conn.connection_id,
            None,
            None,
        )


DATABASE_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("database_id", INT, False),
    ("source_database_id", INT),
    ("owner_sid", vb(85)),
    ("create_date", DATETIME, False),
    ("compatibility_level", TINYINT, False),
    ("collation_name", SYSNAME),
    ("user_access", TINYINT),
    ("user_access_desc", nv(60)),
    ("is_read_only", BIT),
    ("is_auto_close_on", BIT, False),
    ("is_auto_shrink_on", BIT),
    ("state", TINYINT),
    ("state_desc", nv(60)),
    ("is_in_standby", BIT),
    ("is_cleanly_shutdown", BIT),
    ("is_supplemental_logging_enabled", BIT),
    ("snapshot_isolation_state", TINYINT),
    ("snapshot_isolation_state_desc", nv(60)),
    ("is_read_committed_snapshot_on", BIT),
    ("recovery_model", TINYINT),
    ("recovery_model_desc", nv(60)),
    ("page_verify_option", TINYINT),
    ("page_verify_option_desc", nv(60)),
    ("is_auto_create_stats_on", BIT),
    ("is_auto_update_stats_on", BIT),
    ("is_ansi_null_default_on", BIT),
    ("is_ansi_nulls_on", BIT),
    ("is_ansi_padding_on", BIT),
    ("is_ansi_warnings_on", BIT),
    ("is_arithabort_on", BIT),
    ("is_concat_null_yields_null_on", BIT),
    ("is_quoted_identifier_on", BIT),
    ("is_trustworthy_on", BIT),
    ("is_broker_enabled", BIT),
    ("containment", TINYINT),
    ("containment_desc", nv(60)),
    ("is_encrypted", BIT),
)


def _database_rows(instance: Instance) -> Iterator[Sequence[Any]]:
    for database in sorted(instance.engine.databases.values(), key=lambda d: d.database_id):
        created = dt.datetime.fromisoformat(database.create_date)
        yield (
            database.name,
            database.database_id,
            None,
            b"\x01",
            created,
            160,
            "SQL_Latin1_General_CP1_CI_AS",
            0,
            "MULTI_USER",
            False,
            False,
            False,
            0,
            "ONLINE",
            False,
            False,
            False,
            0,
            "OFF",
            False,
            3 if database.database_id <= 4 else 1,
            "SIMPLE" if database.database_id <= 4 else "FULL",
            2,
            "CHECKSUM",
            True,
            True,
            False,
            False,
            False,
            False,
            False,
            False,
            False,
            database.name == "msdb",
            database.name == "msdb",
            0,
            "NONE",
            False,
        )


PRINCIPAL_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("principal_id", INT, False),
    ("sid", vb(85)),
    ("type", SqlType("char", length=1), False),
    ("type_desc", nv(60)),
    ("is_disabled", INT),
    ("create_date", DATETIME, False),
    ("modify_date", DATETIME, False),
    ("default_database_name", SYSNAME),
    ("default_language_name", SYSNAME),
    ("credential_id", INT),
    ("owning_principal_id", INT),
    ("is_fixed_role", BIT, False),
)
LOGIN_COLUMNS = (
    *PRINCIPAL_COLUMNS,
    *columns(
        ("is_policy_checked", BIT),
        ("is_expiration_checked", BIT),
        ("password_hash", vb(256)),
    ),
)
_TYPE_DESC = {
    "S": "SQL_LOGIN",
    "R": "SERVER_ROLE",
    "U": "WINDOWS_LOGIN",
    "C": "CERTIFICATE_MAPPED_LOGIN",
}


def _principal_row(row: tuple) -> tuple:
    name, pid, sid, kind, disabled, created, modified, default_db, default_lang, fixed, owner = row[:11]
    return (
        name,
        pid,
        bytes(sid),
        kind,
        _TYPE_DESC.get(kind, kind),
        int(disabled),
        dt.datetime.fromisoformat(created),
        dt.datetime.fromisoformat(modified),
        default_db if kind != "R" else None,
        default_lang if kind != "R" else None,
        None,
        owner if kind == "R" else None,
        bool(fixed),
    )


def _principal_rows(instance: Instance) -> Iterator[Sequence[Any]]:
    for row in instance.logins.principals():
        yield _principal_row(row)


def _login_rows(instance: Instance) -> Iterator[Sequence[Any]]:
    for row in instance.logins.principals():
        if row[3] == "S":
            yield (*_principal_row(row), bool(row[11]), bool(row[12]), None)


# --- procedures ----------------------------------------------------------------------------------

ERRORLOG_COLUMNS = columns(("LogDate", DATETIME), ("ProcessInfo", nv(64)), ("Text", nv(4000)))


def _read_errorlog(
    instance: Instance, args: list[Any], named: dict[str, Any], named_prefix: str = ""
) -> Iterator[Result]:
    def arg(index: int, name: str) -> Any:
        key = f"p{index + 1}" if named_prefix else name
        if key in named:
            return named[key]
        return args[index] if index < len(args) else None

    archive = int(arg(0, "archive") or 0)
    search = [s for s in (arg(2, "search1"), arg(3, "search2")) if s]
    entries = instance.errorlog.read(archive)
    rows = [(e.when, e.source, e.text) for e in entries if all(str(s).lower() in e.text.lower() for s in search)]
    yield ResultSet(ERRORLOG_COLUMNS, [rows])
    yield StatementDone("SELECT", len(rows), in_procedure=True)


WHO_COLUMNS = columns(
    ("spid", SMALLINT, False),
    ("ecid", SMALLINT, False),
    ("status", nv(30), False),
    ("loginame", nv(128)),
    ("hostname", nv(128), False),
    ("blk", sqltypes.varchar(5)),
    ("dbname", nv(128)),
    ("cmd", nv(16), False),
    ("request_id", INT, False),
)


def _sp_who(instance: Instance, session: EngineSession) -> Iterator[Result]:
    rows = []
    for conn in _visible(instance, session):
        s = conn.session
        if s is None:
            continue
        login = conn.login
        rows.append(
            (
                conn.spid,
                0,
                conn.status,
                s.info.login,
                (login.hostname if login else "") or "",
                "  0",
                s.database,
                "SELECT" if conn.status == "running" else "AWAITING COMMAND",
                0,
            )
        )
    yield ResultSet(WHO_COLUMNS, [rows])
    yield StatementDone("SELECT", len(rows), in_procedure=True)


COUNTER_COLUMNS = columns(
    ("object_name", sqltypes.SqlType("nchar", length=128), False),
    ("counter_name", sqltypes.SqlType("nchar", length=128), False),
    ("instance_name", sqltypes.SqlType("nchar", length=128)),
    ("cntr_value", BIGINT, False),
    ("cntr_type", INT, False),
)
_BULK_COUNT, _RAW_VALUE = 272696576, 65792  # cumulative "per second" counters, and plain values


def _counter_rows(instance: Instance) -> Iterator[Sequence[Any]]:
    """The counters that say how the server works: a repeated statement adds a batch request but no
    compilation, because each distinct text is parsed once, and so does one that differs only in its
    literals once its auto-parameterized template is known (engine.autoparam)."""
    prefix = "SQLServer" if instance.config.instance == "MSSQLSERVER" else f"MSSQL${instance.config.instance}"
    stats = f"{prefix}:SQL Statistics"
    autoparam = instance.engine.autoparam
    for object_name, counter, value, kind in (
        (stats, "Batch Requests/sec", instance.batch_requests, _BULK_COUNT),
        (stats, "SQL Compilations/sec", instance.engine.parse_count, _BULK_COUNT),
        (stats, "SQL Re-Compilations/sec", 0, _BULK_COUNT),
        (stats, "Auto-Param Attempts/sec", autoparam.attempts, _BULK_COUNT),
        (stats, "Safe Auto-Params/sec", autoparam.safe, _BULK_COUNT),
        (stats, "Failed Auto-Params/sec", autoparam.failed, _BULK_COUNT),
        (f"{prefix}:General Statistics", "User Connections", len(instance.sessions), _RAW_VALUE),
    ):
        yield (object_name.ljust(128), counter.ljust(128), "".ljust(128), value, kind)


# --- statements ----------------------------------------------------------------------------------


def _require_login_admin(instance: Instance, session: EngineSession) -> None:
    roles = instance.logins.roles_of(session.info.principal_id)
    if not roles & {"sysadmin", "securityadmin"}:
        raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")


def _options(words: Words) -> dict[str, str]:
    """WITH PASSWORD = '...', DEFAULT_DATABASE = db, CHECK_POLICY = OFF, ..."""
    found: dict[str, str] = {}
    while not words.done:
        key = words.word().upper()
        if key == "MUST_CHANGE":
            found[key] = "ON"
        else:
            words.expect("=")
            found[key] = words.value()
        if not words.accept(","):
            break
    return found


def _create_login(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    words = Words(text)
    words.expect("CREATE")
    words.expect("LOGIN")
    name = words.identifier()
    if words.accept("FROM"):
        raise engine_errors.not_supported("CREATE LOGIN ... FROM WINDOWS / CERTIFICATE / EXTERNAL PROVIDER")
    words.expect("WITH")
    options = _options(words)
    words.end()
    _require_login_admin(instance, session)
    if "PASSWORD" not in options:
        raise engine_errors.syntax_error(name)
    if instance.logins.find(name) is not None:
        raise SqlError(15025, 16, 2, f"The server principal '{name}' already exists.")
    password = options["PASSWORD"]
    check_policy = options.get("CHECK_POLICY", "ON").upper() == "ON"
    if check_policy and not passwords.meets_policy(password):
        raise SqlError(
            15118,
            16,
            1,
            "Password validation failed. The password does not meet the operating system policy "
            "requirements because it is not complex enough.",
        )
    database = options.get("DEFAULT_DATABASE", "master")
    if instance.engine.database(database) is None:
        raise engine_errors.unknown_database(database)
    instance.logins.create(
        name,
        password,
        default_database=instance.engine.database(database).name,  # type: ignore[union-attr]
        default_language=options.get("DEFAULT_LANGUAGE", "us_english"),
        check_policy=check_policy,
        check_expiration=options.get("CHECK_EXPIRATION", "OFF").upper() == "ON",
        sid=bytes.fromhex(options["SID"][2:]) if options.get("SID", "").lower().startswith("0x") else None,
    )
    yield StatementDone("")


def _alter_login(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    words = Words(text)
    words.expect("ALTER")
    words.expect("LOGIN")
    name = words.identifier()
    login = instance.logins.find(name)
    own = login is not None and login.principal_id == session.info.principal_id
    if words.accept("ENABLE") or words.accept("DISABLE"):
        disable = words.previous.upper() == "DISABLE"
        words.end()
        _require_login_admin(instance, session)
        if login is None:
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot alter the login '{name}', because it does not exist or you do not have permission.",
            )
        instance.logins.update(login.name, is_disabled=int(disable))
        yield StatementDone("")
        return
    words.expect("WITH")
    options = _options(words)
    words.end()
    if login is None:
        raise SqlError(
            15151,
            16,
            1,
            f"Cannot alter the login '{name}', because it does not exist or you do not have permission.",
        )
    only_password = set(options) <= {"PASSWORD", "OLD_PASSWORD"}
    if not (own and only_password):
        _require_login_admin(instance, session)
    if "PASSWORD" in options:
        if own and "OLD_PASSWORD" not in options and not session.info.is_sysadmin:
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot alter the login '{name}', because it does not exist or you do not have permission.",
            )
        if "OLD_PASSWORD" in options and instance.logins.verify(login.name, options["OLD_PASSWORD"]).state == 8:
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot alter the login '{name}', because it does not exist or you do not have permission.",
            )
        instance.logins.set_password(login.name, options["PASSWORD"])
    updates: dict[str, object] = {}
    if "DEFAULT_DATABASE" in options:
        database = instance.engine.database(options["DEFAULT_DATABASE"])
        if database is None:
            raise engine_errors.unknown_database(options["DEFAULT_DATABASE"])
        updates["default_database_name"] = database.name
    if "DEFAULT_LANGUAGE" in options:
        updates["default_language_name"] = options["DEFAULT_LANGUAGE"]
    if "NAME" in options:
        updates["name"] = options["NAME"]
    if "CHECK_POLICY" in options:
        updates["is_policy_checked"] = int(options["CHECK_POLICY"].upper() == "ON")
    instance.logins.update(login.name, **updates)
    yield StatementDone("")


def _drop_login(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    words = Words(text)
    words.expect("DROP")
    words.expect("LOGIN")
    name = words.identifier()
    words.end()
    _require_login_admin(instance, session)
    login = instance.logins.find(name)
    if login is None:
        raise SqlError(
            15151,
            16,
            1,
            f"Cannot drop the login '{name}', because it does not exist or you do not have permission.",
        )
    if login.principal_id == 1:
        raise SqlError(15405, 16, 1, "Cannot use the special principal 'sa'.")
    if any(
        c.session is not None and c.session.info.principal_id == login.principal_id
        for c in list(instance.sessions.values())
    ):
        raise SqlError(15434, 16, 1, f"Could not drop login '{name}' as the user is currently logged in.")
    if any(e.principal_id == login.principal_id for e in instance.endpoints.endpoints):
        raise SqlError(15141, 16, 1, "The server principal owns one or more endpoint(s) and cannot be dropped.")
    instance.logins.drop(login.name)
    yield StatementDone("")


def _alter_server_role(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    words = Words(text)
    for word in ("ALTER", "SERVER", "ROLE"):
        words.expect(word)
    role = words.identifier()
    action = words.word().upper()
    words.expect("MEMBER")
    member = words.identifier()
    words.end()
    roles = instance.logins.roles_of(session.info.principal_id)
    if "sysadmin" not in roles and not ("securityadmin" in roles and role.lower() != "sysadmin"):
        raise SqlError(
            15151,
            16,
            1,
            f"Cannot alter the server role '{role}', because it does not exist or you do not have permission.",
        )
    if instance.logins.find(member) is None:
        raise SqlError(
            15151,
            16,
            1,
            f"Cannot add the principal '{member}', because it does not exist or you do not have permission.",
        )
    if action == "ADD":
        instance.logins.add_role_member(role, member)
    elif action == "DROP":
        instance.logins.drop_role_member(role, member)
    else:
        raise engine_errors.syntax_error(action)
    _refresh_sysadmin(instance)
    yield StatementDone("")


def _refresh_sysadmin(instance: Instance) -> None:
    """Role membership decides what running sessions may do from their next statement."""
    for conn in list(instance.sessions.values()):
        if conn.session is not None:
            conn.session.info.is_sysadmin = instance.logins.is_sysadmin(conn.session.info.principal_id)


def _kill(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    words = Words(text)
    words.expect("KILL")
    target = words.word()
    words.end()
    if not target.isdigit():
        raise engine_errors.syntax_error(target)
    spid = int(target)
    roles = instance.logins.roles_of(session.info.principal_id)
    if not roles & {"sysadmin", "processadmin"}:
        raise SqlError(6102, 14, 1, "User does not have permission to use the KILL statement.")
    if spid == session.info.spid:
        raise SqlError(6104, 16, 1, "Cannot use KILL to kill your own process.")
    conn = instance.sessions.get(spid)
    if conn is None:
        raise SqlError(6106, 16, 2, f"Process ID {spid} is not an active process ID.")
    loop = conn._loop
    if loop is not None:
        loop.call_soon_threadsafe(conn.kill)
    yield StatementDone("")


# SUSER_ID('login'), SUSER_SID('login'), SUSER_NAME(id), SUSER_SNAME(sid): the principal asked about
# (NULL for none); without an argument, the session's own login (the engine answers that).
_LOGIN_FUNCTIONS = ("SUSER_ID", "SUSER_SID", "SUSER_NAME", "SUSER_SNAME")


def _login_function(instance: Instance, name: str, session: EngineSession, args: list[Any]) -> Any:
    if not args:
        return builtin_session_function(session, name, args)
    value = args[0]
    if value is None:
        return None
    logins = instance.logins
    if name == "SUSER_ID":
        return logins.find_principal(str(value))
    if name == "SUSER_SID":
        login = logins.find(str(value))
        return login.sid if login is not None else None
    if name == "SUSER_NAME":
        return logins.find_id(int(value))
    return logins.find_sid(bytes(value)) if isinstance(value, bytes | bytearray) else None


def _is_srvrolemember(instance: Instance, session: EngineSession, args: list[Any]) -> Any:
    if not args or args[0] is None:
        return None
    role = str(args[0]).lower()
    name = str(args[1]) if len(args) > 1 and args[1] is not None else None
    principal = session.info.principal_id
    if name is not None:
        login = instance.logins.find(name)
        if login is None:
            return None
        principal = login.principal_id
    known = {r.lower() for _, r in __import__("tdsnet.server.logins", fromlist=["FIXED_ROLES"]).FIXED_ROLES}
    if role not in known:
        return None
    return 1 if role in instance.logins.roles_of(principal) else 0


__all__ = ["register"]
del Message, ReturnStatus, uuid
