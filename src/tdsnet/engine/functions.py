"""T-SQL built-in functions: implementations registered in SQLite, and their types.

Implementations receive and return *storage* values (see `values`): a datetime
argument arrives as ISO text, a decimal as exact text.  Where an argument's
declared type matters (implicit conversions, result scales, DATALENGTH...), the
builtin asks for type hints: the compiler then appends each argument's type
name, and `typed` hands the implementation its arguments plus ``types``.  The
datepart functions (DATEADD, DATEDIFF...) get no hint for their datepart.

Each builtin's ``returns`` rule gives its documented result type from the
argument types; those types become the column metadata clients see.

Functions that depend on the session (DB_NAME(), SUSER_SNAME(), @@SPID...) read
`CURRENT.session`, which the executor sets on its thread, so one registration
serves every connection.

A Python function cannot raise through SQLite, so an implementation that fails
with a SqlError parks it in `CURRENT.error` and raises; the executor picks it up.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import random
import re
import struct
import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .. import sqltypes
from ..sqltypes import DECIMAL_CONTEXT as CTX
from ..sqltypes import DateTime7, SqlType, Time7, TypeError_, parse_type, tick_of
from . import errors, guards, operators, udf, values
from . import typerules as ty

CURRENT = threading.local()

TypeRule = Callable[[list[SqlType | None]], SqlType | None]
Types = Sequence[SqlType | None]


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


def _current_session() -> Any:
    return getattr(CURRENT, "session", None)


def _dateformat() -> str:
    current = _current_session()
    return current.options.dateformat if current is not None else "mdy"


def _datefirst() -> int:
    current = _current_session()
    return current.options.datefirst if current is not None else 7


# --- arguments -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def hint_type(name: Any) -> SqlType | None:
    """A type name the compiler passed ('' when it did not know the type)."""
    if not name or not isinstance(name, str):
        return None
    try:
        return parse_type(name)
    except TypeError_:
        return None


def typed(func: Callable[..., Any], datepart: bool = False) -> Callable[..., Any]:
    """Split the trailing type names off the arguments: ``func(*args, types=...)``."""

    def call(*args: Any) -> Any:
        head, rest = (args[:1], args[1:]) if datepart else ((), args)
        count = len(rest) // 2
        return func(*head, *rest[:count], types=tuple(hint_type(t) for t in rest[count:]))

    call.__name__ = func.__name__
    return call


def _type_at(types: Types, index: int) -> SqlType | None:
    return types[index] if index < len(types) else None


@functools.lru_cache(maxsize=512)
def _reader(st: SqlType) -> Callable[[Any], Any]:
    return values.reader_for(st)


def python_value(v: Any, st: SqlType | None) -> Any:
    """A storage value as the Python value of its declared type."""
    if v is None or st is None or st.is_string:
        return v
    return _reader(st)(v)


def _str(v: Any, st: SqlType | None = None) -> Any:
    """An argument as character data: the implicit conversion string functions apply."""
    if v is None:
        return None
    if isinstance(v, str) and (st is None or st.is_string):
        return v
    if isinstance(v, bytes):
        return v.decode("cp1252", "replace")
    if st is None:
        return values.to_text(v)
    return values.to_text(python_value(v, st), st)


def _int(v: Any, st: SqlType | None = None) -> Any:
    """An int argument (a length, a position): decimals truncate, text must be an integer."""
    if v is None:
        return None
    if isinstance(v, int):
        return v
    if st is not None and not st.is_string:
        v = python_value(v, st)
    elif isinstance(v, str) and st is None:
        try:
            v = Decimal(v)
        except InvalidOperation:
            pass
    try:
        return values.cast(v, sqltypes.INT, st)
    except errors.SqlError as exc:
        if exc.number == 8115:
            raise values.overflow("expression", "int") from None
        raise


_NUMERIC_FAMILIES = ("int", "float", "decimal", "money")


def _number(v: Any, st: SqlType | None, fn: str = "", position: int = 1) -> Any:
    """A numeric argument: int, float or Decimal.  Character data converts to float, as SQL
    Server's math functions do; other types are error 8116."""
    if v is None:
        return None
    if st is None:
        if isinstance(v, str):
            try:
                return Decimal(v)
            except InvalidOperation:
                return values.cast(v, sqltypes.FLOAT)
        return v
    if st.is_string:
        return values.cast(v, sqltypes.FLOAT, st)
    if st.family not in _NUMERIC_FAMILIES:
        raise invalid_argument(st, position, fn)
    number = python_value(v, st)
    return int(number) if isinstance(number, bool) else number


def invalid_argument(st: SqlType | None, position: int, fn: str) -> errors.SqlError:
    name = st.name if st is not None else "NULL"
    return errors.SqlError(
        8116, 16, 1, f"Argument data type {name} is invalid for argument {position} of {fn} function."
    )


def stored(value: Any, st: SqlType | None) -> Any:
    """A Python result as the storage value of the declared result type."""
    if value is None:
        return None
    if st is None:
        return values.dynamic_storage(value)
    return values.storage_value(values.cast(value, st), st)


def _is_unicode(*types: SqlType | None) -> bool:
    return any(t is not None and t.is_unicode for t in types)


# --- strings -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-folded text of the same length (the default collation is case-insensitive)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _utf16_units(text: str) -> int:
    """Length in UTF-16 code units: SQL Server counts a supplementary character as two."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def tsql_len(v: Any, types: Types = ()) -> int | None:
    """Characters, not counting trailing spaces (leading ones count); bytes for binary."""
    if v is None:
        return None
    if isinstance(v, bytes):
        return len(v)
    return _utf16_units(_str(v, _type_at(types, 0)).rstrip(" "))


def tsql_datalength(v: Any, types: Types = ()) -> int | None:
    if v is None:
        return None
    if isinstance(v, bytes):
        return len(v)
    st = _type_at(types, 0)
    if st is None:
        return len(v.encode("utf-16-le")) if isinstance(v, str) else values.type_of_value(v).byte_length()
    if st.is_string:
        return len(v.encode("utf-16-le")) if st.is_unicode else len(v.encode("cp1252", "replace"))
    if st.family == "binary":
        return len(python_value(v, st))
    return st.byte_length()


def tsql_charindex(needle: Any, haystack: Any, start: Any = 1, types: Types = ()) -> int | None:
    """Position of the first match at or after start (1-based), case-insensitively; 0 if none."""
    if needle is None or haystack is None or start is None:
        return None
    begin = max(_int(start, _type_at(types, 2)), 1) - 1
    if isinstance(needle, bytes) and isinstance(haystack, bytes):
        return haystack.find(needle, begin) + 1 if needle else 0
    find, text = _str(needle, _type_at(types, 0)), _str(haystack, _type_at(types, 1))
    if find == "":
        return 0
    return _fold(text).find(_fold(find), begin) + 1


def tsql_substring(v: Any, start: Any, length: Any, types: Types = ()) -> Any:
    """Positions before 1 count toward the length: SUBSTRING('abc', 0, 2) is 'a'."""
    if v is None or start is None or length is None:
        return None
    first, count = _int(start, _type_at(types, 1)), _int(length, _type_at(types, 2))
    if count < 0:
        raise errors.SqlError(537, 16, 3, "Invalid length parameter passed to the LEFT or SUBSTRING function.")
    begin, end = max(first, 1), first + count  # end is exclusive
    data = v if isinstance(v, bytes) else _str(v, _type_at(types, 0))
    if end <= begin:
        return data[:0]
    return data[begin - 1 : end - 1]


def tsql_left(v: Any, n: Any, types: Types = ()) -> Any:
    if v is None or n is None:
        return None
    count = _int(n, _type_at(types, 1))
    if count < 0:
        raise errors.SqlError(536, 16, 1, "Invalid length parameter passed to the left function.")
    data = v if isinstance(v, bytes) else _str(v, _type_at(types, 0))
    return data[:count]


def tsql_right(v: Any, n: Any, types: Types = ()) -> Any:
    if v is None or n is None:
        return None
    count = _int(n, _type_at(types, 1))
    if count < 0:
        raise errors.SqlError(536, 16, 1, "Invalid length parameter passed to the right function.")
    data = v if isinstance(v, bytes) else _str(v, _type_at(types, 0))
    return data[len(data) - count :] if count else data[:0]


def replace_ci(text: str, old: str, new: str) -> str:
    """Replace every occurrence of ``old``, matched case-insensitively, left to right."""
    if not old:
        return text
    folded, key = _fold(text), _fold(old)
    out: list[str] = []
    position = 0
    while (found := folded.find(key, position)) >= 0:
        out += [text[position:found], new]
        position = found + len(old)
    out.append(text[position:])
    return "".join(out)


def tsql_replace(v: Any, old: Any, new: Any, types: Types = ()) -> Any:
    if v is None or old is None or new is None:
        return None
    text = _str(v, _type_at(types, 0))
    result = replace_ci(text, _str(old, _type_at(types, 1)), _str(new, _type_at(types, 2)))
    return result if _is_max(_type_at(types, 0)) else result[: _string_limit(types)]


def _is_max(st: SqlType | None) -> bool:
    return st is not None and (st.is_max or st.is_lob)


def _string_limit(types: Types) -> int:
    """Non-max results stop at 8000 bytes: 8000 characters, or 4000 for nvarchar."""
    return 4000 if _is_unicode(*types) else 8000


def tsql_replicate(v: Any, n: Any, types: Types = ()) -> Any:
    if v is None or n is None:
        return None
    count = _int(n, _type_at(types, 1))
    if count < 0:
        return None
    text = _str(v, _type_at(types, 0))
    if _is_max(_type_at(types, 0)):
        return text * count
    limit = _string_limit(types[:1])
    return (text * min(count, limit // max(len(text), 1) + 1))[:limit]


def _trim_set(chars: Any) -> str:
    return " " if chars is None else chars


def tsql_ltrim(v: Any, chars: Any = None, types: Types = ()) -> Any:
    if v is None:
        return None
    return _str(v, _type_at(types, 0)).lstrip(_trim_set(_str(chars, _type_at(types, 1))))


def tsql_rtrim(v: Any, chars: Any = None, types: Types = ()) -> Any:
    if v is None:
        return None
    return _str(v, _type_at(types, 0)).rstrip(_trim_set(_str(chars, _type_at(types, 1))))


def tsql_trim(v: Any, chars: Any = None, where: Any = "BOTH") -> Any:
    """TRIM([LEADING|TRAILING|BOTH] [chars FROM] v).  Not hinted: the compiler may call
    tsql_trim(string, characters, where) for the FROM form."""
    if v is None:
        return None
    text, remove = _str(v), _trim_set(_str(chars))
    side = str(where or "BOTH").upper()
    if side == "LEADING":
        return text.lstrip(remove)
    if side == "TRAILING":
        return text.rstrip(remove)
    return text.strip(remove)


def _same_length_case(text: str, upper: bool) -> str:
    """UPPER/LOWER character by character: 'ß' stays one character."""
    changed = text.upper() if upper else text.lower()
    if len(changed) == len(text):
        return changed
    return "".join(c if len(m := (c.upper() if upper else c.lower())) != 1 else m for c in text)


def tsql_upper(v: Any, types: Types = ()) -> Any:
    return None if v is None else _same_length_case(_str(v, _type_at(types, 0)), True)


def tsql_lower(v: Any, types: Types = ()) -> Any:
    return None if v is None else _same_length_case(_str(v, _type_at(types, 0)), False)


def tsql_reverse(v: Any, types: Types = ()) -> Any:
    if v is None:
        return None
    return v[::-1] if isinstance(v, bytes) else _str(v, _type_at(types, 0))[::-1]


def tsql_concat(*args: Any, types: Types = ()) -> str:
    """NULL arguments count as empty strings."""
    parts = [_str(a, _type_at(types, i)) for i, a in enumerate(args) if a is not None]
    text = "".join(parts)
    return text if any(_is_max(t) for t in types) else text[: _string_limit(types)]


def tsql_concat_ws(sep: Any, *args: Any, types: Types = ()) -> str:
    """NULL arguments are skipped, separator and all."""
    separator = _str(sep, _type_at(types, 0)) or ""
    parts = [_str(a, _type_at(types, i + 1)) for i, a in enumerate(args) if a is not None]
    text = separator.join(parts)
    return text if any(_is_max(t) for t in types) else text[: _string_limit(types)]


def tsql_stuff(v: Any, start: Any, length: Any, insert: Any, types: Types = ()) -> Any:
    """Delete ``length`` characters at ``start`` and insert another string there."""
    if v is None or start is None or length is None:
        return None
    data = v if isinstance(v, bytes) else _str(v, _type_at(types, 0))
    first, count = _int(start, _type_at(types, 1)), _int(length, _type_at(types, 2))
    if first < 1 or first > len(data) or count < 0:
        return None
    if insert is None:
        middle = data[:0]
    else:
        middle = insert if isinstance(data, bytes) and isinstance(insert, bytes) else _str(insert, _type_at(types, 3))
    return data[: first - 1] + middle + data[first - 1 + count :]


def tsql_space(n: Any, types: Types = ()) -> Any:
    if n is None:
        return None
    count = _int(n, _type_at(types, 0))
    return None if count < 0 else " " * min(count, 8000)


def cp1252_char(code: int) -> str:
    """The character a code-page-1252 byte stands for (the five unassigned bytes map to C1 controls)."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(code)


