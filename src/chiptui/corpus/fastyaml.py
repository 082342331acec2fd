"""A fast reader for the plain block YAML that article cards are written in.

Parsing is the cost of a cold index: PyYAML spends most of a card's time in its
scanner and resolver, even with libyaml. Cards almost always use a small subset
of YAML: ``key: value`` lines, nested blocks by indentation, ``- `` lists, and
plain, single- or simple double-quoted scalars on one line. This module reads
exactly that subset and returns the same ``Parsed`` as ``pyyaml_reader.parse_with_pyyaml`` would, and
``None`` for anything else (flow collections, anchors, tags, block scalars,
multi-line scalars, escapes, tabs, ...), which then goes to PyYAML. The test
suite checks that both readers agree on every card it can find.
"""

from __future__ import annotations

import re

from chiptui.corpus.frontmatter import Parsed, raw_float, raw_int

_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"(?:~|null|Null|NULL)$")
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# characters PyYAML rejects or reads as line breaks: leave those texts to it
_AWKWARD = re.compile("[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_ASCII_AWKWARD = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
_NOT_PLAIN_START = frozenset("[]{}&*!|>%@`,?#:'\"-")


class _Unsupported(Exception):
    """The text uses YAML this reader leaves to PyYAML."""


_RESOLVED_FIRST = frozenset("-+0123456789.tTfFnN~")


def fast_parse(front: str, first_line: int) -> Parsed | None:
    """``Parsed`` for simple block YAML, or None when PyYAML must read it."""
    if "\t" in front or "\\" in front:
        return None
    if (_ASCII_AWKWARD if front.isascii() else _AWKWARD).search(front):
        return None
    try:
        return _parse(front, first_line)
    except _Unsupported:
        return None


# one match per line: indent, "- " of a list item, "key:" and the rest; all lines in one C call
_LINE = re.compile(r"^( *)(-(?: +|$))?(?:([A-Za-z_][A-Za-z0-9_.-]*):(?: +|$))?(.*)$", re.M)


def _parse(front: str, first_line: int) -> Parsed | None:
    top: dict[str, object] = {}
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    # open containers, innermost last: (indent, container)
    stack: list[tuple[int, dict | list]] = [(0, top)]
    frame_indent, container = 0, top
    pending: tuple[dict, str, int] | None = None  # a ``key:`` waiting for a nested block
    pending_item: tuple[list, int] | None = None  # a bare ``-`` waiting for a nested block
    top_list: list | None = None
    top_list_lines: list[int] = []
    seen = False
    scalar = _scalar
    for number, (spaces, dash, key, value) in enumerate(_LINE.findall(front), first_line):
        if not dash and not key:
            if not value or value[0] == "#" or value.isspace():
                continue  # blank line or comment
            raise _Unsupported  # a bare scalar line: a continued or top-level scalar
        seen = True
        indent = len(spaces)
        if value and value[-1] == " ":
            value = value.rstrip(" ")
        if pending is not None:
            parent, parent_key, parent_indent = pending
            pending = None
            if indent > parent_indent or (indent == parent_indent and dash):
                block: dict | list = [] if dash else {}
                parent[parent_key] = block
                stack.append((indent, block))
                frame_indent, container = indent, block
                if parent is top and dash:
                    top_list, top_list_lines = block, []  # type: ignore[assignment]
                    item_lines[parent_key] = top_list_lines
        elif pending_item is not None:
            items, parent_indent = pending_item
            pending_item = None
            if indent > parent_indent:
                block = [] if dash else {}
                items[-1] = block
                stack.append((indent, block))
                frame_indent, container = indent, block
        if indent != frame_indent:
            while indent < stack[-1][0]:
                stack.pop()
            frame_indent, container = stack[-1]
            if indent != frame_indent:
                raise _Unsupported  # deeper than its block: a continued scalar, or odd indentation
        if dash:
            if type(container) is not list:
                raise _Unsupported
            if container is top_list:
                top_list_lines.append(number)
            if not key:
                if not value:
                    container.append(None)
                    pending_item = (container, indent)
                else:
                    container.append(scalar(value))
                continue
            mapping: dict[str, object] = {}
            container.append(mapping)
            indent += len(dash)
            stack.append((indent, mapping))
            frame_indent, container = indent, mapping
        elif type(container) is not dict:
            if type(container) is list and len(stack) > 1:
                # ``key:\n- a\nnext: b``: the list ends at a key of its own indentation
                stack.pop()
                frame_indent, container = stack[-1]
                if indent != frame_indent or type(container) is not dict:
                    raise _Unsupported
            else:
                raise _Unsupported
        if key[0] in "tTfFnN" and (_BOOL.match(key) or _NULL.match(key)):
            raise _Unsupported  # PyYAML would make the key a boolean or None
        if container is top:
            key_lines.setdefault(key, number)
            item_lines.pop(key, None)
        if value:
            container[key] = scalar(value)  # type: ignore[index]
        else:
            container[key] = None  # type: ignore[index]
            pending = (container, key, indent)  # type: ignore[assignment]
    if not seen:
        return None  # empty front matter: PyYAML gives the exact None and message
    return Parsed(top, key_lines, item_lines, [])


def _scalar(text: str) -> object:
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or '"' in inner:
            raise _Unsupported
        return inner
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Unsupported
        return inner.replace("''", "'")
    if first in _NOT_PLAIN_START and not (first == "-" and len(text) > 1 and text[1] != " "):
        raise _Unsupported
    if ": " in text or " #" in text or text[-1] == ":":
        raise _Unsupported
    if first not in _RESOLVED_FIRST:
        return text
    if _BOOL.match(text):
        return text.lower() == "true"
    if _NULL.match(text):
        return None
    if _INT.match(text):
        try:
            return raw_int(text)
        except ValueError:  # more digits than Python converts: text, as PyYAML's path gives
            return text
    if _FLOAT.match(text):
        return raw_float(text)
    return text
