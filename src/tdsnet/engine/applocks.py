"""Application locks: sp_getapplock, sp_releaseapplock, APPLOCK_MODE and APPLOCK_TEST.

A lock is on (database, resource) — the resource compared as binary, as SQL Server does — in one
of SQL Server's lock modes, owned by the session or by its transaction (released at COMMIT or
ROLLBACK).  A request that conflicts waits up to @LockTimeout (default: the session's
LOCK_TIMEOUT) and gives sp_getapplock's return codes: 0 granted, 1 granted after a wait, -1 timed
out, -2 cancelled (ATTENTION), -999 a bad argument.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import SqlError
from .results import Message, Result, ReturnStatus

if TYPE_CHECKING:
    from .session import EngineSession

# Which held modes each requested mode can share a resource with (SQL Server's compatibility matrix).
COMPATIBLE = {
    "Shared": {"Shared", "Update", "IntentShared"},
    "Update": {"Shared", "IntentShared"},
    "IntentShared": {"Shared", "Update", "IntentShared", "IntentExclusive"},
    "IntentExclusive": {"IntentShared", "IntentExclusive"},
    "Exclusive": set(),
}
OWNERS = ("Transaction", "Session")
_PRINCIPAL = "public"
_POLL = 0.05  # seconds between checks for ATTENTION while waiting


@dataclass(slots=True)
class Hold:
    spid: int
    owner: str
    mode: str
    count: int = 1


class AppLocks:
    """Every application lock of an engine; safe across sessions' threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._holds: dict[tuple[str, str], list[Hold]] = {}

    def _conflicts(self, key: tuple[str, str], spid: int, mode: str) -> bool:
        return any(h.spid != spid and h.mode not in COMPATIBLE[mode] for h in self._holds.get(key, ()))

    def acquire(self, session: EngineSession, key: tuple[str, str], mode: str, owner: str, timeout_ms: int) -> int:
        spid = session.info.spid
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000
        waited = False
        with self._changed:
            while self._conflicts(key, spid, mode):
                if session.cancel.is_set():
                    return -2
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return -1
                waited = True
                self._changed.wait(_POLL if left is None else min(_POLL, left))
            holds = self._holds.setdefault(key, [])
            mine = next((h for h in holds if h.spid == spid and h.owner == owner and h.mode == mode), None)
            if mine is None:
                holds.append(Hold(spid, owner, mode))
            else:
                mine.count += 1
        return 1 if waited else 0

    def release(self, spid: int, key: tuple[str, str], owner: str) -> bool:
        with self._changed:
            holds = self._holds.get(key, [])
            mine = next((h for h in reversed(holds) if h.spid == spid and h.owner == owner), None)
            if mine is None:
                return False
            mine.count -= 1
            if mine.count == 0:
                holds.remove(mine)
            self._changed.notify_all()
            return True

    def release_all(self, spid: int, owner: str | None = None) -> None:
        """At COMMIT/ROLLBACK (the transaction's locks) and when the session ends (all of them)."""
        with self._changed:
            for key, holds in list(self._holds.items()):
                holds[:] = [h for h in holds if h.spid != spid or (owner is not None and h.owner != owner)]
                if not holds:
                    del self._holds[key]
            self._changed.notify_all()

    def mode_of(self, spid: int, key: tuple[str, str]) -> str:
        with self._changed:
            held = [h.mode for h in self._holds.get(key, ()) if h.spid == spid]
        return held[-1] if held else "NoLock"

    def would_grant(self, spid: int, key: tuple[str, str], mode: str) -> bool:
        with self._changed:
            return not self._conflicts(key, spid, mode)


# --- the procedures ---------------------------------------------------------------------------------------


def _arguments(proc: str, positional: list[Any], named: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(names)
    if len(positional) > len(names):
        raise SqlError(8144, 16, 2, f"Procedure or function {proc} has too many arguments specified.")
    values.update(zip(names, positional, strict=False))
    for key, value in named.items():
        match = next((n for n in names if n.lower() == key.lower()), None)
        if match is None:
            raise SqlError(8145, 16, 2, f"@{key} is not a parameter for procedure {proc}.")
        values[match] = value
    return values


def _option(proc: str, value: Any, choices: tuple[str, ...], parameter: str) -> str | Message:
    found = next((c for c in choices if c.lower() == str(value).lower()), None)
    if found is None:
        return Message(15625, 10, 1, f"Option '{value}' not recognized for '{parameter}' parameter.", 1, proc)
    return found


def sp_getapplock(session: EngineSession, positional: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    args = _arguments(
        "sp_getapplock", positional, named, ("Resource", "LockMode", "LockOwner", "LockTimeout", "DbPrincipal")
    )
    mode = _option("sp_getapplock", args["LockMode"], tuple(COMPATIBLE), "@LockMode")
    owner = _option("sp_getapplock", args["LockOwner"] or "Transaction", OWNERS, "@LockOwner")
    for problem in (mode, owner):
        if isinstance(problem, Message):
            yield problem
            yield ReturnStatus(-999)
            return
    if owner == "Transaction" and not session.trancount:
        text = "You attempted to acquire a transactional application lock without an active transaction."
        yield Message(15626, 10, 1, text, 1, "sp_getapplock")
        yield ReturnStatus(-999)
        return
    timeout = session.options.lock_timeout if args["LockTimeout"] is None else int(args["LockTimeout"])
    key = (session.database.lower(), str(args["Resource"])[:255])
    yield ReturnStatus(session.engine.applocks.acquire(session, key, str(mode), str(owner), timeout))


def sp_releaseapplock(session: EngineSession, positional: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    args = _arguments("sp_releaseapplock", positional, named, ("Resource", "LockOwner", "DbPrincipal"))
    owner = _option("sp_releaseapplock", args["LockOwner"] or "Transaction", OWNERS, "@LockOwner")
    if isinstance(owner, Message):
        yield owner
        yield ReturnStatus(-999)
        return
    resource = str(args["Resource"])[:255]
    if not session.engine.applocks.release(session.info.spid, (session.database.lower(), resource), owner):
        raise SqlError(
            1223,
            16,
            1,
            f"Cannot release the application lock (Database Principal: '{_PRINCIPAL}', Resource: '{resource}') "
            "because it is not currently held.",
        )
    yield ReturnStatus(0)


def applock_mode(session: EngineSession, args: list[Any]) -> str:
    """APPLOCK_MODE('public', resource, owner)."""
    return session.engine.applocks.mode_of(session.info.spid, (session.database.lower(), str(args[1])[:255]))


def applock_test(session: EngineSession, args: list[Any]) -> int:
    """APPLOCK_TEST('public', resource, mode, owner): 1 when the lock could be granted now."""
    key = (session.database.lower(), str(args[1])[:255])
    return int(session.engine.applocks.would_grant(session.info.spid, key, str(args[2])))
