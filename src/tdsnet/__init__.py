"""tdsnet: SQL Server's network layer rebuilt in Python."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`tdsnet.connect` is the client driver's (tdsnet.client, the DB-API 2.0 module), imported on first use
    so that `tdsnet serve` does not load the client."""
    if name == "connect":
        from .client import connect

        return connect
    raise AttributeError(f"module 'tdsnet' has no attribute {name!r}")
