"""A T-SQL batch: statement boundaries and control flow.

T-SQL does not need semicolons, so a statement ends where the next one starts:
at a statement keyword at parenthesis and CASE depth 0 that the current
statement does not absorb (INSERT ... SELECT, UPDATE ... SET, UNION SELECT,
ALTER TABLE ... ALTER COLUMN, GRANT SELECT ...).  Control flow (BEGIN...END,
IF/ELSE, WHILE, TRY/CATCH) becomes a small tree whose leaves are `Statement`s;
the statements' own text is parsed elsewhere (sqlglot, or the handler of a
server statement).  Tokens come from sqlglot's T-SQL tokenizer, so strings,
comments and [quoted identifiers] are handled once, correctly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlglot.dialects.tsql import TSQL
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from . import errors


class _Tokenizer(TSQL.Tokenizer):
    # sqlglot reads the rest of a statement after PRINT, GO, FETCH... as one string token
    # ("commands"); a batch needs every token to find where statements end.
    COMMANDS: set[TokenType] = set()


_TOKENIZER = _Tokenizer

STARTERS = frozenset(
    {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "CREATE",
        "ALTER",
        "DROP",
        "DECLARE",
        "SET",
        "IF",
        "WHILE",
        "BEGIN",
        "END",
        "ELSE",
        "EXEC",
        "EXECUTE",
        "PRINT",
        "RAISERROR",
        "RETURN",
        "USE",
        "WAITFOR",
        "GRANT",
        "DENY",
        "REVOKE",
        "TRUNCATE",
        "COMMIT",
        "ROLLBACK",
        "SAVE",
        "BREAK",
        "CONTINUE",
        "GOTO",
        "OPEN",
        "FETCH",
        "CLOSE",
        "DEALLOCATE",
        "KILL",
        "DBCC",
        "CHECKPOINT",
        "BACKUP",
        "RESTORE",
        "BULK",
        "RECONFIGURE",
        "REVERT",
        "SHUTDOWN",
        "READTEXT",
        "WRITETEXT",
        "UPDATETEXT",
        "SETUSER",
    }
)
SET_OPERATORS = frozenset({"UNION", "EXCEPT", "INTERSECT", "ALL"})
# DROP <kind> IF EXISTS: the IF belongs to the DROP.
OBJECT_KINDS = frozenset(
    {
        "TABLE",
        "VIEW",
        "PROCEDURE",
        "PROC",
        "FUNCTION",
        "INDEX",
        "DATABASE",
        "SCHEMA",
        "TRIGGER",
        "SEQUENCE",
        "TYPE",
        "USER",
        "ROLE",
        "LOGIN",
        "SYNONYM",
        "DEFAULT",
        "RULE",
        "ASSEMBLY",
    }
)
_INSERT_SOURCES = frozenset({"SELECT", "VALUES", "EXEC", "EXECUTE"})
# Statements whose body runs to the end of the batch.
WHOLE_BATCH = frozenset({"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "VIEW"})


@dataclass(slots=True)
class Statement:
    """A simple statement: its first keyword, its source text and where it starts."""

    keyword: str
    text: str
    line: int
    tokens: list[Token] = field(repr=False, default_factory=list)
    parsed: object = None  # what the executor's parser made of it, set on first use
    plans: dict = field(repr=False, default_factory=dict)  # compiled plans, by database
    terminated: bool = False  # a semicolon ends it (MERGE must have one)

    def word(self, index: int) -> str:
        """The upper-cased text of the statement's token at ``index`` ('' past the end)."""
        return self.tokens[index].text.upper() if index < len(self.tokens) else ""


@dataclass(slots=True)
class Block:
    statements: list[Node]
    line: int = 1


@dataclass(slots=True)
class If:
    condition: Statement  # text of the condition expression
    then: Node
    otherwise: Node | None
    line: int


@dataclass(slots=True)
class While:
    condition: Statement
    body: Node
    line: int


@dataclass(slots=True)
class TryCatch:
    body: Block
    handler: Block
    line: int


@dataclass(slots=True)
class Break:
    line: int


@dataclass(slots=True)
class Continue:
    line: int


@dataclass(slots=True)
class Label:
    name: str  # lower-cased: labels are case-insensitive
    line: int


@dataclass(slots=True)
class Goto:
    label: str
    line: int


Node = Statement | Block | If | While | TryCatch | Break | Continue | Label | Goto


def tokenize(text: str) -> list[Token]:
    try:
        return _TOKENIZER().tokenize(text)
    except TokenError as exc:
        raise _token_error(text, str(exc)) from None


