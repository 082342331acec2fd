"""Frozen value types shared by the loader, the store, the CLI and the UI."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import accumulate, chain
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file.

    ``error`` means the file (or that part of it) was skipped; ``warning`` means the
    article was kept, perhaps with a field dropped or coerced.
    """

    path: str
    line: int | None
    severity: Severity
    message: str

    def format(self) -> str:
        """``PATH:LINE: severity: message``, the path with its control characters and
        non-UTF-8 bytes shown as escapes (a file name may hold terminal escapes)."""
        from chiptui.corpus.sanitize import display_path

        shown = display_path(self.path)
        where = f"{shown}:{self.line}" if self.line else shown
        return f"{where}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "severity": self.severity, "message": self.message}


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    domain: str | None = None
    images: tuple[Image, ...] = ()


@dataclass(frozen=True, slots=True)
class Urls:
    web: str | None = None
    original: str | None = None
    amp: str | None = None
    cdn_amp: str | None = None

    def candidates(self) -> tuple[str, ...]:
        """Every URL given, in the order we prefer to open them."""
        return tuple(u for u in (self.web, self.original, self.amp, self.cdn_amp) if u)


@dataclass(frozen=True, slots=True)
class Related:
    """Other coverage of the same story, as listed in an article card."""

    title: str
    excerpt: str | None = None
    url: str | None = None
    provider: Provider | None = None
    published: datetime | None = None
    article_id: str | None = None  # set when the URL is an article of this corpus
    raw_url: str | None = None  # the URL as written, when it is not one we open


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Where an article's body text lives; the text is read and cleaned on demand.

    ``offset`` is a character offset into the decoded file (the text after the
    closing ``---`` of a card), or 0 for a scraped page.
    """

    path: str
    kind: Literal["card", "scraped"]
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    source: str
    excerpt: str | None = None
    published: datetime | None = None
    provider: Provider | None = None
    topics: tuple[str, ...] = ()
    urls: Urls = field(default_factory=Urls)
    url: str | None = None  # the first safe (http/https) URL of ``urls``
    quality: int | None = None
    heat: int | None = None
    type: str | None = None
    category: str | None = None
    is_published: bool | None = None
    images: tuple[Image, ...] = ()
    related: tuple[Related, ...] = ()
    body: BodyRef | None = None

    @property
    def provider_name(self) -> str:
        return self.provider.name if self.provider else ""


class Entry(NamedTuple):
    """One article as the list, filter, facets and sorts need it: small and cheap to load.

    A store of 100,000 articles keeps only these in memory; the full ``Article``
    (excerpt, related coverage, images) is read from its file when it is shown.
    """

    id: str
    title: str
    provider: str  # provider name, "" when the card names none
    stamp: float | None  # publishedDateTime as seconds since the epoch (UTC)
    topics: tuple[str, ...]
    quality: int | None
    heat: int | None
    url: str | None  # the first safe (http/https) URL
    path: str  # the card's file
    body: tuple[str, str, int] | None  # (path, "card" | "scraped", offset) of the body text
    links: tuple[tuple[int, str], ...] | None  # (related position, article id) inside the corpus
    kind: str | None = None  # the card's ``type`` (article, video, ...)
    related: int = 0  # how many related entries the card lists

    @property
    def published(self) -> datetime | None:
        return datetime.fromtimestamp(self.stamp, timezone.utc) if self.stamp is not None else None

    @property
    def date(self) -> str:
        """YYYY-MM-DD, or "" without a date."""
        return self.published.strftime("%Y-%m-%d") if self.stamp is not None else ""  # type: ignore[union-attr]

    @property
    def provider_name(self) -> str:
        return self.provider


class Columns(NamedTuple):
    """Entries stored field by field: what the index saves and a store keeps.

    100,000 articles load from the index in a fraction of the time a list of
    objects would take, and the store sorts, counts and searches these lists
    directly. ``EntryList`` gives the row view.
    """

    ids: list[str]
    titles: list[str]
    providers: list[str]
    stamps: list[float | None]
    topics: list[tuple[str, ...]]
    quality: list[int | None]
    heat: list[int | None]
    urls: list[str | None]
    paths: list[str]
    bodies: list[tuple[str, str, int] | None]
    links: list[tuple[tuple[int, str], ...] | None]
    kinds: list[str | None]
    related: list[int]

    @classmethod
    def of(cls, entries: list[Entry]) -> Columns:
        if not entries:
            return cls(*([] for _ in Entry._fields))
        return cls(*(list(column) for column in zip(*entries, strict=True)))


class StrColumn(Sequence[str | None]):
    """A column of strings (or None) held as one string and the end of each value in it:
    about a byte a character, where a list holds a Python string of 50 bytes and more per
    article, and it loads from the index as one string instead of 100,000. A value is made
    when it is read, so this suits the columns read a row at a time (links, paths)."""

    __slots__ = ("_ends", "_text")
    _NONE = "\x00"  # no text of a corpus has it (control characters are removed at load)

    def __init__(self, text: str, ends: array) -> None:
        self._text = text
        self._ends = ends

    @classmethod
    def of(cls, values: Iterable[str | None]) -> StrColumn:
        parts = ["\x00" if v is None else v for v in values]
        ends = array("Q", accumulate(map(len, parts)))
        return cls("".join(parts), ends)

    def to_state(self) -> tuple[str, bytes]:
        return self._text, self._ends.tobytes()

    @classmethod
    def from_state(cls, state: tuple[str, bytes]) -> StrColumn:
        text, packed = state
        ends = array("Q")
        ends.frombytes(packed)
        return cls(text, ends)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._ends)))]
        ends = self._ends
        if index < 0:
            index += len(ends)
        end = ends[index]  # IndexError past the end, as a list
        value = self._text[ends[index - 1] if index else 0 : end]
        return None if value == self._NONE else value

    def __iter__(self) -> Iterator[str | None]:
        text, none, start = self._text, self._NONE, 0
        for end in self._ends:
            value = text[start:end]
            yield None if value == none else value
            start = end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (StrColumn, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class EntryList(Sequence[Entry]):
    """A read-only sequence of ``Entry`` built from ``Columns`` on access."""

    __slots__ = ("columns",)

    def __init__(self, columns: Columns) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns.ids)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        c = self.columns
        return Entry(
            c.ids[index], c.titles[index], c.providers[index], c.stamps[index], c.topics[index], c.quality[index],
            c.heat[index], c.urls[index], c.paths[index], c.bodies[index], c.links[index], c.kinds[index],
            c.related[index],
        )

    def __iter__(self) -> Iterator[Entry]:
        return map(Entry._make, zip(*self.columns, strict=True))


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    topics: tuple[Facet, ...]
    providers: tuple[Facet, ...]


def count_facets(topics: Iterable[tuple[str, ...]], providers: Iterable[str]) -> Facets:
    topic_counts = Counter(chain.from_iterable(topics))
    provider_counts = Counter(providers)
    provider_counts.pop("", None)
    return Facets(_ranked(topic_counts), _ranked(provider_counts))


def _ranked(counter: Counter[str]) -> tuple[Facet, ...]:
    return tuple(Facet(name, count) for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold())))
