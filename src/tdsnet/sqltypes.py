"""SQL Server data types as the engine, the codec and the client all name them.

A `SqlType` is a declared type: ``int``, ``nvarchar(50)``, ``decimal(18,4)``,
``varbinary(max)``, ``datetime2(3)``.  Nullability belongs to a column, not to
its type.  The wire encodings live in `tdsnet.tds.datatypes`; the storage
mappings live in the engine.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from dataclasses import dataclass
from functools import lru_cache

MAX = -1
"""The length of a (max) type: varchar(max), nvarchar(max), varbinary(max)."""

DECIMAL_CONTEXT = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_UP, Emax=999, Emin=-999)
"""Decimal arithmetic wide enough for decimal(38,s) and its intermediate results (Python's
default context keeps only 28 digits)."""

# name -> (family, fixed byte size or None).  Families group types the codec and
# the engine treat alike.
_TYPES: dict[str, tuple[str, int | None]] = {
    "bit": ("int", 1),
    "tinyint": ("int", 1),
    "smallint": ("int", 2),
    "int": ("int", 4),
    "bigint": ("int", 8),
    "real": ("float", 4),
    "float": ("float", 8),
    "decimal": ("decimal", None),
    "numeric": ("decimal", None),
    "money": ("money", 8),
    "smallmoney": ("money", 4),
    "char": ("char", None),
    "varchar": ("char", None),
    "text": ("char", None),
    "nchar": ("nchar", None),
    "nvarchar": ("nchar", None),
    "ntext": ("nchar", None),
    "sysname": ("nchar", None),
    "binary": ("binary", None),
    "varbinary": ("binary", None),
    "image": ("binary", None),
    "timestamp": ("binary", None),
    "rowversion": ("binary", None),
    "date": ("date", 3),
    "time": ("time", None),
    "datetime": ("datetime", 8),
    "smalldatetime": ("datetime", 4),
    "datetime2": ("datetime", None),
    "datetimeoffset": ("datetimeoffset", None),
    "uniqueidentifier": ("guid", 16),
    "sql_variant": ("variant", None),
    "xml": ("nchar", None),
}

SYNONYMS = {
    "integer": "int",
    "dec": "decimal",
    "double precision": "float",
    "character": "char",
    "character varying": "varchar",
    "char varying": "varchar",
    "national character": "nchar",
    "national char": "nchar",
    "national character varying": "nvarchar",
    "national char varying": "nvarchar",
    "national text": "ntext",
    "binary varying": "varbinary",
}

_DEFAULT_LENGTH = {"char": 1, "varchar": 1, "nchar": 1, "nvarchar": 1, "binary": 1, "varbinary": 1}


@dataclass(frozen=True, slots=True)
class Column:
    """A result column: its name, declared type and the flags COLMETADATA carries."""

    name: str
    type: SqlType
    nullable: bool = True
    identity: bool = False
    table: str = ""


class TypeError_(ValueError):
    """A type name or its arguments are not a valid SQL Server type."""


@dataclass(frozen=True, slots=True)
class SqlType:
    """A declared SQL Server type.

    ``length`` counts characters for char/nchar families and bytes for binary,
    `MAX` for the (max) types, None where the type has no length.  ``precision``
    and ``scale`` are set for decimal/numeric; ``scale`` alone for time,
    datetime2 and datetimeoffset (fractional-second digits, 0-7).
    """

    name: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None

    @property
    def family(self) -> str:
        return _TYPES[self.name][0]

    @property
    def is_max(self) -> bool:
        return self.length == MAX

    @property
    def is_unicode(self) -> bool:
        return self.family == "nchar"

    @property
    def is_string(self) -> bool:
        return self.family in ("char", "nchar")

    @property
    def is_fixed_length_string(self) -> bool:
        return self.name in ("char", "nchar", "binary")

    @property
    def is_lob(self) -> bool:
        """text, ntext, image and xml: the long types without a (max) form."""
        return self.name in ("text", "ntext", "image", "xml")

    @property
    def fixed_size(self) -> int | None:
        return _TYPES[self.name][1]

    def byte_length(self) -> int:
        """Maximum storage size in bytes, as sys.columns.max_length shows it."""
        if self.is_max:
            return -1
        if self.name in ("text", "ntext", "image", "xml"):
            return 16
        if self.name == "sysname":
            return 256
        if self.family == "nchar":
            return (self.length or 1) * 2
        if self.family in ("char", "binary"):
            return self.length or 1
        if self.family == "decimal":
            return decimal_storage_size(self.precision or 18)
        if self.family in ("time", "datetime", "datetimeoffset") and self.fixed_size is None:
            base = time_storage_size(7 if self.scale is None else self.scale)
            return base + {"time": 0, "datetime": 3, "datetimeoffset": 5}[self.family]
        return self.fixed_size or 0

    def __str__(self) -> str:
        if self.family == "decimal":
            return f"{self.name}({self.precision},{self.scale})"
        if self.name in ("time", "datetime2", "datetimeoffset"):
            return f"{self.name}({7 if self.scale is None else self.scale})"
        if self.name in _DEFAULT_LENGTH:
            return f"{self.name}({'max' if self.is_max else self.length})"
        return self.name


def decimal_storage_size(precision: int) -> int:
    """Bytes of a decimal's magnitude on the wire and on disk (without the sign)."""
    if precision <= 9:
        return 5
    if precision <= 19:
        return 9
    if precision <= 28:
        return 13
    return 17


