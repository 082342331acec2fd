"""Search ranking, facets, sorting and lookups of the CorpusStore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chiptui.corpus.store import CorpusStore

from .conftest import EVERYDAY_AI, SEEDS, TRAINIUM_ID, card_text, needs_everyday_ai


@pytest.fixture(scope="module")
def seeds(module_dirs: dict[str, Path]) -> CorpusStore:
    return CorpusStore.load([str(SEEDS)])


def test_a_store_shared_by_the_module_indexes_in_a_folder_of_its_own(
    seeds: CorpusStore, module_dirs: dict[str, Path]
) -> None:
    """Module-scoped fixtures run before each test's own user directories are set: they get
    folders of their own (they wrote to the user's real cache before)."""
    assert seeds.index is not None
    assert Path(seeds.index.status.db_path).is_relative_to(module_dirs["cache"])


def titles(result) -> list[str]:
    return [a.title for a in result]


def test_typo_finds_the_trainium_articles_first(seeds: CorpusStore) -> None:
    result = seeds.filter("tranium", sort="relevance")
    assert len(result) >= 2
    assert all("Trainium" in title for title in titles(result)[:2])
    hit = result.hit(0)
    assert hit is not None
    start, end = hit.spans[0]
    assert result[0].title[start:end] == "Trainium"


def test_a_typo_is_forgiven_but_another_word_that_shares_letters_is_not(corpus_dir: Path, write) -> None:
    """A word is a typo of another when the two are alike as whole words, or the query is the
    start of it being typed; sharing a run of letters is not enough: "nvidia" is not "india",
    "vmware" is not "hardware", "quantum" is not "quantity"."""
    for name, title in {
        "a": "Nvidia unveils a new chip",
        "b": "Artificial intelligence jobs in India",
        "c": "VMware and its hardware partners",
        "d": "A new hardware line for data centres",
        "e": "Quantum computing reaches a milestone",
        "f": "The quantity of data keeps growing",
    }.items():
        write(f"{name}.md", card_text(f'"{title}"'))
    store = CorpusStore.load([str(corpus_dir)])
    assert titles(store.filter("nvidia")) == ["Nvidia unveils a new chip"]
    assert titles(store.filter("vmware")) == ["VMware and its hardware partners"]
    assert titles(store.filter("quantum")) == ["Quantum computing reaches a milestone"]
    # typos and words being typed still find theirs
    assert titles(store.filter("nvdia", sort="relevance"))[0] == "Nvidia unveils a new chip"
    assert titles(store.filter("quantu")) == ["Quantum computing reaches a milestone"]
    assert len(store.filter("hardwre")) == 2


def test_exact_short_token_narrows_to_one(seeds: CorpusStore) -> None:
    result = seeds.filter("trn1")
    assert titles(result) == ["AWS introduces new Trn1 chips to speed up training of machine learning models"]
    hit = result.hit(0)
    assert hit is not None and [result[0].title[s:e] for s, e in hit.spans] == ["Trn1"]


def test_every_query_word_must_match(seeds: CorpusStore) -> None:
    both = seeds.filter("amazon chips")
    assert sorted(a.id for a in both) == ["000_ba230b9fdc77d4a3", "001_0f0ced13208c9d55", "004_a6918d56927156a0"]
    assert len(seeds.filter("amazon zzzzqqq")) == 0


def test_query_matches_provider_and_topics(seeds: CorpusStore) -> None:
    assert titles(seeds.filter("techcrunch")) == ["AWS introduces new Trn1 chips to speed up training of machine learning models"]
    assert len(seeds.filter("hardware")) == 3


def test_facets_on_the_seeds(seeds: CorpusStore) -> None:
    topics = {f.name: f.count for f in seeds.facets().topics}
    assert topics == {"AI": 4, "AI Hardware": 3, "Machine Learning": 2, "AWS AI": 2}
    assert [f.name for f in seeds.facets().topics][:2] == ["AI", "AI Hardware"]


def test_facets_within_a_filter(seeds: CorpusStore) -> None:
    result = seeds.filter("trn1")
    topics = {f.name: f.count for f in seeds.facets(result.indices).topics}
    assert topics == {"Machine Learning": 1, "AI": 1, "AWS AI": 1}


def test_topics_or_within_and_across_sections(seeds: CorpusStore) -> None:
    assert len(seeds.filter(topics=["AWS AI", "Machine Learning"])) == 3
    assert titles(seeds.filter(topics=["AWS AI"], providers=["TechCrunch"])) == [
        "AWS introduces new Trn1 chips to speed up training of machine learning models"
    ]
    assert len(seeds.filter(topics=["AWS AI"], providers=["VentureBeat"])) == 0


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("newest", "004_a6918d56927156a0"),
        ("oldest", "000_ba230b9fdc77d4a3"),
        ("quality", "002_7b924ab732b8f9d9"),
        ("heat", "002_7b924ab732b8f9d9"),
        ("title", "000_ba230b9fdc77d4a3"),
    ],
)
def test_sorts(seeds: CorpusStore, sort: str, first: str) -> None:
    result = seeds.filter(sort=sort)
    assert len(result) == 4 and result[0].id == first


