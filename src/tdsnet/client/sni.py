r"""The client's transports, named as SQL Server's SNI (SQL Server Network Interface) names them.

TCP/IP (IPv4 and IPv6, one address after the other, or all at once for MultiSubnetFailover),
named pipes and shared memory.  Pipes and shared memory are Windows IPC; on every platform
tdsnet maps them onto Unix domain sockets by the rule in `tdsnet.net.local`, which the server
follows too.  A pipe path names a host: only this machine's pipes can be opened.

Every failure is a `NetworkError` carrying SqlClient's provider, SNI error and native error.
Transports are blocking sockets; the deadline is the connection's whole Connect Timeout.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import selectors
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..net import local
from . import errors as e
from .connstr import DEFAULT_INSTANCE, IPAddressPreference, Protocol

LOCAL_NAMES = frozenset({"(local)", ".", "localhost"})


@dataclass(slots=True)
class Channel:
    """An open transport: its socket and how it is described in errors and attempts."""

    sock: socket.socket
    protocol: Protocol
    target: str  # tcp:127.0.0.1,1433 / np:\\.\pipe\sql\query / lpc:MSSQLSERVER
    provider: str

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def remaining(deadline: float | None) -> float | None:
    """Seconds left before ``deadline`` (a time.monotonic() value), None for no deadline."""
    if deadline is None:
        return None
    return max(0.0, deadline - time.monotonic())


# --- which machine -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def machine_names() -> frozenset[str]:
    """This computer's names, lower case: what makes a server name local."""
    names = {socket.gethostname().lower()}
    names.add(next(iter(names)).split(".")[0])
    try:
        names.add(socket.getfqdn().lower())
    except OSError:
        pass
    return frozenset(names)


def is_local_name(host: str) -> bool:
    """(local), '.', localhost or this computer's name: where shared memory may be tried."""
    lowered = host.lower()
    return lowered in LOCAL_NAMES or lowered in machine_names()


def is_this_machine(host: str) -> bool:
    """A local name or a loopback address: whose pipes this client can open."""
    if is_local_name(host):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


# --- TCP -----------------------------------------------------------------------------------------


def tcp_target(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"tcp:{shown},{port}"


def resolve_tcp(host: str, port: int, preference: IPAddressPreference) -> list[tuple]:
    """getaddrinfo for a TCP connection, ordered by IPAddressPreference; raises 11001 if unknown."""
    name = "localhost" if host.lower() in ("(local)", ".") else host
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise e.network_error(e.TCP_PROVIDER, e.SNI_NATIVE, e.WSAHOST_NOT_FOUND) from None
    unique = list({info[4]: info for info in reversed(infos)}.values())[::-1]  # each address once, in order
    if preference is IPAddressPreference.IPV4_FIRST:
        unique.sort(key=lambda info: info[0] != socket.AF_INET)
    elif preference is IPAddressPreference.IPV6_FIRST:
        unique.sort(key=lambda info: info[0] != socket.AF_INET6)
    return unique


def open_tcp(
    host: str,
    port: int,
    deadline: float | None,
    multi_subnet_failover: bool = False,
    preference: IPAddressPreference = IPAddressPreference.IPV4_FIRST,
) -> Channel:
    """Connect to host:port; every resolved address in turn, or all at once for MultiSubnetFailover."""
    addresses = resolve_tcp(host, port, preference)
    if multi_subnet_failover and len(addresses) > 1:
        sock = _connect_parallel(addresses, deadline)
    else:
        sock = _connect_serial(addresses, deadline)
    _tune(sock)
    return Channel(sock, Protocol.TCP, tcp_target(host, port), e.TCP_PROVIDER)


def _connect_serial(addresses: Sequence[tuple], deadline: float | None) -> socket.socket:
    failure: e.NetworkError | None = None
    for family, kind, proto, _name, address in addresses:
        timeout = _connect_timeout(deadline)  # raises TimeoutError once the Connect Timeout is spent
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except ConnectionResetError:
            return sock  # accepted, then reset before connect() returned: PRELOGIN reports it (seed 001)
        except OSError as error:
            sock.close()
            if isinstance(error, TimeoutError) and deadline is not None and time.monotonic() >= deadline:
                raise
            failure = _tcp_failure(error)
            continue
        return sock
    assert failure is not None
    raise failure


def _connect_timeout(deadline: float | None) -> float | None:
    left = remaining(deadline)
    if left is not None and left <= 0:
        raise TimeoutError("the connect timeout ran out")
    return left


def _connect_parallel(addresses: Sequence[tuple], deadline: float | None) -> socket.socket:
    """MultiSubnetFailover: start a connection to every address; the first to complete wins."""
    selector = selectors.DefaultSelector()
    pending: list[socket.socket] = []
    failure: e.NetworkError | None = None
    for family, kind, proto, _name, address in addresses:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        code = sock.connect_ex(address)
        if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK):
            sock.close()
            failure = _tcp_failure(OSError(code, "connect"))
            continue
        selector.register(sock, selectors.EVENT_WRITE)
        pending.append(sock)
    try:
        while pending:
            ready = selector.select(_connect_timeout(deadline))
            if not ready:
                raise TimeoutError("the connect timeout ran out")
            for key, _events in ready:
                sock = key.fileobj  # type: ignore[assignment]
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                selector.unregister(sock)
                pending.remove(sock)
                if code in (0, errno.ECONNRESET):  # a reset after the handshake is PRELOGIN's to report
                    sock.setblocking(True)
                    return sock
                sock.close()
                failure = _tcp_failure(OSError(code, "connect"))
    finally:
        for sock in pending:
            sock.close()
        selector.close()
    assert failure is not None
    raise failure


