"""Values: SQL Server's conversion rules, and how each type is stored in SQLite.

Python values are the codec's (int, float, Decimal, str, bytes, date, time,
datetime, UUID, bool).  In SQLite:

* integers and bit are INTEGER, real/float are REAL, binaries are BLOB;
* decimal/numeric/money are TEXT holding the exact value at the declared scale,
  compared through the DECIMAL collation, so nothing is lost to floating point;
* date/time types are TEXT in a fixed ISO form that sorts like the values
  ('2026-11-21 10:00:00.1234567'), datetimeoffset with its offset appended;
* uniqueidentifier is TEXT, upper case, as SQL Server displays it.

`cast` applies CAST's rules (truncation against rounding, the messages of failed and
overflowing conversions); `convert` adds CONVERT's styles, in both directions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
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
BASE_DATE = dt.datetime(1900, 1, 1)  # day 0 of datetime and smalldatetime
DATETIME_MIN = dt.datetime(1753, 1, 1)
DATETIME_MAX = dt.datetime(9999, 12, 31, 23, 59, 59, 997000)
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
#
# Each target family has one function.  ``source`` is the declared type of the value when the
# caller knows it: it decides rounding against truncation (money and datetime round to int,
# decimal and float truncate) and the type names in SQL Server's messages.


def cast(value: Any, target: SqlType, source: SqlType | None = None, dateformat: str = "mdy") -> Any:
    """CAST(value AS target) with SQL Server's rules; raises SqlError."""
    if value is None:
        return None
    if target.name == "xml" and not isinstance(value, str | bytes | bytearray):
        raise not_allowed(value, target, source)  # xml converts from character and binary data only
    family = target.family
    if family == "int":
        return _to_int(value, target, source)
    if family == "float":
        return _to_float(value, target, source)
    if family in ("decimal", "money"):
        return _to_decimal(value, target, source)
    if family in ("char", "nchar"):
        return _to_string(value, target, source)
    if family == "binary":
        return _to_binary(value, target, source)
    if family in ("date", "time", "datetime", "datetimeoffset"):
        return _to_temporal(value, target, source, dateformat)
    if family == "guid":
        return _to_guid(value, source)
    return value


def convert(
    value: Any, target: SqlType, source: SqlType | None = None, style: int | None = None, dateformat: str = "mdy"
) -> Any:
    """CONVERT(target, value, style): the style shapes date/time, money, float and binary values
    as character data, and says how character data reads as a date or as hexadecimal."""
    if value is None or style is None:
        return cast(value, target, source, dateformat)
    if target.is_string:
        text = styled_text(value, source, style)
        if text is not None:
            return _to_string(text, target, sqltypes.varchar(len(text) or 1))
    elif target.family == "binary" and isinstance(value, str) and style in (1, 2):
        return fit_binary(hex_to_binary(value, style, source), target)
    elif target.family in ("date", "time", "datetime", "datetimeoffset") and isinstance(value, str):
        return cast(value, target, source, style_dateformat(style) or dateformat)
    return cast(value, target, source, dateformat)


def styled_text(value: Any, source: SqlType | None, style: int) -> str | None:
    """Character data for a CONVERT style, or None where the style changes nothing."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return temporal_style(value, source, style)
    if isinstance(value, bytes | bytearray) and style in (1, 2):
        return ("0x" if style == 1 else "") + bytes(value).hex().upper()
    if isinstance(value, Decimal) and source is not None and source.family == "money":
        if style == 1:
            return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP, CTX):,f}"
        if style in (2, 126):
            return format(value.quantize(Decimal("0.0001"), ROUND_HALF_UP, CTX), "f")
    if isinstance(value, float) and style in (1, 2, 3, 126, 128, 129):
        digits = {1: 8, 2: 16, 126: 16}.get(style, 17)
        return format_float(value, digits, scientific=True)
    return None


def source_name(value: Any, source: SqlType | None = None) -> str:
    """The type name SQL Server's conversion messages give the value being converted."""
    if source is not None:
        return source.name
    if isinstance(value, str):
        return "varchar"  # a T-SQL literal without N: the common case for untyped text
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return "datetime2"
    return type_name_of_value(value)


def not_allowed(value: Any, target: SqlType, source: SqlType | None) -> errors.SqlError:
    return errors.SqlError(
        529,
        16,
        2,
        f"Explicit conversion from data type {source_name(value, source)} to {target.name} is not allowed.",
    )


def _overflow_label(value: Any, source: SqlType | None) -> str:
    """How 8115 names the source: 'numeric' and 'float' by type, anything else 'expression'."""
    family = source.family if source is not None else type_of_value(value).family
    return {"decimal": "numeric", "float": "float"}.get(family, "expression")


def overflow(label: str, type_name: str, state: int = 2) -> errors.SqlError:
    return errors.SqlError(8115, 16, state, f"Arithmetic overflow error converting {label} to data type {type_name}.")


