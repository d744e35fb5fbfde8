"""Run-time checks SQL Server makes and SQLite does not, as SQLite functions the compiler calls.

Each returns its argument (or 1) when the check passes, so the compiler can wrap the value it
guards; a failure raises the SqlError SQL Server reports.
"""

from __future__ import annotations

from typing import Any

from .errors import SqlError


def single_row(count: int) -> int:
    """A scalar subquery that returned more than one row: error 512."""
    if count > 1:
        raise SqlError(
            512,
            16,
            1,
            "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, "
            ">= or when the subquery is used as an expression.",
        )
    return 1


def recursion_level(level: int, limit: int) -> int:
    """A recursive CTE going deeper than MAXRECURSION (100 unless the query says; 0 is no limit)."""
    if limit and level > limit:
        raise SqlError(
            530,
            16,
            1,
            f"The statement terminated. The maximum recursion {limit} has been exhausted before statement completion.",
        )
    return level


def offset_rows(count: Any) -> Any:
    if count is not None and int(count) < 0:
        raise SqlError(10742, 15, 1, "The offset specified in a OFFSET clause may not be negative.")
    return count


def fetch_rows(count: Any) -> Any:
    if count is not None and int(count) <= 0:
        raise SqlError(10744, 15, 1, "The number of rows provided for a FETCH clause must be greater then zero.")
    return count


def top_percent(percent: Any) -> Any:
    if percent is not None and not 0 <= float(percent) <= 100:
        raise SqlError(1031, 15, 1, "Percent values must be between 0 and 100.")
    return percent


def top_rows(count: Any) -> Any:
    if count is not None and int(count) < 0:
        raise SqlError(1014, 15, 1, "A TOP N or FETCH rows count value may not be negative.")
    return count


def unhex(text: Any) -> bytes | None:
    """Binary values travel through JSON (CROSS APPLY) as hex text."""
    return None if text is None else bytes.fromhex(text)


SQLITE_FUNCTIONS: list[tuple[str, int, Any]] = [
    ("tsql_single_row", 1, single_row),
    ("tsql_recursion_level", 2, recursion_level),
    ("tsql_offset_rows", 1, offset_rows),
    ("tsql_fetch_rows", 1, fetch_rows),
    ("tsql_top_percent", 1, top_percent),
    ("tsql_top_rows", 1, top_rows),
    ("tsql_unhex", 1, unhex),
]
