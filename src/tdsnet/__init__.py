"""tdsnet: SQL Server's network layer rebuilt in Python."""

__version__ = "0.1.0"
