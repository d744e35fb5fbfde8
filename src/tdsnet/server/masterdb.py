"""Connections to master for the server's own catalogs (logins, endpoints, sp_configure)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived autocommit connection (transactions are begun explicitly), waiting up to 30 s
    for another writer, closed on the way out."""
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        yield con
    finally:
        con.close()
