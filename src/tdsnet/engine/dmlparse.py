"""The clauses of INSERT, UPDATE, DELETE and MERGE, read from the statement's tokens.

sqlglot's T-SQL grammar misses much of what these statements allow (TOP, OUTPUT ... INTO,
INSERT ... EXEC, DEFAULT in VALUES, DELETE t FROM ..., MERGE's WHEN clauses), so the shape of
the statement is read here, clause by clause, and each piece (an expression list, a FROM
clause, a query) is handed to sqlglot later as a SELECT it does know.  A piece keeps its text
and the batch line it starts on, so errors in it are reported where they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import Token, TokenType

from . import errors
from .batch import Statement, upper


@dataclass(slots=True)
class Piece:
    text: str
    line: int


@dataclass(slots=True)
class Output:
    """OUTPUT items [INTO target [(columns)]]."""

    items: Piece
    into: Piece | None = None
    into_columns: list[str] | None = None


@dataclass(slots=True)
class Assignment:
    """One item of a SET list: column = value, @var = value, @var = column = value, column += value."""

    column: str | None  # the column written (None for @var = value)
    variable: str | None  # the variable assigned (lower case, without @)
    operator: str  # '' for =, or the compound operator (+, -, *, /, %, &, |, ^)
    value: Piece


@dataclass(slots=True)
class MergeClause:
    """WHEN [NOT] MATCHED [BY TARGET | BY SOURCE] [AND condition] THEN action."""

    match: str  # MATCHED, NOT MATCHED (by target) or BY SOURCE
    condition: Piece | None
    action: str  # UPDATE, DELETE or INSERT
    assignments: list[Assignment] = field(default_factory=list)
    columns: list[str] | None = None  # INSERT (columns)
    values: Piece | None = None  # INSERT VALUES (...): the items inside the parentheses
    default_values: bool = False


@dataclass(slots=True)
class DmlStatement:
    kind: str  # INSERT, UPDATE, DELETE or MERGE
    target: Piece
    cte: Piece | None = None  # WITH ... before the statement
    top: Piece | None = None
    percent: bool = False
    columns: list[str] | None = None  # INSERT's column list
    outputs: list[Output] = field(default_factory=list)
    source_kind: str = ""  # INSERT: VALUES, SELECT, EXEC or DEFAULT
    source: Piece | None = None  # INSERT's rows; MERGE's USING source (table or derived table with alias)
    assignments: list[Assignment] = field(default_factory=list)
    from_: Piece | None = None
    where: Piece | None = None
    on: Piece | None = None  # MERGE ... ON
    target_alias: str | None = None  # MERGE target AS alias
    clauses: list[MergeClause] = field(default_factory=list)
    terminated: bool = True


_NAME_STOPS = frozenset(
    {
        "SET",
        "WITH",
        "OUTPUT",
        "FROM",
        "WHERE",
        "VALUES",
        "SELECT",
        "DEFAULT",
        "EXEC",
        "EXECUTE",
        "USING",
        "AS",
        "ON",
        "OPTION",
        "WHEN",
        "INTO",
    }
)
_COMPOUND = frozenset("+-*/%&|^")


class Reader:
    def __init__(self, stmt: Statement) -> None:
        self.stmt = stmt
        self.tokens: list[Token] = stmt.tokens
        self.base = self.tokens[0].start if self.tokens else 0
        self.pos = 0

    # --- looking -------------------------------------------------------------------------------

    def word(self, offset: int = 0) -> str:
        index = self.pos + offset
        return upper(self.tokens[index]) if index < len(self.tokens) else ""

    def kind(self, offset: int = 0) -> TokenType | None:
        index = self.pos + offset
        return self.tokens[index].token_type if index < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def line(self) -> int:
        if self.at_end():
            return self.tokens[-1].line if self.tokens else self.stmt.line
        return self.tokens[self.pos].line

    def error(self) -> errors.SqlError:
        if self.at_end():
            return errors.syntax_error("", self.line())
        token = self.tokens[self.pos]
        if upper(token) in _NAME_STOPS or upper(token) in ("UPDATE", "DELETE", "INSERT", "THEN", "MATCHED"):
            return errors.keyword_syntax_error(token.text.lower(), token.line)
        return errors.syntax_error(token.text, token.line)

    # --- consuming -----------------------------------------------------------------------------

    def accept(self, *words: str) -> bool:
        if self.word() in words:
            self.pos += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.accept(word):
            raise self.error()

    def piece(self, start: int, end: int) -> Piece:
        if end <= start:
            raise self.error()
        first, last = self.tokens[start], self.tokens[end - 1]
        return Piece(self.stmt.text[first.start - self.base : last.end + 1 - self.base], first.line)

    def group(self) -> tuple[int, int]:
        """A parenthesized group at pos: the token range inside it; pos moves past it."""
        if self.kind() != TokenType.L_PAREN:
            raise self.error()
        start = self.pos + 1
        depth = 0
        while not self.at_end():
            kind = self.kind()
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return start, self.pos - 1
            self.pos += 1
        raise self.error()

    def until(self, stops: frozenset[str] | set[str], commas: bool = False) -> tuple[int, int]:
        """Tokens from pos up to a stop word (or a comma) at parenthesis and CASE depth 0."""
        start = self.pos
        depth = case = 0
        while not self.at_end():
            kind = self.kind()
            word = self.word()
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0:
                if word == "CASE":
                    case += 1
                elif word == "END" and case:
                    case -= 1
                elif case == 0 and (word in stops or (commas and kind == TokenType.COMMA)):
                    break
            self.pos += 1
        return start, self.pos

    def name(self) -> Piece:
        """A table name as written: [db.][schema.]name, #temp, ##global or @variable."""
        start = self.pos
        while True:
            while self.kind() in (TokenType.HASH, TokenType.PARAMETER):
                self.pos += 1
            if self.at_end() or self.kind() in (TokenType.L_PAREN, TokenType.COMMA, TokenType.SEMICOLON):
                raise self.error()
            if self.word() in _NAME_STOPS:
                raise self.error()
            self.pos += 1
            if self.kind() != TokenType.DOT:
                break
            while self.kind() == TokenType.DOT:
                self.pos += 1
        return self.piece(start, self.pos)

    def identifiers(self) -> list[str]:
        """(a, [b], c): a column list."""
        start, end = self.group()
        names = [t.text for t in self.tokens[start:end] if t.token_type != TokenType.COMMA]
        if not names:
            raise errors.syntax_error(")", self.line())
        return names

    def hints(self) -> None:
        """WITH (TABLOCK, ...) after a target: accepted and ignored, as locking is the store's."""
        if self.word() == "WITH" and self.kind(1) == TokenType.L_PAREN:
            self.pos += 1
            self.group()

    def top(self, statement: DmlStatement) -> None:
        if not self.accept("TOP"):
            return
        start, end = self.group()
        statement.top = self.piece(start, end)
        statement.percent = self.accept("PERCENT")


