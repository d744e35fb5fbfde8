"""Where the local transports live: named pipes and shared memory as Unix domain sockets.

SQL Server's named pipes (``\\\\.\\pipe\\sql\\query``) and shared memory are Windows IPC.  tdsnet
maps both onto Unix domain sockets under one runtime directory, by a rule the server and the
client share (so nothing else needs configuring):

    runtime directory          $TDSNET_RUNTIME_DIR, else <system temp>/tdsnet
    pipe \\\\.\\pipe\\A\\B           <runtime>/pipe/a/b        (pipe names are case-insensitive)
    shared memory of instance  <runtime>/lpc/<instance>/sql   (the directory is the owner's only)
    instance registrations     <runtime>/instances/<instance>.json   (read by the Browser)

A socket path longer than a Unix socket allows is replaced by a digest of the pipe name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

DEFAULT_INSTANCE = "MSSQLSERVER"
_MAX_SOCKET_PATH = 100  # sun_path is 104-108 bytes depending on the platform


def runtime_dir() -> Path:
    configured = os.environ.get("TDSNET_RUNTIME_DIR")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "tdsnet"


def default_pipe(instance: str = DEFAULT_INSTANCE) -> str:
    """The pipe SQL Server listens on: \\\\.\\pipe\\sql\\query, or \\\\.\\pipe\\MSSQL$NAME\\sql\\query."""
    if instance.upper() == DEFAULT_INSTANCE:
        return r"\\.\pipe\sql\query"
    return rf"\\.\pipe\MSSQL${instance.upper()}\sql\query"


def split_pipe(name: str) -> tuple[str, str]:
    r"""(host, pipe path) of \\host\pipe\path; raises ValueError for anything else."""
    if not name.startswith("\\\\"):
        raise ValueError(f"not a pipe name: {name}")
    parts = name[2:].split("\\")
    if len(parts) < 3 or parts[1].lower() != "pipe" or not parts[0] or not all(parts[2:]):
        raise ValueError(f"not a pipe name: {name}")
    return parts[0], "\\".join(parts[2:])


def pipe_socket(name: str, root: Path | None = None) -> Path:
    r"""The socket of a local pipe (\\.\pipe\..., or the host given by name: the caller checks it is this one)."""
    _host, path = split_pipe(name)
    segments = path.lower().split("\\")
    if any(s in (".", "..") or "/" in s for s in segments):
        raise ValueError(f"not a pipe name: {name}")
    base = (root or runtime_dir()) / "pipe"
    socket = base / Path(*segments)
    if len(str(socket).encode()) > _MAX_SOCKET_PATH:
        socket = base / ("_" + hashlib.sha256(path.lower().encode()).hexdigest()[:32])
    return socket


def shared_memory_socket(instance: str = DEFAULT_INSTANCE, root: Path | None = None) -> Path:
    return (root or runtime_dir()) / "lpc" / instance.lower() / "sql"


def registrations_dir(root: Path | None = None) -> Path:
    return (root or runtime_dir()) / "instances"


def ensure_parent(socket: Path, private: bool) -> None:
    """Create the socket's directory: shared ones world-writable and sticky (like /tmp), private ones 0700."""
    root = runtime_dir()
    for directory in reversed([socket.parent, *socket.parent.parents]):
        if directory != root and root not in directory.parents:
            continue
        if not directory.exists():
            directory.mkdir(exist_ok=True)
            if not private or directory != socket.parent:
                _chmod(directory, 0o1777)
    if private:
        _chmod(socket.parent, 0o700)


def _chmod(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except PermissionError:  # someone else's directory: it already has its mode
        pass
