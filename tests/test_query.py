"""The query language: the parser's errors, and 60+ queries checked against an independent,
straightforward evaluation over the fully parsed cards (load_corpus, no index, no store)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from datetime import datetime, timezone

import pytest

from chiptui.corpus.loader import load_corpus
from chiptui.corpus.models import Article
from chiptui.corpus.query import QueryError, parse
from chiptui.corpus.state import StateStore, Target, state_key
from chiptui.corpus.store import CorpusStore

from .conftest import EVERYDAY_AI, SEEDS, needs_everyday_ai
from .test_cli import run

NOW = datetime(2021, 3, 12, 15, 0, tzinfo=timezone.utc)  # "today" for the relative dates below


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


# -- the parser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("after:2021-13", 7, 'after: "2021-13" is not a date'),
        ("nvidia before:2021-02-30", 15, "is not a date"),
        ("on:yesterdayish", 4, "is not a date"),
        ('"unclosed phrase', 1, "quote is not closed"),
        ('topic:"AI Hard', 7, "quote is not closed"),
        ("(trainium OR inferentia", 1, "parenthesis is not closed"),
        ("trainium)", 9, "closes nothing"),
        ("colour:red", 1, "unknown field 'colour'"),
        ("quality:lots", 9, "quality: expected a number"),
        ("heat:9..1", 6, "is empty"),
        ("is:sleeping", 4, "is: expected unread, read, starred"),
        ("has:wings", 5, "has: expected body, related, url"),
        ("sort:random", 6, "sort: expected"),
        ("OR chips", 1, "OR needs a term before it"),
        ("chips OR", 7, "OR needs a term after it"),
        ("()", 1, "empty parentheses"),
        ("topic:", 1, "topic: needs a value"),
        ('""', 1, "empty quotes"),
        ("-sort:oldest", 1, "sort: cannot be negated"),
        ("chips -&", 7, "needs a word after it"),
    ],
)
def test_errors_say_what_and_where(text: str, column: int, words: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text, now=NOW)
    assert words in caught.value.message
    assert caught.value.column == column, caught.value


@pytest.mark.parametrize(("text", "same_as"), [("nvidia -", "nvidia"), ("-", ""), ("chips & - ...", "chips"), ("a - b", "a b")])
def test_punctuation_alone_is_no_word(text: str, same_as: str) -> None:
    """A "-" typed on the way to "-provider:x" keeps the list as it was, instead of searching
    every title for the sign (which at a million articles took a second a keystroke)."""
    assert parse(text, now=NOW).tree == parse(same_as, now=NOW).tree


def test_the_cli_reports_a_bad_query_with_its_column_and_exits_2() -> None:
    proc = run("list", "--query", "after:2021-13")
    assert proc.returncode == 2
    assert proc.stderr.strip() == 'chiptui: query: after: "2021-13" is not a date (column 7)'


def test_explain_prints_one_term_per_line() -> None:
    proc = run("list", "--explain", "--query", '(trainium OR inferentia) -gpu topic:"AI Hardware" quality:>100')
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0] == "all of:" and "  any of:" in lines and "  not:" in lines
    assert any("topic is 'AI Hardware'" in line for line in lines)
    assert any("quality > 100" in line for line in lines)
    assert lines[-1] == "sorted newest first"


def test_relative_dates_count_back_from_today_in_utc() -> None:
    start = parse("after:7d", now=NOW).tree
    assert start.start == ts("2021-03-05T00:00:00")  # type: ignore[union-attr]
    assert parse("on:yesterday", now=NOW).tree.start == ts("2021-03-11T00:00:00")  # type: ignore[union-attr]
    assert parse("after:1m", now=NOW).tree.start == ts("2021-02-12T00:00:00")  # type: ignore[union-attr]
    assert parse("after:1y", now=NOW).tree.start == ts("2020-03-12T00:00:00")  # type: ignore[union-attr]
    assert parse("after:2w", now=NOW).tree.start == ts("2021-02-26T00:00:00")  # type: ignore[union-attr]


# -- 60+ queries against an independent evaluation ---------------------------------------------


def words_of(a: Article) -> set[str]:
    text = " ".join([a.title, a.provider_name, *a.topics]).casefold()
    return set(re.findall(r"\w+", text))


def has_word(word: str) -> Callable[[Article], bool]:
    return lambda a: word in words_of(a)


def topic(*names: str) -> Callable[[Article], bool]:
    wanted = {n.casefold() for n in names}
    return lambda a: any(t.casefold() in wanted for t in a.topics)


def provider(*names: str) -> Callable[[Article], bool]:
    wanted = {n.casefold() for n in names}
    return lambda a: a.provider_name.casefold() in wanted


def published(start: str | None = None, end: str | None = None) -> Callable[[Article], bool]:
    def check(a: Article) -> bool:
        if a.published is None:
            return False
        stamp = a.published.timestamp()
        return (start is None or stamp >= ts(start)) and (end is None or stamp < ts(end))

    return check


def number(name: str, test: Callable[[int], bool]) -> Callable[[Article], bool]:
    return lambda a: getattr(a, name) is not None and test(getattr(a, name))


def title_has(phrase: str) -> Callable[[Article], bool]:
    return lambda a: phrase.casefold() in " ".join(a.title.casefold().split())


def both(*checks: Callable[[Article], bool]) -> Callable[[Article], bool]:
    return lambda a: all(c(a) for c in checks)


def either(*checks: Callable[[Article], bool]) -> Callable[[Article], bool]:
    return lambda a: any(c(a) for c in checks)


def no(check: Callable[[Article], bool]) -> Callable[[Article], bool]:
    return lambda a: not check(a)


READ_TITLES = ("Nvidia Launches AI Enterprise Suite for VMware vSphere",)  # marked read below
STARRED_WORD = "sagemaker"  # articles with this word in the title get a star below


def is_read(a: Article) -> bool:
    return a.title in READ_TITLES


def is_starred(a: Article) -> bool:
    return STARRED_WORD in a.title.casefold()


EVERYDAY: list[tuple[str, Callable[[Article], bool]]] = [
    ('topic:"AI Hardware"', topic("AI Hardware")),
    ('topic:"ai hardware"', topic("AI Hardware")),
    ("topic:TensorFlow", topic("TensorFlow")),
    ("topic:tensorflow,ibm*", either(topic("TensorFlow"), lambda a: any(t.casefold().startswith("ibm") for t in a.topics))),
    ("topic:AI*", lambda a: any(t.casefold().startswith("ai") for t in a.topics)),
    ('topic:"AI in*"', lambda a: any(t.casefold().startswith("ai in") for t in a.topics)),
    ('-topic:"AI Hardware"', no(topic("AI Hardware"))),
    ('topic:"AI Hardware" topic:AI', both(topic("AI Hardware"), topic("AI"))),
    ('topic:"AI Hardware" -topic:"Computer Vision"', both(topic("AI Hardware"), no(topic("Computer Vision")))),
    ("topic:nosuchtopic", lambda a: False),
    ("provider:AWS", provider("AWS")),
    ("provider:aws,medium", provider("AWS", "Medium")),
    ('provider:"PR Newswire"', provider("PR Newswire")),
    ("provider:techcrunch.com", lambda a: a.url is not None and "techcrunch.com" in a.url.split("/")[2]),
    ("-provider:medium", no(provider("Medium"))),
    ("provider:Med*", lambda a: a.provider_name.casefold().startswith("med")),
    ("after:2021-03-10", published("2021-03-10T00:00:00")),
    ("after:2021-03", published("2021-03-01T00:00:00")),
    ("before:2021", published(None, "2021-01-01T00:00:00")),
    ("before:2021-03-01", published(None, "2021-03-01T00:00:00")),
    ("on:2021-03-11", published("2021-03-11T00:00:00", "2021-03-12T00:00:00")),
    ("on:2023", published("2023-01-01T00:00:00", "2024-01-01T00:00:00")),
    ("on:2022-06", published("2022-06-01T00:00:00", "2022-07-01T00:00:00")),
    ("after:2021-03-05 before:2021-03-10", published("2021-03-05T00:00:00", "2021-03-10T00:00:00")),
    ("-on:2021", no(published("2021-01-01T00:00:00", "2022-01-01T00:00:00"))),
    ("after:7d", published("2021-03-05T00:00:00")),
    ("on:today", published("2021-03-12T00:00:00", "2021-03-13T00:00:00")),
    ("on:yesterday", published("2021-03-11T00:00:00", "2021-03-12T00:00:00")),
    ("after:1m", published("2021-02-12T00:00:00")),
    ("quality:>100", number("quality", lambda v: v > 100)),
    ("quality:>=100", number("quality", lambda v: v >= 100)),
    ("quality:<10", number("quality", lambda v: v < 10)),
    ("quality:50..100", number("quality", lambda v: 50 <= v <= 100)),
    ("quality:0", number("quality", lambda v: v == 0)),
    ("heat:>50", number("heat", lambda v: v > 50)),
    ("heat:<=0", number("heat", lambda v: v <= 0)),
    ("-quality:>50", no(number("quality", lambda v: v > 50))),
    ("quality:>50 OR heat:>50", either(number("quality", lambda v: v > 50), number("heat", lambda v: v > 50))),
    ('"computer vision"', title_has("computer vision")),
    ('"machine learning"', title_has("machine learning")),
    ('-"market"', no(title_has("market"))),
    ('"amazon sagemaker" "generative ai"', both(title_has("amazon sagemaker"), title_has("generative ai"))),
    ('"Computer Vision" OR "robot"', either(title_has("computer vision"), title_has("robot"))),
    ("has:related", lambda a: len(a.related) > 0),
    ("-has:related", lambda a: len(a.related) == 0),
    ("has:url", lambda a: a.url is not None),
    ("has:body", lambda a: a.body is not None),
    ("type:article", lambda a: a.type == "article"),
    ("type:video", lambda a: a.type == "video"),
    ("is:read", is_read),
    ("is:unread", no(is_read)),
    ("is:starred", is_starred),
    ("is:starred is:unread", both(is_starred, no(is_read))),
    ("-is:starred has:related", both(no(is_starred), lambda a: len(a.related) > 0)),
    # fuzzy words whose typo-tolerant matches are exactly their whole-word matches in this
    # corpus (typo tolerance itself is tested in test_store.py)
    ("google", has_word("google")),
    ("sagemaker -amazon", both(has_word("sagemaker"), no(has_word("amazon")))),
    ("(google OR ibm) -topic:\"AI Hardware\"", both(either(has_word("google"), has_word("ibm")), no(topic("AI Hardware")))),
    ('topic:"AI Hardware" -amazon', both(topic("AI Hardware"), no(has_word("amazon")))),
    ("facebook healthcare", both(has_word("facebook"), has_word("healthcare"))),
    ("deepfakes OR ibm", either(has_word("deepfakes"), has_word("ibm"))),
    ("aws topic:\"Computer Vision\" after:2021", both(has_word("aws"), topic("Computer Vision"), published("2021-01-01T00:00:00"))),
    ("(provider:aws OR provider:medium) quality:>50", both(provider("AWS", "Medium"), number("quality", lambda v: v > 50))),
    ("-(provider:aws OR topic:AI*)", no(either(provider("AWS"), lambda a: any(t.casefold().startswith("ai") for t in a.topics)))),
    ("((on:2021 OR on:2022) -has:related)", both(either(published("2021-01-01T00:00:00", "2023-01-01T00:00:00")), lambda a: not a.related)),
    ("sort:oldest topic:Google*", lambda a: any(t.casefold().startswith("google") for t in a.topics)),
]

SEED_QUERIES: list[tuple[str, Callable[[Article], bool]]] = [
    ("techcrunch", has_word("techcrunch")),
    ("text:inferentia", lambda a: a.body is not None or "inferentia" in (a.excerpt or "").casefold()),
    ('topic:"AI Hardware" provider:venturebeat', both(topic("AI Hardware"), provider("VentureBeat"))),
    ("provider:venturebeat.com", provider("VentureBeat")),
    ("has:body", lambda a: a.body is not None),
    ("quality:>100", number("quality", lambda v: v > 100)),
]


@pytest.fixture(scope="module")
def everyday(module_dirs: dict[str, Path]) -> tuple[CorpusStore, list[Article]]:
    if not EVERYDAY_AI.is_dir():
        pytest.skip("needs ../shared/corpora/everyday-ai beside the checkout (absent here)")
    return CorpusStore.load([str(EVERYDAY_AI)]), load_corpus([str(EVERYDAY_AI)]).articles


@needs_everyday_ai
@pytest.mark.parametrize(("text", "expected"), EVERYDAY, ids=[q for q, _ in EVERYDAY])
def test_everyday_ai_query_matches_a_straightforward_evaluation(
    everyday: tuple[CorpusStore, list[Article]], text: str, expected: Callable[[Article], bool]
) -> None:
    store, articles = everyday
    state = StateStore()
    by_title = {a.title: a for a in articles}
    state.set_read([Target(state_key(by_title[t].url, by_title[t].id), None, t) for t in READ_TITLES], True)
    state.set_starred([Target(state_key(a.url, a.id), None, a.title) for a in articles if is_starred(a)], True)
    result = store.run_query(parse(text, now=NOW), state)
    got = {entry.id for entry in result}
    want = {a.id for a in articles if expected(a)}
    assert got == want, (text, sorted(got ^ want)[:5])
    if text.startswith("sort:oldest"):
        stamps = [entry.stamp for entry in result]
        assert stamps == sorted(stamps) and result.sort == "oldest"


@needs_everyday_ai
def test_the_everyday_table_is_large_and_discriminating(everyday: tuple[CorpusStore, list[Article]]) -> None:
    """At least 60 queries in all, and most of them select some but not all articles (a query
    that selects everything or nothing checks little)."""
    _, articles = everyday
    assert len(EVERYDAY) + len(SEED_QUERIES) >= 60
    partial = [q for q, check in EVERYDAY if 0 < sum(map(check, articles)) < len(articles)]
    assert len(partial) >= 50, len(partial)


@pytest.mark.parametrize(("text", "expected"), SEED_QUERIES, ids=[q for q, _ in SEED_QUERIES])
def test_seed_query_matches_a_straightforward_evaluation(text: str, expected: Callable[[Article], bool]) -> None:
    store = CorpusStore.load([str(SEEDS)])
    articles = load_corpus([str(SEEDS)]).articles
    if text.startswith("text:"):  # the body of the one scraped seed page is what mentions Inferentia
        bodies = {a.id for a in articles if a.body is not None and "inferentia" in " ".join(store.body(a.id) or []).casefold()}
        want = bodies | {a.id for a in articles if "inferentia" in (a.excerpt or "").casefold()}
    else:
        want = {a.id for a in articles if expected(a)}
    assert {e.id for e in store.run_query(parse(text, now=NOW))} == want


@needs_everyday_ai
def test_structured_only_sorts_newest_and_words_rank_by_relevance(everyday: tuple[CorpusStore, list[Article]]) -> None:
    store, _ = everyday
    structured = store.run_query(parse('topic:"AI Hardware"'))
    assert structured.sort == "newest"
    stamps = [e.stamp or 0 for e in structured]
    assert stamps == sorted(stamps, reverse=True)
    worded = store.run_query(parse("nvidia"))
    assert worded.sort == "relevance" and worded.scores


@needs_everyday_ai
def test_cli_list_query_combines_with_topic_text_sort_and_state() -> None:
    corpus = str(EVERYDAY_AI)
    plain = [json.loads(line)["id"] for line in run("list", corpus, "--json", "--query", 'topic:"AI Hardware" -nvidia').stdout.splitlines()]
    combined = [json.loads(line)["id"] for line in run("list", corpus, "--json", "--topic", "ai hardware", "-q", "-nvidia").stdout.splitlines()]
    assert plain and plain == combined
    oldest = [json.loads(line)["published"] for line in run("list", corpus, "--json", "--query", "topic:AI* sort:oldest").stdout.splitlines()]
    assert oldest == sorted(oldest)


# -- terms kept between keystrokes ---------------------------------------------------------


def test_a_kept_term_answer_never_hides_a_change_of_the_marks() -> None:
    """Finished terms are kept from one keystroke to the next; a term that reads the marks is
    not (its answer changes when an article is marked read), nor is an AND or NOT holding one."""
    store = CorpusStore.load([str(SEEDS)])
    state = StateStore()
    typed = ["is:unread has:url", "has:url -is:read", "has:url (is:unread OR quality:>100000)"]
    before = {text: {e.id for e in store.run_query(parse(text, now=NOW), state)} for text in typed}
    assert all(before.values())
    entry = next(e for e in store.entries if e.id in before[typed[0]])
    state.set_read([Target(state_key(entry.url, entry.id), None, entry.title)], True)
    for text in typed:
        after = {e.id for e in store.run_query(parse(text, now=NOW), state)}
        assert after == before[text] - {entry.id}, text


def test_kept_term_answers_are_bounded_by_the_corpus_size() -> None:
    from chiptui.corpus.query import Fuzzy
    from chiptui.corpus.search import AnswerCache

    kept: AnswerCache = AnswerCache(1000, 1000)  # (a store's smallest budget)
    answers = {word: frozenset(range(400)) for word in ("one", "two", "three")}
    for word, answer in answers.items():
        kept.put(Fuzzy(word=word), answer)
    assert kept.get(Fuzzy(word="one")) is None  # the oldest gave way: 1,200 indices > 1,000
    assert kept.get(Fuzzy(word="three")) == answers["three"]
    kept.put(Fuzzy(word="huge"), frozenset(range(1001)))
    assert kept.get(Fuzzy(word="huge")) is None
    assert kept.get(Fuzzy(word="two", column=7)) == answers["two"]  # where it was typed does not matter
