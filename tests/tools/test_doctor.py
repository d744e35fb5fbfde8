r"""`tdsnet doctor` against real failures: each acceptance case of issue 7 set up for real (tdsnet
instances on loopback, an HTTP server, a socket holding a port, a client alias file), then
`python -m tdsnet doctor --json` run as a subprocess must name the cause and the fix.

Every doctor run gets the instance's TDSNET_RUNTIME_DIR, so it sees the registrations, ERRORLOGs and
catalogs a local diagnosis reads; every run is checked never to print the password it was given.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tdsnet
import tdsnet.client
from harness import ROOT, SA_PASSWORD, Server, free_browser_address, free_port, start_server

USER, USER_PASSWORD = "doc_user", "Doc!Passw0rd1"
STEP_KEYS = {"name", "verdict", "elapsed_ms", "detail", "facts"}


# --- helpers ------------------------------------------------------------------------------------------


def doctor(*args: str, server: Server | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    extra = {"TDSNET_RUNTIME_DIR": str(server.runtime_dir)} if server is not None else {}
    extra.setdefault("TDSNET_CLIENT_CONFIG", os.devnull)  # no alias from the machine running the tests
    completed = subprocess.run(
        [sys.executable, "-m", "tdsnet", "doctor", *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        env={**os.environ, **extra, **(env or {})},
    )
    for secret in (SA_PASSWORD, USER_PASSWORD, "Wrong!Passw0rd"):
        assert secret not in completed.stdout + completed.stderr, "the doctor printed a password"
    return completed


def diagnose(*args: str, server: Server | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    completed = doctor(*args, "--json", server=server, env=env)
    assert completed.stderr == "", completed.stderr
    report = json.loads(completed.stdout)
    assert set(report) == {"target", "ok", "steps", "diagnosis"}
    assert set(report["diagnosis"]) == {"cause", "explanation", "fix"}
    for step in report["steps"]:
        assert set(step) == STEP_KEYS and step["verdict"] in ("ok", "warning", "failed", "skipped"), step
    assert completed.returncode == (0 if report["ok"] else 1), report
    return report


def step(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in report["steps"] if s["name"] == name)


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {s["name"]: s["verdict"] for s in report["steps"]}


def tcp(host: str, port: int, user: str | None = "sa", password: str | None = SA_PASSWORD, **extra: str) -> str:
    parts = {"Server": f"tcp:{host},{port}", "TrustServerCertificate": "yes", **extra}
    if user is not None:
        parts["User ID"] = user
    if password is not None:
        parts["Password"] = password
    return ";".join(f"{k}={v}" for k, v in parts.items())


def sql(server: Server, *statements: str, port: int | None = None) -> None:
    """Run statements as sa over TCP with tdsnet's own client (informational messages are not errors)."""
    text = tcp("127.0.0.1", port or server.port)
    with contextlib.closing(tdsnet.connect(text, autocommit=True)) as conn:
        for statement in statements:
            conn.execute(statement)


def tdsnet_cli(*args: str, server: Server | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"TDSNET_RUNTIME_DIR": str(server.runtime_dir)} if server else {})}
    return subprocess.run([sys.executable, "-m", "tdsnet", *args], capture_output=True, text=True, cwd=ROOT, env=env)


# --- a working connection, and the output ----------------------------------------------------------------


def test_a_working_connection_passes_every_step(server: Server) -> None:
    report = diagnose(tcp(server.host, server.port), server=server)
    assert report["ok"] and report["diagnosis"]["cause"] == "ok"
    assert [s["name"] for s in report["steps"]] == [
        "parse",
        "alias",
        "protocol_order",
        "dns",
        "browser",
        "tcp_connect",
        "prelogin",
        "tls",
        "login",
        "endpoint",
        "database",
    ]
    assert verdicts(report)["browser"] == "skipped"
    assert all(v == "ok" for k, v in verdicts(report).items() if k != "browser"), report
    assert step(report, "dns")["facts"]["addresses"] == [{"address": "127.0.0.1", "family": "IPv4"}]
    assert step(report, "tcp_connect")["facts"]["listener"]["pid"] == server.process.pid
    prelogin = step(report, "prelogin")["facts"]
    assert prelogin["product"] == "SQL Server 2022" and prelogin["encryption_answer"] == "ENCRYPT_ON"
    certificate = step(report, "tls")["facts"]["certificate"]
    assert certificate["self_signed"] and "127.0.0.1" in certificate["names"]
    assert step(report, "endpoint")["facts"]["endpoint"]["protocol"] == "TCP"
    assert step(report, "login")["facts"]["net_transport"] == "TCP"
    assert step(report, "database")["facts"]["database"] == "master"


