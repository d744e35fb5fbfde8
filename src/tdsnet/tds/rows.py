"""Row encoders compiled once per result shape: the hot loop of every SELECT.

A generic row encoder costs a call per value, a NULL test per value and a join per row.
`compile_rows` instead writes Python source for one result shape (the way dataclasses and
namedtuple build their methods) and compiles it: the values of a row are unpacked into locals,
consecutive fixed-size values and the length prefixes of var values are packed by one
precomputed struct (the ROW token byte included), and columns with an `Inline` form need no
call at all.  Columns without one (decimal, money, dates, GUID, (max), text, variant...) call
their own encoder, so every byte still comes from the same rules as `ResultShape.encode_row`:

- a row without NULLs is a ROW token, every value as its encoder writes it;
- a row with a NULL is an NBCROW (TDS 7.3B and later: NULL bitmap, then the other values) or,
  for older clients, the generic ROW encoder (`fallback`), which writes each type's NULL.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Callable, Sequence
from typing import Any

from .datatypes import Encoder, Inline

RowsEncoder = Callable[[Sequence[Sequence[Any]]], bytes]
ROW, NBCROW = 0xD1, 0xD2
MAX_COMPILED_WIDTH = 1024  # wider results (up to SQL Server's 4,096 columns) keep the generic encoder


def compile_rows(
    encoders: Sequence[Encoder],
    inlines: Sequence[Inline | None],
    nbcrow: bool,
) -> RowsEncoder | None:
    """An encoder of a chunk of rows, equivalent to `ResultShape.encode_row` over each (None: too wide)."""
    width = len(encoders)
    if not 0 < width <= MAX_COMPILED_WIDTH:
        return None
    # codecs.utf_16_le_encode is what str.encode("utf-16-le") runs, without the codec lookup
    names: dict[str, Any] = {"u16": struct.Struct("<H").pack, "ucs2": codecs.utf_16_le_encode}
    for i, (encode, inline) in enumerate(zip(encoders, inlines, strict=True)):
        names[f"e{i}"] = encode
        if inline is not None and inline.data is not None:
            names[f"d{i}"] = inline.data
    any_null = " or ".join(f"v{i} is None" for i in range(width))
    lines = [
        "def encode_rows(rows):",
        "    out = []",
        "    for row in rows:",
        f"        {_unpack(width)} = row",
        f"        if {any_null}:",
        "            out.append(null_row(row))",
        "            continue",
        *("        " + line for line in _row_body(inlines, names)),
        "    return b''.join(out)",
        *_null_row_function(encoders, inlines, names, nbcrow),
    ]
    namespace: dict[str, Any] = dict(names)
    exec(compile("\n".join(lines), f"<row encoder of {width} columns>", "exec"), namespace)
    return namespace["encode_rows"]


def _unpack(width: int) -> str:
    return ", ".join(f"v{i}" for i in range(width)) + ("," if width == 1 else "")


def _var_lines(i: int, inline: Inline, indent: str = "") -> list[str]:
    """``b{i}``: a var value's data bytes, as ``data`` makes them and cut to the column's size."""
    v, b = f"v{i}", f"b{i}"
    if inline.text == "ascii":
        first = f"{b} = {v}.encode() if type({v}) is str and {v}.isascii() else d{i}({v})"
    elif inline.text == "ucs2":
        first = f"{b} = ucs2({v}, 'surrogatepass')[0] if type({v}) is str else d{i}({v})"
    elif inline.binary:
        first = f"{b} = {v} if type({v}) is bytes else d{i}({v})"
    else:
        first = f"{b} = d{i}({v})"
    return [indent + first, f"{indent}if len({b}) > {inline.limit}:", f"{indent}    {b} = {b}[:{inline.limit}]"]


def _row_body(inlines: Sequence[Inline | None], names: dict[str, Any]) -> list[str]:
    """Statements encoding one NULL-free row into ``out``: runs of fixed values packed together."""
    lines: list[str] = []
    parts: list[str] = []
    fmt, args = "B", [str(ROW)]

    def flush() -> None:
        nonlocal fmt, args
        if fmt:
            name = f"p{len(parts)}"
            names[name] = struct.Struct("<" + fmt).pack
            parts.append(f"{name}({', '.join(args)})")
        fmt, args = "", []

    for i, inline in enumerate(inlines):
        if inline is None:
            flush()
            parts.append(f"e{i}(v{i})")
        elif inline.data is None:
            fmt += inline.fmt
            args += [*map(str, inline.consts), f"v{i}"]
        else:
            lines += _var_lines(i, inline)
            fmt += "H"
            args.append(f"len(b{i})")
            flush()
            parts.append(f"b{i}")
    flush()
    lines.append(f"out += ({', '.join(parts)},)")
    return lines


def _null_row_function(
    encoders: Sequence[Encoder], inlines: Sequence[Inline | None], names: dict[str, Any], nbcrow: bool
) -> list[str]:
    """``null_row(row)`` for a row with a NULL: an NBCROW (a bitmap with bit i of byte i // 8 set for
    a NULL in column i, then the other values), or before TDS 7.3B a ROW with each type's NULL."""
    width = len(inlines)
    lines = [
        "def null_row(row):",
        f"    {_unpack(width)} = row",
        "    bits = 0" if nbcrow else "",
        f"    parts = [{bytes((ROW,))!r}]",
        "    add = parts.append",
    ]
    for i, inline in enumerate(inlines):
        lines.append(f"    if v{i} is None:")
        if nbcrow:
            lines.append(f"        bits |= {1 << i}")
        else:
            lines.append(f"        add({_null_of(i, encoders[i], names)})")
        lines.append("    else:")
        if inline is None:
            lines.append(f"        add(e{i}(v{i}))")
        elif inline.data is None:
            names[f"s{i}"] = struct.Struct("<" + inline.fmt).pack
            lines.append(f"        add(s{i}({', '.join([*map(str, inline.consts), f'v{i}'])}))")
        else:
            lines += _var_lines(i, inline, "        ")
            lines += [f"        add(u16(len(b{i})))", f"        add(b{i})"]
    if nbcrow:
        lines.append(f"    parts[0] = {bytes((NBCROW,))!r} + bits.to_bytes({(width + 7) // 8}, 'little')")
    lines.append("    return b''.join(parts)")
    return lines


def _null_of(i: int, encode: Encoder, names: dict[str, Any]) -> str:
    """A column's NULL in a ROW: its encoder's bytes for None, computed once (encoders are pure);
    a type without a NULL (a NOT NULL int's fixed form) calls the encoder to fail as it does."""
    try:
        names[f"n{i}"] = encode(None)
    except Exception:
        return f"e{i}(v{i})"
    return f"n{i}"
