"""[endpoints] acceptance: seeds 000 and 001 end to end, through ODBC Driver 18 (mssql-python),
pymssql and tedious, against real tdsnet instances on loopback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pymssql
import pytest

import rawtds
import tdsnet
from harness import SA_PASSWORD, Server, free_port, start_server
from probes import PROBES, errorlog_states

pytestmark = pytest.mark.clients

CLIENT_NAMES = sorted(PROBES)
USER, USER_PASSWORD = "app_user", "App!Passw0rd1"


def sa(server: Server, host: str | None = None, port: int | None = None) -> pymssql.Connection:
    return pymssql.connect(
        server=host or server.host, port=port or server.port, user="sa", password=SA_PASSWORD, autocommit=True
    )


def run(conn: pymssql.Connection, *statements: str) -> list[tuple]:
    cursor = conn.cursor()
    rows: list[tuple] = []
    for sql in statements:
        cursor.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
    return rows


def create_tsql_endpoint(conn: pymssql.Connection, sql: str) -> None:
    """CREATE ENDPOINT ... FOR TSQL prints 7891 (severity 10), which pymssql raises as an exception."""
    try:
        run(conn, sql)
    except pymssql.OperationalError as exc:
        if exc.args[0] != 7891:
            raise


def error_number(conn: pymssql.Connection, sql: str) -> int:
    with pytest.raises(pymssql.Error) as caught:
        run(conn, sql)
    return caught.value.args[0]


def endpoint_id(conn: pymssql.Connection, name: str) -> int:
    return run(conn, f"SELECT endpoint_id FROM sys.endpoints WHERE name = '{name}'")[0][0]


def write_network(data_dir: Path, addresses: dict[str, str]) -> None:
    """A network.toml that listens on the given addresses and ports only (as set in Configuration Manager)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lines = ["[Tcp]", "Enabled = true", "ListenOnAllIPs = false", ""]
    for number, (address, ports) in enumerate(addresses.items(), start=1):
        lines += [f"[Tcp.IP{number}]", f'IpAddress = "{address}"', "Active = true", "Enabled = true"]
        lines += [f'TcpPort = "{ports}"', 'TcpDynamicPorts = ""', ""]
    (data_dir / "network.toml").write_text("\n".join(lines))


def closed_after_connect(host: str, port: int) -> bool:
    """A stopped endpoint accepts the TCP connection (no fallback) and then closes it."""
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.settimeout(5)
        try:
            return sock.recv(1) == b""
        except ConnectionResetError:
            return True


