"""Login passwords: salted, slow hashes (scrypt), never plaintext, never logged.

A slow hash per login would cap connections per second at a few dozen, so a
password that verified once is remembered as an HMAC under a key that exists
only in this process's memory.  A wrong password always pays the full hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"

POLICY_TEXT = (
    "The password must be at least 8 characters long and contain characters from three of the "
    "following four sets: Uppercase letters, Lowercase letters, Base 10 digits, and Symbols."
)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


def meets_policy(password: str) -> bool:
    """SQL Server's complexity rule (CHECK_POLICY = ON, and the sa password on Linux)."""
    if len(password) < 8:
        return False
    sets = (
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(sets) >= 3


class VerifiedCache:
    """Remembers (login, stored hash, password) triples that verified, as keyed HMACs."""

    def __init__(self, limit: int = 10000) -> None:
        self._key = secrets.token_bytes(32)
        self._seen: dict[str, bytes] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def _tag(self, stored: str, password: str) -> bytes:
        return hmac.new(self._key, f"{stored}\x00{password}".encode(), hashlib.sha256).digest()

    def check(self, login: str, stored: str, password: str) -> bool:
        tag = self._tag(stored, password)
        with self._lock:
            known = self._seen.get(login)
        return known is not None and hmac.compare_digest(known, tag)

    def remember(self, login: str, stored: str, password: str) -> None:
        tag = self._tag(stored, password)
        with self._lock:
            if len(self._seen) >= self._limit:
                self._seen.clear()
            self._seen[login] = tag

    def forget(self, login: str) -> None:
        with self._lock:
            self._seen.pop(login, None)
