"""TLS on the client side: the context a connection's settings ask for, and a memory-BIO channel.

TDS 7.x runs the handshake inside PRELOGIN packets, then TLS records travel raw on the socket
(for the whole connection, or only for LOGIN7 when the server answered ENCRYPT_OFF); TDS 8.0
(Encrypt=strict) handshakes first, raw, with ALPN "tds/8.0".  The channel only turns bytes into
bytes; where they travel is the caller's business (see the server's `net.tls` for the other end).

Certificate checks follow SqlClient 4+: TrustServerCertificate skips them (except under strict,
where it is ignored), HostNameInCertificate names the expected name, and a pinned certificate
(ODBC 18's ServerCertificate=) must be the server's exact certificate.  A CA file replaces the
system's trust store.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..net.tls import MemoryTls

ALPN_TDS8 = "tds/8.0"
_LOCAL_NAMES = {"(local)", ".", "localhost"}


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """What the connection string and the client configuration say about certificates."""

    validate: bool = True  # False: TrustServerCertificate (or login-only encryption)
    host_name: str | None = None  # HostNameInCertificate
    cafile: str | None = None  # trust only these CAs
    pinned: str | None = None  # ServerCertificate: the exact certificate expected


def certificate_name(host: str, settings: TlsSettings) -> str:
    """The name the server's certificate must carry: HostNameInCertificate, else the host as written."""
    if settings.host_name:
        return settings.host_name
    if host.lower() in _LOCAL_NAMES:
        return "localhost"
    return host.split("%", 1)[0]  # an IPv6 zone is not part of the name


def client_context(settings: TlsSettings, strict: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if strict:
        context.set_alpn_protocols([ALPN_TDS8])
    if settings.pinned or not settings.validate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif settings.cafile:
        context.load_verify_locations(cafile=settings.cafile)
    else:
        context.load_default_certs()
    return context


def pinned_certificate(path: str) -> bytes:
    """The DER bytes of a PEM or DER certificate file."""
    data = Path(path).read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
    return x509.load_der_x509_certificate(data).public_bytes(Encoding.DER)


class CertificateMismatch(ssl.SSLError):
    """The server's certificate is not the pinned one."""


class ClientTls(MemoryTls):
    """A client-side TLS session over memory buffers."""

    def __init__(self, context: ssl.SSLContext, server_name: str, pinned: bytes | None = None) -> None:
        super().__init__(context, server_side=False, server_hostname=server_name)
        self._pinned = pinned
        self.done = False

    def peer_certificate(self) -> bytes | None:
        """The DER bytes of the certificate the server presented (for diagnosis), once the handshake is done."""
        return self._ssl.getpeercert(binary_form=True) if self.done else None

    def handshake(self, incoming: bytes = b"") -> bytes:
        """Feed the server's handshake bytes; returns the bytes to send.  Raises ssl.SSLError on failure."""
        if incoming:
            self._in.write(incoming)
        try:
            self._ssl.do_handshake()
        except ssl.SSLWantReadError:
            return self._out.read()
        self.done = True
        self._check_pinned()
        return self._out.read()

    def _check_pinned(self) -> None:
        if self._pinned is None:
            return
        presented = self._ssl.getpeercert(binary_form=True)
        if presented != self._pinned:
            raise CertificateMismatch("the server's certificate is not the one given by ServerCertificate")

    def decrypt(self, data: bytes) -> bytes:
        """Plaintext from received records (b"" until a whole record is in)."""
        if data:
            self._in.write(data)
        return self._read_plaintext()
