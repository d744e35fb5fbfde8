"""One connection's conversation over an open transport: PRELOGIN, TLS, LOGIN7, then requests.

`Session` drives the sans-IO `tds.client.ClientConnection` over a blocking socket, encrypting
what the PRELOGIN exchange agreed to encrypt.  `establish` runs the login sequence and turns
every failure into SqlClient's error: a closed connection during PRELOGIN is "successfully
established ... error occurred during the pre-login handshake" (a STOPPED endpoint, seed 001),
a silent server is "Connection Timeout Expired ... [Pre-Login] initialization=...; handshake=...;",
a refused login is the server's own 18456 / 4060 / 17810.

Requests are sent from the thread that reads their response; `attention()` may come from any
thread (cursor.cancel()), so sending and the TLS object are guarded by locks.
"""

from __future__ import annotations

import collections
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..tds import client as tds
from ..tds.errors import ProtocolError
from ..tds.packets import HEADER, HEADER_SIZE, PacketType, Status, packetize
from ..tds.prelogin import Encryption
from . import errors as e
from .connstr import ApplicationIntent, ConnectionSettings, EncryptOption
from .sni import Channel, closed_by_peer, remaining
from .tls import CertificateMismatch, ClientTls, TlsSettings, certificate_name, client_context, pinned_certificate

INSTANCE_FAILURE = "Instance failure."


class ConnectionClosed(ConnectionError):
    """The server closed the connection (or the socket broke) while the client waited."""


@dataclass(frozen=True, slots=True)
class LoginOptions:
    """What the login needs beyond the transport: credentials, names, encryption and certificates."""

    user: str
    password: str
    database: str = ""
    application: str = "tdsnet"
    workstation: str = ""
    language: str = ""
    packet_size: int = 8000
    encrypt: EncryptOption = EncryptOption.MANDATORY
    force_encryption: bool = False  # the client configuration's ForceEncryption
    trust_server_certificate: bool = False
    host_name_in_certificate: str | None = None
    server_certificate: str | None = None
    cafile: str | None = None
    read_only: bool = False

    @classmethod
    def from_settings(
        cls, settings: ConnectionSettings, force: bool = False, trust: bool = False, cafile: str | None = None
    ) -> LoginOptions:
        return cls(
            user=settings.user_id or "",
            password=settings.password or "",
            database=settings.database or "",
            application=settings.application_name or "tdsnet",
            workstation=settings.workstation_id or socket.gethostname(),
            language=settings.current_language or "",
            packet_size=settings.packet_size,
            encrypt=settings.encrypt,
            force_encryption=force,
            trust_server_certificate=settings.trust_server_certificate or trust,
            host_name_in_certificate=settings.host_name_in_certificate,
            server_certificate=settings.server_certificate,
            cafile=cafile,
            read_only=settings.application_intent is ApplicationIntent.READ_ONLY,
        )

    @property
    def strict(self) -> bool:
        return self.encrypt is EncryptOption.STRICT

    @property
    def requested_encryption(self) -> int:
        if self.strict:
            return Encryption.NOT_SUP  # TLS already runs around everything
        if self.encrypt is EncryptOption.MANDATORY or self.force_encryption:
            return Encryption.ON
        return Encryption.OFF

    def tls_settings(self, validate: bool) -> TlsSettings:
        return TlsSettings(validate, self.host_name_in_certificate, self.cafile, self.server_certificate)

    def validates(self, level: tds.EncryptionLevel) -> bool:
        """Whether the certificate is checked (SqlClient 4+): always under strict, never for login-only
        encryption, otherwise unless TrustServerCertificate."""
        if self.strict:
            return True
        if level is tds.EncryptionLevel.LOGIN_ONLY:
            return False
        return not self.trust_server_certificate


