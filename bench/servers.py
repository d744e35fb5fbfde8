"""The servers under test, each started and stopped as its own user would: tdsnet, PostgreSQL 15, a bare uvloop server.

Every server listens on 127.0.0.1 only, keeps its files in a throwaway temp dir and logs to a file there
(a file, not a pipe: nobody has to drain it while the benchmark runs).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from loadgen import Target

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
BENCH_DIR = Path(__file__).resolve().parent
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
MIN_METER_S = 0.5


@dataclass
class Memory:
    """Resident memory of a server's whole process tree, in bytes."""

    rss: int
    pss: int
    uss: int
    processes: int
    threads: int


def tree_memory(root_pid: int) -> Memory:
    """Sum RSS/PSS/USS over a process and its descendants (PSS splits shared pages fairly among sharers)."""
    total = Memory(0, 0, 0, 0, 0)
    root = psutil.Process(root_pid)
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            info, threads = proc.memory_full_info(), proc.num_threads()
            total.rss, total.pss, total.uss = total.rss + info.rss, total.pss + info.pss, total.uss + info.uss
            total.processes, total.threads = total.processes + 1, total.threads + threads
    return total


def tree_cpu_seconds(root_pid: int) -> float:
    """User+system CPU of a process tree, including children it has already reaped (exited backends)."""
    total = 0.0
    root = psutil.Process(root_pid)
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _system_busy_seconds() -> float:
    # user already includes guest time; irq/softirq are left out: on loopback they are mostly our own traffic.
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "steal", 0.0)


def _own_cpu_seconds() -> float:
    """This process and the children it has reaped: the benchmark's own client processes."""
    t = psutil.Process().cpu_times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class CpuWindow:
    server_s: float
    other_percent: float | None  # CPU taken by neither this benchmark nor the server, in % of all cores


class CpuMeter:
    """The server's CPU over a measured window, and how busy everything else kept the machine meanwhile.

    Clients and servers share the cores, so another program's load lowers every rate: `other_percent`
    says whether a figure was taken on a quiet machine. Call stop() after the client processes are joined.
    """

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.start_at = 0.0
        self.base = (0.0, 0.0, 0.0)

    def _sample(self) -> tuple[float, float, float]:
        return _system_busy_seconds(), _own_cpu_seconds(), tree_cpu_seconds(self.server_pid)

    def start(self) -> None:
        self.start_at, self.base = time.monotonic(), self._sample()

    def stop(self) -> CpuWindow:
        wall = time.monotonic() - self.start_at
        busy, own, server = (now - then for now, then in zip(self._sample(), self.base, strict=True))
        if wall < MIN_METER_S:  # CPU times tick at 10 ms: a shorter window says nothing about other programs
            return CpuWindow(server, None)
        other = max(0.0, busy - own - server) / (wall * (os.cpu_count() or 1)) * 100
        return CpuWindow(server, round(other, 1))


def _wait_for_line(log: Path, pattern: str, proc: subprocess.Popen, what: str) -> re.Match[str]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if match := re.search(pattern, text):
            return match
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening:\n{text[-2000:]}")
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not report a listening port within {START_TIMEOUT_S:.0f}s")


def _terminate(proc: subprocess.Popen) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


