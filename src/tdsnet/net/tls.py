"""TLS for TDS: contexts, and a MemoryBIO channel that can run inside PRELOGIN packets.

TDS 7.x carries the TLS handshake as the payload of PRELOGIN (0x12) packets;
once the handshake is done, TLS records flow raw on the socket and carry TDS
packets inside.  TDS 8.0 (strict) starts with a plain TLS handshake that
negotiates ALPN ``tds/8.0``.  Python's ssl module handles records; this module
only decides where they travel.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from enum import Enum, auto
from pathlib import Path

from ..tds.packets import HEADER, HEADER_SIZE, PacketType, packetize

ALPN_TDS8 = "tds/8.0"


def server_context(cert_file: Path, key_file: Path, strict: bool) -> ssl.SSLContext:
    """A server context; TDS 7.x handshakes are capped at TLS 1.2 (what its clients speak
    inside PRELOGIN), strict TDS 8.0 allows TLS 1.3."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if strict:
        ctx.set_alpn_protocols([ALPN_TDS8])
    else:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    # No session tickets: a ticket sent after the handshake would land in the TDS stream.
    ctx.num_tickets = 0
    return ctx


class Phase(Enum):
    PLAIN = auto()
    PRELOGIN_HANDSHAKE = auto()  # TDS 7.x: records travel inside PRELOGIN packets
    RAW_HANDSHAKE = auto()  # TDS 8.0: records travel raw from the first byte
    ENCRYPTED = auto()


@dataclass(slots=True)
class TlsResult:
    """What feeding bytes produced: plaintext for the upper layer, bytes for the peer."""

    plaintext: bytes = b""
    outgoing: bytes = b""
    handshake_done: bool = False


class MemoryTls:
    """A TLS session over memory buffers (the TDS layer decides where its records travel): the
    part a server's and a client's session share."""

    def __init__(self, context: ssl.SSLContext, server_side: bool, server_hostname: str | None = None) -> None:
        self._in = ssl.MemoryBIO()
        self._out = ssl.MemoryBIO()
        self._ssl = context.wrap_bio(self._in, self._out, server_side=server_side, server_hostname=server_hostname)

    @property
    def version(self) -> str | None:
        return self._ssl.version()

    @property
    def alpn(self) -> str | None:
        return self._ssl.selected_alpn_protocol()

    def encrypt(self, data: bytes) -> bytes:
        self._ssl.write(data)
        return self._out.read()

    def _read_plaintext(self) -> bytes:
        """The plaintext of the whole records received so far."""
        chunks = []
        while True:
            try:
                chunk = self._ssl.read(65536)
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


class TlsChannel(MemoryTls):
    """A server-side TLS session over memory buffers, in one of the TDS phases."""

    def __init__(self, context: ssl.SSLContext, phase: Phase) -> None:
        super().__init__(context, server_side=True)
        self.phase = phase
        self._pending = bytearray()  # partial PRELOGIN packets during the wrapped handshake

    def feed(self, data: bytes) -> TlsResult:
        """Bytes from the socket; raises ssl.SSLError on a failed handshake."""
        result = TlsResult()
        if self.phase is Phase.PRELOGIN_HANDSHAKE:
            data = self._unwrap_prelogin(data)
            if data is None:
                return result
            tail = data[1]
            self._in.write(data[0])
        else:
            tail = b""
            self._in.write(data)
        if self.phase in (Phase.PRELOGIN_HANDSHAKE, Phase.RAW_HANDSHAKE):
            if not self._handshake():
                result.outgoing = self._drain_handshake()
                return result
            result.outgoing = self._drain_handshake()
            result.handshake_done = True
            self.phase = Phase.ENCRYPTED
            if tail:
                self._in.write(tail)
        result.plaintext = self._read_plaintext()
        return result

    def _unwrap_prelogin(self, data: bytes) -> tuple[bytes, bytes] | None:
        """TLS bytes from whole PRELOGIN packets, and whatever raw bytes follow them.

        Once the handshake is done a client sends raw TLS records, so a byte other
        than the PRELOGIN type at a packet boundary starts the raw part.
        """
        buf = self._pending
        buf += data
        records = bytearray()
        pos = 0
        while pos < len(buf) and buf[pos] == PacketType.PRELOGIN:
            if len(buf) - pos < HEADER_SIZE:
                break
            length = HEADER.unpack_from(buf, pos)[2]
            if length < HEADER_SIZE:
                raise ssl.SSLError("malformed PRELOGIN packet during the TLS handshake")
            if len(buf) - pos < length:
                break
            records += buf[pos + HEADER_SIZE : pos + length]
            pos += length
        tail = b""
        if pos < len(buf) and buf[pos] != PacketType.PRELOGIN:
            tail = bytes(buf[pos:])
            pos = len(buf)
        del buf[:pos]
        if not records and not tail:
            return None
        return bytes(records), tail

    def _handshake(self) -> bool:
        try:
            self._ssl.do_handshake()
        except ssl.SSLWantReadError:
            return False
        return True

    def _drain_handshake(self) -> bytes:
        data = self._out.read()
        if not data:
            return b""
        if self.phase is Phase.PRELOGIN_HANDSHAKE:
            return packetize(PacketType.PRELOGIN, data, 4096)
        return data

    def leftover(self) -> bytes:
        """Raw bytes the TLS layer received but has not consumed (for dropping TLS)."""
        return self._in.read()