def _cp1252_code(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return 0x81 if char == "\x81" else (ord(char) if ord(char) in (0x8D, 0x8F, 0x90, 0x9D) else 63)


def tsql_char(n: Any, types: Types = ()) -> Any:
    if n is None:
        return None
    code = _int(n, _type_at(types, 0))
    return cp1252_char(code) if 0 <= code <= 255 else None


def tsql_nchar(n: Any, types: Types = ()) -> Any:
    """A UTF-16 code unit; above 0xFFFF is NULL under the default (non-SC) collation."""
    if n is None:
        return None
    code = _int(n, _type_at(types, 0))
    return chr(code) if 0 <= code <= 0xFFFF else None


def tsql_ascii(v: Any, types: Types = ()) -> Any:
    text = _str(v, _type_at(types, 0))
    if not text:
        return None
    return _cp1252_code(text[0])


def tsql_unicode(v: Any, types: Types = ()) -> Any:
    text = _str(v, _type_at(types, 0))
    if not text:
        return None
    code = ord(text[0])
    return 0xD800 + ((code - 0x10000) >> 10) if code > 0xFFFF else code  # the first UTF-16 code unit


_QUOTE_PAIRS = {
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


def tsql_quotename(v: Any, quote: Any = "[", types: Types = ()) -> Any:
    """Delimit an identifier, doubling the closing delimiter; NULL past 128 characters."""
    if v is None or quote is None:
        return None
    text, mark = _str(v, _type_at(types, 0)), _str(quote, _type_at(types, 1))
    if len(text) > 128 or mark not in _QUOTE_PAIRS:
        return None
    left, right = _QUOTE_PAIRS[mark]
    return left + text.replace(right, right + right) + right


def tsql_translate(v: Any, chars: Any, translations: Any, types: Types = ()) -> Any:
    """Replace each character of ``chars`` by the one at the same position in ``translations``."""
    if v is None or chars is None or translations is None:
        return None
    source, target = _str(chars, _type_at(types, 1)), _str(translations, _type_at(types, 2))
    if len(source) != len(target):
        raise errors.SqlError(
            9828,
            16,
            1,
            "The second and third arguments of the TRANSLATE built-in function must contain an equal number of "
            "characters.",
        )
    mapping: dict[str, str] = {}
    for old, new in zip(_fold(source), target, strict=True):
        mapping.setdefault(old, new)
    text = _str(v, _type_at(types, 0))
    return "".join(mapping.get(c.lower() if len(c.lower()) == 1 else c, c) for c in text)


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def tsql_string_escape(v: Any, kind: Any, types: Types = ()) -> Any:
    if kind is None or _str(kind, _type_at(types, 1)).lower() != "json":
        raise errors.SqlError(
            13613,
            16,
            1,
            f"An invalid type '{'' if kind is None else _str(kind)}' is provided to STRING_ESCAPE function. "
            "Supported type is json.",
        )
    if v is None:
        return None
    text = _str(v, _type_at(types, 0))
    return "".join(_JSON_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 32 else c) for c in text)


_SOUNDEX_CODES = {
    c: str(d) for d, letters in enumerate(["", "BFPV", "CGJKQSXZ", "DT", "L", "MN", "R"]) for c in letters
}


def soundex(text: str) -> str:
    """Four characters: the first letter, then the codes of the following consonants; adjacent
    letters with the same code count once, and H and W do not separate them."""
    letters = "".join(c for c in text.upper() if "A" <= c <= "Z")
    if not letters:
        return ""
    codes = [letters[0]]
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX_CODES.get(c, "")
        if code and code != previous:
            codes.append(code)
        if c not in "HW":
            previous = code
        if len(codes) == 4:
            break
    return "".join(codes).ljust(4, "0")


def tsql_soundex(v: Any, types: Types = ()) -> Any:
    return None if v is None else soundex(_str(v, _type_at(types, 0)))


def tsql_difference(a: Any, b: Any, types: Types = ()) -> Any:
    """How many of the four SOUNDEX characters agree (0: weak, 4: strong)."""
    if a is None or b is None:
        return None
    x, y = soundex(_str(a, _type_at(types, 0))), soundex(_str(b, _type_at(types, 1)))
    return sum(1 for p, q in zip(x, y, strict=False) if p == q)


def tsql_str(v: Any, length: Any = 10, decimals: Any = 0, types: Types = ()) -> Any:
    """A float right-aligned in ``length`` characters with ``decimals`` places (at most 16);
    '*' * length when the integer part does not fit, fewer decimals when they do not."""
    if v is None or length is None or decimals is None:
        return None
    number = float(_number(v, _type_at(types, 0), "str"))
    width, places = _int(length, _type_at(types, 1)), min(_int(decimals, _type_at(types, 2)), 16)
    if width < 1 or width > 8000 or places < 0:
        return None
    exact = Decimal(repr(number))
    for scale in range(places, -1, -1):
        text = format(exact.quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP), "f")
        if len(text) <= width:
            return text.rjust(width)
    return "*" * width


# --- LIKE and PATINDEX ---------------------------------------------------------------------------


def like_to_regex(pattern: str, escape: str | None = None, anchored: bool = True) -> re.Pattern[str]:
    """T-SQL LIKE (% _ [abc] [^abc] [a-z]) as a case-insensitive regular expression."""
    out: list[str] = []
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
        elif ch == "[" and (close := pattern.find("]", i + 2)) != -1:
            out.append(_like_set(pattern[i + 1 : close]))
            i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + (r"\Z" if anchored else ""), re.IGNORECASE | re.DOTALL)


def _like_set(body: str) -> str:
    """[abc], [^abc], [a-f]: a character class with everything but ranges taken literally."""
    negate = body.startswith("^") and len(body) > 1
    if negate:
        body = body[1:]
    parts: list[str] = []
    for index, ch in enumerate(body):
        inner = 0 < index < len(body) - 1
        parts.append("-" if ch == "-" and inner else re.escape(ch))
    return f"[{'^' if negate else ''}{''.join(parts)}]"


_LIKE_CACHE: dict[tuple[str, str | None], re.Pattern[str]] = {}


def tsql_like(pattern: Any, value: Any, escape: Any = None) -> Any:
    """SQLite calls like(pattern, value[, escape]) for ``value LIKE pattern``; trailing
    spaces of the value do not count, the pattern's do."""
    if pattern is None or value is None:
        return None
    key = (_str(pattern), escape)
    regex = _LIKE_CACHE.get(key)
    if regex is None:
        if len(_LIKE_CACHE) > 2048:
            _LIKE_CACHE.clear()
        regex = _LIKE_CACHE[key] = like_to_regex(key[0], escape)
    text = _str(value)
    return 1 if regex.match(text) or regex.match(text.rstrip(" ")) else 0


def tsql_patindex(pattern: Any, value: Any, types: Types = ()) -> Any:
    """The first position where the pattern matches (a pattern without a leading or
    trailing % is anchored at that end); 0 if it matches nowhere."""
    if pattern is None or value is None:
        return None
    text = _str(pattern, _type_at(types, 0))
    subject = _str(value, _type_at(types, 1))
    floating = text.startswith("%")
    core = text.lstrip("%") if floating else text
    if floating and not core:
        return 1  # '%' alone matches from the first character
    regex = like_to_regex(core)
    for start in range(len(subject) + 1 if floating else 1):
        if regex.match(subject, start):
            return start + 1
    return 0


# --- numbers -------------------------------------------------------------------------------------


def _operand(v: Any) -> Any:
    """An operand of the compiler's arithmetic helpers (no type hints): text is decimal storage,
    or a string that fails as int does."""
    if isinstance(v, str):
        try:
            return Decimal(v)
        except InvalidOperation:
            raise errors.conversion_failed(v, "int", "varchar value") from None
    return v


def tsql_div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    a, b = _operand(a), _operand(b)
    if b == 0:
        raise errors.divide_by_zero()
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a >= 0) == (b >= 0) else -quotient
    if isinstance(a, float) or isinstance(b, float):
        return float(a) / float(b)
    return format(CTX.divide(Decimal(a), Decimal(b)), "f")


def tsql_mod(a: Any, b: Any) -> Any:
    """% takes the sign of the dividend."""
    if a is None or b is None:
        return None
    a, b = _operand(a), _operand(b)
    if b == 0:
        raise errors.divide_by_zero()
    if isinstance(a, float) or isinstance(b, float):
        return math.fmod(a, b)
    result = abs(a) % abs(b) * (1 if a >= 0 else -1)
    return format(result, "f") if isinstance(result, Decimal) else result


def tsql_decimal_op(op: str, a: Any, b: Any) -> Any:
    """Exact arithmetic for decimal/money operands (SQLite would use doubles)."""
    if a is None or b is None:
        return None
    x, y = _operand(a), _operand(b)
    if isinstance(x, float) or isinstance(y, float):
        x, y = float(x), float(y)
        return {"+": x + y, "-": x - y, "*": x * y}.get(op) if op != "/" else tsql_div(x, y)
    x, y = Decimal(x), Decimal(y)
    if op == "+":
        return format(CTX.add(x, y), "f")
    if op == "-":
        return format(CTX.subtract(x, y), "f")
    if op == "*":
        return format(CTX.multiply(x, y), "f")
    if y == 0:
        raise errors.divide_by_zero()
    return format(CTX.divide(x, y), "f")


def invalid_float_operation() -> errors.SqlError:
    return errors.SqlError(3623, 16, 1, "An invalid floating point operation occurred.")


def _numeric_result(value: Any, rule: TypeRule, types: Types) -> Any:
    """Store a result as the function's documented type (an overflow there is 8115)."""
    return stored(value, rule(list(types)))


def _as_decimal(number: Any) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def round_to(number: Decimal, places: int, truncate: bool = False) -> Decimal:
    """Round half away from zero (or truncate) at ``places`` decimals; negative places round
    to tens, hundreds..."""
    quantum = Decimal((0, (1,), -places))
    return number.quantize(quantum, ROUND_DOWN if truncate else ROUND_HALF_UP, CTX)


def tsql_round(v: Any, length: Any, function: Any = 0, types: Types = ()) -> Any:
    """ROUND keeps the argument's type and scale: ROUND(748.58, -1) is 750.00; a result
    that needs more digits than decimal(p,s) has is an overflow."""
    if v is None or length is None:
        return None
    number = _number(v, _type_at(types, 0), "round")
    places = _int(length, _type_at(types, 1))
    truncate = bool(_int(function, _type_at(types, 2))) if function is not None else False
    result_type = _round_type(list(types))
    if isinstance(number, float):
        if abs(places) > 308:
            return 0.0 if places < 0 or truncate else number
        return float(round_to(_as_decimal(number), places, truncate))
    rounded = round_to(Decimal(number), max(places, -40), truncate)
    if result_type is not None and result_type.family == "decimal":
        try:
            return stored(rounded, result_type)
        except errors.SqlError:
            raise values.overflow("expression", "numeric", 1) from None
    return stored(int(rounded) if isinstance(number, int) else rounded, result_type)


def tsql_floor(v: Any, types: Types = ()) -> Any:
    if v is None:
        return None
    number = _number(v, _type_at(types, 0), "floor")
    result = _as_decimal(number).to_integral_value(ROUND_FLOOR) if not isinstance(number, int) else number
    return _numeric_result(float(result) if isinstance(number, float) else result, _ceiling_type, types)


def tsql_ceiling(v: Any, types: Types = ()) -> Any:
    if v is None:
        return None
    number = _number(v, _type_at(types, 0), "ceiling")
    result = _as_decimal(number).to_integral_value(ROUND_CEILING) if not isinstance(number, int) else number
    return _numeric_result(float(result) if isinstance(number, float) else result, _ceiling_type, types)


def tsql_abs(v: Any, types: Types = ()) -> Any:
    """ABS(-2147483648) overflows int, as it does in SQL Server."""
    if v is None:
        return None
    return _numeric_result(abs(_number(v, _type_at(types, 0), "abs")), _same_numeric_type, types)


def tsql_sign(v: Any, types: Types = ()) -> Any:
    if v is None:
        return None
    number = _number(v, _type_at(types, 0), "sign")
    return _numeric_result((number > 0) - (number < 0), _sign_type, types)


def tsql_power(v: Any, p: Any, types: Types = ()) -> Any:
    """The result has the first argument's type: POWER(2, -1) is int 0, POWER(2.0, -1) is 0.5."""
    if v is None or p is None:
        return None
    base = _number(v, _type_at(types, 0), "power")
    exponent = _number(p, _type_at(types, 1), "power", 2)
    result_type = _power_type(list(types))
    try:
        if not isinstance(base, float) and not isinstance(exponent, float) and exponent == int(exponent):
            if base == 0 and exponent < 0:
                raise invalid_float_operation()
            result: Any = CTX.power(Decimal(base), int(exponent))
        else:
            result = math.pow(float(base), float(exponent))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise invalid_float_operation() from None
    except OverflowError:
        raise values.overflow("expression", result_type.name if result_type else "float") from None
    if result_type is not None and result_type.family == "int" and isinstance(result, Decimal):
        result = int(result.to_integral_value(ROUND_DOWN))
    return stored(result, result_type)


def _float_function(func: Callable[..., float], name: str) -> Callable[..., Any]:
    """A float function of float arguments; a domain or range error is error 3623."""

    def call(*args: Any, types: Types = ()) -> Any:
        if any(a is None for a in args):
            return None
        numbers = [float(_number(a, _type_at(types, i), name, i + 1)) for i, a in enumerate(args)]
        try:
            result = func(*numbers)
        except (ValueError, OverflowError, ZeroDivisionError):
            raise invalid_float_operation() from None
        if not math.isfinite(result):
            raise invalid_float_operation()
        return result

    call.__name__ = f"tsql_{name}"
    return call


def _log(x: float, base: float | None = None) -> float:
    if base is None:
        return math.log(x)
    return math.log(x) / math.log(base)


def _cot(x: float) -> float:
    return 1 / math.tan(x)


def tsql_pi() -> float:
    return math.pi


def _angle_function(factor: float, name: str) -> Callable[..., Any]:
    """DEGREES and RADIANS keep the argument's type: RADIANS(180) is int 3."""

    def call(v: Any, types: Types = ()) -> Any:
        if v is None:
            return None
        number = _number(v, _type_at(types, 0), name)
        result_type = _angle_type(list(types))
        if isinstance(number, float) or result_type is None or result_type.family == "float":
            return float(number) * factor
        exact = CTX.multiply(Decimal(number), Decimal(repr(factor)))
        if result_type.family == "int":
            return stored(int(exact.to_integral_value(ROUND_DOWN)), result_type)
        return stored(exact, result_type)

    call.__name__ = f"tsql_{name}"
    return call


_RANDOMS: weakref.WeakKeyDictionary[Any, random.Random] = weakref.WeakKeyDictionary()
_SHARED_RANDOM = random.Random()


def _random() -> random.Random:
    """Each connection has its own sequence: RAND(seed) restarts it."""
    current = _current_session()
    if current is None:
        return _SHARED_RANDOM
    try:
        return _RANDOMS.setdefault(current, random.Random())
    except TypeError:
        return _SHARED_RANDOM


def tsql_rand(seed: Any = None, types: Types = ()) -> float:
    generator = _random()
    if seed is not None:
        generator.seed(_int(seed, _type_at(types, 0)))
    return generator.random()


def tsql_newid() -> str:
    return str(uuid.uuid4()).upper()


def _checksum_bytes(value: Any, st: SqlType | None, fold: bool) -> bytes:
    """The bytes a checksum covers: strings without trailing spaces (folded to upper case for
    CHECKSUM, which follows the collation), numbers by value, everything else as stored."""
    if value is None:
        return b"\xff\xff\xff\xff"
    python = python_value(value, st)
    if isinstance(python, str):
        text = python.rstrip(" ")
        return (text.upper() if fold else text).encode("utf-16-le")
    if isinstance(python, bytes):
        return python
    if isinstance(python, bool | int):
        return int(python).to_bytes(8, "big", signed=True)
    if isinstance(python, float):
        return struct.pack(">d", python)
    if isinstance(python, Decimal):
        return format(python.normalize(), "f").encode()
    return str(value).encode()


