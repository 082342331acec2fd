"""Terminal-width-aware text helpers for the command line (no Rich, no Textual: fast start)."""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) and padded to exactly ``width`` terminal cells."""
    if width <= 0:
        return ""
    if text_width(text) <= width:
        return text + " " * (width - text_width(text))
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "\u2026" + " " * (width - used - 1)


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """``text`` wrapped to ``width``; ``hanging`` indents the lines after the first (default: ``indent``)."""
    width = max(20, width)
    rest = indent if hanging is None else hanging
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=rest) or [indent.rstrip()]
