"""A tdsnet instance: data dir, ERRORLOG, engine, logins, TLS, listeners, sessions.

instance = Instance(InstanceConfig(data_dir=Path("data"), port=1433))
await instance.start()
...
await instance.stop()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import os
import secrets
import socket
import ssl
import string
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import Engine, EngineSession, ServerInfo
from ..engine.session import version_string
from ..engine.system import PRODUCT_BUILD, PRODUCT_MAJOR, PRODUCT_MINOR
from ..net.stream import TdsStream
from ..net.tls import server_context
from . import certificate, passwords
from .connection import ClientConnection
from .errorlog import ErrorLog
from .logins import LoginCatalog
from .response import ShapeCache

FIRST_SPID = 51
DEFAULT_PORT = 1433


class StartupError(Exception):
    """The instance cannot start; the message says why and what to do."""


@dataclass(slots=True)
class InstanceConfig:
    data_dir: Path
    port: int = DEFAULT_PORT
    listen: tuple[str, ...] = ()  # empty: every IPv4 and IPv6 address
    sa_password: str | None = None
    instance_name: str = ""
    force_encryption: bool = False
    certificate: Path | None = None
    private_key: Path | None = None
    log_dir: Path | None = None
    workers: int = 64
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def errorlog_dir(self) -> Path:
        return self.log_dir or self.data_dir / "log"


@dataclass(frozen=True, slots=True)
class Listener:
    address: str  # 'any' for a wildcard, as the ERRORLOG shows it
    family: str  # ipv4 / ipv6
    port: int
    server: asyncio.AbstractServer


class TlsContexts:
    """The server's TLS contexts, or none when there is no certificate."""

    def __init__(self, files: certificate.CertificateFiles | None) -> None:
        self.files = files
        self._prelogin = server_context(files.cert, files.key, strict=False) if files else None
        self._strict = server_context(files.cert, files.key, strict=True) if files else None

    def for_prelogin(self) -> ssl.SSLContext | None:
        return self._prelogin

    def for_strict(self) -> ssl.SSLContext | None:
        return self._strict


