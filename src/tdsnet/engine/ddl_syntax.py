"""A cursor over a statement's tokens, for the DDL sqlglot does not model (ALTER TABLE's many forms,
CREATE/ALTER SEQUENCE, CREATE/ALTER/DROP SCHEMA): these statements are read word by word here, and the
pieces with an expression grammar (column definitions, constraints, defaults) go to sqlglot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from . import errors
from .batch import Statement, tokenize
from .catalog import IndexColumn

_NAME_TYPES = (TokenType.VAR, TokenType.IDENTIFIER)


class Tokens:
    def __init__(self, stmt: Statement, start: int = 0) -> None:
        self.stmt = stmt
        self.tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
        self.pos = start

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def token(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self, offset: int = 0) -> str:
        """The upper-cased text of a token that is not a quoted identifier ('' past the end)."""
        token = self.token(offset)
        if token is None or token.token_type == TokenType.IDENTIFIER:
            return ""
        return token.text.upper()

    def accept(self, *words: str) -> bool:
        """Step over ``words`` when they come next."""
        if all(self.word(i) == w for i, w in enumerate(words)):
            self.pos += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error()

    def error(self) -> errors.SqlError:
        token = self.token()
        if token is None:
            return errors.syntax_error("", self.stmt.line)
        if token.text.upper() in _KEYWORDS:
            return errors.keyword_syntax_error(token.text.lower(), token.line)
        return errors.syntax_error(token.text, token.line)

    def name(self) -> str:
        """An identifier (keywords that are not reserved serve as names too)."""
        token = self.token()
        if token is None or token.token_type in (TokenType.COMMA, TokenType.L_PAREN, TokenType.R_PAREN):
            raise self.error()
        if token.token_type not in _NAME_TYPES and token.text.upper() in _KEYWORDS:
            raise self.error()
        self.pos += 1
        if token.token_type == TokenType.HASH:  # #temp and ##global: the tokenizer splits off the hashes
            following = self.token()
            if following is not None and following.start == token.end + 1:
                return token.text + self.name()
        return token.text

    def qualified(self) -> list[str]:
        """a, a.b, a.b.c or a..c, as its parts (an omitted part is '')."""
        parts = [self.name()]
        while self.token() is not None and self.token().token_type == TokenType.DOT:  # type: ignore[union-attr]
            self.pos += 1
            if self.token() is not None and self.token().token_type == TokenType.DOT:  # type: ignore[union-attr]
                parts.append("")
                continue
            parts.append(self.name())
        return parts

    def number(self) -> Decimal:
        """A signed numeric literal."""
        sign = -1 if self.accept("-") else 1
        if sign == 1:
            self.accept("+")
        token = self.token()
        if token is None or token.token_type != TokenType.NUMBER:
            raise self.error()
        self.pos += 1
        return sign * Decimal(token.text)

    def rest(self) -> str:
        """The statement's text from the current token on."""
        token = self.token()
        if token is None:
            return ""
        base = self.stmt.tokens[0].start
        return self.stmt.text[token.start - base :].rstrip().rstrip(";")

    def text_between(self, start: int, end: int) -> str:
        """The text of tokens ``start`` up to (not including) ``end``."""
        if start >= end:
            return ""
        base = self.stmt.tokens[0].start
        first, last = self.tokens[start], self.tokens[end - 1]
        return self.stmt.text[first.start - base : last.end - base + 1]

    def skip_parenthesized(self) -> None:
        """Step over ( ... ), nested parentheses included."""
        depth = 0
        while not self.at_end():
            kind = self.tokens[self.pos].token_type
            self.pos += 1
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return
        raise self.error()

    def split_top_level(self) -> list[tuple[int, int]]:
        """The rest of the statement as comma-separated items at parenthesis depth 0: (start, end) indexes."""
        items, depth, start = [], 0, self.pos
        for index in range(self.pos, len(self.tokens)):
            kind = self.tokens[index].token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
            elif kind == TokenType.COMMA and depth == 0:
                items.append((start, index))
                start = index + 1
        items.append((start, len(self.tokens)))
        self.pos = len(self.tokens)
        return items


# --- keys in CREATE TABLE's text ------------------------------------------------------------


@dataclass(slots=True)
class KeyText:
    """What CREATE TABLE's text says about its keys, read before sqlglot sees it (it takes CLUSTERED and
    NONCLUSTERED, and DESC in a UNIQUE key, only in some of the places T-SQL allows them)."""

    text: str  # the statement without the table-level keys and with no CLUSTERED after a column's key
    clustering: list[bool | None]  # column-level keys in text order: CLUSTERED, NONCLUSTERED or neither
    keys: list[tuple[str, str, list[IndexColumn], bool | None, int]]  # table-level: name, PK/UQ, key, clustered,
    # fill factor


