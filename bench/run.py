"""tdsnet's performance budget, measured side by side with its anchors on this machine.

Starts tdsnet (`python -m tdsnet serve`), a throwaway PostgreSQL 15 cluster and a bare uvloop server on
loopback, runs each benchmark against tdsnet and its anchors back to back, prints a table with the ratios
and writes everything to bench/results/<timestamp>.json. See bench/README.md.

    python bench/run.py            # the full run (about two minutes)
    python bench/run.py --quick    # small counts: a smoke run
    python bench/run.py --only select1,point --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import psutil
from loadgen import progress
from metrics import BENCHMARKS, NOISY_PERCENT, Config, Row, Servers, create_tdsnet_database
from servers import PG_BIN, PostgresServer, TdsnetServer, UvloopServer

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PASSWORD = "Bench!Passw0rd-1"
CORES_NOTE = "clients and servers share this machine's {cores} cores: every rate includes the clients' own CPU."


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small counts and 1 s runs: a smoke run")
    p.add_argument("--only", action="append", default=[], help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    p.add_argument("--duration", type=float, help="seconds per concurrent run (default 5, quick 1)")
    p.add_argument("--repeat", type=int, default=1, help="run each load this many times and keep the best")
    p.add_argument("--clients", type=int, default=16, help="concurrent client processes (default 16)")
    p.add_argument("--connect-clients", type=int, default=4, help="client processes for connect (default 4)")
    p.add_argument("--max-ops", type=int, default=5_000_000, help="cap on operations per client per run")
    p.add_argument("--stream-rows", type=int, help="rows in the streamed SELECT (default 1,000,000, quick 20,000)")
    p.add_argument("--stream-seconds", type=float, default=120.0, help="time limit for reading the stream")
    p.add_argument("--idle-connections", type=int, default=200, help="idle connections to open (default 200)")
    p.add_argument("--point-rows", type=int, help="rows in the point-SELECT table (default 10,000, quick 1,000)")
    p.add_argument("--hot-ids", type=int, default=100, help="distinct ids in point_hot (default 100)")
    p.add_argument("--profile", type=Path, metavar="DIR", help="py-spy the tdsnet server in each run, into DIR")
    p.add_argument("--pg-auth", default="md5", choices=["md5", "scram-sha-256", "trust"], help="PostgreSQL auth")
    p.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL anchors")
    p.add_argument("--python", default=sys.executable, help="the Python that runs `-m tdsnet serve`")
    p.add_argument("--tdsnet-src", type=Path, help="run tdsnet from this checkout's src/ (e.g. a `git archive`)")
    p.add_argument("--label", default="", help="a note stored in the JSON (e.g. which commit --tdsnet-src holds)")
    p.add_argument("--output", type=Path, help="JSON file (default bench/results/<timestamp>.json)")
    return p.parse_args(argv)


def make_config(a: argparse.Namespace) -> Config:
    def pick(value: Any, full: Any, quick: Any) -> Any:
        return value if value is not None else (quick if a.quick else full)

    return Config(
        quick=a.quick,
        duration=pick(a.duration, 5.0, 1.0),
        repeat=max(1, a.repeat),
        clients=a.clients,
        connect_clients=a.connect_clients,
        max_ops=a.max_ops,
        stream_rows=pick(a.stream_rows, 1_000_000, 20_000),
        stream_seconds=a.stream_seconds,
        idle_connections=a.idle_connections,  # even --quick: fewer fit in memory the server freed earlier
        point_rows=pick(a.point_rows, 10_000, 1_000),
        hot_ids=a.hot_ids,
        profile_dir=a.profile,
    )


def selected(a: argparse.Namespace) -> list[str]:
    names = [n.strip() for item in a.only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return [n for n in BENCHMARKS if not names or n in names]


def check_clients(a: argparse.Namespace) -> None:
    """Fail early, and say what to install, if a client driver is missing."""
    missing = []
    for module, package in [("pymssql", "pymssql"), ("psutil", "psutil"), ("uvloop", "uvloop")] + (
        [] if a.no_postgres else [("psycopg2", "psycopg2-binary")]
    ):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        sys.exit(f"missing client packages: {' '.join(missing)} (pip install -e '.[test,bench]', or make bench)")
    if not a.no_postgres and not (PG_BIN / "initdb").exists():
        sys.exit(f"no PostgreSQL 15 server in {PG_BIN}: apt-get install postgresql-15, set PG_BIN, or --no-postgres")


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))


def start_servers(a: argparse.Namespace, cfg: Config, names: list[str], servers: Servers) -> None:
    """Start each server, registering it first so that a failed start still gets its temp dir removed."""
    progress("starting tdsnet")
    servers.tdsnet.start()
    create_tdsnet_database(servers)
    if not a.no_postgres:
        progress("starting PostgreSQL 15 (initdb in a temp dir)")
        max_conns = max(100, cfg.idle_connections + cfg.clients + cfg.connect_clients + 20)
        servers.postgres = PostgresServer(PASSWORD, a.pg_auth, max_conns)
        servers.postgres.start()
    if "select1" in names:
        progress("starting the bare uvloop server")
        servers.uvloop = UvloopServer(a.python)
        servers.uvloop.start()


def stop_servers(s: Servers) -> dict[str, Any]:
    out: dict[str, Any] = {"tdsnet_log_problems": s.tdsnet.log_problems()[:50]}
    for server in (s.uvloop, s.postgres, s.tdsnet):
        if server is not None:
            try:
                out[f"{server.name}_exit"] = server.stop()
            except Exception as exc:
                out[f"{server.name}_exit"] = f"stop failed: {exc}"
    return out


def run_all(names: list[str], s: Servers, cfg: Config) -> list[Row]:
    rows = []
    for name in names:
        progress(f"benchmark {name}")
        try:
            result = BENCHMARKS[name](s, cfg)
            rows.extend(result if isinstance(result, list) else [result])
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            rows.append(Row(name, name, "", True, None, {}, errors=[f"{type(exc).__name__}: {exc}"]))
    return rows


# --- reporting -------------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f} KB" if unit == "KB" else f"{value:,.0f}"


def table(rows: list[Row]) -> str:
    lines = ["| metric | tdsnet | anchor | ratio (tdsnet / anchor) |", "|---|---|---|---|"]
    for r in rows:
        label = f"{r.label} ({r.unit}, {'higher' if r.higher_is_better else 'lower'} is better)"
        tds = fmt(r.tdsnet, r.unit) + (_flag(r, "tdsnet") if r.tdsnet is not None else " (failed)" * bool(r.errors))
        ratios = r.ratios()
        for i, (name, value) in enumerate(list(r.anchors.items()) or [("—", None)]):
            cells = (label, tds) if i == 0 else ("", "")
            anchor = f"{name}: {fmt(value, r.unit)}{_flag(r, name)}"
            lines.append(f"| {cells[0]} | {cells[1]} | {anchor} | {_ratio(ratios.get(name))} |")
    if any(_flag(r, name) for r in rows for name in r.details):
        lines.append(f"\n(busy): other programs took over {NOISY_PERCENT:g}% of the CPU during that measurement")
    return "\n".join(lines)


def _flag(r: Row, run: str) -> str:
    detail = r.details.get(run)
    busy = detail.get("other_cpu_percent") if isinstance(detail, dict) else None
    return " (busy)" if busy is not None and busy >= NOISY_PERCENT else ""


def _ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def print_profiles(rows: list[Row]) -> None:
    for r in rows:
        tds = r.details.get("tdsnet", {})
        if isinstance(tds, dict) and tds.get("profile"):
            print(f"\nwhere tdsnet's time goes in {r.metric} (py-spy):")
            print("\n".join(tds["profile"]))


def machine_facts(a: argparse.Namespace, s: Servers) -> dict[str, Any]:
    import pymssql
    import uvloop

    facts: dict[str, Any] = {
        "cores": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "pymssql": pymssql.__version__,
        "psycopg2": None if a.no_postgres else __import__("psycopg2").__version__.split()[0],
        "uvloop": uvloop.__version__,
        "tdsnet_src": str(a.tdsnet_src or "installed"),
        "label": a.label,
        "repo_commit": _git("rev-parse", "--short", "HEAD"),
        "repo_src_dirty": bool(_git("status", "--porcelain", "--", "src")),
        "pg_auth": a.pg_auth,
    }
    if s.postgres:
        facts["postgres"] = s.postgres.version()
    return facts


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    cfg = make_config(a)
    names = selected(a)
    check_clients(a)
    if a.tdsnet_src and not (a.tdsnet_src / "src" / "tdsnet").is_dir():
        progress(f"--tdsnet-src {a.tdsnet_src}: no src/tdsnet there; give the checkout's top folder")
        return 2
    raise_fd_limit(2 * cfg.idle_connections + 256)
    started = time.strftime("%Y%m%d-%H%M%S")
    busy = psutil.cpu_percent(interval=1.0)
    if busy > 10:
        progress(f"warning: the CPU was {busy:.0f}% busy before start: something else is running, figures will suffer")
    servers = Servers(TdsnetServer(a.python, PASSWORD, a.tdsnet_src), None, None)
    try:
        start_servers(a, cfg, names, servers)
        facts = {**machine_facts(a, servers), "cpu_busy_percent_before_start": busy}
        rows = run_all(names, servers, cfg)
    except RuntimeError as exc:  # a server that would not start: nothing was measured (finally cleans up)
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    finally:
        stopped = stop_servers(servers)
    report = table(rows)
    print(report)
    print("\n" + CORES_NOTE.format(cores=os.cpu_count()))
    for r in rows:
        for e in r.errors:
            print(f"error in {r.metric}: {e}")
    for line in stopped.get("tdsnet_log_problems", [])[:10]:
        print(f"tdsnet log: {line}")
    if a.profile:
        print_profiles(rows)
    out = a.output or BENCH_DIR / "results" / f"{started}.json"
    payload = {"started": started, "config": vars(cfg), "machine": facts, "servers": stopped}
    write_json(out, {**payload, "results": [r.to_json() for r in rows], "table": report})
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
