"""TLS: the certificate the server presents (subject, issuer, validity, names, trust), checked the way
the client checks it under the connection's settings (SqlClient 4+: Encrypt, TrustServerCertificate,
HostNameInCertificate, ServerCertificate; always under Encrypt=strict)."""

from __future__ import annotations

import dataclasses
import ssl
import time
from collections.abc import Callable
from typing import Any

from ..client import errors as e
from ..client.connstr import EncryptOption
from ..client.session import Session
from ..client.sni import Channel
from ..client.tls import CertificateMismatch, ClientTls, TlsSettings, certificate_name, client_context
from ..tds import client as tds
from ..tds.errors import ProtocolError
from . import certs
from .context import Context
from .prelogin import Handshake, instance_to_check
from .report import FAILED, OK, SKIPPED, WARNING, Diagnosis, Outcome

HOSTNAME_MISMATCH = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
EXPIRED = (9, 10)  # X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED


def tls(ctx: Context, handshake: Handshake) -> Outcome:
    """The TDS 7.x handshake inside PRELOGIN: the certificate, then the client's own check of it."""
    assert ctx.options is not None
    level = handshake.level
    if level is tds.EncryptionLevel.NONE:
        return Outcome(
            SKIPPED if ctx.options.encrypt is EncryptOption.OPTIONAL else WARNING,
            "no TLS: the login and the data travel in clear text (Encrypt=optional and the server has no certificate)",
            {"encryption": level.value},
        )
    fetch = dataclasses.replace(ctx.options, trust_server_certificate=True, server_certificate=None)
    try:
        handshake.session.start_tls(fetch, level, ctx.deadline())
    except (ssl.SSLError, OSError, ProtocolError, TimeoutError) as error:
        return _handshake_failed(error)
    facts = _certificate_facts(ctx, handshake.session.tls)
    facts["tls_version"] = handshake.session.tls.version if handshake.session.tls else None
    facts["encryption"] = level.value
    return _trust(ctx, level, facts, lambda: _verify_tds7(ctx, level))


def tls_strict(ctx: Context, channel: Channel) -> tuple[Outcome, Session | None]:
    """TDS 8.0 (Encrypt=strict): TLS before any TDS byte, ALPN tds/8.0, always validated."""
    assert ctx.options is not None and ctx.step is not None
    name = certificate_name(ctx.step.host, ctx.options.tls_settings(False))
    channel_tls = ClientTls(client_context(TlsSettings(validate=False), strict=True), name)
    try:
        _raw_handshake(channel, channel_tls, ctx.deadline())
    except (ssl.SSLError, OSError, TimeoutError) as error:
        return _handshake_failed(error, strict=True), None
    finally:
        channel.close()  # this one only fetched the certificate
    facts = _certificate_facts(ctx, channel_tls)
    facts.update({"tls_version": channel_tls.version, "alpn": channel_tls.alpn, "encryption": "strict"})
    verified: dict[str, Session] = {}

    def verify() -> None:
        session = Session(ctx.reopen(), ctx.step.host if ctx.step else "")
        session.start_strict_tls(ctx.options, ctx.deadline())  # type: ignore[arg-type]
        verified["session"] = session

    outcome = _trust(ctx, tds.EncryptionLevel.FULL, facts, verify, always=True)
    return outcome, verified.get("session")


def _raw_handshake(channel: Channel, tls_channel: ClientTls, deadline: float) -> None:
    outgoing = tls_channel.handshake()
    while True:
        if outgoing:
            channel.sock.sendall(outgoing)
        if tls_channel.done:
            return
        channel.sock.settimeout(max(0.01, deadline - time.monotonic()))
        data = channel.sock.recv(65536)
        if not data:
            raise ConnectionResetError("the server closed the connection during the TLS handshake")
        outgoing = tls_channel.handshake(data)


def _certificate_facts(ctx: Context, channel_tls: ClientTls | None) -> dict[str, Any]:
    assert ctx.options is not None and ctx.step is not None
    der = channel_tls.peer_certificate() if channel_tls else None
    if der is None:
        return {"certificate": None}
    expected = certificate_name(ctx.step.host, ctx.options.tls_settings(True))
    return {"certificate": certs.describe(der, expected)}


