"""Values: SQL Server's conversion rules, and how each type is stored in SQLite.

Python values are the codec's (int, float, Decimal, str, bytes, date, time,
datetime, UUID, bool).  In SQLite:

* integers and bit are INTEGER, real/float are REAL, binaries are BLOB;
* decimal/numeric/money are TEXT holding the exact value at the declared scale,
  compared through the DECIMAL collation, so nothing is lost to floating point;
* date/time types are TEXT in a fixed ISO form that sorts like the values
  ('2026-11-21 10:00:00.1234567'), datetimeoffset with its offset appended;
* uniqueidentifier is TEXT, upper case, as SQL Server displays it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .. import sqltypes
from ..sqltypes import DECIMAL_CONTEXT as CTX
from ..sqltypes import MAX, DateTime7, SqlType, Time7, tick_of
from . import errors

_INT_RANGES = {
    "bit": (0, 1),
    "tinyint": (0, 255),
    "smallint": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_MONEY_RANGES = {
    "money": (Decimal(-(2**63)).scaleb(-4, CTX), Decimal(2**63 - 1).scaleb(-4, CTX)),
    "smallmoney": (Decimal(-(2**31)).scaleb(-4, CTX), Decimal(2**31 - 1).scaleb(-4, CTX)),
}
DATETIME_MIN = dt.datetime(1753, 1, 1)
SMALLDATETIME_MIN = dt.datetime(1900, 1, 1)
SMALLDATETIME_MAX = dt.datetime(2079, 6, 6, 23, 59)
ONE = Decimal(1)


def type_name_of_value(value: Any) -> str:
    """The SQL Server type name a Python value most naturally has (for messages)."""
    return str(type_of_value(value).name)


def type_of_value(value: Any) -> SqlType:
    """The type SQL Server would give a value of this Python type."""
    if isinstance(value, bool):
        return sqltypes.BIT
    if isinstance(value, int):
        return sqltypes.INT if -(2**31) <= value < 2**31 else sqltypes.BIGINT
    if isinstance(value, float):
        return sqltypes.FLOAT
    if isinstance(value, Decimal):
        return decimal_type_of(value)
    if isinstance(value, str):
        return sqltypes.nvarchar(max(1, min(len(value), 4000))) if len(value) <= 4000 else (sqltypes.NVARCHAR_MAX)
    if isinstance(value, bytes | bytearray):
        return SqlType("varbinary", length=max(1, len(value))) if len(value) <= 8000 else (sqltypes.VARBINARY_MAX)
    if isinstance(value, dt.datetime):
        return sqltypes.DATETIMEOFFSET if value.tzinfo else sqltypes.DATETIME2
    if isinstance(value, dt.date):
        return sqltypes.DATE
    if isinstance(value, dt.time):
        return sqltypes.TIME
    if isinstance(value, uuid.UUID):
        return sqltypes.UNIQUEIDENTIFIER
    return sqltypes.SQL_VARIANT


def decimal_type_of(value: Decimal) -> SqlType:
    """numeric(p,s) of a literal such as 12.345 (precision from its digits)."""
    if not value.is_finite():
        return sqltypes.FLOAT
    _, digits, exponent = value.as_tuple()
    exponent = int(exponent)
    scale = min(38, max(0, -exponent))
    integer_digits = max(len(digits) + exponent, 0)
    precision = min(38, max(integer_digits + scale, 1))
    return SqlType("numeric", precision=precision, scale=scale)


# --- conversion (CAST/CONVERT) -----------------------------------------------------------------


def cast(value: Any, target: SqlType, source: SqlType | None = None, dateformat: str = "mdy") -> Any:
    """CAST(value AS target) with SQL Server's rules; raises SqlError."""
    if value is None:
        return None
    family = target.family
    if family == "int":
        return _to_int(value, target)
    if family == "float":
        return _to_float(value, target)
    if family in ("decimal", "money"):
        return _to_decimal(value, target)
    if family in ("char", "nchar"):
        return _to_string(value, target, source)
    if family == "binary":
        return _to_binary(value, target, source)
    if family in ("date", "time", "datetime", "datetimeoffset"):
        return _to_temporal(value, target, dateformat)
    if family == "guid":
        return _to_guid(value)
    return value


def _source_name(value: Any) -> str:
    return "nvarchar" if isinstance(value, str) else type_name_of_value(value)


