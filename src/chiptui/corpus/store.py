"""CorpusStore: one immutable snapshot of a corpus that every pane and command reads.

The store never changes after it is built; a reload builds a new one. Filtering
returns a new ``FilterResult``; sort orders are computed once, on first use, and
filtering walks a pre-sorted order, so it costs one pass over the corpus.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from chiptui.corpus.clean import _blocks, clean_body
from chiptui.corpus.loader import DEFAULT_MAX_BYTES, load_corpus, read_text, url_index, url_key
from chiptui.corpus.models import Article, Problem
from chiptui.corpus.search import Hit, SearchIndex

SORTS = ("newest", "oldest", "quality", "heat", "title", "relevance")
_EPOCH_MIN = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    topics: tuple[Facet, ...]
    providers: tuple[Facet, ...]


@dataclass(frozen=True)
class FilterResult(Sequence[Article]):
    """Articles that passed a filter, in order, with the search hit of each when there was a query."""

    store: CorpusStore
    indices: tuple[int, ...]
    hits: dict[int, Hit] = field(default_factory=dict)
    query: str = ""
    topics: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    sort: str = "newest"

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self.store.articles[i] for i in self.indices[position]]
        return self.store.articles[self.indices[position]]

    def __iter__(self) -> Iterator[Article]:
        articles = self.store.articles
        return (articles[i] for i in self.indices)

    def hit(self, position: int) -> Hit | None:
        return self.hits.get(self.indices[position])

    def position_of(self, article_id: str) -> int | None:
        index = self.store.index_of(article_id)
        if index is None:
            return None
        try:
            return self.indices.index(index)
        except ValueError:
            return None


class CorpusStore:
    """Articles, problems, lookups, facets and filtering over one corpus snapshot."""

    def __init__(
        self,
        articles: Iterable[Article],
        problems: Iterable[Problem] = (),
        *,
        files: int = 0,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.articles: tuple[Article, ...] = tuple(articles)
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.files = files
        self.max_bytes = max_bytes
        self._by_id = {a.id: i for i, a in enumerate(self.articles)}
        self._by_url: dict[str, int] | None = None  # built on first lookup: not start-up work
        self._orders: dict[str, tuple[int, ...]] = {}
        self._search: SearchIndex | None = None
        self._topic_sets: dict[str, frozenset[int]] | None = None
        self._provider_sets: dict[str, frozenset[int]] | None = None
        self._lock = threading.Lock()
        self._body = lru_cache(maxsize=256)(self._read_body)

    @classmethod
    def load(cls, paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusStore:
        corpus = load_corpus(paths, max_bytes)
        return cls(corpus.articles, corpus.problems, files=corpus.files, max_bytes=max_bytes)

    # -- lookups -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.articles)

    def get(self, article_id: str) -> Article | None:
        index = self._by_id.get(article_id)
        return None if index is None else self.articles[index]

    def index_of(self, article_id: str) -> int | None:
        return self._by_id.get(article_id)

    def by_url(self, url: str) -> Article | None:
        with self._lock:
            if self._by_url is None:
                self._by_url = url_index(self.articles)
        key = url_key(url)
        index = self._by_url.get(key) if key else None
        return None if index is None else self.articles[index]

    def find(self, text: str) -> Article | None:
        """An article by id, unique id prefix, URL, or else the best title match."""
        text = text.strip()
        if not text:
            return None
        found = self.get(text) or self.by_url(text)
        if found:
            return found
        prefixed = [a for a in self.articles if a.id.startswith(text)]
        if len(prefixed) == 1:
            return prefixed[0]
        lowered = text.casefold()
        exact = [a for a in self.articles if a.title.casefold() == lowered]
        if exact:
            return exact[0]
        result = self.filter(query=text, sort="relevance")
        return result[0] if len(result) else None

    # -- problems ------------------------------------------------------------

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    # -- facets ----------------------------------------------------------------

    def facets(self, within: Iterable[int] | None = None) -> Facets:
        """Topics and providers with counts, most frequent first (then by name)."""
        topics: Counter[str] = Counter()
        providers: Counter[str] = Counter()
        articles = self.articles
        source = articles if within is None else (articles[i] for i in within)
        for article in source:
            topics.update(article.topics)
            if article.provider:
                providers[article.provider.name] += 1
        return Facets(_ranked(topics), _ranked(providers))

    def _facet_sets(self) -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
        with self._lock:
            if self._topic_sets is None or self._provider_sets is None:
                topics: dict[str, set[int]] = {}
                providers: dict[str, set[int]] = {}
                for i, article in enumerate(self.articles):
                    for topic in article.topics:
                        topics.setdefault(topic, set()).add(i)
                    if article.provider:
                        providers.setdefault(article.provider.name, set()).add(i)
                self._topic_sets = {k: frozenset(v) for k, v in topics.items()}
                self._provider_sets = {k: frozenset(v) for k, v in providers.items()}
            return self._topic_sets, self._provider_sets

    # -- filtering -------------------------------------------------------------

    def order(self, sort: str) -> tuple[int, ...]:
        """Every article index in the given sort order (computed once)."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        if sort == "relevance":
            sort = "newest"
        with self._lock:
            cached = self._orders.get(sort)
        if cached is not None:
            return cached
        articles = self.articles
        n = range(len(articles))
        if sort == "newest":
            order = sorted(n, key=lambda i: (articles[i].published is None, _neg_time(articles[i].published), articles[i].title.casefold()))
        elif sort == "oldest":
            order = sorted(n, key=lambda i: (articles[i].published is None, articles[i].published or _EPOCH_MIN, articles[i].title.casefold()))
        elif sort == "quality":
            order = sorted(n, key=lambda i: (articles[i].quality is None, -(articles[i].quality or 0), _neg_time(articles[i].published)))
        elif sort == "heat":
            order = sorted(n, key=lambda i: (articles[i].heat is None, -(articles[i].heat or 0), _neg_time(articles[i].published)))
        else:
            order = sorted(n, key=lambda i: (articles[i].title.casefold(), articles[i].id))
        result = tuple(order)
        with self._lock:
            self._orders[sort] = result
        return result

    def search_index(self) -> SearchIndex:
        with self._lock:
            if self._search is None:
                extras = [
                    " ".join(((a.provider.name if a.provider else ""), *a.topics)) for a in self.articles
                ]
                self._search = SearchIndex([a.title for a in self.articles], extras)
            return self._search

    def allowed(self, topics: Sequence[str] = (), providers: Sequence[str] = ()) -> frozenset[int] | None:
        """Indices passing the facet selection (OR within a section, AND across), or None for all."""
        if not topics and not providers:
            return None
        topic_sets, provider_sets = self._facet_sets()
        result: frozenset[int] | None = None
        for names, sets in ((topics, topic_sets), (providers, provider_sets)):
            if not names:
                continue
            union = frozenset().union(*(sets.get(name, frozenset()) for name in names))
            result = union if result is None else result & union
        return result

    def filter(
        self,
        query: str = "",
        topics: Sequence[str] = (),
        providers: Sequence[str] = (),
        sort: str = "newest",
        candidates: Iterable[int] | None = None,
    ) -> FilterResult:
        """Articles matching the query and facets, ordered by ``sort``.

        ``candidates`` narrows the search to earlier hits (a longer query only
        needs to look at what the shorter one found).
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        allowed = self.allowed(topics, providers)
        hits: dict[int, Hit] = {}
        if query.strip():
            pool: Iterable[int] | None = candidates
            if allowed is not None:
                pool = sorted(allowed if pool is None else allowed.intersection(pool))
            found = self.search_index().search(query, None if pool is None else list(pool))
            hits = {hit.index: hit for hit in found}
            if sort == "relevance":
                rank = {i: r for r, i in enumerate(self.order("newest"))}
                indices = tuple(sorted(hits, key=lambda i: (-hits[i].score, rank[i])))
            else:
                indices = tuple(i for i in self.order(sort) if i in hits)
        elif allowed is not None:
            indices = tuple(i for i in self.order(sort) if i in allowed)
        else:
            indices = self.order(sort)
        return FilterResult(self, indices, hits, query, tuple(topics), tuple(providers), sort)

    def refine(self, result: FilterResult, topics: Sequence[str] = (), providers: Sequence[str] = ()) -> FilterResult:
        """``result`` narrowed by a facet selection, keeping its order and hits (no new search)."""
        allowed = self.allowed(topics, providers)
        indices = result.indices if allowed is None else tuple(i for i in result.indices if i in allowed)
        hits = result.hits if allowed is None else {i: h for i, h in result.hits.items() if i in allowed}
        return FilterResult(self, indices, hits, result.query, tuple(topics), tuple(providers), result.sort)

    # -- bodies ------------------------------------------------------------------

    def body(self, article: Article | str) -> list[str] | None:
        """The cleaned paragraphs of an article's body, read on demand; None when it has none."""
        if isinstance(article, str):
            found = self.get(article)
            if found is None:
                return None
            article = found
        if article.body is None:
            return None
        paragraphs = self._body(article.body.path, article.body.kind, article.body.offset, article.title)
        return list(paragraphs) if paragraphs is not None else None

    def _read_body(self, path: str, kind: str, offset: int, title: str) -> tuple[str, ...] | None:
        text, _ = read_text(path, self.max_bytes)
        if text is None:
            return None
        text = text[offset:]
        paragraphs = clean_body(text, title)
        if not paragraphs and kind == "card":
            paragraphs = _blocks(text)  # a card's own body is the author's text: never lose it
        return tuple(paragraphs) or None


def _neg_time(value: datetime | None) -> float:
    return -value.timestamp() if value else 0.0


def _ranked(counter: Counter[str]) -> tuple[Facet, ...]:
    return tuple(Facet(name, count) for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold())))
