"""Where T-SQL's quoted parts and comments end, for code that reads a batch's text without parsing
it: the client finding its placeholders, the engine reading "strings" under QUOTED_IDENTIFIER OFF."""

from __future__ import annotations


def closing(text: str, start: int, quote: str) -> int:
    """The index after the quote that closes the one opened at ``start`` (a doubled quote is escaped)."""
    index = start + 1
    while index < len(text):
        if text[index] == quote:
            if text.startswith(quote * 2, index):
                index += 2
                continue
            return index + 1
        index += 1
    return len(text)


def line_comment_end(text: str, start: int) -> int:
    """The end of a -- comment: its newline (kept), or the end of the text."""
    newline = text.find("\n", start)
    return len(text) if newline < 0 else newline


def block_comment_end(text: str, start: int) -> int:
    """The index after the */ that closes the /* at ``start``; T-SQL block comments nest."""
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
