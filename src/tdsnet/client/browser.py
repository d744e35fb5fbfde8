"""Asking the SQL Server Browser (MC-SQLR, UDP 1434) where an instance listens.

CLNT_UCAST_INST gives a named instance's TCP port and pipe; CLNT_UCAST_DAC gives the port of
its dedicated admin connection.  UDP may lose a datagram, so a request is sent again when no
answer comes; an ICMP "port unreachable" (no Browser on that address) fails the address at once.
Every resolved address of the host is asked in turn.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

from ..tds import ssrp
from ..tds.errors import ProtocolError
from . import errors as e
from .sni import remaining

TRIES = 3
WAIT = 1.0  # seconds per try


@dataclass(frozen=True, slots=True)
class BrowserAnswer:
    address: str
    record: ssrp.InstanceRecord


def lookup_instance(host: str, instance: str, deadline: float | None, port: int = ssrp.SSRP_PORT) -> BrowserAnswer:
    """The Browser's record for ``instance`` on ``host``; error 26 when no Browser answers for it."""
    request = ssrp.encode_request(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_INST, instance))
    for address, reply in _ask(host, request, deadline, port):
        try:
            records = ssrp.decode_response(reply, ssrp.RequestKind.CLNT_UCAST_INST)
        except ProtocolError:
            continue
        if records[0].instance_name.upper() == instance.upper():
            return BrowserAnswer(address, records[0])
    raise e.network_error(e.SNI_PROVIDER, e.SNI_LOCATING_INSTANCE, None)


def lookup_dac_port(host: str, instance: str, deadline: float | None, port: int = ssrp.SSRP_PORT) -> int:
    """The TCP port of ``instance``'s dedicated admin connection; error 43 when none is learned."""
    request = ssrp.encode_request(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_DAC, instance))
    for _address, reply in _ask(host, request, deadline, port):
        try:
            return ssrp.decode_dac_response(reply)
        except ProtocolError:
            continue
    raise e.network_error(e.SNI_PROVIDER, e.SNI_DAC_PORT, None, number=e.LOCATE_NUMBER)


def list_instances(host: str, deadline: float | None, port: int = ssrp.SSRP_PORT) -> list[BrowserAnswer]:
    """Every instance the Browser on each of host's addresses reports (CLNT_UCAST_EX), like sqlcmd -L."""
    request = ssrp.encode_request(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_EX))
    found: list[BrowserAnswer] = []
    for address, reply in _ask(host, request, deadline, port):
        try:
            records = ssrp.decode_response(reply, ssrp.RequestKind.CLNT_UCAST_EX)
        except ProtocolError:
            continue
        found += [BrowserAnswer(address, record) for record in records]
    return found


@dataclass(frozen=True, slots=True)
class Exchange:
    """What one of a host's addresses did with a request (for diagnosis: silence is not a refusal)."""

    address: str
    reply: bytes | None
    refused: bool = False  # ICMP port unreachable: nothing listens on that UDP port there


def _ask(host: str, request: bytes, deadline: float | None, port: int) -> Iterator[tuple[str, bytes]]:
    """Send ``request`` to each of host's addresses in turn, yielding each reply as it comes."""
    for exchange in exchanges(host, request, deadline, port):
        if exchange.reply is not None:
            yield exchange.address, exchange.reply


def exchanges(host: str, request: bytes, deadline: float | None, port: int = ssrp.SSRP_PORT) -> Iterator[Exchange]:
    """Send ``request`` to each of host's addresses in turn: every address's reply, refusal or silence."""
    name = "localhost" if host.lower() in ("(local)", ".") else host
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError):
        return
    for family, kind, proto, _canon, address in infos:
        reply, refused = _ask_address(socket.socket(family, kind, proto), address, request, deadline)
        yield Exchange(str(address[0]), reply, refused)


def _ask_address(
    sock: socket.socket, address: tuple, request: bytes, deadline: float | None
) -> tuple[bytes | None, bool]:
    """The reply, and whether the address refused (ICMP port unreachable) rather than stayed silent."""
    with sock:
        try:
            sock.connect(address)  # a connected UDP socket reports ICMP unreachable as ECONNREFUSED
        except OSError:
            return None, False
        for _ in range(TRIES):
            left = remaining(deadline)
            if left is not None and left <= 0:
                return None, False
            sock.settimeout(WAIT if left is None else min(WAIT, left))
            try:
                sock.send(request)
                return sock.recv(65535), False
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                return None, True
            except OSError:
                return None, False
    return None, False