def _tcp_failure(error: OSError) -> e.NetworkError:
    if isinstance(error, TimeoutError) or error.errno == errno.ETIMEDOUT:
        return e.network_error(e.TCP_PROVIDER, e.SNI_NATIVE, e.WSAETIMEDOUT)
    native = {
        errno.ECONNREFUSED: e.WSAECONNREFUSED,
        errno.ENETUNREACH: e.WSAENETUNREACH,
        errno.EHOSTUNREACH: e.WSAEHOSTUNREACH,
        errno.EADDRNOTAVAIL: e.WSAEHOSTUNREACH,
    }.get(error.errno or 0)
    if native is None:
        return e.network_error(e.TCP_PROVIDER, e.SNI_NATIVE, error.errno, detail=f"{error.strerror or error}.")
    return e.network_error(e.TCP_PROVIDER, e.SNI_NATIVE, native)


def _tune(sock: socket.socket) -> None:
    """Best effort: the server may already have reset the connection (a stopped endpoint accepts and
    closes at once), and that must surface at PRELOGIN as "established, then an error" (seed 001),
    not here as a failure to connect."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


# --- named pipes and shared memory ---------------------------------------------------------------


def open_pipe(pipe: str) -> Channel:
    r"""Open \\host\pipe\name: this machine's pipe socket (net.local), or error 40 for another host."""
    target = f"np:{pipe}"
    try:
        host, _path = local.split_pipe(pipe)
    except ValueError:
        raise e.network_error(e.NAMED_PIPES_PROVIDER, e.SNI_COULD_NOT_OPEN, e.ERROR_BAD_NETPATH) from None
    if not is_this_machine(host):
        # Pipes of other computers travel over SMB, which tdsnet does not speak.
        raise e.network_error(e.NAMED_PIPES_PROVIDER, e.SNI_COULD_NOT_OPEN, e.ERROR_BAD_NETPATH)
    path = local.pipe_socket(pipe)
    sock = _open_unix(str(path), e.NAMED_PIPES_PROVIDER)
    return Channel(sock, Protocol.NAMED_PIPES, target, e.NAMED_PIPES_PROVIDER)


def open_shared_memory(host: str, instance: str | None) -> Channel:
    """Open the shared memory transport of a local instance."""
    name = instance or DEFAULT_INSTANCE
    if not is_local_name(host):
        raise e.network_error(e.SHARED_MEMORY_PROVIDER, e.SNI_REMOTE_SHARED_MEMORY, None, number=0)
    sock = _open_unix(str(local.shared_memory_socket(name)), e.SHARED_MEMORY_PROVIDER)
    return Channel(sock, Protocol.SHARED_MEMORY, f"lpc:{name}", e.SHARED_MEMORY_PROVIDER)


def _open_unix(path: str, provider: str) -> socket.socket:
    if not hasattr(socket, "AF_UNIX"):
        raise e.network_error(provider, e.SNI_PROTOCOL_NOT_SUPPORTED, None, number=0)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError as error:
        sock.close()
        native = 5 if isinstance(error, PermissionError) else e.ERROR_FILE_NOT_FOUND  # 5: access is denied
        raise e.network_error(provider, e.SNI_COULD_NOT_OPEN, native) from None
    return sock


def closed_by_peer(provider: str, lead: str) -> e.NetworkError:
    """The server closed an established connection (a STOPPED endpoint, a refused encryption...)."""
    native = e.WSAECONNRESET if provider == e.TCP_PROVIDER else e.ERROR_PIPE_NOT_CONNECTED
    return e.network_error(provider, e.SNI_NATIVE, native, lead=lead)