def _is_legacy_datetime(value: Any, source: SqlType | None) -> bool:
    """datetime and smalldatetime convert to and from numbers (days since 1900-01-01)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is not None:
        return False
    return source is None or source.name in ("datetime", "smalldatetime")


def days_since_1900(value: dt.datetime) -> Decimal:
    delta = value - BASE_DATE
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return CTX.divide(Decimal(micros), Decimal(86_400_000_000))


_INT_TEXT = re.compile(r"\s*[+-]?\d+\s*\Z")
_DECIMAL_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)\s*\Z")
_FLOAT_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*\Z")
_MONEY_TEXT = re.compile(r"\s*([+-]?)\s*[$£€¥]?\s*([+-]?)([\d,]*)(\.\d*)?\s*\Z")
_INT_BYTES = {"bit": 1, "tinyint": 1, "smallint": 2, "int": 4, "bigint": 8}
_INT_COLUMN = {"tinyint": "INT1", "smallint": "INT2"}


def _to_int(value: Any, target: SqlType, source: SqlType | None) -> int:
    name = target.name
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise overflow("float", name)
        if name == "bit":
            return int(value != 0)
        number = int(value)  # float -> int truncates
    elif isinstance(value, Decimal):
        if name == "bit":
            return int(value != 0)
        money = source is not None and source.family == "money"
        number = int(value.to_integral_value(ROUND_HALF_UP if money else ROUND_DOWN))  # money rounds
    elif isinstance(value, str):
        return _int_from_text(value, target, source)
    elif isinstance(value, bytes | bytearray):
        number = int.from_bytes(value[-_INT_BYTES[name] :] or b"\x00", "big", signed=name != "tinyint")
    elif _is_legacy_datetime(value, source):
        number = int(days_since_1900(value).to_integral_value(ROUND_HALF_UP))
    else:
        raise not_allowed(value, target, source)
    if name == "bit":
        return 1 if number else 0
    low, high = _INT_RANGES[name]
    if not low <= number <= high:
        integer = isinstance(value, int) and (source is None or source.family == "int")
        if integer and name in ("tinyint", "smallint"):
            raise errors.SqlError(220, 16, 2, f"Arithmetic overflow error for data type {name}, value = {number}.")
        raise overflow(_overflow_label(value, source), name)
    return number


def _int_from_text(text: str, target: SqlType, source: SqlType | None) -> int:
    name = target.name
    stripped = text.strip()
    if name == "bit" and stripped.lower() in ("true", "false"):
        return 1 if stripped.lower() == "true" else 0
    if not stripped:
        return 0  # '' converts to 0
    if not _INT_TEXT.match(text):
        raise errors.conversion_failed(text, name, f"{source_name(text, source)} value")
    number = int(stripped)
    if name == "bit":
        return 1 if number else 0
    low, high = _INT_RANGES[name]
    if low <= number <= high:
        return number
    what = source_name(text, source)
    if name in _INT_COLUMN:
        raise errors.SqlError(
            244,
            16,
            1,
            f"The conversion of the {what} value '{text}' overflowed an {_INT_COLUMN[name]} column. "
            "Use a larger integer column.",
        )
    if name == "int":
        raise errors.SqlError(248, 16, 1, f"The conversion of the {what} value '{text}' overflowed an int column.")
    raise overflow("expression", name)


def _to_float(value: Any, target: SqlType, source: SqlType | None = None) -> float:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and not _FLOAT_TEXT.match(value):
            raise errors.conversion_error(source_name(value, source), "float")
        number = float(stripped) if stripped else 0.0
    elif isinstance(value, bool | int | float | Decimal):
        number = float(value)
    elif _is_legacy_datetime(value, source):
        number = float(days_since_1900(value))
    else:
        raise not_allowed(value, target, source)
    if not math.isfinite(number):
        raise overflow("expression", target.name)
    if target.name == "real":
        number = _round_real(number)
    return number


def _round_real(number: float) -> float:
    try:
        return struct.unpack("<f", struct.pack("<f", number))[0]
    except OverflowError:
        raise overflow("float", "real") from None


def _to_decimal(value: Any, target: SqlType, source: SqlType | None = None) -> Decimal:
    money = target.family == "money"
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool | int):
        number = Decimal(int(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise overflow("float", "numeric" if not money else target.name)
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _money_from_text(value) if money else _decimal_from_text(value, source)
    elif _is_legacy_datetime(value, source):
        number = days_since_1900(value)
    elif isinstance(value, bytes | bytearray) and not money:
        number = _decimal_from_bytes(bytes(value))
    else:
        raise not_allowed(value, target, source)
    if money:
        rounded = number.quantize(Decimal("0.0001"), ROUND_HALF_UP, CTX)
        low, high = _MONEY_RANGES[target.name]
        if not low <= rounded <= high:
            raise overflow("expression", target.name)
        return rounded
    return fit_decimal(number, target, _decimal_source_label(value, source))


def fit_decimal(number: Decimal, target: SqlType, label: str = "numeric") -> Decimal:
    """Round half away from zero to the target's scale; 8115 when the digits do not fit."""
    scale = target.scale or 0
    precision = target.precision or 18
    rounded = number.quantize(ONE.scaleb(-scale, CTX), ROUND_HALF_UP, CTX)
    if rounded != 0 and rounded.adjusted() >= precision - scale:
        raise overflow(label, "numeric", 8)
    return rounded


