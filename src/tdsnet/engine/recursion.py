"""Recursive common table expressions: WITH RECURSIVE for SQLite, and MAXRECURSION.

T-SQL has no RECURSIVE keyword: a CTE that names itself is recursive.  SQL Server stops a
recursion deeper than OPTION (MAXRECURSION n) (100 by default, 0 for none) with error 530;
SQLite has no limit, so each recursive CTE carries a hidden level column, computed by the
recursive member through `guards.recursion_level`, which raises 530 past the limit.
"""

from __future__ import annotations

from sqlglot import exp

from .. import sqltypes
from . import errors, nodes
from .treeutil import fresh

DEFAULT_LIMIT = 100
_MAX_LIMIT = 32767


def mark(tree: exp.Expression) -> None:
    """Before binding: WITH RECURSIVE where a CTE refers to itself."""
    for with_ in tree.find_all(exp.With):
        for cte in with_.expressions:
            if _self_references(cte):
                with_.set("recursive", True)


def _self_references(cte: exp.CTE) -> list[exp.Table]:
    name = cte.alias.lower()
    return [t for t in cte.this.find_all(exp.Table) if not t.args.get("db") and t.name.lower() == name]


def limit_depth(tree: exp.Expression) -> None:
    """After binding: the level column and its check, and OPTION (MAXRECURSION n) taken off."""
    limit = _option_limit(tree)
    for with_ in list(tree.find_all(exp.With)):
        if not with_.args.get("recursive"):
            continue
        for cte in with_.expressions:
            references = _self_references(cte)
            if references:
                _add_level(cte, references, limit)


def _option_limit(tree: exp.Expression) -> int:
    limit = DEFAULT_LIMIT
    for query in [tree, *tree.find_all(exp.Select, exp.SetOperation)]:
        options = query.args.get("options")
        if not options:
            continue
        kept = []
        for option in options:
            if isinstance(option, exp.QueryOption) and option.name.upper() == "MAXRECURSION":
                limit = _limit_value(option.expression)
            else:
                kept.append(option)
        query.set("options", kept or None)
    return limit


def _limit_value(node: exp.Expression) -> int:
    if not isinstance(node, exp.Literal) or node.is_string or not node.this.isdigit() or int(node.this) > _MAX_LIMIT:
        raise errors.SqlError(
            310,
            15,
            1,
            f"The value {node.sql()} specified for the MAXRECURSION option exceeds the allowed maximum "
            f"of {_MAX_LIMIT}.",
        )
    return int(node.this)


def _add_level(cte: exp.CTE, references: list[exp.Table], limit: int) -> None:
    level = fresh("level")
    members = _members(cte.this)
    for member in members:
        reference = next((r for r in references if r.find_ancestor(exp.Select) is member), None)
        if reference is None:
            member.append("expressions", exp.alias_(exp.Literal.number(0), level))
            continue
        deeper = exp.Add(this=exp.column(level, table=reference.alias_or_name), expression=exp.Literal.number(1))
        checked = nodes.internal("tsql_recursion_level", deeper, exp.Literal.number(limit), returns=sqltypes.INT)
        member.append("expressions", exp.alias_(checked, level))
    alias = cte.args.get("alias")
    if alias is not None and alias.columns:
        alias.append("columns", exp.to_identifier(level))


def _members(query: exp.Expression) -> list[exp.Select]:
    if isinstance(query, exp.SetOperation):
        return _members(query.this) + _members(query.expression)
    if isinstance(query, exp.Subquery):
        return _members(query.this)
    return [query] if isinstance(query, exp.Select) else []
