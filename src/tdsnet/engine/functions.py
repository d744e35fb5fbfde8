"""T-SQL built-in functions: implementations registered in SQLite, and their types.

Implementations receive and return *storage* values (see `values`): a datetime
argument arrives as ISO text, a decimal as exact text.  Where an argument's
declared type matters, the compiler passes it along as a trailing type-name
argument.  Functions that depend on the session (DB_NAME(), SUSER_SNAME(),
@@SPID...) read `CURRENT.session`, which the executor sets on its thread, so
one registration serves every connection.

A Python function cannot raise through SQLite, so an implementation that fails
with a SqlError parks it in `CURRENT.error` and raises; the executor picks it up.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .. import sqltypes
from ..sqltypes import DECIMAL_CONTEXT as CTX
from ..sqltypes import SqlType, parse_type
from . import errors, values
from . import typerules as ty

CURRENT = threading.local()

TypeRule = Callable[[list[SqlType | None]], SqlType | None]


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str  # T-SQL name, upper case
    sqlite_name: str
    impl: Callable[..., Any] | None
    arity: tuple[int, int]  # (min, max) arguments; max -1 for any
    returns: TypeRule
    deterministic: bool = True
    type_hints: bool = False  # the compiler appends each argument's type name


def fail(error: errors.SqlError) -> None:
    """Raise a SqlError from inside SQLite (the executor re-raises it)."""
    CURRENT.error = error
    raise ValueError(error.message)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return func(*args)
        except errors.SqlError as exc:
            fail(exc)
        except (ValueError, TypeError, ArithmeticError, InvalidOperation, OverflowError) as exc:
            if getattr(CURRENT, "error", None) is None:
                CURRENT.error = errors.SqlError(8114, 16, 5, f"Error in {func.__name__}: {exc}")
            raise

    call.__name__ = func.__name__
    return call


def session() -> Any:
    return CURRENT.session


# --- helpers -----------------------------------------------------------------------------------


def _num(v: Any) -> Any:
    """A storage value as a number (decimal text becomes Decimal)."""
    if isinstance(v, str):
        try:
            return Decimal(v.strip())
        except InvalidOperation:
            fail(errors.conversion_failed(v, "int", "varchar value"))
    return v


def _out_number(v: Any) -> Any:
    return format(v, "f") if isinstance(v, Decimal) else v


def _text(v: Any) -> str:
    return v if isinstance(v, str) else values.to_text(v)


def _temporal(v: Any, type_name: str = "datetime2") -> Any:
    if v is None:
        return None
    st = parse_type(type_name) if type_name else sqltypes.DATETIME2
    if st.family not in ("date", "time", "datetime", "datetimeoffset"):
        st = sqltypes.DATETIME2
    return values.cast(v, st, dateformat=_dateformat())


def _dateformat() -> str:
    current = getattr(CURRENT, "session", None)
    return current.options.dateformat if current is not None else "mdy"


def _store_temporal(value: Any, type_name: str) -> str | None:
    if value is None:
        return None
    return values.temporal_text(value, parse_type(type_name))


# --- string functions --------------------------------------------------------------------------


def tsql_len(v: Any) -> int | None:
    return None if v is None else len(_text(v).rstrip(" "))


def tsql_datalength(v: Any, type_name: str = "nvarchar") -> int | None:
    if v is None:
        return None
    if isinstance(v, bytes):
        return len(v)
    st = parse_type(type_name)
    if st.is_string:
        return len(_text(v)) * (2 if st.is_unicode else 1)
    if st.fixed_size:
        return st.fixed_size
    return len(_text(v))


def tsql_charindex(needle: Any, haystack: Any, start: Any = 1) -> int | None:
    if needle is None or haystack is None:
        return None
    begin = max(int(start or 1), 1) - 1
    return _text(haystack).casefold().find(_text(needle).casefold(), begin) + 1


def tsql_substring(v: Any, start: Any, length: Any) -> Any:
    if v is None or start is None or length is None:
        return None
    start, length = int(start), int(length)
    if length < 0:
        fail(errors.SqlError(537, 16, 3, "Invalid length parameter passed to the LEFT or SUBSTRING function."))
    end = start + length - 1
    begin = max(start, 1)
    if end < begin:
        return b"" if isinstance(v, bytes) else ""
    return v[begin - 1 : end] if isinstance(v, bytes) else _text(v)[begin - 1 : end]


def tsql_left(v: Any, n: Any) -> Any:
    if v is None or n is None:
        return None
    if int(n) < 0:
        fail(errors.SqlError(536, 16, 1, "Invalid length parameter passed to the left function."))
    return v[: int(n)] if isinstance(v, bytes) else _text(v)[: int(n)]


def tsql_right(v: Any, n: Any) -> Any:
    if v is None or n is None:
        return None
    count = int(n)
    if count < 0:
        fail(errors.SqlError(536, 16, 1, "Invalid length parameter passed to the right function."))
    if count == 0:
        return "" if not isinstance(v, bytes) else b""
    return v[-count:] if isinstance(v, bytes) else _text(v)[-count:]


def tsql_replace(v: Any, old: Any, new: Any) -> Any:
    if v is None or old is None or new is None:
        return None
    text, pattern = _text(v), _text(old)
    if pattern == "":
        return text
    return re.sub(re.escape(pattern), lambda _m: _text(new), text, flags=re.IGNORECASE)


def tsql_replicate(v: Any, n: Any) -> Any:
    if v is None or n is None or int(n) < 0:
        return None
    return _text(v) * int(n)


def tsql_ltrim(v: Any, chars: Any = None) -> Any:
    if v is None:
        return None
    return _text(v).lstrip(" " if chars is None else _text(chars))


def tsql_rtrim(v: Any, chars: Any = None) -> Any:
    if v is None:
        return None
    return _text(v).rstrip(" " if chars is None else _text(chars))


def tsql_trim(v: Any, chars: Any = None) -> Any:
    if v is None:
        return None
    return _text(v).strip(" " if chars is None else _text(chars))


def tsql_upper(v: Any) -> Any:
    return None if v is None else _text(v).upper()


def tsql_lower(v: Any) -> Any:
    return None if v is None else _text(v).lower()


def tsql_reverse(v: Any) -> Any:
    return None if v is None else _text(v)[::-1]


def tsql_concat(*args: Any) -> str:
    return "".join(_text(a) for a in args if a is not None)


def tsql_concat_ws(sep: Any, *args: Any) -> Any:
    if sep is None:
        return tsql_concat(*args)
    return _text(sep).join(_text(a) for a in args if a is not None)


def tsql_stuff(v: Any, start: Any, length: Any, insert: Any) -> Any:
    if v is None or start is None or length is None:
        return None
    text, start, length = _text(v), int(start), int(length)
    if start < 1 or start > len(text) or length < 0:
        return None
    return text[: start - 1] + ("" if insert is None else _text(insert)) + text[start - 1 + length :]


def tsql_space(n: Any) -> Any:
    return None if n is None or int(n) < 0 else " " * int(n)


def tsql_char(n: Any) -> Any:
    if n is None or not 0 <= int(n) <= 255:
        return None
    return bytes([int(n)]).decode("cp1252", "replace")


def tsql_nchar(n: Any) -> Any:
    return None if n is None else chr(int(n))


def tsql_ascii(v: Any) -> Any:
    if v is None or _text(v) == "":
        return None
    return _text(v)[0].encode("cp1252", "replace")[0]


def tsql_unicode(v: Any) -> Any:
    if v is None or _text(v) == "":
        return None
    return ord(_text(v)[0])


def tsql_quotename(v: Any, quote: Any = "[") -> Any:
    if v is None:
        return None
    text, mark = _text(v), _text(quote or "[")
    if len(text) > 128:
        return None
    pairs = {
        "[": ("[", "]"),
        "]": ("[", "]"),
        '"': ('"', '"'),
        "'": ("'", "'"),
        "(": ("(", ")"),
        ")": ("(", ")"),
        "<": ("<", ">"),
        ">": ("<", ">"),
        "{": ("{", "}"),
        "}": ("{", "}"),
        "`": ("`", "`"),
    }
    if mark not in pairs:
        return None
    left, right = pairs[mark]
    return left + text.replace(right, right + right) + right


def like_to_regex(pattern: str, escape: str | None = None) -> re.Pattern[str]:
    """T-SQL LIKE (% _ [abc] [^abc] [a-z]) as a case-insensitive regular expression."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            close = pattern.find("]", i + 2)
            if close == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : close]
                negate = body.startswith("^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)


_LIKE_CACHE: dict[tuple[str, str | None], re.Pattern[str]] = {}


def tsql_like(pattern: Any, value: Any, escape: Any = None) -> Any:
    """SQLite calls like(pattern, value[, escape]) for ``value LIKE pattern``."""
    if pattern is None or value is None:
        return None
    key = (_text(pattern), escape)
    regex = _LIKE_CACHE.get(key)
    if regex is None:
        if len(_LIKE_CACHE) > 2048:
            _LIKE_CACHE.clear()
        regex = _LIKE_CACHE[key] = like_to_regex(key[0], escape)
    return 1 if regex.match(_text(value).rstrip(" ") if not isinstance(value, bytes) else "") else 0


def tsql_patindex(pattern: Any, value: Any) -> Any:
    if pattern is None or value is None:
        return None
    text = _text(pattern)
    regex = like_to_regex(text.strip("%") if text.startswith("%") else text)
    body = regex.pattern[:-2]
    found = re.search(body, _text(value), re.IGNORECASE | re.DOTALL)
    return found.start() + 1 if found else 0


# --- numbers -----------------------------------------------------------------------------------


def tsql_div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    a, b = _num(a), _num(b)
    if b == 0:
        fail(errors.divide_by_zero())
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a >= 0) == (b >= 0) else -quotient
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return _out_number(Decimal(a) / Decimal(b) if not isinstance(a, float) and not isinstance(b, float) else a / b)
    return a / b