def _decimal_source_label(value: Any, source: SqlType | None) -> str:
    if source is not None:
        return "numeric" if source.family == "decimal" else source.name
    if isinstance(value, bool | int):
        return "int" if -(2**31) <= value < 2**31 else "bigint"
    if isinstance(value, float):
        return "float"
    return "varchar" if isinstance(value, str) else "numeric"


def _decimal_from_text(text: str, source: SqlType | None) -> Decimal:
    if not _DECIMAL_TEXT.match(text):
        raise errors.conversion_error(source_name(text, source), "numeric")
    return Decimal(text.strip())


def _money_from_text(text: str) -> Decimal:
    """money accepts a currency symbol, a sign on either side of it and thousands separators."""
    match = _MONEY_TEXT.match(text)
    if not match or (match.group(1) and match.group(2)):
        raise errors.SqlError(235, 16, 0, "Cannot convert a char value to money. The char value has incorrect syntax.")
    digits = match.group(3).replace(",", "") + (match.group(4) or "")
    if digits in ("", "."):
        return Decimal(0)
    negative = "-" in (match.group(1) + match.group(2))
    return -Decimal(digits) if negative else Decimal(digits)


def _decimal_to_bytes(value: Decimal, source: SqlType | None) -> bytes:
    """decimal -> binary: precision, scale, sign, then the magnitude (little-endian), as stored."""
    precision = source.precision if source is not None and source.precision else 18
    scale = source.scale if source is not None and source.scale is not None else max(-value.as_tuple().exponent, 0)
    magnitude = int(abs(value).scaleb(scale, CTX).to_integral_value())
    size = sqltypes.decimal_storage_size(precision) - 1
    return bytes([precision, scale, 0 if value < 0 else 1]) + magnitude.to_bytes(size, "little")


def _decimal_from_bytes(data: bytes) -> Decimal:
    if len(data) < 4:
        raise errors.conversion_error("varbinary", "numeric")
    scale, sign = data[1], data[2]
    number = Decimal(int.from_bytes(data[3:], "little")).scaleb(-scale, CTX)
    return number if sign else -number


def _to_string(value: Any, target: SqlType, source: SqlType | None) -> str:
    if isinstance(value, bytes | bytearray) and target.is_unicode:
        data = bytes(value)
        data += b"\x00" * (len(data) % 2)  # a byte short of a UTF-16 unit is padded: 0x41 is N'A'
        text = data.decode("utf-16-le", "replace")
    else:
        text = to_text(value, source)
    limit = target.length
    if limit not in (None, MAX) and len(text) > limit:
        text = _too_long(value, text, target, source)
    if target.is_fixed_length_string and limit not in (None, MAX):
        text = text.ljust(limit)
    return text


def _too_long(value: Any, text: str, target: SqlType, source: SqlType | None) -> str:
    """Numbers do not truncate: an integer shows '*' in char/varchar; other cases are 8115."""
    if isinstance(value, str | bytes | bytearray | uuid.UUID) or _is_temporal(value):
        if isinstance(value, uuid.UUID):
            raise errors.SqlError(
                8170, 16, 2, f"Insufficient result space to convert uniqueidentifier value to {target.name}."
            )
        return text[: target.length]
    integer = isinstance(value, int) and not isinstance(value, bool)
    if integer and not target.is_unicode:
        return "*"
    raise overflow(_overflow_label(value, source), target.name)


def _is_temporal(value: Any) -> bool:
    return isinstance(value, dt.date | dt.time)


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
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return temporal_style(value, source)
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("cp1252", "replace")
    return str(value)


def format_float(value: float, digits: int = 6, scientific: bool = False) -> str:
    """float -> varchar: style 0 is six significant digits, with three-digit exponents
    (CAST(1234567e0 AS varchar) is '1.23457e+006'); styles 1, 2, 3 always use an exponent."""
    text = f"{value:.{digits - 1}e}" if scientific else f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{exponent[0]}{abs(int(exponent)):03d}"


