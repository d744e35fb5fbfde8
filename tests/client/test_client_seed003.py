r"""Seed 003, every alias example of "Creating a Valid Connection String Using TCP IP", against a
default instance on TCP 1433 and a named instance found through a Browser on UDP 1434, over IPv4
and IPv6, and the net_transport each session reports.  The well-known ports belong to the machine,
not to the test: when something else holds them the test is skipped.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import tdsnet
from conftest import login
from harness import Server, exclusive
from tdsnet.client.config import ClientConfig, parse_alias, save_config

INSTANCE = "SEED3"


def _free(kind: int, family: int, address: str, port: int) -> bool:
    try:
        with socket.socket(family, kind) as probe:
            probe.bind((address, port))
    except OSError:
        return False
    return True


def _well_known_ports_free() -> bool:
    return all(
        _free(kind, family, address, port)
        for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1"))
        for kind, port in ((socket.SOCK_STREAM, 1433), (socket.SOCK_DGRAM, 1434))
    )


# Alias name -> (Server, Port No) as the seed writes them; Protocol is TCP/IP for all.
ALIASES = {
    "by_name": ("localhost", None),
    "by_name_instance": (f"localhost\\{INSTANCE}", None),
    "by_name_port": ("localhost", "{named_port}"),
    "by_ip": ("127.0.0.1", None),
    "by_ip_instance": (f"127.0.0.1\\{INSTANCE}", None),
    "by_ip_port": ("127.0.0.1", "{named_port}"),
    "by_ipv6": ("::1", None),
    "by_ipv6_instance": (f"::1\\{INSTANCE}", None),
    "by_ipv6_port": ("::1", "{named_port}"),
    "local": ("(local)", None),
    "local_localhost": ("localhost", None),
    "local_localhost_instance": (f"localhost\\{INSTANCE}", None),
    "local_dot": (".", None),
    "local_dot_instance": (f".\\{INSTANCE}", None),
}


def test_seed_003_aliases(fresh_server: object, isolated: Path) -> None:
    with exclusive("well-known-ports"):  # other tests use 127.0.0.1's UDP 1434 too
        _seed_003_aliases(fresh_server, isolated)


def _seed_003_aliases(fresh_server: object, isolated: Path) -> None:
    if not _well_known_ports_free():
        pytest.skip("TCP 1433 or UDP 1434 on 127.0.0.1/::1 is in use on this machine")
    default: Server = fresh_server("--listen", "::1", port=1433)  # type: ignore[operator]
    named: Server = fresh_server(  # type: ignore[operator]
        "--instance",
        INSTANCE,
        "--listen",
        "::1",
        "--browser-listen",
        "127.0.0.1",
        "--browser-listen",
        "::1",
        browser=True,  # the named instance's own SQL Server Browser, on the well-known port
    )
    aliases = {}
    for name, (server, port) in ALIASES.items():
        value = f"DBMSSOCN,{server}" + (f",{port.format(named_port=named.port)}" if port else "")
        aliases[name] = parse_alias(name, value)
    save_config(ClientConfig(aliases=aliases), isolated)
    for name, (server, port) in ALIASES.items():
        expected = "SEED3" if INSTANCE in server or port else "MSSQLSERVER"
        with tdsnet.connect(f"Server={name};" + login(default)) as conn:
            row = conn.execute(
                "SELECT @@SERVICENAME, net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID"
            ).fetchone()
            assert row == (expected, "TCP"), name
            assert conn.attempts[-1].protocol == "tcp" and len(conn.attempts) == 1