def tsql_mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    a, b = _num(a), _num(b)
    if b == 0:
        fail(errors.divide_by_zero())
    result = (
        math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else (abs(a) % abs(b)) * (1 if a >= 0 else -1)
    )
    return _out_number(result)


def tsql_decimal_op(op: str, a: Any, b: Any) -> Any:
    """Exact arithmetic for decimal/money operands (SQLite would use doubles)."""
    if a is None or b is None:
        return None
    x, y = _num(a), _num(b)
    if isinstance(x, float) or isinstance(y, float):
        return {"+": x + y, "-": x - y, "*": x * y}.get(op) if op != "/" else tsql_div(x, y)
    x, y = Decimal(x), Decimal(y)
    if op == "+":
        return format(CTX.add(x, y), "f")
    if op == "-":
        return format(CTX.subtract(x, y), "f")
    if op == "*":
        return format(CTX.multiply(x, y), "f")
    if y == 0:
        fail(errors.divide_by_zero())
    return format(CTX.divide(x, y), "f")


def tsql_round(v: Any, digits: Any, mode: Any = 0) -> Any:
    if v is None or digits is None:
        return None
    number = _num(v)
    places = int(digits)
    if isinstance(number, float):
        quantum = Decimal(1).scaleb(-places)
        rounding = ROUND_HALF_UP if not mode else "ROUND_DOWN"
        return (
            float(Decimal(repr(number)).quantize(quantum, rounding=rounding))
            if places >= 0
            else float(round(number, places))
        )
    dec = Decimal(number)
    quantum = Decimal(1).scaleb(-places)
    rounded = dec.quantize(quantum, rounding="ROUND_DOWN" if mode else ROUND_HALF_UP)
    if isinstance(number, int):
        return int(rounded)
    scale = max(-dec.as_tuple().exponent, 0)
    return format(rounded.quantize(Decimal(1).scaleb(-scale)) if places >= 0 else rounded, "f")


