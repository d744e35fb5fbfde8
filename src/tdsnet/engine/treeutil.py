"""Small helpers the query rewrites share: fresh names, expression identity, output columns."""

from __future__ import annotations

import itertools

from sqlglot import exp

_names = itertools.count(1)


def fresh(prefix: str) -> str:
    """A name no query writes: for derived tables and hidden columns the rewrites add."""
    return f"__tdsnet_{prefix}{next(_names)}"


def output_position(select: exp.Select, item: exp.Expression) -> int | None:
    """Which output column an ORDER BY item names: by alias, or as the same expression."""
    if isinstance(item, exp.Column) and not item.table:
        for index, projection in enumerate(select.expressions):
            if projection.alias_or_name.lower() == item.name.lower():
                return index
    written = key(item)
    for index, projection in enumerate(select.expressions):
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if key(inner) == written:
            return index
    return None


def key(node: exp.Expression) -> str:
    """An expression's identity for matching (GROUP BY keys, ORDER BY items): its normalised text."""
    return node.sql(dialect="tsql", normalize=True, comments=False).lower()


def source_aliases(select: exp.Select) -> list[str]:
    """The names this query level exposes: its FROM item and joins."""
    names = []
    from_ = select.args.get("from_")
    items = ([from_.this] if from_ is not None else []) + [j.this for j in select.args.get("joins") or []]
    for item in items:
        if item.alias_or_name:
            names.append(item.alias_or_name.lower())
    return names
