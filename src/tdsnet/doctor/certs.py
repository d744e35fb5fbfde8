"""The server certificate's facts: subject, issuer, validity, the names it carries and whether the
name the client checks is among them (SqlClient checks the server name as written, or
HostNameInCertificate)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID


def describe(der: bytes, expected: str) -> dict[str, Any]:
    cert = x509.load_der_x509_certificate(der)
    names = _names(cert)
    now = dt.datetime.now(dt.UTC)
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "self_signed": cert.subject == cert.issuer,
        "not_before": start.isoformat(),
        "not_after": end.isoformat(),
        "valid_now": start <= now <= end,
        "names": names,
        "expected_name": expected,
        "name_matches": matches(expected, names),
        "thumbprint_sha1": hashlib.sha1(der, usedforsecurity=False).hexdigest().upper(),
    }


def _names(cert: x509.Certificate) -> list[str]:
    """DNS and IP subject alternative names, else the common name (as TLS clients fall back to it)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        found = [str(n) for n in san.get_values_for_type(x509.DNSName)]
        found += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
        if found:
            return found
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def matches(expected: str, names: list[str]) -> bool:
    """A name check like TLS clients make: exact (any case), or a wildcard in the left-most label."""
    wanted = expected.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(wanted)
    except ValueError:
        address = None
    for written in names:
        name = written.lower().rstrip(".")
        if address is not None:
            try:
                if ipaddress.ip_address(name) == address:
                    return True
            except ValueError:
                continue
        elif name == wanted or (name.startswith("*.") and "." in wanted and wanted.split(".", 1)[1] == name[2:]):
            return True
    return False


def summary(facts: dict[str, Any]) -> str:
    trust = "self-signed" if facts["self_signed"] else f"issued by {facts['issuer']}"
    dates = f"valid {facts['not_before'][:10]} to {facts['not_after'][:10]}"
    return f"{facts['subject']} ({trust}, {dates}, names {', '.join(facts['names']) or 'none'})"