def _to_int(value: Any, target: SqlType) -> int:
    name = target.name
    if isinstance(value, bool):
        number: Any = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise errors.arithmetic_overflow(name)
        number = int(value)  # truncates toward zero, as SQL Server does
        if name == "bit":
            return 1 if value != 0 else 0
    elif isinstance(value, str):
        number = _parse_int_text(value, name)
    elif isinstance(value, bytes | bytearray):
        number = int.from_bytes(value[-_INT_BYTES.get(name, 8) :] or b"\x00", "big", signed=True)
    else:
        raise errors.conversion_error(type_name_of_value(value), name)
    if name == "bit":
        return 1 if number else 0
    low, high = _INT_RANGES[name]
    if not low <= number <= high:
        raise errors.arithmetic_overflow(name)
    return number


_INT_BYTES = {"tinyint": 1, "smallint": 2, "int": 4, "bigint": 8}


def _parse_int_text(text: str, name: str) -> int:
    stripped = text.strip()
    if name == "bit":
        lowered = stripped.lower()
        if lowered in ("true", "false"):
            return 1 if lowered == "true" else 0
    try:
        return int(stripped)
    except ValueError:
        pass
    raise errors.conversion_failed(text, name, f"{_source_name(text)} value")


def _to_float(value: Any, target: SqlType) -> float:
    try:
        if isinstance(value, str):
            number = float(value.strip())
        elif isinstance(value, bool | int | float | Decimal):
            number = float(value)
        else:
            raise TypeError
    except (ValueError, TypeError):
        raise errors.conversion_error(_source_name(value), target.name) from None
    if not math.isfinite(number):
        raise errors.arithmetic_overflow(target.name)
    if target.name == "real":
        number = _round_real(number)
    return number


def _round_real(number: float) -> float:
    import struct

    try:
        return struct.unpack("<f", struct.pack("<f", number))[0]
    except OverflowError:
        raise errors.arithmetic_overflow("real") from None


def _to_decimal(value: Any, target: SqlType) -> Decimal:
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, bool | int):
            number = Decimal(int(value))
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise errors.arithmetic_overflow(target.name)
            number = Decimal(repr(value))
        elif isinstance(value, str):
            number = Decimal(value.strip().replace(",", "") if target.family == "money" else value.strip())
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise errors.conversion_error(_source_name(value), "numeric") from None
    if not number.is_finite():
        raise errors.conversion_error(_source_name(value), "numeric")
    if target.family == "money":
        rounded = number.quantize(Decimal("0.0001"), ROUND_HALF_UP, CTX)
        low, high = _MONEY_RANGES[target.name]
        if not low <= rounded <= high:
            raise errors.arithmetic_overflow(target.name)
        return rounded
    scale = target.scale or 0
    precision = target.precision or 18
    rounded = number.quantize(ONE.scaleb(-scale, CTX), ROUND_HALF_UP, CTX)
    if rounded.adjusted() >= precision - scale and rounded != 0:
        raise errors.SqlError(8115, 16, 8, "Arithmetic overflow error converting numeric to data type numeric.")
    return rounded


def _to_string(value: Any, target: SqlType, source: SqlType | None) -> str:
    text = to_text(value, source)
    if target.length not in (None, MAX) and len(text) > target.length:
        text = text[: target.length]
    if target.is_fixed_length_string and target.length not in (None, MAX):
        text = text.ljust(target.length)
    return text


