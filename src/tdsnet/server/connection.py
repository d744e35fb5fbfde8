"""One client connection's TDS conversation, on the event loop.

PRELOGIN answers with the options the client sent, in its order, and settles
encryption by the MS-TDS matrix; LOGIN7 is checked against the login catalog
(failures are 18456 at the client and a state in the ERRORLOG); requests run
inline when the engine says they never touch the store, otherwise on a worker
thread that streams packets back and honours flow control; ATTENTION
interrupts whatever runs and is acknowledged with DONE(ATTN).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..engine import EngineSession, SessionInfo, SqlError
from ..engine import results as r
from ..engine.session import Cancelled
from ..tds import connection as tdsconn
from ..tds import login7, prelogin, requests, tokens
from ..tds.collation import DEFAULT_BYTES as COLLATION
from ..tds.errors import ProtocolError
from ..tds.prelogin import Encryption, Option
from ..tds.tokens import EnvChange
from .endpoints import DEFAULT_TCP, STARTED, STATE_DESC, EndpointDef, associate
from .mars import Channel, MarsMux
from .response import TokenWriter

if TYPE_CHECKING:
    from ..net.stream import TdsStream
    from .instance import Instance, Refusal

log = logging.getLogger("tdsnet.server")

STREAM_FLUSH = 64 * 1024
_REQUESTS = (tdsconn.RequestReceived, tdsconn.UnsupportedRequest)
MESSAGE_FAILED = "Login failed for user '{}'."
_NOT_SUPPORTED = "Keyword or statement option '{}' is not supported in this version of SQL Server (tdsnet)."


class EncryptionMode:
    NONE = "none"
    LOGIN_ONLY = "login"
    FULL = "full"


def negotiate_encryption(client: int | None, force: bool, available: bool) -> tuple[int, str]:
    """The server's ENCRYPTION answer and what it means (MS-TDS 2.2.6.5)."""
    client = Encryption.OFF if client is None else client & 0x0F
    if not available:
        if client in (Encryption.ON, Encryption.REQ):
            return Encryption.NOT_SUP, EncryptionMode.NONE  # the client gives up
        return Encryption.NOT_SUP, EncryptionMode.NONE
    if client == Encryption.NOT_SUP:
        return (Encryption.REQ, EncryptionMode.FULL) if force else (Encryption.NOT_SUP, EncryptionMode.NONE)
    if client == Encryption.OFF:
        return (Encryption.REQ, EncryptionMode.FULL) if force else (Encryption.OFF, EncryptionMode.LOGIN_ONLY)
    return Encryption.ON, EncryptionMode.FULL


def _as_datetime(stamp: str) -> property:
    """A read-only datetime view of a time.time() attribute (what the DMVs show)."""
    return property(lambda self: dt.datetime.fromtimestamp(getattr(self, stamp)))


