"""Query parameters: placeholders in the text, SQL Server types from Python values.

Two placeholder styles, chosen by the parameters' type: a sequence binds ``?`` (qmark, the
module's declared paramstyle), a mapping binds ``:name`` (named).  Placeholders inside string
literals, quoted identifiers ("..." and [...]) and comments are text, not placeholders; ``::``
(as in ``ON SCHEMA::dbo``) is never a name.  The statement goes to sp_executesql with the
placeholders rewritten as @P1, @P2... (named ones as @name) and one typed parameter each.

Types from values, as SqlClient infers them: str -> nvarchar(4000) or nvarchar(max), bool -> bit,
int -> int, bigint or decimal(38,0) by size, float -> float, Decimal -> decimal(p,s) from its
digits, bytes -> varbinary(8000) or varbinary(max), datetime -> datetime2(7) (datetimeoffset(7)
when aware), date -> date, time -> time(7), UUID -> uniqueidentifier, None -> nvarchar(1) NULL.
`SqlParam` names a type explicitly (a NULL varbinary, a varchar, an OUTPUT parameter).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..sqltypes import MAX, SqlType, make_type, parse_type
from ..tds.requests import ParamStatus, RpcParam
from ..tsqltext import block_comment_end, closing, line_comment_end
from .errors import InterfaceError, ProgrammingError

_NVARCHAR_LIMIT = 4000
_VARBINARY_LIMIT = 8000


@dataclass(frozen=True, slots=True)
class SqlParam:
    """A parameter value with an explicit SQL Server type: SqlParam(None, "varbinary(max)")."""

    value: Any
    type: str | SqlType | None = None
    output: bool = False

    def sql_type(self) -> SqlType:
        if self.type is None:
            return infer_type(self.value)
        return self.type if isinstance(self.type, SqlType) else parse_type(self.type)


def infer_type(value: Any) -> SqlType:
    """The SQL Server type a Python value is sent as."""
    if value is None:
        return SqlType("nvarchar", length=1)
    if isinstance(value, bool):
        return SqlType("bit")
    if isinstance(value, int):
        return _integer_type(value)
    if isinstance(value, float):
        return SqlType("float")
    if isinstance(value, Decimal):
        return _decimal_type(value)
    if isinstance(value, str):
        return SqlType("nvarchar", length=MAX if len(value) > _NVARCHAR_LIMIT else _NVARCHAR_LIMIT)
    if isinstance(value, bytes | bytearray | memoryview):
        return SqlType("varbinary", length=MAX if len(value) > _VARBINARY_LIMIT else _VARBINARY_LIMIT)
    if isinstance(value, dt.datetime):
        return SqlType("datetimeoffset" if value.tzinfo is not None else "datetime2", scale=7)
    if isinstance(value, dt.date):
        return SqlType("date")
    if isinstance(value, dt.time):
        return SqlType("time", scale=7)
    if isinstance(value, uuid.UUID):
        return SqlType("uniqueidentifier")
    raise ProgrammingError(f"A parameter of type {type(value).__name__} cannot be sent to SQL Server.")


def _integer_type(value: int) -> SqlType:
    if -(2**31) <= value < 2**31:
        return SqlType("int")
    if -(2**63) <= value < 2**63:
        return SqlType("bigint")
    if abs(value) < 10**38:
        return make_type("decimal", 38, 0)
    raise ProgrammingError(f"The integer {value} is too large for SQL Server (decimal(38,0) at most).")


def _decimal_type(value: Decimal) -> SqlType:
    if not value.is_finite():
        raise ProgrammingError(f"The decimal {value} cannot be sent to SQL Server.")
    _sign, digits, exponent = value.as_tuple()
    scale = max(0, -int(exponent))
    integer_digits = max(1, len(digits) + int(exponent))
    precision = integer_digits + scale
    if precision > 38:
        raise ProgrammingError(f"The decimal {value} needs {precision} digits; SQL Server keeps 38.")
    return make_type("decimal", max(precision, 1), scale)


# --- placeholders --------------------------------------------------------------------------------


def _skip(text: str, pos: int) -> int | None:
    """If a literal, quoted identifier or comment starts at ``pos``, the position after it."""
    char = text[pos]
    if char in "'\"":
        return closing(text, pos, char)
    if char == "[":
        return closing(text, pos, "]")
    if text.startswith("--", pos):
        return line_comment_end(text, pos)
    if text.startswith("/*", pos):
        return block_comment_end(text, pos)
    return None


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char in "_$#@"


def rewrite_qmark(text: str) -> tuple[str, int]:
    """``?`` placeholders to @P1, @P2...; returns the text and how many there were."""
    out: list[str] = []
    pos = start = count = 0
    while pos < len(text):
        after = _skip(text, pos)
        if after is not None:
            pos = after
            continue
        if text[pos] == "?":
            count += 1
            out.append(text[start:pos] + f"@P{count}")
            start = pos + 1
        pos += 1
    out.append(text[start:])
    return "".join(out), count


def rewrite_named(text: str) -> tuple[str, list[str]]:
    """``:name`` placeholders to @name; returns the text and the names in order of first use."""
    out: list[str] = []
    names: list[str] = []
    pos = start = 0
    while pos < len(text):
        after = _skip(text, pos)
        if after is not None:
            pos = after
            continue
        if text[pos] == ":" and _starts_name(text, pos):
            end = pos + 1
            while end < len(text) and _is_name_char(text[end]):
                end += 1
            name = text[pos + 1 : end]
            if name not in names:
                names.append(name)
            out.append(text[start:pos] + f"@{name}")
            start = pos = end
            continue
        pos += 1
    out.append(text[start:])
    return "".join(out), names


def _starts_name(text: str, pos: int) -> bool:
    """A ':' that begins a placeholder: not part of '::', followed by a letter or '_'."""
    if pos + 1 >= len(text) or not (text[pos + 1].isalpha() or text[pos + 1] == "_"):
        return False
    return not (pos > 0 and text[pos - 1] == ":")


# --- the sp_executesql call ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A statement ready for sp_executesql: rewritten text, the @params declaration, typed values."""

    statement: str
    declaration: str
    params: list[RpcParam]


