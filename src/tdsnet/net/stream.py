"""One accepted connection's bytes: socket <-> (TLS) <-> the connection handler.

`TdsStream` is the only place that touches an asyncio transport.  It detects a
TDS 8.0 client by its first byte (0x16, a TLS handshake record), runs the TLS
handshake inside PRELOGIN packets when a TDS 7.x client negotiates encryption,
drops TLS again after the login for "login only" encryption, and exposes flow
control as a threading.Event so a worker thread streaming a large result can
wait for the client instead of buffering without bound.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from dataclasses import dataclass
from typing import Protocol

from .tls import Phase, TlsChannel

log = logging.getLogger("tdsnet.net")

TLS_HANDSHAKE_RECORD = 0x16


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a connection came from and arrived at (address, port)."""

    address: str
    port: int


class Handler(Protocol):
    """What sits above a stream: the server's connection, or a test's."""

    def on_open(self, stream: TdsStream) -> None: ...

    def on_data(self, data: bytes) -> None: ...

    def on_close(self) -> None: ...


class TlsContexts(Protocol):
    def for_prelogin(self) -> ssl.SSLContext | None: ...

    def for_strict(self) -> ssl.SSLContext | None: ...


class TdsStream(asyncio.Protocol):
    def __init__(
        self,
        handler: Handler,
        tls: TlsContexts,
        net_transport: str = "TCP",
        high_water: int = 256 * 1024,
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.net_transport = net_transport
        self.transport: asyncio.Transport | None = None
        self.peer = Endpoint("", 0)
        self.local = Endpoint("", 0)
        self.strict = False
        self.writable = threading.Event()
        self.writable.set()
        self.closed = False
        self._channel: TlsChannel | None = None
        self._first = True
        self._high_water = high_water
        self.bytes_in = 0
        self.bytes_out = 0

    # --- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment] - uvloop's is no asyncio.Transport subclass
        transport.set_write_buffer_limits(high=self._high_water)
        self.peer = _endpoint(transport.get_extra_info("peername"), self.net_transport)
        self.local = _endpoint(transport.get_extra_info("sockname"), self.net_transport)
        self.handler.on_open(self)

    def data_received(self, data: bytes) -> None:
        self.bytes_in += len(data)
        if self._first:
            self._first = False
            if data[:1] == bytes((TLS_HANDSHAKE_RECORD,)):
                context = self.tls.for_strict()
                if context is None:
                    log.info("%s: TLS-first (TDS 8.0) connection, but no certificate", self.peer)
                    self.close()
                    return
                self.strict = True
                self._channel = TlsChannel(context, Phase.RAW_HANDSHAKE)
        channel = self._channel
        if channel is None:
            self.handler.on_data(data)
            return
        try:
            result = channel.feed(data)
        except (ssl.SSLError, OSError) as exc:
            log.info("%s: TLS handshake failed: %s", self.peer.address, exc)
            self.close()
            return
        if result.outgoing:
            self._write_raw(result.outgoing)
        if result.plaintext:
            self.handler.on_data(result.plaintext)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.writable.set()
        self.handler.on_close()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    # --- for the handler ---------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        return self._channel is not None and self._channel.phase is Phase.ENCRYPTED

    @property
    def tls_version(self) -> str | None:
        return self._channel.version if self._channel is not None else None

    def start_tls(self, context: ssl.SSLContext) -> None:
        """TDS 7.x: the client's next PRELOGIN packets carry a TLS handshake."""
        self._channel = TlsChannel(context, Phase.PRELOGIN_HANDSHAKE)

    def stop_tls(self) -> None:
        """Login-only encryption: everything after LOGIN7 travels in the clear."""
        self._channel = None

    def write(self, data: bytes) -> None:
        if self.closed or self.transport is None:
            return
        channel = self._channel
        if channel is not None and channel.phase is Phase.ENCRYPTED:
            data = channel.encrypt(data)
        self._write_raw(data)

    def _write_raw(self, data: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.bytes_out += len(data)
            self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.close()
            self.writable.set()

    def abort(self) -> None:
        if self.transport is not None:
            self.closed = True
            self.transport.abort()
            self.writable.set()


def _endpoint(info: object, net_transport: str) -> Endpoint:
    if isinstance(info, tuple) and len(info) >= 2:
        return Endpoint(str(info[0]), int(info[1]))
    return Endpoint("<local machine>" if net_transport != "TCP" else "", 0)
