"""Simple parameterization (SQL Server's auto-parameterization) of batches that carry their values.

Clients that put values into the SQL text (pymssql and FreeTDS, %s substitution, hand-built SQL) send
a new text per statement, and a new text costs a sqlglot parse and a compile.  A batch that is one
SELECT, INSERT, UPDATE or DELETE becomes a template: each literal that is an ordinary value becomes a
variable ``@__tdsnet_p<n>`` typed as the compiler types that literal (int, numeric(p,s), money,
varchar(n), nvarchar(n), varbinary(n)), so texts that differ only in such values, of the same types,
share one parsed batch and its plans, and run with their values in the frame's variables of those
names.  Literal types are part of the key, as in SQL Server: 'ab' and 'abc' make two templates.

Nothing may change (results, types, column names, errors), so a template is used only when safe:

- while reading the tokens, a literal the compiler reads the value of, or that is not a value, stays
  in the template as written: data type arguments, TOP, everything from ORDER BY, GROUP BY, OPTION,
  FOR, OFFSET, PIVOT... to the end of its query, OVER (...), STRING_SPLIT and the ...FROMPARTS
  functions' arguments, aliases, floats (SQLite reads 1e5 its own way), decimals not written as they
  are stored, strings spanning lines (lines in messages).  A unary minus goes into its number, as the
  compiler folds it;
- the first time a template is seen in a scope (the database and the SET options plans are keyed by,
  see EngineSession._plan_scope), the literal statement and the template are compiled side by side
  and their plans compared: the template's SQL with each placeholder (``:__tdsnet_p<n>`` for SQLite)
  spelled as its literal must be the literal's SQL, and everything else (columns, types, names,
  dependencies) equal.  One that differs, or does not parse or compile, is remembered as unsafe and
  its texts keep the literal path.  Every text is read by `fast_lexemes`; the first of a template is
  also read by sqlglot's tokenizer, which must make the same template.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlglot
from sqlglot import exp
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from ..sqltypes import SqlType
from . import compiler, nodes, values
from .batch import Statement
from .dialect import DIALECT
from .session import ParsedBatch, _inline_node, batch_frame, parse_batch

if TYPE_CHECKING:
    from . import Engine
    from .session import EngineSession

_STATEMENTS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"})
_LITERALS = frozenset({TokenType.NUMBER, TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.HEX_STRING})
_REFUSED_WORDS = frozenset({"EXEC", "EXECUTE", "MERGE"})
# A '(' after these holds literals that are not values, or whose value the compiler reads.
_FIXED_CALLS = frozenset(
    {
        "CHAR",
        "VARCHAR",
        "NCHAR",
        "NVARCHAR",
        "CHARACTER",
        "VARYING",
        "BINARY",
        "VARBINARY",
        "DECIMAL",
        "DEC",
        "NUMERIC",
        "FLOAT",
        "DATETIME2",
        "TIME",
        "DATETIMEOFFSET",
        "STRING_SPLIT",
        "DATETIME2FROMPARTS",
        "TIMEFROMPARTS",
        "DATETIMEOFFSETFROMPARTS",
        "OPENJSON",
        "OPENROWSET",
        "OPENQUERY",
        "OPENDATASOURCE",
        "OPENXML",
        "CONTAINS",
        "FREETEXT",
        "CONTAINSTABLE",
        "FREETEXTTABLE",
        "IDENTITY",
        "INDEX",
        "WITH",
        "TOP",
        "OVER",
    }
)
# After these, the rest of the query (to its closing parenthesis) keeps its literals: ordinals,
# GROUP BY expressions the select list must match, OFFSET/FETCH counts, query hints, FOR XML/JSON.
_FIXED_REST = frozenset(
    {"ORDER", "GROUP", "ORDER BY", "GROUP BY", "OPTION", "FOR", "OFFSET", "FETCH", "PIVOT", "UNPIVOT", "TABLESAMPLE"}
)
# Tokens after which a '-' or '+' is binary (an operand ends there).
_OPERAND_END = frozenset(
    {*_LITERALS, TokenType.VAR, TokenType.IDENTIFIER, TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.NULL}
)
# Tokens that run a literal written against them into something else (5x, 1.5.2, 'a'b).
_RUN_TOGETHER = frozenset({*_LITERALS, TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT})
# Tokens after which a '-' is unary.
_OPERATORS = frozenset(
    {
        TokenType.L_PAREN,
        TokenType.COMMA,
        TokenType.EQ,
        TokenType.NEQ,
        TokenType.LT,
        TokenType.LTE,
        TokenType.GT,
        TokenType.GTE,
        TokenType.PLUS,
        TokenType.DASH,
        TokenType.STAR,
        TokenType.SLASH,
        TokenType.MOD,
        TokenType.AMP,
        TokenType.PIPE,
        TokenType.CARET,
    }
)
_OPERATOR_WORDS = frozenset(
    {"SELECT", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN", "CASE", "BETWEEN", "ON", "HAVING", "LIKE"}
    | {"SET", "DISTINCT", "RETURN"}
)
_SLOT = re.compile(":" + re.escape(compiler.SLOT_PREFIX) + r"(\d+)")
_FRESH = re.compile(r"__tdsnet_([a-z]+)\d+")  # treeutil.fresh's names, apply's stand-in tables
_ALIAS = re.compile(r' AS ("(?:[^"]|"")*"|[A-Za-z_][\w$]*)')
_TEMPLATES = 1024
_MOST_SLOTS = 2000  # SQL Server parameterizes up to 2,097 literals; SQLite binds up to 32,766 variables


class _Tokenizer(DIALECT.Tokenizer):
    COMMANDS: set[TokenType] = set()  # every token, as the batch reader sees them (see batch._Tokenizer)


@dataclass(frozen=True, slots=True)
class Slot:
    """A literal made a placeholder: its type, its value as a variable of that type holds it, and the
    literal node (the comparison of plans spells it)."""

    type: SqlType
    value: Any
    literal: exp.Expression


@dataclass(frozen=True, slots=True)
class Candidate:
    """A text read as a template: the key its template is found by, and this text's literals."""

    key: tuple[object, str, tuple[SqlType, ...]]
    text: str  # the template's
    slots: tuple[Slot, ...]
    source: str  # the text read

    def same(self, other: Candidate | None) -> bool:
        """Whether another reading of the text made this template of the same values."""
        return (
            other is not None
            and other.key == self.key
            and [repr(s.value) for s in other.slots] == [repr(s.value) for s in self.slots]
        )


