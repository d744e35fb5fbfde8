"""RAISERROR: its printf-style message formatting and what the statement reports.

    RAISERROR ( { msg_id | msg_str | @local_variable } , severity , state [ , argument [ , ...n ] ] )
        [ WITH option [ , ...n ] ]

A format item is ``% [flag] [width] [. precision] [h | l | I64] type`` with the flags
``- + 0 # space``, ``*`` for a width or precision taken from the arguments, and the types
``d i o s u x X``.  Severity 10 and below is an informational message (SQL Server reports
severity 10 as 0); above 18 needs WITH LOG.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from . import errors, values
from .errors import SqlError

_ITEM = re.compile(
    r"%%|%(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?(?:I64|h|l)?(?P<type>[diosuxX])"
)
_UNSIGNED_BITS = 32
MAX_SEVERITY_WITHOUT_LOG = 18


def format_message(template: str, args: Sequence[Any]) -> str:
    """The template with its format items replaced by the arguments, in order."""
    supply: Iterator[Any] = iter(args)

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        width = _star(match.group("width"), supply)
        precision = _star(match.group("precision"), supply)
        value = next(supply, None)
        if value is None:
            return "(null)"
        return _format_item(value, match.group("flags"), width, precision, match.group("type"))

    return _ITEM.sub(substitute, template)


def _star(written: str | None, supply: Iterator[Any]) -> int | None:
    if written is None:
        return None
    if written == "*":
        value = next(supply, None)
        return None if value is None else int(value)
    return int(written)


def _format_item(value: Any, flags: str, width: int | None, precision: int | None, kind: str) -> str:
    spec = flags + ("" if width is None else str(width))
    try:
        if kind == "s":
            text = values.to_text(value)
            if precision is not None:
                text = text[:precision]
            return ("%" + spec + "s") % text
        number = int(value)
        if kind in "uoxX" and number < 0:
            number &= (1 << _UNSIGNED_BITS) - 1
        digits = "" if precision is None else f".{precision}"
        return ("%" + spec + digits + ("d" if kind in "diu" else kind)) % number
    except (TypeError, ValueError):
        return values.to_text(value)


def raise_error(
    message: Any, severity: int, state: int, args: Sequence[Any], options: str
) -> tuple[int, int, int, str]:
    """(number, severity as reported, state, text) of a RAISERROR, or the error it fails with."""
    options = options.upper()
    if severity > MAX_SEVERITY_WITHOUT_LOG and "LOG" not in options:
        raise SqlError(
            2754,
            16,
            1,
            "Error severity levels greater than 18 can only be specified by members of the sysadmin role, "
            "using the WITH LOG option.",
        )
    if isinstance(message, int):
        raise _unknown_message(message, severity, state)
    text = format_message("" if message is None else str(message), args)
    return 50000, (0 if severity == 10 else severity), state, text


def _unknown_message(number: int, severity: int, state: int) -> SqlError:
    """tdsnet has no sys.messages to look numbers up in (sp_addmessage is not supported)."""
    if number < 13000 or number == 50000:
        return SqlError(
            2732,
            16,
            1,
            f"Error number {number} is invalid. The number must be from 13000 through 2147483647 and it cannot "
            "be 50000.",
        )
    return errors.SqlError(
        18054,
        16,
        1,
        f"Error {number}, severity {severity}, state {state} was raised, but no message with that error number "
        "was found in sys.messages. If error is larger than 50000, make sure the user-defined message is added "
        "using sp_addmessage.",
    )
