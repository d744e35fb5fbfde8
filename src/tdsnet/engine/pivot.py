"""PIVOT and UNPIVOT, as the grouping and UNION ALL they stand for.

    FROM src AS s PIVOT (SUM(v) FOR c IN ([x], [y])) AS p
    =>  FROM (SELECT s.g1, ..., SUM(CASE WHEN s.c = 'x' THEN s.v END) AS x, ...
              FROM src AS s GROUP BY s.g1, ...) AS p           -- g: the other columns of src

    FROM src AS s UNPIVOT (v FOR c IN (x, y)) AS u
    =>  FROM (SELECT s.g1, ..., CAST('x' AS nvarchar(128)) AS c, s.x AS v FROM src AS s WHERE s.x IS NOT NULL
              UNION ALL ...) AS u

This runs before names are bound, with the tables already resolved, so the source's columns
come from the catalog (a table) or its SELECT list (a derived table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from .. import sqltypes
from . import errors, inlining

if TYPE_CHECKING:
    from .compiler import Compiling


def rewrite(tree: exp.Expression, state: Compiling) -> None:
    for source in list(tree.find_all(exp.Table, exp.Subquery)):
        pivots = source.args.get("pivots")
        if not pivots:
            continue
        if len(pivots) > 1:
            raise errors.not_supported("more than one PIVOT or UNPIVOT on a table source")
        spec = pivots[0]
        source.set("pivots", None)
        columns = _columns_of(source, state)
        derived = _unpivoted(source, spec, columns) if spec.args.get("unpivot") else _pivoted(source, spec, columns)
        alias = spec.args.get("alias")
        name = alias.name if alias is not None else source.alias_or_name
        source.replace(exp.Subquery(this=derived, alias=exp.TableAlias(this=exp.to_identifier(name))))


def _columns_of(source: exp.Expression, state: Compiling) -> list[str]:
    if isinstance(source, exp.Table):
        found = (
            state.sources.get((source.args["db"].name.lower(), source.name.lower())) if source.args.get("db") else None
        )
        if found is None:
            raise errors.not_supported("PIVOT over this source")
        return [c.name for c in found.columns]
    alias = source.args.get("alias")
    if alias is not None and alias.columns:
        return [c.name for c in alias.columns]
    query = source.this
    while isinstance(query, exp.SetOperation):
        query = query.this
    names = []
    for projection in query.expressions if isinstance(query, exp.Select) else []:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            raise errors.not_supported("PIVOT over SELECT *: list the columns")
        names.append(projection.alias_or_name)
    return names


def _source_copy(source: exp.Expression) -> tuple[exp.Expression, str]:
    copied = source.copy()
    name = source.alias_or_name
    if not copied.args.get("alias"):
        copied.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
    return copied, name


def _pivoted(source: exp.Expression, spec: exp.Pivot, columns: list[str]) -> exp.Select:
    aggregates = spec.expressions
    if len(aggregates) != 1 or not spec.args.get("fields"):
        raise errors.not_supported("this form of PIVOT")
    aggregate = aggregates[0]
    field = spec.args["fields"][0]
    pivot_column = field.this.name
    used = {c.name.lower() for c in aggregate.find_all(exp.Column)} | {pivot_column.lower()}
    copied, name = _source_copy(source)
    kept = [c for c in columns if c.lower() not in used]
    projections: list[exp.Expression] = [exp.alias_(exp.column(c, table=name), c) for c in kept]
    for value in field.expressions:
        label = value.name
        chosen = exp.EQ(this=exp.column(pivot_column, table=name), expression=exp.Literal.string(label))
        spread = aggregate.copy()
        for column in list(spread.find_all(exp.Column)):
            picked = exp.Case(ifs=[exp.If(this=chosen.copy(), true=exp.column(column.name, table=name))])
            column.replace(picked)
        projections.append(exp.alias_(spread, label, quoted=True))
    select = exp.Select(expressions=projections).from_(copied, copy=False)
    if kept:
        select.set("group", exp.Group(expressions=[exp.column(c, table=name) for c in kept]))
    return select


def _unpivoted(source: exp.Expression, spec: exp.Pivot, columns: list[str]) -> exp.Expression:
    value_name = spec.expressions[0].name
    field = spec.args["fields"][0]
    name_column = field.this.name
    spread = [c.name for c in field.expressions]
    lowered = {s.lower() for s in spread}
    kept = [c for c in columns if c.lower() not in lowered]
    branches = []
    for column in spread:
        copied, alias = _source_copy(source)
        label = inlining.converted(exp.Literal.string(column), sqltypes.SYSNAME)
        select = exp.Select(
            expressions=[
                *[exp.alias_(exp.column(c, table=alias), c) for c in kept],
                exp.alias_(label, name_column),
                exp.alias_(exp.column(column, table=alias), value_name),
            ]
        ).from_(copied, copy=False)
        select.set(
            "where", exp.Where(this=exp.Not(this=exp.Is(this=exp.column(column, table=alias), expression=exp.Null())))
        )
        branches.append(select)
    union = branches[0]
    for branch in branches[1:]:
        union = exp.union(union, branch, distinct=False)
    return union