def format_temporal(value: Any, name: str, scale: int) -> str:
    """ISO text of a date/time value at a scale (CONVERT style 121 / 126 shapes)."""
    if name == "date":
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value, scale, '.')}"
    if name == "time":
        return clock
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d} {clock}"
    if name == "datetimeoffset":
        text += " " + format_offset(value.utcoffset() or dt.timedelta())
    return text


def _fraction(value: Any, scale: int, mark: str) -> str:
    if not scale:
        return ""
    digits = str(value.microsecond).rjust(6, "0") + str(tick_of(value))
    return mark + digits[:scale]


def format_offset(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- date/time styles (CONVERT to and from character data) --------------------------------------

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_STYLES = frozenset([*range(0, 15), *range(20, 26), *range(100, 115), 120, 121, 126, 127])
# style -> (date layout, time layout); see CAST and CONVERT's table of date and time styles.
_STYLE_LAYOUTS: dict[int, tuple[str, str]] = {
    0: ("mon dd yyyy", "hh:miAM"),
    1: ("mm/dd/yy", ""),
    2: ("yy.mm.dd", ""),
    3: ("dd/mm/yy", ""),
    4: ("dd.mm.yy", ""),
    5: ("dd-mm-yy", ""),
    6: ("dd mon yy", ""),
    7: ("mon dd, yy", ""),
    8: ("", "hh:mi:ss"),
    9: ("mon dd yyyy", "hh:mi:ss:mmmAM"),
    10: ("mm-dd-yy", ""),
    11: ("yy/mm/dd", ""),
    12: ("yymmdd", ""),
    13: ("dd mon yyyy", "hh:mi:ss:mmm"),
    14: ("", "hh:mi:ss:mmm"),
    20: ("yyyy-mm-dd", "hh:mi:ss"),
    21: ("yyyy-mm-dd", "hh:mi:ss.mmm"),
    22: ("mm/dd/yy", "hh:mi:ss AM"),
    23: ("yyyy-mm-dd", ""),
    24: ("", "hh:mi:ss"),
    25: ("yyyy-mm-dd", "hh:mi:ss.mmm"),
}
_CENTURY_STYLES = {100: 0, 109: 9, 113: 13, 120: 20, 121: 21}


def temporal_style(value: Any, source: SqlType | None, style: int | None = None) -> str:
    """A date/time value as CONVERT(varchar, value, style) shows it.  Without a style,
    datetime and smalldatetime use style 0; the other types their ISO form (121)."""
    name = _temporal_name(value, source)
    scale = _temporal_scale(name, source)
    if style is None:
        if name not in ("datetime", "smalldatetime"):
            return _iso_text(value, name, scale)
        style = 0
    if style not in DATE_STYLES:
        raise errors.SqlError(
            281, 16, 1, f"{style} is not a valid style number when converting from {name} to a character string."
        )
    if style in (126, 127):
        return _iso8601(value, name, scale, style)
    if style in (21, 25, 121) and name not in ("datetime", "smalldatetime"):
        return _iso_text(value, name, scale)
    century = style >= 100 or style in (0, 9, 13, 20, 21, 23, 25)
    date_layout, time_layout = _STYLE_LAYOUTS[_CENTURY_STYLES.get(style, style % 100)]
    if century:
        date_layout = date_layout.replace("yy", "yyyy") if "yyyy" not in date_layout else date_layout
    parts = []
    if date_layout and name != "time":
        parts.append(_layout_date(value, date_layout))
    if time_layout and name != "date":
        parts.append(_layout_time(value, time_layout, name, scale))
    text = " ".join(parts)
    if name == "datetimeoffset" and time_layout:
        text += " " + format_offset(value.utcoffset() or dt.timedelta())
    return text


def _temporal_name(value: Any, source: SqlType | None) -> str:
    if source is not None and source.family in ("date", "time", "datetime", "datetimeoffset"):
        return source.name
    if isinstance(value, dt.datetime):
        return "datetimeoffset" if value.tzinfo else "datetime2"
    return "date" if isinstance(value, dt.date) else "time"


def _temporal_scale(name: str, source: SqlType | None) -> int:
    if name in ("datetime", "smalldatetime"):
        return 3
    return 7 if source is None or source.scale is None else source.scale


def _iso_text(value: Any, name: str, scale: int) -> str:
    if name in ("datetime", "smalldatetime"):
        return format_temporal(value, "datetime2", 3)
    return format_temporal(value, name, scale)


def _iso8601(value: Any, name: str, scale: int, style: int) -> str:
    """Styles 126/127: yyyy-mm-ddThh:mi:ss[.fff]; the fraction is left out when it is zero."""
    if name == "datetimeoffset" and style == 127:
        value = value.astimezone(dt.UTC)
    if name == "date":
        return value.isoformat()
    fraction = _fraction(value, scale, ".")
    if not fraction.strip(".0"):
        fraction = ""
    clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{fraction}"
    if name == "time":
        return clock
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{clock}"
    if name == "datetimeoffset":
        offset = value.utcoffset() or dt.timedelta()
        text += "Z" if style == 127 else format_offset(offset)
    return text


def _layout_date(value: Any, layout: str) -> str:
    month = MONTH_ABBREVIATIONS[value.month - 1]
    replacements = [
        ("yyyy", f"{value.year:04d}"),
        ("yy", f"{value.year % 100:02d}"),
        ("mon dd", f"{month} {value.day:>2}" if layout.startswith("mon dd ") else f"{month} {value.day:02d}"),
        ("mon", month),
        ("mm", f"{value.month:02d}"),
        ("dd", f"{value.day:02d}"),
    ]
    text = layout
    for token, replacement in replacements:
        text = text.replace(token, replacement)
    return text


def _layout_time(value: Any, layout: str, name: str, scale: int) -> str:
    twelve = "AM" in layout
    hour = (value.hour % 12 or 12) if twelve else value.hour
    text = layout.replace("hh", f"{hour:>2}" if twelve else f"{hour:02d}")
    text = text.replace("mi", f"{value.minute:02d}").replace("ss", f"{value.second:02d}")
    if ":mmm" in text or ".mmm" in text:
        if name in ("datetime", "smalldatetime"):
            text = text.replace("mmm", f"{value.microsecond // 1000:03d}")
        else:  # the newer types show their own precision after a period
            text = text.replace(":mmm", ".mmm").replace(".mmm", _fraction(value, scale, "."))
    return text.replace("AM", "AM" if value.hour < 12 else "PM")


def style_dateformat(style: int) -> str | None:
    """The day/month/year order a CONVERT style reads character data in (None: any)."""
    base = _CENTURY_STYLES.get(style, style % 100)
    if base in (1, 10, 22):
        return "mdy"
    if base in (3, 4, 5):
        return "dmy"
    if base in (2, 11, 12):
        return "ymd"
    return None


def _to_binary(value: Any, target: SqlType, source: SqlType | None) -> bytes:
    if isinstance(value, bytes | bytearray):
        data = bytes(value)
    elif isinstance(value, str):
        unicode = source is None or source.is_unicode
        data = value.encode("utf-16-le") if unicode else value.encode("cp1252", "replace")
    elif isinstance(value, bool | int):
        size = _INT_BYTES.get(source.name if source is not None and source.family == "int" else "", 0)
        size = size or (4 if -(2**31) <= value < 2**31 else 8)
        data = int(value).to_bytes(size, "big", signed=True)
    elif isinstance(value, float):
        data = struct.pack(">d" if source is None or source.name != "real" else ">f", value)
    elif isinstance(value, Decimal) and (source is None or source.family == "decimal"):
        data = _decimal_to_bytes(value, source)
    elif isinstance(value, uuid.UUID):
        data = value.bytes_le
    elif _is_legacy_datetime(value, source):
        delta = value - BASE_DATE
        ticks = round((delta.seconds * 1_000_000 + delta.microseconds) * 300 / 1_000_000)
        data = delta.days.to_bytes(4, "big", signed=True) + ticks.to_bytes(4, "big")
    else:
        raise not_allowed(value, target, source)
    return fit_binary(data, target)


def fit_binary(data: bytes, target: SqlType) -> bytes:
    if target.length not in (None, MAX):
        data = data[: target.length]
        if target.name == "binary":
            data = data.ljust(target.length, b"\x00")
    return data


def hex_to_binary(text: str, style: int, source: SqlType | None) -> bytes:
    """CONVERT(varbinary, '0x4E61', 1) / CONVERT(varbinary, '4E61', 2)."""
    digits = text[2:] if style == 1 and text[:2].lower() == "0x" else text
    valid = (style == 2 or text[:2].lower() == "0x") and len(digits) % 2 == 0
    if not valid or not re.fullmatch(r"[0-9a-fA-F]*", digits):
        raise errors.conversion_error(source_name(text, source), "varbinary")
    return bytes.fromhex(digits)


def _to_guid(value: Any, source: SqlType | None = None) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, bytes | bytearray):
        return uuid.UUID(bytes_le=bytes(value[:16]).ljust(16, b"\x00"))
    if isinstance(value, str):
        text = value.strip()
        # Longer text is cut to the 36 characters a uniqueidentifier has (38 with braces).
        text = text[1:37] if text.startswith("{") and text[37:38] == "}" else text[:36]
        if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", text):
            return uuid.UUID(text)
        raise errors.SqlError(
            8169,
            16,
            2,
            "Conversion failed when converting from a character string to uniqueidentifier.",
        )
    raise not_allowed(value, sqltypes.UNIQUEIDENTIFIER, source)


