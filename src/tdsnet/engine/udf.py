"""Scalar user functions whose body is more than RETURN <expression>.

A query calls such a function as ``tsql_udf(database, schema, name, arg, ...)``: a SQLite
function that runs the body through the session's interpreter for each row (its statements
are parsed and compiled once, as any batch's).  The arguments arrive converted to the
parameters' types and the RETURN value leaves converted to the declared type.

A function may not change anything outside itself: CREATE FUNCTION rejects INSERT, UPDATE,
DELETE and MERGE into tables (table variables are its own), PRINT, RAISERROR and the like
(error 443), and EXEC of a procedure inside one is error 557 when it runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from . import batch, errors, nodes

if TYPE_CHECKING:
    from .catalog import ModuleDef

# Statements that change something outside the function, by their first keyword.
_SIDE_EFFECTS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "TRUNCATE",
        "CREATE",
        "ALTER",
        "DROP",
        "PRINT",
        "RAISERROR",
        "COMMIT",
        "ROLLBACK",
        "SAVE",
        "GRANT",
        "DENY",
        "REVOKE",
        "USE",
        "WAITFOR",
    }
)
_TRANSACTIONS = frozenset({"TRAN", "TRANSACTION"})


def call_node(module: ModuleDef, database: str, arguments: dict[str, exp.Expression]) -> exp.Expression:
    """The call a query makes: arguments in parameter order, typed as the function returns."""
    spec = module.spec
    ordered = [arguments[p.key] for p in spec.parameters]
    names = [exp.Literal.string(part) for part in (database, module.schema, spec.name)]
    return nodes.internal("tsql_udf", *names, *ordered, returns=spec.returns)


def check_body(body: str) -> None:
    """CREATE FUNCTION: error 443 for a statement with side effects."""
    for node in batch.walk(batch.parse(body)):
        if not isinstance(node, batch.Statement):
            continue
        keyword = node.keyword
        if keyword == "BEGIN" and node.word(1) in _TRANSACTIONS:
            keyword = "BEGIN TRANSACTION"
        elif keyword not in _SIDE_EFFECTS or _into_table_variable(node):
            continue
        raise errors.SqlError(
            443, 16, 1, f"Invalid use of a side-effecting operator '{keyword}' within a function.", node.line
        )


def _into_table_variable(stmt: batch.Statement) -> bool:
    """INSERT [INTO] @t, UPDATE @t, DELETE [FROM] @t: the function's own table variables."""
    if stmt.keyword not in ("INSERT", "UPDATE", "DELETE", "MERGE"):
        return False
    for token in stmt.tokens[1:4]:
        if token.text.upper() in ("INTO", "FROM", "TOP"):
            continue
        return token.text.startswith("@")
    return False


def function_call_not_allowed() -> errors.SqlError:
    return errors.SqlError(
        557, 16, 2, "Only functions and some extended stored procedures can be executed from within a function."
    )


def run(database: str, schema: str, name: str, *args: Any) -> Any:
    """tsql_udf: the session the statement runs in evaluates the function."""
    from .functions import session

    return session().call_scalar_function(database, schema, name, args)


def run_table(database: str, schema: str, name: str, *args: Any) -> Any:
    """tsql_table_function: a multi-statement table-valued function's rows, as JSON (see `apply`)."""
    from .functions import session

    return session().call_table_function(database, schema, name, args)


def rows_as_json(rows: list[tuple]) -> str:
    """Stored values as `apply` unpacks them: floats as 17-digit text, binaries as hex."""
    return json.dumps([[_cell(v) for v in row] for row in rows], ensure_ascii=False)


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return format(value, ".17g")
    if isinstance(value, bytes):
        return value.hex()
    return value


SQLITE_FUNCTIONS: list[tuple[str, int, Any]] = [("tsql_udf", -1, run), ("tsql_table_function", -1, run_table)]
