"""Split a file into front matter and body, and read the front matter safely.

The YAML loader (``pyyaml_reader``, for cards ``fastyaml`` cannot read) is PyYAML's safe loader (the C one where present) with a
YAML 1.2-like core schema: only ``true``/``false`` are booleans and only plain
decimal, octal ``0o`` and hex ``0x`` numbers are numbers, so ``no`` stays "no"
and ``1:30`` stays "1:30". Timestamps are not resolved at all: dates are parsed
by us, so an impossible date is a warning instead of a crash. Unknown tags
(``!!python/object`` and friends) are never run; their nodes are read as plain
data and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class _RawInt(int):
    raw: str


class _RawFloat(float):
    raw: str


def raw_int(text: str) -> _RawInt:
    """A core-schema integer (decimal, 0o octal, 0x hex) that remembers how it was written."""
    if text.startswith("0o"):
        value = _RawInt(int(text[2:], 8))
    elif text.startswith("0x"):
        value = _RawInt(int(text[2:], 16))
    else:
        value = _RawInt(int(text, 10))
    value.raw = text
    return value


def raw_float(text: str) -> _RawFloat:
    """A core-schema float (with .inf and .nan) that remembers how it was written."""
    lowered = text.lower()
    if lowered.endswith(".inf"):
        number = float("-inf") if text.startswith("-") else float("inf")
    elif lowered == ".nan":
        number = float("nan")
    else:
        number = float(text)
    value = _RawFloat(number)
    value.raw = text
    return value


def raw_scalar(value: object) -> str | None:
    """The text a scalar was written as (``1.10`` stays "1.10"), or None for non-scalars."""
    raw = getattr(value, "raw", None)
    if isinstance(raw, str):
        return raw
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\n|$)")  # from the newline before it: fast literal scan


@dataclass(frozen=True, slots=True)
class Split:
    """A file cut at its front matter fences."""

    front: str | None  # the YAML text, or None when the file has no front matter
    front_line: int  # 1-based line of the first YAML line
    body: str
    body_offset: int  # character offset of the body in the text
    closed: bool = True


def split_front_matter(text: str) -> Split:
    """Cut ``text`` (BOM and CR already removed) into YAML and body."""
    start = 0
    # tolerate blank lines before the opening fence
    while start < len(text) and text[start] in " \t\n":
        start += 1
    line_end = text.find("\n", start)
    first = text[start:] if line_end < 0 else text[start:line_end]
    if not _FENCE.match(first):
        return Split(None, 0, text, 0)
    fence_line = text.count("\n", 0, start) + 1
    yaml_start = len(text) if line_end < 0 else line_end + 1
    close = _CLOSE.search(text, yaml_start - 1) if line_end >= 0 else None
    if close is None:
        return Split(text[yaml_start:], fence_line + 1, "", len(text), closed=False)
    body_start = close.end()
    if body_start < len(text) and text[body_start] == "\n":
        body_start += 1
    return Split(text[yaml_start : close.start() + 1], fence_line + 1, text[body_start:], body_start)


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(slots=True)
class Parsed:
    data: object
    key_lines: dict[str, int]  # top-level key -> 1-based line in the file
    item_lines: dict[str, list[int]]  # top-level key -> lines of its sequence items
    ignored_tags: list[tuple[str, int]]

