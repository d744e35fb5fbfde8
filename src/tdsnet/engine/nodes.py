"""Expression nodes of tdsnet's own, each typing itself and spelling itself for SQLite.

The compiler asks a node for ``tds_annotate(state) -> (type, nullable)`` when it types the
tree and for ``tds_rewrite(state) -> expression`` when it rewrites it for SQLite, so T-SQL
syntax sqlglot does not model (PARSE ... USING) and calls of tdsnet's helper functions
(guards, markers) need no case of their own in the compiler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from .. import sqltypes

if TYPE_CHECKING:
    from ..sqltypes import SqlType


class InternalCall(exp.Expression, exp.Func):
    """A call of one of tdsnet's SQLite functions that T-SQL has no name for."""

    arg_types = {"this": True, "expressions": False, "returns": False}

    def tds_annotate(self, state: Any) -> tuple[SqlType | None, bool]:
        from .compiler import N, type_of

        returns = self.args.get("returns")
        if returns is not None:
            return returns, True
        first = self.expressions[0] if self.expressions else None
        return type_of(first), bool(first.meta.get(N, True)) if first is not None else True

    def tds_rewrite(self, state: Any) -> exp.Expression:
        return exp.Anonymous(this=self.args["this"], expressions=list(self.expressions))


def internal(name: str, *args: exp.Expression, returns: SqlType | None = None) -> InternalCall:
    call = InternalCall(this=name, expressions=list(args))
    if returns is not None:
        call.set("returns", returns)
    return call


class TsqlParse(exp.Expression, exp.Func):
    """PARSE(value AS type [USING culture]) and TRY_PARSE (safe)."""

    arg_types = {"this": True, "to": True, "culture": False, "safe": False}

    def tds_annotate(self, state: Any) -> tuple[SqlType | None, bool]:
        from .compiler import N, cast_target

        nullable = bool(self.args.get("safe")) or bool(self.this.meta.get(N, True))
        return cast_target(self.args["to"]), nullable

    def tds_rewrite(self, state: Any) -> exp.Expression:
        from .compiler import call, type_hint, type_of

        name = "tsql_try_parse" if self.args.get("safe") else "tsql_parse"
        culture = self.args.get("culture") or exp.Null()
        return call(name, self.this, type_hint(type_of(self)), culture, type_hint(type_of(self.this)))


def parse_parse(parser: Any, safe: bool) -> TsqlParse:
    """PARSE's arguments as sqlglot's parser reads them (a FUNCTION_PARSERS entry)."""
    value = parser._parse_bitwise()
    if not parser._match_text_seq("AS"):
        parser.raise_error("Expected AS in PARSE")
    to = parser._parse_types()
    culture = parser._parse_bitwise() if parser._match_text_seq("USING") else None
    return TsqlParse(this=value, to=to, culture=culture, safe=safe)


def within_group(node: exp.WithinGroup) -> exp.Expression:
    """STRING_AGG(v, sep) WITHIN GROUP (ORDER BY k1 [DESC], ...), its STRING_AGG already rewritten to
    tsql_string_agg(v, sep, types...): the ordered aggregate takes the keys and directions after them."""
    from . import errors

    aggregate = node.this
    if not isinstance(aggregate, exp.Anonymous) or str(aggregate.this).lower() != "tsql_string_agg":
        raise errors.not_supported("WITHIN GROUP for this function")
    keys: list[exp.Expression] = []
    for ordered in node.expression.expressions:
        keys += [ordered.this, exp.Literal.number(1 if ordered.args.get("desc") else 0)]
    return exp.Anonymous(this="tsql_string_agg_ordered", expressions=[*aggregate.expressions, *keys])


# ...FROMPARTS functions whose last argument is the fractional seconds precision of the result.
_PRECISION_ARGUMENT = {"DATETIME2FROMPARTS": 7, "TIMEFROMPARTS": 4, "DATETIMEOFFSETFROMPARTS": 9}


def fractional_precision(name: str, node: exp.Anonymous, usual: SqlType | None) -> SqlType | None:
    """DATETIME2FROMPARTS(..., 1) is datetime2(1): the precision argument, a constant, is the scale."""
    index = _PRECISION_ARGUMENT.get(name)
    if index is None or usual is None or len(node.expressions) <= index:
        return usual
    precision = node.expressions[index]
    if isinstance(precision, exp.Literal) and not precision.is_string and precision.this.isdigit():
        return sqltypes.SqlType(usual.name, scale=min(int(precision.this), 7))
    return usual


def money_literal(text: str) -> str | None:
    """The number of a money literal ($12.5, -$3, $-3) as text, or None for other literals."""
    if "$" not in text:
        return None
    negative = text.count("-") % 2 == 1
    digits = text.replace("$", "").replace("-", "").replace("+", "")
    return ("-" if negative else "") + digits
