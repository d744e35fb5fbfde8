"""SQL Server's rules for the type of an expression.

Data type precedence decides the type of a mixed expression; decimal arithmetic
follows the documented precision/scale formulas (capped at 38, keeping the
integral part); string concatenation adds lengths.  These types become
COLMETADATA, so a client sees int for int/int and decimal(38,2) for
SUM(decimal(10,2)), as against SQL Server.
"""

from __future__ import annotations

from .. import sqltypes
from ..sqltypes import MAX, SqlType

# Highest first (https://learn.microsoft.com/sql/t-sql/data-types/data-type-precedence-transact-sql)
PRECEDENCE = [
    "sql_variant",
    "xml",
    "datetimeoffset",
    "datetime2",
    "datetime",
    "smalldatetime",
    "date",
    "time",
    "float",
    "real",
    "decimal",
    "numeric",
    "money",
    "smallmoney",
    "bigint",
    "int",
    "smallint",
    "tinyint",
    "bit",
    "ntext",
    "text",
    "image",
    "timestamp",
    "uniqueidentifier",
    "nvarchar",
    "nchar",
    "varchar",
    "char",
    "varbinary",
    "binary",
]
_RANK = {name: len(PRECEDENCE) - i for i, name in enumerate(PRECEDENCE)}

_INT_AS_DECIMAL = {"bit": 1, "tinyint": 3, "smallint": 5, "int": 10, "bigint": 19}


def rank(st: SqlType) -> int:
    return _RANK.get(st.name, 0)


def higher(a: SqlType | None, b: SqlType | None) -> SqlType | None:
    """The operand type that wins by data type precedence."""
    if a is None:
        return b
    if b is None:
        return a
    return a if rank(a) >= rank(b) else b


def as_decimal(st: SqlType) -> tuple[int, int]:
    if st.family == "decimal":
        return st.precision or 18, st.scale or 0
    if st.name in _INT_AS_DECIMAL:
        return _INT_AS_DECIMAL[st.name], 0
    if st.family == "money":
        return (19, 4) if st.name == "money" else (10, 4)
    return 38, 0


def _cap(precision: int, scale: int, keep_scale_min: int = 6) -> SqlType:
    """Cap precision at 38, shrinking the scale so the integral part survives."""
    if precision > 38:
        integral = precision - scale
        scale = max(min(scale, 38 - integral), min(scale, keep_scale_min))
        precision = 38
    return sqltypes.decimal(max(precision, 1), max(scale, 0))


def decimal_result(op: str, a: SqlType, b: SqlType) -> SqlType:
    p1, s1 = as_decimal(a)
    p2, s2 = as_decimal(b)
    if op in ("+", "-"):
        scale = max(s1, s2)
        return _cap(scale + max(p1 - s1, p2 - s2) + 1, scale)
    if op == "*":
        return _cap(p1 + p2 + 1, s1 + s2)
    if op == "/":
        scale = max(6, s1 + p2 + 1)
        return _cap(p1 - s1 + s2 + scale, scale)
    scale = max(s1, s2)  # %
    return _cap(min(p1 - s1, p2 - s2) + scale, scale)


def arithmetic(op: str, a: SqlType | None, b: SqlType | None) -> SqlType | None:
    """The type of ``a op b`` for + - * / % (not string concatenation)."""
    if a is None or b is None:
        return a or b
    win = higher(a, b)
    assert win is not None
    family = win.family
    if family in ("float", "datetime", "datetimeoffset", "date", "time"):
        return win
    if family == "decimal" or (family == "money" and op == "/" and "decimal" in (a.family, b.family)):
        return decimal_result(op, a, b)
    if family == "money":
        return win
    if family == "int":  # tinyint, smallint and bit arithmetic is done in int
        return win if rank(win) >= rank(sqltypes.INT) else sqltypes.INT
    if win.is_string:
        # a string against a number converts to the number's type
        other = b if win is a else a
        return other if not other.is_string else win
    return win


