"""Frozen value types shared by the loader, the store, the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

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
        where = f"{self.path}:{self.line}" if self.line else self.path
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