# --- dates and times ---------------------------------------------------------------------------

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
_TIME = r"""
    (?P<H>\d{1,2})
    (?: :(?P<M>\d{1,2}) (?: :(?P<S>\d{1,2}) (?: (?P<sep>[.:])(?P<F>\d*) )? )? )?
    \s*(?P<ampm>[AaPp][Mm])?"""
_ZONE = r"\s*(?P<tz>Z|[+-]\d{1,2}:\d{2})?"
_DATE_FORMS = [
    # 2026-11-21, 2026/11/21, 2026.11.21: year first (day/month order may follow DATEFORMAT)
    r"(?P<y4>\d{4})(?P<s1>[-/.])(?P<b>\d{1,2})(?P=s1)(?P<c>\d{1,2})",
    # 11/21/2026, 21.11.26: per DATEFORMAT
    r"(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b2>\d{1,2})(?P=s2)(?P<c2>\d{4}|\d{2})",
    # 20261121 or 261121: always ymd
    r"(?P<u>\d{8}|\d{6})",
    # 2026 alone: January 1st
    r"(?P<yo>\d{4})",
    # Nov 21 2026, November 21, 2026
    r"(?P<mon1>[A-Za-z]{3,9})\.?\s+(?P<md1>\d{1,2}),?\s+(?P<my1>\d{4})",
    # 21 Nov 2026
    r"(?P<md2>\d{1,2})\s+(?P<mon2>[A-Za-z]{3,9})\.?,?\s+(?P<my2>\d{4})",
    # 2026 Nov 21
    r"(?P<my3>\d{4})\s+(?P<mon3>[A-Za-z]{3,9})\.?\s+(?P<md3>\d{1,2})",
]
_DATETIME_RE = re.compile(
    rf"^\s*(?:(?P<date>{'|'.join(_DATE_FORMS)})(?:(?P<T>T)|\s+|(?=$))?)?(?:{_TIME})?{_ZONE}\s*$",
    re.VERBOSE | re.ASCII,
)
_LEGACY_ORDERS = ("dmy", "ydm", "dym")  # orders under which datetime reads 2026-21-11 as ydm