def test_missing_values_sort_last(corpus_dir: Path, write) -> None:
    write("a.md", card_text('"Undated"'))
    write("b.md", card_text('"Dated"', publishedDateTime="2020-01-01T00:00:00Z", quality=5))
    store = CorpusStore.load([str(corpus_dir)])
    for sort in ("newest", "oldest", "quality"):
        assert titles(store.filter(sort=sort)) == ["Dated", "Undated"]


def test_narrowing_within_previous_hits_gives_the_same_answer(seeds: CorpusStore) -> None:
    broad = seeds.filter("amaz")
    narrow = seeds.filter("amazon chips", candidates=broad.indices)
    assert narrow.indices == seeds.filter("amazon chips").indices


def test_lookups(seeds: CorpusStore) -> None:
    article = seeds.get(TRAINIUM_ID)
    assert article is not None
    assert seeds.by_url("http://venturebeat.com/2020/12/01/amazon-debuts-trainium-a-custom-chip-for-machine-learning-training-workloads") == article
    assert seeds.find("000_ba") == article
    assert seeds.find("Amazon debuts Trainium") == article
    assert seeds.find("nothing like this at all qqq") is None


def test_body_is_read_on_demand_and_none_without_one(seeds: CorpusStore) -> None:
    body = seeds.body(TRAINIUM_ID)
    assert body is not None and len(body) == 5
    assert seeds.body("001_0f0ced13208c9d55") is None


def test_refine_narrows_a_result_like_filtering_with_facets(seeds: CorpusStore) -> None:
    base = seeds.filter("amazon", sort="relevance")
    refined = seeds.refine(base, topics=["AWS AI"])
    assert refined.indices == seeds.filter("amazon", topics=["AWS AI"], sort="relevance").indices
    assert set(refined.scores) == set(refined.indices)


def test_a_string_column_reads_as_the_list_it_was_made_from() -> None:
    """The compact column the snapshot keeps links and paths in (issue 12's memory)."""
    from chiptui.corpus.models import StrColumn

    values = ["https://a.example/1", None, "", "caf\u00e9/\udcff", "x"]
    column = StrColumn.of(values)
    again = StrColumn.from_state(column.to_state())
    for col in (column, again):
        assert list(col) == values and len(col) == 5 and col == values
        assert [col[i] for i in range(5)] == values and col[-1] == "x" and col[1:3] == [None, ""]
    with pytest.raises(IndexError):
        column[5]
    assert StrColumn.of([]) == [] and list(StrColumn.of([])) == []


def test_a_search_typed_over_stops_before_its_next_word() -> None:
    """The browser's filter worker gives up on a query the user has typed over, between two
    words (each may scan the corpus), instead of finishing it beside the newer one."""
    from chiptui.corpus.query import parse
    from chiptui.corpus.search import Stopped

    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 2  # the query, then its first word, pass; the second word stops

    seeds = CorpusStore.load([str(SEEDS)])  # its own search cache
    index = seeds.search_index()
    with pytest.raises(Stopped):
        seeds.run_query(parse("amazon chips"), stop=stop)
    assert len(index._cache) == 1  # one word searched, not the other
    result = seeds.run_query(parse("amazon chips"), stop=lambda: False)
    assert sorted(a.id for a in result) == ["000_ba230b9fdc77d4a3", "001_0f0ced13208c9d55", "004_a6918d56927156a0"]


