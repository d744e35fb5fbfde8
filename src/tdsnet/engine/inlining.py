"""User functions and views, inlined into the query that uses them.

A scalar function whose body is ``RETURN <expression>`` becomes that expression, its
parameters replaced by the (converted) arguments and the result converted to the declared
return type: what SQL Server 2019 calls scalar UDF inlining.  An inline table-valued function
and a view become derived tables.  Inlining happens before names are bound, so the inlined
SELECT is resolved and typed like any other part of the query.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from sqlglot import exp

from ..sqltypes import SqlType
from . import errors, modules, udf
from .catalog import ModuleDef
from .dialect import parse_one


class ModuleResolver(Protocol):
    def module(self, database: str | None, schema: str | None, name: str) -> ModuleDef | None: ...


@lru_cache(maxsize=256)
def _datatype(type_text: str) -> exp.DataType:
    cast = parse_one(f"SELECT CAST(NULL AS {type_text})").expressions[0]
    return cast.to


def converted(node: exp.Expression, declared: SqlType) -> exp.Cast:
    return exp.Cast(this=node, to=_datatype(str(declared)).copy())


def bind(spec: modules.ModuleSpec, args: list[exp.Expression]) -> dict[str, exp.Expression]:
    """Argument expressions for a function's parameters (positional; DEFAULT takes the default)."""
    if len(args) > len(spec.parameters):
        raise errors.SqlError(
            8144, 16, 2, f"Procedure or function {spec.name} has too many arguments specified.", aborts_batch=True
        )
    bound: dict[str, exp.Expression] = {}
    for index, param in enumerate(spec.parameters):
        arg = args[index] if index < len(args) else None
        if arg is None or _is_default(arg):
            if arg is None or param.default is None:
                raise errors.SqlError(
                    313,
                    16,
                    3,
                    "An insufficient number of arguments were supplied for the procedure or function "
                    f"{spec.schema + '.' if spec.schema else ''}{spec.name}.",
                    aborts_batch=True,
                )
            arg = parse_one(f"SELECT {param.default}").expressions[0]
        bound[param.key] = converted(arg.copy(), param.type)
    return bound


def _is_default(arg: exp.Expression) -> bool:
    """The DEFAULT keyword as an argument (parsed as a bare name)."""
    return (
        isinstance(arg, exp.Var | exp.Column)
        and not arg.args.get("table")
        and arg.name.upper() == "DEFAULT"
        and not (isinstance(arg.this, exp.Identifier) and arg.this.quoted)
    )


def _substitute(tree: exp.Expression, bound: dict[str, exp.Expression]) -> exp.Expression:
    for parameter in list(tree.find_all(exp.Parameter)):
        if isinstance(parameter.this, exp.Parameter) or isinstance(parameter.parent, exp.Parameter):
            continue
        replacement = bound.get(parameter.name.lower())
        if replacement is not None:
            if parameter is tree:
                return replacement.copy()
            parameter.replace(replacement.copy())
    return tree


def inline_scalar_calls(tree: exp.Expression, resolver: ModuleResolver, depth: int = 0) -> exp.Expression:
    """Replace schema.function(args) calls with their inlined expressions."""
    for dot in list(tree.find_all(exp.Dot)):
        call = dot.expression
        if not isinstance(call, exp.Anonymous) or not isinstance(dot.this, exp.Identifier):
            continue
        module = resolver.module(None, dot.this.name, str(call.this))
        if module is None or module.kind != modules.SCALAR_FUNCTION:
            raise errors.SqlError(
                4121,
                16,
                1,
                f'Cannot find either column "{dot.this.name}" or the user-defined function or aggregate '
                f'"{dot.this.name}.{call.this}", or the name is ambiguous.',
                aborts_batch=True,
            )
        if depth >= modules.MAX_NESTING:
            raise errors.nesting_exceeded()
        spec = module.spec
        body = modules.inline_return(spec.body)
        if body is None:  # BEGIN ... END with more than RETURN: the interpreter runs it per row
            database = getattr(getattr(resolver, "ctx", None), "database", "")
            replacement = udf.call_node(module, database, bind(spec, list(call.expressions)))
        else:
            expression = parse_one(f"SELECT {body}").expressions[0]
            expression = inline_scalar_calls(expression, resolver, depth + 1)
            expression = _substitute(expression, bind(spec, list(call.expressions)))
            replacement = converted(expression, spec.returns) if spec.returns else expression
        if dot is tree:
            return replacement
        dot.replace(replacement)
    return tree


def inline_function_table(table: exp.Table, module: ModuleDef) -> exp.Subquery:
    """FROM schema.f(args) [AS x] for an inline table-valued function."""
    spec = module.spec
    call = table.this
    select = parse_one(modules.inline_select(spec.body))
    select = _substitute(select, bind(spec, list(call.expressions)))
    alias = table.alias or str(call.this)
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def inline_view(table: exp.Table, definition: str, column_names: list[str]) -> exp.Subquery:
    """FROM view [AS x]: the view's SELECT as a derived table, its columns named as the view's."""
    select = parse_one(modules.view_parts(definition)[0])
    alias = exp.TableAlias(
        this=exp.to_identifier(table.alias or table.name),
        columns=[exp.to_identifier(c) for c in column_names],
    )
    return exp.Subquery(this=select, alias=alias)
