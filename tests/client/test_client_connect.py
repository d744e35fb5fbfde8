r"""Connecting, end to end: the error texts SQL Server users search for (seed 002), the server name
forms of seed 003, protocol order and fallback and when it must not happen (seeds 001 and 004),
the Browser, TLS certificate checks and login failures, against real tdsnet servers.

Failures by nature (a listener that resets or never answers, a Browser that drops datagrams or
lists crafted records) are the stand-ins of `standins`; the seed 004 scenario and the Browser
path run against the server's own Browser and named pipes at the end.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from standins import Browser, ClosingListener, SilentListener, TcpRelay, closing, pipe_relay, record

import tdsnet
from conftest import at, login
from harness import Server, free_port, worker_loopback
from tdsnet import client
from tdsnet.client.config import ClientConfig, load_config, parse_alias, parse_protocol_order, save_config
from tdsnet.net import local

REFUSED = (
    "A network-related or instance-specific error occurred while establishing a connection to SQL Server. "
    "The server was not found or was not accessible. Verify that the instance name is correct and that SQL "
    "Server is configured to allow remote connections. (provider: TCP Provider, error: 0 - No connection could "
    "be made because the target machine actively refused it.)"
)
STOPPED = (
    "A connection was successfully established with the server, but then an error occurred during the "
    "pre-login handshake. (provider: TCP Provider, error: 0 - An existing connection was forcibly closed by "
    "the remote host.)"
)


def configure(config_file: Path, *aliases: tuple[str, str], order: str | None = None) -> None:
    config = ClientConfig(
        aliases={name.lower(): parse_alias(name, value) for name, value in aliases},
        protocol_order=parse_protocol_order(order) if order else ClientConfig().protocol_order,
    )
    save_config(config, config_file)
    assert load_config().aliases.keys() == config.aliases.keys()


def transport_of(conn: client.Connection) -> str:
    return conn.execute("SELECT net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID").fetchone()[0]


# --- seed 002: the errors ------------------------------------------------------------------------


def test_nothing_listening_is_actively_refused(server: Server) -> None:
    port = free_port()
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect(f"Server=127.0.0.1,{port};" + login(server))
    error = caught.value
    assert str(error) == REFUSED
    assert (error.number, error.native_error, error.sni_error, error.provider) == (10061, 10061, 0, "TCP Provider")
    assert error.class_ == 20
    assert [(a.target, a.connected) for a in error.attempts] == [(f"tcp:127.0.0.1,{port}", False)]


def test_unknown_host(server: Server) -> None:
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect("Server=tcp:no-such-host.invalid,1433;" + login(server))
    assert caught.value.number == 11001
    assert str(caught.value).endswith("(provider: TCP Provider, error: 0 - No such host is known.)")


def test_an_alias_with_the_servers_name_and_a_wrong_port(server: Server, isolated: Path) -> None:
    configure(isolated, ("dbhost", f"DBMSSOCN,127.0.0.1,{free_port()}"))
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect("Server=dbhost;" + login(server))
    assert str(caught.value) == REFUSED
    configure(isolated, ("dbhost", f"DBMSSOCN,127.0.0.1,{server.port}"))
    with tdsnet.connect("Server=dbhost;" + login(server)) as conn:
        assert transport_of(conn) == "TCP" and conn.transport == f"tcp:127.0.0.1,{server.port}"


def test_login_failed_18456(server: Server) -> None:
    with pytest.raises(client.LoginFailed) as caught:
        tdsnet.connect(at(server, PWD="wrong"))
    error = caught.value
    assert (error.number, error.state, error.class_) == (18456, 1, 14)
    assert str(error) == "Login failed for user 'sa'."
    assert isinstance(error, client.OperationalError)
    assert [a.connected for a in error.attempts] == [True]


def test_cannot_open_database_4060(server: Server) -> None:
    with pytest.raises(client.LoginFailed) as caught:
        tdsnet.connect(at(server, Database="no_such_db"))
    error = caught.value
    assert error.number == 4060 and error.class_ == 11
    assert str(error) == (
        "Cannot open database \"no_such_db\" requested by the login. The login failed.\nLogin failed for user 'sa'."
    )
    assert [m.number for m in error.messages] == [4060, 18456]


def test_a_silent_server_times_out_in_the_pre_login_handshake(server: Server) -> None:
    silent = SilentListener()
    with closing(silent), pytest.raises(client.ConnectionTimeout) as caught:
        tdsnet.connect(f"Server=127.0.0.1,{silent.port};Connect Timeout=1;" + login(server, **{"Connect Timeout": 1}))
    error = caught.value
    assert error.number == -2 and error.native_error == 258
    text = str(error)
    assert text.startswith(
        "Connection Timeout Expired.  The timeout period elapsed while attempting to consume the pre-login "
        "handshake acknowledgement."
    )
    assert "[Pre-Login] initialization=" in text and "; handshake=" in text


# --- TLS ---------------------------------------------------------------------------------------------


def test_an_untrusted_certificate_is_refused(server: Server) -> None:
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect(at(server, TrustServerCertificate="no", Encrypt="yes"))
    error = caught.value
    assert str(error) == (
        "A connection was successfully established with the server, but then an error occurred during the "
        "pre-login handshake. (provider: SSL Provider, error: 0 - The certificate chain was issued by an "
        "authority that is not trusted.)"
    )
    assert error.number == -2146893019


def test_certificate_checks_with_a_ca_file(server: Server) -> None:
    checked = at(server, TrustServerCertificate="no")
    with tdsnet.connect(checked, cafile=server.certificate) as conn:
        assert conn.encryption == "full"
    with pytest.raises(client.NetworkError, match="The target principal name is incorrect"):
        tdsnet.connect(checked + ";HostNameInCertificate=not-this-server", cafile=server.certificate)
    with tdsnet.connect(checked + ";HostNameInCertificate=localhost", cafile=server.certificate) as conn:
        assert conn.encryption == "full"


def test_strict_ignores_trust_server_certificate(server: Server) -> None:
    with pytest.raises(client.NetworkError, match="not trusted"):
        tdsnet.connect(at(server, Encrypt="strict", TrustServerCertificate="yes"))
    with tdsnet.connect(at(server, Encrypt="strict"), cafile=server.certificate) as conn:
        assert conn.tds_version == 0x74000004
        assert conn.execute(
            "SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID"
        ).fetchone() == ("TRUE",)


def test_a_pinned_certificate_must_match(server: Server, tmp_path: Path, fresh_server: object) -> None:
    other: Server = fresh_server()  # type: ignore[operator]
    with pytest.raises(client.NetworkError, match="SSL Provider"):
        tdsnet.connect(at(server, Encrypt="strict", ServerCertificate=other.certificate))


def test_forced_encryption_and_client_force_encryption(fresh_server: object, isolated: Path) -> None:
    forced: Server = fresh_server("--force-encryption")  # type: ignore[operator]
    with tdsnet.connect(at(forced, Encrypt="no", TrustServerCertificate="yes")) as conn:
        assert conn.encryption == "full"
    with pytest.raises(client.NetworkError, match="not trusted"):  # SqlClient 2+: checked unless trusted
        tdsnet.connect(at(forced, Encrypt="no", TrustServerCertificate="no"))
    isolated.write_text("ForceEncryption = true\nTrustServerCertificate = true\n")
    with tdsnet.connect(at(forced, Encrypt="no", TrustServerCertificate="no")) as conn:
        assert conn.encryption == "full"


# --- seed 003: server name forms ------------------------------------------------------------------


@pytest.mark.parametrize("form", ["{host},{port}", "tcp:{host},{port}", "tcp:{host}\\ANYNAME,{port}"])
def test_tcp_forms(server: Server, form: str) -> None:
    name = form.format(host=server.host, port=server.port)
    with tdsnet.connect(f"Server={name};" + login(server)) as conn:
        assert transport_of(conn) == "TCP"


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback")
@pytest.mark.parametrize("form", ["[::1],{port}", "::1,{port}", "tcp:[::1],{port}"])
def test_ipv6_forms(fresh_server: object, form: str) -> None:
    v6: Server = fresh_server(listen="::1")  # type: ignore[operator]
    with tdsnet.connect(f"Server={form.format(port=v6.port)};" + login(v6)) as conn:
        assert transport_of(conn) == "TCP"
        assert conn.execute(
            "SELECT client_net_address FROM sys.dm_exec_connections WHERE session_id = @@SPID"
        ).fetchone()[0] in ("::1", "0:0:0:0:0:0:0:1")


@pytest.mark.parametrize("extra", ["", "MultiSubnetFailover=true", "IPAddressPreference=IPv6First"])
def test_every_address_of_a_name_is_tried(server: Server, monkeypatch: pytest.MonkeyPatch, extra: str) -> None:
    """A name with several addresses (an availability group listener): the two that refuse are passed
    over, one after the other or all at once (MultiSubnetFailover).  The resolver is told the name."""
    resolve = socket.getaddrinfo
    refused = free_port()
    addresses = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", refused)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port)),
    ]
    if _ipv6_loopback():
        addresses.insert(0, (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", refused, 0, 0)))

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> list:
        return list(addresses) if host == "listener.test" else resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with tdsnet.connect(f"Server=listener.test,{server.port};{extra};" + login(server)) as conn:
        assert transport_of(conn) == "TCP"


# --- seed 004: protocol order and fallback, and when it must not happen ----------------------------

INSTANCE = "TDSCLIENT"


@pytest.fixture
def named_instance(fresh_server: object, monkeypatch: pytest.MonkeyPatch) -> Server:
    """A named instance listening on TCP, named pipes and shared memory, whose pipes this client sees."""
    instance: Server = fresh_server("--instance", INSTANCE)  # type: ignore[operator]
    monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(instance.runtime_dir))
    return instance


def test_fallback_to_named_pipes_is_silent(named_instance: Server, isolated: Path) -> None:
    """ProtocolOrder tcp np; TCP cannot be opened (no Browser answers for the instance): the client
    goes on to named pipes without a word, and the session is a named pipe session."""
    configure(isolated, order="tcp np")
    with tdsnet.connect(f"Server=127.0.0.1\\{INSTANCE};" + login(named_instance)) as conn:
        assert transport_of(conn) == "Named pipe"
        assert conn.transport == f"np:\\\\127.0.0.1\\pipe\\MSSQL${INSTANCE}\\sql\\query"
        assert [(a.protocol, a.connected) for a in conn.attempts] == [("tcp", False), ("np", True)]
        assert "error: 26" in conn.attempts[0].error


@pytest.mark.parametrize("how", ["Network Library=DBMSSOCN", "alias", "tcp: prefix"])
def test_an_explicit_protocol_does_not_fall_back(named_instance: Server, isolated: Path, how: str) -> None:
    name = f"127.0.0.1\\{INSTANCE}"
    configure(isolated, ("mydb", f"DBMSSOCN,{name}"), order="tcp np")
    text = {
        "Network Library=DBMSSOCN": f"Network Library=DBMSSOCN;Server={name};",
        "alias": "Server=mydb;",
        "tcp: prefix": f"Server=tcp:{name};",
    }[how]
    with pytest.raises(client.NetworkError, match="error: 26 - Error Locating Server/Instance Specified") as caught:
        tdsnet.connect(text + login(named_instance))
    assert [a.protocol for a in caught.value.attempts] == ["tcp"]


def test_the_default_order_prefers_shared_memory_for_a_local_name(named_instance: Server) -> None:
    for name in (f".\\{INSTANCE}", f"(local)\\{INSTANCE}", f"localhost\\{INSTANCE}"):
        with tdsnet.connect(f"Server={name};" + login(named_instance)) as conn:
            assert transport_of(conn) == "Shared memory", name
            assert conn.transport == f"lpc:{INSTANCE}"


@pytest.mark.parametrize(
    ("form", "transport"),
    [
        (f"np:.\\{INSTANCE}", "Named pipe"),
        (f"np:(local)\\{INSTANCE}", "Named pipe"),
        (f"\\\\.\\pipe\\MSSQL${INSTANCE}\\sql\\query", "Named pipe"),
        (f"lpc:.\\{INSTANCE}", "Shared memory"),
        (f"lpc:(local)\\{INSTANCE}", "Shared memory"),
        ("tcp:127.0.0.1,{port}", "TCP"),
        (f"tcp:127.0.0.1\\{INSTANCE},{{port}}", "TCP"),
    ],
)
def test_explicit_protocols_reach_the_instance(named_instance: Server, form: str, transport: str) -> None:
    name = form.replace("{port}", str(named_instance.port))
    with tdsnet.connect(f"Server={name};" + login(named_instance)) as conn:
        assert transport_of(conn) == transport
        assert [a.protocol for a in conn.attempts] == [{"TCP": "tcp", "Named pipe": "np"}.get(transport, "lpc")]


def test_a_stopped_endpoint_does_not_fall_back(
    fresh_server: object, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seed 001: a STOPPED endpoint accepts and closes.  The client says so and tries nothing else,
    though named pipes would have worked (and still do)."""
    browser = Browser()
    instance: Server = fresh_server("--instance", INSTANCE, listen=browser.address)  # type: ignore[operator]
    monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(instance.runtime_dir))
    browser.add(record(INSTANCE, tcp_port=instance.port))
    configure(isolated, order="tcp np")
    name = f"{browser.address}\\{INSTANCE}"
    with closing(browser):
        with tdsnet.connect(f"Server={name};" + login(instance), autocommit=True) as conn:
            assert transport_of(conn) == "TCP"  # the Browser's port, the instance checked in PRELOGIN
            conn.execute("ALTER ENDPOINT [TSQL Default TCP] STATE = STOPPED")
        with pytest.raises(client.NetworkError) as caught:
            tdsnet.connect(f"Server={name};" + login(instance))
        assert str(caught.value) == STOPPED and caught.value.number == 10054
        assert [(a.protocol, a.connected) for a in caught.value.attempts] == [("tcp", True)]
        with tdsnet.connect(f"Server=np:{name};" + login(instance)) as conn:
            assert transport_of(conn) == "Named pipe"


