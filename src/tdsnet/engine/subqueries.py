"""Subqueries as SQL Server evaluates them, on SQLite.

* A scalar subquery must return at most one row (error 512); SQLite takes the first.  Unless
  the subquery cannot return more (an aggregate without GROUP BY, TOP 1), it is wrapped:
  ``(SELECT CASE WHEN tsql_single_row(COUNT(*)) THEN MAX(q.c) END FROM (<subquery> LIMIT 2) AS q)``.
* ``x op ALL (q)`` and ``x op ANY|SOME (q)`` (SQLite has neither) become EXISTS tests with
  three-valued logic; ``= ANY`` is IN and ``<> ALL`` is NOT IN.
* CHECKSUM(*) and BINARY_CHECKSUM(*) list the columns of the query's sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from . import nodes
from .treeutil import fresh

if TYPE_CHECKING:
    from .compiler import Compiling

_NOT_SCALAR = (exp.From, exp.Join, exp.Lateral, exp.CTE, exp.SetOperation, exp.Exists, exp.All, exp.Any)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


# --- 512 -----------------------------------------------------------------------------------------


def guard_scalar_subqueries(tree: exp.Expression) -> None:
    for subquery in list(tree.find_all(exp.Subquery)):
        if _is_scalar(subquery) and not _at_most_one_row(subquery.this):
            _guard(subquery)


def _is_scalar(subquery: exp.Subquery) -> bool:
    parent = subquery.parent
    if isinstance(parent, exp.Select):
        return subquery.arg_key == "expressions"  # a select-list item (it may carry the column's alias)
    if parent is None or isinstance(parent, _NOT_SCALAR):
        return False
    return not (isinstance(parent, exp.In) and subquery.arg_key == "query")


def _at_most_one_row(query: exp.Expression) -> bool:
    if not isinstance(query, exp.Select):
        return False
    limit = query.args.get("limit")
    count = limit.args.get("expression") if isinstance(limit, exp.Limit) else None
    if isinstance(limit, exp.Fetch):
        count = limit.args.get("count")
    while isinstance(count, exp.Paren):
        count = count.this
    if isinstance(count, exp.Literal) and count.this in ("0", "1"):
        return True
    if query.args.get("from_") is None and not query.args.get("where"):
        return True
    if query.args.get("group") is None:
        from .grouping import is_aggregate

        return any(
            is_aggregate(n)
            for p in query.expressions
            for n in p.walk(prune=lambda n: isinstance(n, exp.Window | exp.Select | exp.Subquery))
        )
    return False


def _guard(subquery: exp.Subquery) -> None:
    from .compiler import projections_of

    query = subquery.this
    projections = projections_of(query)
    if len(projections) != 1:
        return  # error 116 is the binder's
    column = projections[0].alias_or_name
    limited = query if isinstance(query, exp.Select) and query.args.get("limit") is None else None
    if limited is not None:
        limited.set("limit", exp.Limit(expression=exp.Literal.number(2)))
        rows = limited
    else:
        inner = fresh("rows")
        rows = exp.select(exp.column(column, table=inner)).from_(
            exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(inner))), copy=False
        )
        rows.set("limit", exp.Limit(expression=exp.Literal.number(2)))
    table = fresh("single")
    checked = exp.Case(
        ifs=[
            exp.If(
                this=nodes.internal("tsql_single_row", exp.Count(this=exp.Star())),
                true=exp.Max(this=exp.column(column, table=table)),
            )
        ]
    )
    wrapper = exp.select(exp.alias_(checked, column)).from_(
        exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier(table))), copy=False
    )
    subquery.set("this", wrapper)


# --- ALL / ANY / SOME -------------------------------------------------------------------------------


def quantified_comparisons(tree: exp.Expression) -> None:
    for quantified in list(tree.find_all(exp.All, exp.Any)):
        comparison = quantified.parent
        if not isinstance(comparison, _COMPARISONS) or comparison.expression is not quantified:
            continue
        comparison.replace(_rewritten(comparison, quantified))


def _rewritten(comparison: exp.Binary, quantified: exp.All | exp.Any) -> exp.Expression:
    from .compiler import projections_of

    query = quantified.this.this if isinstance(quantified.this, exp.Subquery) else quantified.this
    left = comparison.this
    every = isinstance(quantified, exp.All)
    if isinstance(comparison, exp.EQ) and not every:
        return exp.In(this=left, query=exp.Subquery(this=query))
    if isinstance(comparison, exp.NEQ) and every:
        return exp.Not(this=exp.In(this=left, query=exp.Subquery(this=query)))
    column = projections_of(query)[0].alias_or_name

    def exists(condition_of: object) -> exp.Exists:
        table = fresh("quantified")
        test = type(comparison)(this=left.copy(), expression=exp.column(column, table=table))
        select = exp.select(exp.Literal.number(1)).from_(
            exp.Subquery(this=query.copy(), alias=exp.TableAlias(this=exp.to_identifier(table))), copy=False
        )
        select.set("where", exp.Where(this=condition_of(test)))  # type: ignore[operator]
        return exp.Exists(this=select)

    unknown = exists(lambda test: exp.Is(this=exp.Paren(this=test), expression=exp.Null()))
    if every:  # false when one comparison is false, unknown when one is unknown, else true
        decided, outcome, otherwise = exists(lambda test: exp.Not(this=exp.Paren(this=test))), 0, 1
    else:  # true when one comparison is true, unknown when one is unknown, else false
        decided, outcome, otherwise = exists(lambda test: test), 1, 0
    result = exp.Case(
        ifs=[
            exp.If(this=decided, true=exp.Literal.number(outcome)),
            exp.If(this=unknown, true=exp.Null()),
        ],
        default=exp.Literal.number(otherwise),
    )
    return exp.EQ(this=exp.Paren(this=result), expression=exp.Literal.number(1))


# --- CHECKSUM(*) ----------------------------------------------------------------------------------


def expand_checksum_star(tree: exp.Expression, state: Compiling) -> None:
    for call in list(tree.find_all(exp.Anonymous)):
        if str(call.this).upper() not in ("CHECKSUM", "BINARY_CHECKSUM"):
            continue
        if len(call.expressions) != 1 or not isinstance(call.expressions[0], exp.Star):
            continue
        select = call.find_ancestor(exp.Select)
        if select is not None:
            call.set("expressions", _all_columns(select, state))


def _all_columns(select: exp.Select, state: Compiling) -> list[exp.Expression]:
    from .compiler import projections_of

    from_ = select.args.get("from_")
    items = ([from_.this] if from_ is not None else []) + [j.this for j in select.args.get("joins") or []]
    columns: list[exp.Expression] = []
    for item in items:
        alias = item.alias_or_name
        if isinstance(item, exp.Table) and item.args.get("db"):
            source = state.sources.get((item.args["db"].name.lower(), item.name.lower()))
            names = [c.name for c in source.columns] if source is not None else []
        elif isinstance(item, exp.Subquery):
            names = [p.alias_or_name for p in projections_of(item.this)]
        else:
            names = []
        columns.extend(exp.column(name.lower(), table=alias) for name in names)
    return columns