@dataclass(frozen=True, slots=True)
class DateParts:
    """What a date/time string says, before any range checks."""

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    ticks: int = 0  # 100 ns units
    offset: int | None = None  # minutes east of UTC


def parse_date_parts(text: str, dateformat: str = "mdy", legacy: bool = False) -> DateParts | None:
    """Split a date/time string in one of SQL Server's accepted forms; None when it has none.

    ``legacy`` applies datetime/smalldatetime's rules: yyyy-mm-dd follows DATEFORMAT, at
    most three fractional digits, and hh:mi:ss:nnn counts milliseconds.
    """
    match = _DATETIME_RE.match(text)
    if not match or not text.strip():
        return None
    g = match.groupdict()
    if g["date"] is None and g["H"] is None:
        return None
    date = _date_of(g, dateformat, legacy)
    if date is None:
        return None
    clock = _clock_of(g, legacy)
    if clock is None:
        return None
    offset = _offset_of(g["tz"])
    if offset is not None and legacy and g["tz"] != "Z":
        return None
    return DateParts(*date, *clock, offset)


def _date_of(g: dict[str, Any], dateformat: str, legacy: bool) -> tuple[int, int, int] | None:
    if g["date"] is None:
        return 1900, 1, 1
    if g["y4"]:
        b, c = int(g["b"]), int(g["c"])
        ydm = legacy and not g["T"] and dateformat in _LEGACY_ORDERS
        return (int(g["y4"]), c, b) if ydm else (int(g["y4"]), b, c)
    if g["a"]:
        return _ordered_date(g["a"], g["b2"], g["c2"], dateformat)
    if g["yo"]:
        return int(g["yo"]), 1, 1
    if g["u"]:
        digits = g["u"]
        year = int(digits[:-4]) if len(digits) == 8 else _two_digit_year(int(digits[:2]))
        return year, int(digits[-4:-2]), int(digits[-2:])
    for index in ("1", "2", "3"):
        if g[f"mon{index}"]:
            month = _MONTHS.get(g[f"mon{index}"].lower())
            if month is None:
                return None
            return int(g[f"my{index}"]), month, int(g[f"md{index}"])
    return None


def _clock_of(g: dict[str, Any], legacy: bool) -> tuple[int, int, int, int] | None:
    if g["H"] is None:
        return 0, 0, 0, 0
    if g["M"] is None and not g["ampm"]:
        return None  # a bare number is not a time
    hour, minute, second = int(g["H"]), int(g["M"] or 0), int(g["S"] or 0)
    ticks = _ticks_of(g["sep"], g["F"] or "", legacy)
    if ticks is None:
        return None
    if g["ampm"]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if g["ampm"].lower() == "pm" else 0)
    return hour, minute, second, ticks


