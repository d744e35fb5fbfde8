"""The server side of a TDS connection, sans-IO: bytes in, events out.

States (MS-TDS 3.3.5):

    INITIAL --PRELOGIN--> PRELOGIN_DONE --LOGIN7--> LOGIN_SENT --accept--> LOGGED_IN
       \\--LOGIN7 (no PRELOGIN: jTDS, nmap)--^                  \\--reject--> CLOSED

TLS is not this layer's business: the transport decrypts before bytes arrive
here and wraps the handshake in PRELOGIN packets itself.  Whatever violates
the protocol raises `ProtocolError`; the caller closes the connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from . import login7, prelogin, requests
from .errors import ProtocolError
from .packets import (
    DEFAULT_PACKET_SIZE,
    HEADER,
    HEADER_SIZE,
    MAX_PACKET_SIZE,
    MIN_PACKET_SIZE,
    Message,
    MessageAssembler,
    PacketType,
    Status,
    packetize,
)

TDS_7_1 = 0x71000001
TDS_7_2 = 0x72090002
TDS_7_3A = 0x730A0003
TDS_7_3B = 0x730B0003
TDS_7_4 = 0x74000004
TDS_8_0 = 0x08000000


def negotiate_version(client_version: int) -> int:
    """The version the server answers in: the client's own, capped at 7.4.

    TDS 8.0 (strict) clients put 0x08000000 in LOGIN7 and get 7.4 token layouts.
    """
    if client_version == TDS_8_0 or client_version >= 0x74000000:
        return TDS_7_4
    for version in (TDS_7_3B, TDS_7_3A, TDS_7_2, TDS_7_1):
        if client_version >= version & 0xFFFF0000:
            return version
    raise ProtocolError(f"TDS version {client_version:#010x} is not supported", "tdsnet speaks TDS 7.1 and later")


class State(Enum):
    INITIAL = auto()
    PRELOGIN_DONE = auto()
    LOGIN_SENT = auto()
    LOGGED_IN = auto()
    CLOSED = auto()


@dataclass(slots=True)
class PreLoginReceived:
    prelogin: prelogin.PreLogin


@dataclass(slots=True)
class LoginReceived:
    login: login7.Login7
    without_prelogin: bool


@dataclass(slots=True)
class RequestReceived:
    """A SQL batch, RPC, transaction manager request or bulk load, ready to execute."""

    request: requests.Request
    reset_connection: bool = False
    reset_skip_transaction: bool = False


@dataclass(slots=True)
class AttentionReceived:
    pass


@dataclass(slots=True)
class UnsupportedRequest:
    """A well-formed message this server does not implement (bulk load, SSPI...)."""

    packet_type: int


Event = PreLoginReceived | LoginReceived | RequestReceived | AttentionReceived | UnsupportedRequest


class ServerConnection:
    """Decodes a client's messages according to the connection's state."""

    def __init__(self, max_message_size: int | None = None) -> None:
        self.state = State.INITIAL
        self.tds_version = TDS_7_4
        self.packet_size = DEFAULT_PACKET_SIZE
        self.spid = 0
        kwargs = {} if max_message_size is None else {"max_message_size": max_message_size}
        self._assembler = MessageAssembler(**kwargs)

    def receive_data(self, data: bytes) -> list[Event]:
        if self.state is State.CLOSED:
            return []
        return [self._event(m) for m in self._assembler.feed(data)]

    def _event(self, message: Message) -> Event:
        ptype = message.type
        if ptype == PacketType.ATTENTION:
            if self.state is not State.LOGGED_IN:
                raise ProtocolError("ATTENTION before login")
            return AttentionReceived()
        if self.state is State.INITIAL:
            if ptype == PacketType.PRELOGIN:
                self.state = State.PRELOGIN_DONE
                return PreLoginReceived(prelogin.decode(message.payload))
            if ptype == PacketType.LOGIN7:
                return self._login(message, without_prelogin=True)
            raise ProtocolError(f"packet type {ptype} before login", "a client starts with PRELOGIN or LOGIN7")
        if self.state is State.PRELOGIN_DONE:
            if ptype == PacketType.LOGIN7:
                return self._login(message, without_prelogin=False)
            raise ProtocolError(f"packet type {ptype} where LOGIN7 was expected")
        if self.state is State.LOGGED_IN:
            return self._request(message)
        raise ProtocolError(f"packet type {ptype} while the login is being processed")

    def _login(self, message: Message, without_prelogin: bool) -> LoginReceived:
        login = login7.decode(message.payload)
        self.tds_version = negotiate_version(login.tds_version)
        self.state = State.LOGIN_SENT
        return LoginReceived(login, without_prelogin)

    def _request(self, message: Message) -> Event:
        ptype, payload, version = message.type, message.payload, self.tds_version
        if ptype == PacketType.SQL_BATCH:
            request: (
                requests.SqlBatch | requests.RpcRequest | requests.TransactionManagerRequest | requests.BulkLoad
            ) = requests.decode_sql_batch(payload, version)
        elif ptype == PacketType.RPC:
            request = requests.decode_rpc(payload, version)
        elif ptype == PacketType.TRANSACTION_MANAGER:
            request = requests.decode_transaction_manager(payload, version)
        elif ptype == PacketType.BULK_LOAD:
            request = requests.decode_bulk_load(payload, version)
        elif ptype in (PacketType.SSPI, PacketType.FEDAUTH_TOKEN):
            return UnsupportedRequest(ptype)
        else:
            raise ProtocolError(f"packet type {ptype} is not a request")
        return RequestReceived(request, message.reset_connection, message.reset_skip_transaction)

    def accept_login(self, packet_size: int) -> None:
        """The login succeeded: requests may follow, in packets of the agreed size."""
        self.packet_size = clamp_packet_size(packet_size)
        self.state = State.LOGGED_IN

    def close(self) -> None:
        self.state = State.CLOSED

    def response(self, payload: bytes) -> bytes:
        """A whole tabular-result message, packetized."""
        return packetize(PacketType.TABULAR_RESULT, payload, self.packet_size, self.spid)


def clamp_packet_size(requested: int) -> int:
    if requested == 0:
        return DEFAULT_PACKET_SIZE
    return max(MIN_PACKET_SIZE, min(MAX_PACKET_SIZE, requested))


class ResponseWriter:
    """Accumulates token bytes and cuts them into packets of the negotiated size.

    `flush_full` gives the complete packets so far (none carrying EOM) for a
    streaming result; `finish` gives the rest with EOM on the last packet.
    """

    __slots__ = ("_buf", "_chunk", "_packet_id", "_spid", "packet_size")

    def __init__(self, packet_size: int, spid: int) -> None:
        self.packet_size = packet_size
        self._chunk = packet_size - HEADER_SIZE
        self._spid = spid
        self._buf = bytearray()
        self._packet_id = 1

    def write(self, data: bytes) -> None:
        self._buf += data

    def __len__(self) -> int:
        return len(self._buf)

    def flush_full(self) -> bytes:
        buf, chunk = self._buf, self._chunk
        count = len(buf) // chunk
        if len(buf) % chunk == 0 and count:
            count -= 1  # keep the last full chunk: it may need to carry EOM
        if not count:
            return b""
        out = bytearray()
        pack = HEADER.pack
        view = memoryview(buf)
        for i in range(count):
            out += pack(
                PacketType.TABULAR_RESULT,
                0,
                self.packet_size,
                self._spid,
                self._packet_id & 0xFF,
                0,
            )
            out += view[i * chunk : (i + 1) * chunk]
            self._packet_id += 1
        view.release()
        del buf[: count * chunk]
        return bytes(out)

    def finish(self) -> bytes:
        head = self.flush_full()
        tail = packetize(
            PacketType.TABULAR_RESULT,
            self._buf,
            self.packet_size,
            self._spid,
            packet_id=self._packet_id,
        )
        self._buf = bytearray()
        self._packet_id = 1
        return head + tail if head else tail


__all__ = [
    "DEFAULT_PACKET_SIZE",
    "HEADER_SIZE",
    "AttentionReceived",
    "LoginReceived",
    "PreLoginReceived",
    "RequestReceived",
    "ResponseWriter",
    "ServerConnection",
    "State",
    "Status",
    "UnsupportedRequest",
    "clamp_packet_size",
    "negotiate_version",
]
