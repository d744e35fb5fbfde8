r"""[protocols] acceptance: named instances found through tdsnet's SQL Server Browser by ODBC Driver 18,
pymssql, pytds, tedious, jTDS and nmap; HideInstance; the dedicated admin connection's rules; named
pipes and shared memory through tdsnet's own client; an instance with TCP disabled (seed 004).

Each Browser test gets a loopback address of its own (127.W.0.N, W for the xdist worker) for TCP and
UDP 1434, so parallel tests never compete for the Browser's well-known port.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pymssql
import pytest

import tdsnet
from harness import (
    JTDS_JAR,
    SA_PASSWORD,
    Server,
    compile_java,
    exclusive,
    free_browser_address,
    free_port,
    odbc_driver_path,
    start_server,
    tdsnet_cli,
)
from probes import run_node_plan
from tdsnet.client import NetworkError

pytestmark = pytest.mark.clients

INSTANCE = "INSTP"
WHO = "SELECT @@SERVICENAME, local_tcp_port, net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID"


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory):
    """A named instance on its own loopback address, its port dynamic, with its Browser there."""
    address = free_browser_address(60)
    server = start_server(
        tmp_path_factory.mktemp("named"),
        "--instance",
        INSTANCE,
        "--browser-listen",
        address,
        listen=address,
        port=None,
        browser=True,
    )
    yield server
    server.stop()


def _check(row: tuple, server: Server) -> None:
    assert (row[0], int(row[1]), row[2]) == (INSTANCE, server.port, "TCP")


# --- named instances through the Browser -------------------------------------------------------------------


def test_odbc_finds_the_instance(named: Server) -> None:
    mssql_python = pytest.importorskip("mssql_python")
    if odbc_driver_path() is None:
        pytest.skip("ODBC Driver 18 is not installed")
    text = f"Server={named.host}\\{INSTANCE};UID=sa;PWD={SA_PASSWORD};Encrypt=yes;TrustServerCertificate=yes"
    with contextlib.closing(mssql_python.connect(text, timeout=15)) as conn:
        cursor = conn.cursor()
        cursor.execute(WHO)
        _check(tuple(cursor.fetchone()), named)


def test_pymssql_finds_the_instance(named: Server) -> None:
    with contextlib.closing(pymssql.connect(server=f"{named.host}\\{INSTANCE}", user="sa", password=SA_PASSWORD)) as c:
        cursor = c.cursor()
        cursor.execute(WHO)
        _check(cursor.fetchone(), named)


def test_pytds_finds_the_instance(named: Server) -> None:
    pytds = pytest.importorskip("pytds")
    with contextlib.closing(pytds.connect(dsn=f"{named.host}\\{INSTANCE}", user="sa", password=SA_PASSWORD)) as conn:
        cursor = conn.cursor()
        cursor.execute(WHO)
        _check(cursor.fetchone(), named)


def test_tedious_finds_the_instance(named: Server) -> None:
    from harness import node_clients_ready

    if not node_clients_ready():
        pytest.skip("node and tedious are not installed (make test installs them)")
    config = {"server": named.host, "instanceName": INSTANCE, "user": "sa", "password": SA_PASSWORD, "encrypt": True}
    result = run_node_plan({"config": config, "steps": [{"sql": WHO}]})
    assert isinstance(result, list), result
    _check(tuple(result[0]["rows"][0]), named)


@pytest.fixture(scope="module")
def jtds_probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_java(tmp_path_factory.mktemp("jtds"), "JtdsProbe.java")


def test_jtds_finds_the_instance(named: Server, jtds_probe: Path) -> None:
    url = f"jdbc:jtds:sqlserver://{named.host}/master;instance={INSTANCE}"
    completed = subprocess.run(
        ["java", "-cp", f"{JTDS_JAR}:{jtds_probe}", "JtdsProbe", url, "sa", SA_PASSWORD, WHO],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    _check(tuple(completed.stdout.split("\n")[0].split("\t")), named)


def test_nmap_ms_sql_info_lists_the_instance(named: Server) -> None:
    if shutil.which("nmap") is None:
        pytest.skip("nmap is not installed")
    # nmap 7.93's ms-sql-info prints nothing for hostrule runs (its InitScript tests #output on a table with
    # string keys); its debug lines show what it found, through SSRP and then TDS on the port it learned.
    completed = subprocess.run(
        ["nmap", "-d2", "-sn", "-Pn", "--script", "ms-sql-info", "--script-args", "mssql.instance-all", named.host],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = completed.stdout
    assert re.search(
        rf"SSRP Data: ServerName;\w+;InstanceName;{INSTANCE};IsClustered;No;Version;16\.[\d.]+;"
        rf"tcp;{named.port};np;",
        out,
    ), out
    assert f"Retrieved SSNetLib version for {named.host}\\{INSTANCE}." in out


def test_browse_lists_the_instance(named: Server) -> None:
    completed = tdsnet_cli("browse", named.host, "--json", env={"TDSNET_RUNTIME_DIR": str(named.runtime_dir)})
    assert completed.returncode == 0, completed.stderr
    rows = json.loads(completed.stdout)
    assert [(r["instance"], r["tcp"]) for r in rows] == [(INSTANCE, named.port)]
    assert rows[0]["np"].endswith(f"\\pipe\\MSSQL${INSTANCE}\\sql\\query")


def test_identity_of_a_named_instance(named: Server) -> None:
    with contextlib.closing(pymssql.connect(server=named.host, port=named.port, user="sa", password=SA_PASSWORD)) as c:
        cursor = c.cursor()
        cursor.execute("SELECT @@SERVERNAME, @@SERVICENAME, CAST(SERVERPROPERTY('InstanceName') AS nvarchar(128))")
        servername, service, instance = cursor.fetchone()
    assert servername.endswith(f"\\{INSTANCE}") and service == INSTANCE and instance == INSTANCE


def test_hide_instance(tmp_path: Path) -> None:
    address = free_browser_address(100)
    data_dir = tmp_path / "hidden"
    args = ("--instance", "HIDDEN", "--browser-listen", address)
    server = start_server(data_dir, *args, listen=address, port=None, browser=True)
    server.stop()
    changed = tdsnet_cli(
        "config", "server", "--data-dir", str(data_dir), "--instance", "HIDDEN", "set", "HideInstance", "yes"
    )
    assert changed.returncode == 0, changed.stderr
    server = start_server(data_dir, *args, listen=address, port=None, browser=True)
    try:
        listing = tdsnet_cli("browse", address, "--json", env={"TDSNET_RUNTIME_DIR": str(server.runtime_dir)})
        assert json.loads(listing.stdout) == []  # the Browser no longer lists it
        with pytest.raises(NetworkError, match="error: 26"):  # the Browser does not answer for it
            tdsnet.connect(f"Server=tcp:{address}\\HIDDEN;UID=sa;PWD={SA_PASSWORD};Connect Timeout=5")
        with contextlib.closing(pymssql.connect(server=address, port=server.port, user="sa", password=SA_PASSWORD)):
            pass  # with its port, a client still connects
    finally:
        server.stop()


# --- the dedicated admin connection --------------------------------------------------------------------------


def test_dedicated_admin_connection(tmp_path: Path) -> None:
    """ODBC's admin: finds the DAC through the Browser (CLNT_UCAST_DAC); sysadmin only, one at a time,
    and from another address only once 'remote admin connections' is 1."""
    mssql_python = pytest.importorskip("mssql_python")
    if odbc_driver_path() is None:
        pytest.skip("ODBC Driver 18 is not installed")
    mssql_python.pooling(enabled=False)  # a pooled DAC session would still hold the one DAC
    with exclusive("well-known-ports"):
        _dedicated_admin_connection(tmp_path, mssql_python)


def _dedicated_admin_connection(tmp_path: Path, mssql_python: Any) -> None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 1434))
    except OSError:
        pytest.skip("UDP 1434 on 127.0.0.1 is taken (another Browser on this host)")
    data_dir = tmp_path / "dac"
    data_dir.mkdir()
    port = free_port()
    (data_dir / "network.toml").write_text(
        "[Tcp]\nListenOnAllIPs = false\n"
        f'[Tcp.IP1]\nIpAddress = "127.0.0.1"\nEnabled = true\nTcpPort = "{port}"\n'
        f'[Tcp.IP2]\nIpAddress = "127.0.0.2"\nEnabled = true\nTcpPort = "{port}"\n'
    )
    server = start_server(
        data_dir, "--instance", "DACTEST", "--browser-listen", "127.0.0.1", port=None, listen="", browser=True
    )
    try:
        dac_port = int(re.search(r"listening locally on port (\d+)", server.errorlog_text()).group(1))
        admin = f"Server=admin:127.0.0.1\\DACTEST;UID=sa;PWD={SA_PASSWORD};Encrypt=yes;TrustServerCertificate=yes"
        first = mssql_python.connect(admin, timeout=15)
        cursor = first.cursor()
        cursor.execute("SELECT endpoint_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID")
        assert cursor.fetchone()[0] == 1  # the Dedicated Admin Connection endpoint
        with pytest.raises(mssql_python.Error, match="dedicated administrator connections already exists"):
            mssql_python.connect(admin, timeout=15)
        server.wait_for_log(r"Error: 17810, Severity: 20, State: 2\.")
        cursor.execute("CREATE LOGIN plain_dac WITH PASSWORD = 'Plain!Passw0rd'")
        first.commit()
        first.close()
        with pytest.raises(mssql_python.Error, match="Login failed"):
            mssql_python.connect(admin.replace("UID=sa", "UID=plain_dac").replace(SA_PASSWORD, "Plain!Passw0rd"))
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", dac_port), timeout=5).close()
        with contextlib.closing(
            pymssql.connect(server="127.0.0.1", port=port, user="sa", password=SA_PASSWORD, autocommit=True)
        ) as conn:
            conn.cursor().execute("EXEC sp_configure 'remote admin connections', 1; RECONFIGURE")
        server.wait_for_log(rf"listening remotely on port {dac_port}\.")
        remote = pymssql.connect(server="127.0.0.2", port=dac_port, user="sa", password=SA_PASSWORD)
        cursor = remote.cursor()
        cursor.execute("SELECT endpoint_id FROM sys.dm_exec_sessions WHERE session_id = @@SPID")
        assert cursor.fetchone()[0] == 1
        remote.close()
    finally:
        server.stop()


# --- named pipes and shared memory through tdsnet's client -------------------------------------------------------


@pytest.mark.parametrize(
    ("server_name", "transport"),
    [(r"np:\\.\pipe\sql\query", "Named pipe"), ("lpc:.", "Shared memory"), (r"\\.\pipe\sql\query", "Named pipe")],
)
def test_local_transports(server: Server, monkeypatch: pytest.MonkeyPatch, server_name: str, transport: str) -> None:
    monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(server.runtime_dir))
    with contextlib.closing(
        tdsnet.connect(f"Server={server_name};UID=sa;PWD={SA_PASSWORD};TrustServerCertificate=yes", autocommit=True)
    ) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT net_transport, endpoint_id FROM sys.dm_exec_connections WHERE session_id = @@SPID")
        assert tuple(cursor.fetchone()) == (transport, 3 if transport == "Named pipe" else 2)


def test_tcp_disabled_named_pipes_still_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 004's starting point: TCP/IP disabled in the configuration and the instance restarted."""
    data_dir = tmp_path / "notcp"
    server = start_server(data_dir)
    port = server.port
    server.stop()
    assert tdsnet_cli("config", "server", "--data-dir", str(data_dir), "disable", "tcp").returncode == 0
    server = start_server(data_dir, port=None, listen="", require_tcp=False)
    try:
        assert server.port == 0
        assert "TCP/IP is disabled in the network configuration" in server.errorlog_text()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(server.runtime_dir))
        conn = tdsnet.connect(f"Server=np:\\\\.\\pipe\\sql\\query;UID=sa;PWD={SA_PASSWORD};TrustServerCertificate=yes")
        with contextlib.closing(conn):
            cursor = conn.cursor()
            cursor.execute("SELECT net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID")
            assert cursor.fetchone()[0] == "Named pipe"
    finally:
        server.stop()