def _ticks_of(sep: str | None, fraction: str, legacy: bool) -> int | None:
    """Fractional seconds in 100 ns units; an eighth digit rounds the seventh."""
    if not fraction:
        return 0
    if sep == ":":
        if not legacy or len(fraction) > 3:
            return None
        return int(fraction) * 10_000  # after a colon the digits count milliseconds
    if legacy and len(fraction) > 3:
        return None
    ticks = int((fraction + "0000000")[:7])
    if len(fraction) > 7 and fraction[7] >= "5":
        ticks += 1
    return ticks


def _offset_of(zone: str | None) -> int | None:
    if not zone:
        return None
    if zone == "Z":
        return 0
    hours, minutes = zone[1:].split(":")
    total = int(hours) * 60 + int(minutes)
    return total if zone[0] == "+" else -total


def _ordered_date(a: str, b: str, c: str, dateformat: str) -> tuple[int, int, int]:
    """Three numbers in DATEFORMAT order; a four-digit last number is the year."""
    if len(c) == 4:
        order = dateformat.replace("y", "")
        parts = dict(zip(order, (int(a), int(b)), strict=True))
        return int(c), parts["m"], parts["d"]
    parts = dict(zip(dateformat, (int(a), int(b), int(c)), strict=True))
    return _two_digit_year(parts["y"]), parts["m"], parts["d"]


def _two_digit_year(year: int) -> int:
    """The two digit year cutoff is 2049: 49 is 2049, 50 is 1950."""
    if year >= 100:
        return year
    return year + (2000 if year < 50 else 1900)


def build_datetime(parts: DateParts) -> dt.datetime | None:
    """The datetime the parts describe (aware when they carry an offset); None if invalid."""
    try:
        value = dt.datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second)
    except ValueError:
        return None
    micros, tick = divmod(parts.ticks, 10)
    value += dt.timedelta(microseconds=micros)
    if parts.offset is not None:
        value = value.replace(tzinfo=dt.timezone(dt.timedelta(minutes=parts.offset)))
    return DateTime7.of(value, tick)


def parse_datetime_text(text: str, dateformat: str = "mdy", legacy: bool = False) -> dt.datetime | None:
    """Parse the string forms SQL Server accepts for date/time values; None if not one.

    The result is naive unless the text has an offset, in which case it is aware.
    """
    parts = parse_date_parts(text, dateformat, legacy)
    return None if parts is None else build_datetime(parts)


