"""CorpusStore: one immutable snapshot of a corpus that every pane and command reads.

The store never changes after it is built; a reload builds a new one. Filtering
returns a new ``FilterResult``; sort orders are computed once, on first use, and
filtering walks a pre-sorted order, so it costs one pass over the corpus.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain
from typing import TYPE_CHECKING

from chiptui.corpus.loader import (
    DEFAULT_MAX_BYTES,
    date_order,
    materialize,
    parse_file,
    read_text,
    url_key,
)
from chiptui.corpus.models import (
    Article,
    Columns,
    Entry,
    EntryList,
    Facets,
    Problem,
    count_facets,
)
from chiptui.corpus.query import (
    And,
    DateRange,
    FullText,
    Fuzzy,
    Has,
    Kind,
    Node,
    Not,
    NumberRange,
    Or,
    Phrase,
    Query,
    State,
    facet_matches,
)
from chiptui.corpus.query import Facet as FacetTerm
from chiptui.corpus.search import AnswerCache, Hit, Postings, SearchIndex, Stopped, extras_of, query_tokens

if TYPE_CHECKING:
    from chiptui.corpus.index import CorpusIndex, IndexStatus, Progress, Snapshot
    from chiptui.corpus.state import StateStore

SORTS = ("newest", "oldest", "quality", "heat", "title", "relevance")


_SCANS_BEFORE_ID_DICT = 64  # id lookups that scan before a store builds its dict of ids


@dataclass(frozen=True)
class FilterResult(Sequence[Entry]):
    """Articles that passed a filter, in order, with the score of each when there was a query."""

    store: CorpusStore
    indices: Sequence[int]
    scores: dict[int, float] = field(default_factory=dict)
    query: str = ""
    topics: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    sort: str = "newest"
    text: str = ""

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self.store.entries[i] for i in self.indices[position]]
        return self.store.entries[self.indices[position]]

    def __iter__(self) -> Iterator[Entry]:
        entries = self.store.entries
        return (entries[i] for i in self.indices)

    def hit(self, position: int) -> Hit | None:
        """The match at ``position``, with title spans (computed now, for rows being drawn)."""
        index = self.indices[position]
        score = self.scores.get(index)
        if score is None:
            return None
        return Hit(index, score, self.store.search_index().spans(query_tokens(self.query), index))

    def position_of(self, article_id: str, hint: int | None = None) -> int | None:
        """Where the article is in this result; ``hint``: the index it is thought to have (a
        list keeping its cursor knows it), checked, which saves looking the id up."""
        ids = self.store.columns.ids
        index = hint if hint is not None and 0 <= hint < len(ids) and ids[hint] == article_id else None
        if index is None:
            index = self.store.index_of(article_id)
        if index is None:
            return None
        try:
            return self.indices.index(index)
        except ValueError:
            return None


class CorpusStore:
    """Entries, problems, lookups, facets and filtering over one corpus snapshot.

    Only the light ``Entry`` of each article lives here; ``article()`` reads the
    full card from its file when one is shown, and ``body()`` its cleaned text.
    """

    def __init__(
        self,
        entries: Iterable[Entry] | Columns,
        problems: Iterable[Problem] = (),
        *,
        files: int = 0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        index: CorpusIndex | None = None,
        status: IndexStatus | None = None,
        vocabulary: list[str] | None = None,
        newest_first: bool = False,
        facets: Facets | None = None,
        extras: list[str] | None = None,
    ) -> None:
        self.columns = entries if isinstance(entries, Columns) else Columns.of(list(entries))
        self.entries: Sequence[Entry] = EntryList(self.columns)
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.files = files
        self.max_bytes = max_bytes
        self.index = index
        self.roots: list[str] = list(index.roots) if index is not None else []
        self.generation: int | None = None  # the index generation this store was built from
        self.status = status
        self._by_id: dict[str, int] | None = None
        self._id_scans = 0
        self._by_url: dict[str, int] | None = None
        self._orders: dict[str, Sequence[int]] = {}
        if newest_first:  # the index saves entries newest first: that order is free
            self._orders["newest"] = range(len(self.columns.ids))
        self._vocabulary = vocabulary
        self._facets = facets
        self._extras = extras
        self._search: SearchIndex | None = None
        self._topic_sets: dict[str, frozenset[int]] | None = None
        self._provider_sets: dict[str, frozenset[int]] | None = None
        self._by_path: dict[str, int] | None = None
        self._state_keys: list[str] | None = None
        # the answers of recent query terms: at most as many indices in all as the corpus has
        # articles (at a million, some 30 MB of sets at most)
        articles = max(len(self.columns.ids), 1000)
        self._terms: AnswerCache[Node, frozenset[int]] = AnswerCache(articles, articles)
        self._lock = threading.RLock()
        # caches of functions, not of bound methods: a cache holding its store would make a
        # reference cycle, and a replaced store would wait for a full collection to be freed
        # (the browser freezes its heap after loading, so it would never be)
        self._body = lru_cache(maxsize=256)(partial(_read_body, max_bytes))
        self._article = lru_cache(maxsize=256)(partial(_read_article, max_bytes))

    @classmethod
    def load(
        cls, paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
        cached: bool = False,
    ) -> CorpusStore:
        """The corpus under ``paths`` through its index (built or refreshed as needed).

        ``cached``: the index's last snapshot as it is, without looking at the files (what a
        script that accepts the corpus as last indexed wants); refreshed only when there is none."""
        from chiptui.corpus.index import CorpusIndex

        index = CorpusIndex(list(paths), max_bytes)
        snapshot = index.cached_snapshot() if cached else None
        if snapshot is None:
            snapshot = index.refresh(progress)
        assert snapshot is not None
        return cls.from_snapshot(snapshot, index, max_bytes)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, index: CorpusIndex, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusStore:
        store = cls(
            snapshot.columns, snapshot.problems, files=snapshot.files, max_bytes=max_bytes,
            index=index, status=snapshot.status, vocabulary=snapshot.vocabulary, newest_first=True,
            facets=snapshot.facets, extras=snapshot.extras,  # type: ignore[arg-type]
        )
        store.generation = snapshot.generation
        store._state_keys = snapshot.keys
        return store

    # -- lookups -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, article_id: str) -> Entry | None:
        index = self.index_of(article_id)
        return None if index is None else self.entries[index]

    def index_of(self, article_id: str) -> int | None:
        """The article's index. The first lookups scan the ids (a loop in C: 5-10 ms at a
        million articles); a dict of them, 60 MB and half a second to build at a million (on
        whichever thread asks, often the screen's), is made only once lookups keep coming."""
        with self._lock:
            if self._by_id is None:
                self._id_scans += 1
                if self._id_scans > _SCANS_BEFORE_ID_DICT:
                    self._by_id = {article_id: i for i, article_id in enumerate(self.columns.ids)}
            by_id = self._by_id
        if by_id is not None:
            return by_id.get(article_id)
        try:
            return self.columns.ids.index(article_id)  # (ids are unique in a store)
        except ValueError:
            return None

    def by_url(self, url: str) -> Entry | None:
        with self._lock:
            if self._by_url is None:
                urls: dict[str, int] = {}
                for position, page in enumerate(self.columns.urls):
                    key = url_key(page)
                    if key:
                        urls.setdefault(key, position)
                self._by_url = urls
        key = url_key(url)
        index = self._by_url.get(key) if key else None
        return None if index is None else self.entries[index]

    def provider_by_domain(self, domain: str) -> str | None:
        """The provider whose articles' links are on ``domain`` (``example.com``, with or
        without ``www.`` or a scheme), the most frequent one when several share it."""
        host = domain.strip().casefold()
        for prefix in ("https://", "http://"):
            host = host.removeprefix(prefix)
        host = host.split("/", 1)[0].removeprefix("www.")
        if "." not in host:
            return None
        found: Counter[str] = Counter()
        for url, provider in zip(self.columns.urls, self.columns.providers, strict=True):
            if url and provider:
                url_host = url.split("/", 3)[2].split(":", 1)[0].casefold() if url.count("/") >= 2 else ""
                if url_host == host or url_host.endswith("." + host):
                    found[provider] += 1
        return found.most_common(1)[0][0] if found else None

    def find(self, text: str) -> Entry | None:
        """An article by id, unique id prefix, URL, or else the best title match."""
        text = text.strip()
        if not text:
            return None
        found = self.get(text) or self.by_url(text)
        if found:
            return found
        prefixed = [i for i, article_id in enumerate(self.columns.ids) if article_id.startswith(text)]
        if len(prefixed) == 1:
            return self.entries[prefixed[0]]
        lowered = text.casefold()
        exact = [i for i, title in enumerate(self.columns.titles) if title.casefold() == lowered]
        if exact:
            return self.entries[exact[0]]
        result = self.filter(query=text, sort="relevance")
        return result[0] if len(result) else None

    def article(self, which: Entry | str) -> Article | None:
        """The full card of an entry, read from its file now; None if it no longer holds one."""
        entry = self.get(which) if isinstance(which, str) else which
        if entry is None:
            return None
        return self._article(entry)

    # -- problems ------------------------------------------------------------

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    # -- facets ----------------------------------------------------------------

    def facets(self, within: Iterable[int] | None = None) -> Facets:
        """Topics and providers with counts, most frequent first (then by name)."""
        c = self.columns
        if within is None:
            if self._facets is None:
                self._facets = count_facets(c.topics, c.providers)
            return self._facets
        chosen = list(within)
        return count_facets([c.topics[i] for i in chosen], [c.providers[i] for i in chosen])

    def facet_counts(
        self, base: Sequence[int], topics: Sequence[str] = (), providers: Sequence[str] = (),
        stop: Callable[[], bool] | None = None,
    ) -> dict[tuple[str, str], int]:
        """Sidebar counts for the articles ``base`` (a text filter's result): each section is
        narrowed by the selection in the *other* section, so a count says what picking it gives.

        Counting a million articles' topics is one long call in C that holds the interpreter's
        lock for a quarter of a second: it is done in slices, ``stop`` asked between them (see
        ``run_query``), and the whole corpus's counts are the ones kept since the load."""
        c = self.columns
        by_provider = self.allowed((), providers)
        by_topic = self.allowed(topics, ())
        topic_source = base if by_provider is None else [i for i in base if i in by_provider]
        provider_source = base if by_topic is None else [i for i in base if i in by_topic]
        everything = len(c.ids)
        if isinstance(topic_source, range) and len(topic_source) == everything:
            counts = {("topic", facet.name): facet.count for facet in self.facets().topics}
        else:
            topic_counts: Counter[str] = Counter()
            for part in _slices(topic_source, stop):
                topic_counts.update(chain.from_iterable(map(c.topics.__getitem__, part)))
            counts = {("topic", name): n for name, n in topic_counts.items()}
        if isinstance(provider_source, range) and len(provider_source) == everything:
            counts.update({("provider", facet.name): facet.count for facet in self.facets().providers})
        else:
            provider_counts: Counter[str] = Counter()
            for part in _slices(provider_source, stop):
                provider_counts.update(map(c.providers.__getitem__, part))
            provider_counts.pop("", None)
            counts.update({("provider", name): n for name, n in provider_counts.items()})
        return counts

    def _facet_sets(self) -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
        with self._lock:
            if self._topic_sets is None or self._provider_sets is None:
                topics: dict[str, set[int]] = {}
                providers: dict[str, set[int]] = {}
                for i, (names, provider) in enumerate(zip(self.columns.topics, self.columns.providers, strict=True)):
                    for topic in names:
                        topics.setdefault(topic, set()).add(i)
                    if provider:
                        providers.setdefault(provider, set()).add(i)
                self._topic_sets = {k: frozenset(v) for k, v in topics.items()}
                self._provider_sets = {k: frozenset(v) for k, v in providers.items()}
            return self._topic_sets, self._provider_sets

    # -- filtering -------------------------------------------------------------

    def order(self, sort: str) -> Sequence[int]:
        """Every article index in the given sort order (computed once)."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        if sort == "relevance":
            sort = "newest"
        with self._lock:
            cached = self._orders.get(sort)
        if cached is not None:
            return cached
        c = self.columns
        n = range(len(c.ids))
        if sort in ("newest", "oldest"):
            order = date_order(c.titles, c.stamps, newest=sort == "newest")
        elif sort in ("quality", "heat"):
            newest = self.order("newest")
            values = c.quality if sort == "quality" else c.heat
            keys = [(v is None, -(v or 0)) for v in values]
            order = sorted(newest, key=keys.__getitem__)
        else:
            order = sorted(n, key=lambda i: (c.titles[i].casefold(), c.ids[i]))
        # the index saves entries newest first: that order is then the articles' own, held as
        # a range (no million-entry tuple), and a selection is put in it by sorting its numbers
        result: Sequence[int] = n if order == list(n) else tuple(order)
        with self._lock:
            self._orders[sort] = result
        return result

    def _in_order(self, chosen: Collection[int], sort: str) -> list[int]:
        """The CHOSEN indices in the order of ``sort``."""
        order = self.order(sort)
        if isinstance(order, range):
            return sorted(chosen)
        return [i for i in order if i in chosen]

    def search_index(self) -> SearchIndex:
        with self._lock:
            if self._search is None:
                extras = self._extras or extras_of(self.columns.providers, self.columns.topics)
                saved = _IndexPostings(self.index, self.generation) if self.index is not None else None
                self._search = SearchIndex(self.columns.titles, extras, self._vocabulary, saved)
            return self._search

    def warm_search(self) -> None:
        """Build the search structures now (the browser does this in the background)."""
        self.search_index().warm()
        self.order("newest")

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

    def text_matches(self, words: str) -> frozenset[int] | None:
        """Articles whose excerpt or body holds every word (full-text search); None for no words."""
        if not words.strip():
            return None
        if self.index is None:
            return frozenset()
        paths = self.index.search_text(words)
        if paths is None:
            return None
        by_path = self._paths()
        return frozenset(by_path[p] for p in paths if p in by_path)

    def _paths(self) -> dict[str, int]:
        """Article index by file: its card's, and its scraped body's."""
        with self._lock:
            if self._by_path is None:
                by_path: dict[str, int] = {}
                for i, (path, body) in enumerate(zip(self.columns.paths, self.columns.bodies, strict=True)):
                    by_path[path] = i
                    if body is not None and body[0] != path:
                        by_path[body[0]] = i
                self._by_path = by_path
            return self._by_path

    def by_path(self, path: str) -> Entry | None:
        """The article whose card or scraped body is the file ``path``."""
        index = self._paths().get(path)
        return None if index is None else self.entries[index]

    def state_keys(self) -> list[str]:
        """Each article's reader-state key (its canonical link, else its id), computed once."""
        from chiptui.corpus.state import state_keys_of

        with self._lock:
            if self._state_keys is None and self.index is not None and self.generation is not None:
                saved = self.index.saved_value("keys", self.generation)  # kept by the index
                if isinstance(saved, list) and len(saved) == len(self.columns.ids):
                    self._state_keys = saved
            if self._state_keys is None:
                self._state_keys = state_keys_of(self.columns.urls, self.columns.ids)
            return self._state_keys

    def state_key(self, entry: Entry) -> str:
        from chiptui.corpus.state import state_key

        return state_key(entry.url, entry.id)

    def marked(self, keys: set[str] | frozenset[str], within: Iterable[int] | None = None) -> list[int]:
        """Indices (of ``within``, else of all) whose state key is in ``keys``."""
        if not keys:  # nothing marked: the keys of every article (a million strings) are not wanted
            return []
        all_keys = self.state_keys()
        indices = range(len(all_keys)) if within is None else within
        return [i for i in indices if all_keys[i] in keys]

    def scraped_pages(self) -> int:
        """How many articles have their body from a scraped page."""
        return sum(1 for body in self.columns.bodies if body is not None and body[1] == "scraped")

    def article_paths(self) -> frozenset[str]:
        return frozenset(self._paths())

    def filter(
        self,
        query: str = "",
        topics: Sequence[str] = (),
        providers: Sequence[str] = (),
        sort: str = "newest",
        candidates: Iterable[int] | None = None,
        text: str = "",
    ) -> FilterResult:
        """Articles matching the query, the full-text words and the facets, ordered by ``sort``."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        allowed = self.allowed(topics, providers)
        in_text = self.text_matches(text)
        if in_text is not None:
            allowed = in_text if allowed is None else allowed & in_text
        scores: dict[int, float] = {}
        indices: Sequence[int]
        if query.strip():
            pool: Iterable[int] | None = candidates
            if allowed is not None:
                pool = allowed if pool is None else allowed.intersection(pool)
            scores = self.search_index().scores(query, None if pool is None else list(pool))
            if sort == "relevance":
                # best score first; the sort is stable (also reversed), so ties stay newest first
                by_date = [i for i in self.order("newest") if i in scores]
                indices = sorted(by_date, key=scores.__getitem__, reverse=True)
            else:
                indices = [i for i in self.order(sort) if i in scores]
        elif allowed is not None:
            indices = [i for i in self.order(sort) if i in allowed]
        else:
            indices = self.order(sort)
        return FilterResult(self, indices, scores, query, tuple(topics), tuple(providers), sort, text)

    def run_query(
        self,
        query: Query,
        state: StateStore | None = None,
        sort: str | None = None,
        topics: Sequence[str] = (),
        providers: Sequence[str] = (),
        stop: Callable[[], bool] | None = None,
    ) -> FilterResult:
        """The articles a parsed query selects, ordered by its ``sort:``, else ``sort``, else
        relevance when it has fuzzy words and newest first when it has none.

        The tree is compiled to column scans and set operations (and FTS5 for ``text:``):
        no per-article Python beyond one pass over a column per structured term. ``stop`` is
        asked between the costly steps; when it says so, ``search.Stopped`` is raised (a
        browser typed over: the answer is not wanted, and the newer query needs the core)."""
        words = query.fuzzy_words()
        order = query.sort or sort or ("relevance" if words else "newest")
        # the required fuzzy words are searched once, below, ranked, among what the rest selects
        rest = query.without_fuzzy_words()
        selected = self._evaluate(rest, state, stop) if rest is not None else None
        if stop is not None and stop():
            raise Stopped
        allowed = self.allowed(topics, providers)
        if allowed is not None:
            selected = allowed if selected is None else selected & allowed
        fuzzy = " ".join(words)
        if words:
            scores = self.search_index().scores(fuzzy, selected, stop)  # (only the pool's, when given)
            chosen: set[int] | frozenset[int] = scores.keys()
        else:
            scores = {}
            chosen = selected if selected is not None else frozenset()
        if order == "relevance" and scores:
            # best first, the newest first among equals (the sort is stable)
            indices: Sequence[int] = sorted(self._in_order(chosen, "newest"), key=scores.__getitem__, reverse=True)
        elif selected is None and not words:
            indices = self.order("relevance" if order == "relevance" else order)
        else:
            indices = self._in_order(chosen, order)
        shown_sort = order if (order != "relevance" or scores) else "newest"
        return FilterResult(self, indices, scores, fuzzy,  # (every index listed has its score: no copy)
                            tuple(topics), tuple(providers), shown_sort, " ".join(query.text_words()))

    def _evaluate(self, node: Node, state: StateStore | None, stop: Callable[[], bool] | None = None) -> frozenset[int]:
        """The indices a term selects (the in-memory backend of the query tree); ``stop`` is
        asked before each term (see ``run_query``). A query is typed a letter at a time, and
        its finished terms stay the same from one keystroke to the next: their answers are
        kept (``AnswerCache``), except a term that reads the marks, which change under it."""
        if stop is not None and stop():
            raise Stopped
        kept = self._terms.get(node)
        if kept is not None:
            return kept
        found = self._evaluate_term(node, state, stop)
        if not _reads_marks(node):
            self._terms.put(node, found)
        return found

    def _evaluate_term(self, node: Node, state: StateStore | None, stop: Callable[[], bool] | None) -> frozenset[int]:
        c = self.columns
        everything = range(len(c.ids))
        if isinstance(node, And):
            result: frozenset[int] | None = None
            # cheap terms first; a fuzzy word is searched only among what the rest allows
            for child in sorted(node.children, key=lambda n: isinstance(n, (Fuzzy, Not))):
                if isinstance(child, Not) and result is not None:
                    result = result - self._evaluate(child.child, state, stop)  # not the complement of everything
                else:
                    part = self._evaluate(child, state, stop)
                    result = part if result is None else result & part
                if not result:
                    return frozenset()
            return result or frozenset()
        if isinstance(node, Or):
            union: set[int] = set()
            for child in node.children:
                union |= self._evaluate(child, state, stop)
            return frozenset(union)
        if isinstance(node, Not):
            return frozenset(everything) - self._evaluate(node.child, state, stop)
        if isinstance(node, Fuzzy):
            return frozenset(self.search_index().scores(node.word))
        if isinstance(node, Phrase):
            phrase = " ".join(node.text.casefold().split())
            search = self.search_index()
            haystacks, ends = search.haystacks, search.title_lengths  # a title is its haystack's start
            return frozenset(i for i in everything if haystacks[i].find(phrase, 0, ends[i]) >= 0)
        if isinstance(node, FacetTerm):
            topic_sets, provider_sets = self._facet_sets()
            sets = topic_sets if node.kind == "topic" else provider_sets
            names = facet_matches(node.names, list(sets))
            if node.kind == "provider":
                for name in node.names:
                    by_domain = self.provider_by_domain(name) if "." in name else None
                    if by_domain:
                        names.add(by_domain)
            return frozenset().union(*(sets[n] for n in names)) if names else frozenset()
        if isinstance(node, FullText):
            return self._full_text(node)
        if isinstance(node, DateRange):
            start = node.start if node.start is not None else float("-inf")
            end = node.end if node.end is not None else float("inf")
            return frozenset(i for i, v in enumerate(c.stamps) if v is not None and start <= v < end)
        if isinstance(node, NumberRange):
            values = c.quality if node.name == "quality" else c.heat
            low = node.low if node.low is not None else float("-inf")
            high = node.high if node.high is not None else float("inf")
            return frozenset(
                i for i, v in enumerate(values)
                if v is not None and (v > low if node.low_open else v >= low) and (v < high if node.high_open else v <= high)
            )
        if isinstance(node, State):
            keys = self.state_keys()
            if node.value == "starred":
                marked = state.starred if state is not None else set()
                return frozenset(i for i, k in enumerate(keys) if k in marked)
            read = state.read if state is not None else set()
            if node.value == "read":
                return frozenset(i for i, k in enumerate(keys) if k in read)
            return frozenset(i for i, k in enumerate(keys) if k not in read)
        if isinstance(node, Has):
            column = {"body": c.bodies, "related": c.related, "url": c.urls}[node.what]
            return frozenset(i for i, v in enumerate(column) if v)
        if isinstance(node, Kind):
            value = node.value.casefold()
            return frozenset(i for i, v in enumerate(c.kinds) if v is not None and v.casefold() == value)
        raise TypeError(f"no evaluation for {type(node).__name__}")

    def _full_text(self, node: FullText) -> frozenset[int]:
        if not node.words:
            return frozenset()
        found = self.text_matches(" ".join(node.words))
        found = frozenset(found) if found is not None else frozenset()
        if node.phrase is None or not found or self.index is None:
            return found
        # FTS keeps no positions: the phrase is checked in the text of the candidates
        phrase = " ".join(node.phrase.casefold().split())
        by_path = self._paths()
        keep = set()
        for path, text in self.index.texts_of([self.columns.paths[i] for i in found] + [
            self.columns.bodies[i][0] for i in found if self.columns.bodies[i] is not None
        ]):
            if phrase in " ".join(text.casefold().split()) and path in by_path:
                keep.add(by_path[path])
        return frozenset(keep & found)

    def refine(self, result: FilterResult, topics: Sequence[str] = (), providers: Sequence[str] = ()) -> FilterResult:
        """``result`` narrowed by a facet selection, keeping its order and scores (no new search)."""
        allowed = self.allowed(topics, providers)
        indices = result.indices if allowed is None else [i for i in result.indices if i in allowed]
        scores = result.scores if allowed is None else {i: s for i, s in result.scores.items() if i in allowed}
        return FilterResult(
            self, indices, scores, result.query, tuple(topics), tuple(providers), result.sort, result.text
        )

    # -- bodies ------------------------------------------------------------------

    def body(self, which: Entry | Article | str) -> list[str] | None:
        """The cleaned paragraphs of an article's body, read on demand; None when it has none."""
        if isinstance(which, str):
            found = self.get(which)
            if found is None:
                return None
            which = found
        if isinstance(which, Entry):
            if which.body is None:
                return None
            path, kind, offset = which.body
        else:
            if which.body is None:
                return None
            path, kind, offset = which.body.path, which.body.kind, which.body.offset
        paragraphs = self._body(path, kind, offset, which.title)
        return list(paragraphs) if paragraphs is not None else None

_SLICE = 1 << 16  # indices counted between two questions to ``stop``


def _slices(indices: Sequence[int], stop: Callable[[], bool] | None) -> Iterator[Sequence[int]]:
    """INDICES a slice at a time; ``Stopped`` is raised when ``stop`` says so between two."""
    for start in range(0, len(indices), _SLICE):
        if stop is not None and start and stop():
            raise Stopped
        yield indices[start : start + _SLICE]


def _reads_marks(term: Node) -> bool:
    """Whether the term's answer depends on the read and starred marks (``is:unread``...)."""
    if isinstance(term, State):
        return True
    if isinstance(term, (And, Or)):
        return any(map(_reads_marks, term.children))
    return isinstance(term, Not) and _reads_marks(term.child)


def _read_article(max_bytes: int, entry: Entry) -> Article | None:
    result = parse_file(entry.path, max_bytes)
    if result.article is None:
        return None
    return materialize(entry, result.article)


def _read_body(max_bytes: int, path: str, kind: str, offset: int, title: str) -> tuple[str, ...] | None:
    from chiptui.corpus.clean import _blocks, clean_body  # its many patterns compile on first use

    text, _ = read_text(path, max_bytes)
    if text is None:
        return None
    text = text[offset:]
    paragraphs = clean_body(text, title)
    if not paragraphs and kind == "card":
        paragraphs = _blocks(text)  # a card's own body is the author's text: never lose it
    return tuple(paragraphs) or None


class _IndexPostings:
    """The search postings of one generation of the corpus, kept in its index."""

    def __init__(self, index: CorpusIndex, generation: int | None) -> None:
        self.index = index
        self.generation = generation

    def load(self) -> Postings | None:
        if self.generation is None:
            return None
        state = self.index.saved_value("postings", self.generation)
        try:
            return Postings.from_state(state) if state is not None else None  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def save(self, postings: Postings) -> None:
        if self.generation is not None:
            self.index.save_value("postings", self.generation, postings.to_state())


def empty_corpus_message(store: CorpusStore) -> str:
    from chiptui.corpus.sanitize import display_path

    where = ", ".join(map(display_path, store.roots)) if store.roots else "the corpus"
    if store.problems:
        return f"No articles in {where}: {store.files:,} files, none could be read as an article (run 'chiptui check')."
    return (
        f"No articles in {where}. A corpus is a folder of text files: article cards with YAML front matter "
        "between '---' lines (title:, publishedDateTime:, webUrl:, provider:, topics:), "
        "and scraped page text that belongs to a card."
    )