def _rotating_hash(data: bytes, seed: int = 0) -> int:
    """Rotate left four bits, XOR the next byte: the checksum family's mixing step."""
    h = seed
    for byte in data:
        h = (((h << 4) | (h >> 28)) & 0xFFFFFFFF) ^ byte
    return h


def _checksum(args: Sequence[Any], types: Types, fold: bool) -> int:
    h = 0
    for index, value in enumerate(args):
        h = _rotating_hash(_checksum_bytes(value, _type_at(types, index), fold), h)
    return h - (1 << 32) if h >= 1 << 31 else h


def tsql_checksum(*args: Any, types: Types = ()) -> int:
    return _checksum(args, types, fold=True)


def tsql_binary_checksum(*args: Any, types: Types = ()) -> int:
    return _checksum(args, types, fold=False)


_HASHES = {"md2": "md2", "md4": "md4", "md5": "md5", "sha": "sha1", "sha1": "sha1"}
_HASHES |= {"sha2_256": "sha256", "sha2_512": "sha512"}


def tsql_hashbytes(algorithm: Any, data: Any, types: Types = ()) -> Any:
    """The digest of character data as stored (varchar in code page 1252, nvarchar in UTF-16)."""
    if algorithm is None or data is None:
        return None
    st = _type_at(types, 1)
    if isinstance(data, bytes):
        raw = data
    elif st is not None and not st.is_string:
        raise invalid_argument(st, 2, "hashbytes")
    else:
        text = _str(data, st)
        raw = text.encode("utf-16-le") if st is None or st.is_unicode else text.encode("cp1252", "replace")
    name = _HASHES.get(_str(algorithm, _type_at(types, 0)).strip().lower())
    if name is None or name not in hashlib.algorithms_available:
        return None
    return hashlib.new(name, raw).digest()


def _extreme(pick: Callable[..., Any], name: str) -> Callable[..., Any]:
    """GREATEST and LEAST: NULLs are ignored; values compare as the arguments' common type."""

    def call(*args: Any, types: Types = ()) -> Any:
        result_type = ty.common(list(types)) or sqltypes.INT
        present = [
            values.cast(python_value(a, _type_at(types, i)), result_type, _type_at(types, i))
            for i, a in enumerate(args)
            if a is not None
        ]
        if not present:
            return None
        chosen = pick(present, key=lambda v: _fold(v.rstrip(" ")) if isinstance(v, str) else v)
        return values.storage_value(chosen, result_type)

    call.__name__ = f"tsql_{name}"
    return call


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
MONTH_NAMES = (
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
)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_UNITS = frozenset(["year", "quarter", "month", "dayofyear", "day", "week", "weekday", "iso_week"])
_TIME_UNITS = frozenset(["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"])
TICKS_PER_DAY = 864_000_000_000  # 100 ns units
_UNIT_TICKS = {
    "week": 7 * TICKS_PER_DAY,
    "day": TICKS_PER_DAY,
    "dayofyear": TICKS_PER_DAY,
    "weekday": TICKS_PER_DAY,
    "hour": 36_000_000_000,
    "minute": 600_000_000,
    "second": 10_000_000,
    "millisecond": 10_000,
    "microsecond": 10,
}
DATETIME2_OF_TEXT = sqltypes.DATETIME2


def datepart_name(text: Any, function: str = "") -> str:
    part = _DATEPARTS.get(str(text).lower())
    if part is None:
        raise errors.SqlError(155, 15, 1, f"'{text}' is not a recognized {function or 'datepart'} option.")
    return part


def unsupported_datepart(part: str, function: str, type_name: str) -> errors.SqlError:
    return errors.SqlError(
        9810, 16, 10, f"The datepart {part} is not supported by date function {function} for data type {type_name}."
    )


def temporal_argument(v: Any, st: SqlType | None, text_type: SqlType = DATETIME2_OF_TEXT, fn: str = "") -> Any:
    """A date/time argument as (Python value, its type).  Character data converts to
    ``text_type`` (datetimeoffset when it carries an offset); numbers to datetime."""
    if v is None:
        return None, st
    if st is not None and st.family in ("date", "time", "datetime", "datetimeoffset"):
        return python_value(v, st), st
    if (st is not None and st.family in _NUMERIC_FAMILIES) or (st is None and isinstance(v, int | float)):
        number = python_value(v, st) if st is not None else v
        return values.cast(number, sqltypes.DATETIME, st), sqltypes.DATETIME
    if st is not None and not st.is_string:
        raise invalid_argument(st, 2, fn)
    text = _str(v, st)
    legacy = text_type.name in ("datetime", "smalldatetime")
    parts = values.parse_date_parts(text, _dateformat(), legacy)
    if parts is not None and parts.offset is not None and not legacy:
        text_type = sqltypes.DATETIMEOFFSET
    return values.cast(text, text_type, st, _dateformat()), text_type


def _moment(value: Any) -> dt.datetime:
    """Any date/time value as a datetime (a time is on 1900-01-01; offsets kept)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return DateTime7.of(dt.datetime.combine(dt.date(1900, 1, 1), value), tick_of(value))


def to_ticks(value: dt.datetime) -> int:
    """100 ns units since 0001-01-01 of the clock time (the offset is ignored)."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return (value.toordinal() - 1) * TICKS_PER_DAY + seconds * 10_000_000 + value.microsecond * 10 + tick_of(value)


def from_ticks(ticks: int, tzinfo: dt.tzinfo | None = None) -> dt.datetime:
    days, rest = divmod(ticks, TICKS_PER_DAY)
    micros, tick = divmod(rest, 10)
    base = dt.datetime.fromordinal(days + 1) + dt.timedelta(microseconds=micros)
    return DateTime7.of(base.replace(tzinfo=tzinfo), tick)


def _utc_ticks(value: Any) -> int:
    moment = _moment(value)
    offset = moment.utcoffset()
    ticks = to_ticks(moment)
    return ticks - int(offset.total_seconds()) * 10_000_000 if offset else ticks


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def _add_months(value: dt.datetime, months: int) -> dt.datetime:
    """The same day in the target month, or its last day (DATEADD(month, 1, '20060831') is 09-30)."""
    year, month = divmod(value.month - 1 + months, 12)
    year += value.year
    if not 1 <= year <= 9999:
        raise OverflowError
    day = min(value.day, _days_in_month(year, month + 1))
    return DateTime7.of(value.replace(year=year, month=month + 1, day=day), tick_of(value))


def _nanosecond_ticks(amount: int) -> int:
    """Nanoseconds in 100 ns ticks, half away from zero: 49 adds nothing, 50 adds one tick."""
    ticks = (abs(amount) + 50) // 100
    return ticks if amount >= 0 else -ticks


def tsql_dateadd(part: Any, *args: Any) -> Any:
    """DATEADD(part, number, date).  The compiler also calls it for ``datetime + n`` as
    tsql_dateadd('day', n, date, date_type), where n may have a fraction of a day."""
    if len(args) == 4:
        number, value, number_type, value_type = args
        arithmetic = False
    else:
        number, value, value_type = args
        number_type, arithmetic = None, True
    st = hint_type(value_type)
    unit = datepart_name(part, "dateadd")
    if number is None or value is None:
        return None
    base, st = temporal_argument(value, st, sqltypes.DATETIME, "dateadd")
    if arithmetic:
        days = values.cast(_number(number, None), sqltypes.FLOAT)
        return _store_temporal(_moment(base) + dt.timedelta(days=days), st)
    amount = _int(number, hint_type(number_type))
    _check_dateadd(unit, st)
    try:
        result = _dateadd(unit, amount, base, st)
    except (OverflowError, ValueError):
        raise errors.SqlError(517, 16, 1, f"Adding a value to a '{st.name}' column caused an overflow.") from None
    return _store_temporal(result, st)


def _check_dateadd(unit: str, st: SqlType) -> None:
    if unit in ("tzoffset", "iso_week"):
        raise errors.SqlError(155, 15, 1, f"'{unit}' is not a recognized dateadd option.")
    if st.name == "time" and unit in _DATE_UNITS:
        raise unsupported_datepart(unit, "dateadd", "time")
    if st.name == "date" and unit in _TIME_UNITS:
        raise unsupported_datepart(unit, "dateadd", "date")
    if st.name in ("datetime", "smalldatetime") and unit in ("microsecond", "nanosecond"):
        raise unsupported_datepart(unit, "dateadd", st.name)


def _dateadd(unit: str, amount: int, base: Any, st: SqlType) -> Any:
    moment = _moment(base)
    if unit in ("year", "quarter", "month"):
        result = _add_months(moment, amount * {"year": 12, "quarter": 3, "month": 1}[unit])
    else:
        delta = _nanosecond_ticks(amount) if unit == "nanosecond" else amount * _UNIT_TICKS[unit]
        ticks = to_ticks(moment) + delta
        if st.name == "time":
            ticks = to_ticks(dt.datetime(1900, 1, 1)) + (ticks % TICKS_PER_DAY)
        result = from_ticks(ticks, moment.tzinfo)
    _check_range(result, st)
    return result


def _check_range(value: dt.datetime, st: SqlType) -> None:
    if st.name == "datetime" and value < values.DATETIME_MIN:
        raise OverflowError
    if st.name == "smalldatetime" and not values.SMALLDATETIME_MIN <= value < dt.datetime(2079, 6, 7):
        raise OverflowError


def _store_temporal(value: dt.datetime, st: SqlType) -> str:
    """A result as the storage text of the date argument's type (rounded to its precision)."""
    if st.name == "time":
        value = Time7.of(value.time(), tick_of(value))  # type: ignore[assignment]
    elif st.name == "date":
        value = value.date()  # type: ignore[assignment]
    return values.temporal_text(values.cast(value, st), st)


def tsql_datediff(part: Any, start: Any, end: Any, *, types: Types = (), big: bool = False) -> Any:
    """The number of ``part`` boundaries crossed from start to end (weeks start on Sunday,
    whatever DATEFIRST says; offsets compare in UTC)."""
    unit = datepart_name(part, "datediff")
    if start is None or end is None:
        return None
    a, ta = temporal_argument(start, _type_at(types, 0), fn="datediff")
    b, tb = temporal_argument(end, _type_at(types, 1), fn="datediff")
    if unit == "tzoffset":
        raise unsupported_datepart(unit, "datediff", (ta or tb or sqltypes.DATETIME2).name)
    count = _datediff(unit, _utc_ticks(a), _utc_ticks(b))
    limit = 2**63 if big else 2**31
    if not -limit <= count < limit:
        name = "datediff_big" if big else "datediff"
        raise errors.SqlError(
            535,
            16,
            0,
            f"The {name} function resulted in an overflow. The number of dateparts separating two date/time "
            f"instances is too large. Try to use {name} with a less precise datepart.",
        )
    return count


def tsql_datediff_big(part: Any, start: Any, end: Any, types: Types = ()) -> Any:
    return tsql_datediff(part, start, end, types=types, big=True)


