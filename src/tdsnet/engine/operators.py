"""Arithmetic and concatenation operators as SQL Server defines them, on SQLite.

* Operand types: ``'a' - 'b'`` is error 8117 (no numeric type to convert to), ``date + 1`` is
  error 206 (only datetime and smalldatetime add days), and a string meeting a number converts
  to the number's type (``'a' + 1`` is error 245, ``'5' + 1`` is 6).
* Integer results stay in their type's range (error 8115), which SQLite's 64-bit integers do
  not: a constant expression is checked as it is compiled, a small one by a CASE in SQL (which
  computes it twice), anything larger by `integer_result`.

The rewrites here run while the compiler rewrites for SQLite: they build SQLite calls directly.
* ``datetime - datetime`` is the difference as a datetime (days since 1900-01-01).
* String ``+`` is ``||``; its result is cut to the type's length when the operands could pass
  8000 bytes, and with CONCAT_NULL_YIELDS_NULL OFF a NULL operand counts as ''.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from .. import sqltypes
from ..sqltypes import SqlType
from . import errors, storage

_NAMES = {exp.Add: "add", exp.Sub: "subtract", exp.Mul: "multiply", exp.Div: "divide", exp.Mod: "modulo"}
_RANGES = {
    "tinyint": (0, 255),
    "smallint": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_DAYS = ("datetime", "smalldatetime")  # the date types that take + and - of a number of days
_NO_ARITHMETIC = ("date", "time", "datetime2", "datetimeoffset")
_NUMBERS = ("int", "decimal", "money", "float")
_DUPLICABLE = 24  # nodes: a CASE that computes the expression twice stays cheaper than a Python call


def check_operands(node: exp.Binary, left: SqlType | None, right: SqlType | None) -> None:
    """The operand types an arithmetic operator does not take (errors 8117 and 206)."""
    name = _NAMES.get(type(node))
    if name is None or left is None or right is None:
        return
    if left.is_string and right.is_string and name != "add":
        raise _invalid(left, name)
    for one, other in ((left, right), (right, left)):
        if one.family == "variant":  # a sql_variant must be converted to its base type first
            raise _invalid(one, name)
        if one.name in _NO_ARITHMETIC:
            if other.family in _NUMBERS and name in ("add", "subtract"):
                raise errors.SqlError(206, 16, 2, f"Operand type clash: {one.name} is incompatible with {other.name}")
            raise _invalid(one, name)
        if one.name in _DAYS and name not in ("add", "subtract"):
            raise _invalid(one, name)
        if one.family in ("guid", "xml") or (one.family == "binary" and name != "add"):
            raise _invalid(one, name)


def _invalid(st: SqlType, operator: str) -> errors.SqlError:
    return errors.SqlError(8117, 16, 1, f"Operand data type {st.name} is invalid for {operator} operator.")


def result_type(node: exp.Binary, left: SqlType | None, right: SqlType | None, usual: SqlType | None) -> SqlType | None:
    """tinyint + tinyint is tinyint and smallint * smallint smallint: integers keep the wider
    operand's type (bit, which has no arithmetic of its own, works in int)."""
    if usual is None or usual.family != "int" or left is None or right is None:
        return usual
    if left.family == "int" and right.family == "int":
        wider = left if _RANGES.get(left.name, (0, 1))[1] >= _RANGES.get(right.name, (0, 1))[1] else right
        return sqltypes.INT if wider.name == "bit" else wider
    return usual


# --- operands --------------------------------------------------------------------------------------


def converted(operand: exp.Expression, result: SqlType | None) -> exp.Expression:
    """A string operand of a numeric operation converts to the result's type (error 245 if it can't)."""
    from .compiler import call, type_hint, type_of

    st = type_of(operand)
    if result is None or st is None or not st.is_string or result.is_string:
        return operand
    return call("tsql_cast", operand, type_hint(result), type_hint(st))


