"""sqlcmd's output: result sets in fixed-width columns, "(n rows affected)", and messages.

Widths are the ODBC display sizes sqlcmd uses (int 11, bigint 20, datetime 23, decimal(p,s) p+2,
char(n) n, sql_variant 8000...; binary(n) 2n+2, room for 0x and two digits a byte), widened to the
column name, and to 4 where a nullable column may print NULL.  The
(max) and long types are cut at SQLCMDMAXVARTYPEWIDTH (-y, 256 by default, 0 = no limit), the
sized character and binary types at SQLCMDMAXFIXEDTYPEWIDTH (-Y, 0 = no limit).  Numbers (and
dates and times, which fill their width anyway) are right-aligned, everything else left-aligned.
Every column is padded, the last one too, unless -W, which trims values and sizes the dashes to the
name.  -w wraps the lines at that many characters (0, the default, never wraps).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from ...client.errors import ServerMessage
from .stream import ColumnSpec

_FIXED_WIDTHS = {
    "bit": 1,
    "tinyint": 3,
    "smallint": 6,
    "int": 11,
    "bigint": 20,
    "real": 14,
    "float": 24,
    "money": 21,
    "smallmoney": 12,
    "date": 10,
    "smalldatetime": 19,
    "datetime": 23,
    "uniqueidentifier": 36,
    "timestamp": 18,
    "sql_variant": 8000,
}
_FRACTIONAL_BASE = {"time": 8, "datetime2": 19, "datetimeoffset": 26}  # plus '.' and the digits
_NUMBERS = {"bit", "tinyint", "smallint", "int", "bigint", "real", "float", "decimal", "numeric", "money", "smallmoney"}
_TEMPORAL = {"date", "time", "datetime", "datetime2", "smalldatetime", "datetimeoffset"}
_RIGHT = _NUMBERS | _TEMPORAL
_CHARACTERS = {"char", "varchar", "nchar", "nvarchar", "text", "ntext", "xml", "sysname"}
_SIZED = {"char", "varchar", "nchar", "nvarchar", "binary", "varbinary", "sysname"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_RUNS = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class Layout:
    """The formatting settings of one batch (read from the scripting variables when it starts)."""

    colsep: str = " "
    headers: int = 0  # rows between headers: 0 once per result set, -1 never
    trim: bool = False  # -W
    screen_width: int = 0  # -w; 0 never wraps
    var_width: int = 256  # -y; 0 unlimited
    fixed_width: int = 0  # -Y; 0 unlimited
    control: int = 0  # -k: 0 keep, 1 each control character -> ' ', 2 each run -> ' '


@dataclass(frozen=True, slots=True)
class Column:
    spec: ColumnSpec
    width: int | None  # None: no padding and no cut (-y 0 on a long type)
    cut: bool  # values longer than width are cut (a -y / -Y limit applies)
    right: bool


def column_layout(spec: ColumnSpec, layout: Layout) -> Column:
    width, cut = _type_width(spec, layout)
    right = spec.type_name in _RIGHT
    if width is None:
        return Column(spec, None, False, right)
    return Column(spec, max(width, len(spec.name), 4 if spec.nullable else 0), cut, right)


def _type_width(spec: ColumnSpec, layout: Layout) -> tuple[int | None, bool]:
    """The type's display width (None: unlimited) and whether a -y/-Y limit cut it down."""
    name = spec.type_name
    if name == "sql_variant":
        return _limited(_FIXED_WIDTHS[name], layout.fixed_width)
    if name in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[name], False
    if name in ("decimal", "numeric"):
        return (spec.precision or 18) + 2, False
    if name in _FRACTIONAL_BASE:
        scale = 7 if spec.scale is None else spec.scale
        return _FRACTIONAL_BASE[name] + (scale + 1 if scale else 0), False
    if name in _SIZED and spec.length is not None and spec.length >= 0 and not spec.lob:
        size = spec.length * 2 + 2 if name in ("binary", "varbinary") else spec.length
        return _limited(size, layout.fixed_width)
    # (max), text, ntext, image, xml and CLR types: cut at the variable-length limit, 0 = unlimited
    return (layout.var_width, True) if layout.var_width else (None, False)


def _limited(size: int, limit: int) -> tuple[int, bool]:
    if limit and size > limit:
        return limit, True
    return size, False


# --- values -------------------------------------------------------------------------------------


def value_text(value: Any, spec: ColumnSpec) -> str:
    """A value as sqlcmd prints it (the ODBC driver's character conversion)."""
    if value is None:
        return "NULL"
    formatter = _VALUE_FORMATS.get(spec.type_name)
    if formatter is not None:
        return formatter(value, spec)
    return _generic(value)