def _datediff(unit: str, a: int, b: int) -> int:
    x, y = from_ticks(a), from_ticks(b)
    if unit == "year":
        return y.year - x.year
    if unit == "quarter":
        return (y.year - x.year) * 4 + (y.month - 1) // 3 - (x.month - 1) // 3
    if unit == "month":
        return (y.year - x.year) * 12 + y.month - x.month
    if unit == "week":
        sunday = 6  # 0001-01-01 was a Monday: day n + 1 is a Sunday when n % 7 == 6
        return (b // TICKS_PER_DAY - sunday) // 7 - (a // TICKS_PER_DAY - sunday) // 7
    if unit == "iso_week":
        return (b // TICKS_PER_DAY) // 7 - (a // TICKS_PER_DAY) // 7  # ISO weeks start on Monday
    if unit == "nanosecond":
        return (b - a) * 100
    size = TICKS_PER_DAY if unit in ("day", "dayofyear", "weekday") else _UNIT_TICKS[unit]
    return b // size - a // size


def _week_of_year(value: dt.datetime, datefirst: int) -> int:
    jan1 = dt.date(value.year, 1, 1)
    offset = (jan1.isoweekday() - datefirst) % 7  # days from the week's first day to Jan 1
    return (value.timetuple().tm_yday + offset - 1) // 7 + 1


def _datepart(unit: str, value: Any, st: SqlType | None, function: str = "datepart") -> int:
    if st is not None and st.name == "time" and unit in _DATE_UNITS and function == "datepart":
        raise unsupported_datepart(unit, function, "time")
    if st is not None and st.name == "date" and unit in _TIME_UNITS:
        raise unsupported_datepart(unit, function, "date")
    moment = _moment(value)
    if unit == "tzoffset":
        offset = moment.utcoffset()
        return int(offset.total_seconds() // 60) if offset else 0
    fraction = moment.microsecond * 10 + tick_of(moment)
    simple: dict[str, Callable[[dt.datetime], int]] = {
        "year": lambda d: d.year,
        "quarter": lambda d: (d.month - 1) // 3 + 1,
        "month": lambda d: d.month,
        "dayofyear": lambda d: d.timetuple().tm_yday,
        "day": lambda d: d.day,
        "weekday": lambda d: (d.isoweekday() - _datefirst()) % 7 + 1,
        "week": lambda d: _week_of_year(d, _datefirst()),
        "iso_week": lambda d: d.isocalendar()[1],
        "hour": lambda d: d.hour,
        "minute": lambda d: d.minute,
        "second": lambda d: d.second,
        "millisecond": lambda d: fraction // 10_000,
        "microsecond": lambda d: fraction // 10,
        "nanosecond": lambda d: fraction * 100,
    }
    return simple[unit](moment)


def tsql_datepart(part: Any, value: Any, types: Types = ()) -> Any:
    unit = datepart_name(part)
    if value is None:
        return None
    moment, st = temporal_argument(value, _type_at(types, 0), fn="datepart")
    return _datepart(unit, moment, st)


def _part_of(unit: str) -> Callable[..., Any]:
    """YEAR, MONTH and DAY: a time-only value gives the base date's parts (1900, 1, 1)."""

    def call(value: Any, types: Types = ()) -> Any:
        if value is None:
            return None
        moment, st = temporal_argument(value, _type_at(types, 0), fn=unit)
        return _datepart(unit, moment, st, unit)

    call.__name__ = f"tsql_{unit}"
    return call


def tsql_datename(part: Any, value: Any, types: Types = ()) -> Any:
    unit = datepart_name(part)
    if value is None:
        return None
    moment, st = temporal_argument(value, _type_at(types, 0), fn="datename")
    if unit == "month":  # in the session's language
        return culture_of(None).months[_moment(moment).month - 1]
    if unit == "weekday":
        return culture_of(None).days[_moment(moment).isoweekday() % 7]
    if unit == "tzoffset":
        return values.format_offset(dt.timedelta(minutes=_datepart(unit, moment, st)))
    return str(_datepart(unit, moment, st, "datename"))


_TRUNC_SCALE = {"millisecond": 3, "microsecond": 6}


def tsql_datetrunc(part: Any, value: Any, types: Types = ()) -> Any:
    """Truncate to the start of the datepart; the result keeps the argument's type."""
    unit = datepart_name(part)
    if value is None:
        return None
    moment, st = temporal_argument(value, _type_at(types, 0), fn="datetrunc")
    _check_datetrunc(unit, st)
    base = _moment(moment)
    if unit in ("year", "quarter", "month"):
        month = {"year": 1, "quarter": (base.month - 1) // 3 * 3 + 1, "month": base.month}[unit]
        result = base.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit in ("week", "iso_week"):
        first = 1 if unit == "iso_week" else _datefirst()
        back = (base.isoweekday() - first) % 7
        if (base.date() - dt.date.min).days < back:
            raise errors.SqlError(
                9837,
                16,
                3,
                "An invalid date value was encountered: The date value is less than the minimum date value allowed "
                "for the data type.",
            )
        result = base.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=back)
    else:
        size = TICKS_PER_DAY if unit in ("day", "dayofyear") else _UNIT_TICKS[unit]
        ticks = to_ticks(base)
        result = from_ticks(ticks - ticks % size, base.tzinfo)
    return _store_temporal(DateTime7.of(result, 0) if unit != "microsecond" else result, st)


def _check_datetrunc(unit: str, st: SqlType) -> None:
    if unit in ("weekday", "tzoffset", "nanosecond"):
        raise unsupported_datepart(unit, "datetrunc", st.name)
    if st.name == "time" and unit in _DATE_UNITS:
        raise unsupported_datepart(unit, "datetrunc", "time")
    if st.name == "date" and unit in _TIME_UNITS:
        raise unsupported_datepart(unit, "datetrunc", "date")
    scale = 3 if st.name == "datetime" else 0 if st.name == "smalldatetime" else st.scale
    if unit in _TRUNC_SCALE and (scale if scale is not None else 7) < _TRUNC_SCALE[unit]:
        raise errors.SqlError(
            9810, 16, 11, f"The datepart {unit} is not supported by date function datetrunc for data type {st.name}."
        )


def _offset_minutes(zone: Any, st: SqlType | None, function: str) -> int:
    """A time zone argument: '+05:30' / '-08:00' or a number of minutes, within +-14:00."""
    invalid = errors.SqlError(9812, 16, 1, f"The timezone provided to builtin function {function} is invalid.")
    if (st is not None and not st.is_string) or isinstance(zone, int):
        minutes = _int(zone, st)
    else:
        match = re.fullmatch(r"\s*([+-])(\d{2}):(\d{2})\s*", _str(zone, st))
        if not match:
            raise invalid
        minutes = int(match.group(2)) * 60 + int(match.group(3))
        minutes = -minutes if match.group(1) == "-" else minutes
    if not -840 <= minutes <= 840:
        raise invalid
    return minutes


def _dto_type(st: SqlType | None) -> SqlType:
    if st is not None and st.name in ("datetime2", "datetimeoffset", "time"):
        return SqlType("datetimeoffset", scale=st.scale)
    if st is not None and st.name in ("datetime", "smalldatetime"):
        return SqlType("datetimeoffset", scale=3)
    return sqltypes.DATETIMEOFFSET


def tsql_switchoffset(value: Any, zone: Any, types: Types = ()) -> Any:
    """The same instant at another offset."""
    if value is None or zone is None:
        return None
    moment, st = temporal_argument(value, _type_at(types, 0), sqltypes.DATETIMEOFFSET, "switchoffset")
    minutes = _offset_minutes(zone, _type_at(types, 1), "switchoffset")
    moment = _moment(moment)
    if moment.tzinfo is None:
        moment = DateTime7.of(moment.replace(tzinfo=dt.UTC), tick_of(moment))
    shifted = moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))
    result_type = _dto_type(st)
    return values.temporal_text(values.cast(DateTime7.of(shifted, tick_of(moment)), result_type), result_type)


def tsql_todatetimeoffset(value: Any, zone: Any, types: Types = ()) -> Any:
    """The same clock time, labelled with an offset."""
    if value is None or zone is None:
        return None
    moment, st = temporal_argument(value, _type_at(types, 0), fn="todatetimeoffset")
    minutes = _offset_minutes(zone, _type_at(types, 1), "todatetimeoffset")
    local = _moment(moment)
    labelled = DateTime7.of(local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))), tick_of(local))
    result_type = _dto_type(st)
    return values.temporal_text(values.cast(labelled, result_type), result_type)


def _cannot_construct(type_name: str) -> errors.SqlError:
    return errors.SqlError(
        289, 16, 1, f"Cannot construct data type {type_name}, some of the arguments have values which are not valid."
    )


def _parts(args: Sequence[Any], types: Types) -> list[int] | None:
    if any(a is None for a in args):
        return None
    return [_int(a, _type_at(types, i)) for i, a in enumerate(args)]


def _precision(value: Any, type_name: str) -> int:
    if value is None or not 0 <= int(value) <= 7:
        raise errors.SqlError(
            10760,
            16,
            1,
            f"Scale argument is not valid. Valid expressions for data type {type_name} scale argument are integer "
            "constants and integer constant expressions.",
        )
    return int(value)


def _fraction_ticks(fractions: int, precision: int, type_name: str) -> int:
    """``fractions`` counts units of 10^-precision seconds and must fit in that precision."""
    if not 0 <= fractions < 10**precision or (precision == 0 and fractions):
        raise _cannot_construct(type_name)
    return fractions * 10 ** (7 - precision)


def _construct(type_name: str, year: int, month: int, day: int, clock: tuple[int, int, int], ticks: int = 0) -> Any:
    try:
        value = dt.datetime(year, month, day, *clock)
    except ValueError:
        raise _cannot_construct(type_name) from None
    micros, tick = divmod(ticks, 10)
    return DateTime7.of(value + dt.timedelta(microseconds=micros), tick)


def tsql_datefromparts(y: Any, m: Any, d: Any, types: Types = ()) -> Any:
    parts = _parts((y, m, d), types)
    if parts is None:
        return None
    return _construct("date", *parts, (0, 0, 0)).date().isoformat()


def tsql_timefromparts(h: Any, mi: Any, s: Any, fractions: Any, precision: Any, types: Types = ()) -> Any:
    scale = _precision(precision, "time")
    parts = _parts((h, mi, s, fractions), types)
    if parts is None:
        return None
    ticks = _fraction_ticks(parts[3], scale, "time")
    value = _construct("time", 1900, 1, 1, (parts[0], parts[1], parts[2]), ticks)
    return values.temporal_text(Time7.of(value.time(), tick_of(value)), sqltypes.TIME)


def tsql_datetimefromparts(*args: Any, types: Types = ()) -> Any:
    """DATETIMEFROMPARTS(year, month, day, hour, minute, seconds, milliseconds)."""
    parts = _parts(args, types)
    if parts is None:
        return None
    if not 0 <= parts[6] <= 999:
        raise _cannot_construct("datetime")
    value = _construct("datetime", *parts[:3], (parts[3], parts[4], parts[5]), parts[6] * 10_000)
    if value < values.DATETIME_MIN:
        raise _cannot_construct("datetime")
    return values.temporal_text(values.round_datetime_300(value), sqltypes.DATETIME)


def tsql_datetime2fromparts(*args: Any, types: Types = ()) -> Any:
    """DATETIME2FROMPARTS(year, month, day, hour, minute, seconds, fractions, precision)."""
    scale = _precision(args[7], "datetime2")
    parts = _parts(args[:7], types)
    if parts is None:
        return None
    ticks = _fraction_ticks(parts[6], scale, "datetime2")
    value = _construct("datetime2", *parts[:3], (parts[3], parts[4], parts[5]), ticks)
    return values.temporal_text(value, sqltypes.DATETIME2)


def tsql_smalldatetimefromparts(*args: Any, types: Types = ()) -> Any:
    """SMALLDATETIMEFROMPARTS(year, month, day, hour, minute)."""
    parts = _parts(args, types)
    if parts is None:
        return None
    value = _construct("smalldatetime", *parts[:3], (parts[3], parts[4], 0))
    if not values.SMALLDATETIME_MIN <= value <= values.SMALLDATETIME_MAX:
        raise _cannot_construct("smalldatetime")
    return values.temporal_text(value, sqltypes.SMALLDATETIME)


def tsql_datetimeoffsetfromparts(*args: Any, types: Types = ()) -> Any:
    """DATETIMEOFFSETFROMPARTS(year, month, day, hour, minute, seconds, fractions,
    hour_offset, minute_offset, precision)."""
    scale = _precision(args[9], "datetimeoffset")
    parts = _parts(args[:9], types)
    if parts is None:
        return None
    ticks = _fraction_ticks(parts[6], scale, "datetimeoffset")
    value = _construct("datetimeoffset", *parts[:3], (parts[3], parts[4], parts[5]), ticks)
    hours, minutes = parts[7], parts[8]
    if not -14 <= hours <= 14 or not -59 <= minutes <= 59 or (hours < 0 < minutes) or (minutes < 0 < hours):
        raise _cannot_construct("datetimeoffset")
    zone = dt.timezone(dt.timedelta(hours=hours, minutes=minutes))
    return values.temporal_text(DateTime7.of(value.replace(tzinfo=zone), tick_of(value)), sqltypes.DATETIMEOFFSET)


def tsql_eomonth(value: Any, months: Any = None, types: Types = ()) -> Any:
    """The last day of the month, ``months`` months on."""
    if value is None:
        return None
    moment, _st = temporal_argument(value, _type_at(types, 0), sqltypes.DATE, "eomonth")
    base = _moment(moment)
    add = _int(months, _type_at(types, 1)) if months is not None else 0
    total = base.year * 12 + base.month - 1 + add
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise errors.SqlError(517, 16, 1, "Adding a value to a 'date' column caused an overflow.")
    return dt.date(year, month + 1, _days_in_month(year, month + 1)).isoformat()


def tsql_isdate(value: Any, types: Types = ()) -> int:
    """1 for character data that converts to datetime (so not before 1753, at most three
    fractional digits, under the session's DATEFORMAT)."""
    st = _type_at(types, 0)
    if value is None:
        return 0
    if st is not None and st.family in _NUMERIC_FAMILIES:
        return 0
    parts = values.parse_date_parts(_str(value, st), _dateformat(), legacy=True)
    built = values.build_datetime(parts) if parts is not None else None
    return 1 if built is not None and built.year >= 1753 else 0


_ISNUMERIC_FLOAT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?\s*\Z")
_ISNUMERIC_MONEY = re.compile(r"\s*(?:[+-]\s*[$£€¥]?|[$£€¥]\s*[+-]?)?\s*[\d,]*(\.\d*)?\s*\Z")


def tsql_isnumeric(value: Any, types: Types = ()) -> int:
    """1 for anything that converts to some numeric type, money included: so '$', '+', '.',
    ',' and '1e5' are numeric, as SQL Server documents."""
    st = _type_at(types, 0)
    if value is None:
        return 0
    if st is not None and st.family in _NUMERIC_FAMILIES:
        return 1
    if st is not None and not st.is_string:
        return 0
    text = _str(value, st)
    if not text.strip():
        return 0
    return 1 if _ISNUMERIC_FLOAT.match(text) or _ISNUMERIC_MONEY.match(text) else 0


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


# --- FORMAT: .NET format strings -------------------------------------------------------------------
#
# SQL Server's FORMAT runs .NET Framework formatting; this is a re-implementation of the standard
# and custom numeric, date/time and TimeSpan format strings for a handful of cultures.  A format
# .NET rejects (a FormatException) makes FORMAT return NULL.


class FormatError(Exception):
    """The format string is not valid for the value: FORMAT returns NULL."""


@dataclass(frozen=True)
class Culture:
    name: str
    decimal: str = "."
    group: str = ","
    currency: str = "$"
    currency_positive: str = "$n"
    currency_negative: str = "($n)"
    currency_digits: int = 2
    percent_positive: str = "n %"
    percent_negative: str = "-n %"
    date_separator: str = "/"
    am: str = "AM"
    pm: str = "PM"
    patterns: dict[str, str] = field(default_factory=dict)  # d D t T M Y
    months: tuple[str, ...] = MONTH_NAMES
    months_abbreviated: tuple[str, ...] = values.MONTH_ABBREVIATIONS
    days: tuple[str, ...] = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    days_abbreviated: tuple[str, ...] = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_EURO_DATES = {"t": "HH:mm", "T": "HH:mm:ss", "Y": "MMMM yyyy"}
