"""Client tests run against real servers with a client configuration and runtime directory of their
own: no test sees the user's ~/.config/tdsnet/client.toml or another test's pipes."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import Server
from tdsnet.client.config import ENV_CONFIG


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty client configuration file path, and a short runtime dir (Unix socket paths are short)."""
    runtime = Path(tempfile.mkdtemp(prefix="tdsc", dir="/tmp"))
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "client.toml"))
    monkeypatch.setenv("TDSNET_RUNTIME_DIR", str(runtime))
    yield tmp_path / "client.toml"
    shutil.rmtree(runtime, ignore_errors=True)


def login(server: Server, **extra: object) -> str:
    """Credentials for ``server`` (the server name is the test's business)."""
    parts = {"UID": "sa", "PWD": server.sa_password, "TrustServerCertificate": "yes", "Connect Timeout": "10"}
    parts.update({k: str(v) for k, v in extra.items()})
    return ";".join(f"{k}={v}" for k, v in parts.items())


def at(server: Server, **extra: object) -> str:
    """A connection string for ``server`` by address and port."""
    return f"Server={server.host},{server.port};" + login(server, **extra)
