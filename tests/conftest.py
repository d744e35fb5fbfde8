"""Fixtures for tests that start real servers (the harness itself is in harness.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from harness import Server, start_server

# Property tests check behaviour, not speed: no per-example deadline under a loaded parallel run,
# and a fixed example sequence in CI so a red run is reproducible.
settings.register_profile(
    "tdsnet", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=bool(os.environ.get("CI"))
)
settings.load_profile("tdsnet")


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