def refuses(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


# --- the catalog -----------------------------------------------------------------------------------


def test_system_endpoints_and_their_permissions(server: Server) -> None:
    with contextlib.closing(sa(server)) as conn:
        rows = run(
            conn,
            "SELECT endpoint_id, name, principal_id, protocol_desc, type_desc, state_desc, is_admin_endpoint"
            " FROM sys.endpoints WHERE endpoint_id < 65536 ORDER BY endpoint_id",
        )
        assert rows == [
            (1, "Dedicated Admin Connection", 1, "TCP", "TSQL", "STARTED", True),
            (2, "TSQL Local Machine", 1, "SHARED_MEMORY", "TSQL", "STARTED", False),
            (3, "TSQL Named Pipes", 1, "NAMED_PIPES", "TSQL", "STARTED", False),
            (4, "TSQL Default TCP", 1, "TCP", "TSQL", "STARTED", False),
            (5, "TSQL Default VIA", 1, "VIA", "TSQL", "STARTED", False),
        ]
        # Like SQL Server's, sys.tcp_endpoints does not show the ports the instance listens on.
        assert run(
            conn, "SELECT name, port, is_dynamic_port, ip_address FROM sys.tcp_endpoints WHERE endpoint_id < 5"
        ) == [
            ("Dedicated Admin Connection", 0, True, None),
            ("TSQL Default TCP", 0, True, None),
        ]
        public = run(
            conn,
            "SELECT major_id, type, permission_name, state_desc FROM sys.server_permissions"
            " WHERE class = 105 AND grantee_principal_id = 2 AND major_id < 6 ORDER BY major_id",
        )
        assert public[:4] == [(n, "CO  ", "CONNECT", "GRANT") for n in (2, 3, 4, 5)] or public == [
            (n, "CO  ", "CONNECT", "GRANT") for n in (2, 3, 5)
        ]  # a test on the shared server may have created a TSQL endpoint (which revokes public on 4)


def test_endpoint_statement_errors(fresh_server) -> None:
    server = fresh_server()
    with contextlib.closing(sa(server)) as conn:
        assert error_number(conn, "DROP ENDPOINT [TSQL Default TCP]") == 7873
        assert error_number(conn, "ALTER ENDPOINT [TSQL Default TCP] STATE = DISABLED") == 7871
        assert error_number(conn, "ALTER ENDPOINT [TSQL Default TCP] AS TCP (LISTENER_PORT = 5000)") == 7871
        assert error_number(conn, "ALTER ENDPOINT [Dedicated Admin Connection] STATE = STOPPED") == 7864
        assert error_number(conn, "DROP ENDPOINT nosuch") == 15151
        assert error_number(conn, "GRANT CONNECT ON ENDPOINT::nosuch TO public") == 15151
        assert (
            error_number(
                conn,
                "CREATE ENDPOINT soap AS HTTP (PATH = '/x', AUTHENTICATION = (INTEGRATED)) FOR SOAP (WSDL = DEFAULT)",
            )
            == 7878
        )
        port = free_port()
        run(conn, f"CREATE ENDPOINT sb AS TCP (LISTENER_PORT = {port}) FOR SERVICE_BROKER ()")
        assert (
            error_number(conn, f"CREATE ENDPOINT sb2 AS TCP (LISTENER_PORT = {port + 1}) FOR SERVICE_BROKER ()") == 7862
        )
        assert error_number(conn, f"CREATE ENDPOINT sb AS TCP (LISTENER_PORT = {port + 2}) FOR TSQL ()") == 2714
        assert error_number(conn, "ALTER ENDPOINT sb FOR TSQL ()") == 7860
        assert error_number(conn, "ALTER ENDPOINT sb") == 7863
        assert error_number(conn, "BEGIN TRAN; DROP ENDPOINT sb") == 574
        run(conn, "IF @@TRANCOUNT > 0 ROLLBACK")
        # Created without STATE: stopped, as SQL Server's default
        assert run(conn, "SELECT state_desc FROM sys.endpoints WHERE name = 'sb'") == [("STOPPED",)]
        row = run(
            conn,
            "SELECT connection_auth_desc, encryption_algorithm_desc, is_message_forwarding_enabled,"
            " message_forwarding_size FROM sys.service_broker_endpoints",
        )
        assert row == [("NEGOTIATE", "AES", False, 10)]


# --- seed 001: association -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_001(tmp_path_factory: pytest.TempPathFactory):
    """The seed's example: the instance listens on 127.0.0.1:P, 127.0.0.2:P and 127.0.0.1:Q; endpoints
    Loopback (127.0.0.1, P), Remote (any address, P) and TSQL Default TCP."""
    data_dir = tmp_path_factory.mktemp("seed001")
    p, q = free_port(), free_port()
    write_network(data_dir, {"127.0.0.1": f"{p},{q}", "127.0.0.2": str(p)})
    server = start_server(data_dir, port=None, listen="")
    with contextlib.closing(sa(server, "127.0.0.1", q)) as conn:
        run(conn, f"CREATE LOGIN {USER} WITH PASSWORD = '{USER_PASSWORD}'")
        create_tsql_endpoint(
            conn,
            f"CREATE ENDPOINT Loopback STATE = STARTED AS TCP (LISTENER_PORT = {p}, LISTENER_IP = (127.0.0.1))"
            " FOR TSQL ()",
        )
        create_tsql_endpoint(conn, f"CREATE ENDPOINT Remote STATE = STARTED AS TCP (LISTENER_PORT = {p}) FOR TSQL ()")
        run(conn, "GRANT CONNECT ON ENDPOINT::[TSQL Default TCP] TO public")  # creating them revoked it
        run(conn, f"GRANT CONNECT ON ENDPOINT::Loopback TO {USER}")
        ids = {name: endpoint_id(conn, name) for name in ("Loopback", "Remote", "TSQL Default TCP")}
    yield server, p, q, ids
    server.stop()


@pytest.mark.parametrize("client", CLIENT_NAMES)
def test_seed_001_each_connection_gets_one_endpoint(seed_001, client: str) -> None:
    _server, p, q, ids = seed_001
    probe = PROBES[client]
    for host, port, expected in (
        ("127.0.0.1", p, "Loopback"),  # exact IP address and port
        ("127.0.0.2", p, "Remote"),  # no exact match: the IP_ANY endpoint with this port
        ("127.0.0.1", q, "TSQL Default TCP"),  # no endpoint for this port
    ):
        outcome = probe(host, port, "sa", SA_PASSWORD)
        assert outcome.ok, outcome.message
        assert outcome.endpoint_id == ids[expected], (host, port, expected)
        assert outcome.net_transport == "TCP"


@pytest.mark.parametrize("client", CLIENT_NAMES)
def test_seed_001_no_search_for_another_endpoint(seed_001, client: str) -> None:
    server, p, q, ids = seed_001
    probe = PROBES[client]
    assert probe("127.0.0.1", p, USER, USER_PASSWORD).endpoint_id == ids["Loopback"]
    assert probe("127.0.0.1", q, USER, USER_PASSWORD).endpoint_id == ids["TSQL Default TCP"]
    before = len(errorlog_states(server.errorlog_text(), USER))
    refused = probe("127.0.0.2", p, USER, USER_PASSWORD)  # Remote: no CONNECT, and no fallback to the default
    assert not refused.ok and refused.number == 18456
    text = server.wait_for_log(rf"Login failed for user '{USER}'\. Reason: Token-based server access")
    assert errorlog_states(text, USER)[before:] == [11]
    assert (
        f"Login failed for user '{USER}'. Reason: Token-based server access validation failed with an "
        "infrastructure error. Check for previous errors. [CLIENT: 127.0.0.1]" in text
    )


# --- CONNECT permission matrix ------------------------------------------------------------------------

ACTIONS = ["GRANT", "DENY", "REVOKE", "nothing"]
KINDS = {"plain": "ep_plain", "sysadmin": "ep_admin", "control": "ep_control"}


def allowed(kind: str, to_login: str, to_public: str) -> bool:
    """SQL Server's rule: sysadmin passes every check; DENY beats GRANT, also for CONTROL SERVER."""
    if kind == "sysadmin":
        return True
    if "DENY" in (to_login, to_public):
        return False
    return kind == "control" or "GRANT" in (to_login, to_public)


@pytest.fixture(scope="module")
def matrix_server(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    server = start_server(tmp_path_factory.mktemp("matrix"), port=port)
    with contextlib.closing(sa(server)) as conn:
        for login in KINDS.values():
            run(conn, f"CREATE LOGIN {login} WITH PASSWORD = '{USER_PASSWORD}'")
        run(conn, f"ALTER SERVER ROLE sysadmin ADD MEMBER {KINDS['sysadmin']}")
        run(conn, f"GRANT CONTROL SERVER TO {KINDS['control']}")
        create_tsql_endpoint(conn, f"CREATE ENDPOINT app STATE = STARTED AS TCP (LISTENER_PORT = {port}) FOR TSQL ()")
    yield server
    server.stop()


def _apply(conn: pymssql.Connection, action: str, grantee: str) -> None:
    run(conn, f"REVOKE CONNECT ON ENDPOINT::app FROM {grantee}")
    if action in ("GRANT", "DENY"):
        run(conn, f"{action} CONNECT ON ENDPOINT::app TO {grantee}")
    elif action == "REVOKE":  # a grant, then revoked
        run(conn, f"GRANT CONNECT ON ENDPOINT::app TO {grantee}", f"REVOKE CONNECT ON ENDPOINT::app FROM {grantee}")


@pytest.mark.parametrize("client", ["pymssql", "odbc"])
@pytest.mark.parametrize("to_public", ACTIONS)
@pytest.mark.parametrize("to_login", ACTIONS)
def test_connect_permission_matrix(matrix_server: Server, client: str, to_login: str, to_public: str) -> None:
    with contextlib.closing(sa(matrix_server)) as conn:  # sa is sysadmin: always allowed in
        _apply(conn, to_public, "public")
        for login in KINDS.values():
            _apply(conn, to_login, login)
    for kind, login in KINDS.items():
        outcome = PROBES[client](matrix_server.host, matrix_server.port, login, USER_PASSWORD)
        assert outcome.ok == allowed(kind, to_login, to_public), (kind, to_login, to_public, outcome)
        if not outcome.ok:
            assert outcome.number == 18456


def test_connect_permission_with_tedious(matrix_server: Server) -> None:
    with contextlib.closing(sa(matrix_server)) as conn:
        _apply(conn, "nothing", "public")
        _apply(conn, "GRANT", KINDS["plain"])
        assert PROBES["tedious"](matrix_server.host, matrix_server.port, KINDS["plain"], USER_PASSWORD).ok
        _apply(conn, "DENY", "public")
        outcome = PROBES["tedious"](matrix_server.host, matrix_server.port, KINDS["plain"], USER_PASSWORD)
        assert not outcome.ok and outcome.number == 18456
        assert PROBES["tedious"](matrix_server.host, matrix_server.port, KINDS["sysadmin"], USER_PASSWORD).ok
        _apply(conn, "nothing", "public")


# --- states ----------------------------------------------------------------------------------------------


def test_stopped_endpoint_accepts_then_closes(fresh_server) -> None:
    port = free_port()
    server = fresh_server(port=port)
    with contextlib.closing(sa(server)) as conn:
        create_tsql_endpoint(conn, f"CREATE ENDPOINT app STATE = STOPPED AS TCP (LISTENER_PORT = {port}) FOR TSQL ()")
    assert closed_after_connect("127.0.0.1", port)  # the TCP connect succeeds: a client does not fall back
    for client in CLIENT_NAMES:
        outcome = PROBES[client]("127.0.0.1", port, "sa", SA_PASSWORD)
        assert not outcome.ok and "Login failed" not in outcome.message, (client, outcome)
    with contextlib.closing(rawtds.RawClient(server.pipe())) as raw:  # named pipes still work
        raw.prelogin()
        rawtds_events = raw.login("sa", SA_PASSWORD)
        assert any(type(e).__name__ == "LoginAck" for e in rawtds_events)
        assert not rawtds.errors_in(raw.batch("ALTER ENDPOINT app STATE = STARTED"))
    for client in CLIENT_NAMES:
        assert PROBES[client]("127.0.0.1", port, "sa", SA_PASSWORD).ok, client


def test_service_broker_endpoint_listens_and_disabled_frees_its_port(fresh_server) -> None:
    server = fresh_server()
    broker = free_port()
    with contextlib.closing(sa(server)) as conn:
        run(conn, f"CREATE ENDPOINT broker STATE = STARTED AS TCP (LISTENER_PORT = {broker}) FOR SERVICE_BROKER ()")
        assert closed_after_connect("127.0.0.1", broker)  # listening, and not a TDS server
        run(conn, "ALTER ENDPOINT broker STATE = STOPPED")
        assert closed_after_connect("127.0.0.1", broker)  # a stopped endpoint still listens
        run(conn, "ALTER ENDPOINT broker STATE = DISABLED")
        assert refuses("127.0.0.1", broker)
        run(conn, "ALTER ENDPOINT broker STATE = STARTED")
        assert closed_after_connect("127.0.0.1", broker)
        run(conn, "DROP ENDPOINT broker")
    assert refuses("127.0.0.1", broker)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections linger in TIME_WAIT
        probe.bind(("127.0.0.1", broker))  # released: nothing listens there any more
    text = server.errorlog_text()
    assert "The Service Broker protocol transport is now listening for connections." in text
    assert "The Service Broker protocol transport has stopped listening for connections." in text


# --- seed 000: a Service Broker endpoint on the instance's port ------------------------------------------


def _seed_000(tmp_path: Path) -> tuple[Server, int]:
    """Set the seed up: a login, and a broker endpoint created on the instance's own port."""
    port = free_port()
    data_dir = tmp_path / "seed000"
    server = start_server(data_dir, port=port, listen="")  # all addresses: with --loopback-only, ::1 and 127.0.0.1
    with contextlib.closing(sa(server)) as conn:
        run(conn, f"CREATE LOGIN {USER} WITH PASSWORD = '{USER_PASSWORD}'")
        # The port is the instance's: the endpoint is established in metadata, its listener cannot start.
        assert (
            error_number(
                conn, f"CREATE ENDPOINT TestEP STATE = STARTED AS TCP (LISTENER_PORT = {port}) FOR SERVICE_BROKER ()"
            )
            == 7890
        )
        assert run(conn, "SELECT name, port FROM sys.tcp_endpoints WHERE name = 'TestEP'") == [("TestEP", port)]
    server.stop()
    return start_server(data_dir, port=port, listen=""), port


def _symptoms(server: Server, port: int, test_ep: int) -> None:
    text = server.wait_for_log(r"Error: 9692")
    log = text[text.rindex("Server process ID is") :]  # this start's lines
    conflict = (
        "Error: 26023, Severity: 16, State: 1.",
        f"Server TCP provider failed to listen on [ ::1 <ipv6> {port}]. Tcp port is already in use.",
        "Error: 9692, Severity: 16, State: 1.",
        f"The Service Broker protocol transport cannot listen on port {port} because it is in use by another process.",
    )
    positions = [log.index(line) for line in conflict]
    assert positions == sorted(positions), log
    assert f"Server is listening on [ 127.0.0.1 <ipv4> {port}]." in log  # the instance stays up
    for client in CLIENT_NAMES:
        before = len(errorlog_states(server.errorlog_text(), USER))
        refused = PROBES[client]("127.0.0.1", port, USER, USER_PASSWORD)
        assert not refused.ok and refused.number == 18456, (client, refused)
        assert errorlog_states(server.wait_for_log(rf"Login failed for user '{USER}'"), USER)[before:] == [11]
        admin = PROBES[client]("127.0.0.1", port, "sa", SA_PASSWORD)  # CONTROL SERVER still gets in
        assert admin.ok, (client, admin)
        assert admin.endpoint_id == test_ep
        assert not admin.has_connection_row  # in sys.dm_exec_sessions, not in sys.dm_exec_connections
    # Named pipes and shared memory keep working, through tdsnet's own client.
    os.environ["TDSNET_RUNTIME_DIR"] = str(server.runtime_dir)
    try:
        for name, transport in ((r"np:\\.\pipe\sql\query", "Named pipe"), ("lpc:.", "Shared memory")):
            text = f"Server={name};UID={USER};PWD={USER_PASSWORD};TrustServerCertificate=yes"
            with contextlib.closing(tdsnet.connect(text, autocommit=True)) as conn:
                cursor = conn.cursor()
                cursor.execute("SELECT net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID")
                assert cursor.fetchone()[0] == transport
    finally:
        del os.environ["TDSNET_RUNTIME_DIR"]


def _recovered(server: Server, port: int) -> None:
    for client in CLIENT_NAMES:
        outcome = PROBES[client]("127.0.0.1", port, USER, USER_PASSWORD)
        assert outcome.ok and outcome.endpoint_id == 4 and outcome.has_connection_row, (client, outcome)


def test_seed_000_resolved_by_drop_endpoint(tmp_path: Path) -> None:
    server, port = _seed_000(tmp_path)
    try:
        with contextlib.closing(sa(server)) as conn:
            test_ep = endpoint_id(conn, "TestEP")
        _symptoms(server, port, test_ep)
        with contextlib.closing(sa(server)) as conn:
            run(conn, "DROP ENDPOINT TestEP")  # Method 1
        _recovered(server, port)
    finally:
        server.stop()


def test_seed_000_resolved_by_moving_the_endpoint(tmp_path: Path) -> None:
    server, port = _seed_000(tmp_path)
    other = free_port()
    try:
        with contextlib.closing(sa(server)) as conn:
            test_ep = endpoint_id(conn, "TestEP")
        _symptoms(server, port, test_ep)
        with contextlib.closing(sa(server)) as conn:
            run(conn, f"ALTER ENDPOINT TestEP AS TCP (LISTENER_PORT = {other})")  # Method 2
        _recovered(server, port)
        assert closed_after_connect("127.0.0.1", other)  # the broker endpoint listens on its new port
        server.stop()
        server = start_server(server.data_dir, port=port, listen="")
        log = server.errorlog_text()
        assert "Error: 26023" not in log[log.rindex("Server process ID is") :]
        _recovered(server, port)
    finally:
        server.stop()


def test_a_port_held_by_another_process_is_logged_not_fatal(fresh_server) -> None:
    server = fresh_server()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        with contextlib.closing(sa(server)) as conn:
            assert (
                error_number(
                    conn,
                    f"CREATE ENDPOINT mirror STATE = STARTED AS TCP (LISTENER_PORT = {taken},"
                    " LISTENER_IP = (127.0.0.1)) FOR DATABASE_MIRRORING (ROLE = PARTNER)",
                )
                == 7890
            )
            assert run(conn, "SELECT 1") == [(1,)]
    server.wait_for_log(
        rf"Error: 9692, Severity: 16, State: 1\.\n.*The Database Mirroring protocol transport cannot listen on "
        rf"port {taken} because it is in use by another process\."
    )


# --- durability ------------------------------------------------------------------------------------------


def test_catalog_survives_restart_and_kill_9(tmp_path: Path) -> None:
    """Endpoint changes are single transactions: after kill -9, every acknowledged change is there
    and nothing half-done is (only the change in flight may or may not have happened)."""
    data_dir = tmp_path / "durable"
    server = start_server(data_dir)
    exists: set[str] = set()  # acknowledged as created (and not dropped)
    dropped: set[str] = set()  # acknowledged as dropped
    pending: list[str] = [""]  # the endpoint whose change was in flight
    stop = threading.Event()

    def churn() -> None:
        with contextlib.suppress(pymssql.Error), contextlib.closing(sa(server)) as conn:
            for n in range(10_000):
                if stop.is_set():
                    return
                name = pending[0] = f"ep{n}"
                create_tsql_endpoint(conn, f"CREATE ENDPOINT {name} AS TCP (LISTENER_PORT = {20000 + n}) FOR TSQL ()")
                run(conn, f"GRANT CONNECT ON ENDPOINT::{name} TO public")
                exists.add(name)
                if n % 2:
                    run(conn, f"DROP ENDPOINT {name}")
                    exists.discard(name)
                    dropped.add(name)

    worker = threading.Thread(target=churn)
    worker.start()
    deadline = time.monotonic() + 10
    while len(exists) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop(signal.SIGKILL)
    stop.set()
    worker.join(10)
    assert exists, "no endpoint change finished before the kill"
    server = start_server(data_dir)
    try:
        with contextlib.closing(sa(server)) as conn:
            names = {r[0] for r in run(conn, "SELECT name FROM sys.endpoints WHERE endpoint_id >= 65536")}
            in_flight = {pending[0]}
            assert exists - in_flight <= names
            assert not (dropped - in_flight) & names
            assert names - exists <= in_flight
            orphans = run(
                conn,
                "SELECT major_id FROM sys.server_permissions WHERE class = 105"
                " AND major_id NOT IN (SELECT endpoint_id FROM sys.endpoints)",
            )
            assert orphans == []
            assert len(run(conn, "SELECT * FROM sys.endpoints WHERE endpoint_id < 65536")) == 5
    finally:
        server.stop()


def test_endpoint_states_in_the_errorlog_and_the_dynamic_port_warning(tmp_path: Path) -> None:
    """At startup the ERRORLOG lists each user endpoint with its rule and state; permissions set on an
    endpoint tied to a dynamic port get seed 001's security warning."""
    server = start_server(tmp_path / "states")  # port 0: a dynamic port
    try:
        with contextlib.closing(sa(server)) as conn:
            create_tsql_endpoint(
                conn, f"CREATE ENDPOINT dyn STATE = STARTED AS TCP (LISTENER_PORT = {server.port}) FOR TSQL ()"
            )
            run(conn, "GRANT CONNECT ON ENDPOINT::dyn TO public")
        server.wait_for_log(r"Warning: custom permissions were set on endpoint 'dyn', whose port \d+ is a dynamic port")
        server.stop()
        server = start_server(tmp_path / "states")
        text = server.errorlog_text()
        assert f"Endpoint 'dyn' (TSQL on TCP [ 'any' {server.port}]) is STARTED." in text
    finally:
        server.stop()
