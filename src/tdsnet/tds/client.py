"""The client side of a TDS connection, sans-IO: requests out as bytes, bytes in, events out.

States (MS-TDS 3.2.5), mirroring the server's `connection.ServerConnection`:

    INITIAL --prelogin()--> PRELOGIN_SENT --PRELOGIN reply--> PRELOGIN_DONE --login()--> LOGIN_SENT
    LOGIN_SENT --LOGINACK + final DONE--> LOGGED_IN      (no LOGINACK: CLOSED, the server hangs up)
    LOGGED_IN --batch()/rpc()/transaction()--> REQUEST_SENT --final DONE--> LOGGED_IN

TLS is not this layer's business: the transport encrypts, and runs the TDS 7.x handshake inside
PRELOGIN packets itself; `negotiate_encryption` only says what the two PRELOGIN messages agreed.
Tokens are decoded as their bytes arrive, packet by packet, so a large result streams.
ATTENTION may be sent at any time after login; the server acknowledges it with DONE(ATTN), and
everything up to that acknowledgement belongs to the cancelled request.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field
from typing import Any

from . import login7, prelogin, requests, tokens
from .errors import ProtocolError
from .packets import HEADER, HEADER_SIZE, MAX_PACKET_SIZE, PacketType, Status, packetize
from .prelogin import Encryption, Option
from .tokens import Done, EnvChange, EnvChangeEvent, LoginAck, ServerMessage
from .wire import Reader

TDS_7_4 = login7.TdsVersion.V7_4
TDS_8_0 = login7.TdsVersion.V8_0
PRELOGIN_PACKET_SIZE = 4096  # before the login settles the packet size
# The client's own version in PRELOGIN (major, minor, build): what tdsnet's client library calls itself.
CLIENT_VERSION = (16, 0, 1000)


class State(enum.Enum):
    INITIAL = enum.auto()
    PRELOGIN_SENT = enum.auto()
    PRELOGIN_DONE = enum.auto()
    LOGIN_SENT = enum.auto()
    LOGGED_IN = enum.auto()
    REQUEST_SENT = enum.auto()
    CLOSED = enum.auto()


class EncryptionLevel(enum.Enum):
    """What the PRELOGIN exchange agreed (MS-TDS 2.2.6.5's matrix, seen from the client)."""

    NONE = "none"  # nothing is encrypted
    LOGIN_ONLY = "login"  # TLS for the LOGIN7 message, then plain text again
    FULL = "full"  # TLS from the handshake to the end


class EncryptionNotSupported(ProtocolError):
    """The client requires encryption but the server answered ENCRYPT_NOT_SUP."""


def negotiate_encryption(requested: int, answered: int | None) -> EncryptionLevel:
    """The encryption both sides agreed, from the client's ENCRYPTION option and the server's answer."""
    answered = Encryption.NOT_SUP if answered is None else answered & 0x0F
    if answered == Encryption.NOT_SUP:
        if requested in (Encryption.ON, Encryption.REQ):
            raise EncryptionNotSupported(
                "The instance of SQL Server you attempted to connect to does not support encryption."
            )
        return EncryptionLevel.NONE
    if requested == Encryption.NOT_SUP and answered != Encryption.REQ:
        return EncryptionLevel.NONE
    if answered == Encryption.OFF and requested == Encryption.OFF:
        return EncryptionLevel.LOGIN_ONLY
    return EncryptionLevel.FULL


# --- events --------------------------------------------------------------------------------------


@dataclass(slots=True)
class PreLoginResponse:
    prelogin: prelogin.PreLogin

    @property
    def encryption(self) -> int | None:
        return self.prelogin.encryption

    @property
    def instance_valid(self) -> bool:
        """INSTOPT 0 means the server is the instance the client named (or none was named)."""
        data = self.prelogin.get(Option.INSTOPT)
        return not data or data[0] == 0


@dataclass(slots=True)
class Routing:
    """ENVCHANGE type 20: the server sends the client elsewhere (an availability group listener)."""

    protocol: int
    port: int
    server: str


@dataclass(slots=True)
class TransactionChange:
    """A BEGIN/COMMIT/ROLLBACK/... ENVCHANGE: the descriptor requests must now carry (0: none)."""

    kind: int
    descriptor: int


@dataclass(slots=True)
class LoggedIn:
    """The login succeeded: everything the login response settled."""

    ack: LoginAck
    database: str
    language: str
    packet_size: int
    collation: bytes
    features: dict[int, bytes]
    routing: Routing | None


@dataclass(slots=True)
class LoginRejected:
    """The login failed; the server closes the connection after this response."""

    errors: list[ServerMessage]


@dataclass(slots=True)
class ResponseComplete:
    """The end of a request's response (the final DONE, or DONE(ATTN) after ATTENTION)."""

    attention: bool = False


Event = Any  # tokens' Metadata, Row, Done, ServerMessage, EnvChangeEvent, ReturnStatus, ReturnValue... and the above


# --- the connection --------------------------------------------------------------------------------


@dataclass(slots=True)
class _LoginState:
    ack: LoginAck | None = None
    database: str = ""
    language: str = ""
    packet_size: int = 0
    collation: bytes = b""
    features: dict[int, bytes] = field(default_factory=dict)
    routing: Routing | None = None
    errors: list[ServerMessage] = field(default_factory=list)


class ClientConnection:
    """Builds a client's messages and decodes a server's responses according to the connection's state."""

    def __init__(self, packet_size: int = PRELOGIN_PACKET_SIZE) -> None:
        self.state = State.INITIAL
        self.tds_version = TDS_7_4
        self.packet_size = packet_size
        self.database = ""
        self.language = ""
        self.collation = b""
        self.transaction_descriptor = 0
        self.attention_pending = False
        self._reader = tokens.TokenReader(TDS_7_4)
        self._packets = bytearray()  # bytes not yet cut into packets
        self._payload = bytearray()  # the current message's payload not yet decoded
        self._message_type: int | None = None
        self._eom = False
        self._retry_at = 0  # decode a partial token again once the payload reaches this size
        self._login = _LoginState()
        self.requested_encryption = Encryption.OFF

    # --- outgoing messages -------------------------------------------------------------------

    def prelogin(self, encryption: int, instance: str | None = None, thread_id: int = 0) -> bytes:
        """The PRELOGIN request; ``instance`` is checked by the server (INSTOPT) when given."""
        self._expect(State.INITIAL, "PRELOGIN")
        self.requested_encryption = encryption
        major, minor, build = CLIENT_VERSION
        name = (instance or "").encode("latin-1", "replace") + b"\x00"
        options = [
            (Option.VERSION, prelogin.version_bytes(major, minor, build)),
            (Option.ENCRYPTION, prelogin.encryption_bytes(encryption)),
            (Option.INSTOPT, name),
            (Option.THREADID, struct.pack(">I", thread_id & 0xFFFFFFFF)),
            (Option.MARS, b"\x00"),
        ]
        self.state = State.PRELOGIN_SENT
        return packetize(PacketType.PRELOGIN, prelogin.encode(prelogin.PreLogin(options)), PRELOGIN_PACKET_SIZE)

    def login(self, record: login7.Login7) -> bytes:
        """LOGIN7; allowed after the PRELOGIN reply, or first (as pre-7.2 clients may)."""
        if self.state not in (State.INITIAL, State.PRELOGIN_DONE):
            raise ProtocolError(f"LOGIN7 in state {self.state.name}")
        self._login = _LoginState()
        self.state = State.LOGIN_SENT
        return packetize(PacketType.LOGIN7, login7.encode(record), PRELOGIN_PACKET_SIZE)

    def batch(self, text: str, reset_connection: bool = False) -> bytes:
        request = requests.SqlBatch(text, self._headers())
        return self._request(
            PacketType.SQL_BATCH, requests.encode_sql_batch(request, self.tds_version), reset_connection
        )

    def rpc(self, calls: list[requests.RpcCall], reset_connection: bool = False) -> bytes:
        request = requests.RpcRequest(calls, self._headers())
        return self._request(PacketType.RPC, requests.encode_rpc(request, self.tds_version), reset_connection)

    def transaction(self, kind: int, name: str = "", isolation_level: int = 0, begin_new: bool = False) -> bytes:
        """A transaction manager request: begin, commit, rollback or save (MS-TDS 2.2.6.9)."""
        request = requests.TransactionManagerRequest(
            kind, self._headers(), isolation_level, name, begin_new, isolation_level if begin_new else 0
        )
        payload = requests.encode_transaction_manager(request, self.tds_version)
        return self._request(PacketType.TRANSACTION_MANAGER, payload, False)

    def attention(self) -> bytes:
        """ATTENTION: cancel the running request; read on until `ResponseComplete(attention=True)`."""
        if self.state not in (State.LOGGED_IN, State.REQUEST_SENT):
            raise ProtocolError(f"ATTENTION in state {self.state.name}")
        self.attention_pending = True
        return packetize(PacketType.ATTENTION, b"", self.packet_size)

    def _headers(self) -> requests.Headers:
        return requests.Headers(self.transaction_descriptor, 1)

    def _request(self, ptype: int, payload: bytes, reset_connection: bool) -> bytes:
        self._expect(State.LOGGED_IN, "a request")
        if self.attention_pending:
            raise ProtocolError("a request before the ATTENTION acknowledgement", "read the DONE(ATTN) first")
        self.state = State.REQUEST_SENT
        status = Status.RESET_CONNECTION if reset_connection else 0
        return packetize(ptype, payload, self.packet_size, status=status)

    def _expect(self, state: State, what: str) -> None:
        if self.state is not state:
            raise ProtocolError(f"{what} in state {self.state.name}", f"expected {state.name}")

    def close(self) -> None:
        self.state = State.CLOSED

    # --- incoming bytes ----------------------------------------------------------------------

    def receive_data(self, data: bytes) -> list[Event]:
        """Events for the bytes received so far; a partial token waits for more bytes."""
        self._packets += data
        events: list[Event] = []
        while len(self._packets) >= HEADER_SIZE:
            ptype, status, length = HEADER.unpack_from(self._packets, 0)[:3]
            if length < HEADER_SIZE or length > MAX_PACKET_SIZE + 1:
                raise ProtocolError(f"invalid packet length {length} from the server")
            if len(self._packets) < length:
                break
            self._add_packet(ptype, status, self._packets[HEADER_SIZE:length])
            del self._packets[:length]
            events += self._decode()
        return events

    def _add_packet(self, ptype: int, status: int, body: bytes | bytearray) -> None:
        if self.state in (State.INITIAL, State.PRELOGIN_DONE, State.LOGGED_IN, State.CLOSED) and not (
            self.attention_pending and self.state is State.LOGGED_IN
        ):
            raise ProtocolError(f"packet type {ptype} from the server while no response is expected")
        if ptype != PacketType.TABULAR_RESULT:
            raise ProtocolError(f"packet type {ptype} from the server", "a server sends tabular results (4) only")
        if self._message_type is None:
            self._message_type = ptype
        self._payload += body
        self._eom = bool(status & Status.EOM)

    def _decode(self) -> list[Event]:
        if self.state is State.PRELOGIN_SENT:
            return self._prelogin_response()
        events: list[Event] = []
        payload = self._payload
        if not self._eom and len(payload) < self._retry_at:
            return events
        reader = Reader(payload)
        self._retry_at = 0
        while reader.remaining:
            start = reader.pos
            try:
                token = self._reader.read_token(reader)
            except ProtocolError:
                if self._eom:
                    raise
                # A token cut by a packet boundary: try again once twice its bytes are here, so a
                # value spanning many packets is not decoded again for every packet.
                reader.pos = start
                self._retry_at = 2 * (len(payload) - start)
                break
            if token is not None:
                events += self._on_token(token)
        del payload[: reader.pos]
        if self._eom:  # every byte was a whole token, or read_token raised above
            self._end_message()
        return events

    def _end_message(self) -> None:
        self._message_type = None
        self._eom = False
        self._retry_at = 0

    def _prelogin_response(self) -> list[Event]:
        if not self._eom:
            return []
        reply = prelogin.decode(bytes(self._payload))
        self._payload.clear()
        self._end_message()
        self.state = State.PRELOGIN_DONE
        return [PreLoginResponse(reply)]

    # --- tokens ------------------------------------------------------------------------------

    def _on_token(self, token: Any) -> list[Event]:
        if isinstance(token, EnvChangeEvent):
            return self._env_change(token)
        if isinstance(token, LoginAck):
            self._login.ack = token
            self.tds_version = token.tds_version
            self._reader.tds_version = token.tds_version
            return [token]
        if isinstance(token, tokens.FeatureExtAck):
            self._login.features.update(token.features)
            return [token]
        if isinstance(token, ServerMessage) and token.is_error and self.state is State.LOGIN_SENT:
            self._login.errors.append(token)
            return [token]
        if isinstance(token, Done):
            return self._done(token)
        return [token]

    def _done(self, done: Done) -> list[Event]:
        events: list[Event] = [done]
        if done.attention:
            self.attention_pending = False
            if self.state is State.REQUEST_SENT:
                self.state = State.LOGGED_IN
            return [*events, ResponseComplete(attention=True)]
        if done.more or done.token == tokens.Token.DONEINPROC:
            return events
        if self.state is State.LOGIN_SENT:
            return [*events, self._login_done()]
        if self.state is State.REQUEST_SENT:
            self.state = State.LOGGED_IN
            if not self.attention_pending:
                events.append(ResponseComplete())
        return events

    def _login_done(self) -> LoggedIn | LoginRejected:
        state = self._login
        if state.ack is None:
            self.state = State.CLOSED
            return LoginRejected(state.errors)
        self.state = State.LOGGED_IN
        return LoggedIn(
            state.ack,
            self.database,
            self.language,
            self.packet_size,
            self.collation,
            state.features,
            state.routing,
        )

    def _env_change(self, change: EnvChangeEvent) -> list[Event]:
        kind = change.kind
        if kind == EnvChange.DATABASE:
            self.database = str(change.new)
        elif kind == EnvChange.LANGUAGE:
            self.language = str(change.new)
        elif kind == EnvChange.PACKET_SIZE:
            self._set_packet_size(str(change.new))
        elif kind == EnvChange.SQL_COLLATION:
            self.collation = bytes(change.new) if isinstance(change.new, bytes) else b""
        elif kind == EnvChange.ROUTING:
            self._login.routing = _routing(change.new)
            return [change, self._login.routing]
        elif kind in _TRANSACTION_CHANGES:
            return [change, self._transaction_change(change)]
        return [change]

    def _set_packet_size(self, text: str) -> None:
        try:
            size = int(text)
        except ValueError:
            raise ProtocolError(f"packet size ENVCHANGE {text!r} is not a number") from None
        if not 512 <= size <= MAX_PACKET_SIZE + 1:
            raise ProtocolError(f"packet size {size} out of range")
        self.packet_size = size
        self._login.packet_size = size

    def _transaction_change(self, change: EnvChangeEvent) -> TransactionChange:
        new = change.new if isinstance(change.new, bytes) else b""
        if change.kind in (EnvChange.BEGIN_TRANSACTION, EnvChange.ENLIST_DTC_TRANSACTION) and len(new) == 8:
            self.transaction_descriptor = int.from_bytes(new, "little")
        else:
            self.transaction_descriptor = 0
        return TransactionChange(change.kind, self.transaction_descriptor)


_TRANSACTION_CHANGES = {
    EnvChange.BEGIN_TRANSACTION,
    EnvChange.COMMIT_TRANSACTION,
    EnvChange.ROLLBACK_TRANSACTION,
    EnvChange.ENLIST_DTC_TRANSACTION,
    EnvChange.DEFECT_TRANSACTION,
    EnvChange.TRANSACTION_ENDED,
}


def _routing(data: str | bytes) -> Routing:
    """RoutingDataValue after its length: Protocol (0 = TCP), ProtocolProperty (the port), AlternateServer."""
    reader = Reader(data if isinstance(data, bytes) else b"")
    protocol = reader.u8()
    port = reader.u16()
    server = reader.us_varchar()
    return Routing(protocol, port, server)


def login_record(
    user: str,
    password: str,
    *,
    database: str = "",
    hostname: str = "",
    appname: str = "",
    servername: str = "",
    library: str = "tdsnet",
    language: str = "",
    packet_size: int = PRELOGIN_PACKET_SIZE,
    read_only: bool = False,
    strict: bool = False,
    client_pid: int = 0,
    utf8: bool = True,
) -> login7.Login7:
    """A LOGIN7 for SQL authentication as SqlClient fills it in; ``strict`` announces TDS 8.0."""
    flags1 = login7.OptionFlags1.USE_DB_ON | login7.OptionFlags1.SET_LANG_ON | login7.OptionFlags1.INIT_DB_FATAL
    flags2 = login7.OptionFlags2.INIT_LANG_FATAL | login7.OptionFlags2.ODBC
    features = [(login7.Feature.UTF8_SUPPORT, b"")] if utf8 else []
    return login7.Login7(
        tds_version=TDS_8_0 if strict else TDS_7_4,
        packet_size=packet_size,
        client_prog_version=(CLIENT_VERSION[0] << 24) | CLIENT_VERSION[2],
        client_pid=client_pid,
        option_flags1=flags1,
        option_flags2=flags2,
        type_flags=login7.TypeFlags.READ_ONLY_INTENT if read_only else 0,
        option_flags3=login7.OptionFlags3.UNKNOWN_COLLATION_HANDLING,
        hostname=hostname,
        username=user,
        password=password,
        appname=appname,
        servername=servername,
        library=library,
        language=language,
        database=database,
        features=features,
    )


__all__ = [
    "ClientConnection",
    "EncryptionLevel",
    "EncryptionNotSupported",
    "LoggedIn",
    "LoginRejected",
    "PreLoginResponse",
    "ResponseComplete",
    "Routing",
    "State",
    "TransactionChange",
    "login_record",
    "negotiate_encryption",
]
