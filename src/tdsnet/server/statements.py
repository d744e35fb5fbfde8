"""Reading server statements (CREATE LOGIN, CREATE ENDPOINT, GRANT ... ON ENDPOINT::x)
word by word over the T-SQL tokenizer, with SQL Server's syntax errors.
"""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from ..engine import errors
from ..engine.batch import tokenize


class Words:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = [t for t in tokenize(text) if t.token_type != TokenType.SEMICOLON]
        self.pos = 0
        self.previous = ""

    @property
    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.tokens[index].text.upper() if index < len(self.tokens) else ""

    def _next(self) -> Token:
        if self.done:
            line = self.tokens[-1].line if self.tokens else 1
            raise errors.syntax_error("", line)
        token = self.tokens[self.pos]
        self.pos += 1
        self.previous = token.text
        return token

    def word(self) -> str:
        return self._next().text

    def expect(self, word: str) -> None:
        token = self._next()
        if token.text.upper() != word.upper():
            raise _near(token)

    def accept(self, word: str) -> bool:
        if (
            not self.done
            and self.tokens[self.pos].text.upper() == word.upper()
            and (self.tokens[self.pos].token_type != TokenType.STRING)
        ):
            self.previous = self.tokens[self.pos].text
            self.pos += 1
            return True
        return False

    def identifier(self) -> str:
        """A name: plain, [bracketed] or "quoted"."""
        token = self._next()
        if token.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.NUMBER):
            raise _near(token)
        return token.text

    def value(self) -> str:
        """An option value: a string, a number, a name or ON/OFF (strings come back unquoted)."""
        token = self._next()
        if token.token_type == TokenType.HEX_STRING:
            return "0x" + token.text
        return token.text

    def string(self) -> str:
        token = self._next()
        if token.token_type not in (TokenType.STRING, TokenType.NATIONAL_STRING):
            raise _near(token)
        return token.text

    def number(self) -> int:
        token = self._next()
        if token.token_type != TokenType.NUMBER:
            raise _near(token)
        return int(token.text)

    def raw_parenthesized(self) -> str:
        """The source text between ( and its ), as written: LISTENER_IP = (127.0.0.1)."""
        opening = self._next()
        if opening.token_type != TokenType.L_PAREN:
            raise _near(opening)
        depth, start = 1, opening.end + 1
        while True:
            token = self._next()
            if token.token_type == TokenType.L_PAREN:
                depth += 1
            elif token.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return self.text[start : token.start].strip()

    def line(self) -> int:
        return self.tokens[min(self.pos, len(self.tokens) - 1)].line if self.tokens else 1

    def end(self) -> None:
        if not self.done:
            raise _near(self.tokens[self.pos])


_KEYWORDS = {
    "ADD",
    "ALL",
    "ALTER",
    "AS",
    "AUTHORIZATION",
    "BY",
    "CASCADE",
    "CONNECT",
    "CONTROL",
    "CREATE",
    "DENY",
    "DROP",
    "FOR",
    "FROM",
    "GRANT",
    "LOGIN",
    "ON",
    "OPTION",
    "REVOKE",
    "TO",
    "WITH",
}


def _near(token: Token) -> errors.SqlError:
    if token.text.upper() in _KEYWORDS:
        return errors.keyword_syntax_error(token.text, token.line)
    return errors.syntax_error(token.text, token.line)