def to_text(value: Any, source: SqlType | None = None) -> str:
    """A value as CAST(value AS nvarchar) shows it (style 0)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, Decimal):
        if source is not None and source.family == "money":
            return format(value.quantize(Decimal("0.01"), ROUND_HALF_UP, CTX), "f")
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if source is not None and source.name in ("datetime", "smalldatetime"):
            return value.strftime("%b %d %Y %I:%M%p").replace(" 0", "  ", 1)
        scale = 7 if source is None or source.scale is None else source.scale
        return format_temporal(value, "datetimeoffset" if value.tzinfo else "datetime2", scale)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        scale = 7 if source is None or source.scale is None else source.scale
        return format_temporal(value, "time", scale)
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("cp1252", "replace")
    return str(value)


def format_float(value: float) -> str:
    """float -> varchar in style 0: six significant digits, three-digit exponents
    (CAST(1234567e0 AS varchar) is '1.23457e+006')."""
    text = f"{value:.6g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{exponent[0]}{abs(int(exponent)):03d}"


def format_temporal(value: Any, name: str, scale: int) -> str:
    """ISO text of a date/time value at a scale (CONVERT style 121 / 126 shapes)."""
    if name == "date":
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    micros = value.microsecond
    if scale:
        digits = str(micros).rjust(6, "0") + str(tick_of(value))
        fraction = digits[:scale]
        clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{fraction}"
    else:
        clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if name == "time":
        return clock
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d} {clock}"
    if name == "datetimeoffset":
        text += " " + format_offset(value.utcoffset() or dt.timedelta())
    return text


def format_offset(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _to_binary(value: Any, target: SqlType, source: SqlType | None) -> bytes:
    if isinstance(value, bytes | bytearray):
        data = bytes(value)
    elif isinstance(value, str):
        unicode = source is None or source.is_unicode
        data = value.encode("utf-16-le") if unicode else value.encode("cp1252", "replace")
    elif isinstance(value, bool | int):
        size = _INT_BYTES.get(source.name if source else "int", 4)
        data = int(value).to_bytes(size, "big", signed=True)
    elif isinstance(value, uuid.UUID):
        data = value.bytes_le
    else:
        raise errors.conversion_error(type_name_of_value(value), target.name)
    if target.length not in (None, MAX):
        data = data[: target.length]
        if target.name == "binary":
            data = data.ljust(target.length, b"\x00")
    return data


def _to_guid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, bytes | bytearray) and len(value) == 16:
        return uuid.UUID(bytes_le=bytes(value))
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", text):
            return uuid.UUID(text)
        raise errors.SqlError(
            8169,
            16,
            2,
            "Conversion failed when converting from a character string to uniqueidentifier.",
        )
    raise errors.conversion_error(type_name_of_value(value), "uniqueidentifier")


# --- dates and times ---------------------------------------------------------------------------

_DATE_TIME_RE = re.compile(
    r"""^\s*
    (?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})          # ISO 2026-11-21
     | (?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})              # unseparated 20261121
     | (?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{1,4}) # 11/21/2026 per DATEFORMAT
    )?
    (?:(?:\s+|T)?
     (?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.:](?P<F>\d{1,9}))?)?\s*(?P<ampm>[AaPp][Mm])?
    )?
    \s*(?P<tz>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_NAME_RE = re.compile(r"^\s*(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})(?P<rest>.*)$")


def parse_datetime_text(text: str, dateformat: str = "mdy") -> dt.datetime | None:
    """Parse the string forms SQL Server accepts for date/time values; None if not one.

    The result is naive unless the text has an offset, in which case it is aware.
    """
    match = _MONTH_NAME_RE.match(text)
    if match and match.group("mon").lower() in _MONTHS:
        rest = match.group("rest").strip()
        base = parse_datetime_text(
            f"{match.group('y')}-{_MONTHS[match.group('mon').lower()]}-{match.group('d')} {rest}"
        )
        return base
    match = _DATE_TIME_RE.match(text)
    if not match or not text.strip():
        return None
    groups = match.groupdict()
    try:
        if groups["y"]:
            year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
        elif groups["cy"]:
            year, month, day = int(groups["cy"]), int(groups["cm"]), int(groups["cd"])
        elif groups["a"]:
            year, month, day = _ordered_date(groups["a"], groups["b"], groups["c"], dateformat)
        else:
            year, month, day = 1900, 1, 1
        hour = int(groups["H"] or 0)
        minute = int(groups["M"] or 0)
        second = int(groups["S"] or 0)
        fraction = groups["F"] or ""
        if groups["ampm"]:
            if hour > 12:
                return None
            pm = groups["ampm"].lower() == "pm"
            hour = (hour % 12) + (12 if pm else 0)
        # Seven fractional digits survive (SQL Server's 100 ns); an eighth rounds the seventh.
        ticks7 = int((fraction + "0000000")[:7]) if fraction else 0
        if len(fraction) > 7 and int(fraction[7]) >= 5:
            ticks7 += 1
        micros, tick = divmod(ticks7, 10)
        value = DateTime7.of(
            dt.datetime(year, month, day, hour, minute, second) + dt.timedelta(microseconds=micros),
            tick,
        )
    except ValueError:
        return None
    zone = groups["tz"]
    if zone:
        if zone == "Z":
            return DateTime7.of(value.replace(tzinfo=dt.UTC), tick_of(value))
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return DateTime7.of(value.replace(tzinfo=dt.timezone(sign * offset)), tick_of(value))
    return value


def _ordered_date(a: str, b: str, c: str, dateformat: str) -> tuple[int, int, int]:
    if len(a) == 4:
        return int(a), int(b), int(c)
    parts = dict(zip(dateformat, (int(a), int(b), int(c)), strict=True))
    year = parts["y"]
    if year < 100:
        year += 2000 if year < 50 else 1900
    return year, parts["m"], parts["d"]


def _to_temporal(value: Any, target: SqlType, dateformat: str = "mdy") -> Any:
    name = target.name
    if isinstance(value, str):
        parsed = parse_datetime_text(value, dateformat)
        if parsed is None:
            raise errors.date_conversion_failed()
        value = parsed
    if isinstance(value, bool | int | float | Decimal) and name in ("datetime", "smalldatetime"):
        value = dt.datetime(1900, 1, 1) + dt.timedelta(days=float(value))
    if isinstance(value, dt.datetime):
        return _datetime_to(value, target)
    if isinstance(value, dt.date):
        if name == "time":
            raise errors.SqlError(206, 16, 2, "Operand type clash: date is incompatible with time")
        return _datetime_to(dt.datetime(value.year, value.month, value.day), target)
    if isinstance(value, dt.time):
        if name == "date":
            raise errors.SqlError(206, 16, 2, "Operand type clash: time is incompatible with date")
        if name == "time":
            return _round_time(value, target.scale)
        return _datetime_to(dt.datetime.combine(dt.date(1900, 1, 1), value), target)
    raise errors.SqlError(
        529,
        16,
        2,
        f"Explicit conversion from data type {type_name_of_value(value)} to {name} is not allowed.",
    )


def _datetime_to(value: dt.datetime, target: SqlType) -> Any:
    name = target.name
    tick = tick_of(value)
    if name == "date":
        return value.date()
    if name == "time":
        return _round_time(Time7.of(value.time(), tick), target.scale)
    if name == "datetimeoffset":
        if value.tzinfo is None:
            value = DateTime7.of(value.replace(tzinfo=dt.UTC), tick)
        return _round_datetime(value, target.scale)
    if value.tzinfo is not None:
        value = DateTime7.of(value.replace(tzinfo=None), tick)
    if name == "datetime":
        if value < DATETIME_MIN:
            raise errors.SqlError(
                242,
                16,
                3,
                "The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.",
            )
        return round_datetime_300(value)
    if name == "smalldatetime":
        rounded = round_smalldatetime(value)
        if not SMALLDATETIME_MIN <= rounded <= SMALLDATETIME_MAX:
            raise errors.SqlError(
                242,
                16,
                3,
                "The conversion of a varchar data type to a smalldatetime data type resulted in an out-of-range value.",
            )
        return rounded
    return _round_datetime(value, target.scale)


def round_datetime_300(value: dt.datetime) -> dt.datetime:
    """datetime's precision: 1/300 s, shown as milliseconds ending in 0, 3 or 7."""
    micros = value.microsecond
    ticks = (micros * 300 + 500_000) // 1_000_000
    millis = (ticks * 10 + 1) // 3
    base = value.replace(microsecond=0)
    return base + dt.timedelta(milliseconds=millis)


def round_smalldatetime(value: dt.datetime) -> dt.datetime:
    base = value.replace(second=0, microsecond=0)
    if value.second * 1_000_000 + value.microsecond >= 29_999_000:
        base += dt.timedelta(minutes=1)
    return base


def _round_datetime(value: dt.datetime, scale: int | None) -> dt.datetime:
    """Round to ``scale`` fractional digits (0-7), as SQL Server rounds on conversion."""
    scale = 7 if scale is None else scale
    if scale >= 7:
        return value
    ticks7 = value.microsecond * 10 + tick_of(value)
    unit = 10 ** (7 - scale)
    rounded = (ticks7 + unit // 2) // unit * unit
    return value.replace(microsecond=0) + dt.timedelta(microseconds=rounded // 10)


def _round_time(value: dt.time, scale: int | None) -> dt.time:
    full = DateTime7.of(dt.datetime.combine(dt.date(2000, 1, 1), value), tick_of(value))
    rounded = _round_datetime(full, scale)
    if rounded.date() != full.date():
        return Time7.of(dt.time(23, 59, 59, 999999), 9)
    return Time7.of(rounded.time(), tick_of(rounded))


# --- storage -----------------------------------------------------------------------------------


def storage_value(value: Any, st: SqlType) -> Any:
    """A Python value of a declared type, as SQLite stores it."""
    if value is None:
        return None
    family = st.family
    if family == "int":
        return int(value)
    if family == "float":
        return float(value)
    if family in ("decimal", "money"):
        return decimal_text(value, st)
    if family in ("char", "nchar"):
        return value if isinstance(value, str) else to_text(value)
    if family == "binary":
        return bytes(value)
    if family in ("date", "time", "datetime", "datetimeoffset"):
        return temporal_text(value, st)
    if family == "guid":
        return str(value).upper()
    return dynamic_storage(value)


def dynamic_storage(value: Any) -> Any:
    """A value of no declared type (sql_variant, an untyped parameter) as SQLite stores it."""
    if value is None or isinstance(value, int | float | str | bytes):
        return int(value) if isinstance(value, bool) else value
    return storage_value(value, type_of_value(value))


def decimal_text(value: Any, st: SqlType) -> str:
    scale = 4 if st.family == "money" else (st.scale or 0)
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.quantize(ONE.scaleb(-scale, CTX), ROUND_HALF_UP, CTX), "f")


def temporal_text(value: Any, st: SqlType) -> str:
    name = st.name
    if name == "date":
        return format_temporal(value, "date", 0)
    if name == "time":
        return format_temporal(value, "time", 7)
    if name == "datetimeoffset":
        return format_temporal(value, "datetimeoffset", 7)
    return format_temporal(value, "datetime2", 7)


Reader = Callable[[Any], Any]


def reader_for(st: SqlType) -> Reader:
    """How to turn what SQLite returns for an expression of this type into its Python value.

    Values that do not already have the type's storage form (an expression SQLite
    computed as REAL for a decimal column, say) go through CAST.
    """
    family = st.family
    if family == "int":
        if st.name == "bit":
            return lambda v: None if v is None else bool(v if not isinstance(v, str) else cast(v, st))
        return lambda v: v if type(v) is int or v is None else cast(v, st)
    if family == "float":
        return lambda v: v if type(v) is float or v is None else _to_float(v, st)
    if family in ("decimal", "money"):
        scale = 4 if family == "money" else (st.scale or 0)
        quantum = ONE.scaleb(-scale, CTX)

        def read_decimal(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, str):
                try:
                    return Decimal(v).quantize(quantum, ROUND_HALF_UP, CTX)
                except InvalidOperation:
                    return cast(v, st)
            return cast(v, st)

        return read_decimal
    if family in ("char", "nchar"):
        return lambda v: v if type(v) is str or v is None else to_text(v)
    if family == "binary":
        return lambda v: v if type(v) is bytes or v is None else _to_binary(v, st, None)
    if family in ("date", "time", "datetime", "datetimeoffset"):
        return _temporal_reader(st)
    if family == "guid":
        return lambda v: None if v is None else _to_guid(v)
    return variant_reader


def variant_reader(v: Any) -> Any:
    return v


def _temporal_reader(st: SqlType) -> Reader:
    name = st.name

    def read(v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, str):
            fast = _fast_temporal(v, name)
            if fast is not None:
                return fast
        return cast(v, st)

    return read


def _fast_temporal(text: str, name: str) -> Any:
    """Parse the storage forms directly (the common case) without the general parser."""
    try:
        if name == "date" and len(text) == 10:
            return dt.date.fromisoformat(text)
        if name == "time" and len(text) >= 8 and text[2] == ":":
            return Time7.of(dt.time.fromisoformat(text[:15]), _seventh(text, 15))
        if len(text) >= 19 and text[4] == "-" and text[10] == " ":
            value = dt.datetime.fromisoformat(text[:26])
            if name == "datetimeoffset":
                zone = text[-6:] if text[-6] in "+-" else "+00:00"
                value = value.replace(tzinfo=dt.datetime.strptime(zone, "%z").tzinfo)
            return DateTime7.of(value, _seventh(text, 26))
    except ValueError:
        return None
    return None


def _seventh(text: str, index: int) -> int:
    """The seventh fractional digit in a stored value, where there is one."""
    return int(text[index]) if len(text) > index and text[index].isdigit() else 0