def tsql_floor(v: Any) -> Any:
    if v is None:
        return None
    number = _num(v)
    if isinstance(number, Decimal):
        return format(number.to_integral_value(rounding=ROUND_FLOOR), "f")
    return math.floor(number) if isinstance(number, int) else float(math.floor(number))


def tsql_ceiling(v: Any) -> Any:
    if v is None:
        return None
    number = _num(v)
    if isinstance(number, Decimal):
        return format(-((-number).to_integral_value(rounding=ROUND_FLOOR)), "f")
    return math.ceil(number) if isinstance(number, int) else float(math.ceil(number))


def tsql_abs(v: Any) -> Any:
    if v is None:
        return None
    return _out_number(abs(_num(v)))


def tsql_sign(v: Any) -> Any:
    if v is None:
        return None
    number = _num(v)
    result = (number > 0) - (number < 0)
    return _out_number(Decimal(result)) if isinstance(number, Decimal) else type(number)(result)


def tsql_power(v: Any, p: Any) -> Any:
    if v is None or p is None:
        return None
    number = _num(v)
    result = Decimal(number) ** int(p) if isinstance(number, Decimal) and int(p) == p else number**p
    return _out_number(result)


def tsql_sqrt(v: Any) -> Any:
    if v is None:
        return None
    number = float(_num(v))
    if number < 0:
        fail(errors.SqlError(3623, 16, 1, "An invalid floating point operation occurred."))
    return math.sqrt(number)


def tsql_rand(seed: Any = None) -> float:
    if seed is not None:
        random.seed(int(seed))
    return random.random()


def tsql_newid() -> str:
    return str(uuid.uuid4()).upper()


# --- dates -------------------------------------------------------------------------------------

_DATEPARTS = {
    "year": "year",
    "yy": "year",
    "yyyy": "year",
    "quarter": "quarter",
    "qq": "quarter",
    "q": "quarter",
    "month": "month",
    "mm": "month",
    "m": "month",
    "dayofyear": "dayofyear",
    "dy": "dayofyear",
    "y": "dayofyear",
    "day": "day",
    "dd": "day",
    "d": "day",
    "week": "week",
    "wk": "week",
    "ww": "week",
    "weekday": "weekday",
    "dw": "weekday",
    "w": "weekday",
    "hour": "hour",
    "hh": "hour",
    "minute": "minute",
    "mi": "minute",
    "n": "minute",
    "second": "second",
    "ss": "second",
    "s": "second",
    "millisecond": "millisecond",
    "ms": "millisecond",
    "microsecond": "microsecond",
    "mcs": "microsecond",
    "nanosecond": "nanosecond",
    "ns": "nanosecond",
    "tzoffset": "tzoffset",
    "tz": "tzoffset",
    "iso_week": "iso_week",
    "isowk": "iso_week",
    "isoww": "iso_week",
}
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def datepart_name(text: Any) -> str:
    part = _DATEPARTS.get(str(text).lower())
    if part is None:
        fail(errors.SqlError(155, 15, 1, f"'{text}' is not a recognized datepart option."))
    return part  # type: ignore[return-value]


