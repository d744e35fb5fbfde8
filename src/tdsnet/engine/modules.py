"""Stored procedures and user-defined functions: their headers, parameters and bodies.

    CREATE [OR ALTER] PROC[EDURE] [schema.]name [(] @p type [= default] [OUTPUT] [READONLY], ... [)]
        [WITH options] AS body
    CREATE [OR ALTER] FUNCTION [schema.]name (@p type [= default], ...)
        RETURNS type | RETURNS TABLE [WITH options] AS body

Headers are read over the T-SQL tokenizer; the body is kept as text (with the line it starts
on, so errors inside a procedure report its own line numbers) and parsed as a batch at CREATE
time, as SQL Server checks syntax then and resolves names only when the module runs.
Parameter lists use the same reader as sp_executesql's definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlglot.tokens import Token, TokenType

from ..sqltypes import SqlType, TypeError_, parse_type
from . import batch, errors

PROCEDURE, SCALAR_FUNCTION, INLINE_FUNCTION, TABLE_FUNCTION = "P", "FN", "IF", "TF"
MAX_NESTING = 32


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # without the @, as written
    type: SqlType
    output: bool = False
    default: str | None = None  # T-SQL text of the default value
    readonly: bool = False

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    """What CREATE PROCEDURE/FUNCTION says, before it is stored."""

    kind: str  # P, FN or IF
    schema: str | None
    name: str
    database: str | None  # a database prefix, which CREATE does not allow
    parameters: tuple[Parameter, ...]
    returns: SqlType | None
    body: str
    body_line: int
    definition: str
    alter: bool
    create_or_alter: bool
    returns_table: str | None = None  # a multi-statement table-valued function's "@t TABLE (...)"


def parse_parameters(tokens: list[Token], text: str) -> tuple[Parameter, ...]:
    """'@a int, @b nvarchar(10) = N'x' OUTPUT' (as sp_executesql and module headers write them)."""
    params: list[Parameter] = []
    for part in _split_commas(tokens):
        if not part:
            continue
        params.append(_parameter(part, text))
    seen: set[str] = set()
    for param in params:
        if param.key in seen:
            raise errors.SqlError(
                134,
                15,
                1,
                f'The variable name "@{param.name}" has already been declared. Variable names must be '
                "unique within a query batch or stored procedure.",
            )
        seen.add(param.key)
    return tuple(params)


def parse_definition_text(definitions: str) -> tuple[Parameter, ...]:
    if not definitions.strip():
        return ()
    return parse_parameters(batch.tokenize(definitions), definitions)


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif kind == TokenType.COMMA and depth == 0:
            parts.append([])
            continue
        parts[-1].append(token)
    return parts


def _parameter(tokens: list[Token], text: str) -> Parameter:
    if len(tokens) < 3 or tokens[0].token_type != TokenType.PARAMETER:
        raise errors.syntax_error(tokens[0].text if tokens else "", tokens[0].line if tokens else 1)
    name = tokens[1].text
    rest = tokens[2:]
    if rest and rest[0].text.upper() == "AS":
        rest = rest[1:]
    flags = set()
    while rest and rest[-1].text.upper() in ("OUTPUT", "OUT", "READONLY"):
        flags.add(rest.pop().text.upper())
    default = None
    equals = next((i for i, t in enumerate(rest) if t.token_type == TokenType.EQ), None)
    if equals is not None:
        default = _slice(text, rest[equals + 1 :])
        rest = rest[:equals]
    type_text = _slice(text, rest)
    if type_text.upper().split()[:1] == ["CURSOR"]:
        raise errors.not_supported("CURSOR parameters")
    try:
        declared = parse_type(type_text)
    except TypeError_ as exc:
        raise errors.SqlError(2715, 16, 3, str(exc)) from None
    return Parameter(name, declared, bool(flags & {"OUTPUT", "OUT"}), default, "READONLY" in flags)


def _slice(text: str, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    return text[tokens[0].start : tokens[-1].end + 1]


def parse_module(text: str, line: int = 1) -> ModuleSpec:
    """Read CREATE/ALTER PROCEDURE or FUNCTION text (a whole batch)."""
    tokens = batch.tokenize(text)
    pos = 0

    def word(at: int) -> str:
        return tokens[at].text.upper() if at < len(tokens) else ""

    alter = word(0) == "ALTER"
    create_or_alter = word(0) == "CREATE" and word(1) == "OR" and word(2) == "ALTER"
    pos = 3 if create_or_alter else 1
    kind_word = word(pos)
    kind = PROCEDURE if kind_word in ("PROC", "PROCEDURE") else SCALAR_FUNCTION
    pos += 1
    names = [tokens[pos].text]
    pos += 1
    while word(pos) == "." and pos + 1 < len(tokens):
        names.append(tokens[pos + 1].text)
        pos += 2
    schema = names[-2] if len(names) > 1 else None
    name = names[-1]
    as_at = _find_as(tokens, pos)
    header = tokens[pos:as_at]
    returns = None
    returns_table = None
    if kind == PROCEDURE:
        if header and header[0].token_type == TokenType.L_PAREN and header[-1].token_type == TokenType.R_PAREN:
            header = header[1:-1]
        header = _strip_options(header)
        parameters = parse_parameters(header, text)
    else:
        close = _matching_paren(header)
        parameters = parse_parameters(header[1:close], text)
        rest = header[close + 1 :]
        if not rest or rest[0].text.upper() != "RETURNS":
            raise errors.syntax_error(rest[0].text if rest else "AS", line)
        returns_tokens = _strip_options(rest[1:])
        returns_text = _slice(text, returns_tokens)
        if returns_text.upper() == "TABLE":
            kind = INLINE_FUNCTION
        elif returns_tokens and returns_tokens[0].token_type == TokenType.PARAMETER:
            kind, returns_table = TABLE_FUNCTION, returns_text
        else:
            returns = _declared(returns_text)
    body_tokens = tokens[as_at + 1 :]
    if not body_tokens:
        raise errors.syntax_error("", tokens[-1].line)
    body = text[body_tokens[0].start :]
    body_line = line + body_tokens[0].line - 1
    batch.parse(body)  # syntax errors are reported at CREATE time
    database = names[-3] if len(names) > 2 else None
    return ModuleSpec(
        kind,
        schema,
        name,
        database,
        parameters,
        returns,
        body,
        body_line,
        text.strip(),
        alter,
        create_or_alter,
        returns_table,
    )


def _declared(text: str) -> SqlType:
    try:
        return parse_type(text)
    except TypeError_ as exc:
        raise errors.SqlError(2715, 16, 3, str(exc)) from None


def _find_as(tokens: list[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        kind = tokens[index].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tokens[index].text.upper() == "AS" and not _is_parameter_as(tokens, index):
            return index
    raise errors.syntax_error(tokens[-1].text if tokens else "", tokens[-1].line if tokens else 1)


def _is_parameter_as(tokens: list[Token], index: int) -> bool:
    """'@p AS int' in a parameter list is not the AS that starts the body."""
    return index >= 2 and tokens[index - 2].token_type == TokenType.PARAMETER


def _matching_paren(tokens: list[Token]) -> int:
    if not tokens or tokens[0].token_type != TokenType.L_PAREN:
        raise errors.syntax_error(tokens[0].text if tokens else "", tokens[0].line if tokens else 1)
    depth = 0
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return index
    raise errors.syntax_error("", tokens[-1].line)


def _strip_options(tokens: list[Token]) -> list[Token]:
    """Drop WITH RECOMPILE / ENCRYPTION / EXECUTE AS ... / SCHEMABINDING and FOR REPLICATION."""
    for index, token in enumerate(tokens):
        if token.text.upper() in ("WITH", "FOR") and (index == 0 or tokens[index - 1].token_type != TokenType.EQ):
            return tokens[:index]
    return tokens


def inline_return(body: str) -> str | None:
    """The expression of a scalar function whose body is just RETURN <expr> (inlinable)."""
    block = batch.parse(body)
    nodes = block.statements
    while len(nodes) == 1 and isinstance(nodes[0], batch.Block):
        nodes = nodes[0].statements
    if len(nodes) != 1 or not isinstance(nodes[0], batch.Statement) or nodes[0].keyword != "RETURN":
        return None
    statement = nodes[0]
    if len(statement.tokens) < 2:
        return None
    return statement.text[statement.tokens[1].start - statement.tokens[0].start :]


def inline_select(body: str) -> str:
    """The SELECT of an inline table-valued function: RETURN [(] SELECT ... [)]."""
    text = body.strip().rstrip(";")
    if not text.upper().startswith("RETURN"):
        raise errors.syntax_error(text.split()[0] if text else "", 1)
    query = text[len("RETURN") :].strip()
    while query.startswith("(") and query.endswith(")"):
        query = query[1:-1].strip()
    return query


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """What CREATE/ALTER VIEW says: its name, the optional column list and the SELECT."""

    schema: str | None
    name: str
    database: str | None
    columns: tuple[str, ...] | None
    select: str
    definition: str
    alter: bool
    create_or_alter: bool


def is_view(text: str) -> bool:
    words = [t.text.upper() for t in batch.tokenize(text)[:4]]
    return "VIEW" in words[1:4]


def parse_view(text: str, line: int = 1) -> ViewSpec:
    """Read CREATE [OR ALTER] | ALTER VIEW [schema.]name [(columns)] [WITH options] AS select [WITH CHECK OPTION]."""
    tokens = batch.tokenize(text)
    alter = tokens[0].text.upper() == "ALTER"
    create_or_alter = len(tokens) > 2 and tokens[1].text.upper() == "OR"
    pos = 4 if create_or_alter else 2
    names = [tokens[pos].text]
    pos += 1
    while pos + 1 < len(tokens) and tokens[pos].text == ".":
        names.append(tokens[pos + 1].text)
        pos += 2
    as_at = _find_as(tokens, pos)
    header = _strip_options(tokens[pos:as_at])
    columns = None
    if header:
        close = _matching_paren(header)
        columns = tuple(_slice(text, part).strip('[]"') for part in _split_commas(header[1:close]))
    body = tokens[as_at + 1 :]
    while body and body[-1].text == ";":
        body = body[:-1]
    if not body:
        raise errors.syntax_error("", tokens[-1].line + line - 1)
    if len(body) > 3 and [t.text.upper() for t in body[-3:]] == ["WITH", "CHECK", "OPTION"]:
        body = body[:-3]
    select = _slice(text, body).rstrip().rstrip(";")
    return ViewSpec(
        names[-2] if len(names) > 1 else None,
        names[-1],
        names[-3] if len(names) > 2 else None,
        columns,
        select,
        text.strip(),
        alter,
        create_or_alter,
    )


@lru_cache(maxsize=256)
def view_parts(definition: str) -> tuple[str, tuple[str, ...] | None]:
    """A stored view definition's SELECT and declared column names."""
    spec = parse_view(definition)
    return spec.select, spec.columns