def time_storage_size(scale: int) -> int:
    """Bytes of the time part of time/datetime2/datetimeoffset at a scale."""
    return 3 if scale <= 2 else 4 if scale <= 4 else 5


_TYPE_RE = re.compile(r"^\s*([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def parse_type(text: str) -> SqlType:
    """Parse a type as T-SQL writes it: ``NVARCHAR(MAX)``, ``decimal(10, 2)``, ``int``.

    Raises `TypeError_` (message in SQL Server's words) for unknown names and bad
    arguments.
    """
    match = _TYPE_RE.match(text)
    if not match:
        raise TypeError_(f"Column, parameter, or variable : Cannot find data type {text}.")
    raw, arg1, arg2 = match.groups()
    name = " ".join(raw.lower().split())
    name = SYNONYMS.get(name, name)
    if name not in _TYPES:
        raise TypeError_(f"Column, parameter, or variable : Cannot find data type {raw}.")
    return make_type(name, arg1, arg2)


def make_type(name: str, arg1: str | int | None = None, arg2: str | int | None = None) -> SqlType:
    """Build a type from a name and up to two arguments, applying SQL Server's defaults."""
    family = _TYPES[name][0]
    if family == "decimal":
        precision = 18 if arg1 is None else int(arg1)
        scale = 0 if arg2 is None else int(arg2)
        if not 1 <= precision <= 38:
            raise TypeError_(
                f"The size ({precision}) given to the type '{name}' exceeds the maximum allowed for any data type (38)."
            )
        if scale > precision:
            raise TypeError_(f"The scale ({scale}) for column must be within the range 0 to {precision}.")
        return SqlType(name, precision=precision, scale=scale)
    if name == "float":
        # float(n): 1-24 is real, 25-53 is float.
        if arg1 is not None and int(arg1) <= 24:
            return SqlType("real")
        return SqlType("float")
    if name in ("time", "datetime2", "datetimeoffset"):
        scale = 7 if arg1 is None else int(arg1)
        if not 0 <= scale <= 7:
            raise TypeError_(f"Specified scale {scale} is invalid. '{name}' datatype must have scale between 0 and 7.")
        return SqlType(name, scale=scale)
    if name == "sysname":
        return SqlType("nvarchar", length=128)
    if name in ("timestamp", "rowversion"):
        return SqlType("binary", length=8)
    if name in _DEFAULT_LENGTH:
        if arg1 is None:
            return SqlType(name, length=_DEFAULT_LENGTH[name])
        if str(arg1).lower() == "max":
            if name in ("char", "nchar", "binary"):
                raise TypeError_(f"Incorrect syntax near 'max'. ({name}(max) is not a type)")
            return SqlType(name, length=MAX)
        length = int(arg1)
        limit = 4000 if family == "nchar" else 8000
        if not 1 <= length <= limit:
            raise TypeError_(
                f"The size ({length}) given to the type '{name}' exceeds the maximum allowed "
                f"for any data type ({limit})."
            )
        return SqlType(name, length=length)
    if name in ("text", "ntext", "image", "xml"):
        return SqlType(name, length=MAX)
    return SqlType(name)


# Frequently used types, built once.
BIT = SqlType("bit")
TINYINT = SqlType("tinyint")
SMALLINT = SqlType("smallint")
INT = SqlType("int")
BIGINT = SqlType("bigint")
REAL = SqlType("real")
FLOAT = SqlType("float")
MONEY = SqlType("money")
SMALLMONEY = SqlType("smallmoney")
DATE = SqlType("date")
DATETIME = SqlType("datetime")
SMALLDATETIME = SqlType("smalldatetime")
DATETIME2 = SqlType("datetime2", scale=7)
DATETIMEOFFSET = SqlType("datetimeoffset", scale=7)
TIME = SqlType("time", scale=7)
UNIQUEIDENTIFIER = SqlType("uniqueidentifier")
SYSNAME = SqlType("nvarchar", length=128)
NVARCHAR_MAX = SqlType("nvarchar", length=MAX)
VARCHAR_MAX = SqlType("varchar", length=MAX)
VARBINARY_MAX = SqlType("varbinary", length=MAX)
SQL_VARIANT = SqlType("sql_variant")


def nvarchar(length: int) -> SqlType:
    return SqlType("nvarchar", length=length)


def varchar(length: int) -> SqlType:
    return SqlType("varchar", length=length)


def decimal(precision: int, scale: int) -> SqlType:
    return SqlType("decimal", precision=precision, scale=scale)


class DateTime7(_dt.datetime):
    """A datetime at SQL Server's 100 ns precision: ``tick`` is the seventh fractional digit
    (Python's datetime stops at microseconds)."""

    __slots__ = ("tick",)

    tick: int

    @classmethod
    def of(cls, value: _dt.datetime, tick: int) -> _dt.datetime:
        """``value`` with a seventh digit; a plain datetime when the digit is 0."""
        if not tick:
            return value
        made = cls(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
        )
        made.tick = tick
        return made


class Time7(_dt.time):
    """A time at 100 ns precision (see `DateTime7`)."""

    __slots__ = ("tick",)

    tick: int

    @classmethod
    def of(cls, value: _dt.time, tick: int) -> _dt.time:
        if not tick:
            return value
        made = cls(value.hour, value.minute, value.second, value.microsecond, value.tzinfo)
        made.tick = tick
        return made


def tick_of(value: object) -> int:
    """The seventh fractional digit of a date/time value (0 for plain Python values)."""
    return getattr(value, "tick", 0)