class _Unsafe:
    """The mark of a template that must not be used."""


UNSAFE = _Unsafe()


class AutoParameterizer:
    """An engine's templates, by scope, template text and literal types, and SQL Server's counters."""

    def __init__(self, engine: Engine, limit: int = _TEMPLATES) -> None:
        self.engine = engine
        self.enabled = True
        self._lock = threading.Lock()
        self._templates: OrderedDict[tuple[object, str, tuple[SqlType, ...]], ParsedBatch | _Unsafe] = OrderedDict()
        self._limit = limit
        self.attempts = 0  # Auto-Param Attempts/sec: safe + failed
        self.safe = 0  # Safe Auto-Params/sec: texts run as a template
        self.failed = 0  # Failed Auto-Params/sec: texts with literals that kept the literal path

    def lookup(self, text: str, scope: object) -> ParsedBatch | Candidate | None:
        """For a text not in the parse cache: its template's parsed batch with its values, a candidate
        for `resolve` to judge, or None (nothing to parameterize, or a template known unsafe)."""
        candidate = scan(text, scope) if self.enabled else None
        if candidate is None:
            return None
        with self._lock:
            template = self._templates.get(candidate.key)
            if template is None:
                return candidate
            self._templates.move_to_end(candidate.key)
            self._count(template is not UNSAFE)
        return None if isinstance(template, _Unsafe) else bind(template, candidate)

    def resolve(self, session: EngineSession, parsed: ParsedBatch, inline: bool) -> ParsedBatch:
        """The batch to run for a parsed text with a candidate template: the template, bound to this
        text's values, once it is judged safe; the text itself otherwise."""
        candidate: Candidate = parsed.candidate
        parsed.candidate = None
        with self._lock:
            template = self._templates.get(candidate.key)
        if template is None:
            template = self._judge(session, parsed, candidate, inline)
            if template is not None:
                self._remember(candidate.key, template)
        with self._lock:
            self._count(isinstance(template, ParsedBatch))
        return bind(template, candidate) if isinstance(template, ParsedBatch) else parsed

    def _count(self, safe: bool) -> None:
        self.attempts += 1
        if safe:
            self.safe += 1
        else:
            self.failed += 1

    def _remember(self, key: tuple[object, str, tuple[SqlType, ...]], template: ParsedBatch | _Unsafe) -> None:
        with self._lock:
            self._templates[key] = template
            while len(self._templates) > self._limit:
                self._templates.popitem(last=False)

    def _judge(
        self, session: EngineSession, parsed: ParsedBatch, candidate: Candidate, inline: bool
    ) -> ParsedBatch | _Unsafe | None:
        """Compile the literal statement and the template, and compare their plans.  None when the
        literal statement does not compile: its run reports why, and a later text decides."""
        literal = _only_statement(parsed, session)
        if literal is None or not candidate.same(scan(candidate.source, candidate.key[0], sqlglot_lexemes)):
            return UNSAFE
        try:
            if not session.compile_only(literal, batch_frame(parsed), inline):
                return None
        except Exception:  # whatever it is, the literal path's run meets it again
            return None
        template = self._parse(candidate)
        stmt = _only_statement(template, session) if template is not None else None
        if template is None or stmt is None or stmt.keyword != literal.keyword:
            return UNSAFE
        try:
            compiled = session.compile_only(stmt, batch_frame(bind(template, candidate)), inline)
        except Exception:  # a template that fails in any way is only not used
            compiled = False
        if not compiled or not same_plans(literal.plans, stmt.plans, candidate.slots):
            return UNSAFE
        template.inline = _inline_node(session, template.block)
        return template

    def _parse(self, candidate: Candidate) -> ParsedBatch | None:
        self.engine.count_parse()
        try:
            template = parse_batch(candidate.text)
        except Exception:  # a template that does not parse is only not used
            return None
        for index, slot in enumerate(candidate.slots):
            template.declared[slot_name(index)] = slot.type  # as sp_executesql's definitions would
        return template


