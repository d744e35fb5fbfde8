"""The instance's TLS certificate: a configured one, or a self-signed ECDSA P-256
certificate generated into the data dir at first start (as SQL Server generates a
self-signed certificate when none is configured).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_NAME = "tdsnet.crt"
KEY_NAME = "tdsnet.key"
VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class CertificateFiles:
    cert: Path
    key: Path
    generated: bool
    subject: str
    thumbprint: str
    not_after: dt.datetime


def ensure_certificate(data_dir: Path, cert: Path | None = None, key: Path | None = None) -> CertificateFiles:
    """The configured certificate, or the generated one (created or renewed when missing or expired)."""
    if cert is not None:
        return _describe(cert, key or cert, generated=False)
    cert_path, key_path = data_dir / CERT_NAME, data_dir / KEY_NAME
    if cert_path.exists() and key_path.exists():
        described = _describe(cert_path, key_path, generated=True)
        if described.not_after > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
            return described
    generate(cert_path, key_path)
    return _describe(cert_path, key_path, generated=True)


def generate(cert_path: Path, key_path: Path) -> None:
    """A new self-signed ECDSA P-256 server certificate for this host (and localhost, 127.0.0.1, ::1)."""
    host = socket.gethostname()
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName(host), x509.DNSName("localhost")]
    alt_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ("127.0.0.1", "::1")]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _describe(cert_path: Path, key_path: Path, generated: bool) -> CertificateFiles:
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return CertificateFiles(
        cert=cert_path,
        key=key_path,
        generated=generated,
        subject=certificate.subject.rfc4514_string(),
        thumbprint=certificate.fingerprint(hashes.SHA1()).hex().upper(),
        not_after=certificate.not_valid_after_utc,
    )