def _token_error(text: str, detail: str) -> errors.SqlError:
    if "Missing" in detail or "Unterminated" in detail or "unterminated" in detail.lower():
        quote_at = max(text.rfind("'"), 0)
        fragment = text[quote_at : quote_at + 40]
        return errors.SqlError(105, 15, 1, f"Unclosed quotation mark after the character string '{fragment[1:]}'.")
    return errors.syntax_error(detail[:40])


_NOT_WORDS = frozenset(
    {
        TokenType.IDENTIFIER,
        TokenType.STRING,
        TokenType.NATIONAL_STRING,
        TokenType.HEX_STRING,
        TokenType.BIT_STRING,
        TokenType.BYTE_STRING,
        TokenType.RAW_STRING,
        TokenType.UNICODE_STRING,
    }
)


def _is_name(token: Token) -> bool:
    """A label's name: an identifier, or a word sqlglot reads as a keyword (inner, left...)."""
    return token.token_type == TokenType.IDENTIFIER or (
        token.token_type not in _NOT_WORDS and token.text.replace("_", "a").isalnum() and not token.text[0].isdigit()
    )


def upper(token: Token) -> str:
    """A keyword-like token's text in upper case; '' for [quoted] names and strings."""
    return token.text.upper() if token.token_type not in _NOT_WORDS else ""


def parse(text: str) -> Block:
    """Parse a batch into its control-flow tree; raises SqlError on structural errors."""
    tokens = tokenize(text)
    parser = _Parser(text, tokens)
    block = parser.block(until=())
    if parser.pos < len(tokens):
        raise _unexpected(tokens[parser.pos])
    _check_labels(block)
    return block


def _check_labels(block: Block) -> None:
    """A label is declared once per batch and every GOTO names one (errors 132 and 133)."""
    labels: set[str] = set()
    gotos: list[Goto] = []
    for node in walk(block):
        if isinstance(node, Label):
            if node.name in labels:
                raise errors.SqlError(
                    132,
                    15,
                    1,
                    f"The label '{node.name}' has already been declared. Label names must be unique within a "
                    "query batch or stored procedure.",
                    node.line,
                )
            labels.add(node.name)
        elif isinstance(node, Goto):
            gotos.append(node)
    for goto in gotos:
        if goto.label not in labels:
            raise errors.SqlError(
                133,
                15,
                1,
                f"A GOTO statement references the label '{goto.label}' but the label has not been declared.",
                goto.line,
            )


def jump_target(block: Block, label: str) -> tuple[int, Block | None] | None:
    """Where a GOTO to ``label`` resumes in this block: (index of the label, None) when the label is
    one of its statements, (index of a nested BEGIN...END block holding it, that block), or None."""
    for index, node in enumerate(block.statements):
        if isinstance(node, Label) and node.name == label:
            return index, None
        if isinstance(node, Block) and jump_target(node, label) is not None:
            return index, node
    return None


def walk(node: Node) -> Iterator[Node]:
    """Every node of a batch tree, parents before children."""
    yield node
    if isinstance(node, Block):
        for child in node.statements:
            yield from walk(child)
    elif isinstance(node, If):
        yield from walk(node.then)
        if node.otherwise is not None:
            yield from walk(node.otherwise)
    elif isinstance(node, While):
        yield from walk(node.body)
    elif isinstance(node, TryCatch):
        yield from walk(node.body)
        yield from walk(node.handler)


def statements(node: Node, conditions: bool = False) -> Iterator[Statement]:
    """The statements of a batch tree in order; with ``conditions``, IF's and WHILE's conditions too."""
    for each in walk(node):
        if isinstance(each, Statement):
            yield each
        elif conditions and isinstance(each, If | While):
            yield each.condition


