"""Client side: C-backed drivers (pymssql/FreeTDS for tdsnet, psycopg2/libpq for PostgreSQL, a plain socket for
the uvloop server) and the multiprocess load driver.

Load comes from separate processes, one connection each, because the machine has 2 cores and one Python
process with threads would be held back by its GIL long before the servers are.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import random
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN_TIMEOUT_S = 30
QUERY_TIMEOUT_S = 120
RAW_REQUEST = bytes(46)  # same sizes as uvloop_server.py expects and answers
RAW_REPLY_SIZE = 42

POINT_SQL = "SELECT id, qty, name, code FROM points WHERE id = %s"
INSERT_SQL = "INSERT INTO inserts (id, qty, name, code) VALUES (%s, %s, %s, %s)"
INSERT_ID_STRIDE = 10_000_000  # each (repeat, worker) inserts its own id range, all within INT
START_WAIT_S = 120.0  # how long workers may take to connect, and to report after their run


@dataclass(frozen=True)
class Target:
    """Where and how to connect; picklable, so workers receive it."""

    kind: str  # "tds" (pymssql), "pg" (psycopg2) or "raw" (socket)
    host: str
    port: int
    user: str = ""
    password: str = ""
    database: str = ""
    sslmode: str = "disable"


def connect(t: Target, timeout: int = QUERY_TIMEOUT_S) -> Any:
    """A connection in autocommit mode; `timeout` bounds each wait for the server (not a whole query)."""
    if t.kind == "tds":
        import pymssql

        return pymssql.connect(
            server=t.host,
            port=t.port,
            user=t.user,
            password=t.password,
            database=t.database,
            autocommit=True,
            login_timeout=LOGIN_TIMEOUT_S,
            timeout=timeout,
        )
    if t.kind == "pg":
        import psycopg2

        con = psycopg2.connect(
            host=t.host,
            port=t.port,
            user=t.user,
            password=t.password,
            dbname=t.database,
            sslmode=t.sslmode,
            connect_timeout=LOGIN_TIMEOUT_S,
            options=f"-c statement_timeout={timeout * 1000}",
        )
        con.autocommit = True
        return con
    sock = socket.create_connection((t.host, t.port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _raw_round_trip(sock: socket.socket) -> None:
    sock.sendall(RAW_REQUEST)
    got = 0
    while got < RAW_REPLY_SIZE:
        chunk = sock.recv(RAW_REPLY_SIZE - got)
        if not chunk:
            raise ConnectionError("uvloop server closed the connection")
        got += len(chunk)


@dataclass
class Op:
    """One unit of load, and what to release when the worker is done."""

    run: Callable[[], None]
    close: Callable[[], None] = lambda: None


def make_op(t: Target, workload: str, index: int, params: dict[str, int]) -> Op:
    """Build the loop body for a workload: `select1`, `point`, `insert`, `roundtrip` or `connect`."""
    if workload == "connect":
        return Op(lambda: connect(t).close())
    con = connect(t)
    if t.kind == "raw":
        return Op(lambda: _raw_round_trip(con), con.close)
    cur = con.cursor()
    if workload == "select1":

        def select1() -> None:
            cur.execute("SELECT 1")
            cur.fetchall()

        return Op(select1, con.close)
    if workload == "point":
        rows, rnd = params["point_rows"], random.Random(index)

        def point() -> None:
            cur.execute(POINT_SQL, (rnd.randrange(rows),))
            cur.fetchall()

        return Op(point, con.close)
    if workload == "insert":
        slot = params.get("run", 0) * params.get("n_clients", 0) + index  # unique over clients and repeats
        next_id = iter(range(slot * INSERT_ID_STRIDE, (slot + 1) * INSERT_ID_STRIDE))

        def insert() -> None:
            n = next(next_id)
            cur.execute(INSERT_SQL, (n, n % 1000, f"name {n}", f"c{n % 13}"))

        return Op(insert, con.close)
    raise ValueError(f"unknown workload {workload!r}")


@dataclass
class WorkerResult:
    index: int
    count: int = 0
    elapsed: float = 0.0
    error: str | None = None


def _worker(
    t: Target,
    workload: str,
    index: int,
    params: dict[str, int],
    duration: float,
    max_ops: int,
    warmup: int,
    start: Any,
    out: Any,
) -> None:
    """Connect and warm up, say ready, wait for the common start, then run until the time or count bound."""
    result = WorkerResult(index)
    try:
        op = make_op(t, workload, index, params)
        for _ in range(warmup):
            op.run()
    except Exception as exc:
        result.error = f"setup: {type(exc).__name__}: {exc}"
        out.put(("ready", index))
        out.put(("done", result))
        return
    out.put(("ready", index))
    if not start.wait(START_WAIT_S):
        result.error = "start signal never came"
        out.put(("done", result))
        return
    t0 = time.perf_counter()
    deadline = t0 + duration
    try:
        while result.count < max_ops:
            op.run()
            result.count += 1
            if time.perf_counter() >= deadline:
                break
    except Exception as exc:
        result.error = f"after {result.count} ops: {type(exc).__name__}: {exc}"
    result.elapsed = time.perf_counter() - t0
    try:
        op.close()
    except Exception:
        pass  # the measurement is over; a failed close changes nothing in it
    out.put(("done", result))


@dataclass
class LoadResult:
    """Aggregate of one concurrent run: rate is all operations over the longest worker's window."""

    clients: int
    ops: int
    seconds: float
    rate: float
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None
    other_cpu_percent: float | None = None
    profile: list[str] = field(default_factory=list)
    all_rates: list[int] = field(default_factory=list)


def run_load(
    t: Target,
    workload: str,
    clients: int,
    duration: float,
    max_ops: int,
    params: dict[str, int] | None = None,
    warmup: int = 20,
    on_start: Callable[[], None] = lambda: None,
) -> LoadResult:
    """Run `clients` processes against `t` at once; `on_start` runs just before they are let go (CPU sampling)."""
    ctx = mp.get_context("fork")  # cheap to start, and the parent holds no connection while forking
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(t, workload, i, params or {}, duration, max_ops, warmup, start, out),
            daemon=True,
        )
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    results = _collect(procs, start, out, duration, on_start)
    errors = [f"client {r.index}: {r.error}" for r in results if r.error]
    ops = sum(r.count for r in results)
    seconds = max((r.elapsed for r in results), default=0.0)
    return LoadResult(clients, ops, seconds, ops / seconds if seconds else 0.0, errors)


def _collect(procs: list[Any], start: Any, out: Any, duration: float, on_start: Callable[[], None]) -> list[Any]:
    ready, results = 0, []
    deadline = time.monotonic() + START_WAIT_S
    while ready < len(procs) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            kind, payload = out.get(timeout=1.0)
            if kind == "ready":
                ready += 1
            else:
                results.append(payload)
    on_start()
    start.set()
    deadline = time.monotonic() + duration + START_WAIT_S
    while len(results) < len(procs) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            kind, payload = out.get(timeout=1.0)
            if kind == "done":
                results.append(payload)
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
    missing = len(procs) - len(results)
    if missing:
        results += [WorkerResult(-1, error="worker never reported (killed)") for _ in range(missing)]
    return results


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)
