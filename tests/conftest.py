"""Fixtures for tests that start real servers (the harness itself is in harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One instance shared by tests that only need a working server."""
    running = start_server(tmp_path_factory.mktemp("shared"))
    yield running
    running.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[object]:
    """A factory for servers of a test's own: fresh_server(*args, **kwargs)."""
    started: list[Server] = []

    def make(*args: str, **kwargs: object) -> Server:
        data_dir = kwargs.pop("data_dir", None) or tmp_path / f"instance{len(started)}"
        running = start_server(Path(data_dir), *args, **kwargs)  # type: ignore[arg-type]
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()
