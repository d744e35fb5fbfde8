"""`make serve` from a fresh clone: the README's first command creates its virtualenv,
starts an instance on the embedded store, and a client can log in."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness import ROOT, free_port

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("make") is None, reason="git and make are needed"
)


def test_make_serve_from_a_fresh_clone(tmp_path: Path) -> None:
    pymssql = pytest.importorskip("pymssql")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    port = free_port()
    env = {**os.environ, "MSSQL_SA_PASSWORD": "Make!Serve1"}
    env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(
        ["make", "serve", f"PORT={port}", "SERVE_ARGS=--listen 127.0.0.1"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        seen = []
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "connect with" in line:
                break
        assert any(f"listening on TCP port {port}" in line for line in seen), "".join(seen)
        conn = pymssql.connect(server="127.0.0.1", port=port, user="sa", password="Make!Serve1")
        cursor = conn.cursor()
        cursor.execute("SELECT DB_NAME()")
        assert cursor.fetchone()[0] == "master"
        conn.close()
        assert (clone / "data" / "master.db").exists()
        assert (clone / "data" / "log" / "ERRORLOG").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
