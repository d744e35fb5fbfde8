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

import sqlglot
from sqlglot import exp
from sqlglot.dialects.tsql import TSQL
from sqlglot.errors import ParseError

from . import errors

_KEEP_FUNCTIONS = {"COUNT", "SUM", "AVG", "MIN", "MAX"}
# Type names sqlglot would re-spell (ntext as VARCHAR(MAX), real as FLOAT, decimal as NUMERIC):
# without them as keywords they parse as user-defined types and keep the text as written.
_VERBATIM_TYPES = {"DECIMAL", "DEC", "NUMERIC", "REAL", "FLOAT", "NTEXT", "TEXT", "TIMESTAMP"}
_KEEP_PARSERS = {"CAST", "TRY_CAST", "CONVERT", "TRY_CONVERT"}

# sqlglot warns on the root logger when it falls back to a generic Command;
# tdsnet decides what an unparsed statement means itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class TdsnetTSQL(TSQL):
    class Tokenizer(TSQL.Tokenizer):
        KEYWORDS = {k: v for k, v in TSQL.Tokenizer.KEYWORDS.items() if k.upper() not in _VERBATIM_TYPES}

    class Parser(TSQL.Parser):
        FUNCTIONS = {k: v for k, v in TSQL.Parser.FUNCTIONS.items() if k in _KEEP_FUNCTIONS}
        FUNCTION_PARSERS = {k: v for k, v in TSQL.Parser.FUNCTION_PARSERS.items() if k in _KEEP_PARSERS}


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
        return errors.keyword_syntax_error(near.lower(), line)
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