# --- entry point -----------------------------------------------------------------------------------


def parse(stmt: Statement) -> DmlStatement:
    reader = Reader(stmt)
    cte = None
    if reader.word() == "WITH":
        reader.pos += 1
        start, end = reader.until(frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"}))
        cte = reader.piece(start - 1, end)
    kind = reader.word()
    reader.pos += 1
    parser = {"INSERT": _insert, "UPDATE": _update, "DELETE": _delete, "MERGE": _merge}.get(kind)
    if parser is None:
        raise reader.error()
    statement = parser(reader)
    statement.cte = cte
    if not reader.at_end() and reader.word() == "OPTION":
        reader.pos += 1
        reader.group()
    if not reader.at_end():
        raise reader.error()
    return statement


def _outputs(reader: Reader, statement: DmlStatement, stops: frozenset[str]) -> None:
    while reader.accept("OUTPUT"):
        start, end = reader.until(stops | {"INTO", "OUTPUT"})
        output = Output(reader.piece(start, end))
        if reader.accept("INTO"):
            output.into = reader.name()
            if reader.kind() == TokenType.L_PAREN and reader.word(1) not in ("SELECT", "WITH"):
                output.into_columns = reader.identifiers()
        statement.outputs.append(output)


_INSERT_SOURCES = frozenset({"VALUES", "SELECT", "WITH", "EXEC", "EXECUTE", "DEFAULT"})


def _insert(reader: Reader) -> DmlStatement:
    statement = DmlStatement("INSERT", Piece("", 0))
    reader.top(statement)
    reader.accept("INTO")
    statement.target = reader.name()
    reader.hints()
    if reader.kind() == TokenType.L_PAREN and reader.word(1) not in ("SELECT", "WITH"):
        statement.columns = reader.identifiers()
    _outputs(reader, statement, _INSERT_SOURCES)
    word = reader.word()
    if word == "DEFAULT":
        reader.pos += 1
        reader.expect("VALUES")
        statement.source_kind = "DEFAULT"
        return statement
    if word in ("VALUES", "EXEC", "EXECUTE"):
        statement.source_kind = "VALUES" if word == "VALUES" else "EXEC"
    elif word in ("SELECT", "WITH") or reader.kind() == TokenType.L_PAREN:
        statement.source_kind = "SELECT"
    else:
        raise reader.error()
    start, end = reader.until(frozenset({"OPTION"}))
    statement.source = reader.piece(start, end)
    return statement


def _assignments(reader: Reader, stops: frozenset[str]) -> list[Assignment]:
    items = []
    while True:
        start, end = reader.until(stops, commas=True)
        items.append(_assignment(reader, start, end))
        if reader.kind() != TokenType.COMMA:
            return items
        reader.pos += 1


def _assignment(reader: Reader, start: int, end: int) -> Assignment:
    tokens = reader.tokens
    equals = [i for i in range(start, end) if tokens[i].token_type == TokenType.EQ]
    if not equals:
        raise errors.syntax_error(tokens[end - 1].text if end > start else "SET", reader.line())
    first = equals[0]
    left = tokens[start:first]
    operator = ""
    if left and left[-1].text in _COMPOUND:
        operator = left[-1].text
        left = left[:-1]
    if not left:
        raise errors.syntax_error("=", tokens[first].line)
    variable = column = None
    if left[0].token_type == TokenType.PARAMETER:
        variable = "".join(t.text for t in left[1:]).lower()
        second = equals[1] if len(equals) > 1 and not operator else None
        if second is not None and _is_column_name(tokens[first + 1 : second]):
            column = _column_name(tokens[first + 1 : second])
            first = second
    else:
        column = _column_name(left)
    return Assignment(column, variable, operator, reader.piece(first + 1, end))


def _is_column_name(tokens: list[Token]) -> bool:
    kinds = {TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT}
    return bool(tokens) and all(t.token_type in kinds or t.text.isidentifier() for t in tokens)


def _column_name(tokens: list[Token]) -> str:
    """t.col or col: the column's name (the qualifier is the target's)."""
    return tokens[-1].text


def _update(reader: Reader) -> DmlStatement:
    statement = DmlStatement("UPDATE", Piece("", 0))
    reader.top(statement)
    statement.target = reader.name()
    reader.hints()
    reader.expect("SET")
    statement.assignments = _assignments(reader, frozenset({"OUTPUT", "FROM", "WHERE", "OPTION"}))
    _outputs(reader, statement, frozenset({"FROM", "WHERE", "OPTION"}))
    _from_where(reader, statement)
    return statement


def _from_where(reader: Reader, statement: DmlStatement) -> None:
    if reader.accept("FROM"):
        start, end = reader.until(frozenset({"WHERE", "OPTION"}))
        statement.from_ = reader.piece(start, end)
    if reader.accept("WHERE"):
        start, end = reader.until(frozenset({"OPTION"}))
        statement.where = reader.piece(start, end)


def _delete(reader: Reader) -> DmlStatement:
    statement = DmlStatement("DELETE", Piece("", 0))
    reader.top(statement)
    reader.accept("FROM")
    statement.target = reader.name()
    reader.hints()
    _outputs(reader, statement, frozenset({"FROM", "WHERE", "OPTION"}))
    _from_where(reader, statement)
    return statement


_MERGE_CLAUSE_STOPS = frozenset({"WHEN", "OUTPUT", "OPTION"})


def _merge(reader: Reader) -> DmlStatement:
    statement = DmlStatement("MERGE", Piece("", 0), terminated=reader.stmt.terminated)
    reader.top(statement)
    reader.accept("INTO")
    statement.target = reader.name()
    reader.hints()
    reader.accept("AS")
    if reader.word() != "USING":
        statement.target_alias = reader.tokens[reader.pos].text if not reader.at_end() else None
        reader.pos += 1
    reader.expect("USING")
    start, end = reader.until(frozenset({"ON"}))
    statement.source = reader.piece(start, end)
    reader.expect("ON")
    start, end = reader.until(_MERGE_CLAUSE_STOPS)
    statement.on = reader.piece(start, end)
    while reader.accept("WHEN"):
        statement.clauses.append(_merge_clause(reader))
    if not statement.clauses:
        raise reader.error()
    _outputs(reader, statement, frozenset({"OPTION"}))
    return statement


def _merge_clause(reader: Reader) -> MergeClause:
    match = "MATCHED"
    if reader.accept("NOT"):
        reader.expect("MATCHED")
        match = "NOT MATCHED"
        if reader.accept("BY"):
            if reader.accept("SOURCE"):
                match = "BY SOURCE"
            else:
                reader.expect("TARGET")
    else:
        reader.expect("MATCHED")
    condition = None
    if reader.accept("AND"):
        start, end = reader.until(frozenset({"THEN"}))
        condition = reader.piece(start, end)
    reader.expect("THEN")
    action = reader.word()
    reader.pos += 1
    clause = MergeClause(match, condition, action)
    if action == "UPDATE" and match != "NOT MATCHED":
        reader.expect("SET")
        clause.assignments = _assignments(reader, _MERGE_CLAUSE_STOPS)
    elif action == "DELETE" and match != "NOT MATCHED":
        pass
    elif action == "INSERT" and match == "NOT MATCHED":
        if reader.kind() == TokenType.L_PAREN:
            clause.columns = reader.identifiers()
        if reader.accept("DEFAULT"):
            reader.expect("VALUES")
            clause.default_values = True
        else:
            reader.expect("VALUES")
            start, end = reader.group()
            clause.values = reader.piece(start, end)
    else:
        reader.pos -= 1
        raise reader.error()
    return clause