def test_without_credentials_it_stops_after_tls(server: Server) -> None:
    report = diagnose(tcp(server.host, server.port, user=None, password=None), server=server)
    assert report["diagnosis"]["cause"] == "login_not_tested" and report["ok"]
    assert verdicts(report)["login"] == "skipped"
    assert "database" not in verdicts(report)
    assert "User ID" in report["diagnosis"]["fix"]


def test_human_output_with_marks_and_an_ascii_fallback(server: Server) -> None:
    target = tcp(server.host, free_port(), password="Wrong!Passw0rd")
    utf8 = doctor(target, server=server, env={"PYTHONIOENCODING": "utf-8"})
    assert utf8.returncode == 1
    assert "  ✓ parse" in utf8.stdout and "  ✗ tcp connect" in utf8.stdout and "  - browser" in utf8.stdout
    assert "Diagnosis (wrong_port):" in utf8.stdout and "\nFix: Use port" in utf8.stdout
    plain = doctor(target, server=server, env={"PYTHONIOENCODING": "ascii"})
    assert "  + parse" in plain.stdout and "  x tcp connect" in plain.stdout
    assert plain.stdout.isascii()


def test_invalid_connection_string_and_no_password_shown() -> None:
    report = diagnose("Server=db;Password=Wrong!Passw0rd;Colour=blue")
    assert report["diagnosis"]["cause"] == "invalid_connection_string"
    assert "keyword not supported: 'colour'" in report["diagnosis"]["explanation"].lower()
    assert report["target"] == "Server=db;Password=***;Colour=blue"


def test_unknown_host() -> None:
    report = diagnose("Server=tcp:no-such-host.invalid,1433", "--timeout", "3")
    assert report["diagnosis"]["cause"] == "host_not_found"
    assert verdicts(report)["dns"] == "failed"


# --- seed 002: refused ports ---------------------------------------------------------------------------