def _to_temporal(value: Any, target: SqlType, source: SqlType | None = None, dateformat: str = "mdy") -> Any:
    name = target.name
    from_name = source_name(value, source)
    if isinstance(value, str):
        value = _temporal_from_text(value, target, from_name, dateformat)
    elif isinstance(value, bool | int | float | Decimal) and name in ("datetime", "smalldatetime"):
        return _datetime_from_number(value, target)
    if isinstance(value, dt.datetime):
        return _datetime_to(value, target, from_name)
    if isinstance(value, dt.date):
        if name == "time":
            raise not_allowed(value, target, source)
        return _datetime_to(dt.datetime(value.year, value.month, value.day), target, from_name)
    if isinstance(value, dt.time):
        if name == "date":
            raise not_allowed(value, target, source)
        if name == "time":
            return _round_time(value, target.scale)
        moment = DateTime7.of(dt.datetime.combine(BASE_DATE.date(), value), tick_of(value))
        return _datetime_to(moment, target, from_name)
    if isinstance(value, bytes | bytearray) and name in ("datetime", "smalldatetime") and len(value) == 8:
        days = int.from_bytes(value[:4], "big", signed=True)
        ticks = int.from_bytes(value[4:], "big")
        moment = BASE_DATE + dt.timedelta(days=days, microseconds=ticks * 1_000_000 // 300)
        return _datetime_to(moment, target, "datetime")
    raise not_allowed(value, target, source)


def _temporal_from_text(text: str, target: SqlType, from_name: str, dateformat: str) -> dt.datetime:
    """A string that does not parse is 241; datetime's out-of-range values (Feb 30, month 13) are 242."""
    legacy = target.name in ("datetime", "smalldatetime")
    parts = parse_date_parts(text, dateformat, legacy)
    if parts is None:
        raise errors.date_conversion_failed()
    value = build_datetime(parts)
    if value is None:
        if legacy:
            raise _out_of_range(from_name, target.name)
        raise errors.date_conversion_failed()
    return value


def _out_of_range(from_name: str, to_name: str) -> errors.SqlError:
    return errors.SqlError(
        242,
        16,
        3,
        f"The conversion of a {from_name} data type to a {to_name} data type resulted in an out-of-range value.",
    )


def _datetime_from_number(value: Any, target: SqlType) -> dt.datetime:
    """A number of days since 1900-01-01 (the fraction is the time of day)."""
    days = (
        Decimal(repr(value)) if isinstance(value, float) else Decimal(int(value) if isinstance(value, bool) else value)
    )
    try:
        micros = int(CTX.multiply(days, Decimal(86_400_000_000)).to_integral_value(ROUND_HALF_UP))
        moment = BASE_DATE + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise overflow("expression", target.name) from None
    low, high = (DATETIME_MIN, DATETIME_MAX) if target.name == "datetime" else (SMALLDATETIME_MIN, SMALLDATETIME_MAX)
    rounded = round_datetime_300(moment) if target.name == "datetime" else round_smalldatetime(moment)
    if not low <= rounded <= high:
        raise overflow("expression", target.name)
    return rounded


def _datetime_to(value: dt.datetime, target: SqlType, from_name: str = "datetime2") -> Any:
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
        rounded = round_datetime_300(value)
        if not DATETIME_MIN <= rounded <= DATETIME_MAX:
            raise _out_of_range(from_name, name)
        return rounded
    if name == "smalldatetime":
        rounded = round_smalldatetime(value)
        if not SMALLDATETIME_MIN <= rounded <= SMALLDATETIME_MAX:
            raise _out_of_range(from_name, name)
        return rounded
    return _round_datetime(value, target.scale)


def round_datetime_300(value: dt.datetime) -> dt.datetime:
    """datetime's precision: 1/300 s, shown as milliseconds ending in 0, 3 or 7."""
    micros = value.microsecond
    ticks = (micros * 300 + 500_000) // 1_000_000
    millis = (ticks * 10 + 1) // 3
    base = value.replace(microsecond=0)
    try:
        return base + dt.timedelta(milliseconds=millis)
    except OverflowError:
        return base


def round_smalldatetime(value: dt.datetime) -> dt.datetime:
    """To the minute: 29.998 seconds round down, 29.999 up."""
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
    try:
        return value.replace(microsecond=0) + dt.timedelta(microseconds=rounded // 10)
    except OverflowError:
        return value.replace(microsecond=0)


def _round_time(value: dt.time, scale: int | None) -> dt.time:
    full = DateTime7.of(dt.datetime.combine(dt.date(2000, 1, 1), value), tick_of(value))
    rounded = _round_datetime(full, scale)
    if rounded.date() != full.date():
        return Time7.of(dt.time(23, 59, 59, 999999), 9)
    return Time7.of(rounded.time(), tick_of(rounded))


# --- storage -----------------------------------------------------------------------------------


def storage_value(value: Any, st: SqlType, base: SqlType | None = None) -> Any:
    """A Python value of a declared type, as SQLite stores it (``base``: a sql_variant's base type,
    where the value came from one)."""
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
    if family == "variant":
        return variant_storage(value, base)
    return dynamic_storage(value)


# A sql_variant of a base type SQLite has no storage class for (decimal, money, dates and times,
# uniqueidentifier) is stored as text tagged with that type, so that it reads back as that type:
# VARIANT_MARK, the type, VARIANT_MARK, the type's own storage text.  Numbers, strings and binary
# values are stored as themselves (compared and sorted by SQLite as they are).
VARIANT_MARK = "\x1e"
_STORED_AS_ITSELF = ("variant", "int", "float", "char", "nchar", "binary")


def variant_storage(value: Any, base: SqlType | None = None) -> Any:
    """A sql_variant's value (of ``base`` type where known) as SQLite stores it."""
    if value is None or isinstance(value, int | float | str | bytes):
        return int(value) if isinstance(value, bool) else value
    st = base if base is not None and base.family not in _STORED_AS_ITSELF else type_of_value(value)
    return f"{VARIANT_MARK}{st}{VARIANT_MARK}{storage_value(value, st)}"


def variant_value(stored: Any) -> tuple[Any, SqlType | None]:
    """A stored sql_variant as its Python value and base type (None for a value stored as itself)."""
    if isinstance(stored, str) and stored.startswith(VARIANT_MARK):
        _, name, text = stored.split(VARIANT_MARK, 2)
        st = sqltypes.parse_type(name)
        return reader_for(st)(text), st
    return stored, None


def variant_base(stored: Any) -> SqlType | None:
    """The base type of a stored sql_variant (what SQL_VARIANT_PROPERTY reports), None for NULL."""
    if stored is None:
        return None
    value, st = variant_value(stored)
    return st or type_of_value(value)


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
        return lambda v: v if type(v) is int or v is None else cast(_stored_number(v), st)
    if family == "float":
        return lambda v: v if type(v) is float or v is None else _to_float(_stored_number(v), st)
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


def _stored_number(v: Any) -> Any:
    """Text SQLite hands back for a numeric column is an exact number (decimal storage)."""
    if isinstance(v, str):
        try:
            return Decimal(v)
        except InvalidOperation:
            return v
    return v


def variant_reader(v: Any) -> Any:
    return variant_value(v)[0]


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