def _trust(
    ctx: Context, level: tds.EncryptionLevel, facts: dict[str, Any], verify: Callable[[], None], always: bool = False
) -> Outcome:
    """The client's own verdict on the certificate, as SqlClient decides whether to check it."""
    assert ctx.options is not None
    cert = facts.get("certificate")
    shown = certs.summary(cert) if cert else "no certificate"
    if not always and not ctx.options.validates(level) and not ctx.options.server_certificate:
        why = (
            "login-only encryption is never validated"
            if level is tds.EncryptionLevel.LOGIN_ONLY
            else "TrustServerCertificate=yes: not validated"
        )
        facts["trusted"] = None
        return Outcome(OK, f"{shown}; {why}", facts)
    try:
        verify()
    except CertificateMismatch:
        facts["trusted"] = False
        return _untrusted(ctx, facts, "certificate_pin_mismatch", "it is not the certificate ServerCertificate names")
    except ssl.SSLCertVerificationError as error:
        facts["trusted"] = False
        facts["verify_error"] = error.verify_message
        return _verification_failed(ctx, facts, error)
    except (ssl.SSLError, OSError, ProtocolError, TimeoutError, e.Error) as error:
        return _handshake_failed(error)
    facts["trusted"] = True
    if ctx.options.server_certificate:
        return Outcome(OK, f"{shown}; it is the certificate ServerCertificate pins", facts)
    return Outcome(OK, f"{shown}; trusted, name {cert['expected_name'] if cert else '?'} matches", facts)


def _verify_tds7(ctx: Context, level: tds.EncryptionLevel) -> None:
    """A second connection, validated exactly as the client validates."""
    assert ctx.options is not None and ctx.step is not None
    session = Session(ctx.reopen(), ctx.step.host)
    try:
        session.send(session.tds.prelogin(ctx.options.requested_encryption, instance_to_check(ctx)))
        session.wait_for(tds.PreLoginResponse, ctx.deadline())
        session.start_tls(ctx.options, level, ctx.deadline())
    finally:
        session.close()


def _verification_failed(ctx: Context, facts: dict[str, Any], error: ssl.SSLCertVerificationError) -> Outcome:
    """OpenSSL's verify code says what failed first; the certificate's facts add what else is wrong."""
    cert = facts.get("certificate") or {}
    expected = cert.get("expected_name")
    if error.verify_code in HOSTNAME_MISMATCH:
        why = f"it does not carry the name {expected!r} ('The target principal name is incorrect')"
        return _untrusted(ctx, facts, "certificate_name_mismatch", why)
    if error.verify_code in EXPIRED:
        return _untrusted(
            ctx, facts, "certificate_expired", f"it is outside its validity dates ({error.verify_message})"
        )
    why = (
        f"no CA this client trusts issued it ({error.verify_message}: 'The certificate chain was issued by an "
        "authority that is not trusted')"
    )
    if cert and not cert.get("name_matches"):
        why += f"; it does not carry the name {expected!r} either"
    return _untrusted(ctx, facts, "untrusted_certificate", why)


def _untrusted(ctx: Context, facts: dict[str, Any], cause: str, why: str) -> Outcome:
    assert ctx.options is not None and ctx.settings is not None
    cert = facts.get("certificate")
    shown = certs.summary(cert) if cert else "the server's certificate"
    encrypt = ctx.settings.encrypt.value
    pin = _local_certificate(ctx)
    fixes = {
        "certificate_name_mismatch": (
            f"Connect with a name the certificate carries ({', '.join(cert['names']) if cert else '?'}), or set "
            "HostNameInCertificate=<that name>; or give the server a certificate for the name clients use."
        ),
        "certificate_expired": "Renew the server's certificate (tdsnet: delete tdsnet.crt/tdsnet.key to regenerate, "
        "or pass --certificate/--private-key) and restart the instance.",
        "certificate_pin_mismatch": "Point ServerCertificate= at the certificate the server presents now"
        + (f" ({pin})" if pin else "")
        + ", or remove it to validate against the CA store.",
    }
    fix = fixes.get(cause) or (
        f"Either trust this certificate: pin it with ServerCertificate={pin or '<the server certificate file>'} "
        "(ODBC 18 and tdsnet), or add its issuer to the client's trust store; or give the server a certificate from a "
        "CA the clients trust (tdsnet serve --certificate/--private-key). On a network you trust, "
        "TrustServerCertificate=yes encrypts without checking."
    )
    return Outcome(
        FAILED,
        f"{shown}: {why}",
        facts,
        Diagnosis(
            cause,
            f"With Encrypt={encrypt} the client checks the server's certificate, and {why}. The certificate: {shown}.",
            fix,
        ),
    )


def _local_certificate(ctx: Context) -> str | None:
    instance = ctx.reached_instance()
    if instance is None or instance.data_dir is None:
        return None
    path = instance.data_dir / "tdsnet.crt"
    return str(path) if path.is_file() else None


def _handshake_failed(error: BaseException, strict: bool = False) -> Outcome:
    text = getattr(error, "reason", None) or str(error) or type(error).__name__
    hint = (
        " The server may not speak TDS 8.0 (Encrypt=strict needs SQL Server 2022 or tdsnet): try Encrypt=yes."
        if strict
        else ""
    )
    return Outcome(
        FAILED,
        f"TLS handshake failed: {text}",
        {"error": str(text)},
        Diagnosis(
            "tls_handshake_failed",
            f"The TLS handshake with the server failed: {text}.{hint}",
            "Check the TLS versions both sides allow (TLS 1.2 at least) and the server's certificate and key.",
        ),
    )
