"""The instance's listening sockets: SQL Server's TCP, named pipe and local connection providers,
the dedicated admin connection, and the listeners of Service Broker / mirroring endpoints.

Every open is a real bind, so a port held by another process fails the way a conflict with
an endpoint does, and is reported in the ERRORLOG instead of stopping the instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..net import local

TCP, NAMED_PIPE, SHARED_MEMORY, DAC = "TCP", "Named pipe", "Shared memory", "DAC"
WILDCARDS = ("::", "0.0.0.0")
LOOPBACK = ("::1", "127.0.0.1")

ProtocolFactory = Callable[[], asyncio.Protocol]


@dataclass(frozen=True, slots=True)
class Listener:
    """One open listening socket and what it is for."""

    transport: str  # TCP, Named pipe, Shared memory or DAC
    address: str  # an IP address, or the pipe / local name
    port: int
    server: asyncio.AbstractServer

    @property
    def family(self) -> str:
        return "ipv6" if ":" in self.address else "ipv4"

    @property
    def shown(self) -> str:
        """As the ERRORLOG writes it: [ 'any' <ipv4> 1433] or [ \\\\.\\pipe\\sql\\query ]."""
        if self.transport in (NAMED_PIPE, SHARED_MEMORY):
            return f"[ {self.address} ]"
        return tcp_shown(self.address, self.port)


def tcp_shown(address: str, port: int) -> str:
    family = "ipv6" if ":" in address else "ipv4"
    where = "'any'" if address in WILDCARDS else address
    return f"[ {where} <{family}> {port}]"


def family_order(addresses: tuple[str, ...] | list[str]) -> list[str]:
    """IPv6 first, as SQL Server opens (and logs) them."""
    return sorted(addresses, key=lambda a: ":" not in a)


async def open_tcp(factory: ProtocolFactory, address: str, port: int) -> asyncio.AbstractServer:
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return await loop.create_server(factory, host=address, port=port, family=family, reuse_address=True, backlog=1024)


def bound_port(server: asyncio.AbstractServer) -> int:
    return server.sockets[0].getsockname()[1]


def failure_text(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "Tcp port is already in use."
    if exc.errno == errno.EADDRNOTAVAIL:
        return "The requested address is not valid in its context."
    if exc.errno == errno.EACCES:
        return "An attempt was made to access a socket in a way forbidden by its access permissions."
    return f"{exc.strerror or exc}."


async def open_unix(factory: ProtocolFactory, path: Path, private: bool) -> asyncio.AbstractServer:
    """A named pipe or shared memory listener; a stale socket left by a crash is replaced, a live
    one (another instance on the same pipe) is an error."""
    local.ensure_parent(path, private)
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise OSError(errno.EEXIST, f"{path} exists and is not a socket")
        if await _answers(path):
            raise OSError(errno.EADDRINUSE, "the pipe is in use by another process")
        path.unlink()
    loop = asyncio.get_running_loop()
    server = await loop.create_unix_server(factory, str(path), backlog=1024)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600 if private else 0o666)  # a pipe is for every local user, like SQL Server's
    return server


async def _answers(path: Path) -> bool:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(path)), 2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


def remove_socket(listener: Listener, path: Path) -> None:
    if listener.transport in (NAMED_PIPE, SHARED_MEMORY):
        with contextlib.suppress(OSError):
            path.unlink()


class Refuser(asyncio.Protocol):
    """What a Service Broker or mirroring endpoint does with a TDS client: accept and close."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()