def datetime_difference(node: exp.Binary, result: SqlType) -> exp.Expression | None:
    """datetime ± datetime: the operands as days (float), the result back to datetime."""
    from .compiler import call, type_hint, type_of

    lt, rt = type_of(node.left), type_of(node.right)
    if lt is None or rt is None or lt.name not in _DAYS or rt.name not in _DAYS:
        return None
    days = [
        call("tsql_cast", side, type_hint(sqltypes.FLOAT), type_hint(st))
        for side, st in ((node.left, lt), (node.right, rt))
    ]
    combined = (
        exp.Add(this=days[0], expression=days[1])
        if isinstance(node, exp.Add)
        else exp.Sub(this=days[0], expression=days[1])
    )
    return call("tsql_cast", combined, type_hint(result), type_hint(sqltypes.FLOAT))


# --- integer overflow ------------------------------------------------------------------------------


def overflow_checked(node: exp.Binary, result: SqlType | None) -> exp.Expression | None:
    """Integer + - * in the result type's range, or error 8115."""
    if result is None or result.name not in _RANGES or not isinstance(node, exp.Add | exp.Sub | exp.Mul):
        return None
    constant = _constant_value(node)
    if constant is not None:
        low, high = _RANGES[result.name]
        if not low <= constant <= high:
            raise errors.arithmetic_overflow(result.name)
        return None
    name = exp.Literal.string(result.name)
    if _size(node) <= _DUPLICABLE:
        return _case_checked(node, result, name)
    return exp.Anonymous(this="tsql_integer_result", expressions=[node.copy(), name])


def _case_checked(node: exp.Binary, result: SqlType, name: exp.Literal) -> exp.Expression:
    overflow = exp.Anonymous(this="tsql_overflow", expressions=[name])
    if result.name == "bigint":  # SQLite turns an integer overflow into a float
        test: exp.Expression = exp.EQ(
            this=exp.Anonymous(this="typeof", expressions=[node.copy()]), expression=exp.Literal.string("real")
        )
    else:
        low, high = _RANGES[result.name]
        test = exp.Not(this=exp.Between(this=node.copy(), low=exp.Literal.number(low), high=exp.Literal.number(high)))
    return exp.Case(ifs=[exp.If(this=test, true=overflow)], default=node.copy())


def _size(node: exp.Expression) -> int:
    """How many nodes an expression has: small ones are cheaper computed twice in SQL than once in Python."""
    return sum(1 for _ in node.walk())


def _constant_value(node: exp.Expression) -> int | None:
    """The value of integer arithmetic over literals (CAST of a literal included)."""
    if isinstance(node, exp.Paren):
        return _constant_value(node.this)
    if isinstance(node, exp.Neg):
        inner = _constant_value(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.this)
        except ValueError:
            return None
    if isinstance(node, exp.Cast | exp.TryCast):
        return _constant_value(node.this)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        a, b = _constant_value(node.left), _constant_value(node.right)
        if a is None or b is None:
            return None
        return a + b if isinstance(node, exp.Add) else a - b if isinstance(node, exp.Sub) else a * b
    return None


def integer_result(value: Any, type_name: str) -> Any:
    """`guards`-style check of a computed integer (registered as tsql_integer_result)."""
    if value is None:
        return None
    low, high = _RANGES[type_name]
    if isinstance(value, float) or not low <= value <= high:
        raise errors.arithmetic_overflow(type_name)
    return value


def overflow(type_name: str) -> Any:
    raise errors.arithmetic_overflow(type_name)


def as_type_of(value: exp.Expression, model: exp.Expression) -> exp.Expression:
    """ISNULL(a, b) is of a's type: b converts to it (ISNULL(CAST(NULL AS varchar(2)), 'abcd') is 'ab')."""
    from .compiler import call, type_hint, type_of

    target, st = type_of(model), type_of(value)
    if target is None or st is None or target == st or isinstance(value, exp.Null):
        return value
    return call("tsql_cast", value, type_hint(target), type_hint(st))


def integer_operands(node: exp.Binary) -> None:
    """a & b, a | b, a ^ b with a binary operand (COLUMNS_UPDATED() & 2): the binary as the integer type
    of the result, as SQL Server converts it (SQLite would take the blob for 0)."""
    from .compiler import call, type_hint, type_of

    target = type_of(node)
    if target is None or target.family != "int":
        return
    for side in ("this", "expression"):
        operand = node.args.get(side)
        st = type_of(operand) if operand is not None else None
        if st is not None and st.family == "binary":
            node.set(side, call("tsql_cast", operand, type_hint(target), type_hint(st)))