def read_keys(text: str) -> KeyText:
    """Take the table-level PRIMARY KEY and UNIQUE constraints out of the column list (the first
    parenthesis) and the clustering words out of column-level ones."""
    tokens = tokenize(text)
    result = KeyText(text, [], [])
    cuts: list[tuple[int, int]] = []
    depth, item_start, closed = 0, -1, False
    for index, token in enumerate(tokens):
        kind = token.token_type
        if kind in (TokenType.L_PAREN, TokenType.R_PAREN):
            depth += 1 if kind == TokenType.L_PAREN else -1
            closed = closed or (depth == 0 and kind == TokenType.R_PAREN)
            if depth == 1 and kind == TokenType.L_PAREN and not closed:
                item_start = index + 1
            continue
        if depth == 1 and kind == TokenType.COMMA:
            item_start = index + 1
            continue
        if depth != 1 or index != item_start or closed:
            continue
        found = _table_key(tokens, index)
        if found is None:
            continue
        end, key = found
        result.keys.append(key)
        before = tokens[index - 1]
        start = before.start if before.token_type == TokenType.COMMA else token.start
        stop = tokens[end - 1].end + 1
        if start == token.start and tokens[end].token_type == TokenType.COMMA:
            stop = tokens[end].end + 1
        cuts.append((start, stop))
    for index, token in enumerate(tokens):
        if token.text.upper() not in ("PRIMARY KEY", "UNIQUE") or any(a <= token.start < b for a, b in cuts):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after = following.text.upper() if following is not None else ""
        if following is not None and after in ("CLUSTERED", "NONCLUSTERED"):
            result.clustering.append(after == "CLUSTERED")
            cuts.append((following.start, following.end + 1))
        else:
            result.clustering.append(None)
    for start, stop in sorted(cuts, reverse=True):
        text = text[:start] + " " * (stop - start) + text[stop:]
    result.text = text
    return result


def _table_key(
    tokens: list[Any], index: int
) -> tuple[int, tuple[str, str, list[IndexColumn], bool | None, int]] | None:
    """[CONSTRAINT name] {PRIMARY KEY | UNIQUE} [CLUSTERED | NONCLUSTERED] (col [ASC | DESC], ...) [WITH (...)]
    [ON ...] starting at ``index``: (the index after it, the key), or None for anything else."""

    def word(at: int) -> str:
        return tokens[at].text.upper() if at < len(tokens) else ""

    name, position = "", index
    if word(position) == "CONSTRAINT":
        name, position = tokens[position + 1].text if position + 1 < len(tokens) else "", position + 2
    if word(position) not in ("PRIMARY KEY", "UNIQUE"):
        return None
    kind = "PK" if word(position) == "PRIMARY KEY" else "UQ"
    position += 1
    clustered = None
    if word(position) in ("CLUSTERED", "NONCLUSTERED"):
        clustered = word(position) == "CLUSTERED"
        position += 1
    if position >= len(tokens) or tokens[position].token_type != TokenType.L_PAREN:
        return None
    columns: list[IndexColumn] = []
    position += 1
    while position < len(tokens) and tokens[position].token_type != TokenType.R_PAREN:
        column = tokens[position].text
        position += 1
        descending = word(position) == "DESC"
        if word(position) in ("ASC", "DESC"):
            position += 1
        columns.append(IndexColumn(column, descending))
        if position < len(tokens) and tokens[position].token_type == TokenType.COMMA:
            position += 1
    position += 1
    depth, start = 0, position  # WITH (options) and ON filegroup, up to the item's end
    while position < len(tokens):
        kind_of = tokens[position].token_type
        if depth == 0 and kind_of in (TokenType.COMMA, TokenType.R_PAREN):
            break
        depth += kind_of == TokenType.L_PAREN
        depth -= kind_of == TokenType.R_PAREN
        position += 1
    return position, (name, kind, columns, clustered, _written_options(tokens[start:position]))


def _written_options(tokens: list[Any]) -> int:
    """WITH (NAME = value, ...) after a table-level key, as tokens: its fill factor."""
    words = [t.text.upper() for t in tokens]
    options = []
    for at in range(len(words) - 2):
        if words[at + 1] == "=":
            options.append(exp.Property(this=exp.var(words[at]), value=exp.var(words[at + 2])))
    return index_options(options)


def index_options(options: Sequence[exp.Expression] | None) -> int:
    """WITH (FILLFACTOR = n, PAD_INDEX = ON, ...): the fill factor, which sys.indexes shows (the others tune
    SQL Server's storage and mean nothing here), or a clear error for an option that changes what an index
    does."""
    fill_factor = 0
    for option in options or ():
        name = option.name.upper()
        value = option.args.get("value")
        text = value.name.upper() if value is not None else ""
        if name == "FILLFACTOR":
            if not text.isdigit() or not 0 <= int(text) <= 100:
                raise errors.SqlError(
                    1007, 15, 1, f"The FILLFACTOR value '{text}' is out of range. It must be between 0 and 100."
                )
            fill_factor = int(text)
        elif name in ("IGNORE_DUP_KEY", "DROP_EXISTING") and text == "ON":
            raise errors.not_supported(f"index option {name} = ON")
    return fill_factor


_KEYWORDS = frozenset(
    {
        "ADD",
        "ALTER",
        "AS",
        "CHECK",
        "COLUMN",
        "CONSTRAINT",
        "CREATE",
        "DEFAULT",
        "DROP",
        "FOREIGN",
        "FOR",
        "KEY",
        "NOCHECK",
        "NOT",
        "NULL",
        "PRIMARY",
        "REFERENCES",
        "SET",
        "TABLE",
        "TO",
        "UNIQUE",
        "WITH",
    }
)
