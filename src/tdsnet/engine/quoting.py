"""SET QUOTED_IDENTIFIER OFF: "double quotes" delimit strings, not names.

The batch text is rewritten before it is parsed (so the parse cache keys on what was meant):
each "..." outside strings, [names] and comments becomes a '...' string literal.
"""

from __future__ import annotations

from ..tsqltext import block_comment_end, closing, line_comment_end


def double_quotes_as_strings(text: str) -> str:
    if '"' not in text:
        return text
    out: list[str] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char == "'":
            end = closing(text, index, "'")
        elif char == "[":
            end = closing(text, index, "]")
        elif text.startswith("--", index):
            end = line_comment_end(text, index)
        elif text.startswith("/*", index):
            end = block_comment_end(text, index)
        elif char == '"':
            end = closing(text, index, '"')
            inner = text[index + 1 : end - 1].replace('""', '"').replace("'", "''")
            out.append(f"'{inner}'")
            index = end
            continue
        else:
            end = index + 1
        out.append(text[index:end])
        index = end
    return "".join(out)
