"""PRELOGIN: is it SQL Server at all, which version, which encryption it agrees to, and whether it is
the instance the client means.

The reply is peeked at before the codec reads it, so an HTTP server ("HTTP/1.1 400", or an HTML
error page), an SSH banner or a TLS alert is named as what it is.  A text protocol waits for the
end of a line that PRELOGIN never sends: after a moment of silence the probe sends an empty line
to make it answer.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from typing import Any

from ..client import errors as e
from ..client.session import Session
from ..client.sni import Channel
from ..tds import client as tds
from ..tds.errors import ProtocolError
from . import endpoint, owners, ports
from .context import Context
from .report import FAILED, OK, WARNING, Diagnosis, Outcome

PRODUCTS = {
    16: "SQL Server 2022",
    15: "SQL Server 2019",
    14: "SQL Server 2017",
    13: "SQL Server 2016",
    12: "SQL Server 2014",
    11: "SQL Server 2012",
    10: "SQL Server 2008",
    9: "SQL Server 2005",
}
ENCRYPTION_NAMES = {0: "ENCRYPT_OFF", 1: "ENCRYPT_ON", 2: "ENCRYPT_NOT_SUP", 3: "ENCRYPT_REQ"}  # PRELOGIN's values
NUDGE = b"\r\n\r\n"
NUDGE_AFTER = 1.5  # seconds of silence before a text protocol is nudged


@dataclasses.dataclass(slots=True)
class Handshake:
    """A PRELOGIN that got a TDS answer, on a session ready for TLS."""

    session: Session
    reply: tds.PreLoginResponse
    level: tds.EncryptionLevel


# --- PRELOGIN --------------------------------------------------------------------------------------


def classify(data: bytes) -> str:
    """What the first bytes of a reply to PRELOGIN say the service is."""
    head = data[:512].lower()
    if data.startswith(b"HTTP/") or (data.lstrip().startswith(b"<") and b"html" in head):
        return "http"
    if data.startswith(b"SSH-"):
        return "ssh"
    if len(data) >= 2 and data[0] in (0x15, 0x16) and data[1] == 0x03:
        return "tls"
    if data[:1] == b"\x04":
        return "tds"
    return "unknown"


def _peek(sock: socket.socket, timeout: float) -> tuple[str, bytes, bool]:
    """The reply's kind and first bytes, left unread for the codec, and whether the empty line that makes
    a text protocol answer was sent (after that the connection is no good for TDS)."""
    deadline = time.monotonic() + timeout
    nudge_at = time.monotonic() + min(NUDGE_AFTER, timeout / 2)
    nudged = False
    while True:
        wait = (nudge_at if not nudged else deadline) - time.monotonic()
        sock.settimeout(max(0.01, wait))
        try:
            data = sock.recv(512, socket.MSG_PEEK)
        except TimeoutError:
            if nudged or time.monotonic() >= deadline:
                return "silent", b"", nudged
            nudged = True
            try:
                sock.sendall(NUDGE)
            except OSError:
                return "closed", b"", nudged
            continue
        except OSError:
            return "closed", b"", nudged
        if not data:
            return "closed", b"", nudged
        return classify(data), data, nudged


def instance_to_check(ctx: Context) -> str | None:
    """The instance PRELOGIN asks about: the one the Browser located, else the one the name gives."""
    if ctx.located:
        return ctx.located
    if ctx.step is not None and ctx.step.instance and not ctx.step.dac:
        return ctx.step.instance
    return None


def prelogin(ctx: Context, channel: Channel, session: Session | None = None) -> tuple[Outcome, Handshake | None]:
    """Send PRELOGIN (inside TLS already when ``session`` comes from a strict handshake) and read the answer."""
    assert ctx.options is not None
    session = session or Session(channel, ctx.step.host if ctx.step else "")
    requested = ctx.options.requested_encryption
    check = instance_to_check(ctx)
    try:
        session.send(session.tds.prelogin(requested, check, threading.get_ident()))
    except OSError:
        return _not_tds(ctx, "closed", b""), None
    if session.tls is None:
        kind, first, nudged = _peek(channel.sock, ctx.timeout)
        if kind != "tds":
            return _not_tds(ctx, kind, first), None
        if nudged:  # a slow TDS server: the nudge would corrupt this connection, so start again
            channel.close()
            try:
                session = Session(ctx.reopen(), session.host)
                session.send(session.tds.prelogin(requested, check, threading.get_ident()))
            except (OSError, e.Error):
                return _not_tds(ctx, "closed", b""), None
    try:
        reply = session.wait_for(tds.PreLoginResponse, ctx.deadline())
    except TimeoutError:
        return _not_tds(ctx, "silent", b""), None
    except (ProtocolError, ConnectionError, OSError):
        return _not_tds(ctx, "unknown" if session.tls is None else "closed", b""), None
    return _answered(ctx, session, reply, requested, check)


def _answered(
    ctx: Context, session: Session, reply: tds.PreLoginResponse, requested: int, check: str | None
) -> tuple[Outcome, Handshake | None]:
    assert ctx.options is not None
    version = reply.prelogin.version
    answer = reply.encryption
    facts: dict[str, Any] = {
        "version": ".".join(str(p) for p in version[:3]) if version else None,
        "product": PRODUCTS.get(version[0], "SQL Server") if version else None,
        "encryption_requested": ENCRYPTION_NAMES.get(requested),
        "encryption_answer": ENCRYPTION_NAMES.get(answer & 0x0F) if answer is not None else None,
        "instance_checked": check,
        "instance_valid": reply.instance_valid if check else None,
    }
    product = f"{facts['product']} {facts['version']}" if version else "a TDS server"
    if ctx.options.strict:
        level = tds.EncryptionLevel.FULL
    else:
        try:
            level = tds.negotiate_encryption(requested, answer)
        except tds.EncryptionNotSupported:
            return _no_encryption(ctx, facts, product), None
    facts["encryption"] = "strict" if ctx.options.strict else level.value
    agreed = "TDS 8.0: TLS wraps everything" if ctx.options.strict else _level_text(level)
    detail = f"{product}, encryption {facts['encryption_answer']} -> {agreed}"
    handshake = Handshake(session, reply, level)
    if check and not reply.instance_valid:
        return _wrong_instance(ctx, facts, detail, check), (None if ctx.located else handshake)
    return Outcome(OK, detail, facts), handshake


def _level_text(level: tds.EncryptionLevel) -> str:
    return {
        tds.EncryptionLevel.NONE: "nothing encrypted",
        tds.EncryptionLevel.LOGIN_ONLY: "the login packet only",
        tds.EncryptionLevel.FULL: "everything encrypted",
    }[level]


def _no_encryption(ctx: Context, facts: dict[str, Any], product: str) -> Outcome:
    return Outcome(
        FAILED,
        f"{product} answers ENCRYPT_NOT_SUP, and the client requires encryption",
        facts,
        Diagnosis(
            "encryption_not_supported",
            f"{product} has no certificate (it answered ENCRYPT_NOT_SUP), and the connection requires encryption "
            f"(Encrypt={ctx.settings.encrypt.value if ctx.settings else '?'}, or the client's ForceEncryption): "
            "'The instance of SQL Server you attempted to connect to does not support encryption.'",
            "Give the server a certificate (tdsnet serve generates one unless told otherwise; --certificate/"
            "--private-key name yours), or, on a network you trust, connect with Encrypt=optional.",
        ),
    )


def _wrong_instance(ctx: Context, facts: dict[str, Any], detail: str, check: str) -> Outcome:
    assert ctx.peer is not None or ctx.step is not None
    port = ctx.peer[1] if ctx.peer else ctx.port
    if ctx.located:
        return Outcome(
            FAILED,
            f"{detail}; the server on port {port} is not instance {check}",
            facts,
            Diagnosis(
                "instance_mismatch",
                f"The SQL Server Browser said instance {check} listens on TCP {port}, but the server there answers "
                "that it is another instance (PRELOGIN's INSTOPT): the port changed hands, e.g. a dynamic port taken "
                "by another instance after a restart. Clients report 'Instance failure.'",
                "Connect again (the Browser may have caught up), and give the instance a static TCP port so it "
                "keeps it.",
            ),
        )
    return Outcome(
        WARNING,
        f"{detail}; but the server on port {port} is not instance {check}",
        facts,
        Diagnosis(
            "instance_mismatch",
            f"The connection names instance {check} and port {port}: the port wins, the Browser is not asked, and "
            f"the server on that port answers that it is not {check} (seed 003).",
            f"Use {check}'s own port, or drop the port to let the Browser find it.",
        ),
    )


def _not_tds(ctx: Context, kind: str, first: bytes) -> Outcome:
    """The port is not SQL Server's, or the server closed it at once (a STOPPED endpoint, seed 001)."""
    facts: dict[str, Any] = {"service": kind}
    instance = ctx.reached_instance()
    if kind in ("closed", "silent") and instance is not None and ctx.peer is not None:
        stopped = endpoint.stopped(ctx, instance)
        if stopped is not None:
            return Outcome(
                FAILED, "the server closed the connection without answering PRELOGIN", stopped[1], stopped[0]
            )
    local = ctx.peer is not None and ports.is_this_host(ctx.peer[0])
    if kind in ("closed", "silent") and not local:
        return _remote_silence(ctx, kind, facts)
    if ctx.peer is None:  # a pipe or shared memory that does not answer in TDS
        return Outcome(
            FAILED,
            f"the local transport {kind} without a TDS answer",
            facts,
            Diagnosis(
                "closed_during_prelogin",
                "The local transport opened, but nothing answered PRELOGIN in TDS.",
                "Check the instance's ERRORLOG.",
            ),
        )
    diagnosis, more = owners.foreign(ctx, kind, first)
    return Outcome(FAILED, diagnosis.explanation.split(":")[0], {**facts, **more}, diagnosis)