# --- the network configuration ----------------------------------------------------------------------------


def test_a_dynamic_port_is_recorded_and_kept_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "dynamic"
    first = start_server(data_dir, port=0)  # TcpDynamicPorts = "0": pick one
    first.stop()
    assert f'TcpDynamicPorts = "{first.port}"' in (data_dir / "network.toml").read_text()
    again = start_server(data_dir, port=None)  # the file decides
    try:
        assert again.port == first.port
    finally:
        again.stop()


def test_editing_the_configuration_while_running_changes_nothing_until_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "edited"
    server = start_server(data_dir)
    try:
        assert tdsnet_cli("config", "server", "--data-dir", str(data_dir), "disable", "tcp").returncode == 0
        with contextlib.closing(pymssql.connect(server=server.host, port=server.port, user="sa", password=SA_PASSWORD)):
            pass  # seed 001: "When the user changes protocol settings in the registry, nothing happens."
    finally:
        server.stop()
    server = start_server(data_dir, port=None, listen="", require_tcp=False)
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", int(_recorded_port(data_dir))), timeout=5).close()
    finally:
        server.stop()


def _recorded_port(data_dir: Path) -> str:
    return re.search(r'TcpDynamicPorts = "(\d+)"', (data_dir / "network.toml").read_text()).group(1)