class ClientConnection:
    def __init__(self, instance: Instance, transport: str = "TCP") -> None:
        self.instance = instance
        self.tds = tdsconn.ServerConnection()
        self.stream: TdsStream | None = None
        self.transport = transport  # TCP, Named pipe, Shared memory or DAC
        self.net_transport = "TCP" if transport == "DAC" else transport
        self.endpoint: EndpointDef = instance.endpoints.by_id(DEFAULT_TCP)  # type: ignore[assignment]
        self.session: EngineSession | None = None
        self.spid = 0
        self.login_name = ""
        self.login: login7.Login7 | None = None
        self.connect_time = dt.datetime.now()
        self.connection_id = uuid.uuid4()
        self.encryption = EncryptionMode.NONE
        # Activity times as time.time() floats (a fraction of datetime.now()'s cost on every
        # request); the DMVs read them as datetimes through the properties below.
        self._last_read = self._last_write = self._request_start = self._request_end = self.connect_time.timestamp()
        self.reads = 0
        self.writes = 0
        self.status = "sleeping"
        self._busy = False
        self._pending: deque[tuple[Any, Channel | None]] = deque()  # requests waiting, with their MARS channel
        self._attention = False
        self._attention_acknowledged = False
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._packets = tdsconn.ResponseWriter(tdsconn.DEFAULT_PACKET_SIZE, 0)
        self._mars_agreed = False
        self._mux: MarsMux | None = None  # once MARS is agreed: the SMP sessions
        self._active: Channel | None = None  # the MARS channel whose request (or login) is running

    # --- stream callbacks ------------------------------------------------------------------

    @property
    def endpoint_id(self) -> int:
        return self.endpoint.endpoint_id

    last_read = _as_datetime("_last_read")
    last_write = _as_datetime("_last_write")
    last_request_start = _as_datetime("_request_start")
    last_request_end = _as_datetime("_request_end")

    def on_open(self, stream: TdsStream) -> None:
        self.stream = stream
        self._loop = asyncio.get_running_loop()
        self.endpoint = associate(
            self.instance.endpoints.endpoints, self.transport, stream.local.address, stream.local.port
        )
        if self.endpoint.state != STARTED:
            # Seed 001: a stopped endpoint still listens but rejects and closes new connections.
            log.info("closing connection to %s endpoint '%s'", STATE_DESC[self.endpoint.state], self.endpoint.name)
            stream.close()
            return
        self.instance.connections.add(self)

    def on_data(self, data: bytes) -> None:
        self.reads += 1
        self._last_read = time.time()
        try:
            if self._mux is not None:
                self._on_mars_data(self._mux, data)
                return
            events = self.tds.receive_data(data)
        except ProtocolError as exc:
            self._protocol_error(exc)
            return
        for event in events:
            self._event(event)

    def _on_mars_data(self, mux: MarsMux, data: bytes) -> None:
        for channel, payload in mux.receive(data, self._channel_tds):
            for event in channel.tds.receive_data(payload):
                self._event(event, channel)
        if self._pending:  # requests of channels the client has closed go with them
            self._pending = deque(item for item in self._pending if item[1] is None or item[1] in mux.channels.values())

    def _channel_tds(self) -> tdsconn.ServerConnection:
        """A new MARS channel's TDS state: logged in as the connection is (channels share the login)."""
        tds = tdsconn.ServerConnection()
        tds.tds_version, tds.spid = self.tds.tds_version, self.spid
        tds.accept_login(self.tds.packet_size)
        return tds

    def on_close(self) -> None:
        self._closing = True
        self.instance.connections.discard(self)
        session = self.session
        if session is not None:
            session.interrupt()
            self.session = None
            self.instance.end_session(self, session)

    # --- events ----------------------------------------------------------------------------

    def _event(self, event: Any, channel: Channel | None = None) -> None:
        if isinstance(event, _REQUESTS):  # the common case first (the event types are disjoint)
            if self._busy:
                self._pending.append((event, channel))
            else:
                self._start_request(event, channel)
        elif isinstance(event, tdsconn.PreLoginReceived):
            self._prelogin(event.prelogin)
        elif isinstance(event, tdsconn.LoginReceived):
            self._start_login(event)
        elif isinstance(event, tdsconn.AttentionReceived):
            self._on_attention(channel)
        elif self._busy:
            self._pending.append((event, channel))
        else:
            self._start_request(event, channel)

    def _activate(self, channel: Channel | None) -> None:
        """The MARS channel whose request runs now: its responses go to it."""
        if channel is not None:
            self._active = channel
            self.tds = channel.tds

    def _write(self, data: bytes, channel: Channel | None = None) -> None:
        """Whole TDS packets to the client: on a MARS connection, in the running request's channel."""
        assert self.stream is not None
        target = channel or self._active
        if self._mux is not None and target is not None:
            self._mux.write(target, data)
        else:
            self.stream.write(data)

    def _protocol_error(self, exc: ProtocolError) -> None:
        peer = self.stream.peer.address if self.stream else "?"
        log.info("closing connection from %s: %s", peer, exc)
        self.instance.errorlog.write(
            f"Error: 17836, Severity: 20, State: 17.\nLength specified in network packet payload did "
            f"not match number of bytes read; the connection has been closed. Please contact the "
            f"vendor of the client library. [CLIENT: {peer}] ({exc})",
            "Logon",
        )
        self.tds.close()
        if self.stream is not None:
            self.stream.abort()

    def _send(self, payload: bytes, channel: Channel | None = None) -> None:
        """A whole tabular-result message (called on the loop)."""
        if self.stream is not None:
            self.writes += 1
            self._last_write = time.time()
            self._write(self.tds.response(payload), channel)

    # --- PRELOGIN ------------------------------------------------------------------------------

    def _prelogin(self, request: prelogin.PreLogin) -> None:
        stream = self.stream
        assert stream is not None
        tls = self.instance.tls
        if stream.strict:
            answer, mode = Encryption.NOT_SUP, EncryptionMode.FULL
        else:
            answer, mode = negotiate_encryption(
                request.encryption,
                self.instance.force_encryption,
                tls.for_prelogin() is not None,
            )
        self.encryption = mode
        options = [(option, self._prelogin_value(option, data, answer, request)) for option, data in request.options]
        if Option.ENCRYPTION not in [o for o, _ in options]:
            options.append((Option.ENCRYPTION, prelogin.encryption_bytes(answer)))
        self._send(prelogin.encode(prelogin.PreLogin(options)))
        if not stream.strict and mode != EncryptionMode.NONE:
            context = tls.for_prelogin()
            assert context is not None
            stream.start_tls(context)

    def _prelogin_value(self, option: int, data: bytes, answer: int, request: prelogin.PreLogin) -> bytes:
        if option == Option.VERSION:
            major, minor, build = self.instance.version
            return prelogin.version_bytes(major, minor, build)
        if option == Option.ENCRYPTION:
            return prelogin.encryption_bytes(answer)
        if option == Option.INSTOPT:
            return b"\x00" if self.instance.instance_matches(request.instance) else b"\x01"
        if option == Option.MARS:
            self._mars_agreed = data[:1] == b"\x01" and self.transport != "DAC"
            return b"\x01" if self._mars_agreed else b"\x00"
        if option == Option.FEDAUTHREQUIRED:
            return b"\x00"
        return b""

    # --- LOGIN7 --------------------------------------------------------------------------------

    def _start_login(self, event: tdsconn.LoginReceived) -> None:
        if self.encryption == EncryptionMode.LOGIN_ONLY and self.stream is not None:
            self.stream.stop_tls()
        self.login = event.login
        self._busy = True
        assert self._loop is not None
        self._loop.create_task(self._login(event.login))

    async def _login(self, login: login7.Login7) -> None:
        try:
            await self._authenticate(login)
        except Exception:  # a bug must not take the instance down
            log.error("login processing failed:\n%s", traceback.format_exc())
            self._refuse(login.username, 18456, 1, "An unexpected error occurred during login.")
        finally:
            self._busy = False
            self._drain_pending()

    def _client_address(self) -> str:
        if self.stream is None:
            return ""
        if self.net_transport == "TCP":
            return self.stream.peer.address
        return "<local machine>"

    async def _authenticate(self, login: login7.Login7) -> None:
        instance = self.instance
        client = self._client_address()
        if login.integrated_security:
            text = (
                "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication."
            )
            instance.errorlog.error(18452, 14, 1, f"{text} [CLIENT: {client}]", "Logon")
            self._refuse("", 18452, 1, text)
            return
        assert self._loop is not None
        # A password that verified recently needs no slow hash, and so no trip to a worker thread.
        verdict = instance.logins.verify_without_hashing(login.username, login.password)
        if verdict is None:
            verdict = await self._loop.run_in_executor(
                instance.executor, instance.logins.verify, login.username, login.password
            )
        if verdict.login is None or verdict.state:
            self._login_failed(login.username, verdict.state, verdict.reason, client)
            return
        account = verdict.login
        refusal = instance.admit(self, account)  # server access comes before the database, as in SQL Server
        if refusal is not None:
            self._refused(login.username, refusal, client)
            return
        database = login.database or account.default_database
        found = instance.engine.database(database)
        if found is None:
            explicit = bool(login.database)
            state = 38 if explicit else 40
            reason = (
                f"Failed to open the explicitly specified database '{database}'."
                if explicit
                else f"Failed to open the database '{database}' configured in the login object."
            )
            self._login_failed(
                login.username,
                state,
                reason,
                client,
                before=(
                    4060,
                    11,
                    1,
                    f'Cannot open database "{database}" requested by the login. The login failed.',
                ),
            )
            return
        self._accept(login, account, found.name)

    def _login_failed(
        self,
        user: str,
        state: int,
        reason: str,
        client: str,
        before: tuple[int, int, int, str] | None = None,
    ) -> None:
        self.instance.errorlog.error(
            18456,
            14,
            state,
            f"Login failed for user '{user}'. Reason: {reason} [CLIENT: {client}]",
            "Logon",
        )
        self._refuse(user, 18456, 1, MESSAGE_FAILED.format(user), before=before)

    def _refused(self, user: str, refusal: Refusal, client: str) -> None:
        if refusal.number == 18456:
            self._login_failed(user, refusal.state, refusal.reason, client)
            return
        self.instance.errorlog.error(
            refusal.number, refusal.severity, refusal.state, f"{refusal.reason} [CLIENT: {client}]", "Logon"
        )
        self._refuse(user, refusal.number, 1, refusal.text, severity=refusal.severity)

    def _refuse(
        self,
        user: str,
        number: int,
        state: int,
        text: str,
        before: tuple[int, int, int, str] | None = None,
        severity: int = 14,
    ) -> None:
        version = self.tds.tds_version
        server = self.instance.server_name
        payload = b""
        if before is not None:
            payload += tokens.message(before[0], before[2], before[1], before[3], server, "", 1, version)
        payload += tokens.message(number, state, severity, text, server, "", 1, version)
        payload += tokens.done(tokens.DoneStatus.ERROR, 0, 0, tokens.Token.DONE, version)
        self._send(payload)
        self.tds.close()
        if self.stream is not None:
            self.stream.close()

    def _accept(self, login: login7.Login7, account: Any, database: str) -> None:
        instance = self.instance
        self.spid = instance.allocate_spid()
        self.tds.spid = self.spid
        self.login_name = account.name
        info = SessionInfo(
            spid=self.spid,
            login=account.name,
            principal_id=account.principal_id,
            sid=account.sid,
            is_sysadmin=instance.logins.is_sysadmin(account.principal_id),
            host_name=login.hostname,
            program_name=login.appname,
            client_interface=login.library,
            language=account.default_language,
        )
        self.session = instance.engine.new_session(info, database)
        instance.register_session(self)
        version = self.tds.tds_version
        packet_size = tdsconn.clamp_packet_size(login.packet_size)
        server = instance.server_name
        payload = bytearray()
        payload += tokens.env_change_text(EnvChange.DATABASE, database, "master")
        payload += tokens.message(5701, 2, 0, f"Changed database context to '{database}'.", server, "", 1, version)
        payload += tokens.env_change_bytes(EnvChange.SQL_COLLATION, COLLATION)
        payload += tokens.env_change_text(EnvChange.LANGUAGE, "us_english")
        payload += tokens.message(5703, 1, 0, "Changed language setting to us_english.", server, "", 1, version)
        payload += tokens.login_ack(version, "Microsoft SQL Server", instance.version)
        if login.features and version >= tdsconn.TDS_7_4:
            payload += tokens.feature_ext_ack(instance.acknowledged_features(login.features))
        payload += tokens.env_change_text(EnvChange.PACKET_SIZE, str(packet_size), "4096")
        payload += tokens.done(0, 0, 0, tokens.Token.DONE, version)
        self._send(bytes(payload))
        self.tds.accept_login(packet_size)
        if self._mars_agreed and self.stream is not None:  # after the login the client speaks SMP
            self._mux = MarsMux(self.stream.write)

    # --- requests ------------------------------------------------------------------------------

    def _drain_pending(self) -> None:
        while self._pending and not self._busy and not self._closing:
            self._start_request(*self._pending.popleft())

    def _start_request(self, event: Any, channel: Channel | None = None) -> None:
        session = self.session
        if session is None:
            return
        self._activate(channel)
        self._busy = True
        self._attention = False
        self._attention_acknowledged = False
        self.status = "running"
        self._request_start = time.time()
        self.instance.batch_requests += 1
        if isinstance(event, tdsconn.UnsupportedRequest):
            self._run(event, inline=True)
            return
        if self._inline(event, session):
            self._run(event, inline=True)
            return
        self.instance.executor.submit(self._run_in_worker, event)

    def _run_in_worker(self, event: Any) -> None:
        """A worker thread's request: its last packets are already queued to the loop when it ends,
        so `_finished` follows them directly (no asyncio future to wrap and resolve in between)."""
        loop = self._loop
        assert loop is not None
        try:
            self._run(event, inline=False)
        finally:
            loop.call_soon_threadsafe(self._finished)

    def _inline(self, event: Any, session: EngineSession) -> bool:
        request = event.request
        if event.reset_connection:
            return False
        try:
            if isinstance(request, requests.SqlBatch):
                return not session.needs_worker(request.text)
            if isinstance(request, requests.RpcRequest) and len(request.calls) == 1:
                call = request.calls[0]
                if call.name.lower() == "sp_executesql" and call.params:
                    return not session.needs_worker(str(call.params[0].value or ""))
        except SqlError:
            return True  # a syntax error is reported without touching the store
        return False

    def _run(self, event: Any, inline: bool) -> None:
        """Execute one request and send its response (inline on the loop, or in a worker)."""
        session = self.session
        writer = TokenWriter(self.tds.tds_version, self.instance.server_name, self.instance.shapes)
        out = _Outgoing(writer, self._post_inline if inline else self._post_threadsafe)
        buffer = writer.buffer  # what out.flush() would check: skip the call while it is small
        attention = False
        try:
            if session is None:
                return
            for item in self._results(event, session, inline):
                if isinstance(item, r.ResultSet):
                    writer.result_set(item.columns, item.chunks, out.flush)
                else:
                    writer.add(item)
                if len(buffer) >= STREAM_FLUSH:
                    out.flush()
        except Cancelled:
            attention = True
        except SqlError as error:
            writer.message(
                error.number,
                error.severity,
                error.state,
                error.message,
                error.procedure,
                error.line or 1,
            )
        except Exception as exc:
            log.error("request failed:\n%s", traceback.format_exc())
            writer.message(8624, 16, 1, f"Internal error in tdsnet: {type(exc).__name__}: {exc}")
        if self._attention:
            attention = True
        if attention:
            self._attention_acknowledged = True
        writer.finish(attention)
        out.flush(final=True)
        if inline:
            self._finished()

    def _results(self, event: Any, session: EngineSession, inline: bool) -> Iterator[r.Result]:
        if event.reset_connection:
            yield from session.reset()
            yield r.EnvChange(r.EnvKind.RESET_CONNECTION)
        if isinstance(event, tdsconn.UnsupportedRequest):
            raise SqlError(40517, 16, 1, _NOT_SUPPORTED.format(f"packet type {event.packet_type}"))
        request = event.request
        if log.isEnabledFor(logging.DEBUG):
            log.debug("spid %d %s: %s", self.spid, type(request).__name__, _describe(request))
        if isinstance(request, requests.SqlBatch):
            yield from session.execute_batch(request.text, inline=inline)
        elif isinstance(request, requests.RpcRequest):
            if any(isinstance(p.value, requests.TableValue) for call in request.calls for p in call.params):
                # read in full (the connection goes on), but there are no table types to bind them to
                raise SqlError(40517, 16, 1, _NOT_SUPPORTED.format("table-valued parameters"))
            for call in request.calls:
                yield from session.execute_rpc(call.name, call.params, inline=inline)
        elif isinstance(request, requests.TransactionManagerRequest):
            yield from self._transaction_request(request, session)
        elif isinstance(request, requests.BulkLoad):
            yield from session.execute_bulk_load(request.columns, request.rows)

    def _transaction_request(
        self, request: requests.TransactionManagerRequest, session: EngineSession
    ) -> Iterator[r.Result]:
        kind = request.request
        if kind == requests.TmRequest.BEGIN_XACT:
            yield from session.execute_transaction_request("begin", request.name, request.isolation_level)
        elif kind in (requests.TmRequest.COMMIT_XACT, requests.TmRequest.ROLLBACK_XACT):
            action = "commit" if kind == requests.TmRequest.COMMIT_XACT else "rollback"
            for item in session.execute_transaction_request(action, request.name):
                if request.begin_new and isinstance(item, r.StatementDone):
                    continue
                yield item
            if request.begin_new:
                yield from session.execute_transaction_request("begin", request.new_name, request.new_isolation_level)
        elif kind == requests.TmRequest.SAVE_XACT:
            yield from session.execute_transaction_request("save", request.name)
        else:
            raise SqlError(8501, 16, 3, f"MSDTC on server '{self.instance.server_name}' is unavailable.")

    def _post_inline(self, data: bytes, final: bool, continued: bool) -> None:
        self._write_packets(data, final, continued)

    def _post_threadsafe(self, data: bytes, final: bool, continued: bool) -> None:
        stream = self.stream
        if stream is None or self._loop is None:
            return
        if not final:
            while not stream.writable.wait(0.5):
                if stream.closed or self._closing:
                    raise Cancelled
        self._loop.call_soon_threadsafe(self._write_packets, data, final, continued)

    def _write_packets(self, data: bytes, final: bool, continued: bool) -> None:
        """On the loop: cut response bytes into packets; only the last carries EOM."""
        stream = self.stream
        if stream is None:
            return
        self.writes += 1
        self._last_write = time.time()
        if final and not continued:  # a whole response at once: what a fresh ResponseWriter would cut
            self._write(self.tds.response(data))
            return
        if not continued:
            self._packets = tdsconn.ResponseWriter(self.tds.packet_size, self.spid)
        self._packets.write(data)
        self._write(self._packets.finish() if final else self._packets.flush_full())

    def _finished(self) -> None:
        if self._attention and not self._attention_acknowledged:
            self._send(tokens.done(tokens.DoneStatus.ATTN, 0, 0, tokens.Token.DONE, self.tds.tds_version))
        self._attention = False
        self._busy = False
        self.status = "sleeping"
        self._request_end = time.time()
        self._drain_pending()

    def _on_attention(self, channel: Channel | None = None) -> None:
        if not self._busy or (channel is not None and channel is not self._active):
            # nothing of this channel's is running: its queued requests go, and the ATTENTION is answered
            self._pending = deque(item for item in self._pending if item[1] is not channel)
            done = tokens.done(tokens.DoneStatus.ATTN, 0, 0, tokens.Token.DONE, self.tds.tds_version)
            self._send(done, channel)
            return
        self._attention = True
        self._pending = deque(item for item in self._pending if item[1] is not channel)
        if self.session is not None:
            self.session.interrupt()

    def kill(self) -> None:
        """KILL: end this connection (from another session, on the loop)."""
        if self.session is not None:
            self.session.interrupt()
        if self.stream is not None:
            self.stream.close()


class _Outgoing:
    """One response's bytes on their way to the client: posted once STREAM_FLUSH bytes are ready
    (a streaming result), and the rest at the end; `post` learns whether earlier parts went."""

    __slots__ = ("post", "sent", "writer")

    def __init__(self, writer: TokenWriter, post: Callable[[bytes, bool, bool], None]) -> None:
        self.writer = writer
        self.post = post
        self.sent = False

    def flush(self, final: bool = False) -> None:
        if not final and len(self.writer.buffer) < STREAM_FLUSH:
            return
        data = self.writer.take()
        if not data and not final:
            return
        self.post(data, final, self.sent)
        self.sent = True


def _describe(request: Any) -> str:
    if isinstance(request, requests.SqlBatch):
        return request.text[:300]
    if isinstance(request, requests.RpcRequest):
        return "; ".join(
            f"{c.name}({', '.join(f'{p.name}={p.value!r}'[:2000] for p in c.params)})" for c in request.calls
        )
    return repr(request)[:300]