class Instance:
    version = (PRODUCT_MAJOR, PRODUCT_MINOR, PRODUCT_BUILD)

    def __init__(self, config: InstanceConfig) -> None:
        self.config = config
        self.machine_name = socket.gethostname().split(".")[0].upper()
        self.errorlog = ErrorLog(config.errorlog_dir)
        info = ServerInfo(self.machine_name, config.instance_name.upper())
        self.engine = Engine(config.data_dir, info)
        self.logins: LoginCatalog | None = None  # type: ignore[assignment]
        self.tls = TlsContexts(None)
        self.shapes = ShapeCache()
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=config.workers, thread_name_prefix="tdsnet-worker"
        )
        self.connections: set[ClientConnection] = set()
        self.sessions: dict[int, ClientConnection] = {}
        self.listeners: list[Listener] = []
        self.generated_sa_password: str | None = None
        self._spid_lock = threading.Lock()
        self._free_spids: list[int] = []
        self._next_spid = FIRST_SPID
        self.started = False

    @property
    def server_name(self) -> str:
        return self.engine.server.server_name

    @property
    def ports(self) -> list[int]:
        return sorted({listener.port for listener in self.listeners})

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.errorlog.open()
        self._banner()
        self.engine.open()
        for name in ("master", "tempdb", "model", "msdb"):
            self.errorlog.write(f"Starting up database '{name}'.", "spid9s")
        self.logins = LoginCatalog(self.engine.store.path_of("master"))
        self._ensure_sa()
        from . import system_objects

        system_objects.register(self)
        self._load_certificate()
        await self._listen()
        self.errorlog.write(
            "SQL Server is now ready for client connections. This is an informational message; "
            "no user action is required.",
            "spid9s",
        )
        self.started = True

    def _banner(self) -> None:
        for line in version_string(self.engine.server).splitlines():
            self.errorlog.write(line.strip())
        self.errorlog.write("UTC adjustment: " + _utc_adjustment())
        self.errorlog.write(f"Server process ID is {os.getpid()}.")
        self.errorlog.write(f"Logging SQL Server messages in file '{self.errorlog.path}'.")

    def _ensure_sa(self) -> None:
        assert self.logins is not None
        if self.logins.has_sa():
            return
        password = self.config.sa_password
        if password is None:
            password = generate_password()
            self.generated_sa_password = password
        elif not passwords.meets_policy(password):
            raise StartupError(
                "Unable to set system administrator password: Password validation failed. The "
                "password does not meet SQL Server password policy requirements because it is not "
                f"complex enough. {passwords.POLICY_TEXT}"
            )
        self.logins.create_sa(password)

    def _load_certificate(self) -> None:
        config = self.config
        try:
            files = certificate.ensure_certificate(config.data_dir, config.certificate, config.private_key)
        except (OSError, ValueError) as exc:
            self.errorlog.write(f"Unable to load the certificate for encryption: {exc}. Encryption is not available.")
            self.tls = TlsContexts(None)
            return
        self.tls = TlsContexts(files)
        if files.generated:
            self.errorlog.write("A self-generated certificate was successfully loaded for encryption.")
        else:
            self.errorlog.write(
                f'The certificate [Cert Hash(sha1) "{files.thumbprint}"] was successfully loaded for encryption.'
            )

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        targets = self._listen_targets()
        for host, family in targets:
            shown = "'any'" if host in ("0.0.0.0", "::") else host
            try:
                server = await loop.create_server(
                    lambda: TdsStream(ClientConnection(self), self.tls, "TCP"),
                    host=host,
                    port=self.config.port,
                    family=family,
                    reuse_address=True,
                    backlog=1024,
                )
            except OSError as exc:
                self._listen_failed(shown, family, exc)
                continue
            port = server.sockets[0].getsockname()[1]
            name = "ipv6" if family == socket.AF_INET6 else "ipv4"
            self.listeners.append(Listener(shown.strip("'"), name, port, server))
            self.errorlog.write(f"Server is listening on [ {shown} <{name}> {port}].")

    def _listen_targets(self) -> list[tuple[str, socket.AddressFamily]]:
        if self.config.listen:
            return [(address, socket.AF_INET6 if ":" in address else socket.AF_INET) for address in self.config.listen]
        targets = [("0.0.0.0", socket.AF_INET)]
        if socket.has_ipv6 and _ipv6_available():
            targets.insert(0, ("::", socket.AF_INET6))
        return targets

    def _listen_failed(self, shown: str, family: socket.AddressFamily, exc: OSError) -> None:
        name = "ipv6" if family == socket.AF_INET6 else "ipv4"
        detail = "Tcp port is already in use." if exc.errno == errno.EADDRINUSE else f"{exc.strerror or exc}."
        self.errorlog.error(
            26023,
            16,
            1,
            f"Server TCP provider failed to listen on [ {shown} <{name}> {self.config.port}]. {detail}",
        )

    async def stop(self) -> None:
        for listener in self.listeners:
            listener.server.close()
        for conn in list(self.connections):
            if conn.stream is not None:
                conn.stream.close()
        for listener in self.listeners:
            try:
                await asyncio.wait_for(listener.server.wait_closed(), 2)
            except TimeoutError:
                pass
        self.listeners.clear()
        for conn in list(self.sessions.values()):
            if conn.session is not None:
                conn.session.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.engine.close()
        self.errorlog.write("SQL Server shutdown has been initiated")
        self.errorlog.close()
        self.started = False

    # --- sessions ------------------------------------------------------------------------------

    def allocate_spid(self) -> int:
        with self._spid_lock:
            if self._free_spids:
                self._free_spids.sort()
                return self._free_spids.pop(0)
            spid = self._next_spid
            self._next_spid += 1
            return spid

    def register_session(self, conn: ClientConnection) -> None:
        self.sessions[conn.spid] = conn

    def end_session(self, conn: ClientConnection, session: EngineSession) -> None:
        spid = conn.spid
        self.sessions.pop(spid, None)

        def close() -> None:
            session.close()
            with self._spid_lock:
                self._free_spids.append(spid)

        if not self.executor._shutdown:
            self.executor.submit(close)

    def admit(self, conn: ClientConnection, login: Any) -> tuple[int, str] | None:
        """Whether a verified login may use this connection; (state, reason) if not."""
        return None

    def acknowledged_features(self, requested: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        """FEATUREEXTACK: tdsnet acknowledges none of the optional features (MS-TDS lets a
        server leave out what it does not support)."""
        return []

    def instance_matches(self, requested: str | None) -> bool:
        if not requested:
            return True
        name = self.config.instance_name or "MSSQLSERVER"
        return requested.upper() == name.upper()


def generate_password() -> str:
    """A password that meets SQL Server's complexity policy."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16)) + "!"
        if passwords.meets_policy(candidate):
            return candidate


def _utc_adjustment() -> str:
    import time

    offset = -time.timezone if not time.localtime().tm_isdst else -time.altzone
    sign = "-" if offset < 0 else ""
    return f"{sign}{abs(offset) // 3600}:{abs(offset) % 3600 // 60:02d}"


def _ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False