def test_a_stopped_endpoint_stand_in(server: Server, isolated: Path) -> None:
    """The same rule against a bare listener that resets every connection (no Browser in the way, so
    only the TCP attempt can decide: named pipes, relayed to the real server, would have worked)."""
    configure(isolated, order="tcp np")
    stopped = ClosingListener("127.0.0.1")
    relay = pipe_relay(local.default_pipe(), server.host, server.port)
    with closing(stopped, relay), pytest.raises(client.NetworkError) as caught:
        tdsnet.connect(f"Server=127.0.0.1,{stopped.port};" + login(server))
    assert str(caught.value) == STOPPED
    assert relay.accepted == 0 and stopped.accepted == 1


def test_only_the_last_protocols_error_is_reported(server: Server, isolated: Path) -> None:
    configure(isolated, order="tcp np")
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect("Server=127.0.0.1\\NOWHERE;" + login(server))
    error = caught.value
    assert str(error).endswith(
        "(provider: Named Pipes Provider, error: 40 - Could not open a connection to SQL Server)"
    )
    assert (error.number, error.sni_error) == (2, 40)
    assert [a.protocol for a in error.attempts] == ["tcp", "np"]
    assert "error: 26" in error.attempts[0].error


@pytest.mark.parametrize(
    ("name", "provider", "sni", "number"),
    [
        ("np:\\\\.\\pipe\\nobody\\home", "Named Pipes Provider", 40, 2),
        ("np:\\\\elsewhere\\pipe\\sql\\query", "Named Pipes Provider", 40, 53),
        ("lpc:.\\NOBODY", "Shared Memory Provider", 40, 2),
        ("lpc:elsewhere", "Shared Memory Provider", 41, 0),
    ],
)
def test_local_transports_that_are_not_there(server: Server, name: str, provider: str, sni: int, number: int) -> None:
    with pytest.raises(client.NetworkError) as caught:
        tdsnet.connect(f"Server={name};" + login(server))
    assert (caught.value.provider, caught.value.sni_error, caught.value.number) == (provider, sni, number)


