"""The instance's ERRORLOG, in SQL Server's format.

    2026-11-21 10:00:00.00 Server      Server is listening on [ 'any' <ipv4> 1433].
    2026-11-21 10:00:05.12 Logon       Error: 18456, Severity: 14, State: 8.
    2026-11-21 10:00:05.12 Logon       Login failed for user 'sa'. Reason: ...

Like SQL Server, each start cycles the log: ERRORLOG becomes ERRORLOG.1 and so
on, keeping six archives.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path

ARCHIVES = 6
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{2}) (\S+)\s+(.*)$")


@dataclass(frozen=True, slots=True)
class LogEntry:
    when: dt.datetime
    source: str
    text: str


class ErrorLog:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "ERRORLOG"
        self._lock = threading.Lock()
        self._file = None

    def open(self) -> None:
        """Cycle the archives and start a new ERRORLOG."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._cycle()
        self._file = self.path.open("a", encoding="utf-8", buffering=1)

    def _cycle(self) -> None:
        if not self.path.exists():
            return
        oldest = self.directory / f"ERRORLOG.{ARCHIVES}"
        oldest.unlink(missing_ok=True)
        for n in range(ARCHIVES - 1, 0, -1):
            older = self.directory / f"ERRORLOG.{n}"
            if older.exists():
                older.rename(self.directory / f"ERRORLOG.{n + 1}")
        self.path.rename(self.directory / "ERRORLOG.1")

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def write(self, text: str, source: str = "Server") -> None:
        now = dt.datetime.now()
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.") + f"{now.microsecond // 10000:02d}"
        lines = "".join(f"{stamp} {source:<11} {line}\n" for line in text.splitlines() or [""])
        with self._lock:
            if self._file is not None:
                self._file.write(lines)

    def error(self, number: int, severity: int, state: int, text: str, source: str = "Server") -> None:
        """An error as SQL Server logs it: the numbers line, then the message line."""
        self.write(f"Error: {number}, Severity: {severity}, State: {state}.\n{text}", source)

    def read(self, archive: int = 0) -> list[LogEntry]:
        """Entries of ERRORLOG (0) or an archive; continuation lines join their entry."""
        path = self.path if archive == 0 else self.directory / f"ERRORLOG.{archive}"
        if not path.exists():
            return []
        entries: list[LogEntry] = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _LINE.match(line)
            if match:
                when = dt.datetime.strptime(match.group(1) + "0000", "%Y-%m-%d %H:%M:%S.%f")
                entries.append(LogEntry(when, match.group(2), match.group(3)))
            elif entries:
                last = entries[-1]
                entries[-1] = LogEntry(last.when, last.source, f"{last.text}\n{line}")
        return entries