def exclusive_or(node: exp.BitwiseXor) -> exp.Expression:
    """a ^ b, which SQLite lacks: (a | b) - (a & b)."""
    either = exp.BitwiseOr(this=node.this.copy(), expression=node.expression.copy())
    both = exp.BitwiseAnd(this=node.this.copy(), expression=node.expression.copy())
    return exp.Sub(this=exp.Paren(this=either), expression=exp.Paren(this=both))


# --- COLLATE ---------------------------------------------------------------------------------------


def collate(node: exp.Collate) -> exp.Collate:
    """expression COLLATE name: SQL Server's name mapped to the SQLite collation that compares alike."""
    name = node.expression.name
    if not storage.is_known_collation(name):
        name = _equivalent_collation(name)
    node.set("expression", exp.to_identifier(storage.canonical_collation(name)))
    return node


def _equivalent_collation(name: str) -> str:
    upper = name.upper()
    if upper.endswith(("_BIN", "_BIN2")):
        return "Latin1_General_BIN2"
    for flags, known in (
        ("_CS_AS", "Latin1_General_CS_AS"),
        ("_CI_AI", "Latin1_General_CI_AI"),
        ("_CS_AI", "SQL_Latin1_General_CP1_CS_AI"),
        ("_CI_AS", "Latin1_General_CI_AS"),
    ):
        if flags in upper:
            return known
    raise errors.SqlError(448, 16, 1, f"Invalid collation '{name}'.")


def explicitly_collated(node: exp.Binary) -> bool:
    """Whether an operand has its own COLLATE clause (which then decides the comparison)."""
    for operand in (node.left, node.right):
        side = operand
        while isinstance(side, exp.Paren):
            side = side.this
        if isinstance(side, exp.Collate):
            return True
    return False


# --- SET ANSI_NULLS OFF ----------------------------------------------------------------------------


def without_ansi_nulls(node: exp.Expression) -> exp.Expression | None:
    """= and <> against NULL or a variable compare NULLs as equal (SQLite's IS and IS NOT)."""
    if not isinstance(node, exp.EQ | exp.NEQ):
        return None
    sides = (node.this, node.expression)
    if not any(isinstance(side, exp.Null | exp.Parameter) for side in sides):
        return None
    kind = exp.NullSafeEQ if isinstance(node, exp.EQ) else exp.NullSafeNEQ
    return kind(this=node.this, expression=node.expression)


# --- concatenation ---------------------------------------------------------------------------------


def concatenation_type(left: SqlType | None, right: SqlType | None) -> SqlType:
    """char + char stays fixed-length (char(n + m)); otherwise varchar rules (`typerules`)."""
    from . import typerules

    usual = typerules.concatenation(left, right)
    fixed = {"char", "nchar"}
    if left is not None and right is not None and left.name in fixed and right.name in fixed and not usual.is_max:
        return SqlType("nchar" if usual.is_unicode else "char", length=usual.length)
    return usual


def concatenated(node: exp.Add, result: SqlType, null_yields_null: bool) -> exp.Expression:
    from .compiler import type_of

    left, right = node.left, node.right
    if null_yields_null:
        joined: exp.Expression = exp.DPipe(this=left, expression=right, safe=True)
    else:  # NULL + 'b' is 'b', NULL + NULL is NULL
        joined = exp.Coalesce(
            this=exp.DPipe(this=left, expression=right, safe=True), expressions=[left.copy(), right.copy()]
        )
    lt, rt = type_of(left), type_of(right)
    if result.is_max or lt is None or rt is None or lt.is_max or rt.is_max:
        return joined
    if (lt.length or 1) + (rt.length or 1) <= (result.length or 0):
        return joined
    # Beyond 8000 bytes (4000 characters) a non-max concatenation is cut, as SQL Server cuts it.
    return exp.Anonymous(this="substr", expressions=[joined, exp.Literal.number(1), exp.Literal.number(result.length)])


SQLITE_FUNCTIONS: list[tuple[str, int, Any]] = [
    ("tsql_integer_result", 2, integer_result),
    ("tsql_overflow", 1, overflow),
]
