"""The SQL Server Browser: MC-SQLR on UDP 1434 for every instance running on this host.

Instances register by writing a small JSON file to the runtime directory (`NetworkLayer.register`)
and remove it when they stop; the Browser reads the registrations of live processes for each
request, so one Browser serves every instance, whichever process runs it.  It answers only
well-formed requests (MC-SQLR says to ignore the rest), leaves hidden instances out, never
answers a datagram from port 1434 (two Browsers could otherwise be made to answer each other
forever), and limits each source address to a few answers a second: SSRP answers are larger
than the requests, a known UDP amplification vector.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..net import local
from ..tds import ssrp
from ..tds.errors import ProtocolError

log = logging.getLogger("tdsnet.browser")

RATE = 5.0  # answers per second and source address, on average
BURST = 20  # answers a source may get at once
_FORGET_AFTER = 60.0  # seconds before an idle source's bucket is dropped


@dataclass(frozen=True, slots=True)
class Registration:
    """What a running instance told the Browser about itself."""

    instance: str
    server_name: str
    pid: int
    version: str
    tcp: int | None
    np: str | None
    dac: int | None
    hidden: bool

    def record(self) -> ssrp.InstanceRecord:
        pipe = self.np
        if pipe and pipe.startswith("\\\\.\\"):
            pipe = f"\\\\{self.server_name}\\" + pipe[4:]  # the Browser names the host, as SQL Server's does
        return ssrp.fit_record(
            ssrp.InstanceRecord(self.server_name, self.instance, False, self.version, self.tcp, pipe)
        )


def registrations(root: Path | None = None) -> list[Registration]:
    """The registrations of instances whose process is alive, in name order."""
    found = []
    for path in sorted(local.registrations_dir(root).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            registration = Registration(
                str(data["instance"]),
                str(data["server_name"]),
                int(data["pid"]),
                str(data["version"]),
                data.get("tcp"),
                data.get("np"),
                data.get("dac"),
                bool(data.get("hidden")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-written or foreign: not an instance
        if psutil.pid_exists(registration.pid):
            found.append(registration)
    return found


def answer(request: ssrp.Request, running: list[Registration]) -> bytes | None:
    """The SVR_RESP for a request, or None when the Browser stays silent (nothing to say)."""
    visible = [r for r in running if not r.hidden]
    if request.kind in (ssrp.RequestKind.CLNT_BCAST_EX, ssrp.RequestKind.CLNT_UCAST_EX):
        records = [r.record() for r in visible if r.tcp or r.np]
        return ssrp.encode_response(_within_limit(records), request.kind) if records else None
    wanted = (request.instance or "").upper()
    match = next((r for r in visible if r.instance.upper() == wanted), None)  # HideInstance: silence
    if request.kind == ssrp.RequestKind.CLNT_UCAST_DAC:
        return ssrp.encode_dac_response(match.dac) if match and match.dac else None
    return ssrp.encode_response([match.record()], request.kind) if match else None


def _within_limit(records: list[ssrp.InstanceRecord]) -> list[ssrp.InstanceRecord]:
    """Leave out instances past what Microsoft's clients accept (4,096 bytes, MC-SQLR <4>)."""
    kept: list[ssrp.InstanceRecord] = []
    for record in records:
        try:
            if len(ssrp.encode_response([*kept, record], ssrp.RequestKind.CLNT_UCAST_EX)) - 3 > 4096:
                break
        except ValueError:
            continue
        kept.append(record)
    return kept


class RateLimiter:
    """A token bucket per source address."""

    def __init__(self, rate: float = RATE, burst: int = BURST, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, source: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(source, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self._buckets[source] = (tokens - 1 if allowed else tokens, now)
        if len(self._buckets) > 10_000:
            self._forget(now)
        return allowed

    def _forget(self, now: float) -> None:
        for source, (_tokens, last) in list(self._buckets.items()):
            if now - last > _FORGET_AFTER:
                del self._buckets[source]


class BrowserProtocol(asyncio.DatagramProtocol):
    def __init__(self, root: Path | None, limiter: RateLimiter) -> None:
        self.root = root
        self.limiter = limiter
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        if addr[1] == ssrp.SSRP_PORT or not self.limiter.allow(str(addr[0])):
            return
        try:
            request = ssrp.decode_request(data)
        except ProtocolError:
            return  # MC-SQLR 3.1.5.2: a Browser ignores what it does not understand
        try:
            reply = answer(request, registrations(self.root))
        except ValueError as exc:  # a registration the protocol cannot carry
            log.warning("cannot answer %s from %s: %s", request.kind.name, addr[0], exc)
            return
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


class Browser:
    """UDP listeners answering MC-SQLR; `start` reports the addresses it could not open."""

    def __init__(self, root: Path | None = None, port: int = ssrp.SSRP_PORT) -> None:
        self.root = root
        self.port = port
        self.limiter = RateLimiter()
        self.transports: list[asyncio.DatagramTransport] = []
        self.addresses: list[str] = []

    async def start(self, addresses: list[str]) -> list[tuple[str, OSError]]:
        loop = asyncio.get_running_loop()
        failures: list[tuple[str, OSError]] = []
        for address in addresses:
            try:
                transport, _protocol = await loop.create_datagram_endpoint(
                    lambda: BrowserProtocol(self.root, self.limiter), local_addr=(address, self.port)
                )
            except OSError as exc:
                failures.append((address, exc))
                continue
            self.transports.append(transport)
            self.addresses.append(address)
        return failures

    def stop(self) -> None:
        for transport in self.transports:
            with contextlib.suppress(Exception):
                transport.close()
        self.transports.clear()
        self.addresses.clear()