def test_wrong_port_in_the_connection_string(server: Server) -> None:
    wrong = free_port()
    report = diagnose(tcp(server.host, wrong), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "wrong_port"
    assert "refused the connection on 127.0.0.1" in diagnosis["explanation"]
    assert f"Server is listening on [ 127.0.0.1 <ipv4> {server.port}]" in diagnosis["explanation"]
    assert diagnosis["fix"].startswith(f"Use port {server.port}: Server=tcp:127.0.0.1,{server.port}")
    assert step(report, "tcp_connect")["facts"]["attempts"][0]["result"] == "refused"


def test_wrong_port_in_an_alias(server: Server, tmp_path: Path) -> None:
    """Seed 002: an alias with the server's name and a port sends every connection to that port."""
    wrong = free_port()
    config = tmp_path / "client.toml"
    config.write_text(f'[ConnectTo]\nsalesdb = "DBMSSOCN,127.0.0.1,{wrong}"\n')
    target = "Server=salesdb;User ID=sa;Password=x;TrustServerCertificate=yes"
    report = diagnose(target, server=server, env={"TDSNET_CLIENT_CONFIG": str(config)})
    assert step(report, "alias")["facts"]["alias"] == "salesdb"
    assert step(report, "alias")["facts"]["port"] == wrong
    assert step(report, "protocol_order")["facts"]["fallback"] is False
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "alias_wrong_port"
    assert str(config) in diagnosis["explanation"]
    assert f"tdsnet config client alias add salesdb DBMSSOCN,127.0.0.1,{server.port}" in diagnosis["fix"]


@pytest.fixture(scope="module")
def tcp_disabled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    """Seed 004's start: TCP/IP disabled in the instance's network configuration, then a restart."""
    data_dir = tmp_path_factory.mktemp("notcp")
    server = start_server(data_dir)
    port = server.port
    server.stop()
    assert tdsnet_cli("config", "server", "--data-dir", str(data_dir), "disable", "tcp").returncode == 0
    server = start_server(data_dir, port=None, listen="", require_tcp=False)
    yield server, port
    server.stop()


@pytest.mark.parametrize("how", ["prefix", "network library"])
def test_tcp_disabled_and_no_fallback(tcp_disabled: tuple[Server, int], how: str) -> None:
    server, port = tcp_disabled
    text = tcp("127.0.0.1", port) if how == "prefix" else tcp("127.0.0.1", port).replace("tcp:", "")
    if how == "network library":
        text += ";Network Library=DBMSSOCN"
    report = diagnose(text, server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "tcp_disabled_no_fallback", diagnosis
    assert "TCP/IP is disabled in the network configuration" in diagnosis["explanation"]
    assert f"tdsnet config server --data-dir {server.data_dir} enable tcp" in diagnosis["fix"]
    assert "np:\\\\.\\pipe\\sql\\query" in diagnosis["fix"]


def test_the_suggested_pipe_works(tcp_disabled: tuple[Server, int]) -> None:
    server, _port = tcp_disabled
    report = diagnose(
        r"Server=np:\\.\pipe\sql\query;User ID=sa;Password=" + SA_PASSWORD + ";TrustServerCertificate=yes",
        server=server,
    )
    assert report["ok"] and verdicts(report)["named_pipe"] == "ok"
    assert step(report, "endpoint")["facts"]["endpoint"]["name"] == "TSQL Named Pipes"


# --- the SQL Server Browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A named instance on a loopback address of its own, its port dynamic, with its Browser there."""
    address = free_browser_address(140)
    args = ("--instance", "DOCTORI", "--browser-listen", address)
    server = start_server(tmp_path_factory.mktemp("named"), *args, listen=address, port=None, browser=True)
    yield server
    server.stop()


def test_named_instance_found_through_the_browser(named: Server) -> None:
    report = diagnose(f"{named.host}\\DOCTORI", "-U", "sa", "-P", SA_PASSWORD, server=named)
    browser = step(report, "browser")
    assert browser["verdict"] == "ok" and browser["facts"]["tcp"] == named.port
    assert step(report, "prelogin")["facts"]["instance_valid"] is True
    diagnosis = report["diagnosis"]  # Encrypt=yes by default, a self-signed certificate without this address
    assert diagnosis["cause"] == "untrusted_certificate"
    assert f"does not carry the name '{named.host}' either" in diagnosis["explanation"]


def test_wrong_instance_name(named: Server) -> None:
    """No protocol is pinned: the client falls back from TCP to named pipes (seed 004), both fail, and the
    doctor blames the TCP failure, not the last one the client reports."""
    report = diagnose(f"{named.host}\\NOSUCH", "--timeout", "2", server=named)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "unknown_instance"
    assert f"DOCTORI (TCP {named.port})" in diagnosis["explanation"]
    assert verdicts(report)["browser"] == "warning" and verdicts(report)["named_pipe"] == "failed"
    assert "each failed" in diagnosis["explanation"]


def test_browser_not_running(tmp_path: Path) -> None:
    address = free_browser_address(180)
    server = start_server(tmp_path / "nobrowser", "--instance", "QUIET", listen=address, port=None, browser=False)
    try:
        report = diagnose(f"tcp:{address}\\QUIET", "--timeout", "2", server=server)
        diagnosis = report["diagnosis"]
        assert diagnosis["cause"] == "browser_not_running", diagnosis
        assert step(report, "browser")["facts"]["asked"] == [{"address": address, "answer": "refused"}]
        assert f"listens on TCP {server.port}" in diagnosis["explanation"]
        assert f"Server={address}\\QUIET,{server.port}" in diagnosis["fix"]
    finally:
        server.stop()


def test_hidden_instance(tmp_path: Path) -> None:
    address = free_browser_address(220)
    data_dir = tmp_path / "hidden"
    args = ("--instance", "SECRET", "--browser-listen", address)
    server = start_server(data_dir, *args, listen=address, port=None, browser=True)
    server.stop()
    changed = tdsnet_cli(
        "config", "server", "--data-dir", str(data_dir), "--instance", "SECRET", "set", "HideInstance", "yes"
    )
    assert changed.returncode == 0, changed.stderr
    server = start_server(data_dir, *args, listen=address, port=None, browser=True)
    try:
        report = diagnose(f"tcp:{address}\\SECRET", "--timeout", "2", server=server)
        diagnosis = report["diagnosis"]
        assert diagnosis["cause"] == "instance_hidden", diagnosis
        assert f"Server={address}\\SECRET,{server.port}" in diagnosis["fix"]
        assert "set HideInstance no" in diagnosis["fix"]
        # with its port, the same instance is reached (the port wins over the name, no Browser asked)
        found = diagnose(f"Server={address}\\SECRET,{server.port};TrustServerCertificate=yes", server=server)
        assert found["diagnosis"]["cause"] == "login_not_tested"
    finally:
        server.stop()


# --- the service on the port ------------------------------------------------------------------------------


@contextlib.contextmanager
def http_server() -> Iterator[int]:
    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_http_server_on_the_port(server: Server) -> None:
    with http_server() as port:
        report = diagnose(tcp("127.0.0.1", port), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "not_sql_server"
    facts = step(report, "prelogin")["facts"]
    assert facts["service"] == "http"
    assert facts["owner"]["pid"] == os.getpid()  # netstat -aon's PID: this test process
    assert f"(PID {os.getpid()})" in diagnosis["explanation"] and "an HTTP server" in diagnosis["explanation"]
    assert f"listens on 127.0.0.1:{server.port}" in diagnosis["explanation"]


def test_an_ssh_server_on_the_port() -> None:
    """SSH speaks first: its banner comes back whatever the client sent."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def serve() -> None:
            with contextlib.suppress(OSError):
                conn, _ = listener.accept()
                with conn:
                    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
                    conn.recv(1024)

        threading.Thread(target=serve, daemon=True).start()
        report = diagnose(tcp("127.0.0.1", listener.getsockname()[1]), "--timeout", "3")
    assert report["diagnosis"]["cause"] == "not_sql_server"
    assert "an SSH server" in report["diagnosis"]["explanation"]
    assert step(report, "prelogin")["facts"]["first_bytes"] == "SSH-2.0-OpenSSH_9.2p1 Debian-2"


@pytest.mark.parametrize(
    ("first", "kind"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n", "http"),
        (b"<!DOCTYPE HTML>\n<html lang='en'>", "http"),  # an HTTP/0.9-style error page, as http.server sends
        (b"SSH-2.0-OpenSSH_9.2\r\n", "ssh"),
        (bytes.fromhex("15030300020246"), "tls"),  # a TLS alert: a TLS-only service
        (bytes.fromhex("0401002b00000100"), "tds"),
        (b"220 smtp.example.com ESMTP\r\n", "unknown"),
    ],
)
def test_replies_are_recognised(first: bytes, kind: str) -> None:
    from tdsnet.doctor.prelogin import classify

    assert classify(first) == kind


def test_the_port_taken_by_another_process(tmp_path: Path) -> None:
    """A program holds the port the instance is configured for: the instance logs 26023 and cannot listen,
    and the client reaches that program instead."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = start_server(tmp_path / "taken", port=port, require_tcp=False)
        try:
            server.wait_for_log(rf"Server TCP provider failed to listen on \[ 127\.0\.0\.1 <ipv4> {port}\]")
            report = diagnose(tcp("127.0.0.1", port), "--timeout", "2", server=server)
        finally:
            server.stop()
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "port_taken_by_other_process", diagnosis
    assert step(report, "prelogin")["facts"]["owner"]["pid"] == os.getpid()
    assert "Error: 26023" in diagnosis["explanation"] and "Tcp port is already in use" in diagnosis["explanation"]
    assert f"(PID {os.getpid()})" in diagnosis["fix"]


# --- TLS ------------------------------------------------------------------------------------------------------


def test_untrusted_certificate_with_encrypt_yes(server: Server) -> None:
    text = f"Server=tcp:127.0.0.1,{server.port};User ID=sa;Password={SA_PASSWORD};Encrypt=yes"
    report = diagnose(text, server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "untrusted_certificate"
    tls = step(report, "tls")["facts"]
    assert tls["trusted"] is False and tls["certificate"]["self_signed"]
    assert f"ServerCertificate={server.certificate}" in diagnosis["fix"]
    assert "TrustServerCertificate=yes" in diagnosis["fix"]
    # the fix works: pinning the certificate passes the TLS step
    pinned = diagnose(text + f";ServerCertificate={server.certificate}", server=server)
    assert step(pinned, "tls")["verdict"] == "ok" and pinned["ok"]


def test_strict_encryption_checks_the_certificate_first(server: Server) -> None:
    """Encrypt=strict (TDS 8.0): TLS before PRELOGIN, always validated, TrustServerCertificate ignored."""
    text = f"Server=tcp:127.0.0.1,{server.port};User ID=sa;Password={SA_PASSWORD};Encrypt=strict"
    refused = diagnose(text + ";TrustServerCertificate=yes", server=server)
    assert refused["diagnosis"]["cause"] == "untrusted_certificate"
    assert [s["name"] for s in refused["steps"]][-1] == "tls"
    pinned = diagnose(text + f";ServerCertificate={server.certificate}", server=server)
    assert pinned["ok"], pinned["diagnosis"]
    names = [s["name"] for s in pinned["steps"]]
    assert names.index("tls") < names.index("prelogin")
    assert step(pinned, "tls")["facts"]["alpn"] == "tds/8.0"


# --- the login: 18456 and its ERRORLOG state ------------------------------------------------------------------


def test_wrong_password(server: Server) -> None:
    report = diagnose(tcp(server.host, server.port, password="Wrong!Passw0rd"), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "wrong_password"
    login = step(report, "login")["facts"]
    assert login["number"] == 18456 and login["state"] == 8
    assert "Password did not match that for the login provided" in diagnosis["explanation"]


def test_database_unavailable(server: Server) -> None:
    report = diagnose(tcp(server.host, server.port, Database="no_such_db"), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "database_unavailable"
    assert "master" in step(report, "database")["facts"]["databases"]
    assert "State: 38" in diagnosis["explanation"]


# --- endpoints: seeds 000 and 001 ----------------------------------------------------------------------------------


def test_seed_000_service_broker_endpoint_on_the_instance_port(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "seed000"
    server = start_server(data_dir, port=port, listen="")  # all (loopback) addresses, IPv6 and IPv4
    sql(server, f"CREATE LOGIN {USER} WITH PASSWORD = '{USER_PASSWORD}'")
    with pytest.raises(tdsnet.client.Error):  # 7890: the port is the instance's; the endpoint stays in metadata
        sql(server, f"CREATE ENDPOINT TestEP STATE = STARTED AS TCP (LISTENER_PORT = {port}) FOR SERVICE_BROKER ()")
    server.stop()
    server = start_server(data_dir, port=port, listen="")
    try:
        server.wait_for_log(r"Error: 9692")
        report = diagnose(tcp("127.0.0.1", port, USER, USER_PASSWORD), server=server)
        diagnosis = report["diagnosis"]
        assert diagnosis["cause"] == "service_broker_port_conflict", diagnosis
        assert verdicts(report)["login"] == "failed" and step(report, "login")["facts"]["state"] == 11
        endpoint = step(report, "endpoint")["facts"]["endpoint"]
        assert (endpoint["name"], endpoint["type"], endpoint["port"]) == ("TestEP", "SERVICE_BROKER", port)
        assert "Error: 9692" in diagnosis["explanation"] and "Error: 26023" in diagnosis["explanation"]
        assert "DROP ENDPOINT [TestEP]" in diagnosis["fix"] and "ALTER ENDPOINT [TestEP] AS TCP" in diagnosis["fix"]
        # sa has CONTROL SERVER: it gets in, and the doctor still warns about everyone else
        admin = diagnose(tcp("127.0.0.1", port), server=server)
        assert admin["ok"] and admin["diagnosis"]["cause"] == "service_broker_port_conflict"
        assert verdicts(admin)["endpoint"] == "warning"
    finally:
        server.stop()


@pytest.fixture
def endpoint_server(tmp_path: Path) -> Iterator[tuple[Server, int]]:
    port = free_port()
    server = start_server(tmp_path / "endpoints", port=port)
    sql(server, f"CREATE LOGIN {USER} WITH PASSWORD = '{USER_PASSWORD}'")
    yield server, port
    server.stop()


def test_endpoint_without_connect(endpoint_server: tuple[Server, int]) -> None:
    server, port = endpoint_server
    sql(server, f"CREATE ENDPOINT app STATE = STARTED AS TCP (LISTENER_PORT = {port}) FOR TSQL ()")
    report = diagnose(tcp("127.0.0.1", port, USER, USER_PASSWORD), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "no_endpoint_connect", diagnosis
    facts = step(report, "endpoint")["facts"]
    assert facts["endpoint"]["name"] == "app" and facts["connect"] is False
    assert f"GRANT CONNECT ON ENDPOINT::[app] TO [{USER}]" in diagnosis["fix"]
    sql(server, f"GRANT CONNECT ON ENDPOINT::app TO {USER}")  # the fix works
    assert diagnose(tcp("127.0.0.1", port, USER, USER_PASSWORD), server=server)["ok"]


def test_endpoint_with_a_deny(endpoint_server: tuple[Server, int]) -> None:
    server, port = endpoint_server
    sql(server, f"CREATE ENDPOINT app STATE = STARTED AS TCP (LISTENER_PORT = {port}) FOR TSQL ()")
    sql(server, f"GRANT CONNECT ON ENDPOINT::app TO {USER}", "DENY CONNECT ON ENDPOINT::app TO public")
    diagnosis = diagnose(tcp("127.0.0.1", port, USER, USER_PASSWORD), server=server)["diagnosis"]
    assert diagnosis["cause"] == "no_endpoint_connect"
    assert "REVOKE CONNECT ON ENDPOINT::[app] FROM [public]" in diagnosis["fix"]


def test_stopped_endpoint(endpoint_server: tuple[Server, int]) -> None:
    server, port = endpoint_server
    sql(server, f"CREATE ENDPOINT app STATE = STOPPED AS TCP (LISTENER_PORT = {port}) FOR TSQL ()")
    report = diagnose(tcp("127.0.0.1", port), server=server)
    diagnosis = report["diagnosis"]
    assert diagnosis["cause"] == "endpoint_stopped", diagnosis
    assert verdicts(report)["tcp_connect"] == "ok" and verdicts(report)["prelogin"] == "failed"
    assert "ALTER ENDPOINT [app] STATE = STARTED" in diagnosis["fix"] and "np:" in diagnosis["fix"]


# --- --local ----------------------------------------------------------------------------------------------------


def test_local_lists_the_listeners_and_their_endpoints(endpoint_server: tuple[Server, int]) -> None:
    server, port = endpoint_server
    broker = free_port()
    sql(server, f"CREATE ENDPOINT broker STATE = STARTED AS TCP (LISTENER_PORT = {broker}) FOR SERVICE_BROKER ()")
    completed = doctor("--local", "--json", server=server)
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert [i["instance"] for i in data["instances"]] == ["MSSQLSERVER"]
    mine = [r for r in data["listeners"] if r["pid"] == server.process.pid]
    roles = {(r["protocol"], r["port"], r["role"], r["endpoint"]) for r in mine}
    assert ("TCP", port, "TCP provider", "TSQL Default TCP") in roles
    assert ("TCP", broker, "Service Broker endpoint", "broker") in roles
    assert any(r[2] == "dedicated admin connection" for r in roles)
    assert any(r[0] == "UNIX" and r[3] == "TSQL Named Pipes" for r in roles)
    assert any(r[0] == "UNIX" and r[3] == "TSQL Local Machine" for r in roles)
    table = doctor("--local", server=server).stdout
    assert f"127.0.0.1:{port}" in table and "TCP provider -> endpoint TSQL Default TCP (STARTED)" in table
