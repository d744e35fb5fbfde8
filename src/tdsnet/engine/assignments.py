"""Compound assignment operators: ``@v += x``, ``col -= x``, ``*= /= %= &= |= ^=``.

SET @v op= x, SELECT @v op= x and UPDATE ... SET col op= x mean ``target = target op (x)``;
the statement's text is rewritten to that before it is parsed, so every later step sees plain
assignments.
"""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

_OPERATORS = {
    TokenType.PLUS: "+",
    TokenType.DASH: "-",
    TokenType.STAR: "*",
    TokenType.SLASH: "/",
    TokenType.MOD: "%",
    TokenType.AMP: "&",
    TokenType.PIPE: "|",
    TokenType.CARET: "^",
}
# Where an assigned expression ends in a SELECT or an UPDATE, besides a comma or the end.
_CLAUSES = frozenset({"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT", "OPTION", "OUTPUT"})


def expand(text: str, tokens: list[Token]) -> str:
    """The statement with each compound assignment spelled out (the text itself when it has none)."""
    if not any(_is_compound(tokens, i) for i in range(1, len(tokens) - 1)):
        return text
    base = tokens[0].start
    pieces: list[str] = []
    position = 0  # in text
    index = 0
    while index < len(tokens):
        if not _is_compound(tokens, index):
            index += 1
            continue
        target = _target_text(text, tokens, index, base)
        end = _expression_end(tokens, index + 2)
        operator = tokens[index]
        pieces.append(text[position : operator.start - base])
        expression = text[tokens[index + 2].start - base : tokens[end - 1].end + 1 - base]
        pieces.append(f"= {target} {_OPERATORS[operator.token_type]} ({expression})")
        position = tokens[end - 1].end + 1 - base
        index = end
    pieces.append(text[position:])
    return "".join(pieces)


def _is_compound(tokens: list[Token], index: int) -> bool:
    """An operator directly followed by = (no space between) after a name: ``@v +=``."""
    if index < 1 or index + 2 >= len(tokens):
        return False
    operator, equals, before = tokens[index], tokens[index + 1], tokens[index - 1]
    return (
        operator.token_type in _OPERATORS
        and equals.token_type == TokenType.EQ
        and equals.start == operator.end + 1
        and before.token_type in (TokenType.VAR, TokenType.IDENTIFIER)
    )


def _target_text(text: str, tokens: list[Token], index: int, base: int) -> str:
    """The assigned name before the operator: @v, col, t.col, [col]."""
    first = index - 1
    while first >= 2 and tokens[first - 1].token_type == TokenType.DOT:
        first -= 2
    if first >= 1 and tokens[first - 1].token_type == TokenType.PARAMETER:
        first -= 1
    return text[tokens[first].start - base : tokens[index - 1].end + 1 - base]


def _ends(token: Token) -> bool:
    return token.token_type in (TokenType.COMMA, TokenType.SEMICOLON) or token.text.upper() in _CLAUSES


def _expression_end(tokens: list[Token], start: int) -> int:
    """The index after the assigned expression: a comma or clause keyword at depth 0, or the end."""
    depth = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and index > start and _ends(token):
            return index
    return len(tokens)
