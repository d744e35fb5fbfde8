"""Test harness: real `tdsnet serve` processes on loopback, and where the real clients live.

Imported by name (`from harness import Server`); the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tdsnet.net import local

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "clients"
SA_PASSWORD = "Tds!net-Test9"
_LISTENING = re.compile(r"listening on TCP port (\d+)")


@dataclass
class Server:
    """A running `tdsnet serve` process."""

    data_dir: Path
    process: subprocess.Popen
    port: int
    host: str = "127.0.0.1"
    sa_password: str = SA_PASSWORD
    output: list[str] = field(default_factory=list)
    runtime_dir: Path | None = None  # TDSNET_RUNTIME_DIR: where its pipes and shared memory sockets are

    @property
    def errorlog(self) -> Path:
        return self.data_dir / "log" / "ERRORLOG"

    @property
    def certificate(self) -> Path:
        return self.data_dir / "tdsnet.crt"

    def errorlog_text(self) -> str:
        return self.errorlog.read_text(encoding="utf-8") if self.errorlog.exists() else ""

    def wait_for_log(self, pattern: str, timeout: float = 10) -> str:
        """Wait until the ERRORLOG has a line matching ``pattern``; return the text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.errorlog_text()
            if re.search(pattern, text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"ERRORLOG has no line matching {pattern!r}:\n{self.errorlog_text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode

    def pipe(self, name: str = r"\\.\pipe\sql\query") -> str:
        """The Unix socket a named pipe of this server maps to (see tdsnet.net.local)."""
        return str(local.pipe_socket(name, self.runtime_dir))

    def shared_memory(self, instance: str = "MSSQLSERVER") -> str:
        return str(local.shared_memory_socket(instance, self.runtime_dir))

    def odbc(self, **options: str) -> str:
        """An ODBC Driver 18 connection string for this server."""
        parts = {
            "Server": f"{self.host},{self.port}",
            "UID": "sa",
            "PWD": self.sa_password,
            "Database": "master",
            "Encrypt": "yes",
            "TrustServerCertificate": "yes",
        }
        parts.update(options)
        return ";".join(f"{k}={v}" for k, v in parts.items() if v is not None)


def start_server(
    data_dir: Path,
    *args: str,
    sa_password: str | None = SA_PASSWORD,
    env: dict[str, str] | None = None,
    listen: str = "127.0.0.1",
    port: int | None = 0,
    timeout: float = 30,
    runtime_dir: Path | None = None,
    browser: bool = False,
    require_tcp: bool = True,
) -> Server:
    """Start `tdsnet serve` bound to loopback only, with its own runtime dir (so default pipe names
    of parallel test servers do not collide), and wait until it announces its TCP port."""
    runtime_dir = runtime_dir or Path(tempfile.mkdtemp(prefix="tdsrt-"))
    command = [
        sys.executable,
        "-m",
        "tdsnet",
        "serve",
        "--data-dir",
        str(data_dir),
        "--loopback-only",
    ]
    if not browser:  # parallel test servers would compete for UDP 1434; Browser tests opt in
        command.append("--no-browser")
    if port is not None:  # None: the instance's network.toml decides
        command += ["--port", str(port)]
    if listen:
        command += ["--listen", listen]
    if sa_password is not None:
        command += ["--sa-password", sa_password]
    command += list(args)
    process = subprocess.Popen(
        command,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, before exec
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TDSNET_RUNTIME_DIR": str(runtime_dir), **(env or {})},
        cwd=ROOT,
    )
    output: list[str] = []
    deadline = time.monotonic() + timeout
    found = None
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        match = _LISTENING.search(line)
        if match and found is None:
            found = int(match.group(1))
        if "connect with" in line:
            break
    if found is None and (require_tcp or not any("connect with" in line for line in output)):
        process.kill()
        raise RuntimeError("tdsnet serve did not start:\n" + "".join(output) + (process.stdout.read() or ""))
    _drain(process)
    return Server(
        data_dir,
        process,
        found or 0,
        listen if listen and listen not in ("0.0.0.0", "::") else "127.0.0.1",
        sa_password or "",
        output,
        runtime_dir,
    )


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, so an interrupted run leaves no
    servers holding ports behind."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _drain(process: subprocess.Popen) -> None:
    """Keep reading the server's output so a chatty server never blocks on a full pipe."""
    import threading

    def pump() -> None:
        assert process.stdout is not None
        for _line in process.stdout:
            pass

    threading.Thread(target=pump, daemon=True).start()


# --- where the real clients are ---------------------------------------------------------------


def pyodbc_connect(server: Server, **options: str) -> Any:
    """pyodbc on ODBC Driver 18 to this server, in autocommit (the test is skipped without them)."""
    pyodbc = pytest.importorskip("pyodbc")
    driver = odbc_driver_path()
    if driver is None:
        pytest.skip("the ODBC Driver 18 library from the mssql-python wheel was not found")
    return pyodbc.connect(f"Driver={{{driver}}};" + server.odbc(**options), autocommit=True, timeout=10)


def odbc_driver_path() -> str | None:
    """libmsodbcsql-18 as shipped inside the mssql-python wheel (for pyodbc and SQLAlchemy)."""
    try:
        import mssql_python
    except ImportError:
        return None
    base = Path(mssql_python.__file__).parent
    for candidate in sorted(base.rglob("libmsodbcsql*.so*")):
        return str(candidate)
    try:
        import mssql_python_odbc  # type: ignore[import-not-found]

        for candidate in sorted(Path(mssql_python_odbc.__file__).parent.rglob("libmsodbcsql*.so*")):
            return str(candidate)
    except ImportError:
        pass
    return None


def requires(*commands: str) -> pytest.MarkDecorator:
    missing = [c for c in commands if shutil.which(c) is None]
    return pytest.mark.skipif(
        bool(missing), reason=f"not installed: {', '.join(missing)} (make test installs it as root)"
    )


def node_clients_ready() -> bool:
    return shutil.which("node") is not None and (CLIENTS / "node" / "node_modules" / "tedious").is_dir()


JTDS_JAR = Path("/usr/share/java/jtds.jar")


@contextlib.contextmanager
def exclusive(resource: str) -> Iterator[None]:
    """Hold a lock shared by all test processes (pytest-xdist workers) while using something every
    test would compete for, such as the Browser's UDP 1434 on 127.0.0.1."""
    import fcntl

    path = Path(tempfile.gettempdir()) / f"tdsnet-tests-{resource}.lock"
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def worker_loopback(n: int) -> str:
    """A loopback address of this xdist worker's own (127.W.0.n), so parallel workers never pick the same."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return f"127.{10 + index}.0.{n}"


def free_browser_address(start: int) -> str:
    """A loopback address of this worker's whose UDP and TCP 1434 are free: room for a Browser of its own."""
    for n in range(start, start + 40):
        address = worker_loopback(n)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, kind) as probe:
                    probe.bind((address, 1434))
        except OSError:
            continue
        return address
    raise RuntimeError("no free loopback address for a Browser")


def compile_java(build: Path, source: str) -> Path:
    """Compile tests/clients/java/<source> against jTDS into ``build`` (skips when jTDS or javac is missing)."""
    if not JTDS_JAR.exists() or shutil.which("javac") is None:
        pytest.skip("jTDS (Debian libjtds-java) or javac is not installed")
    subprocess.run(["javac", "-d", str(build), str(CLIENTS / "java" / source)], check=True, timeout=120)
    return build


def tdsnet_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m tdsnet ARGS` from the checkout, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tdsnet", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
