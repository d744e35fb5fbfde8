"""A tdsnet instance: data dir, ERRORLOG, engine, logins, endpoints, TLS, listeners, sessions.

instance = Instance(InstanceConfig(data_dir=Path("data"), port=1433))
await instance.start()
...
await instance.stop()

Each accepted connection is associated with one endpoint (`endpoints.associate`) as soon as it
arrives; a connection to a stopped or disabled endpoint is closed at once.  After the password
is verified, `admit` applies CONNECT SQL, the endpoint's CONNECT permission and the DAC's rules.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
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
from ..net import local
from ..net.stream import TdsStream
from ..net.tls import server_context
from ..tds.ssrp import SSRP_PORT
from . import certificate, netconfig, passwords
from . import endpoints as ep
from .browser import Browser
from .configuration import Configuration
from .connection import ClientConnection
from .errorlog import ErrorLog
from .listeners import DAC, TCP, Listener, failure_text, tcp_shown
from .logins import SYSADMIN_ID, Login, LoginCatalog
from .network import NetworkLayer
from .permissions import Principals
from .response import ShapeCache

FIRST_SPID = 51
TRIM_DELAY_S = 1.0  # closed sessions' memory goes back to the OS this long after they close
DEFAULT_PORT = netconfig.DEFAULT_PORT
STATE_11 = "Token-based server access validation failed with an infrastructure error. Check for previous errors."
STATE_12 = "Login-based server access validation failed with an infrastructure error. Check for previous errors."


class StartupError(Exception):
    """The instance cannot start; the message says why and what to do."""


@dataclass(slots=True)
class InstanceConfig:
    """How to start an instance.  port / listen / force_encryption, when given, are written into
    the network configuration (network.toml) before it is read; otherwise the file decides."""

    data_dir: Path
    port: int | None = None
    listen: tuple[str, ...] = ()
    sa_password: str | None = None
    instance_name: str = ""
    force_encryption: bool = False
    certificate: Path | None = None
    private_key: Path | None = None
    log_dir: Path | None = None
    workers: int = 64
    loopback_only: bool = False  # "all addresses" means 127.0.0.1 and ::1 (tests, local development)
    browser: bool = True  # answer SSRP on UDP 1434 unless another Browser already does
    browser_addresses: tuple[str, ...] = ()  # default: every address (loopback with loopback_only)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def errorlog_dir(self) -> Path:
        return self.log_dir or self.data_dir / "log"

    @property
    def instance(self) -> str:
        return (self.instance_name or local.DEFAULT_INSTANCE).upper()


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a verified login may not have this connection: what the client gets, what ERRORLOG gets."""

    number: int
    state: int  # the ERRORLOG state (the client always sees state 1)
    reason: str
    severity: int = 14
    text: str = ""  # the client's text when it is not "Login failed for user ..."


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
        # Ended sessions are closed one after another on a thread of their own: submitting each
        # close to the pool above made it start a thread per close when many clients left at once.
        self.closer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tdsnet-closer")
        self.connections: set[ClientConnection] = set()
        self.sessions: dict[int, ClientConnection] = {}
        self.endpoints: ep.EndpointCatalog = None  # type: ignore[assignment]
        self.network: NetworkLayer | None = None
        self.browser: Browser | None = None
        self.configuration: Configuration = None  # type: ignore[assignment]
        self.network_config = netconfig.NetworkConfig(instance=config.instance)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.generated_sa_password: str | None = None
        self.batch_requests = 0  # for sys.dm_os_performance_counters
        self._spid_lock = threading.Lock()
        self._free_spids: list[int] = []
        self._next_spid = FIRST_SPID
        self._trim_pending = False
        self.started = False

    @property
    def server_name(self) -> str:
        return self.engine.server.server_name

    @property
    def listeners(self) -> list[Listener]:
        return self.network.listeners if self.network else []

    @property
    def ports(self) -> list[int]:
        return self.network.tcp_ports() if self.network else []

    @property
    def force_encryption(self) -> bool:
        return self.network_config.force_encryption

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.loop = asyncio.get_running_loop()
        try:
            network = netconfig.load(config.data_dir, config.instance)
            network = netconfig.apply_overrides(network, config.port, config.listen, config.force_encryption)
            netconfig.save(network)
        except (netconfig.ConfigError, OSError) as exc:
            raise StartupError(str(exc)) from None
        self.network_config = network
        self.open()
        self._load_certificate()
        remote_dac = self.configuration.value_in_use("remote admin connections") == 1
        self.network = NetworkLayer(self, network, config.loopback_only, remote_dac)
        await self.network.start()
        self.network_config = self.network.config
        self.network.register()
        if config.browser:
            await self._start_browser()
        self.errorlog.write(
            "SQL Server is now ready for client connections. This is an informational message; "
            "no user action is required.",
            "spid9s",
        )
        self.started = True

    def open(self) -> None:
        """Everything but the network: ERRORLOG, databases, logins, endpoints, configuration and the
        server's T-SQL (views, procedures, statements).  `start` calls it; the T-SQL corpus uses it
        alone to run server-scope cases without sockets."""
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.errorlog.open()
        self._banner()
        self.engine.open()
        for name in ("master", "tempdb", "model", "msdb"):
            self.errorlog.write(f"Starting up database '{name}'.", "spid9s")
        master = self.engine.store.path_of("master")
        self.logins = LoginCatalog(master)
        self.endpoints = ep.EndpointCatalog(master)
        self.logins.permissions_changed = self.endpoints.reload
        self.configuration = Configuration(master)
        self.configuration.install_pending_at_start()
        self.configuration.installed["remote admin connections"] = self._remote_admin_connections
        self.configuration.installed["nested triggers"] = self._nested_triggers
        self._nested_triggers(self.configuration.value_in_use("nested triggers"))
        self._ensure_sa()
        from . import configuration, endpoint_statements, system_objects

        system_objects.register(self)
        endpoint_statements.register(self)
        configuration.register(self)

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
        named = self.network_config.certificate
        configured = config.certificate or (Path(named) if named else None)
        try:
            files = certificate.ensure_certificate(config.data_dir, configured, config.private_key)
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

    async def _start_browser(self) -> None:
        assert self.network is not None
        self.browser = Browser()
        addresses = list(self.config.browser_addresses) or self.network.all_addresses
        for address, exc in await self.browser.start(addresses):
            shown = tcp_shown(address, SSRP_PORT)
            if exc.errno == errno.EADDRINUSE:
                self.errorlog.write(f"SQL Server Browser: UDP {shown} is in use, by another Browser for this host.")
            else:
                self.errorlog.write(f"SQL Server Browser could not listen on UDP {shown}: {failure_text(exc)}")
        for address in self.browser.addresses:
            self.errorlog.write(f"SQL Server Browser is answering on UDP {tcp_shown(address, SSRP_PORT)}.")

    def stream_for(self, transport: str) -> TdsStream:
        """A new connection on one of the TDS listeners (DAC connections travel over TCP)."""
        return TdsStream(ClientConnection(self, transport), self.tls, TCP if transport == DAC else transport)

    def _remote_admin_connections(self, value: int) -> None:
        """RECONFIGURE of 'remote admin connections' takes effect at once: the DAC listens anew."""
        if self.loop is not None and self.network is not None:
            future = asyncio.run_coroutine_threadsafe(self.network.reopen_dac(value == 1), self.loop)
            future.result(timeout=30)

    def _nested_triggers(self, value: int) -> None:
        self.engine.nested_triggers = value == 1

    def endpoints_changed(self) -> None:
        """Called on a worker thread after CREATE/ALTER/DROP ENDPOINT: open and close listeners now."""
        if self.loop is not None and self.network is not None:
            asyncio.run_coroutine_threadsafe(self.network.reconcile(), self.loop).result(timeout=30)

    async def stop(self) -> None:
        for conn in list(self.connections):
            if conn.stream is not None:
                conn.stream.close()
        if self.browser is not None:
            self.browser.stop()
        if self.network is not None:
            await self.network.stop()
        for conn in list(self.sessions.values()):
            if conn.session is not None:
                conn.session.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.closer.shutdown(wait=False, cancel_futures=True)
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

        if not self.closer._shutdown:
            self.closer.submit(close)
            self._schedule_trim()

    def _schedule_trim(self) -> None:
        """After sessions close (on the loop), once a second at most: the allocator keeps the memory
        their SQLite connections freed unless asked to return it (closing 200 sessions kept ~60 MB)."""
        if _MALLOC_TRIM is None or self._trim_pending or self.loop is None:
            return
        self._trim_pending = True
        self.loop.call_later(TRIM_DELAY_S, self._trim)

    def _trim(self) -> None:
        self._trim_pending = False
        if not self.closer._shutdown:
            self.closer.submit(_MALLOC_TRIM, 0)  # after the closes queued so far; ctypes releases the GIL

    def principals(self, principal_id: int) -> Principals:
        roles = self.logins.role_ids(principal_id)
        return Principals(principal_id, frozenset({principal_id, *roles}), SYSADMIN_ID in roles)

    def has_server_permission(self, session: EngineSession, permission: str) -> bool:
        return self.endpoints.grants.server(self.principals(session.info.principal_id), permission)

    def admit(self, conn: ClientConnection, login: Login) -> Refusal | None:
        """Whether a verified login may use this connection (CONNECT SQL, the endpoint, the DAC)."""
        who = self.principals(login.principal_id)
        grants = self.endpoints.grants
        if not grants.server(who, "CONNECT SQL"):
            return Refusal(18456, 12, STATE_12)
        endpoint = conn.endpoint
        if endpoint.is_admin_endpoint:
            return self._admit_dac(conn, who)
        if not grants.endpoint(who, endpoint.endpoint_id, endpoint.principal_id, "CONNECT"):
            return Refusal(18456, 11, STATE_11)
        return None

    def _admit_dac(self, conn: ClientConnection, who: Principals) -> Refusal | None:
        if not who.sysadmin:
            return Refusal(18456, 11, STATE_11)
        if any(c is not conn and c.endpoint.is_admin_endpoint for c in self.sessions.values()):
            text = (
                "Could not connect because the maximum number of '1' dedicated administrator connections already "
                "exists. Before a new connection can be made, the existing dedicated administrator connection must "
                "be dropped, either by logging off or ending the process."
            )
            return Refusal(17810, 2, text, severity=20, text=text)
        return None

    def acknowledged_features(self, requested: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        """FEATUREEXTACK: tdsnet acknowledges none of the optional features (MS-TDS lets a
        server leave out what it does not support)."""
        return []

    def instance_matches(self, requested: str | None) -> bool:
        if not requested:
            return True
        return requested.upper() == self.config.instance


def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None where the C library has none."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()


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
