"""The strict path from a card's mapping straight to what the index keeps of it.

Most cards are clean: every field has the type it should, every link opens, every date
reads. For those, building the full ``Article`` (providers, images, related entries as
objects, a list of problems that stays empty) only to keep a dozen light fields costs as much
as parsing the YAML. ``strict_card`` gives those fields directly, from the same cleaning
functions the tolerant path uses; at the first field that would need a word in ``check``
(a wrong type, a bad link, a date that does not read, too many entries) it gives up and the
card takes the tolerant path (``fields.build_article``), which stays the reference. So a card
is either accepted here with no problems at all, or read exactly as before, and ``check``
reports the same either way; the tests compare both paths on every corpus we have.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from chiptui.corpus.fields import (
    MAX_IMAGES,
    MAX_RELATED,
    MAX_TOPICS,
    URL_FIELDS,
    parse_datetime,
    unescape_entities,
)
from chiptui.corpus.sanitize import clean_line, clean_text, safe_url


class _Tolerant(Exception):
    """This card needs the tolerant path (it would get a problem there). Raised as the class,
    so no instance keeps the last card's frames alive through its traceback."""


class Clean(NamedTuple):
    """A clean card's fields, as the tolerant path would read them."""

    title: str
    provider: str  # its name, "" for none
    stamp: float | None
    topics: tuple[str, ...]
    quality: int | None
    heat: int | None
    urls: list[str]  # the card's links, all safe, in the order they are preferred
    related: list[str | None]  # each related entry's link (None when it has none)
    kind: str | None
    excerpt: str  # "" for none


def strict_card(data: dict) -> Clean | None:
    """The card's fields when all of them are clean, else None (the tolerant path reads it)."""
    try:
        get = data.get
        title = _text(get("title"))
        if not title:
            return None
        urls = []
        for _, key in URL_FIELDS:
            value = get(key)
            if value is not None:  # (most cards have one or two of the four: no call for the rest)
                url = _link(value)
                if url:
                    urls.append(url)
        clean = Clean(
            title,
            _provider(get("provider")),
            _date(get("publishedDateTime")),
            _topics(get("topics")),
            _integer(get("quality")),
            _integer(get("heat")),
            urls,
            _related(get("related")),
            _text(get("type")),
            _text(get("excerpt"), one_line=False) or "",
        )
        _text(get("category"))
        if get("published") is not None and not isinstance(get("published"), bool):
            return None
        _images(get("images"))
    except _Tolerant:
        return None
    return clean


def _text(value: object, one_line: bool = True) -> str | None:
    """``FieldReader.text`` for a value that needs no word: text, cleaned."""
    if value is None:
        return None
    if type(value) is not str:
        raise _Tolerant  # a number or a structure where text belongs: the tolerant path says so
    if "&" in value:
        value = unescape_entities(value)
    result = clean_line(value) if one_line else clean_text(value).strip()
    return result or None


def _link(value: object) -> str | None:
    """``FieldReader.url``: the cleaned text, when it opens as written."""
    text = _text(value)
    if text is not None and safe_url(text) != text:  # (text is trimmed, so == text.strip())
        raise _Tolerant
    return text


def _date(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (str, datetime)):
        raise _Tolerant
    parsed = parse_datetime(value)
    if parsed is None:
        raise _Tolerant
    return parsed.timestamp()


def _integer(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Tolerant
    return int(value)


def _provider(value: object) -> str:
    """The provider's name ("" for none), when ``FieldReader.provider`` has nothing to say."""
    if value is None:
        return ""
    if type(value) is not dict:
        raise _Tolerant
    name = _text(value.get("name"))
    domain = _text(value.get("domain"))  # read even when unused: a wrong type is a problem
    name = name or domain
    if not name:
        raise _Tolerant
    _images(value.get("images"))
    return name


def _topics(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if type(value) is not list or len(value) > MAX_TOPICS:
        raise _Tolerant
    seen: dict[str, None] = {}
    for item in value:
        if type(item) is not str:
            raise _Tolerant
        text = _text(item)
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _images(value: object) -> None:
    if value is None:
        return
    for item in (value if type(value) is list else [value])[:MAX_IMAGES]:
        if type(item) is str:
            continue
        if type(item) is not dict or item.get("url") is None:
            raise _Tolerant
        _text(item.get("url"))


_RELATED_LINKS = ("webUrl", "originalUrl", "url", "ampWebUrl", "cdnAmpWebUrl")


def _related(value: object) -> list[str | None]:
    """The related entries' links, when ``FieldReader.related`` keeps every entry quietly."""
    if value is None:
        return ()
    if type(value) is not list or len(value) > MAX_RELATED:
        raise _Tolerant
    links = []
    for item in value:
        if type(item) is not dict:
            raise _Tolerant
        get = item.get
        if not _text(get("title")):
            raise _Tolerant
        url = None
        for key in _RELATED_LINKS:
            if get(key) is not None:
                url = _link(get(key))
                if url:
                    break
        _text(get("excerpt"), one_line=False)
        _provider(get("provider"))
        _date(get("publishedDateTime"))
        links.append(url)
    return links