class Session:
    """A TDS conversation over one transport."""

    def __init__(self, channel: Channel, host: str) -> None:
        self.channel = channel
        self.host = host
        self.tds = tds.ClientConnection()
        self.tls: ClientTls | None = None
        self.encrypted = False  # TLS records on the wire right now
        self.logged_in: tds.LoggedIn | None = None
        self.encryption = tds.EncryptionLevel.NONE
        self.broken = False
        self._raw = bytearray()  # received bytes not yet decoded (the wrapped TLS handshake)
        self._events: collections.deque[Any] = collections.deque()
        self._send_lock = threading.Lock()
        self._tls_lock = threading.Lock()

    @property
    def sock(self) -> socket.socket:
        return self.channel.sock

    # --- bytes ------------------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        with self._send_lock:
            if self.encrypted and self.tls is not None:
                with self._tls_lock:
                    data = self.tls.encrypt(data)
            try:
                self.sock.sendall(data)
            except OSError as error:
                self.broken = True
                raise ConnectionClosed(str(error)) from error

    def _recv(self, deadline: float | None) -> bytes:
        left = remaining(deadline)
        if left is not None and left <= 0:
            raise TimeoutError("timed out")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise
        except OSError as error:
            self.broken = True
            raise ConnectionClosed(str(error)) from error
        if not data:
            self.broken = True
            raise ConnectionClosed("the server closed the connection")
        return data

    def _plaintext(self, deadline: float | None) -> bytes:
        if self._raw:  # bytes that came with the end of the TLS handshake
            data = bytes(self._raw)
            self._raw.clear()
        else:
            data = self._recv(deadline)
        if self.encrypted and self.tls is not None:
            with self._tls_lock:
                try:
                    return self.tls.decrypt(data)
                except ssl.SSLError as error:
                    self.broken = True
                    raise ConnectionClosed(f"TLS error: {error}") from error
        return data

    # --- events -----------------------------------------------------------------------------------

    def next_event(self, deadline: float | None = None) -> Any:
        """The next event of the response being read; blocks until bytes come or the deadline passes."""
        while not self._events:
            data = self._plaintext(deadline)
            try:
                self._events.extend(self.tds.receive_data(data))
            except ProtocolError:
                self.broken = True
                raise
        return self._events.popleft()

    def wait_for(self, kinds: type | tuple[type, ...], deadline: float | None) -> Any:
        """Read events until one of ``kinds``; the ones before it are dropped (the login's chatter)."""
        while True:
            event = self.next_event(deadline)
            if isinstance(event, kinds):
                return event

    def attention(self) -> None:
        """Cancel the running request (any thread)."""
        if self.broken or self.tds.state not in (tds.State.LOGGED_IN, tds.State.REQUEST_SENT):
            return
        self.send(self.tds.attention())

    def close(self) -> None:
        self.broken = True
        self.tds.close()
        self.channel.close()

    # --- TLS --------------------------------------------------------------------------------------

    def start_tls(self, options: LoginOptions, level: tds.EncryptionLevel, deadline: float | None) -> None:
        """The TDS 7.x handshake: TLS records inside PRELOGIN packets."""
        self.tls = self._new_tls(options, options.validates(level), strict=False)
        outgoing = self.tls.handshake()
        while True:
            if outgoing:
                self.sock.sendall(packetize(PacketType.PRELOGIN, outgoing, tds.PRELOGIN_PACKET_SIZE))
            if self.tls.done:
                break
            outgoing = self.tls.handshake(self._prelogin_payload(deadline))
        self.encrypted = True

    def start_strict_tls(self, options: LoginOptions, deadline: float | None) -> None:
        """TDS 8.0: a plain TLS handshake before any TDS byte, ALPN tds/8.0."""
        self.tls = self._new_tls(options, True, strict=True)
        outgoing = self.tls.handshake()
        while True:
            if outgoing:
                self.sock.sendall(outgoing)
            if self.tls.done:
                break
            outgoing = self.tls.handshake(self._recv(deadline))
        self.encrypted = True

    def _new_tls(self, options: LoginOptions, validate: bool, strict: bool) -> ClientTls:
        settings = options.tls_settings(validate)
        pinned = pinned_certificate(settings.pinned) if settings.pinned else None
        return ClientTls(client_context(settings, strict), certificate_name(self.host, settings), pinned)

    def _prelogin_payload(self, deadline: float | None) -> bytes:
        """The TLS bytes of one PRELOGIN message from the server (packets up to EOM)."""
        payload = bytearray()
        while True:
            while len(self._raw) < HEADER_SIZE or len(self._raw) < HEADER.unpack_from(self._raw, 0)[2]:
                self._raw += self._recv(deadline)
            ptype, status, length = HEADER.unpack_from(self._raw, 0)[:3]
            if ptype != PacketType.PRELOGIN or length < HEADER_SIZE:
                raise ProtocolError(f"packet type {ptype} during the TLS handshake", "expected PRELOGIN (18)")
            payload += self._raw[HEADER_SIZE:length]
            del self._raw[:length]
            if status & Status.EOM:
                return bytes(payload)

    def stop_tls(self) -> None:
        """Login-only encryption: after LOGIN7 everything travels in the clear."""
        self.encrypted = False


# --- the login sequence --------------------------------------------------------------------------


class _Clock:
    """Milliseconds spent per phase, for the timeout message."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.opened = time.monotonic()
        self.prelogin_done: float | None = None

    def durations(self) -> dict[str, int]:
        now = time.monotonic()
        spent = {"initialization": _ms(self.opened - self.started)}
        spent["handshake"] = _ms((self.prelogin_done or now) - self.opened)
        if self.prelogin_done is not None:
            spent["login"] = _ms(now - self.prelogin_done)
        return spent


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def establish(
    channel: Channel,
    host: str,
    options: LoginOptions,
    deadline: float | None,
    started: float,
    instance: str | None = None,
) -> Session:
    """PRELOGIN, TLS and LOGIN7 over an open transport; a logged-in session, or SqlClient's error."""
    session = Session(channel, host)
    clock = _Clock(started)
    try:
        _prelogin(session, options, deadline, instance)
        clock.prelogin_done = time.monotonic()
        _login(session, options, deadline)
    except BaseException as error:
        session.close()
        raise _as_connect_error(error, session, clock) from error
    return session