def slot_name(index: int) -> str:
    return f"{compiler.SLOT_PREFIX}{index}"


def bind(template: ParsedBatch, candidate: Candidate) -> ParsedBatch:
    """The template's parsed batch, with this text's literal values for its frame."""
    literals = tuple((slot_name(i), slot.type, slot.value) for i, slot in enumerate(candidate.slots))
    return ParsedBatch(template.block, template.declared, [], template.inline, literals)


def _only_statement(parsed: ParsedBatch, session: EngineSession) -> Statement | None:
    """The batch's one statement, if it is one that may be parameterized."""
    statements = parsed.block.statements
    if len(statements) != 1 or not isinstance(statements[0], Statement):
        return None
    stmt = statements[0]
    words = [t.text.upper() for t in stmt.tokens[:16]]
    if stmt.keyword not in _STATEMENTS or session.engine.registry.find_statement(words) is not None:
        return None
    return stmt


# --- reading a text as a template ------------------------------------------------------------------


def scan(text: str, scope: object, lexer: Callable[[str], list[Lexeme] | None] | None = None) -> Candidate | None:
    """The text as a template and its literals, or None when there is nothing to parameterize.  The
    text is read by `fast_lexemes`; `_judge` checks that sqlglot's tokens (`sqlglot_lexemes`) make the
    same template of the first text of each template."""
    head = text.lstrip()[:6].upper()
    if not head.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")) or compiler.SLOT_PREFIX in text.lower():
        return None  # (the placeholders' names are the template's own)
    lexemes = (lexer or fast_lexemes)(text)
    if not lexemes or lexemes[0].word not in _STATEMENTS:
        return None
    made = _Templater(text, lexemes).build()
    if made is None:
        return None
    template, slots = made
    return Candidate((scope, template, tuple(s.type for s in slots)), template, tuple(slots), text)


class Lexeme(NamedTuple):
    """A token as the templater reads it: sqlglot's token type, its text (a string's value, a hex
    literal's digits), where it is (``end`` inclusive) and its upper-case word."""

    token_type: TokenType
    text: str
    start: int
    end: int
    word: str


