"""One sanitiser for every piece of article text, and the one rule for URLs we open.

Control characters are removed at load time so that no output of ours (CLI or UI)
can carry terminal escape sequences or reorder text with bidi overrides.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_REMOVE = [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A)]
_REMOVE += [0x7F] + list(range(0x80, 0xA0))
# bidi embeddings/overrides/isolates and the invisible direction marks
_REMOVE += [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
_REMOVE += [0x200E, 0x200F, 0x061C]
_TEXT_TABLE = {c: None for c in _REMOVE} | {0x2028: 0x0A, 0x2029: 0x0A}
_LINE_TABLE = _TEXT_TABLE | {0x09: 0x20, 0x0A: 0x20, 0x2028: 0x20, 0x2029: 0x20}
_SPACES = re.compile(r"\s+")
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ANY_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TEXT_TABLE)) + "]")
# Fast paths: almost all text is plain ASCII, which a C-level check clears without
# building a translated copy (this runs for every field of every card).


def clean_text(value: str) -> str:
    """Remove control characters (C0 but newline and tab, DEL, C1, bidi controls)."""
    if not (_ASCII_CONTROL if value.isascii() else _ANY_CONTROL).search(value):
        return value
    return value.translate(_TEXT_TABLE)


def clean_line(value: str) -> str:
    """``clean_text`` for one-line fields (titles, names): white space folded, trimmed."""
    if value.isascii() and value.isprintable():
        if "  " not in value and value[:1] != " " and value[-1:] != " ":
            return value
        return " ".join(value.split())
    return _SPACES.sub(" ", value.translate(_LINE_TABLE)).strip()


def has_control_chars(value: str) -> bool:
    return (_ASCII_CONTROL if value.isascii() else _ANY_CONTROL).search(value) is not None


SAFE_SCHEMES = ("http", "https")
# the common case, decided without urlsplit: http(s), a plain host, printable ASCII and no spaces
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?", re.IGNORECASE)


def safe_url(value: str | None) -> str | None:
    """Return ``value`` as a URL fit to hand to a web browser, or None.

    Only absolute http/https URLs with a host are allowed. Spaces are
    percent-encoded (real cards have them); control characters are refused.
    """
    if not value or not isinstance(value, str):
        return None
    if len(value) <= 8192 and _PLAIN_URL.fullmatch(value):
        return value
    url = value.strip()
    if not url or url.startswith("-") or has_control_chars(url) or len(url) > 8192:
        return None
    if any(ch in url for ch in "\n\t"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc or not parts.hostname:
        return None
    if " " in url:
        url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return url


def url_problem(value: str) -> str:
    """Why ``value`` is not opened, in words a user can act on."""
    shown = clean_line(value)[:80]
    scheme = shown.split(":", 1)[0].lower() if ":" in shown else ""
    if scheme and scheme not in SAFE_SCHEMES:
        return f"{shown!r} is a {scheme}: link; only http and https links are opened"
    return f"{shown!r} is not an absolute http(s) link; only http and https links are opened"


# -- paths and JSON ----------------------------------------------------------------------------
# A file name is untrusted text like any other: it may hold terminal escapes, or bytes that are
# not UTF-8 (Python keeps those as lone surrogates, U+DC80-U+DCFF).

_SHOWN_ESCAPES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python's surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def display_path(path: str) -> str:
    """A path as it may reach a terminal: relative to the current folder when it is inside
    it (the index keeps canonical absolute paths), and control characters, bidi marks and
    bytes that are not UTF-8 shown as visible escapes (\\x1b, \\xff), never acted on."""
    return _SHOWN_ESCAPES.sub(_escape_char, _relative(path))


def _relative(path: str) -> str:
    import os

    if not os.path.isabs(path):
        return path
    try:
        here = os.getcwd()
    except OSError:  # the current folder was removed
        return path
    prefix = here.rstrip(os.sep) + os.sep
    return path[len(prefix):] if path.startswith(prefix) else path


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def dump_json(data: object) -> str:
    """One JSON document, UTF-8 friendly and safe to print: besides what json escapes
    (C0 controls, quotes), DEL, C1 controls, line separators and lone surrogates (bytes
    of a non-UTF-8 file name) are written as \\uXXXX escapes, so the output is valid JSON,
    valid UTF-8, and has no raw control character."""
    import json

    text = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
