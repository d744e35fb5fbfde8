"""The T-SQL dialect tdsnet parses with: sqlglot's, with built-ins and type names left as written.

sqlglot turns many T-SQL functions into its own portable nodes (LEN into
Length, ISNULL into Coalesce...) whose argument layout differs per function.
tdsnet implements T-SQL's functions itself, so it keeps them as
``Anonymous(name, args)`` in T-SQL order and maps names in one table
(`functions.BUILTINS`); only aggregates, which the optimizer must recognise,
and the conversion functions, which have their own syntax, stay typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.dialects.tsql import TSQL
from sqlglot.errors import ParseError
from sqlglot.tokenizer_core import TokenizerCore
from sqlglot.tokens import TokenType

from . import errors, nodes

_KEEP_FUNCTIONS = {"COUNT", "SUM", "AVG", "MIN", "MAX"}
# Type names sqlglot would re-spell (ntext as VARCHAR(MAX), real as FLOAT, decimal as NUMERIC):
# without them as keywords they parse as user-defined types and keep the text as written.
_VERBATIM_TYPES = {"DECIMAL", "DEC", "NUMERIC", "REAL", "FLOAT", "NTEXT", "TEXT", "TIMESTAMP"}
_KEEP_PARSERS = {"CAST", "TRY_CAST", "CONVERT", "TRY_CONVERT"}
_NILADIC_NAMES = {"SYSTEM_USER", "CURRENT_USER", "SESSION_USER", "USER"}

# sqlglot warns on the root logger when it falls back to a generic Command;
# tdsnet decides what an unparsed statement means itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class _MoneyTokenizerCore(TokenizerCore):
    """Reads money literals ($12.5, $-3, $.5: a number token that keeps its $) and 0x."""

    __slots__ = ()

    def _scan_keywords(self) -> None:
        if self._char == "$" and _starts_money(self.sql, self._current):
            if self._peek in "+-":
                self._advance()
            while self._peek.isdigit() or self._peek == ".":
                self._advance()
            self._add(TokenType.NUMBER)
            return
        super()._scan_keywords()

    def _scan_hex(self) -> None:
        """0x alone is the empty binary literal in T-SQL (pymssql writes b"" that way)."""
        self._advance()
        value = self._extract_value()
        if value.lower() == "0x":
            self._add(TokenType.HEX_STRING, "")
            return
        try:
            int(value, 16)
        except ValueError:
            self._add(TokenType.IDENTIFIER)
            return
        self._add(TokenType.HEX_STRING, value[2:])


def _starts_money(sql: str, at: int) -> bool:
    rest = sql[at : at + 2]
    if rest[:1] in ("+", "-"):
        rest = rest[1:]
    return bool(rest) and (rest[0].isdigit() or rest[0] == ".")


def _trim(parser: TSQL.Parser) -> exp.Expression:
    """TRIM([LEADING | TRAILING | BOTH] [characters FROM] string) as TRIM(string, characters, where)."""
    trim = parser._parse_trim()
    args = [trim.this, trim.expression or exp.Null()]
    if trim.args.get("position"):
        args.append(exp.Literal.string(trim.args["position"]))
    return exp.Anonymous(this="TRIM", expressions=args if len(args) > 2 or trim.expression else args[:1])


def _niladic(name: str) -> exp.Anonymous:
    """SYSTEM_USER (the login), CURRENT_USER, SESSION_USER and USER (the database user)."""
    return exp.Anonymous(this="CURRENT_USER" if name == "USER" else name, expressions=[])


def _niladic_parser(name: str) -> Callable[[TSQL.Parser], exp.Anonymous]:
    return lambda parser: _niladic(name)


class TdsnetTSQL(TSQL):
    class Tokenizer(TSQL.Tokenizer):
        # SYSTEM_USER, CURRENT_USER and SESSION_USER are words here (sqlglot would read SYSTEM_USER as
        # CURRENT_USER); the parser makes each the niladic function it is.
        KEYWORDS = {
            k: v
            for k, v in TSQL.Tokenizer.KEYWORDS.items()
            if k.upper() not in _VERBATIM_TYPES and k.upper() not in _NILADIC_NAMES
        }

        def _init_core(self) -> TokenizerCore:
            core = super()._init_core()
            core.__class__ = _MoneyTokenizerCore
            return core

    class Parser(TSQL.Parser):
        FUNCTIONS = {k: v for k, v in TSQL.Parser.FUNCTIONS.items() if k in _KEEP_FUNCTIONS}
        FUNCTION_PARSERS = {
            **{k: v for k, v in TSQL.Parser.FUNCTION_PARSERS.items() if k in _KEEP_PARSERS},
            "PARSE": lambda self: nodes.parse_parse(self, safe=False),
            "TRY_PARSE": lambda self: nodes.parse_parse(self, safe=True),
            "TRIM": _trim,
        }
        NO_PAREN_FUNCTION_PARSERS = {
            **TSQL.Parser.NO_PAREN_FUNCTION_PARSERS,
            **{name: _niladic_parser(name) for name in _NILADIC_NAMES},
        }

        def _parse_primary(self) -> exp.Expression | None:
            """One string literal: T-SQL never joins adjacent ones ('a' 'w' in a SELECT list is
            'a' AS w, and a syntax error anywhere else)."""
            if self._match(TokenType.STRING):
                return self.PRIMARY_PARSERS[TokenType.STRING](self, self._prev)
            return super()._parse_primary()

        def _parse_projections(self) -> tuple[list[exp.Expression], list[exp.Expression] | None]:
            """'alias' = expression as well as alias = expression (sqlglot's tsql does the latter)."""
            projections, _ = super()._parse_projections()
            return [_string_alias(projection) for projection in projections], None


def _string_alias(projection: exp.Expression) -> exp.Expression:
    left = projection.this if isinstance(projection, exp.EQ) else None
    if isinstance(left, exp.National) or (isinstance(left, exp.Literal) and left.is_string):
        return exp.alias_(projection.expression, exp.to_identifier(left.this, quoted=True), copy=False)
    return projection


DIALECT = TdsnetTSQL


def parse_one(text: str, line_offset: int = 0) -> exp.Expression:
    """Parse one statement; a syntax error becomes SQL Server's 102 or 156."""
    try:
        parsed = sqlglot.parse(text, dialect=DIALECT)
    except ParseError as exc:
        raise syntax_error_of(exc, text, line_offset) from None
    statements = [p for p in parsed if p is not None]
    if len(statements) != 1:
        raise errors.syntax_error(text.rsplit(maxsplit=1)[-1] if text.split() else "", line_offset + 1)
    return statements[0]


def syntax_error_of(exc: ParseError, text: str, line_offset: int) -> errors.SqlError:
    detail = exc.errors[0] if exc.errors else {}
    near = str(detail.get("highlight") or "").strip()
    line = int(detail.get("line") or 1) + line_offset
    if not near:
        return errors.syntax_error("", line)
    if near.upper() in _RESERVED:
        return errors.keyword_syntax_error(near, line)  # as written, as SQL Server quotes it
    return errors.syntax_error(near, line)


_RESERVED = {
    "ADD",
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASE",
    "CHECK",
    "COLUMN",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "EXEC",
    "EXECUTE",
    "EXISTS",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INSERT",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "LEFT",
    "LIKE",
    "NOT",
    "NULL",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "PRIMARY",
    "REFERENCES",
    "RIGHT",
    "SELECT",
    "SET",
    "TABLE",
    "THEN",
    "TO",
    "TOP",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "VALUES",
    "VIEW",
    "WHEN",
    "WHERE",
    "WITH",
}