def sqlglot_lexemes(text: str) -> list[Lexeme] | None:
    """The tokens of sqlglot's T-SQL tokenizer, as the parser reads the text."""
    try:
        tokens = _Tokenizer().tokenize(text)
    except (TokenError, ValueError):
        return None
    return [Lexeme(t.token_type, t.text, t.start, t.end, " ".join(t.text.upper().split())) for t in tokens]


_FAST = re.compile(
    r"\s*(?:(?P<comment>--[^\n]*|/\*.*?\*/)"
    r"|(?P<national>[Nn]'(?:[^']|'')*')"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<hex>0[xX][0-9A-Fa-f]*)"
    r"|(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\$[+-]?(?=[\d.])[\d.]*)"
    r"|(?P<identifier>\[(?:[^\]]|\]\])*\]|\"(?:[^\"]|\"\")*\")"
    r"|(?P<variable>@@?[^\W\d][\w@#$]*)"
    r"|(?P<word>[^\W\d][\w@#$]*|#{1,2}[\w@#$]+)"
    r"|(?P<symbol><>|!=|<=|>=|[-+*/%=<>&|^~(),.;]))",
    re.DOTALL,
)
_SYMBOLS = {
    "(": TokenType.L_PAREN,
    ")": TokenType.R_PAREN,
    ",": TokenType.COMMA,
    ".": TokenType.DOT,
    ";": TokenType.SEMICOLON,
    "=": TokenType.EQ,
    "<>": TokenType.NEQ,
    "!=": TokenType.NEQ,
    "<": TokenType.LT,
    "<=": TokenType.LTE,
    ">": TokenType.GT,
    ">=": TokenType.GTE,
    "+": TokenType.PLUS,
    "-": TokenType.DASH,
    "*": TokenType.STAR,
    "/": TokenType.SLASH,
    "%": TokenType.MOD,
    "&": TokenType.AMP,
    "|": TokenType.PIPE,
    "^": TokenType.CARET,
    "~": TokenType.TILDE,
}
_KEYWORDS = _Tokenizer.KEYWORDS


def fast_lexemes(text: str) -> list[Lexeme] | None:
    """The text's tokens by one regular expression: sqlglot's tokenizer costs tens of microseconds a
    statement.  None for anything it does not read as sqlglot does (nested comments, ':'...)."""
    found: list[Lexeme] = []
    pos = 0
    for match in _FAST.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            return None
        raw = match.group(kind)
        if kind == "comment":
            if "/*" in raw[2:]:
                return None  # nested: T-SQL's comments nest
            continue
        found.append(_lexeme(kind, raw, match.start(kind), pos - 1))
    return found if not text[pos:].strip() else None


def _lexeme(kind: str, raw: str, start: int, end: int) -> Lexeme:
    if kind == "string":
        return Lexeme(TokenType.STRING, raw[1:-1].replace("''", "'"), start, end, "")
    if kind == "national":
        return Lexeme(TokenType.NATIONAL_STRING, raw[2:-1].replace("''", "'"), start, end, "")
    if kind == "hex":
        return Lexeme(TokenType.HEX_STRING, raw[2:], start, end, "")
    if kind == "number":
        return Lexeme(TokenType.NUMBER, raw, start, end, "")
    if kind == "identifier":
        inner = raw[1:-1].replace("]]", "]") if raw[0] == "[" else raw[1:-1].replace('""', '"')
        return Lexeme(TokenType.IDENTIFIER, inner, start, end, inner.upper())
    if kind == "symbol":
        return Lexeme(_SYMBOLS[raw], raw, start, end, raw)
    word = raw.upper()
    if kind == "variable":
        return Lexeme(TokenType.VAR, raw, start, end, word)
    return Lexeme(_KEYWORDS.get(word, TokenType.VAR), raw, start, end, word)