class TdsnetServer:
    """`python -m tdsnet serve` on a fresh data dir and an ephemeral port; stopped with SIGTERM."""

    name = "tdsnet"

    def __init__(self, python: str, password: str, src: Path | None = None) -> None:
        self.python = python
        self.password = password
        self.src = src  # a checkout whose src/ goes first on the server's PYTHONPATH; None: the installed tdsnet
        self.tmp = Path(tempfile.mkdtemp(prefix="tdsnet-bench-"))
        self.log = self.tmp / "serve.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        cmd = [self.python, "-m", "tdsnet", "serve", "--data-dir", str(self.tmp / "data"), "--port", "0"]
        # Loopback only, and no SQL Server Browser: a benchmark must not take UDP 1434 from the host.
        cmd += ["--listen", "127.0.0.1", "--loopback-only", "--no-browser", "--sa-password", self.password]
        env = dict(os.environ)
        if self.src:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.src / "src"), env.get("PYTHONPATH")]))
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        pattern = r"tdsnet: listening on TCP port (\d+) \("
        self.port = int(_wait_for_line(self.log, pattern, self.proc, "tdsnet")[1])

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def target(self, database: str = "") -> Target:
        return Target("tds", "127.0.0.1", self.port, "sa", self.password, database)

    def log_problems(self) -> list[str]:
        """Tracebacks and ERROR lines the server printed: failures a client only sees as a dropped connection."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if " ERROR " in line or line.startswith(("struct.", "Traceback"))]

    def stop(self) -> int | None:
        code = _terminate(self.proc) if self.proc else None
        shutil.rmtree(self.tmp, ignore_errors=True)
        return code


class UvloopServer:
    """bench/uvloop_server.py: the ceiling for a Python asyncio request/response server on this machine."""

    name = "uvloop"

    def __init__(self, python: str) -> None:
        self.python = python
        self.tmp = Path(tempfile.mkdtemp(prefix="tdsnet-bench-uvloop-"))
        self.log = self.tmp / "server.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        cmd = [self.python, str(BENCH_DIR / "uvloop_server.py"), "--port", "0"]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.port = int(_wait_for_line(self.log, r"listening on port (\d+)", self.proc, "uvloop server")[1])

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def target(self) -> Target:
        return Target("raw", "127.0.0.1", self.port)

    def stop(self) -> int | None:
        code = _terminate(self.proc) if self.proc else None
        shutil.rmtree(self.tmp, ignore_errors=True)
        return code


class PostgresServer:
    """A throwaway PostgreSQL 15 cluster: initdb in a temp dir, pg_ctl start on a free loopback port, stop, delete.

    PostgreSQL refuses to run as root, so as root every PostgreSQL command runs as an unprivileged user
    (`postgres` if it exists, else `nobody`) that owns the temp dir.
    """

    name = "postgres"

    def __init__(self, password: str, auth: str, max_connections: int) -> None:
        self.password = password
        self.auth = auth
        self.max_connections = max_connections
        self.tmp = Path(tempfile.mkdtemp(prefix="tdsnet-bench-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        self.started = False

    def _run(self, *args: str) -> str:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        if self.user:
            info = pwd.getpwnam(self.user)
            os.chown(self.tmp, info.pw_uid, info.pw_gid)
        # Loopback TCP asks for a password (md5 by default: a cheap check, like tdsnet's cached verification);
        # the unix socket trusts, only so that the password can be set after start.
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--no-sync", "-E", "UTF8")
        self._write_config()
        self.started = True  # from here on, stop() tries pg_ctl stop: a timed-out start may still have a postmaster
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.tmp / "log"), "-w", "-t", "60", "start")
        self._set_password()

    def _write_config(self) -> None:
        _write_certificate(self.data)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.tmp}'",
            "max_connections": str(self.max_connections),
            # Commits reach the OS, not the disk: the same durability as tdsnet's SQLite (WAL, synchronous=NORMAL).
            "synchronous_commit": "off",
            "ssl": "on",
            "password_encryption": "'md5'" if self.auth == "md5" else "'scram-sha-256'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        hba = f"local all all trust\nhost all all 127.0.0.1/32 {self.auth}\n"
        (self.data / "pg_hba.conf").write_text(hba)

    def _set_password(self) -> None:
        import psycopg2

        con = psycopg2.connect(host=str(self.tmp), port=self.port, user="postgres", dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("ALTER ROLE postgres PASSWORD %s", (self.password,))
            cur.execute("CREATE DATABASE bench")
        con.close()

    @property
    def pid(self) -> int:
        """The postmaster: every backend is its child."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def target(self, sslmode: str = "disable") -> Target:
        return Target("pg", "127.0.0.1", self.port, "postgres", self.password, "bench", sslmode)

    def version(self) -> str:
        return self._run(str(PG_BIN / "postgres"), "--version").strip()

    def stop(self) -> int | None:
        try:
            if self.started:
                self.started = False
                self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return 0


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_certificate(data: Path) -> None:
    """A certificate from tdsnet's own generator (ECDSA P-256), so that the TLS anchor pays the same handshake."""
    from tdsnet.server.certificate import generate

    cert, key = data / "server.crt", data / "server.key"
    generate(cert, key)
    stat = data.stat()
    for path in (cert, key):
        path.chmod(0o600)  # PostgreSQL refuses a key others can read
        os.chown(path, stat.st_uid, stat.st_gid)