_CJK_MONTHS = tuple(f"{i}月" for i in range(1, 13))
CULTURES: dict[str, Culture] = {
    "en-us": Culture(
        "en-US",
        patterns={"d": "M/d/yyyy", "D": "dddd, MMMM d, yyyy", "t": "h:mm tt", "T": "h:mm:ss tt", "M": "MMMM d"}
        | {"Y": "MMMM yyyy"},
    ),
    "en-gb": Culture(
        "en-GB",
        currency="£",
        currency_negative="-$n",
        percent_positive="n%",
        percent_negative="-n%",
        patterns={"d": "dd/MM/yyyy", "D": "dd MMMM yyyy", "M": "dd MMMM"} | _EURO_DATES,
    ),
    "de-de": Culture(
        "de-DE",
        decimal=",",
        group=".",
        currency="€",
        currency_positive="n $",
        currency_negative="-n $",
        date_separator=".",
        am="",
        pm="",
        patterns={"d": "dd.MM.yyyy", "D": "dddd, d. MMMM yyyy", "M": "d. MMMM"} | _EURO_DATES,
        months=_names("Januar Februar März April Mai Juni Juli August September Oktober November Dezember"),
        months_abbreviated=_names("Jan Feb Mrz Apr Mai Jun Jul Aug Sep Okt Nov Dez"),
        days=_names("Sonntag Montag Dienstag Mittwoch Donnerstag Freitag Samstag"),
        days_abbreviated=_names("So Mo Di Mi Do Fr Sa"),
    ),
    "fr-fr": Culture(
        "fr-FR",
        decimal=",",
        group="\u00a0",
        currency="€",
        currency_positive="n $",
        currency_negative="-n $",
        am="",
        pm="",
        patterns={"d": "dd/MM/yyyy", "D": "dddd d MMMM yyyy", "M": "d MMMM"} | _EURO_DATES,
        months=_names("janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
        months_abbreviated=_names("janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc."),
        days=_names("dimanche lundi mardi mercredi jeudi vendredi samedi"),
        days_abbreviated=_names("dim. lun. mar. mer. jeu. ven. sam."),
    ),
    "es-es": Culture(
        "es-ES",
        decimal=",",
        group=".",
        currency="€",
        currency_positive="n $",
        currency_negative="-n $",
        am="",
        pm="",
        patterns={"d": "dd/MM/yyyy", "D": "dddd, d' de 'MMMM' de 'yyyy", "M": "d' de 'MMMM"}
        | {"t": "H:mm", "T": "H:mm:ss", "Y": "MMMM' de 'yyyy"},
        months=_names("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"),
        months_abbreviated=_names("ene. feb. mar. abr. may. jun. jul. ago. sep. oct. nov. dic."),
        days=_names("domingo lunes martes miércoles jueves viernes sábado"),
        days_abbreviated=_names("dom. lun. mar. mié. jue. vie. sáb."),
    ),
    "it-it": Culture(
        "it-IT",
        decimal=",",
        group=".",
        currency="€",
        currency_positive="$ n",
        currency_negative="-$ n",
        am="",
        pm="",
        patterns={"d": "dd/MM/yyyy", "D": "dddd d MMMM yyyy", "M": "d MMMM"} | _EURO_DATES,
        months=_names("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"),
        months_abbreviated=_names("gen feb mar apr mag giu lug ago set ott nov dic"),
        days=_names("domenica lunedì martedì mercoledì giovedì venerdì sabato"),
        days_abbreviated=_names("dom lun mar mer gio ven sab"),
    ),
    "ja-jp": Culture(
        "ja-JP",
        currency="¥",
        currency_negative="-$n",
        currency_digits=0,
        percent_positive="n%",
        percent_negative="-n%",
        am="午前",
        pm="午後",
        patterns={"d": "yyyy/MM/dd", "D": "yyyy'年'M'月'd'日'", "t": "H:mm", "T": "H:mm:ss", "M": "M'月'd'日'"}
        | {"Y": "yyyy'年'M'月'"},
        months=_CJK_MONTHS,
        months_abbreviated=_CJK_MONTHS,
        days=_names("日曜日 月曜日 火曜日 水曜日 木曜日 金曜日 土曜日"),
        days_abbreviated=_names("日 月 火 水 木 金 土"),
    ),
    "zh-cn": Culture(
        "zh-CN",
        currency="¥",
        currency_negative="$-n",
        percent_positive="n%",
        percent_negative="-n%",
        am="上午",
        pm="下午",
        patterns={"d": "yyyy/M/d", "D": "yyyy'年'M'月'd'日'", "t": "H:mm", "T": "H:mm:ss", "M": "M'月'd'日'"}
        | {"Y": "yyyy'年'M'月'"},
        months=_CJK_MONTHS,
        months_abbreviated=_CJK_MONTHS,
        days=_names("星期日 星期一 星期二 星期三 星期四 星期五 星期六"),
        days_abbreviated=_names("周日 周一 周二 周三 周四 周五 周六"),
    ),
    "": Culture(
        "",
        currency="¤",
        currency_positive="$n",
        currency_negative="($n)",
        patterns={"d": "MM/dd/yyyy", "D": "dddd, dd MMMM yyyy", "t": "HH:mm", "T": "HH:mm:ss", "M": "MMMM dd"}
        | {"Y": "yyyy MMMM"},
    ),
}
_LANGUAGE_CULTURES = {"en": "en-us", "de": "de-de", "fr": "fr-fr", "es": "es-es", "it": "it-it", "ja": "ja-jp"}
_LANGUAGE_CULTURES |= {"zh": "zh-cn", "us_english": "en-us", "english": "en-us", "british": "en-gb"}
_LANGUAGE_CULTURES |= {"deutsch": "de-de", "français": "fr-fr", "español": "es-es", "italiano": "it-it"}
_LANGUAGE_CULTURES |= {"日本語": "ja-jp", "简体中文": "zh-cn"}


def culture_of(name: Any) -> Culture:
    """A culture by name ('de-DE', 'de'), or the session language's; others are error 9818."""
    if name is None:
        current = _current_session()
        language = current.options.language if current is not None else "us_english"
        return CULTURES[_LANGUAGE_CULTURES.get(language.lower(), "en-us")]
    key = str(name).strip().lower()
    key = _LANGUAGE_CULTURES.get(key, key)
    if key == "invariant":
        key = ""
    if key not in CULTURES:
        raise errors.SqlError(
            9818, 16, 1, f"The culture parameter '{name}' provided in the function call is not supported."
        )
    return CULTURES[key]


# Numbers -------------------------------------------------------------------------------------------

_INT_BITS = {"tinyint": 8, "smallint": 16, "int": 32, "bigint": 64}
_STANDARD = re.compile(r"([A-Za-z])(\d{0,2})\Z")


@dataclass(frozen=True, slots=True)
class NetNumber:
    """A value as .NET sees it: its exact digits, and whether it is an integer type (of how
    many bits), a decimal, or a double/single (which show 15/7 significant digits)."""

    value: Decimal
    kind: str  # 'int', 'decimal', 'double'
    bits: int = 0
    raw: float = 0.0


def _net_number(value: Any, st: SqlType | None) -> NetNumber:
    if isinstance(value, bool | int):
        bits = _INT_BITS.get(st.name if st is not None else "", 32 if -(2**31) <= value < 2**31 else 64)
        return NetNumber(Decimal(int(value)), "int", bits)
    if isinstance(value, float):
        digits = 7 if st is not None and st.name == "real" else 15
        return NetNumber(Decimal(f"{value:.{digits}g}"), "double", raw=value)
    return NetNumber(Decimal(value), "decimal")


def format_number(number: NetNumber, fmt: str, culture: Culture) -> str:
    match = _STANDARD.match(fmt)
    if match:
        return _standard_number(number, match.group(1), match.group(2), culture)
    return custom_number(number.value, fmt, culture)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def _fixed(value: Decimal, places: int, culture: Culture, grouped: bool) -> str:
    """Digits of |value| at ``places`` decimals, rounded half away from zero."""
    rounded = abs(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, CTX)
    whole, _, fraction = format(rounded, "f").partition(".")
    whole = _group(whole, culture.group) if grouped else whole
    return whole + (culture.decimal + fraction if places > 0 else "")


def _is_negative(value: Decimal, places: int) -> bool:
    """.NET Framework shows no minus sign on a value that rounds to zero."""
    return value < 0 and abs(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, CTX) != 0


def _pattern(pattern: str, amount: str, symbol: str) -> str:
    return pattern.replace("n", "\0").replace("$", symbol).replace("%", symbol).replace("\0", amount)


def _standard_number(number: NetNumber, letter: str, digits: str, culture: Culture) -> str:
    upper = letter.upper()
    precision = int(digits) if digits else None
    value = number.value
    if upper in ("N", "F", "C", "P"):
        if upper == "P":
            value = value * 100
        default = culture.currency_digits if upper == "C" else 2
        places = default if precision is None else precision
        body = _fixed(value, places, culture, grouped=upper != "F")
        negative = _is_negative(value, places)
        if upper == "C":
            return _pattern(
                culture.currency_negative if negative else culture.currency_positive, body, culture.currency
            )
        if upper == "P":
            return _pattern(culture.percent_negative if negative else culture.percent_positive, body, "%")
        return ("-" if negative else "") + body
    if upper in ("D", "X"):
        if number.kind != "int":
            raise FormatError
        return _integer_format(int(value), upper, letter, precision or 0, number.bits)
    if upper == "E":
        return _exponential(value, 6 if precision is None else precision, letter, culture, 3)
    if upper in ("G", "R"):
        return _general(number, precision, letter, culture)
    raise FormatError


def _integer_format(value: int, upper: str, letter: str, width: int, bits: int) -> str:
    if upper == "D":
        return ("-" if value < 0 else "") + str(abs(value)).rjust(width, "0")
    text = format(value & ((1 << bits) - 1) if value < 0 else value, "X" if letter == "X" else "x")
    return text.rjust(width, "0")


def _exponential(value: Decimal, places: int, letter: str, culture: Culture, exponent_digits: int) -> str:
    """d.ddddE+ddd (at least ``exponent_digits`` exponent digits)."""
    if value == 0:
        mantissa, exponent = Decimal(0), 0
    else:
        exponent = value.adjusted()
        mantissa = abs(value).scaleb(-exponent, CTX).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, CTX)
        if mantissa >= 10:
            exponent += 1
            mantissa = abs(value).scaleb(-exponent, CTX).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, CTX)
    whole, _, fraction = format(mantissa, "f").partition(".")
    body = whole + (culture.decimal + fraction if places > 0 else "")
    sign = "-" if value < 0 else ""
    mark = "E" if letter.isupper() else "e"
    return f"{sign}{body}{mark}{'-' if exponent < 0 else '+'}{str(abs(exponent)).rjust(exponent_digits, '0')}"


def _general(number: NetNumber, precision: int | None, letter: str, culture: Culture) -> str:
    """G: fixed notation when -5 < exponent < precision, else scientific (1E+15, 1E-05)."""
    value = number.value
    if letter.upper() == "R" and number.kind == "double":
        value = Decimal(repr(number.raw))
    if number.kind == "decimal" and not precision:
        text = format(value, "f")  # a decimal keeps its scale: 1.5500 stays 1.5500
        return text.replace(".", culture.decimal)
    if precision is None or precision == 0:
        precision = {"int": len(str(abs(int(value)))) or 1, "double": 15}.get(number.kind, 29)
        if letter.upper() == "R":
            precision = 17
    if value == 0:
        return "0"
    rounded = Decimal(format(value, f".{precision}g")).normalize()
    exponent = rounded.adjusted()
    if exponent < -4 or exponent >= precision:  # .NET: fixed only for -5 < exponent < precision
        digits = len(rounded.as_tuple().digits)
        text = _exponential(rounded, max(digits - 1, 0), "E" if letter.isupper() else "e", culture, 2)
        return text
    text = format(rounded, "f")
    return text.replace(".", culture.decimal)


# Custom numeric format strings: 0 # . , % ‰ E0 \ 'literal' and ; sections.


