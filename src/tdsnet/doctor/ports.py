"""Who listens where on this host: seed 002's `netstat -aon` and the Task Manager look-up of the PID.

psutil reads the kernel's socket tables; without privileges another user's socket shows no PID
(the socket is still listed, so "something listens" stays true).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from functools import lru_cache

import psutil

WILDCARDS = ("0.0.0.0", "::")


@dataclass(frozen=True, slots=True)
class Socket:
    kind: str  # tcp, udp, unix
    address: str  # an IP address, or the Unix socket's path
    port: int  # 0 for a Unix socket
    pid: int | None

    @property
    def process(self) -> str | None:
        return process_name(self.pid)

    @property
    def shown(self) -> str:
        if self.kind == "unix":
            return self.address
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    def owner(self) -> str:
        """'python3 (PID 1234)', as seed 002 finds it in Task Manager; 'an unknown process' without a PID."""
        if self.pid is None:
            return "a process this user cannot see (run as root to see its PID)"
        return f"{self.process or 'process'} (PID {self.pid})"

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "address": self.address, "port": self.port, "pid": self.pid, "process": self.process}


def process_name(pid: int | None) -> str | None:
    if pid is None:
        return None
    try:
        return psutil.Process(pid).name()
    except (psutil.Error, OSError):
        return None


def command_line(pid: int | None) -> str | None:
    if pid is None:
        return None
    try:
        return " ".join(psutil.Process(pid).cmdline()) or None
    except (psutil.Error, OSError):
        return None


def _connections(kind: str) -> list:
    for _ in range(3):  # a process that exits mid-scan can make one pass fail
        try:
            return psutil.net_connections(kind=kind)
        except (psutil.Error, OSError):
            continue
    return []


def tcp_listeners(port: int | None = None) -> list[Socket]:
    found = []
    for conn in _connections("tcp"):
        if conn.status != psutil.CONN_LISTEN or not conn.laddr:
            continue
        if port is None or conn.laddr.port == port:
            found.append(Socket("tcp", _plain(conn.laddr.ip), conn.laddr.port, conn.pid))
    return _unique(found)


def udp_sockets(port: int | None = None) -> list[Socket]:
    found = []
    for conn in _connections("udp"):
        if conn.laddr and (port is None or conn.laddr.port == port):
            found.append(Socket("udp", _plain(conn.laddr.ip), conn.laddr.port, conn.pid))
    return _unique(found)


def unix_listeners() -> list[Socket]:
    found = []
    for conn in _connections("unix"):
        if conn.laddr and conn.status in (psutil.CONN_LISTEN, psutil.CONN_NONE):
            found.append(Socket("unix", str(conn.laddr), 0, conn.pid))
    return _unique(found)


def _unique(sockets: list[Socket]) -> list[Socket]:
    return sorted(set(sockets), key=lambda s: (s.kind, s.port, s.address, s.pid or 0))


def _plain(address: str) -> str:
    return address.split("%", 1)[0]


def covers(listener: Socket, address: str) -> bool:
    """Whether a listener bound to its address takes connections to `address` (a wildcard takes all)."""
    if listener.address in WILDCARDS:
        wanted = _ip(address)
        if listener.address == "0.0.0.0":
            return wanted is not None and (wanted.version == 4 or _mapped(wanted))
        return True  # '::' also takes IPv4 unless IPV6_V6ONLY: close enough for a diagnosis
    left, right = _ip(listener.address), _ip(address)
    return left is not None and right is not None and _v4(left) == _v4(right)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(_plain(text))
    except ValueError:
        return None


def _mapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None


def _v4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=1)
def host_addresses() -> frozenset[str]:
    """Every address of this host's interfaces."""
    found = set()
    try:
        for addresses in psutil.net_if_addrs().values():
            for entry in addresses:
                if entry.family in (socket.AF_INET, socket.AF_INET6):
                    found.add(_plain(entry.address))
    except (psutil.Error, OSError):
        pass
    return frozenset(found)


def is_this_host(address: str) -> bool:
    """A loopback address or one of this host's: where netstat-like facts apply."""
    ip = _ip(address)
    if ip is None:
        return False
    return ip.is_loopback or _v4(ip).is_loopback or _plain(address) in host_addresses()
