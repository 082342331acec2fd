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
import threading

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
    return _parse_plain(front, first_line) if _plain_text(front) else None


def _parse_plain(front: str, first_line: int) -> Parsed | None:
    try:
        return _parse(front, first_line)
    except _Unsupported:
        return None


def _plain_text(front: str, decoded: bool = False) -> bool:
    """No tab, backslash or character that PyYAML refuses or reads as a line break.
    ``decoded``: FRONT is from a text ``loader.decode`` made, which has no control character
    (and no CR) left, so in ASCII only the tab and the backslash need looking for."""
    if "\t" in front or "\\" in front:
        return False
    if front.isascii():
        return decoded or not _ASCII_AWKWARD.search(front)
    return not _AWKWARD.search(front)


try:  # a compiled reader (Rust, wheels for every platform we run on): 15 us a card against our 35
    import yaml_rs as _compiled
except ImportError:  # pragma: no cover - a build without it reads every card with fast_parse
    _compiled = None

# What the compiled reader reads otherwise than the tolerant path (PyYAML with the core schema
# of pyyaml_reader; the tests compare both on every YAML feature): tags ("!"), merge keys ("<<"),
# a front that is one flow collection, and number spellings that our core schema leaves as text
# but it reads as numbers (1_000, _1, 0b1, 0X1F, 0O17), which matter where a number is wanted:
# quality and heat. Cards with any of these go to fast_parse (and on to PyYAML).
_NUMBER_FIELDS = ("quality", "heat")


def _number_text(front: str, key: str) -> str | None:
    """What stands after ``key:`` on its top-level line (a plain find: a regex costs 2 us more)."""
    if front.startswith(key + ":"):
        at = 0
    else:
        at = front.find(f"\n{key}:") + 1
        if not at:
            return None
    end = front.find("\n", at)
    return front[at + len(key) + 1 : end if end >= 0 else len(front)].split(" #", 1)[0].strip()


# yaml-rs recurses without a limit on block nesting and crashes the process (a segfault, no
# exception) past some tens of thousands of levels. Block nesting deeper than a card's needs
# either indentation (so more than _DEEPEST spaces) or compact nodes on one line ("- - - x",
# "? ? x"), each a "- " or "? ": a text with more than _MOST_COMPACT of those (so nested at
# most about that deep; yaml-rs reads 3,000 levels well) goes to our reader and PyYAML
# (libyaml stops at 1,000 levels). Counting them costs a third of searching for two on a line.
# Flow nesting is limited by yaml-rs itself (an error at about 256 levels).
_DEEPEST = "\n" + " " * 40
_MOST_COMPACT = 1000


def _compiled_mapping(front: str) -> dict | None:
    """The compiled reader's mapping, when nothing in the text could make it read otherwise
    than the tolerant path, or crash."""
    if threading.current_thread() is not threading.main_thread():
        # yaml-rs crashed the browser (a segfault inside loads, 2 runs in 8 of its UI tests, on
        # a seed card it reads well everywhere else) when called from one of its worker threads:
        # it reads only on a process's main thread (the CLI's, the parse workers')
        return None
    if "!" in front or "<<" in front or front.lstrip()[:1] in ("{", "["):
        return None
    if _DEEPEST in front or (
        # (each is two characters: a shorter text cannot hold that many, and counting costs 3 us)
        len(front) > 2 * _MOST_COMPACT and front.count("- ") + front.count("? ") > _MOST_COMPACT
    ):
        return None
    try:
        data = _compiled.loads(front, parse_datetime=False)  # type: ignore[union-attr] # duplicate keys: an error
    except Exception:  # noqa: BLE001 - any refusal: our reader decides, and PyYAML after it
        return None
    if type(data) is not dict:
        return None
    for key in _NUMBER_FIELDS:
        value = data.get(key)
        if type(value) is int:
            if f"\n{key}: {value}\n" in front:
                continue  # written as its decimal digits, the common case (a third of the search below)
            text = _number_text(front, key)
            if text is None or not _INT.match(text):
                return None  # written in a way our schema reads as text (or not on its own line)
    return data


def plain_mapping(front: str, first_line: int, decoded: bool = False) -> dict | None:
    """The mapping of plain block YAML, read the way the tolerant path reads it (the strict
    path's reader); None for anything else: other YAML, a YAML error, duplicate keys, tags,
    a document that is not a mapping. ``decoded``: see ``_plain_text``."""
    if not _plain_text(front, decoded):
        return None
    if _compiled is not None:
        data = _compiled_mapping(front)
        if data is not None:
            return data
    parsed = _parse_plain(front, first_line)  # (a mapping with no tags, when it reads it)
    return parsed.data if parsed is not None else None  # type: ignore[return-value]


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