def bind(operation: str, parameters: Sequence[Any] | Mapping[str, Any]) -> Bound:
    """Rewrite ``operation``'s placeholders and type each value."""
    if isinstance(parameters, Mapping):
        statement, names = rewrite_named(operation)
        missing = [name for name in names if name not in parameters]
        if missing:
            raise ProgrammingError(f"No value was given for the parameter(s) {', '.join(':' + n for n in missing)}.")
        pairs = [(f"@{name}", parameters[name]) for name in names]
    elif isinstance(parameters, Sequence) and not isinstance(parameters, str | bytes | bytearray):
        statement, count = rewrite_qmark(operation)
        if count != len(parameters):
            raise ProgrammingError(
                f"The SQL statement contains {count} parameter marker(s), but {len(parameters)} parameter(s) "
                "were supplied."
            )
        pairs = [(f"@P{index}", value) for index, value in enumerate(parameters, 1)]
    else:
        raise InterfaceError("Parameters are a sequence (for ? markers) or a mapping (for :name markers).")
    params = [_param(name, value) for name, value in pairs]
    declaration = ", ".join(f"{p.name} {p.type}" + (" OUTPUT" if p.output else "") for p in params)
    return Bound(statement, declaration, params)


def _param(name: str, value: Any) -> RpcParam:
    if isinstance(value, SqlParam):
        status = ParamStatus.BY_REF if value.output else 0
        return RpcParam(name, value.value, value.sql_type(), status)
    return RpcParam(name, value, infer_type(value))


def rpc_param(name: str, value: Any) -> RpcParam:
    """A parameter for a procedure call (callproc), named or positional (name '')."""
    return _param(name, value)