def now_local() -> dt.datetime:
    return dt.datetime.now()


def tsql_getdate(type_name: str = "datetime") -> str:
    value = now_local()
    if type_name == "datetime":
        value = values.round_datetime_300(value)
    return values.temporal_text(value, parse_type(type_name))


def tsql_getutcdate(type_name: str = "datetime") -> str:
    value = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if type_name == "datetime":
        value = values.round_datetime_300(value)
    return values.temporal_text(value, parse_type(type_name))


def tsql_sysdatetimeoffset() -> str:
    return values.temporal_text(dt.datetime.now().astimezone(), sqltypes.DATETIMEOFFSET)


def tsql_dateadd(part: Any, number: Any, value: Any, type_name: str = "datetime") -> Any:
    if number is None or value is None:
        return None
    base = _temporal(value, type_name)
    unit = datepart_name(part)
    amount = int(_num(number))
    if unit in ("year", "quarter", "month"):
        months = amount * {"year": 12, "quarter": 3, "month": 1}[unit]
        year, month = divmod(base.month - 1 + months, 12)
        year += base.year
        day = min(base.day, _days_in_month(year, month + 1))
        if not 1 <= year <= 9999:
            fail(errors.SqlError(517, 16, 1, "Adding a value to a 'datetime' column caused an overflow."))
        result = base.replace(year=year, month=month + 1, day=day)
    else:
        seconds = {
            "dayofyear": 86400,
            "day": 86400,
            "week": 604800,
            "weekday": 86400,
            "hour": 3600,
            "minute": 60,
            "second": 1,
        }
        if unit in seconds:
            delta = dt.timedelta(seconds=amount * seconds[unit])
        elif unit == "millisecond":
            delta = dt.timedelta(milliseconds=amount)
        elif unit == "microsecond":
            delta = dt.timedelta(microseconds=amount)
        elif unit == "nanosecond":
            delta = dt.timedelta(microseconds=amount // 1000)
        else:
            fail(errors.SqlError(9810, 16, 1, f"The datepart {part} is not supported by date function dateadd."))
        if isinstance(base, dt.time):
            result = (dt.datetime.combine(dt.date(1900, 1, 1), base) + delta).time()
        elif isinstance(base, dt.datetime):
            result = base + delta
        else:
            result = base + dt.timedelta(days=delta.days)
    return values.temporal_text(result, parse_type(type_name))


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def tsql_datediff(part: Any, start: Any, end: Any, t1: str = "datetime2", t2: str = "datetime2") -> Any:
    if start is None or end is None:
        return None
    a, b = _as_datetime(_temporal(start, t1)), _as_datetime(_temporal(end, t2))
    unit = datepart_name(part)
    if unit == "year":
        return b.year - a.year
    if unit == "quarter":
        return (b.year - a.year) * 4 + (b.month - 1) // 3 - (a.month - 1) // 3
    if unit == "month":
        return (b.year - a.year) * 12 + b.month - a.month
    if unit in ("day", "dayofyear", "weekday"):
        return (b.date() - a.date()).days
    if unit == "week":
        return ((b.date() - a.date()).days + (a.weekday() + 1) % 7 - (b.weekday() + 1) % 7) // 7
    boundaries = {"hour": 3600, "minute": 60, "second": 1}
    if unit in boundaries:
        size = boundaries[unit]
        return int(_seconds(b) // size - _seconds(a) // size)
    micros_a = _seconds(a) * 1_000_000 + a.microsecond
    micros_b = _seconds(b) * 1_000_000 + b.microsecond
    if unit == "millisecond":
        return micros_b // 1000 - micros_a // 1000
    if unit == "microsecond":
        return micros_b - micros_a
    if unit == "nanosecond":
        return (micros_b - micros_a) * 1000
    fail(errors.SqlError(9810, 16, 1, f"The datepart {part} is not supported by date function datediff."))
    return None


def _as_datetime(v: Any) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None) if v.tzinfo is None else v.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return dt.datetime.combine(dt.date(1900, 1, 1), v)


def _seconds(v: dt.datetime) -> int:
    return (v.toordinal() * 86400) + v.hour * 3600 + v.minute * 60 + v.second


def tsql_datepart(part: Any, value: Any, type_name: str = "datetime2") -> Any:
    if value is None:
        return None
    base = _temporal(value, type_name)
    unit = datepart_name(part)
    if unit == "tzoffset":
        offset = base.utcoffset() if isinstance(base, dt.datetime) else None
        return int(offset.total_seconds() // 60) if offset else 0
    when = base if not isinstance(base, dt.time) else dt.datetime.combine(dt.date(1900, 1, 1), base)
    simple = {
        "year": lambda d: d.year,
        "month": lambda d: d.month,
        "day": lambda d: d.day,
        "quarter": lambda d: (d.month - 1) // 3 + 1,
        "dayofyear": lambda d: d.timetuple().tm_yday,
        "hour": lambda d: getattr(d, "hour", 0),
        "minute": lambda d: getattr(d, "minute", 0),
        "second": lambda d: getattr(d, "second", 0),
        "millisecond": lambda d: getattr(d, "microsecond", 0) // 1000,
        "microsecond": lambda d: getattr(d, "microsecond", 0),
        "nanosecond": lambda d: getattr(d, "microsecond", 0) * 1000,
        "iso_week": lambda d: d.isocalendar()[1],
    }
    if unit in simple:
        return simple[unit](when)
    datefirst = session().options.datefirst if getattr(CURRENT, "session", None) else 7
    weekday = (when.isoweekday() - datefirst) % 7 + 1
    if unit == "weekday":
        return weekday
    jan1 = dt.date(when.year, 1, 1)
    jan1_weekday = (jan1.isoweekday() - datefirst) % 7
    return (when.timetuple().tm_yday + jan1_weekday - 1) // 7 + 1


def tsql_datename(part: Any, value: Any, type_name: str = "datetime2") -> Any:
    if value is None:
        return None
    unit = datepart_name(part)
    base = _temporal(value, type_name)
    if unit == "month":
        return _MONTH_NAMES[base.month - 1]
    if unit == "weekday":
        return _DAY_NAMES[base.weekday()]
    return str(tsql_datepart(part, value, type_name))


def tsql_datefromparts(y: Any, m: Any, d: Any) -> Any:
    if None in (y, m, d):
        return None
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        fail(
            errors.SqlError(
                289,
                16,
                1,
                "Cannot construct data type date, some of the arguments have values which are not valid.",
            )
        )
    return None


def tsql_eomonth(value: Any, months: Any = 0, type_name: str = "date") -> Any:
    if value is None:
        return None
    base = _temporal(value, type_name)
    day = base.date() if isinstance(base, dt.datetime) else base
    total = day.year * 12 + day.month - 1 + int(months or 0)
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, _days_in_month(year, month + 1)).isoformat()


def tsql_isdate(value: Any) -> int:
    if value is None or not isinstance(value, str):
        return 0
    parsed = values.parse_datetime_text(value, _dateformat())
    return 1 if parsed is not None and parsed.year >= 1753 else 0


def tsql_isnumeric(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int | float):
        return 1
    text = _text(value).strip().replace(",", "")
    if text in ("", "+", "-", "."):
        return 0
    try:
        Decimal(text.lstrip("$"))
    except InvalidOperation:
        return 0
    return 1


# --- conversion --------------------------------------------------------------------------------


def tsql_cast(value: Any, to_type: str, from_type: str = "", style: Any = None) -> Any:
    """CAST/CONVERT: a storage value of from_type to a storage value of to_type."""
    if value is None:
        return None
    target = parse_type(to_type)
    source = parse_type(from_type) if from_type else None
    python_value = _python_value(value, source)
    if style is not None and target.is_string:
        formatted = format_style(python_value, source, int(style))
        if formatted is not None:
            return values.cast(formatted, target)
    if style is not None and target.family in ("date", "datetime", "datetimeoffset") and isinstance(python_value, str):
        parsed = parse_style(python_value, int(style))
        if parsed is not None:
            python_value = parsed
    converted = values.cast(python_value, target, source, _dateformat())
    return values.storage_value(converted, target)


def tsql_try_cast(value: Any, to_type: str, from_type: str = "", style: Any = None) -> Any:
    try:
        return tsql_cast(value, to_type, from_type, style)
    except (errors.SqlError, ValueError):
        CURRENT.error = None
        return None


def _python_value(value: Any, source: SqlType | None) -> Any:
    if source is None or value is None:
        return value
    return values.reader_for(source)(value) if not source.is_string else value


_STYLE_DATE = {
    1: "%m/%d/%y",
    101: "%m/%d/%Y",
    2: "%y.%m.%d",
    102: "%Y.%m.%d",
    3: "%d/%m/%y",
    103: "%d/%m/%Y",
    4: "%d.%m.%y",
    104: "%d.%m.%Y",
    5: "%d-%m-%y",
    105: "%d-%m-%Y",
    10: "%m-%d-%y",
    110: "%m-%d-%Y",
    11: "%y/%m/%d",
    111: "%Y/%m/%d",
    12: "%y%m%d",
    112: "%Y%m%d",
}


def format_style(value: Any, source: SqlType | None, style: int) -> str | None:
    """CONVERT(varchar, value, style) for date/time and money styles."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        if style in _STYLE_DATE and not isinstance(value, dt.time):
            return value.strftime(_STYLE_DATE[style])
        if (style in (8, 108, 24) and not isinstance(value, dt.date | dt.datetime)) or style in (8, 108):
            return value.strftime("%H:%M:%S")
        if style in (20, 120):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if style in (21, 121, 25):
            base = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            scale = 3 if source is None or source.name in ("datetime", "smalldatetime") else (source.scale or 7)
            return values.format_temporal(base, "datetime2", scale)
        if style in (126, 127):
            if isinstance(value, dt.datetime):
                text = value.strftime("%Y-%m-%dT%H:%M:%S")
                if value.microsecond:
                    text += (
                        f".{value.microsecond:06d}"[:4]
                        if source and source.name == "datetime"
                        else f".{value.microsecond:06d}".rstrip("0")
                    )
                if value.tzinfo is not None:
                    offset = value.utcoffset() or dt.timedelta()
                    text += "Z" if style == 127 and not offset else values.format_offset(offset)
                return text
            return value.isoformat()
        if style in (0, 100) and isinstance(value, dt.datetime):
            return values.to_text(value, sqltypes.DATETIME)
        if style in (9, 109) and isinstance(value, dt.datetime):
            return value.strftime("%b %d %Y %I:%M:%S:") + f"{value.microsecond // 1000:03d}" + value.strftime("%p")
        return None
    if isinstance(value, bytes) and style in (1, 2):
        return ("0x" if style == 1 else "") + value.hex().upper()
    if isinstance(value, Decimal) and source is not None and source.family == "money":
        if style == 1:
            return f"{value:,.2f}"
        if style == 2:
            return f"{value:.4f}"
    if isinstance(value, float):
        if style == 1:
            return f"{value:.7e}"
        if style in (2, 3):
            return f"{value:.16e}" if style == 2 else repr(value)
    return None


def parse_style(text: str, style: int) -> Any:
    fmt = _STYLE_DATE.get(style)
    if fmt:
        try:
            return dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            fail(errors.date_conversion_failed())
    return None


def tsql_store(value: Any, type_name: str, table: str, column: str, from_type: str = "") -> Any:
    """A value on its way into a column: converted to the column's type, checked for
    truncation (2628) as INSERT and UPDATE check it."""
    if value is None:
        return None
    target = parse_type(type_name)
    source = parse_type(from_type) if from_type else None
    python_value = _python_value(value, source)
    if target.is_string and target.length not in (None, sqltypes.MAX):
        text = values.to_text(python_value, source)
        if len(text.rstrip(" ")) > target.length:
            fail(errors.string_truncated(table, column, text[: target.length]))
        python_value = text
    elif target.family == "binary" and target.length not in (None, sqltypes.MAX):
        data = (
            python_value
            if isinstance(python_value, bytes)
            else values.cast(python_value, sqltypes.VARBINARY_MAX, source)
        )
        if len(data) > target.length:
            fail(errors.string_truncated(table, column, data[: target.length].hex()))
        python_value = data
    converted = values.cast(python_value, target, source, _dateformat())
    return values.storage_value(converted, target)


# --- system and metadata -----------------------------------------------------------------------


def tsql_sysvar(name: str) -> Any:
    return session().system_variable(name)


def tsql_session(name: str, *args: Any) -> Any:
    """Session-dependent functions: DB_NAME(), SUSER_SNAME(), OBJECT_ID('x')..."""
    return session().system_function(name, args)


# --- aggregates --------------------------------------------------------------------------------


class DecimalSum:
    """SUM over decimal/money storage text, exactly (SQLite's sum would use doubles).
    Also a window function: SUM(x) OVER (...)."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.count = 0

    @staticmethod
    def _number(value: Any) -> Decimal:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def step(self, value: Any) -> None:
        if value is not None:
            self.total = CTX.add(self.total, self._number(value))
            self.count += 1

    def inverse(self, value: Any) -> None:
        if value is not None:
            self.total = CTX.subtract(self.total, self._number(value))
            self.count -= 1

    def value(self) -> Any:
        return None if not self.count else format(self.total, "f")

    def finalize(self) -> Any:
        return self.value()


class DecimalAvg(DecimalSum):
    def value(self) -> Any:
        return None if not self.count else format(CTX.divide(self.total, self.count), "f")


AGGREGATES: list[tuple[str, int, type]] = [
    ("tsql_sum", 1, DecimalSum),
    ("tsql_avg", 1, DecimalAvg),
]


# --- registry ----------------------------------------------------------------------------------


def _fixed(st: SqlType) -> TypeRule:
    return lambda args: st


def _first(args: list[SqlType | None]) -> SqlType | None:
    return args[0] if args else None


def _string_of_first(args: list[SqlType | None]) -> SqlType | None:
    first = args[0] if args else None
    if first is None or not first.is_string:
        return sqltypes.varchar(ty.char_length_of(first))
    return first


def _nvarchar_or_varchar(length: int) -> TypeRule:
    def rule(args: list[SqlType | None]) -> SqlType:
        unicode = any(a is not None and a.is_unicode for a in args)
        return sqltypes.nvarchar(length) if unicode else sqltypes.varchar(length)

    return rule


def _concat_type(args: list[SqlType | None]) -> SqlType:
    result: SqlType | None = None
    for arg in args:
        as_text = arg if arg is not None and arg.is_string else sqltypes.varchar(ty.char_length_of(arg))
        result = as_text if result is None else ty.concatenation(result, as_text)
    return result or sqltypes.varchar(1)


def _numeric_of_first(args: list[SqlType | None]) -> SqlType | None:
    first = args[0] if args else None
    if first is None or first.is_string:
        return sqltypes.FLOAT
    if first.family == "decimal":
        return sqltypes.decimal(first.precision or 18, first.scale or 0)
    return first


def _round_type(args: list[SqlType | None]) -> SqlType | None:
    first = args[0] if args else None
    if first is not None and first.family == "decimal":
        return sqltypes.decimal(min((first.precision or 18) + 1, 38), first.scale or 0)
    return _numeric_of_first(args)


def _ceiling_type(args: list[SqlType | None]) -> SqlType | None:
    first = args[0] if args else None
    if first is not None and first.family == "decimal":
        return sqltypes.decimal(first.precision or 18, 0)
    return _numeric_of_first(args)


def _date_of_third(args: list[SqlType | None]) -> SqlType | None:
    third = args[2] if len(args) > 2 else None
    if third is None or third.is_string:
        return sqltypes.DATETIME
    return third


def _replicate_type(args: list[SqlType | None]) -> SqlType:
    first = args[0] if args else None
    if first is not None and first.is_max:
        return first
    return sqltypes.NVARCHAR_MAX if first is not None and first.is_unicode else sqltypes.varchar(8000)


BUILTINS: list[Builtin] = []


def builtin(
    name: str,
    impl: Callable[..., Any] | None,
    arity: tuple[int, int],
    returns: TypeRule,
    deterministic: bool = True,
    type_hints: bool = False,
    sqlite_name: str = "",
) -> None:
    BUILTINS.append(
        Builtin(
            name,
            sqlite_name or f"tsql_{name.lower()}",
            impl,
            arity,
            returns,
            deterministic,
            type_hints,
        )
    )


builtin("LEN", tsql_len, (1, 1), _fixed(sqltypes.INT))
builtin("DATALENGTH", tsql_datalength, (1, 1), _fixed(sqltypes.INT), type_hints=True)
builtin("CHARINDEX", tsql_charindex, (2, 3), _fixed(sqltypes.INT))
builtin("PATINDEX", tsql_patindex, (2, 2), _fixed(sqltypes.INT))
builtin("SUBSTRING", tsql_substring, (3, 3), _string_of_first)
builtin("LEFT", tsql_left, (2, 2), _string_of_first)
builtin("RIGHT", tsql_right, (2, 2), _string_of_first)
builtin("REPLACE", tsql_replace, (3, 3), _string_of_first)
builtin("REPLICATE", tsql_replicate, (2, 2), _replicate_type)
builtin("LTRIM", tsql_ltrim, (1, 2), _string_of_first)
builtin("RTRIM", tsql_rtrim, (1, 2), _string_of_first)
builtin("TRIM", tsql_trim, (1, 2), _string_of_first)
builtin("UPPER", tsql_upper, (1, 1), _string_of_first)
builtin("LOWER", tsql_lower, (1, 1), _string_of_first)
builtin("REVERSE", tsql_reverse, (1, 1), _string_of_first)
builtin("CONCAT", tsql_concat, (2, 254), _concat_type)
builtin("CONCAT_WS", tsql_concat_ws, (3, 254), _concat_type)
builtin("STUFF", tsql_stuff, (4, 4), _string_of_first)
builtin("SPACE", tsql_space, (1, 1), _fixed(sqltypes.varchar(8000)))
builtin("CHAR", tsql_char, (1, 1), _fixed(SqlType("char", length=1)))
builtin("NCHAR", tsql_nchar, (1, 1), _fixed(SqlType("nchar", length=1)))
builtin("ASCII", tsql_ascii, (1, 1), _fixed(sqltypes.INT))
builtin("UNICODE", tsql_unicode, (1, 1), _fixed(sqltypes.INT))
builtin("QUOTENAME", tsql_quotename, (1, 2), _fixed(sqltypes.nvarchar(258)))
builtin("ROUND", tsql_round, (2, 3), _round_type)
builtin("FLOOR", tsql_floor, (1, 1), _ceiling_type)
builtin("CEILING", tsql_ceiling, (1, 1), _ceiling_type)
builtin("ABS", tsql_abs, (1, 1), _numeric_of_first)
builtin("SIGN", tsql_sign, (1, 1), _numeric_of_first)
builtin("POWER", tsql_power, (2, 2), _numeric_of_first)
builtin("SQRT", tsql_sqrt, (1, 1), _fixed(sqltypes.FLOAT))
builtin("RAND", tsql_rand, (0, 1), _fixed(sqltypes.FLOAT), deterministic=False)
builtin("NEWID", tsql_newid, (0, 0), _fixed(sqltypes.UNIQUEIDENTIFIER), deterministic=False)
builtin(
    "GETDATE",
    lambda: tsql_getdate("datetime"),
    (0, 0),
    _fixed(sqltypes.DATETIME),
    deterministic=False,
)
builtin(
    "CURRENT_TIMESTAMP",
    lambda: tsql_getdate("datetime"),
    (0, 0),
    _fixed(sqltypes.DATETIME),
    deterministic=False,
)
builtin(
    "SYSDATETIME",
    lambda: tsql_getdate("datetime2(7)"),
    (0, 0),
    _fixed(sqltypes.DATETIME2),
    deterministic=False,
)
builtin(
    "GETUTCDATE",
    lambda: tsql_getutcdate("datetime"),
    (0, 0),
    _fixed(sqltypes.DATETIME),
    deterministic=False,
)
builtin(
    "SYSUTCDATETIME",
    lambda: tsql_getutcdate("datetime2(7)"),
    (0, 0),
    _fixed(sqltypes.DATETIME2),
    deterministic=False,
)
builtin(
    "SYSDATETIMEOFFSET",
    tsql_sysdatetimeoffset,
    (0, 0),
    _fixed(sqltypes.DATETIMEOFFSET),
    deterministic=False,
)
builtin("DATEADD", tsql_dateadd, (3, 3), _date_of_third, type_hints=True)
builtin("DATEDIFF", tsql_datediff, (3, 3), _fixed(sqltypes.INT), type_hints=True)
builtin("DATEDIFF_BIG", tsql_datediff, (3, 3), _fixed(sqltypes.BIGINT), type_hints=True)
builtin("DATEPART", tsql_datepart, (2, 2), _fixed(sqltypes.INT), type_hints=True)
builtin("DATENAME", tsql_datename, (2, 2), _fixed(sqltypes.nvarchar(30)), type_hints=True)
builtin("DATEFROMPARTS", tsql_datefromparts, (3, 3), _fixed(sqltypes.DATE))
builtin("EOMONTH", tsql_eomonth, (1, 2), _fixed(sqltypes.DATE), type_hints=True)
builtin("ISDATE", tsql_isdate, (1, 1), _fixed(sqltypes.INT))
builtin("ISNUMERIC", tsql_isnumeric, (1, 1), _fixed(sqltypes.INT))
builtin(
    "YEAR",
    lambda v, t="datetime2": tsql_datepart("year", v, t),
    (1, 1),
    _fixed(sqltypes.INT),
    type_hints=True,
)
builtin(
    "MONTH",
    lambda v, t="datetime2": tsql_datepart("month", v, t),
    (1, 1),
    _fixed(sqltypes.INT),
    type_hints=True,
)
builtin(
    "DAY",
    lambda v, t="datetime2": tsql_datepart("day", v, t),
    (1, 1),
    _fixed(sqltypes.INT),
    type_hints=True,
)

SQLITE_FUNCTIONS: list[tuple[str, int, Callable[..., Any], bool]] = []


def _register_sqlite() -> None:
    for fn in BUILTINS:
        if fn.impl is None:
            continue
        SQLITE_FUNCTIONS.append((fn.sqlite_name, -1, guarded(fn.impl), fn.deterministic))
    SQLITE_FUNCTIONS.extend(
        [
            ("like", 2, guarded(tsql_like), True),
            ("like", 3, guarded(tsql_like), True),
            ("tsql_div", 2, guarded(tsql_div), True),
            ("tsql_mod", 2, guarded(tsql_mod), True),
            ("tsql_decimal_op", 3, guarded(tsql_decimal_op), True),
            ("tsql_cast", -1, guarded(tsql_cast), True),
            ("tsql_try_cast", -1, guarded(tsql_try_cast), True),
            ("tsql_store", -1, guarded(tsql_store), True),
            ("tsql_sysvar", 1, guarded(tsql_sysvar), False),
            ("tsql_identity", 0, guarded(lambda: session().next_identity()), False),
            ("tsql_session", -1, guarded(tsql_session), False),
        ]
    )


_register_sqlite()
BY_NAME = {fn.name: fn for fn in BUILTINS}
