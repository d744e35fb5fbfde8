"""Optional sampling profiles of the tdsnet server during its measured windows (`run.py --profile DIR`).

py-spy samples the server from outside (no change to tdsnet) and writes collapsed stacks; `summarize` turns
them into the few lines that say where the time goes. It samples only the thread holding the GIL (`--gil`):
tdsnet is one process, so the GIL is its capacity, and what holds it is what limits throughput. (Sampling
also pauses the server briefly, which is why a --profile run's figures are not for comparison.)
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

# Leaf frames that only mean "a worker thread is waiting for work": py-spy cannot always tell them from work.
# (A leaf in `Runner.run` is the event loop's own C code: uvloop's I/O, or waiting in epoll; it is kept.)
IDLE_MARKERS = ("futures/thread.py:81)", "wait (threading.py:")


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


class Recorder:
    """py-spy record on a pid from start() to finish(); a no-op without a directory or without py-spy."""

    def __init__(self, directory: Path | None, name: str, pid: int) -> None:
        self.path = directory / f"{name}.folded" if directory else None
        self.pid = pid
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = py_spy()
        if self.path is None or exe is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [exe, "record", "--pid", str(self.pid), "--rate", "200", "--gil"]
        cmd += ["--format", "raw", "--output", str(self.path)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def finish(self) -> list[str]:
        """Stop sampling (py-spy writes its file on SIGINT) and summarize."""
        if self.proc is None or self.path is None:
            return []
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return []
        return summarize(self.path) if self.path.exists() else []


SCAFFOLDING = ("tdsnet/__main__.py", "tdsnet/cli/")  # on every stack: says nothing


def _package(frame: str) -> str:
    for name in ("sqlglot", "tdsnet", "asyncio", "concurrent"):
        if f"{name}/" in frame:
            return name
    return "other (stdlib, C calls)"


def summarize(path: Path, top: int = 12) -> list[str]:
    """Share of GIL samples per package, per tdsnet function (inclusive) and per leaf frame (self)."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    busy = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or any(m in frames[-1] for m in IDLE_MARKERS):
            continue
        n = int(count)
        busy += n
        leaf[frames[-1]] += n
        packages[_package(frames[-1])] += n
        for frame in set(frames):
            if "tdsnet/" in frame and not any(s in frame for s in SCAFFOLDING):
                inclusive[frame] += n
    if not busy:
        return []
    lines = [f"{busy} samples of the GIL holder; by package of the leaf frame:"]
    lines += ["  " + ", ".join(f"{name} {n / busy:.0%}" for name, n in packages.most_common())]
    lines += ["inclusive (tdsnet functions):"]
    lines += [f"  {n / busy:6.1%}  {f}" for f, n in inclusive.most_common(top)]
    lines += ["self (leaf frames):"]
    lines += [f"  {n / busy:6.1%}  {f}" for f, n in leaf.most_common(top)]
    return lines