class _Templater:
    def __init__(self, text: str, tokens: list[Lexeme]) -> None:
        self.text = text
        self.tokens = tokens
        self.pieces: list[str] = []
        self.slots: list[Slot] = []
        self.last = 0  # where the text not yet copied starts
        self.fixed = [False]  # per parenthesis depth: literals here stay as written
        self.into = False
        self.insert = False

    def build(self) -> tuple[str, list[Slot]] | None:
        for index, token in enumerate(self.tokens):
            if token.token_type in _LITERALS:
                if not self.fixed[-1] and not self._kept(index):
                    self._parameterize(index)
            elif not self._structure(index):
                return None
        if not self.slots or len(self.slots) > _MOST_SLOTS:
            return None
        if self.into and not self.insert and self.tokens[0].word in ("SELECT", "WITH"):
            return None  # SELECT ... INTO creates a table
        self.pieces.append(self.text[self.last :])
        return "".join(self.pieces), self.slots

    def _structure(self, index: int) -> bool:
        """Follow parentheses and clauses; False for a text that is not parameterized at all."""
        token = self.tokens[index]
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            before = self.tokens[index - 1] if index else None
            called = before is not None and before.token_type not in _LITERALS and before.word in _FIXED_CALLS
            self.fixed.append(self.fixed[-1] or called)
        elif kind == TokenType.R_PAREN:
            if len(self.fixed) > 1:
                self.fixed.pop()
        else:
            word = token.word
            if word in _REFUSED_WORDS:
                return False
            if word in _FIXED_REST:
                self.fixed[-1] = True
            self.into = self.into or word == "INTO"
            self.insert = self.insert or word == "INSERT"
        return True

    def _kept(self, index: int) -> bool:
        """Whether a literal outside fixed parts still stays as written: TOP's count, an alias, a
        number run together with what follows."""
        token = self.tokens[index]
        before = self.tokens[index - 1] if index else None
        after = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        if before is not None and (before.token_type == TokenType.DOT or before.word == "TOP"):
            return True
        if after is not None and after.start == token.end + 1 and after.token_type in _RUN_TOGETHER:
            return True
        alias = before is not None and (before.token_type in _OPERAND_END or before.word in ("AS", "END"))
        return token.token_type != TokenType.NUMBER and alias

    def _parameterize(self, index: int) -> None:
        token = self.tokens[index]
        start, negative = self._sign(index)
        end = token.end + 1
        if start < 0 or "\n" in self.text[start:end] or "\r" in self.text[start:end]:
            return
        slot = _slot(token, negative)
        if slot is None:
            return
        self.pieces.append(self.text[self.last : start])
        self.pieces.append(f" @{slot_name(len(self.slots))} ")
        self.last = end
        self.slots.append(slot)

    def _sign(self, index: int) -> tuple[int, bool]:
        """Where the literal starts and whether a unary minus belongs to it (-1: keep it as written)."""
        token = self.tokens[index]
        sign = self.tokens[index - 1] if index else None
        signed = sign is not None and sign.token_type in (TokenType.DASH, TokenType.PLUS)
        if token.token_type != TokenType.NUMBER or not signed:
            return token.start, False
        before = self.tokens[index - 2] if index > 1 else None
        if before is not None and before.token_type in _OPERAND_END:
            return token.start, False  # a binary operator
        unary = before is not None and (before.token_type in _OPERATORS or before.word in _OPERATOR_WORDS)
        if sign.token_type == TokenType.DASH and unary:
            return sign.start, True
        return -1, False


def _slot(token: Lexeme, negative: bool) -> Slot | None:
    """The literal typed as the compiler types it, and its value, or None if it stays as written."""
    kind = token.token_type
    if kind == TokenType.NUMBER:
        text = ("-" if negative else "") + token.text
        if "$" not in text and "e" in text.lower():
            return None  # a float: SQLite reads the literal its own way, maybe not as Python does
        node: exp.Expression = exp.Literal(this=text, is_string=False)
    elif kind == TokenType.STRING:
        node = exp.Literal.string(token.text)
    elif kind == TokenType.NATIONAL_STRING:
        node = exp.National(this=token.text)
    elif len(token.text) % 2:
        return None  # odd hex digits: as written
    else:
        node = exp.HexString(this=token.text)
    try:
        st = compiler.literal_type(node)
        found, value = _value(node, st)
    except (ArithmeticError, ValueError):  # $1.2.3 and the like: the literal path says what they are
        return None
    return Slot(st, value, node) if found and st is not None else None