@pytest.mark.parametrize("word", ["a", "amazn"])  # looked up exactly, and as a fuzzy word
def test_a_search_typed_over_stops_inside_a_word(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    """One letter at a million articles takes seconds to look up: the worker asks whether it
    is still wanted every STOP_EVERY entries inside a word too, and a word given up is not
    cached half done."""
    from chiptui.corpus import search
    from chiptui.corpus.query import parse

    monkeypatch.setattr(search, "STOP_EVERY", 1)
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 2  # the query and the word's start pass; inside it, stop

    seeds = CorpusStore.load([str(SEEDS)])
    index = seeds.search_index()
    with pytest.raises(search.Stopped):
        seeds.run_query(parse(word), stop=stop)
    assert len(index._cache) == 0
    assert len(seeds.run_query(parse(word), stop=lambda: False)) > 0


@needs_everyday_ai
def test_a_short_word_is_found_through_the_postings_as_in_every_title() -> None:
    """A word of three letters or fewer must stand as typed: through the postings (the words
    that hold it) the same articles and scores come out as from a scan of every title, for
    every such word the corpus holds, and for some it does not."""
    from chiptui.corpus.search import SearchIndex

    store = CorpusStore.load([str(EVERYDAY_AI)])
    index = store.search_index()
    plain = SearchIndex(index._titles, index._extras)  # no postings kept: scans every title
    assert plain._saved is None and index._saved is not None
    tokens = {w[i : i + n] for w in index.vocabulary() for n in (1, 2, 3) for i in range(len(w) - n + 1)}
    tokens |= {"zzq", "7", "ai", "x"}
    assert len(tokens) > 1000
    for token in sorted(tokens):
        assert index._exact(token, None) == plain._exact(token, None), token


def test_words_are_searched_without_a_copy_of_every_title(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the postings kept in the index, fuzzy and short words and the highlights of the
    rows shown need no lower-cased copy of every title (140 MB at a million articles, so it is
    not made in advance above EAGER_HAYSTACKS articles); a phrase builds it when it needs it."""
    from chiptui.corpus import search
    from chiptui.corpus.query import parse

    monkeypatch.setattr(search, "EAGER_HAYSTACKS", 2)  # the seeds stand for a large corpus

    store = CorpusStore.load([str(SEEDS)])
    store.warm_search()
    index = store.search_index()
    for text in ("tranium", "aws", "chip amazon", "topic:AI -trn1"):
        result = store.run_query(parse(text))
        [result.hit(i) for i in range(len(result))]  # the highlights of every row
    assert "haystacks" not in vars(index)
    assert len(store.run_query(parse('"custom chip"'))) >= 1
    assert "haystacks" in vars(index)


def test_the_search_warm_up_imports_the_fuzzy_matcher_not_the_first_word() -> None:
    """The browser warms the search in the background after its first screen; the first
    typed word used to import rapidfuzz itself (10-20 ms of the first query). Loading a
    corpus still does not import it (start-up), warming does."""
    code = (
        "import sys\n"
        "from chiptui.corpus.store import CorpusStore\n"
        f"store = CorpusStore.load([{str(SEEDS)!r}])\n"
        "print('rapidfuzz' in sys.modules)\n"
        "store.warm_search()\n"
        "print('rapidfuzz.process' in sys.modules and 'rapidfuzz.fuzz' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False", "True"]


def test_the_word_cache_is_bounded_by_the_articles_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each word's answer over the whole corpus is cached for the next keystroke, but a word
    most of a million articles hold is a million entries: the cache keeps at most
    CACHE_ENTRIES of them, and no single answer over half of that."""
    from chiptui.corpus import search
    from chiptui.corpus.search import SearchIndex

    monkeypatch.setattr(search, "CACHE_ENTRIES", 60)
    fruits = ["apple", "mango", "grape", "lemon", "peach"]
    titles = [f"common story number {n}" for n in range(100)] + [f"{fruits[n % 5]} tale" for n in range(25)]
    index = SearchIndex(titles, [""] * len(titles))
    assert len(index.token_matches("common")) == 100
    assert "common" not in index._cache  # over half the bound: answered, not kept
    for fruit in fruits:
        assert len(index.token_matches(fruit)) == 5
    assert len(index.token_matches("tale")) == 25
    assert index._cache.held == sum(map(len, index._cache.values())) <= 60
    assert "tale" in index._cache
    assert len(index.token_matches("common")) == 100  # the same answer, computed again


def test_id_lookups_scan_first_and_agree_with_the_id_dict() -> None:
    """At a million articles the dict of ids costs 60 MB and half a second, and the list's
    first draw after the marks arrived built it on the screen's thread: a few lookups scan."""
    from chiptui.corpus import store as store_module

    seeds = CorpusStore.load([str(SEEDS)])  # (a store of its own: the lookups are counted)
    ids = list(seeds.columns.ids)
    assert [seeds.index_of(i) for i in ids] == list(range(len(ids)))
    assert seeds.index_of("no-such-id") is None and seeds.get("no-such-id") is None
    assert seeds._by_id is None  # (fewer lookups than the dict waits for)
    for _ in range(store_module._SCANS_BEFORE_ID_DICT):
        seeds.index_of(ids[-1])
    assert seeds._by_id is not None
    assert [seeds.index_of(i) for i in ids] == list(range(len(ids)))


def test_a_position_hint_is_checked_before_it_is_trusted(seeds: CorpusStore) -> None:
    result = seeds.filter("")
    last = len(result) - 1
    wanted = result[last].id
    assert result.position_of(wanted, hint=result.indices[last]) == last
    assert result.position_of(wanted, hint=result.indices[0]) == last  # a wrong hint: looked up
    assert result.position_of(wanted, hint=10**9) == last


def test_facet_counts_give_way_to_a_newer_query_and_agree_with_a_plain_count(
    seeds: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import Counter

    from chiptui.corpus import store as store_module
    from chiptui.corpus.search import Stopped

    c = seeds.columns
    plain = {("topic", t): n for t, n in Counter(t for ts in c.topics for t in ts).items()}
    plain.update({("provider", p): n for p, n in Counter(c.providers).items() if p})
    everything = range(len(c.ids))
    assert seeds.facet_counts(everything) == plain  # (the counts kept since the load)
    monkeypatch.setattr(store_module, "_SLICE", 2)
    assert seeds.facet_counts(list(everything), stop=lambda: False) == plain  # slice by slice
    with pytest.raises(Stopped):
        seeds.facet_counts(list(everything), stop=lambda: True)


def test_nothing_marked_needs_no_reader_keys(seeds: CorpusStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader keys of every article (a million strings at a million articles, 0.4 s to
    read) are only looked at when something is marked."""
    key = seeds.state_keys()[0]
    asked: list[bool] = []
    keys_of = seeds.state_keys
    monkeypatch.setattr(seeds, "state_keys", lambda: asked.append(True) or keys_of())
    assert seeds.marked(set()) == [] and not asked
    assert seeds.marked({key}) == [0] and asked


@needs_everyday_ai
def test_a_short_word_after_others_is_looked_for_among_their_articles_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """"google cloud ai": "ai" is held by a third of a million articles, and only those of
    "google" and "cloud" can match all three, so it is looked for among them (through the
    postings, or a scan of those titles). Every query of two words or more gives the same
    articles and scores as with each word gathered over the whole corpus."""
    from chiptui.corpus import search
    from chiptui.corpus.search import SearchIndex

    store = CorpusStore.load([str(EVERYDAY_AI)])
    kept = store.search_index()  # the index keeps its postings
    scans = SearchIndex(kept._titles, kept._extras)  # none kept: scans the titles
    whole = SearchIndex(kept._titles, kept._extras, saved=kept._saved)
    words = [w for w in kept.vocabulary() if len(w) >= 4][:40]
    shorts = ["a", "ai", "i", "ml", "new", "the", "x", "7", "zz"]
    queries = [f"{w} {s}" for w in words for s in shorts] + [f"{s} {w}" for w in words[:10] for s in shorts]
    queries += ["google cloud ai", "ai ml", "a i", "amazon a chip", "ai google"]
    ways: dict[str, int] = {"postings": 0, "texts": 0}
    real_from_postings, real_in_texts = SearchIndex._from_postings, SearchIndex._in_texts

    def from_postings(close, postings, stop=None, among=None):  # type: ignore[no-untyped-def]
        ways["postings"] += among is not None
        return real_from_postings(close, postings, stop, among)

    def in_texts(self, token, among, stop):  # type: ignore[no-untyped-def]
        ways["texts"] += 1
        return real_in_texts(self, token, among, stop)

    monkeypatch.setattr(SearchIndex, "_from_postings", staticmethod(from_postings))
    monkeypatch.setattr(SearchIndex, "_in_texts", in_texts)
    for query in queries:
        monkeypatch.setattr(search, "RESTRICT_BELOW", 4)
        got_kept, got_scans = kept.scores(query), scans.scores(query)
        monkeypatch.setattr(search, "RESTRICT_BELOW", 10**9)  # (never among others: every word whole)
        want = whole.scores(query)
        assert got_kept == want and got_scans == want, query
    pool = frozenset(range(0, len(kept._titles), 3))  # a query's other terms chose these
    for short in shorts:
        monkeypatch.setattr(search, "RESTRICT_BELOW", 2)
        got = kept.scores(short, pool)
        monkeypatch.setattr(search, "RESTRICT_BELOW", 10**9)
        assert got == whole.scores(short, pool), short
    assert ways["postings"] > 20 and ways["texts"] > 20, ways  # (both new ways were taken)