def test_a_relayed_pipe(server: Server) -> None:
    relay = pipe_relay(r"\\.\pipe\custom\path", server.host, server.port)
    with closing(relay), tdsnet.connect("Server=np:\\\\.\\pipe\\custom\\path;" + login(server)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert relay.accepted == 1


# --- the Browser -------------------------------------------------------------------------------------


def test_a_named_instance_through_the_browser(fresh_server: object) -> None:
    browser = Browser()
    instance: Server = fresh_server("--instance", INSTANCE, listen=browser.address)  # type: ignore[operator]
    browser.add(record(INSTANCE, tcp_port=instance.port))
    with closing(browser), tdsnet.connect(f"Server=tcp:{browser.address}\\{INSTANCE};" + login(instance)) as conn:
        assert conn.transport == f"tcp:{browser.address},{instance.port}"
        assert conn.execute("SELECT @@SERVICENAME").fetchone() == (INSTANCE,)
    assert [(r.kind, r.instance) for r in browser.requests] == [(0x04, INSTANCE)]


def test_a_lost_browser_datagram_is_sent_again(fresh_server: object) -> None:
    browser = Browser()
    instance: Server = fresh_server("--instance", INSTANCE, listen=browser.address)  # type: ignore[operator]
    browser.add(record(INSTANCE, tcp_port=instance.port))
    browser.drop = 1
    with closing(browser), tdsnet.connect(f"Server=tcp:{browser.address}\\{INSTANCE};" + login(instance)) as conn:
        assert conn.execute("SELECT @@SERVICENAME").fetchone() == (INSTANCE,)
    assert [r.kind for r in browser.requests] == [0x04, 0x04]


def test_unknown_instance_is_error_26(server: Server) -> None:
    browser = Browser([record("OTHER", tcp_port=server.port)])
    with closing(browser), pytest.raises(client.NetworkError) as caught:
        tdsnet.connect(f"Server=tcp:{browser.address}\\MISSING;" + login(server))
    assert str(caught.value).endswith(
        "(provider: SQL Network Interfaces, error: 26 - Error Locating Server/Instance Specified)"
    )
    assert caught.value.number == -1


def test_an_instance_without_tcp_is_error_28(server: Server) -> None:
    browser = Browser([record(INSTANCE, pipe=local.default_pipe(INSTANCE))])
    with closing(browser), pytest.raises(client.NetworkError, match="error: 28 - Server doesn't support"):
        tdsnet.connect(f"Server=tcp:{browser.address}\\{INSTANCE};" + login(server))


def test_the_instance_is_checked_in_prelogin(fresh_server: object) -> None:
    """The Browser sends the client to a server that is another instance: INSTOPT says so."""
    browser = Browser()
    default: Server = fresh_server(listen=browser.address)  # type: ignore[operator]
    browser.add(record(INSTANCE, tcp_port=default.port))
    with closing(browser), pytest.raises(client.OperationalError, match=r"^Instance failure\.$") as caught:
        tdsnet.connect(f"Server=tcp:{browser.address}\\{INSTANCE};" + login(default))
    assert [a.connected for a in caught.value.attempts] == [True]


def dac_port(instance: Server) -> int:
    line = next(line for line in instance.output if "dedicated admin connection on TCP port" in line)
    return int(line.split("TCP port ")[1].split()[0])


def test_the_dedicated_admin_connection(named_instance: Server) -> None:
    """admin: with the DAC's port; a second DAC while one is open is refused with 17810."""
    name = f"admin:127.0.0.1,{dac_port(named_instance)}"
    with tdsnet.connect(f"Server={name};" + login(named_instance)) as conn:
        endpoint = conn.execute(
            "SELECT e.name FROM sys.dm_exec_connections c JOIN sys.endpoints e ON e.endpoint_id = c.endpoint_id "
            "WHERE c.session_id = @@SPID"
        ).fetchone()
        assert endpoint == ("Dedicated Admin Connection",)
        with pytest.raises(client.LoginFailed) as caught:
            tdsnet.connect(f"Server={name};" + login(named_instance))
        assert caught.value.number == 17810 and caught.value.class_ == 20
        assert "dedicated administrator connections already exists" in str(caught.value)


def test_dac_port_from_the_browser(named_instance: Server) -> None:
    """The DAC listens on loopback only: a relay on the Browser's address stands for a remote DAC."""
    browser = Browser()
    relay = TcpRelay(browser.address, "127.0.0.1", dac_port(named_instance))
    browser.dac_ports[INSTANCE] = relay.port
    with (
        closing(browser, relay),
        tdsnet.connect(f"Server=admin:{browser.address}\\{INSTANCE};" + login(named_instance)) as conn,
    ):
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert [r.kind for r in browser.requests] == [0x0F]


def test_dac_without_a_browser_is_error_43(server: Server) -> None:
    with pytest.raises(client.NetworkError, match="error: 43 - An error occurred while obtaining the dedicated"):
        tdsnet.connect(f"Server=admin:127.0.{free_port() % 200 + 2}.78;" + login(server, **{"Connect Timeout": 5}))


# --- against the server's own Browser and named pipes ----------------------------------------------


def _restart_without_tcp(fresh_server: object, instance: Server, *args: str, **kwargs: object) -> Server:
    instance.stop()
    config = subprocess.run(
        [
            sys.executable,
            "-m",
            "tdsnet",
            "config",
            "server",
            "--data-dir",
            str(instance.data_dir),
            "--instance",
            INSTANCE,
            "disable",
            "tcp",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert config.returncode == 0, config.stderr
    return fresh_server(*args, data_dir=instance.data_dir, require_tcp=False, **kwargs)  # type: ignore[operator]


def test_seed_004_with_tcp_disabled_on_the_instance(
    fresh_server: object, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TCP disabled: the default order falls back silently to named pipes; an alias or Network Library
    fails with the TCP error (the Browser lists no tcp for the instance: error 28)."""
    address = worker_loopback(200)
    args = ("--instance", INSTANCE, "--browser-listen", address)
    instance: Server = fresh_server(*args, listen=address, port=None, browser=True)  # type: ignore[operator]
    instance = _restart_without_tcp(fresh_server, instance, *args, listen=address, port=None, browser=True)
    monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(instance.runtime_dir))
    configure(isolated, order="tcp np")
    name = f"{address}\\{INSTANCE}"
    with tdsnet.connect(f"Server={name};" + login(instance)) as conn:
        assert transport_of(conn) == "Named pipe"
        assert [a.protocol for a in conn.attempts] == ["tcp", "np"]
    with pytest.raises(client.NetworkError, match="error: 28"):
        tdsnet.connect(f"Network Library=DBMSSOCN;Server={name};" + login(instance))
    configure(isolated, ("viaalias", f"DBMSSOCN,{name}"))
    with pytest.raises(client.NetworkError, match="error: 28"):
        tdsnet.connect("Server=viaalias;" + login(instance))


def test_the_servers_own_browser(fresh_server: object) -> None:
    address = worker_loopback(201)
    instance: Server = fresh_server(  # type: ignore[operator]
        "--instance", INSTANCE, "--browser-listen", address, listen=address, port=None, browser=True
    )
    with tdsnet.connect(f"Server=tcp:{address}\\{INSTANCE};" + login(instance)) as conn:
        assert conn.transport == f"tcp:{address},{instance.port}"
        assert conn.execute("SELECT @@SERVICENAME").fetchone() == (INSTANCE,)
