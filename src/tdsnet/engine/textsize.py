"""SET TEXTSIZE: how many bytes of a varchar(max), nvarchar(max), varbinary(max), text, ntext or
image value a SELECT returns (types with a length are never cut)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .compiler import Plan

_LARGE = frozenset({"text", "ntext", "image"})


def limited(plan: Plan, options: Any) -> tuple[Callable[[Any], Any], ...]:
    size = max(options.textsize, 0)
    return tuple(_limit(read, column.type, size) for read, column in zip(plan.readers, plan.columns, strict=True))


def _limit(read: Callable[[Any], Any], st: Any, size: int) -> Callable[[Any], Any]:
    if not (st.is_max or st.name in _LARGE):
        return read
    keep = size // 2 if st.is_unicode else size  # nvarchar counts two bytes a character

    def cut(value: Any) -> Any:
        value = read(value)
        return value[:keep] if isinstance(value, str | bytes) else value

    return cut
