"""`tdsnet doctor`: why a connection fails, step by step, with the fix.

    tdsnet doctor "Server=tcp:db,1433;User ID=app;Password=...;Encrypt=yes"
    tdsnet doctor 'db\\SALES' -U app -P ...        a bare server name works too
    tdsnet doctor ... --json                      for machines (see tdsnet.doctor.report)
    tdsnet doctor --local                         this host's SQL Server listeners and their processes

Exit status: 0 when nothing failed, 1 when a step failed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any, TextIO

from ..doctor import connection_string, diagnose
from ..doctor.netstat import render, survey
from ..doctor.report import FAILED, OK, SKIPPED, WARNING, Report

MARKS = {OK: "✓", WARNING: "!", FAILED: "✗", SKIPPED: "-"}
ASCII_MARKS = {OK: "+", WARNING: "!", FAILED: "x", SKIPPED: "-"}
WIDTH = 100


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "doctor",
        help="diagnose a connection step by step (or --local: this host's SQL Server listeners)",
        description="Run each step of a connection (parse, alias, protocol order, DNS, Browser, TCP, PRELOGIN, TLS, "
        "login, endpoint, database), stop at the first failure and explain it with the fix.",
    )
    parser.add_argument("target", nargs="?", help="a connection string, or a server name such as host\\instance,port")
    parser.add_argument("-U", "--user", help="the login (instead of User ID= in the connection string)")
    parser.add_argument("-P", "--password", help="its password (instead of Password=); never printed")
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="seconds to wait for each network answer (default 5)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--local", action="store_true", help="list this host's SQL Server listeners and their PIDs")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.local:
        return _local(args, out)
    if not args.target:
        print("tdsnet doctor: give a connection string or a server name (or --local)", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print("tdsnet doctor: --timeout must be more than 0 seconds", file=sys.stderr)
        return 2
    report = diagnose(connection_string(args.target, args.user, args.password), args.timeout)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, default=str), file=out)
    else:
        _print(report, out)
    return 0 if report.ok else 1


def _local(args: argparse.Namespace, out: TextIO) -> int:
    data = survey()
    if args.json:
        print(json.dumps(data, indent=2), file=out)
    else:
        print("\n".join(render(data)), file=out)
    return 0


def _marks(out: TextIO) -> dict[str, str]:
    try:
        "✓✗".encode(getattr(out, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return MARKS


def _print(report: Report, out: TextIO) -> None:
    marks = _marks(out)
    print(f"tdsnet doctor: {report.target}", file=out)
    print(file=out)
    names = [s.name.replace("_", " ") for s in report.steps]
    width = max(len(n) for n in names) if names else 0
    for step, name in zip(report.steps, names, strict=True):
        timing = f"{step.elapsed_ms:>7.1f} ms" if step.verdict != SKIPPED else " " * 10
        head = f"  {marks[step.verdict]} {name:<{width}}  {timing}  "
        print(_wrap(step.detail, head, " " * len(head)), file=out)
    diagnosis = report.diagnosis
    if diagnosis is None:
        return
    print(file=out)
    title = "Diagnosis" if diagnosis.cause != "ok" else "Result"
    print(_wrap(diagnosis.explanation, f"{title} ({diagnosis.cause}): ", "  "), file=out)
    if diagnosis.fix:
        print(_wrap(diagnosis.fix, "Fix: ", "  "), file=out)


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    )