def _generic(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes | bytearray | memoryview):
        return "0x" + bytes(value).hex().upper()
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return _float(value, 17)
    if isinstance(value, dt.datetime):
        return _datetime(value, 7 if value.microsecond else 3)
    return str(value)


def _float(value: float, digits: int) -> str:
    text = f"{value:.{digits}g}"
    return text.replace("e", "E")


def _fraction(microseconds: int, scale: int) -> str:
    if scale == 0:
        return ""
    return "." + f"{microseconds:06d}0"[:scale]


def _datetime(value: dt.datetime, scale: int) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") + _fraction(value.microsecond, scale)


def _offset(value: dt.datetime) -> str:
    delta = value.utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _scale(spec: ColumnSpec) -> int:
    return 7 if spec.scale is None else spec.scale


_VALUE_FORMATS: dict[str, Callable[[Any, ColumnSpec], str]] = {
    "bit": lambda v, s: "1" if v else "0",
    "real": lambda v, s: _float(float(v), 9),
    "float": lambda v, s: _float(float(v), 17),
    "money": lambda v, s: format(decimal.Decimal(v).quantize(decimal.Decimal("0.0001")), "f"),
    "smallmoney": lambda v, s: format(decimal.Decimal(v).quantize(decimal.Decimal("0.0001")), "f"),
    "datetime": lambda v, s: _datetime(v, 3),
    "smalldatetime": lambda v, s: _datetime(v, 0),
    "datetime2": lambda v, s: _datetime(v, _scale(s)),
    "datetimeoffset": lambda v, s: f"{_datetime(v, _scale(s))} {_offset(v)}",
    "date": lambda v, s: v.isoformat(),
    "time": lambda v, s: v.strftime("%H:%M:%S") + _fraction(v.microsecond, _scale(s)),
    "uniqueidentifier": lambda v, s: str(v).upper(),
}


def clean_controls(text: str, mode: int) -> str:
    """-k1: every control character becomes a blank; -k2: every run of them becomes one blank."""
    if mode == 1:
        return _CONTROL.sub(" ", text)
    if mode == 2:
        return _CONTROL_RUNS.sub(" ", text)
    return text


# --- result sets --------------------------------------------------------------------------------


class ResultPrinter:
    """Prints one result set: header and dashes, rows, and the trailing blank line."""

    def __init__(self, out: TextIO, columns: tuple[ColumnSpec, ...], layout: Layout) -> None:
        self.out = out
        self.layout = layout
        self.columns = [column_layout(spec, layout) for spec in columns]
        self.rows = 0
        if layout.headers >= 0:
            self._header()

    def _header(self) -> None:
        names, dashes = [], []
        for column in self.columns:
            name = column.spec.name
            if self.layout.trim or column.width is None:
                names.append(name)
                dashes.append("-" * max(len(name), 1))
            else:
                names.append(name.ljust(column.width))
                dashes.append("-" * column.width)
        self._line(self.layout.colsep.join(names))
        self._line(self.layout.colsep.join(dashes))

    def row(self, values: tuple[Any, ...]) -> Any:
        """Print a row; return its first value (for :exit(query))."""
        cells = [self._cell(value, column) for value, column in zip(values, self.columns, strict=False)]
        self._line(self.layout.colsep.join(cells))
        self.rows += 1
        if self.layout.headers > 0 and self.rows % self.layout.headers == 0:
            self.out.write("\n")
            self._header()
        return values[0] if values else None

    def _cell(self, value: Any, column: Column) -> str:
        text = value_text(value, column.spec)
        if column.spec.type_name in _CHARACTERS:
            text = clean_controls(text, self.layout.control)
        if column.width is not None and column.cut and len(text) > column.width:
            text = text[: column.width]
        if self.layout.trim:
            return text.rstrip(" ")
        if column.width is None:
            return text
        return text.rjust(column.width) if column.right else text.ljust(column.width)

    def _line(self, text: str) -> None:
        width = self.layout.screen_width
        if width and len(text) > width:
            text = "\n".join(text[i : i + width] for i in range(0, len(text), width))
        self.out.write(text + "\n")


def rows_affected(count: int) -> str:
    return f"({count} row affected)" if count == 1 else f"({count} rows affected)"


def message_header(message: ServerMessage) -> str:
    """'Msg 208, Level 16, State 1, Server NAME, Line 1' (with ', Procedure p' before Line when in one)."""
    procedure = f"Procedure {message.procedure}, " if message.procedure else ""
    return (
        f"Msg {message.number}, Level {message.class_}, State {message.state}, "
        f"Server {message.server}, {procedure}Line {message.line}"
    )