def _split_unquoted(fmt: str, separator: str) -> list[str]:
    sections, current, i, quote = [], "", 0, ""
    while i < len(fmt):
        ch = fmt[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and i + 1 < len(fmt):
            current += fmt[i : i + 2]
            i += 2
            continue
        elif ch == separator:
            sections.append(current)
            current = ""
            i += 1
            continue
        current += ch
        i += 1
    sections.append(current)
    return sections


def _number_tokens(section: str) -> list[tuple[str, str]]:
    """('0'|'#'|'.'|','|'%'|'‰'|'E'|'lit', text) tokens of one section."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch in "'\"":
            end = section.find(ch, i + 1)
            end = len(section) if end == -1 else end
            tokens.append(("lit", section[i + 1 : end]))
            i = end + 1
            continue
        if ch == "\\":
            tokens.append(("lit", section[i + 1 : i + 2]))
            i += 2
            continue
        exponent = re.match(r"[eE][+-]?0+", section[i:])
        if exponent and any(t[0] in "0#" for t in tokens):
            tokens.append(("E", exponent.group()))
            i += len(exponent.group())
            continue
        tokens.append((ch if ch in "0#.,%‰" else "lit", ch))
        i += 1
    return tokens


def custom_number(value: Decimal, fmt: str, culture: Culture) -> str:
    sections = _split_unquoted(fmt, ";")
    section, signed = sections[0], True
    if value < 0 and len(sections) > 1 and sections[1]:
        section, signed = sections[1], False
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    text, zero = _format_section(abs(value), section, culture)
    return ("-" if signed and value < 0 and not zero else "") + text


def _format_section(value: Decimal, section: str, culture: Culture) -> tuple[str, bool]:
    tokens = _number_tokens(section)
    point = next((i for i, t in enumerate(tokens) if t[0] == "."), None)
    exp_at = next((i for i, t in enumerate(tokens) if t[0] == "E"), len(tokens))
    int_end = point if point is not None else exp_at
    placeholders = [i for i, t in enumerate(tokens[:int_end]) if t[0] in "0#"]
    # Commas right after the last integer placeholder divide by 1000; others between placeholders group.
    scale_commas = 0
    j = (placeholders[-1] + 1) if placeholders else int_end
    while j < int_end and tokens[j][0] == ",":
        scale_commas += 1
        j += 1
    grouped = bool(placeholders) and any(tokens[k][0] == "," for k in range(placeholders[0], placeholders[-1]))
    value = value.scaleb(-3 * scale_commas, CTX)
    value *= Decimal(100) ** sum(1 for t in tokens if t[0] == "%")
    value *= Decimal(1000) ** sum(1 for t in tokens if t[0] == "‰")
    decimals = [t[0] for t in tokens[int_end + 1 : exp_at] if t[0] in "0#"] if point is not None else []
    min_decimals = max((i + 1 for i, kind in enumerate(decimals) if kind == "0"), default=0)
    exponent_text = ""
    if exp_at < len(tokens):
        value, exponent_text = _custom_exponent(value, tokens[exp_at][1], max(len(placeholders), 1), len(decimals))
    rounded = value.quantize(Decimal(1).scaleb(-len(decimals)), ROUND_HALF_UP, CTX)
    whole, _, fraction = format(rounded, "f").partition(".")
    whole = whole.lstrip("0")
    min_int = next((len(placeholders) - n for n, k in enumerate(placeholders) if tokens[k][0] == "0"), 0)
    whole = whole.rjust(min_int, "0")
    fraction = fraction.rstrip("0").ljust(min_decimals, "0")
    out = _fill_integer(tokens[:int_end], whole, grouped, culture)
    if point is not None:
        out += culture.decimal if fraction else ""
        out += _fill_fraction(tokens[int_end + 1 : exp_at], fraction, culture)
    out += exponent_text + "".join(_literal(t, culture) for t in tokens[exp_at + 1 :])
    return out, rounded == 0


def _literal(token: tuple[str, str], culture: Culture) -> str:
    kind, text = token
    if kind == "lit":
        return text
    return {"%": "%", "‰": "‰"}.get(kind, "")


def _fill_integer(tokens: list[tuple[str, str]], whole: str, grouped: bool, culture: Culture) -> str:
    """Digits go into the placeholders right to left; the leftmost one takes any extra digits."""
    places = [i for i, t in enumerate(tokens) if t[0] in "0#"]
    if not places:
        return "".join(_literal(t, culture) for t in tokens)
    if grouped:
        text = _group(whole, culture.group) if whole else ""
        before = "".join(_literal(t, culture) for t in tokens[: places[0]])
        after = "".join(_literal(t, culture) for t in tokens[places[-1] + 1 :] if t[0] != ",")
        middle = "".join(_literal(t, culture) for t in tokens[places[0] : places[-1]] if t[0] == "lit")
        return before + middle + text + after
    digits = list(whole)
    out: list[str] = []
    for index in range(len(tokens) - 1, -1, -1):
        kind, _text = tokens[index]
        if kind in "0#":
            if index == places[0]:
                out.append("".join(digits))
                digits = []
            elif digits:
                out.append(digits.pop())
        elif kind != ",":
            out.append(_literal(tokens[index], culture))
    return "".join(reversed(out))


def _fill_fraction(tokens: list[tuple[str, str]], fraction: str, culture: Culture) -> str:
    out, position = [], 0
    for kind, text in tokens:
        if kind in "0#":
            if position < len(fraction):
                out.append(fraction[position])
            position += 1
        elif kind != ",":
            out.append(_literal((kind, text), culture))
    return "".join(out)


def _custom_exponent(value: Decimal, spec: str, int_digits: int, decimals: int) -> tuple[Decimal, str]:
    exponent = 0 if value == 0 else value.adjusted() - (int_digits - 1)
    mantissa = value.scaleb(-exponent, CTX)
    if mantissa.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, CTX) >= Decimal(10) ** int_digits:
        exponent += 1
        mantissa = value.scaleb(-exponent, CTX)
    width = spec.count("0")
    sign = "-" if exponent < 0 else ("+" if "+" in spec else "")
    return mantissa, f"{spec[0]}{sign}{str(abs(exponent)).rjust(width, '0')}"


# Dates and times ------------------------------------------------------------------------------------

_DATE_TOKEN = re.compile(r"d{1,4}|f{1,7}|F{1,7}|g{1,2}|h{1,2}|H{1,2}|K|m{1,2}|M{1,4}|s{1,2}|t{1,2}|y{1,5}|z{1,3}")


def format_datetime(value: dt.datetime, fmt: str, culture: Culture, offset_known: bool) -> str:
    if len(fmt) == 1:
        return _standard_datetime(value, fmt, culture, offset_known)
    return custom_datetime(value, fmt, culture, offset_known)


def _standard_datetime(value: dt.datetime, letter: str, culture: Culture, offset_known: bool) -> str:
    p = culture.patterns
    invariant = CULTURES[""]
    if letter in "dDtTMY":
        return custom_datetime(value, p[letter], culture, offset_known)
    if letter == "m":
        return custom_datetime(value, p["M"], culture, offset_known)
    if letter == "y":
        return custom_datetime(value, p["Y"], culture, offset_known)
    pairs = {"f": ("D", "t"), "F": ("D", "T"), "g": ("d", "t"), "G": ("d", "T")}
    if letter in pairs:
        date_part, time_part = (custom_datetime(value, p[key], culture, offset_known) for key in pairs[letter])
        return f"{date_part} {time_part}"
    if letter in "oO":
        return custom_datetime(value, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", invariant, offset_known)
    if letter in "rR":
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return custom_datetime(utc, "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", invariant, False)
    if letter == "s":
        return custom_datetime(value, "yyyy'-'MM'-'dd'T'HH':'mm':'ss", invariant, offset_known)
    if letter == "u":
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return custom_datetime(utc, "yyyy'-'MM'-'dd HH':'mm':'ss'Z'", invariant, False)
    if letter == "U":
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return _standard_datetime(utc.replace(tzinfo=None), "F", culture, False)
    raise FormatError


def custom_datetime(value: dt.datetime, fmt: str, culture: Culture, offset_known: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in "'\"":
            end = fmt.find(ch, i + 1)
            if end == -1:
                raise FormatError
            out.append(fmt[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\":
            out.append(fmt[i + 1 : i + 2])
            i += 2
            continue
        if ch == "%" and i + 1 < len(fmt):
            i += 1
            continue
        match = _DATE_TOKEN.match(fmt, i)
        if match:
            out.append(_date_token(match.group(), value, culture, offset_known, out))
            i = match.end()
            continue
        out.append(culture.date_separator if ch == "/" else ch)
        i += 1
    return "".join(out)


def _date_token(token: str, value: dt.datetime, culture: Culture, offset_known: bool, out: list[str]) -> str:
    kind, width = token[0], len(token)
    if kind == "d":
        if width >= 3:
            names = culture.days if width == 4 else culture.days_abbreviated
            return names[value.isoweekday() % 7]
        return f"{value.day:0{width}d}"
    if kind == "M":
        if width >= 3:
            return (culture.months if width == 4 else culture.months_abbreviated)[value.month - 1]
        return f"{value.month:0{width}d}"
    if kind == "y":
        return f"{value.year % 100:0{width}d}" if width <= 2 else f"{value.year:0{width}d}"
    if kind in "hH":
        hour = value.hour if kind == "H" else (value.hour % 12 or 12)
        return f"{hour:0{width}d}"
    if kind in "ms":
        return f"{(value.minute if kind == 'm' else value.second):0{width}d}"
    if kind in "fF":
        digits = (f"{value.microsecond:06d}" + str(tick_of(value)))[:width]
        if kind == "F":
            digits = digits.rstrip("0")
            if not digits and out and out[-1] == ".":
                out.pop()  # an F that shows nothing takes the decimal point with it
        return digits
    if kind == "t":
        designator = culture.am if value.hour < 12 else culture.pm
        return designator[:1] if width == 1 else designator
    if kind == "g":
        return "A.D."
    return _zone_token(token, value, offset_known)


def _zone_token(token: str, value: dt.datetime, offset_known: bool) -> str:
    if token == "K" and not offset_known:
        return ""
    offset = value.utcoffset() if value.tzinfo else dt.datetime.now().astimezone().utcoffset()
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    if token == "z":
        return f"{sign}{hours}"
    if token == "zz":
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}:{rest:02d}"


def format_timespan(value: dt.time, fmt: str) -> str:
    """time values format as .NET TimeSpans: hh, mm, ss, f..., and only escaped literals."""
    ticks = (value.hour * 3600 + value.minute * 60 + value.second) * 10_000_000
    ticks += value.microsecond * 10 + tick_of(value)
    fraction = f"{ticks % 10_000_000:07d}"
    if fmt in ("c", "t", "T"):
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}" + (f".{fraction}" if ticks % 10**7 else "")
    if fmt == "g":
        short = fraction.rstrip("0")
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}" + (f".{short}" if short else "")
    if fmt == "G":
        return f"0:{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{fraction}"
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in "'\"":
            end = fmt.find(ch, i + 1)
            if end == -1:
                raise FormatError
            out.append(fmt[i + 1 : end])
            i = end + 1
        elif ch == "\\":
            out.append(fmt[i + 1 : i + 2])
            i += 2
        elif match := re.match(r"d{1,8}|h{1,2}|m{1,2}|s{1,2}|f{1,7}|F{1,7}", fmt[i:]):
            out.append(_timespan_token(match.group(), value, fraction))
            i += len(match.group())
        elif ch == "%":
            i += 1
        else:
            raise FormatError  # ':' and '.' must be escaped in a TimeSpan format
    return "".join(out)


def _timespan_token(token: str, value: dt.time, fraction: str) -> str:
    kind, width = token[0], len(token)
    if kind == "d":
        return "0".rjust(width, "0")
    if kind in "hms":
        number = {"h": value.hour, "m": value.minute, "s": value.second}[kind]
        return f"{number:0{width}d}"
    digits = fraction[:width]
    return digits.rstrip("0") if kind == "F" else digits


def tsql_format(value: Any, fmt: Any, culture: Any = None, types: Types = ()) -> Any:
    """FORMAT(value, format[, culture]): NULL when .NET would reject the format."""
    st = _type_at(types, 0)
    if st is not None and st.family not in (*_NUMERIC_FAMILIES, "date", "time", "datetime", "datetimeoffset"):
        raise invalid_argument(st, 1, "format")
    if st is not None and st.name == "bit":
        raise invalid_argument(st, 1, "format")
    chosen = culture_of(None if culture is None else _str(culture, _type_at(types, 2)))
    if value is None or fmt is None:
        return None
    pattern = _str(fmt, _type_at(types, 1))
    python = python_value(value, st)
    if st is None and isinstance(python, str):
        python = _untyped_format_value(python)
    try:
        return _format_value(python, st, pattern, chosen)
    except (FormatError, IndexError, KeyError, ValueError, InvalidOperation):
        return None


def _untyped_format_value(text: str) -> Any:
    try:
        return Decimal(text)
    except InvalidOperation:
        parsed = values.parse_datetime_text(text, _dateformat())
        if parsed is None:
            raise invalid_argument(sqltypes.varchar(1), 1, "format") from None
        return parsed


def _format_value(python: Any, st: SqlType | None, pattern: str, culture: Culture) -> str:
    if pattern == "":
        pattern = "G"
    if isinstance(python, dt.datetime):
        return format_datetime(python, pattern, culture, python.tzinfo is not None)
    if isinstance(python, dt.date):
        return format_datetime(dt.datetime(python.year, python.month, python.day), pattern, culture, False)
    if isinstance(python, dt.time):
        return format_timespan(python, pattern)
    return format_number(_net_number(python, st), pattern, culture)


# --- JSON ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JsonNode:
    """A parsed JSON value with its span in the source text (JSON_QUERY returns the text as is)."""

    kind: str  # object, array, string, number, true, false, null
    start: int
    end: int
    value: Any = None  # dict of nodes, list of nodes, or the scalar's text


class _JsonParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self) -> errors.SqlError:
        found = self.text[self.pos] if self.pos < len(self.text) else ""
        return errors.SqlError(
            13609,
            16,
            4,
            f"JSON text is not properly formatted. Unexpected character '{found}' is found at position {self.pos}.",
        )

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def document(self) -> JsonNode:
        node = self.value()
        self.skip()
        if self.pos != len(self.text):
            raise self.fail()
        return node

    def value(self) -> JsonNode:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail()
        ch = self.text[self.pos]
        if ch == "{":
            return self.container("}", self.members)
        if ch == "[":
            return self.container("]", self.elements)
        if ch == '"':
            return self.string_node()
        for word in ("true", "false", "null"):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return JsonNode(word, self.pos - len(word), self.pos, word)
        match = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?").match(self.text, self.pos)
        if not match:
            raise self.fail()
        self.pos = match.end()
        return JsonNode("number", match.start(), match.end(), match.group())

    def string_node(self) -> JsonNode:
        start = self.pos
        text = self.string()
        return JsonNode("string", start, self.pos, text)

    def string(self) -> str:
        end = self.pos + 1
        while True:
            end = self.text.find('"', end)
            if end == -1:
                self.pos = len(self.text)
                raise self.fail()
            backslashes = len(self.text[:end]) - len(self.text[:end].rstrip("\\"))
            if backslashes % 2 == 0:
                break
            end += 1
        raw = self.text[self.pos : end + 1]
        try:
            decoded = json.loads(raw)
        except ValueError:
            raise self.fail() from None
        self.pos = end + 1
        return decoded

    def container(self, close: str, body: Callable[[], Any]) -> JsonNode:
        start = self.pos
        self.pos += 1
        self.skip()
        if self.pos < len(self.text) and self.text[self.pos] == close:
            self.pos += 1
            return JsonNode("object" if close == "}" else "array", start, self.pos, {} if close == "}" else [])
        content = body()
        self.skip()
        if self.pos >= len(self.text) or self.text[self.pos] != close:
            raise self.fail()
        self.pos += 1
        return JsonNode("object" if close == "}" else "array", start, self.pos, content)

    def members(self) -> dict[str, JsonNode]:
        found: dict[str, JsonNode] = {}
        while True:
            self.skip()
            if self.pos >= len(self.text) or self.text[self.pos] != '"':
                raise self.fail()
            key = self.string()
            self.skip()
            if self.pos >= len(self.text) or self.text[self.pos] != ":":
                raise self.fail()
            self.pos += 1
            found.setdefault(key, self.value())  # the first of duplicate keys wins
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            return found

    def elements(self) -> list[JsonNode]:
        found: list[JsonNode] = []
        while True:
            found.append(self.value())
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            return found


def parse_json(text: str) -> JsonNode:
    return _JsonParser(text).document()


_PATH_STEP = re.compile(r"\.(?:\"((?:[^\"\\]|\\.)*)\"|([A-Za-z_$][\w$]*))|\[\s*(\d+)\s*\]")


def parse_json_path(path: str) -> tuple[bool, list[str | int]]:
    """'[lax|strict] $.a.b[0]."c d"' as (strict, steps)."""
    text = path.strip()
    strict = False
    mode = re.match(r"(lax|strict)\s+", text, re.IGNORECASE)
    if mode:
        strict = mode.group(1).lower() == "strict"
        text = text[mode.end() :]
    if not text.startswith("$"):
        raise _path_error(path, 0)
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        match = _PATH_STEP.match(text, position)
        if not match:
            raise _path_error(path, position)
        if match.group(3) is not None:
            steps.append(int(match.group(3)))
        else:
            steps.append(json.loads(f'"{match.group(1)}"') if match.group(1) is not None else match.group(2))
        position = match.end()
    return strict, steps


def _path_error(path: str, position: int) -> errors.SqlError:
    found = path[position : position + 1]
    return errors.SqlError(
        13607,
        16,
        3,
        f"JSON path is not properly formatted. Unexpected character '{found}' is found at position {position}.",
    )


def _json_lookup(node: JsonNode, steps: list[str | int]) -> JsonNode | None:
    for step in steps:
        in_array = isinstance(step, int) and node.kind == "array" and step < len(node.value)
        in_object = isinstance(step, str) and node.kind == "object" and step in node.value
        if not (in_array or in_object):
            return None
        node = node.value[step]
    return node


def _json_at(text: Any, path: Any, types: Types) -> tuple[bool, JsonNode | None, str]:
    source = _str(text, _type_at(types, 0))
    strict, steps = parse_json_path(_str(path, _type_at(types, 1)))
    node = _json_lookup(parse_json(source), steps)
    if node is None and strict:
        raise errors.SqlError(13608, 16, 2, "Property cannot be found on the specified JSON path.")
    return strict, node, source


def tsql_json_value(text: Any, path: Any, types: Types = ()) -> Any:
    """The scalar at the path, as text; NULL in lax mode for a missing path or an object/array."""
    if text is None or path is None:
        return None
    strict, node, _source = _json_at(text, path, types)
    if node is None or node.kind == "null":
        return None
    if node.kind in ("object", "array"):
        if strict:
            raise errors.SqlError(13623, 16, 1, "Scalar value cannot be found in the specified JSON path.")
        return None
    if len(node.value) > 4000:
        if strict:
            raise errors.SqlError(13625, 16, 1, "String value in the specified JSON path would be truncated.")
        return None
    return node.value


def tsql_json_query(text: Any, path: Any = "$", types: Types = ()) -> Any:
    """The object or array at the path, as written; NULL in lax mode for a scalar."""
    if text is None or path is None:
        return None
    strict, node, source = _json_at(text, path, types)
    if node is None:
        return None
    if node.kind not in ("object", "array"):
        if strict:
            raise errors.SqlError(13624, 16, 1, "Object or array cannot be found in the specified JSON path.")
        return None
    return source[node.start : node.end]


def tsql_isjson(text: Any, kind: Any = None, types: Types = ()) -> Any:
    """1 for a JSON object or array (or the given type: VALUE, ARRAY, OBJECT, SCALAR)."""
    if text is None:
        return None
    try:
        node = parse_json(_str(text, _type_at(types, 0)))
    except errors.SqlError:
        return 0
    wanted = "" if kind is None else _str(kind, _type_at(types, 1)).upper()
    if wanted == "VALUE":
        return 1
    if wanted == "ARRAY":
        return int(node.kind == "array")
    if wanted == "OBJECT":
        return int(node.kind == "object")
    if wanted == "SCALAR":
        return int(node.kind not in ("object", "array"))
    return int(node.kind in ("object", "array"))


# --- conversion --------------------------------------------------------------------------------

_NO_STYLE = object()


def tsql_cast(value: Any, to_type: str, from_type: str = "", style: Any = _NO_STYLE) -> Any:
    """CAST/CONVERT: a storage value of from_type to a storage value of to_type.
    CONVERT's style, when given, comes last; a NULL style gives NULL."""
    if value is None or style is None:
        return None
    target = parse_type(to_type)
    python, source = _converting(value, hint_type(from_type))
    chosen = None if style is _NO_STYLE else _int(style)
    converted = values.convert(python, target, source, chosen, _dateformat())
    return values.storage_value(converted, target, source)


def _converting(value: Any, source: SqlType | None) -> tuple[Any, SqlType | None]:
    """A storage value as the Python value a conversion starts from, and its type: a sql_variant
    converts as the base type it holds."""
    python = python_value(value, source)
    if source is not None and source.family == "variant":
        return python, values.variant_base(value)
    return python, source


_TRY_RAISES = (529, 281)  # a conversion that is not allowed at all, a style that does not exist


def tsql_try_cast(value: Any, to_type: str, from_type: str = "", style: Any = _NO_STYLE) -> Any:
    """TRY_CAST/TRY_CONVERT: NULL where the conversion fails, an error where it is not allowed."""
    try:
        return tsql_cast(value, to_type, from_type, style)
    except errors.SqlError as exc:
        if exc.number in _TRY_RAISES:
            raise
        CURRENT.error = None
        return None
    except (ValueError, ArithmeticError):
        CURRENT.error = None
        return None


def _parse_number_text(text: str, culture: Culture) -> Decimal | None:
    """A number as .NET reads it in a culture: group separators, a currency symbol, a sign,
    parentheses for negatives and an exponent are allowed."""
    cleaned = text.strip().replace(culture.currency, "").replace("$", "").strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned[1:-1].strip() if negative else cleaned
    cleaned = cleaned.replace(culture.group, "").replace("\u00a0", "").replace(culture.decimal, ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    number = Decimal(cleaned)
    return -number if negative else number


_CULTURE_ORDER = {"en-US": "mdy", "": "mdy", "ja-JP": "ymd", "zh-CN": "ymd"}


def _parse_with_culture(text: str, target: SqlType, culture: Culture) -> Any:
    if target.family in ("date", "time", "datetime", "datetimeoffset"):
        order = _CULTURE_ORDER.get(culture.name, "dmy")
        translated = text
        for index, name in enumerate(culture.months):
            translated = re.sub(rf"\b{re.escape(name)}\b", MONTH_NAMES[index], translated, flags=re.IGNORECASE)
        for name in (*culture.days, *DAY_NAMES):
            translated = re.sub(rf"^\s*{re.escape(name)},?\s*", "", translated, flags=re.IGNORECASE)
        parsed = values.parse_datetime_text(translated.replace(" de ", " ").replace(". ", " "), order)
        if parsed is None:
            raise ValueError
        return values.cast(parsed, target)
    if target.family in _NUMERIC_FAMILIES:
        number = _parse_number_text(text, culture)
        if number is None:
            raise ValueError
        return values.cast(number, target)
    raise ValueError


def tsql_parse(value: Any, to_type: str, culture: Any = None, from_type: str = "") -> Any:
    """PARSE(value AS type [USING culture]): a string to a date/time or number type, read the
    way .NET reads it in the culture.  The compiler must rewrite PARSE to call this."""
    target = parse_type(to_type)
    chosen = culture_of(culture)
    if value is None:
        return None
    text = _str(value, hint_type(from_type))
    try:
        return values.storage_value(_parse_with_culture(text, target, chosen), target)
    except (ValueError, errors.SqlError, ArithmeticError):
        raise errors.SqlError(
            9819,
            16,
            1,
            f"Error converting string value '{text}' into data type {target.name} using culture '{culture or ''}'.",
        ) from None


def tsql_try_parse(value: Any, to_type: str, culture: Any = None, from_type: str = "") -> Any:
    culture_of(culture)  # an unknown culture is an error even here
    try:
        return tsql_parse(value, to_type, culture, from_type)
    except errors.SqlError:
        CURRENT.error = None
        return None


def tsql_store(value: Any, type_name: str, table: str, column: str, from_type: str = "") -> Any:
    """A value on its way into a column: converted to the column's type, checked for
    truncation (2628) as INSERT and UPDATE check it."""
    if value is None:
        return None
    target = parse_type(type_name)
    python, source = _converting(value, hint_type(from_type))
    if target.is_string and target.length not in (None, sqltypes.MAX):
        text = values.to_text(python, source)
        if len(text.rstrip(" ")) > target.length:
            raise errors.string_truncated(table, column, text[: target.length])
        python = text
    elif target.family == "binary" and target.length not in (None, sqltypes.MAX):
        data = python if isinstance(python, bytes) else values.cast(python, sqltypes.VARBINARY_MAX, source)
        if len(data) > target.length:
            raise errors.string_truncated(table, column, data[: target.length].hex())
        python = data
    converted = values.cast(python, target, source, _dateformat())
    return values.storage_value(converted, target, source)


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


class StringAgg:
    """STRING_AGG(expression, separator): non-NULL values joined, NULL when there are none.
    Without (max) arguments the result may not pass 8000 bytes (error 9829)."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []
        self.limit: int | None = 8000

    def step(self, value: Any, separator: Any, value_type: str = "", separator_type: str = "") -> None:
        st = hint_type(value_type)
        if _is_max(st) or _is_max(hint_type(separator_type)):
            self.limit = None
        elif st is not None and st.is_unicode:
            self.limit = 4000
        if value is not None:
            self.parts.append((_str(value, st), _str(separator, hint_type(separator_type)) or ""))

    def inverse(self, value: Any, separator: Any, value_type: str = "", separator_type: str = "") -> None:
        if value is not None and self.parts:
            self.parts.pop(0)

    def value(self) -> Any:
        if not self.parts:
            return None
        text = self.parts[0][0] + "".join(sep + part for part, sep in self.parts[1:])
        if self.limit is not None and len(text) > self.limit:
            fail(
                errors.SqlError(
                    9829,
                    16,
                    1,
                    "STRING_AGG aggregation result exceeded the limit of 8000 bytes. Use LOB types to avoid result "
                    "truncation.",
                )
            )
        return text

    def finalize(self) -> Any:
        return self.value()


class Variance:
    """VAR, VARP, STDEV and STDEVP (float); the sample forms are NULL below two values."""

    sample = True
    root = False

    def __init__(self) -> None:
        self.numbers: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.numbers.append(float(_operand(value)))

    def inverse(self, value: Any) -> None:
        if value is not None:
            self.numbers.remove(float(_operand(value)))

    def value(self) -> Any:
        count = len(self.numbers) - (1 if self.sample else 0)
        if count <= 0:
            return None if self.sample or not self.numbers else 0.0
        mean = math.fsum(self.numbers) / len(self.numbers)
        variance = math.fsum((x - mean) ** 2 for x in self.numbers) / count
        return math.sqrt(variance) if self.root else variance

    def finalize(self) -> Any:
        return self.value()


class PopulationVariance(Variance):
    sample = False


class Deviation(Variance):
    root = True


class PopulationDeviation(Variance):
    sample = False
    root = True


class StringAggOrdered(StringAgg):
    """STRING_AGG(value, separator) WITHIN GROUP (ORDER BY k1 [DESC], ...), for the compiler to
    call as tsql_string_agg_ordered(value, separator, value_type, separator_type, k1, desc1, ...):
    strings order case-insensitively, NULLs first, as under the default collation."""

    def __init__(self) -> None:
        super().__init__()
        self.keyed: list[tuple[tuple[Any, ...], tuple[str, str]]] = []
        self.directions: tuple[bool, ...] = ()

    def step(self, value: Any, separator: Any, value_type: str = "", separator_type: str = "", *keys: Any) -> None:
        before = len(self.parts)
        super().step(value, separator, value_type, separator_type)
        if len(self.parts) > before:
            self.directions = tuple(bool(d) for d in keys[1::2])
            self.keyed.append((tuple(keys[0::2]), self.parts.pop()))

    def value(self) -> Any:
        ordered = list(self.keyed)
        for index in range(len(self.directions) - 1, -1, -1):  # stable sorts, last key first
            ordered.sort(key=lambda item, i=index: _sort_key(item[0][i]), reverse=self.directions[index])
        self.parts = [part for _, part in ordered]
        return super().value()


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        try:
            return (1, Decimal(value))
        except InvalidOperation:
            return (2, _fold(value.rstrip(" ")))
    return (1, value)


def tsql_split_json(text: Any, separator: Any, types: Types = ()) -> Any:
    """STRING_SPLIT's rows as a JSON array, for the compiler to read with SQLite's json_each:
    value is the element, key + 1 the ordinal.  Empty strings between separators are kept."""
    if text is None:
        return "[]"
    mark = _str(separator, _type_at(types, 1)) if separator is not None else None
    if mark is None or len(mark) != 1:
        raise errors.SqlError(214, 16, 1, "Procedure expects parameter 'separator' of type 'nchar(1)/nvarchar(1)'.")
    return json.dumps(_str(text, _type_at(types, 0)).split(mark), ensure_ascii=False)


AGGREGATES: list[tuple[str, int, type]] = [
    ("tsql_var", 1, Variance),
    ("tsql_varp", 1, PopulationVariance),
    ("tsql_stdev", 1, Deviation),
    ("tsql_stdevp", 1, PopulationDeviation),
    ("tsql_string_agg_ordered", -1, StringAggOrdered),
    ("tsql_sum", 1, DecimalSum),
    ("tsql_avg", 1, DecimalAvg),
    ("tsql_string_agg", 2, StringAgg),
    ("tsql_string_agg", 4, StringAgg),
]


# --- result types ------------------------------------------------------------------------------


def _fixed_type(st: SqlType) -> TypeRule:
    return lambda args: st


def _arg_type(args: list[SqlType | None], index: int) -> SqlType | None:
    return args[index] if index < len(args) else None


def as_string_type(st: SqlType | None) -> SqlType:
    """The character type a value becomes in a string function: char -> varchar, nchar ->
    nvarchar, text -> varchar(max); other types their varchar form."""
    if st is None:
        return sqltypes.varchar(1)
    if st.is_string:
        if st.is_max or st.is_lob:
            return sqltypes.NVARCHAR_MAX if st.is_unicode else sqltypes.VARCHAR_MAX
        return sqltypes.nvarchar(st.length or 1) if st.is_unicode else sqltypes.varchar(st.length or 1)
    if st.family == "binary":
        return sqltypes.VARCHAR_MAX if st.is_max or st.is_lob else sqltypes.varchar(st.length or 1)
    return sqltypes.varchar(ty.char_length_of(st))


def _string_of_first(args: list[SqlType | None]) -> SqlType:
    return as_string_type(_arg_type(args, 0))


def _string_or_binary(args: list[SqlType | None]) -> SqlType:
    first = _arg_type(args, 0)
    if first is not None and first.family == "binary":
        return sqltypes.VARBINARY_MAX if first.is_max or first.is_lob else SqlType("varbinary", length=first.length)
    return as_string_type(first)


def _substring_type(args: list[SqlType | None]) -> SqlType:
    """SUBSTRING takes character or binary data only: SUBSTRING(123, 1, 1) is error 8116."""
    first = _arg_type(args, 0)
    if first is not None and not first.is_string and first.family != "binary":
        raise invalid_argument(first, 1, "substring")
    return _string_or_binary(args)


def _int_or_bigint(index: int) -> TypeRule:
    """LEN, DATALENGTH, CHARINDEX, PATINDEX: bigint for (max) arguments."""

    def rule(args: list[SqlType | None]) -> SqlType:
        return sqltypes.BIGINT if _is_max(_arg_type(args, index)) else sqltypes.INT

    return rule


def _limited_string(args: list[SqlType | None]) -> SqlType:
    """REPLACE and REPLICATE: nvarchar if any argument is, (max) if the first is, else the
    8000-byte limit."""
    first = _arg_type(args, 0)
    unicode = _is_unicode(*args) if len(args) > 1 else _is_unicode(first)
    if _is_max(first):
        return sqltypes.NVARCHAR_MAX if unicode else sqltypes.VARCHAR_MAX
    return sqltypes.nvarchar(4000) if unicode else sqltypes.varchar(8000)


def _replicate_type(args: list[SqlType | None]) -> SqlType:
    return _limited_string(args[:1])


def _stuff_type(args: list[SqlType | None]) -> SqlType:
    first, inserted = _arg_type(args, 0), _arg_type(args, 3)
    if first is not None and first.family == "binary":
        return _string_or_binary(args)
    return ty.concatenation(as_string_type(first), as_string_type(inserted) if inserted else None)


def _concat_type(args: list[SqlType | None]) -> SqlType:
    result: SqlType | None = None
    for arg in args:
        as_text = as_string_type(arg)
        result = as_text if result is None else ty.concatenation(result, as_text)
    return result or sqltypes.varchar(1)


def _concat_ws_type(args: list[SqlType | None]) -> SqlType:
    separator = args[0] if args else None
    return _concat_type([*args[1:], *([separator] * max(len(args) - 2, 0))])


def _str_type(args: list[SqlType | None]) -> SqlType:
    """varchar(length): 10 by default; a length argument's value is not known here."""
    return sqltypes.varchar(10) if len(args) == 1 else sqltypes.varchar(8000)


def _same_numeric_type(args: list[SqlType | None]) -> SqlType | None:
    """ABS: the argument's type; character data is float."""
    first = _arg_type(args, 0)
    if first is None:
        return sqltypes.INT
    if first.is_string or first.name == "bit":
        return sqltypes.FLOAT
    return first


def _round_type(args: list[SqlType | None]) -> SqlType | None:
    """ROUND: tinyint and smallint give int, decimal(p,s) keeps p and s, smallmoney gives money."""
    first = _arg_type(args, 0)
    if first is None:
        return sqltypes.INT
    if first.family == "int":
        return sqltypes.BIGINT if first.name == "bigint" else sqltypes.INT
    if first.family == "money":
        return sqltypes.MONEY
    if first.family == "decimal":
        return sqltypes.decimal(first.precision or 18, first.scale or 0)
    return sqltypes.FLOAT


def _ceiling_type(args: list[SqlType | None]) -> SqlType | None:
    """CEILING and FLOOR: the argument's type, decimal(p,s) becoming decimal(p,0)."""
    first = _arg_type(args, 0)
    if first is not None and first.family == "decimal":
        return sqltypes.decimal(first.precision or 18, 0)
    return _same_numeric_type(args)


def _power_type(args: list[SqlType | None]) -> SqlType | None:
    """POWER: decimal(p,s) -> decimal(38,s); tinyint/smallint/int -> int; character data and bit -> float."""
    first = _arg_type(args, 0)
    if first is None:
        return sqltypes.INT
    if first.family == "decimal":
        return sqltypes.decimal(38, first.scale or 0)
    if first.family == "int" and first.name != "bit":
        return sqltypes.BIGINT if first.name == "bigint" else sqltypes.INT
    if first.family == "money":
        return sqltypes.MONEY
    return sqltypes.FLOAT


_angle_type = _power_type  # DEGREES and RADIANS document the same table as POWER


def _sign_type(args: list[SqlType | None]) -> SqlType | None:
    first = _arg_type(args, 0)
    if first is None:
        return sqltypes.INT
    if first.family == "decimal":
        return first
    return _power_type(args)


def _dateadd_type(args: list[SqlType | None]) -> SqlType | None:
    """DATEADD returns the date argument's type; character data gives datetime."""
    date = _arg_type(args, 2)
    if date is None or date.family not in ("date", "time", "datetime", "datetimeoffset"):
        return sqltypes.DATETIME
    return date


def _datetrunc_type(args: list[SqlType | None]) -> SqlType | None:
    """DATETRUNC keeps the type and scale; character data gives datetime2(7)."""
    date = _arg_type(args, 1)
    if date is None or date.family not in ("date", "time", "datetime", "datetimeoffset"):
        return sqltypes.DATETIME2
    return date


def _common_type(args: list[SqlType | None]) -> SqlType | None:
    return ty.common(args) or sqltypes.INT


def _offset_type(args: list[SqlType | None]) -> SqlType:
    return _dto_type(_arg_type(args, 0))


# --- registry ----------------------------------------------------------------------------------

BUILTINS: list[Builtin] = []
_WRAPPERS: dict[str, Callable[..., Any]] = {}


def builtin(
    name: str,
    impl: Callable[..., Any] | None,
    arity: tuple[int, int],
    returns: TypeRule,
    deterministic: bool = True,
    hints: str = "",
) -> None:
    """Register a T-SQL function.  ``hints``: '' for none, 'typed' to receive ``types``,
    'datepart' for that with an unhinted datepart first, 'raw' to split the hints itself."""
    sqlite_name = f"tsql_{name.lower()}"
    BUILTINS.append(Builtin(name, sqlite_name, impl, arity, returns, deterministic, bool(hints)))
    if impl is not None:
        if hints in ("typed", "datepart"):
            impl = typed(impl, datepart=hints == "datepart")
        _WRAPPERS[sqlite_name] = impl


_INT = _fixed_type(sqltypes.INT)
_FLOAT = _fixed_type(sqltypes.FLOAT)

# strings
builtin("LEN", tsql_len, (1, 1), _int_or_bigint(0), hints="typed")
builtin("DATALENGTH", tsql_datalength, (1, 1), _int_or_bigint(0), hints="typed")
builtin("CHARINDEX", tsql_charindex, (2, 3), _int_or_bigint(1), hints="typed")
builtin("PATINDEX", tsql_patindex, (2, 2), _int_or_bigint(1), hints="typed")
builtin("SUBSTRING", tsql_substring, (3, 3), _substring_type, hints="typed")
builtin("LEFT", tsql_left, (2, 2), _string_or_binary, hints="typed")
builtin("RIGHT", tsql_right, (2, 2), _string_or_binary, hints="typed")
builtin("REPLACE", tsql_replace, (3, 3), _limited_string, hints="typed")
builtin("REPLICATE", tsql_replicate, (2, 2), _replicate_type, hints="typed")
builtin("LTRIM", tsql_ltrim, (1, 2), _string_of_first, hints="typed")
builtin("RTRIM", tsql_rtrim, (1, 2), _string_of_first, hints="typed")
builtin("TRIM", tsql_trim, (1, 3), _string_of_first)  # TRIM(s), or as dialect reads TRIM(chars FROM s)
builtin("UPPER", tsql_upper, (1, 1), _string_of_first, hints="typed")
builtin("LOWER", tsql_lower, (1, 1), _string_of_first, hints="typed")
builtin("REVERSE", tsql_reverse, (1, 1), _string_or_binary, hints="typed")
builtin("CONCAT", tsql_concat, (2, 254), _concat_type, hints="typed")
builtin("CONCAT_WS", tsql_concat_ws, (3, 254), _concat_ws_type, hints="typed")
builtin("STUFF", tsql_stuff, (4, 4), _stuff_type, hints="typed")
builtin("SPACE", tsql_space, (1, 1), _fixed_type(sqltypes.varchar(8000)), hints="typed")
builtin("CHAR", tsql_char, (1, 1), _fixed_type(SqlType("char", length=1)), hints="typed")
builtin("NCHAR", tsql_nchar, (1, 1), _fixed_type(SqlType("nchar", length=1)), hints="typed")
builtin("ASCII", tsql_ascii, (1, 1), _INT, hints="typed")
builtin("UNICODE", tsql_unicode, (1, 1), _INT, hints="typed")
builtin("QUOTENAME", tsql_quotename, (1, 2), _fixed_type(sqltypes.nvarchar(258)), hints="typed")
builtin("TRANSLATE", tsql_translate, (3, 3), _string_of_first, hints="typed")
builtin("STRING_ESCAPE", tsql_string_escape, (2, 2), _fixed_type(sqltypes.NVARCHAR_MAX), hints="typed")
builtin("SOUNDEX", tsql_soundex, (1, 1), _fixed_type(sqltypes.varchar(4)), hints="typed")
builtin("DIFFERENCE", tsql_difference, (2, 2), _INT, hints="typed")
builtin("STR", tsql_str, (1, 3), _str_type, hints="typed")
builtin("FORMAT", tsql_format, (2, 3), _fixed_type(sqltypes.nvarchar(4000)), False, hints="typed")
builtin("STRING_AGG", None, (2, 2), _fixed_type(sqltypes.VARCHAR_MAX), hints="raw")

# numbers
builtin("ABS", tsql_abs, (1, 1), _same_numeric_type, hints="typed")
builtin("ROUND", tsql_round, (2, 3), _round_type, hints="typed")
builtin("FLOOR", tsql_floor, (1, 1), _ceiling_type, hints="typed")
builtin("CEILING", tsql_ceiling, (1, 1), _ceiling_type, hints="typed")
builtin("SIGN", tsql_sign, (1, 1), _sign_type, hints="typed")
builtin("POWER", tsql_power, (2, 2), _power_type, hints="typed")
builtin("DEGREES", _angle_function(180 / math.pi, "degrees"), (1, 1), _angle_type, hints="typed")
builtin("RADIANS", _angle_function(math.pi / 180, "radians"), (1, 1), _angle_type, hints="typed")
for _name, _func, _count in [
    ("SQRT", math.sqrt, 1),
    ("SQUARE", lambda x: x * x, 1),
    ("EXP", math.exp, 1),
    ("LOG10", math.log10, 1),
    ("SIN", math.sin, 1),
    ("COS", math.cos, 1),
    ("TAN", math.tan, 1),
    ("COT", _cot, 1),
    ("ASIN", math.asin, 1),
    ("ACOS", math.acos, 1),
    ("ATAN", math.atan, 1),
    ("ATN2", math.atan2, 2),
]:
    builtin(_name, _float_function(_func, _name.lower()), (_count, _count), _FLOAT, hints="typed")
builtin("LOG", _float_function(_log, "log"), (1, 2), _FLOAT, hints="typed")
builtin("PI", tsql_pi, (0, 0), _FLOAT)
builtin("RAND", tsql_rand, (0, 1), _FLOAT, deterministic=False, hints="typed")
builtin("NEWID", tsql_newid, (0, 0), _fixed_type(sqltypes.UNIQUEIDENTIFIER), deterministic=False)
builtin("HASHBYTES", tsql_hashbytes, (2, 2), _fixed_type(SqlType("varbinary", length=8000)), hints="typed")
builtin("GREATEST", _extreme(max, "greatest"), (1, 254), _common_type, hints="typed")
builtin("LEAST", _extreme(min, "least"), (1, 254), _common_type, hints="typed")
for _name in ("VAR", "VARP", "STDEV", "STDEVP"):
    builtin(_name, None, (1, 1), _FLOAT)
builtin("CHECKSUM", tsql_checksum, (1, 63), _INT, hints="typed")
builtin("BINARY_CHECKSUM", tsql_binary_checksum, (1, 63), _INT, hints="typed")

# dates and times
_NOW = [
    ("GETDATE", lambda: tsql_getdate("datetime"), sqltypes.DATETIME),
    ("CURRENT_TIMESTAMP", lambda: tsql_getdate("datetime"), sqltypes.DATETIME),
    ("SYSDATETIME", lambda: tsql_getdate("datetime2(7)"), sqltypes.DATETIME2),
    ("GETUTCDATE", lambda: tsql_getutcdate("datetime"), sqltypes.DATETIME),
    ("SYSUTCDATETIME", lambda: tsql_getutcdate("datetime2(7)"), sqltypes.DATETIME2),
    ("SYSDATETIMEOFFSET", tsql_sysdatetimeoffset, sqltypes.DATETIMEOFFSET),
]
for _name, _clock, _type in _NOW:
    builtin(_name, _clock, (0, 0), _fixed_type(_type), deterministic=False)
builtin("DATEADD", tsql_dateadd, (3, 3), _dateadd_type, hints="raw")
builtin("DATEDIFF", tsql_datediff, (3, 3), _INT, hints="datepart")
builtin("DATEDIFF_BIG", tsql_datediff_big, (3, 3), _fixed_type(sqltypes.BIGINT), hints="datepart")
builtin("DATEPART", tsql_datepart, (2, 2), _INT, hints="datepart")
builtin("DATENAME", tsql_datename, (2, 2), _fixed_type(sqltypes.nvarchar(30)), hints="datepart")
builtin("DATETRUNC", tsql_datetrunc, (2, 2), _datetrunc_type, hints="datepart")
builtin("YEAR", _part_of("year"), (1, 1), _INT, hints="typed")
builtin("MONTH", _part_of("month"), (1, 1), _INT, hints="typed")
builtin("DAY", _part_of("day"), (1, 1), _INT, hints="typed")
builtin("DATEFROMPARTS", tsql_datefromparts, (3, 3), _fixed_type(sqltypes.DATE), hints="typed")
builtin("TIMEFROMPARTS", tsql_timefromparts, (5, 5), _fixed_type(sqltypes.TIME), hints="typed")
builtin("DATETIMEFROMPARTS", tsql_datetimefromparts, (7, 7), _fixed_type(sqltypes.DATETIME), hints="typed")
builtin("DATETIME2FROMPARTS", tsql_datetime2fromparts, (8, 8), _fixed_type(sqltypes.DATETIME2), hints="typed")
builtin(
    "SMALLDATETIMEFROMPARTS", tsql_smalldatetimefromparts, (5, 5), _fixed_type(sqltypes.SMALLDATETIME), hints="typed"
)
builtin(
    "DATETIMEOFFSETFROMPARTS",
    tsql_datetimeoffsetfromparts,
    (10, 10),
    _fixed_type(sqltypes.DATETIMEOFFSET),
    hints="typed",
)
builtin("EOMONTH", tsql_eomonth, (1, 2), _fixed_type(sqltypes.DATE), hints="typed")
builtin("SWITCHOFFSET", tsql_switchoffset, (2, 2), _offset_type, hints="typed")
builtin("TODATETIMEOFFSET", tsql_todatetimeoffset, (2, 2), _offset_type, hints="typed")
builtin("ISDATE", tsql_isdate, (1, 1), _INT, hints="typed")
builtin("ISNUMERIC", tsql_isnumeric, (1, 1), _INT, hints="typed")

# JSON
builtin("ISJSON", tsql_isjson, (1, 2), _INT, hints="typed")
builtin("JSON_VALUE", tsql_json_value, (2, 2), _fixed_type(sqltypes.nvarchar(4000)), hints="typed")
builtin("JSON_QUERY", tsql_json_query, (1, 2), _fixed_type(sqltypes.NVARCHAR_MAX), hints="typed")

SQLITE_FUNCTIONS: list[tuple[str, int, Callable[..., Any], bool]] = []


def _register_sqlite() -> None:
    for fn in BUILTINS:
        if fn.sqlite_name in _WRAPPERS:
            SQLITE_FUNCTIONS.append((fn.sqlite_name, -1, guarded(_WRAPPERS[fn.sqlite_name]), fn.deterministic))
    SQLITE_FUNCTIONS.extend(
        [
            ("like", 2, guarded(tsql_like), True),
            ("like", 3, guarded(tsql_like), True),
            ("tsql_div", 2, guarded(tsql_div), True),
            ("tsql_mod", 2, guarded(tsql_mod), True),
            ("tsql_decimal_op", 3, guarded(tsql_decimal_op), True),
            ("tsql_cast", -1, guarded(tsql_cast), True),
            ("tsql_try_cast", -1, guarded(tsql_try_cast), True),
            ("tsql_parse", -1, guarded(tsql_parse), True),
            ("tsql_split_json", -1, guarded(typed(tsql_split_json)), True),
            ("tsql_try_parse", -1, guarded(tsql_try_parse), True),
            ("tsql_store", -1, guarded(tsql_store), True),
            ("tsql_sysvar", 1, guarded(tsql_sysvar), False),
            ("tsql_identity", 0, guarded(lambda: session().next_identity()), False),
            ("tsql_session", -1, guarded(tsql_session), False),
        ]
    )
    # Not deterministic: SQLite would evaluate a constant call once, even in a CASE branch not taken.
    checks = [*guards.SQLITE_FUNCTIONS, *operators.SQLITE_FUNCTIONS, *udf.SQLITE_FUNCTIONS]
    SQLITE_FUNCTIONS.extend((name, count, guarded(func), False) for name, count, func in checks)


_register_sqlite()
BY_NAME = {fn.name: fn for fn in BUILTINS}