def _unexpected(token: Token) -> errors.SqlError:
    word = token.text
    if upper(token) in STARTERS or upper(token) in ("ELSE", "END", "CATCH", "TRY"):
        return errors.keyword_syntax_error(word, token.line)
    return errors.syntax_error(word, token.line)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    # --- helpers --------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return upper(token) if token is not None else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def skip_semicolons(self) -> None:
        while not self.at_end() and self.tokens[self.pos].token_type == TokenType.SEMICOLON:
            self.pos += 1

    def expect(self, word: str) -> Token:
        token = self.peek()
        if token is None:
            raise errors.syntax_error("", self.tokens[-1].line if self.tokens else 1)
        if upper(token) != word:
            raise _unexpected(token)
        self.pos += 1
        return token

    # --- grammar --------------------------------------------------------------------------

    def block(self, until: tuple[str, ...]) -> Block:
        line = self.peek().line if self.peek() else 1
        nodes: list[Node] = []
        while True:
            self.skip_semicolons()
            if self.at_end():
                break
            if self.word() in until:
                break
            nodes.append(self.node())
        return Block(nodes, line)

    def node(self) -> Node:
        token = self.peek()
        assert token is not None
        word = upper(token)
        if word == "BEGIN":
            follower = self.word(1)
            if follower == "TRY":
                return self.try_catch()
            if follower not in ("TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"):
                return self.begin_end()
        if word == "IF":
            return self.if_()
        if word == "WHILE":
            return self.while_()
        if word == "BREAK":
            self.pos += 1
            return Break(token.line)
        if word == "CONTINUE":
            self.pos += 1
            return Continue(token.line)
        if word == "GOTO":
            return self.goto()
        if self._at_label():
            self.pos += 2
            return Label(token.text.lower(), token.line)
        if word in ("END", "ELSE"):
            raise _unexpected(token)
        return self.statement()

    def goto(self) -> Goto:
        line = self.expect("GOTO").line
        target = self.peek()
        if target is None or not _is_name(target):
            raise errors.syntax_error(target.text if target else "", target.line if target else line)
        self.pos += 1
        return Goto(target.text.lower(), line)

    def _at_label(self) -> bool:
        """``name:`` at the start of a statement declares a GOTO label."""
        token, after = self.peek(), self.peek(1)
        return (
            token is not None
            and after is not None
            and after.token_type == TokenType.COLON
            and _is_name(token)
            and upper(token) not in STARTERS
        )

    def begin_end(self) -> Block:
        self.expect("BEGIN")
        body = self.block(until=("END",))
        self.expect("END")
        return body

    def try_catch(self) -> TryCatch:
        line = self.peek().line
        self.expect("BEGIN")
        self.expect("TRY")
        body = self.block(until=("END",))
        self.expect("END")
        self.expect("TRY")
        self.skip_semicolons()
        self.expect("BEGIN")
        self.expect("CATCH")
        handler = self.block(until=("END",))
        self.expect("END")
        self.expect("CATCH")
        return TryCatch(body, handler, line)

    def if_(self) -> If:
        line = self.expect("IF").line
        condition = self.condition()
        self.skip_semicolons()
        if self.at_end():
            raise errors.syntax_error("", line)
        then = self.node()
        otherwise = None
        save = self.pos
        self.skip_semicolons()
        if self.word() == "ELSE":
            self.pos += 1
            self.skip_semicolons()
            otherwise = self.node()
        else:
            self.pos = save
        return If(condition, then, otherwise, line)

    def while_(self) -> While:
        line = self.expect("WHILE").line
        condition = self.condition()
        self.skip_semicolons()
        return While(condition, self.node(), line)

    def condition(self) -> Statement:
        """Tokens up to the first statement keyword at depth 0: the IF/WHILE condition."""
        start = self.pos
        depth = 0
        while not self.at_end():
            token = self.tokens[self.pos]
            kind = token.token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and upper(token) in STARTERS and self.pos > start:
                break
            self.pos += 1
        if self.pos == start:
            token = self.peek()
            raise errors.syntax_error(token.text if token else "", token.line if token else 1)
        return self._statement_from(start, self.pos, "CONDITION")

    def statement(self) -> Statement:
        start = self.pos
        first = self.tokens[start]
        keyword = upper(first) or first.text.upper()
        if keyword == "WITH" or first.token_type == TokenType.L_PAREN:
            keyword = "SELECT" if first.token_type == TokenType.L_PAREN else "WITH"
        self.pos += 1
        if keyword in ("CREATE", "ALTER") and self._creates_module():
            self.pos = len(self.tokens)
            return self._statement_from(start, self.pos, keyword)
        state = _Absorb(keyword)
        depth = 0
        while not self.at_end():
            token = self.tokens[self.pos]
            kind = token.token_type
            if kind == TokenType.SEMICOLON and depth == 0:
                break
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth = max(depth - 1, 0)
            elif depth == 0:
                word = upper(token)
                if word == "CASE":
                    self._skip_case()
                    continue
                if self._is_boundary(word, state) or self._at_label():
                    break
                state.see(word)
            self.pos += 1
        return self._statement_from(start, self.pos, keyword)

    def _skip_case(self) -> None:
        """Step over CASE ... END, which may nest."""
        nesting = 0
        while not self.at_end():
            word = upper(self.tokens[self.pos])
            if word == "CASE":
                nesting += 1
            elif word == "END":
                nesting -= 1
                if nesting == 0:
                    self.pos += 1
                    return
            self.pos += 1

    def _creates_module(self) -> bool:
        index = self.pos
        if self.word(0) == "OR" and self.word(1) == "ALTER":
            index += 2
        token = self.tokens[index] if index < len(self.tokens) else None
        return token is not None and upper(token) in WHOLE_BATCH

    def _is_boundary(self, word: str, state: _Absorb) -> bool:
        if word == "WITH":
            return self._starts_cte() and not state.absorbs("WITH", self.word(1))
        if word == "THROW":
            previous = self.tokens[self.pos - 1]
            return previous.token_type == TokenType.SEMICOLON
        if word in ("ENABLE", "DISABLE"):  # ENABLE TRIGGER, but not ALTER TABLE t ENABLE TRIGGER
            return self.word(1) == "TRIGGER" and not (state.main == "ALTER" and "TABLE" in state.seen)
        if word not in STARTERS:
            return False
        return not state.absorbs(word, self.word(1))

    def _starts_cte(self) -> bool:
        name, after = self.peek(1), self.peek(2)
        if name is None or after is None:
            return False
        if name.token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
            return False
        return upper(after) == "AS" or after.token_type == TokenType.L_PAREN

    def _statement_from(self, start: int, end: int, keyword: str) -> Statement:
        tokens = self.tokens[start:end]
        if not tokens:
            token = self.peek()
            raise errors.syntax_error(token.text if token else "", token.line if token else 1)
        text = self.text[tokens[0].start : tokens[-1].end + 1]
        terminated = end < len(self.tokens) and self.tokens[end].token_type == TokenType.SEMICOLON
        return Statement(keyword, text, tokens[0].line, tokens, terminated=terminated)