def _prelogin(session: Session, options: LoginOptions, deadline: float | None, instance: str | None) -> None:
    if options.strict:
        session.start_strict_tls(options, deadline)
    requested = options.requested_encryption
    session.send(session.tds.prelogin(requested, instance, threading.get_ident() & 0xFFFFFFFF))
    reply = session.wait_for(tds.PreLoginResponse, deadline)
    if instance and not reply.instance_valid:
        # The Browser's port belongs to another instance now (SqlClient's words for it).
        raise e.OperationalError(INSTANCE_FAILURE, class_=20)
    if options.strict:
        session.encryption = tds.EncryptionLevel.FULL
        return
    session.encryption = tds.negotiate_encryption(requested, reply.encryption)
    if session.encryption is not tds.EncryptionLevel.NONE:
        session.start_tls(options, session.encryption, deadline)


def _login(session: Session, options: LoginOptions, deadline: float | None) -> None:
    record = tds.login_record(
        options.user,
        options.password,
        database=options.database,
        hostname=options.workstation,
        appname=options.application,
        servername=session.host,
        language=options.language,
        packet_size=options.packet_size,
        read_only=options.read_only,
        strict=options.strict,
        client_pid=os.getpid(),
    )
    session.send(session.tds.login(record))
    if session.encryption is tds.EncryptionLevel.LOGIN_ONLY:
        session.stop_tls()
    result = session.wait_for((tds.LoggedIn, tds.LoginRejected), deadline)
    if isinstance(result, tds.LoginRejected):
        raise _login_error(result)
    session.logged_in = result


def _login_error(rejected: tds.LoginRejected) -> e.Error:
    if not rejected.errors:
        return e.LoginFailed("Login failed: the server sent no LOGINACK and no error.", class_=14)
    messages = [e.as_message(token) for token in rejected.errors]
    error = e.server_error(messages)
    if not isinstance(error, e.LoginFailed):  # whatever the number, a refused login is a failed login
        error = e.LoginFailed(
            error.message, number=error.number, state=error.state, class_=error.class_, messages=error.messages
        )
    return error


def _as_connect_error(error: BaseException, session: Session, clock: _Clock) -> BaseException:
    """SqlClient's error for a failure after the transport opened."""
    provider = session.channel.provider
    in_login = clock.prelogin_done is not None
    lead = e.ESTABLISHED_THEN_LOGIN if in_login else e.ESTABLISHED_THEN_PRELOGIN
    if isinstance(error, e.Error):
        return error
    if isinstance(error, TimeoutError):
        return e.connection_timeout("login" if in_login else "prelogin_handshake", clock.durations())
    if isinstance(error, tds.EncryptionNotSupported):
        return e.OperationalError(str(error.args[0]), number=20, class_=20, state=0)
    if isinstance(error, ssl.SSLError):
        return _tls_error(error, lead)
    if isinstance(error, ConnectionClosed | ConnectionError):
        return closed_by_peer(provider, lead)
    if isinstance(error, ProtocolError):
        return e.network_error(
            provider, e.SNI_NATIVE, None, lead=lead, detail=f"The server's reply is not TDS: {error}"
        )
    if isinstance(error, OSError):
        return e.network_error(provider, e.SNI_NATIVE, error.errno, lead=lead, detail=f"{error.strerror or error}.")
    return error


def _tls_error(error: ssl.SSLError, lead: str) -> e.NetworkError:
    if isinstance(error, CertificateMismatch):
        detail = "The certificate the server presented is not the one given by ServerCertificate."
        return e.network_error(e.SSL_PROVIDER, e.SNI_NATIVE, e.SEC_E_UNTRUSTED_ROOT, lead=lead, detail=detail)
    if isinstance(error, ssl.SSLCertVerificationError):
        mismatch = error.verify_code in (62, 64) or "mismatch" in str(error).lower()  # X509_V_ERR_*_MISMATCH
        native = e.SEC_E_WRONG_PRINCIPAL if mismatch else e.SEC_E_UNTRUSTED_ROOT
        return e.network_error(e.SSL_PROVIDER, e.SNI_NATIVE, native, lead=lead)
    detail = getattr(error, "reason", None) or str(error)
    return e.network_error(
        e.SSL_PROVIDER, e.SNI_NATIVE, e.SEC_E_INTERNAL_ERROR, lead=lead, detail=f"TLS handshake failed: {detail}."
    )