def _remote_silence(ctx: Context, kind: str, facts: dict[str, Any]) -> Outcome:
    if kind == "closed":
        return Outcome(
            FAILED,
            "the server closed the connection without answering PRELOGIN",
            facts,
            Diagnosis(
                "closed_during_prelogin",
                "The TCP connection opened, then the server closed it before answering PRELOGIN: 'A connection was "
                "successfully established with the server, but then an error occurred during the pre-login "
                "handshake.' A STOPPED endpoint does exactly this (seed 001: it listens, accepts and closes), and so "
                "does a service that is not SQL Server.",
                "On the server: SELECT name, state_desc, port FROM sys.tcp_endpoints (or sys.endpoints); start the "
                "endpoint this port belongs to with ALTER ENDPOINT [name] STATE = STARTED, over named pipes or shared "
                "memory, which a stopped TCP endpoint does not affect.",
            ),
        )
    return Outcome(
        FAILED,
        f"no answer to PRELOGIN within {ctx.timeout:g} s",
        facts,
        Diagnosis(
            "prelogin_timeout",
            f"The TCP connection opened but nothing answered PRELOGIN within {ctx.timeout:g} s: the program on that "
            "port is not SQL Server, or the server is overloaded ('Connection Timeout Expired ... consume the "
            "pre-login handshake acknowledgement').",
            "Check what listens on that port on the server (`tdsnet doctor --local`, netstat -aon), and the port in "
            "the connection string.",
        ),
    )