def concatenation(a: SqlType | None, b: SqlType | None) -> SqlType:
    """string + string: nvarchar if either is, lengths added up to the non-max limit."""
    a = a or sqltypes.varchar(1)
    b = b or sqltypes.varchar(1)
    unicode = a.is_unicode or b.is_unicode
    if a.is_max or b.is_max or a.is_lob or b.is_lob:
        return sqltypes.NVARCHAR_MAX if unicode else sqltypes.VARCHAR_MAX
    limit = 4000 if unicode else 8000
    length = min((a.length or 1) + (b.length or 1), limit)
    return sqltypes.nvarchar(length) if unicode else sqltypes.varchar(length)


def is_string(st: SqlType | None) -> bool:
    return st is not None and st.is_string


def common(types: list[SqlType | None]) -> SqlType | None:
    """The type of CASE/COALESCE/UNION over several branches."""
    result: SqlType | None = None
    for st in types:
        result = _widen(result, st)
    return result


def _widen(a: SqlType | None, b: SqlType | None) -> SqlType | None:
    if a is None or b is None:
        return a or b
    if a.is_string and b.is_string:
        unicode = a.is_unicode or b.is_unicode
        if a.is_max or b.is_max:
            return sqltypes.NVARCHAR_MAX if unicode else sqltypes.VARCHAR_MAX
        length = max(a.length or 1, b.length or 1)
        return sqltypes.nvarchar(length) if unicode else sqltypes.varchar(length)
    if a.family == "binary" and b.family == "binary":
        if a.is_max or b.is_max:
            return sqltypes.VARBINARY_MAX
        return SqlType("varbinary", length=max(a.length or 1, b.length or 1))
    if a.family == "decimal" and b.family in ("decimal", "int"):
        return _decimal_union(a, b)
    if b.family == "decimal" and a.family == "int":
        return _decimal_union(b, a)
    return higher(a, b)


def _decimal_union(a: SqlType, b: SqlType) -> SqlType:
    p1, s1 = as_decimal(a)
    p2, s2 = as_decimal(b)
    scale = max(s1, s2)
    return _cap(max(p1 - s1, p2 - s2) + scale, scale)


def sum_of(st: SqlType | None) -> SqlType | None:
    if st is None:
        return sqltypes.INT
    if st.family == "int":
        return sqltypes.BIGINT if st.name == "bigint" else sqltypes.INT
    if st.family == "decimal":
        return sqltypes.decimal(38, st.scale or 0)
    if st.family == "money":
        return sqltypes.MONEY
    if st.family == "float":
        return sqltypes.FLOAT
    return st


def avg_of(st: SqlType | None) -> SqlType | None:
    if st is None:
        return sqltypes.INT
    if st.family == "int":
        return sqltypes.BIGINT if st.name == "bigint" else sqltypes.INT
    if st.family == "decimal":
        return sqltypes.decimal(38, max(st.scale or 0, 6))
    if st.family == "money":
        return sqltypes.MONEY
    if st.family == "float":
        return sqltypes.FLOAT
    return st


def literal_int(value: int) -> SqlType:
    if -(2**31) <= value < 2**31:
        return sqltypes.INT
    digits = len(str(abs(value)))
    return sqltypes.decimal(min(digits, 38), 0) if digits <= 38 else sqltypes.FLOAT


def string_literal(text: str, unicode: bool) -> SqlType:
    length = max(len(text), 1)
    if unicode:
        return sqltypes.nvarchar(length) if length <= 4000 else sqltypes.NVARCHAR_MAX
    return sqltypes.varchar(length) if length <= 8000 else sqltypes.VARCHAR_MAX


def char_length_of(st: SqlType | None, default: int = 30) -> int:
    """How many characters a value of this type needs as text (CONVERT's default lengths)."""
    if st is None:
        return default
    if st.is_string:
        return MAX if st.is_max else (st.length or 1)
    family = st.family
    if family == "int":
        return {"bit": 1, "tinyint": 3, "smallint": 6, "int": 11, "bigint": 20}[st.name]
    if family == "decimal":
        return (st.precision or 18) + 2
    if family in ("float", "money"):
        return 30
    if family == "guid":
        return 36
    if family in ("date", "time", "datetime", "datetimeoffset"):
        return 34
    return default