def _value(node: exp.Expression, st: SqlType | None) -> tuple[bool, Any]:
    """A literal's value as a variable of its type holds it, stored by SQLite as the literal would be."""
    if st is None:
        return False, None
    if isinstance(node, exp.HexString):
        return True, bytes.fromhex(node.this)
    if isinstance(node, exp.National) or node.is_string:
        return True, node.this
    family = st.family
    if family == "int":
        return True, int(node.this)
    if family == "money":
        return True, Decimal(nodes.money_literal(node.this) or "")
    if family == "decimal":  # stored as written: only when that is how a numeric(p,s) value is stored
        value = Decimal(node.this)
        return values.decimal_text(value, st) == node.this, value
    return False, None


# --- comparing plans -----------------------------------------------------------------------------------


def same_plans(literal: dict, template: dict, slots: tuple[Slot, ...]) -> bool:
    """Whether the template's plans (just compiled) are the literal statement's, placeholders apart."""
    spelled = [compiler.literal_sql(slot.literal) for slot in slots]
    comparison = _Comparison(spelled, {slot.literal.output_name for slot in slots} - {""})
    return bool(template) and all(
        key in literal and comparison.same(literal[key], plan) for key, plan in template.items()
    )


class _Comparison:
    """Two plans compared field by field.  In the template's strings each placeholder is spelled as its
    literal; in both, the names the rewrites make up (treeutil.fresh: __tdsnet_single12...) are numbered
    by first appearance, since each compile draws new ones, and the names qualify gives projections
    without one (a literal's text, _col_<n> for a placeholder) are one: nothing can refer to them (a
    derived table's columns must be named), and they name no result column."""

    def __init__(self, spelled: list[str], literal_names: set[str]) -> None:
        self.spelled = spelled
        self.literal_names = literal_names
        self.names: tuple[dict[str, str], dict[str, str]] = ({}, {})

    def same(self, literal: Any, template: Any) -> bool:
        if isinstance(template, str):
            spelled = self._spell(template)
            return (
                isinstance(literal, str)
                and self._text(literal, 0) == self._text(spelled, 1)
                and (spelled == template or not _ordinal_placeholder(template))
            )
        if isinstance(template, tuple | list):
            return (
                type(literal) is type(template)
                and len(literal) == len(template)
                and all(self.same(a, b) for a, b in zip(literal, template, strict=True))
            )
        if isinstance(template, dict):
            return (
                isinstance(literal, dict)
                and literal.keys() == template.keys()
                and all(self.same(literal[k], template[k]) for k in template)
            )
        if is_dataclass(template) and not isinstance(template, type):
            return type(literal) is type(template) and all(
                self.same(_field(literal, f.name), _field(template, f.name)) for f in fields(template)
            )
        if callable(template):  # readers: the columns' types decide them
            return getattr(literal, "__qualname__", None) == getattr(template, "__qualname__", None)
        return bool(literal == template)

    def _spell(self, text: str) -> str:
        return _SLOT.sub(lambda match: self.spelled[int(match.group(1))], text)

    def _text(self, text: str, side: int) -> str:
        names = self.names[side]

        def number(match: re.Match[str]) -> str:
            return names.setdefault(match.group(0), f"__tdsnet_{match.group(1)}#{len(names)}")

        return _ALIAS.sub(self._alias, _FRESH.sub(number, text))

    def _alias(self, match: re.Match[str]) -> str:
        name = match.group(1)
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name
        automatic = name in self.literal_names or re.fullmatch(r"_col_\d+", name) is not None
        return " AS _col_" if automatic else match.group(0)


def _ordinal_placeholder(sql: str) -> bool:
    """Whether a placeholder is an ORDER BY or GROUP BY term of the SQL: SQLite reads an integer literal
    there as a column's position, a variable as a value.  Or whether the SQL does not read back."""
    if "ORDER BY" not in sql and "GROUP BY" not in sql:
        return False
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return True
    for node in tree.find_all(exp.Placeholder):
        term = node
        while isinstance(term.parent, exp.Paren | exp.Neg):
            term = term.parent
        if isinstance(term.parent, exp.Ordered | exp.Group):
            return True
    return False


def _field(plan: Any, name: str) -> Any:
    value = getattr(plan, name)
    if name == "variables":  # the template's also name its placeholders
        return tuple(v for v in value if not v.startswith(compiler.SLOT_PREFIX))
    return value
