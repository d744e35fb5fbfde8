"""[core] server behaviour seen from outside: login failures and their ERRORLOG states,
ATTENTION, garbage input, session DMVs, KILL, the error log, logins, startup options."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
import time

import pytest

import rawtds
from harness import Server, pyodbc_connect, start_server
from tdsnet.tds import login7, tokens
from tdsnet.tds.packets import PacketType

pymssql = pytest.importorskip("pymssql")


def connect(server: Server, user: str = "sa", password: str | None = None, database: str = "master", **kw):
    return pymssql.connect(
        server=server.host,
        port=server.port,
        user=user,
        password=server.sa_password if password is None else password,
        database=database,
        autocommit=True,
        **kw,
    )


def query(conn, sql: str, params: tuple = ()) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(sql, params or None)
    return cursor.fetchall() if cursor.description else []


def login_error(server: Server, user: str, password: str, database: str = "master") -> tuple[int, str]:
    """The server's error for a refused login, as python-tds reports it (pymssql keeps the messages
    of earlier failed connections in process-wide state, which muddles the text)."""
    pytds = pytest.importorskip("pytds")
    with pytest.raises(pytds.Error) as caught:
        pytds.connect(server.host, port=server.port, user=user, password=password, database=database, autocommit=True)
    return caught.value.msg_no, caught.value.message


# --- login failures ----------------------------------------------------------------------------


def test_wrong_password_is_18456_with_state_8_in_errorlog(server: Server) -> None:
    number, message = login_error(server, "sa", "not the password")
    assert number == 18456
    assert "Login failed for user 'sa'." in message
    text = server.wait_for_log(r"Reason: Password did not match")
    assert re.search(
        r"Logon\s+Error: 18456, Severity: 14, State: 8\.\n.*Logon\s+Login failed for user 'sa'\. "
        r"Reason: Password did not match that for the login provided\. \[CLIENT: 127\.0\.0\.1\]",
        text,
    )
    assert "not the password" not in text  # passwords never reach the log


def test_unknown_login_is_state_5(server: Server) -> None:
    number, _ = login_error(server, "nobody_here", "whatever1!A")
    assert number == 18456
    server.wait_for_log(r"State: 5\.\n.*Login failed for user 'nobody_here'\. Reason: Could not find a login")


def test_disabled_login_is_state_7_and_unknown_database_is_4060_state_38(server: Server) -> None:
    admin = connect(server)
    query(admin, "CREATE LOGIN disabled_user WITH PASSWORD = 'Disabled!Pass1'")
    query(admin, "ALTER LOGIN disabled_user DISABLE")
    number, _ = login_error(server, "disabled_user", "Disabled!Pass1")
    assert number == 18456
    server.wait_for_log(r"State: 7\.\n.*Login failed for user 'disabled_user'\. Reason: The account is disabled\.")
    query(admin, "ALTER LOGIN disabled_user ENABLE")
    connect(server, "disabled_user", "Disabled!Pass1").close()
    client = rawtds.RawClient(server.host, server.port)
    client.prelogin()
    errors = rawtds.errors_in(client.login("sa", server.sa_password, database="no_such_db"))
    assert [(e.number, e.severity) for e in errors] == [(4060, 11), (18456, 14)]
    assert errors[0].text == 'Cannot open database "no_such_db" requested by the login. The login failed.'
    client.close()
    server.wait_for_log(r"State: 38\.\n.*Reason: Failed to open the explicitly specified database 'no_such_db'\.")
    admin.close()


def test_integrated_security_login_gets_18452_not_a_hang(server: Server) -> None:
    client = rawtds.RawClient(server.host, server.port)
    client.prelogin()
    record = login7.Login7(
        username="",
        hostname="rawtds",
        sspi=b"NTLMSSP\x00\x01\x00\x00\x00",
        option_flags2=login7.OptionFlags2.INTEGRATED_SECURITY | login7.OptionFlags2.ODBC,
    )
    client.send(PacketType.LOGIN7, login7.encode(record))
    errors = rawtds.errors_in(client.events())
    assert errors[0].number == 18452
    assert "cannot be used with Integrated authentication" in errors[0].text
    client.close()


# --- ATTENTION ---------------------------------------------------------------------------------


def test_attention_during_waitfor_is_acknowledged_within_a_second(server: Server) -> None:
    client = rawtds.connect(server.host, server.port, "sa", server.sa_password)
    client.send_batch("WAITFOR DELAY '00:00:10'")
    time.sleep(0.2)
    started = time.monotonic()
    client.attention()
    events = client.events()
    elapsed = time.monotonic() - started
    done = [e for e in events if isinstance(e, tokens.Done)]
    assert done and done[-1].attention and not done[-1].more
    assert elapsed < 1.0
    # The session goes on working.
    assert rawtds.rows_in(client.batch("SELECT 7")) == [[7]]
    client.close()


def test_attention_with_nothing_running_gets_done_attn(server: Server) -> None:
    client = rawtds.connect(server.host, server.port, "sa", server.sa_password)
    client.attention()
    done = [e for e in client.events() if isinstance(e, tokens.Done)]
    assert done[-1].attention
    assert rawtds.rows_in(client.batch("SELECT 8")) == [[8]]
    client.close()


def test_odbc_cancel_interrupts_a_long_query(server: Server) -> None:
    pyodbc = pytest.importorskip("pyodbc")
    conn = pyodbc_connect(server)
    cursor = conn.cursor()
    canceller = threading.Timer(0.3, cursor.cancel)
    canceller.start()
    started = time.monotonic()
    try:
        cursor.execute("WAITFOR DELAY '00:00:10'")
    except pyodbc.Error as exc:
        assert "cancel" in str(exc).lower()
    canceller.join(10)  # SQLCancel must be over before the statement is used or freed
    assert not canceller.is_alive()
    assert time.monotonic() - started < 3  # SQLCancel sent ATTENTION and the wait stopped
    assert conn.cursor().execute("SELECT 9").fetchone()[0] == 9
    conn.close()


# --- bad input ---------------------------------------------------------------------------------


def test_garbage_clients_do_not_disturb_others(server: Server) -> None:
    good = connect(server)
    stop = threading.Event()
    failures: list[BaseException] = []

    def good_client() -> None:
        try:
            n = 0
            while not stop.is_set():
                n += 1
                assert query(good, "SELECT %d + 1", (n,))[0][0] == n + 1
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=good_client)
    thread.start()
    payloads = [
        b"\x00" * 100,
        os.urandom(4096),
        b"\x12\x01\x00\x08\x00\x00\x00\x00",  # empty PRELOGIN
        b"\x12\x01\xff\xff\x00\x00\x00\x00" + b"x" * 100,  # length past the data
        b"\x10\x01\x00\x20\x00\x00\x00\x00" + b"\xff" * 24,  # LOGIN7 with nonsense offsets
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x00\x05hello",  # HTTP, a bad TLS hello
        b"\x01\x01\x00\x10\x00\x00\x00\x00abcdefgh",  # a batch before login
    ]
    for payload in payloads * 3:
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.sendall(payload)
            sock.settimeout(2)
            try:
                while sock.recv(4096):
                    pass
            except (TimeoutError, ConnectionResetError):
                pass
    stop.set()
    thread.join(10)
    assert not failures
    assert query(good, "SELECT 1")[0][0] == 1
    good.close()
    assert "Length specified in network packet payload did not match" in server.errorlog_text()


# --- sessions ----------------------------------------------------------------------------------


def test_session_dmvs_have_real_values(server: Server) -> None:
    client = rawtds.connect(server.host, server.port, "sa", server.sa_password)
    client_port = client.sock.getsockname()[1]
    events = client.batch(
        "SELECT session_id, net_transport, protocol_type, protocol_version, endpoint_id, "
        "encrypt_option, auth_scheme, net_packet_size, client_net_address, client_tcp_port, "
        "local_net_address, local_tcp_port, connection_id FROM sys.dm_exec_connections "
        "WHERE session_id = @@SPID"
    )
    (row,) = rawtds.rows_in(events)
    (
        spid,
        transport,
        ptype,
        pversion,
        endpoint,
        encrypt,
        auth,
        size,
        address,
        port,
        local,
        lport,
        cid,
    ) = row
    assert spid >= 51
    assert (transport, ptype, pversion, endpoint, encrypt, auth) == (
        "TCP",
        "TSQL",
        0x74000004,
        4,
        "FALSE",
        "SQL",
    )
    assert size == 4096
    assert (address, port, local, lport) == ("127.0.0.1", client_port, "127.0.0.1", server.port)
    assert cid is not None
    (session,) = rawtds.rows_in(
        client.batch(
            "SELECT session_id, login_name, host_name, program_name, status, transaction_isolation_level, "
            "is_user_process FROM sys.dm_exec_sessions WHERE session_id = @@SPID"
        )
    )
    assert session == [spid, "sa", "rawtds", "rawtds", "running", 2, True]
    client.close()


def test_kill_ends_another_session(server: Server) -> None:
    victim = connect(server)
    victim_spid = query(victim, "SELECT @@SPID")[0][0]
    killer = connect(server)
    query(killer, f"KILL {victim_spid}")
    with pytest.raises(pymssql.Error):
        time.sleep(0.2)
        query(victim, "SELECT 1")
    own = query(killer, "SELECT @@SPID")[0][0]
    with pytest.raises(pymssql.Error, match="Cannot use KILL to kill your own process"):
        query(killer, f"KILL {own}")
    with pytest.raises(pymssql.Error, match="Process ID 999 is not an active process ID"):
        query(killer, "KILL 999")
    killer.close()


def test_errorlog_readable_from_tsql(server: Server) -> None:
    conn = connect(server)
    rows = query(conn, "EXEC xp_readerrorlog 0, 1, N'Server is listening on'")
    assert rows and f"<ipv4> {server.port}]" in rows[0][2]
    rows = query(conn, "EXEC sp_readerrorlog")
    assert any("SQL Server is now ready for client connections" in r[2] for r in rows)
    conn.close()


def test_server_properties_and_version(server: Server) -> None:
    conn = connect(server)
    (row,) = query(
        conn,
        "SELECT @@VERSION, CAST(SERVERPROPERTY('ProductVersion') AS varchar(20)), "
        "CAST(SERVERPROPERTY('Edition') AS varchar(60)), "
        "CAST(SERVERPROPERTY('EngineEdition') AS int), @@SERVERNAME, @@SERVICENAME, "
        "CAST(SERVERPROPERTY('MachineName') AS varchar(60)), DB_NAME(), SCHEMA_NAME()",
    )
    version, product, edition, engine_edition, servername, service, machine, db, schema = row
    assert version.startswith("Microsoft SQL Server 2022")
    assert product == "16.0.1000.6"
    assert edition == "Developer Edition (64-bit)" and engine_edition == 3
    assert servername == machine and service == "MSSQLSERVER"
    assert (db, schema) == ("master", "dbo")
    conn.close()


def test_login_statements_follow_sql_server(server: Server) -> None:
    admin = connect(server)
    with pytest.raises(pymssql.Error, match="not complex enough"):
        query(admin, "CREATE LOGIN weak_user WITH PASSWORD = 'short'")
    query(admin, "CREATE LOGIN app_user WITH PASSWORD = 'App!Passw0rd', DEFAULT_DATABASE = master")
    with pytest.raises(pymssql.Error, match="The server principal 'app_user' already exists"):
        query(admin, "CREATE LOGIN app_user WITH PASSWORD = 'App!Passw0rd'")
    user = connect(server, "app_user", "App!Passw0rd")
    assert query(user, "SELECT SUSER_SNAME(), IS_SRVROLEMEMBER('sysadmin')")[0] == ("app_user", 0)
    with pytest.raises(pymssql.Error, match="User does not have permission to perform this action"):
        query(user, "CREATE LOGIN sneaky WITH PASSWORD = 'Sneaky!Pass1'")
    rows = query(
        admin,
        "SELECT name, type_desc, is_disabled FROM sys.server_principals WHERE name = 'app_user'",
    )
    assert rows == [("app_user", "SQL_LOGIN", 0)]
    assert query(admin, "SELECT name FROM sys.sql_logins WHERE name = 'app_user'") == [("app_user",)]
    with pytest.raises(pymssql.Error, match="Could not drop login 'app_user' as the user is currently logged in"):
        query(admin, "DROP LOGIN app_user")
    user.close()
    time.sleep(0.3)
    query(admin, "DROP LOGIN app_user")
    assert login_error(server, "app_user", "App!Passw0rd")[0] == 18456
    admin.close()


# --- startup -----------------------------------------------------------------------------------


def test_generated_sa_password_and_container_variables(tmp_path) -> None:
    running = start_server(tmp_path / "generated", sa_password=None)
    try:
        printed = "".join(running.output)
        match = re.search(r"generated sa password \(shown once, stored only as a hash\): (\S+)", printed)
        assert match, printed
        password = match.group(1)
        conn = pymssql.connect(server="127.0.0.1", port=running.port, user="sa", password=password)
        conn.close()
        assert password not in running.errorlog_text()
        assert password not in (tmp_path / "generated" / "master.db").read_bytes().decode("latin-1")
    finally:
        assert running.stop() == 0
    assert "SQL Server shutdown has been initiated" in running.errorlog_text()
    port = _free_port()
    env = {"MSSQL_SA_PASSWORD": "Env!Passw0rd", "MSSQL_TCP_PORT": str(port)}
    from_env = start_server(tmp_path / "env", sa_password=None, env=env, port=port)
    try:
        assert from_env.port == port
        pymssql.connect(server="127.0.0.1", port=port, user="sa", password="Env!Passw0rd").close()
    finally:
        from_env.stop()


def test_weak_sa_password_refused_at_first_start(tmp_path) -> None:
    with pytest.raises(RuntimeError, match="not complex enough"):
        start_server(tmp_path / "weak", sa_password="weak")


def test_port_in_use_is_reported_and_other_protocols_still_serve(server: Server, tmp_path) -> None:
    """Like SQL Server, an instance whose TCP port is taken logs 26023 and keeps its other protocols."""
    with pytest.raises(RuntimeError, match=r"sqlcmd -S np:"):
        start_server(tmp_path / "clash", port=server.port)
    text = (tmp_path / "clash" / "log" / "ERRORLOG").read_text()
    assert "Error: 26023, Severity: 16, State: 1." in text
    assert (
        f"Server TCP provider failed to listen on [ 127.0.0.1 <ipv4> {server.port}]. Tcp port is already in use."
        in text
    )
    assert "Server named pipe provider is ready to accept connection on [ \\\\.\\pipe\\sql\\query ]." in text


def test_sigint_shuts_down_cleanly(tmp_path) -> None:
    running = start_server(tmp_path / "int")
    assert running.stop(signal.SIGINT) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