class _Absorb:
    """Which statement keywords the current statement takes in as its own."""

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword
        self.previous = keyword
        self.seen: set[str] = {keyword}
        self.main = "" if keyword == "WITH" else keyword

    def see(self, word: str) -> None:
        if word:
            self.previous = word
            self.seen.add(word)

    def absorbs(self, word: str, following: str) -> bool:
        previous, main, seen = self.previous, self.main, self.seen
        if word == "SELECT" and previous == "ALL" and main == "ALTER" and "TRIGGER" in seen:
            return False  # ALTER TABLE t ENABLE TRIGGER ALL, then a SELECT
        if word == "SELECT" and previous in SET_OPERATORS:
            return True
        if word == "IF" and main == "DROP" and previous in OBJECT_KINDS and following == "EXISTS":
            return True
        if self.keyword == "WITH" and not main and word in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"):
            self.main = word
            return True
        if main == "INSERT" and word in ("SELECT", "EXEC", "EXECUTE", "WITH") and not seen & _INSERT_SOURCES:
            return True
        if main == "INSERT" and word == "BULK" and previous == "INSERT":
            return True  # INSERT BULK, the bulk load's announcement (not BULK INSERT)
        if main == "UPDATE" and word == "SET" and "SET" not in seen:
            return True
        if main == "MERGE":
            return True  # MERGE must end with a semicolon
        if main in ("DECLARE", "SET") and word in ("SELECT", "UPDATE") and previous == "FOR":
            return True  # DECLARE c CURSOR FOR SELECT ... FOR UPDATE, SET @c = CURSOR FOR SELECT
        if word == "FETCH" and previous in ("ROW", "ROWS"):
            return True  # OFFSET n ROWS FETCH NEXT m ROWS ONLY
        if main in ("GRANT", "DENY", "REVOKE"):
            return "TO" not in seen and "FROM" not in seen
        if main == "ALTER":
            return self._alter_absorbs(word, following)
        return main == "CREATE" and word == "SELECT" and previous == "AS"

    def _alter_absorbs(self, word: str, following: str) -> bool:
        target = next((w for w in ("TABLE", "DATABASE", "INDEX", "LOGIN", "USER") if w in self.seen), "")
        if target == "TABLE":
            if word == "ALTER" and following == "COLUMN":
                return True
            if word == "DROP" and following not in OBJECT_KINDS - {"INDEX"} and following not in STARTERS:
                return True  # DROP [CONSTRAINT] name: a DROP of another object starts a statement
            if word == "IF" and following == "EXISTS":  # DROP COLUMN IF EXISTS c
                return True
            if self.previous in ("ON", "DELETE", "UPDATE") and word in ("DELETE", "UPDATE", "SET"):
                return True  # REFERENCES t ON DELETE SET NULL ON UPDATE CASCADE
            return word == "SET" and following == "("
        if target in ("DATABASE", "INDEX"):
            return word == "SET"
        return False
