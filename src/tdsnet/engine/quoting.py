"""SET QUOTED_IDENTIFIER OFF: "double quotes" delimit strings, not names.

The batch text is rewritten before it is parsed (so the parse cache keys on what was meant):
each "..." outside strings, [names] and comments becomes a '...' string literal.
"""

from __future__ import annotations


def double_quotes_as_strings(text: str) -> str:
    if '"' not in text:
        return text
    out: list[str] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char == "'":
            end = _closing(text, index, "'")
        elif char == "[":
            end = _closing(text, index, "]")
        elif text.startswith("--", index):
            newline = text.find("\n", index)
            end = size if newline < 0 else newline
        elif text.startswith("/*", index):
            end = _comment_end(text, index)
        elif char == '"':
            end = _closing(text, index, '"')
            inner = text[index + 1 : end - 1].replace('""', '"').replace("'", "''")
            out.append(f"'{inner}'")
            index = end
            continue
        else:
            end = index + 1
        out.append(text[index:end])
        index = end
    return "".join(out)


def _closing(text: str, start: int, quote: str) -> int:
    """The index after the quote that closes the one at ``start`` (a doubled quote is escaped)."""
    index = start + 1
    while index < len(text):
        if text[index] == quote:
            if text.startswith(quote * 2, index):
                index += 2
                continue
            return index + 1
        index += 1
    return len(text)


def _comment_end(text: str, start: int) -> int:
    """T-SQL block comments nest."""
    depth, index = 0, start
    while index < len(text):
        if text.startswith("/*", index):
            depth += 1
            index += 2
        elif text.startswith("*/", index):
            depth -= 1
            index += 2
            if depth == 0:
                return index
        else:
            index += 1
    return len(text)
