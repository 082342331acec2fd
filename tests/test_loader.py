"""The loader on good, malformed, hostile and oddly typed files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chiptui.corpus.loader import load_corpus, parse_file
from chiptui.corpus.store import CorpusStore

from .conftest import SCRAPED_SEED, SEEDS, TRAINIUM_ID, card_text


def problems_of(path: Path) -> list[tuple[str, int | None, str]]:
    result = parse_file(str(path))
    return [(p.severity, p.line, p.message) for p in result.problems]


def test_seeds_load_four_articles_and_join_the_scraped_body() -> None:
    corpus = load_corpus([str(SEEDS)])
    assert corpus.problems == []
    assert corpus.files == 5
    ids = sorted(a.id for a in corpus.articles)
    assert ids == ["000_ba230b9fdc77d4a3", "001_0f0ced13208c9d55", "002_7b924ab732b8f9d9", "004_a6918d56927156a0"]
    trainium = next(a for a in corpus.articles if a.id == TRAINIUM_ID)
    assert trainium.body is not None and trainium.body.path.endswith(SCRAPED_SEED)
    assert trainium.provider and trainium.provider.name == "VentureBeat"
    assert trainium.published and trainium.published.isoformat() == "2020-12-01T18:38:00+00:00"
    assert [r.provider.name for r in trainium.related if r.provider] == ["Datacenter Dynamics", "Seeking Alpha"]
    assert trainium.quality == 116 and trainium.heat == 136 and trainium.is_published is True


def test_bom_and_crlf_are_fine(write) -> None:
    path = write("bom.md", b"\xef\xbb\xbf---\r\ntitle: \"BOM card\"\r\ntopics:\r\n  - AI\r\n---\r\nBody line.\r\n")
    result = parse_file(str(path))
    assert result.problems == ()
    assert result.article and result.article.title == "BOM card" and result.article.topics == ("AI",)


def test_yaml_11_surprises_do_not_corrupt_text(write) -> None:
    path = write("surprise.md", card_text("no", excerpt="1:30", type="yes", category="off"))
    article = parse_file(str(path)).article
    assert article is not None
    assert (article.title, article.excerpt, article.type, article.category) == ("no", "1:30", "yes", "off")


def test_python_tags_are_never_run(write, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write(
        "evil.md",
        card_text('"Evil"', excerpt=f'!!python/object/apply:os.system ["touch {marker}"]', x="!!python/name:os.system"),
    )
    result = parse_file(str(path))
    assert not marker.exists()
    assert result.article is not None and result.article.title == "Evil"
    assert any("tag" in p.message and p.severity == "warning" for p in result.problems)


def test_impossible_date_is_a_warning_with_its_line(write) -> None:
    path = write("date.md", card_text('"Dated"', publishedDateTime="2020-13-45T99:00:00Z"))
    result = parse_file(str(path))
    assert result.article is not None and result.article.published is None
    [problem] = result.problems
    assert problem.severity == "warning" and problem.line == 3 and "not a valid date" in problem.message


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"title": "123"}, lambda a: a.title == "123"),
        ({"title": "1.10"}, lambda a: a.title == "1.10"),
        ({"topics": "AI"}, lambda a: a.topics == ("AI",)),
        ({"provider": "VentureBeat"}, lambda a: a.provider.name == "VentureBeat" and a.provider.domain is None),
        ({"quality": '"42"'}, lambda a: a.quality == 42),
        ({"published": "yes"}, lambda a: a.is_published is True),
        ({"topics": "[AI, 7, {x: 1}]"}, lambda a: a.topics == ("AI", "7")),
    ],
)
def test_wrong_types_are_coerced_with_a_warning(write, fields: dict[str, str], check) -> None:
    title = fields.pop("title", '"Typed"')
    path = write("typed.md", card_text(title, **fields))
    result = parse_file(str(path))
    assert result.article is not None and check(result.article)
    assert result.problems and all(p.severity == "warning" for p in result.problems)


@pytest.mark.parametrize(
    ("fields", "attribute"),
    [
        ({"quality": "lots"}, "quality"),
        ({"provider": "[1, 2]"}, "provider"),
        ({"related": "not a list"}, "related"),
        ({"excerpt": "{a: 1}"}, "excerpt"),
    ],
)
def test_unusable_fields_are_dropped_with_a_warning(write, fields: dict[str, str], attribute: str) -> None:
    path = write("dropped.md", card_text('"Kept"', **fields))
    result = parse_file(str(path))
    assert result.article is not None and result.article.title == "Kept"
    assert getattr(result.article, attribute) in (None, ())
    assert [p.severity for p in result.problems] == ["warning"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (card_text(None, excerpt="x"), "no title"),
        (card_text('""'), "no title"),
        (card_text("[a, b]"), "title should be text"),
        ("---\n- just\n- a list\n---\n", "not a mapping"),
        ("---\ntitle: x\n", "never closed"),
        ("---\ntitle: [unclosed\nexcerpt: y\n---\n", "not valid YAML"),
        ("", "empty"),
        ("   \n\n", "empty"),
    ],
)
def test_broken_cards_are_errors_with_a_message(write, content: str, expected: str) -> None:
    path = write("broken.md", content)
    result = parse_file(str(path))
    assert result.article is None
    assert [p.severity for p in result.problems] == ["error"]
    assert expected in result.problems[0].message


def test_yaml_error_points_at_its_line(write) -> None:
    path = write("bad.md", '---\ntitle: "ok"\nexcerpt: "fine"\ntopics: [AI\nheat: 3\n---\n')
    [problem] = parse_file(str(path)).problems
    assert problem.line is not None and 4 <= problem.line <= 5


def test_binary_and_oversized_files_are_errors(write, corpus_dir: Path) -> None:
    binary = write("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    big = write("big.md", card_text('"Big"') + "x" * 5000)
    assert "binary" in parse_file(str(binary)).problems[0].message
    [problem] = parse_file(str(big), max_bytes=1000).problems
    assert problem.severity == "error" and "limit" in problem.message


def test_a_file_is_read_in_a_buffer_of_its_own_size(write, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not in one of the byte limit's size (2 MB, allocated and shrunk again for every file of an
    index: a quarter of a cold index's parse time went there)."""
    from chiptui.corpus import loader

    path = write("small.md", card_text(title="A small card"))
    asked: list[int] = []
    real_read = os.read

    def read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(loader.os, "read", read)
    text, problems = loader.read_text(str(path), 50 * 1024 * 1024)
    assert problems == [] and text is not None and "A small card" in text
    assert max(asked) <= path.stat().st_size + 1


def test_short_reads_and_a_file_that_grew_are_read_to_the_end(write, monkeypatch: pytest.MonkeyPatch) -> None:
    from chiptui.corpus import loader

    content = card_text(title="Read in pieces") + "Body line.\n" * 500
    path = write("pieces.md", content)
    real_read, real_fstat = os.read, os.fstat
    monkeypatch.setattr(loader.os, "read", lambda fd, size: real_read(fd, min(size, 7)))  # a slow pipe's reads
    text, problems = loader.read_text(str(path))
    assert problems == [] and text == content
    # the file grew between its size being taken and its reading: all of it is read ...
    monkeypatch.setattr(loader.os, "read", real_read)

    def shrunk(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, *st[1:6], 10, *st[7:]))

    monkeypatch.setattr(loader.os, "fstat", shrunk)
    text, problems = loader.read_text(str(path))
    assert problems == [] and text == content
    # ... and the limit still holds for what it grew to
    text, problems = loader.read_text(str(path), 1000)
    assert text is None and "over the 1,000-byte limit" in problems[0].message


def test_undecodable_bytes_are_replaced_and_reported_with_their_line(write) -> None:
    path = write("latin1.md", b'---\ntitle: "Caf\xe9 news"\n---\n')
    result = parse_file(str(path))
    assert result.article and result.article.title == "Caf\ufffd news"
    [problem] = result.problems
    assert problem.severity == "warning" and problem.line == 2 and "UTF-8" in problem.message


def test_hostile_text_is_sanitised_at_load(write) -> None:
    path = write(
        "hostile.md",
        card_text('"\\e]0;pwned\\a\\e[2J[bold red]Title[/]\\u202e"', excerpt='"line\\x9bone"', topics='["\\e[31mAI"]'),
    )
    article = parse_file(str(path)).article
    assert article is not None
    assert article.title == "]0;pwned[2J[bold red]Title[/]"
    assert article.excerpt == "lineone"
    assert article.topics == ("[31mAI",)


def test_raw_escape_bytes_in_a_card_are_removed_and_reported(write) -> None:
    path = write("raw.md", b'---\ntitle: "Raw \x1b[31mred\x1b[0m title"\nexcerpt: bell\x07 here\n---\n')
    result = parse_file(str(path))
    assert result.article is not None
    assert result.article.title == "Raw [31mred[0m title" and result.article.excerpt == "bell here"
    [problem] = result.problems
    assert problem.severity == "warning" and problem.line == 2 and "control character" in problem.message


def test_every_ascii_control_character_is_removed_and_reported() -> None:
    """decode clears ASCII files with a byte table before it searches the text: each control
    character (C0 but tab and newline, DEL) alone in an ASCII file is still removed and reported,
    and a CR is a line end, not a control character."""
    from chiptui.corpus.loader import decode

    for code in [*range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F]:
        text, problems = decode(b"title: a" + bytes([code]) + b"b\nexcerpt: c\n", "x.md")
        assert text == "title: ab\nexcerpt: c\n", code
        assert len(problems) == 1 and "control character" in problems[0].message, code
    assert decode(b"title: a\tb\r\nexcerpt: c\rd\n", "x.md") == ("title: a\tb\nexcerpt: c\nd\n", [])


def test_unsafe_urls_are_kept_as_written_but_never_chosen(write) -> None:
    path = write(
        "urls.md",
        card_text('"Links"', webUrl='"javascript:alert(1)"', originalUrl='"https://ok.example/a"', ampWebUrl="file:///etc/passwd"),
    )
    result = parse_file(str(path))
    article = result.article
    assert article is not None
    assert article.url == "https://ok.example/a"
    assert article.urls.web == "javascript:alert(1)"
    messages = " ".join(p.message for p in result.problems)
    assert "javascript:" in messages and "file:" in messages


def test_html_entities_are_decoded_in_text(write) -> None:
    path = write("entity.md", card_text('"AT&T &#038; R&amp;D news"'))
    article = parse_file(str(path)).article
    assert article is not None and article.title == "AT&T & R&D news"


def test_alias_bomb_does_not_explode(write) -> None:
    bomb = "---\ntitle: bomb\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    bomb += "topics: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\n"
    result = parse_file(str(write("bomb.md", bomb)))
    # 9**5 values once expanded: over the bound, so the card is an error that says why
    assert result.article is None
    assert any("anchors and aliases" in p.message and p.severity == "error" for p in result.problems)


def test_one_bad_file_never_stops_a_load(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Good one"'))
    write("b.md", "---\ntitle: [\n---\n")
    write("c.md", b"\x00\x01\x02")
    write("d.md", card_text('"Good two"'))
    corpus = load_corpus([str(corpus_dir)])
    assert sorted(a.title for a in corpus.articles) == ["Good one", "Good two"]
    assert sorted(os.path.basename(p.path) for p in corpus.problems) == ["b.md", "c.md"]


def test_symlink_loops_are_safe(write, corpus_dir: Path) -> None:
    write("sub/a.md", card_text('"Inside"'))
    os.symlink(corpus_dir, corpus_dir / "sub" / "loop")
    os.symlink(corpus_dir / "sub", corpus_dir / "again")
    corpus = load_corpus([str(corpus_dir)])
    assert [a.title for a in corpus.articles] == ["Inside"]


def test_ids_come_from_file_names_and_stay_unique(write, corpus_dir: Path) -> None:
    write("one/story.md", card_text('"First"'))
    write("two/story.md", card_text('"Second"'))
    write("solo.md", card_text('"Third"'))
    ids = {a.title: a.id for a in load_corpus([str(corpus_dir)]).articles}
    assert ids["Third"] == "solo"
    assert ids["First"] != ids["Second"] and ids["First"].startswith("story~")
    again = {a.title: a.id for a in load_corpus([str(corpus_dir)]).articles}
    assert again == ids


def test_scraped_body_joins_despite_quotes_case_and_spaces(write, corpus_dir: Path) -> None:
    write("card.md", card_text('"Apple\u2019s  New \u201cChip\u201d Ships Today"'))
    write("page.txt", "Menu Home News\nAPPLE'S new \"chip\"   ships today Share on X\nThe chip ships today, the company said in a statement on Monday.\n")
    store = CorpusStore.load([str(corpus_dir)])
    [entry] = store.entries
    article = store.article(entry)
    assert article and article.body and article.body.path.endswith("page.txt")
    assert store.body(article) == ["The chip ships today, the company said in a statement on Monday."]


def test_scraped_body_without_its_card_is_reported_not_listed(write, corpus_dir: Path) -> None:
    write("card.md", card_text('"Something else entirely here"'))
    write("orphan.txt", "Nav Home\nA page about a story nobody saved a card for. It has sentences.\n")
    corpus = load_corpus([str(corpus_dir)])
    assert [a.title for a in corpus.articles] == ["Something else entirely here"]
    [problem] = corpus.problems
    assert problem.path.endswith("orphan.txt") and problem.severity == "error"


LEAD = "The council voted on Monday to close the old bridge to cars from next spring, citing the cost of repairs."


def _joined(corpus_dir: Path) -> tuple[dict[str, str | None], list]:  # type: ignore[type-arg]
    """Each article's body file name (None when it has none), and the problems, by both paths:
    the index (CorpusStore) and the plain reference loader must agree."""
    store = CorpusStore.load([str(corpus_dir)])
    via_store = {}
    for entry in store.entries:
        article = store.article(entry)
        via_store[entry.id] = Path(article.body.path).name if article and article.body else None
    corpus = load_corpus([str(corpus_dir)])
    via_loader = {a.id: Path(a.body.path).name if a.body else None for a in corpus.articles}
    assert via_store == via_loader
    return via_store, corpus.problems


def test_a_short_title_joins_on_its_headline_line_or_its_url(write, corpus_dir: Path) -> None:
    """Issue 11: a title under three words joins when it stands on a line of its own at the
    page's top, or when the card's URL is in the page; its words in a sentence are not enough."""
    write("bridge.md", card_text('"Bridge closes"', webUrl="https://news.example.com/bridge-closes"))
    write("budget.md", card_text('"Budget"', webUrl="https://news.example.com/budget"))
    write("vote.md", card_text('"Vote"'))
    write("a-page.txt", f"Home News Sport\nBridge closes\n{LEAD}\n")
    write("b-page.txt", f"Home News Sport Share https://news.example.com/budget/ {LEAD} The budget was tight.\n")
    write("c-page.txt", f"Home News\nThe vote was close. {LEAD}\n")
    joined, problems = _joined(corpus_dir)
    assert joined == {"bridge": "a-page.txt", "budget": "b-page.txt", "vote": None}
    assert [Path(p.path).name for p in problems] == ["c-page.txt"]


def test_a_page_naming_two_cards_joins_the_one_it_is_about(write, corpus_dir: Path) -> None:
    """Issue 11: a page that also names another card (a related list) joins the card whose
    title is its headline, even when the other title is longer."""
    write("short.md", card_text('"Council closes the old bridge"'))
    write("long.md", card_text('"Why the new bridge across the river will take ten years to build"'))
    page = "\n".join([
        "Home News Local",
        "Council closes the old bridge",
        LEAD,
        "Related: Why the new bridge across the river will take ten years to build",
    ])
    write("page.txt", page + "\n")
    joined, problems = _joined(corpus_dir)
    assert joined == {"short": "page.txt", "long": None}
    assert problems == []


def test_an_ambiguous_join_is_reported_with_both_candidates(write, corpus_dir: Path) -> None:
    """Issue 11: a one-line page holding two cards' titles, neither as a headline nor by URL,
    joins the longer title and says so in check, naming both."""
    write("one.md", card_text('"Council closes the old bridge"'))
    write("two.md", card_text('"Ferry service to resume next month"'))
    write("page.txt", f"Council closes the old bridge {LEAD} Ferry service to resume next month, officials said.\n")
    joined, problems = _joined(corpus_dir)
    assert joined["two"] == "page.txt" and joined["one"] is None
    [problem] = problems
    assert problem.severity == "warning" and "'one'" in problem.message and "'two'" in problem.message


def test_related_links_to_articles_in_the_corpus(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Story A"', webUrl="https://www.example.com/a/", related='[{title: "Story B", webUrl: "https://example.com/b"}]'))
    write("b.md", card_text('"Story B"', webUrl="http://example.com/b/"))
    store = CorpusStore.load([str(corpus_dir)])
    story_a = store.article("a")
    assert story_a is not None and story_a.related[0].article_id == "b"


def test_card_body_after_front_matter_is_its_own(write, corpus_dir: Path) -> None:
    write("own.md", card_text('"Own body"') + "\nFirst paragraph of the story, long enough to count as one.\n\nSecond paragraph, also written by the author of the card.\n")
    store = CorpusStore.load([str(corpus_dir)])
    assert store.body("own") == [
        "First paragraph of the story, long enough to count as one.",
        "Second paragraph, also written by the author of the card.",
    ]


def test_ids_come_from_the_file_name_without_its_extension() -> None:
    """make_id finds the stem itself (os.path.splitext costs a tenth of a join): the stem
    splitext gives for dotted, dot-only and hidden names."""
    from chiptui.corpus.loader import make_id

    expected = {
        "a.md": "a", "a.b.md": "a.b", "a..md": "a.", ".hidden": ".hidden", ".hidden.md": ".hidden",
        "..md": "..md", "...": "...", "a.": "a", "x": "x", "2024.05.story": "2024.05",
    }
    for name, stem in expected.items():
        assert make_id(f"corpus/dir.d/{name}") == stem, name


_FORKED_JOIN = """
import os, sys, threading
from pathlib import Path
from chiptui.corpus import loader

fail = sys.argv[1] == "fail"
files = sorted(p for root in sys.argv[2:] for p in Path(root).rglob("*") if p.is_file())
records = [loader.index_file(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
assert sum(r.card is None and r.words is not None for r in records) >= 2, "no pages to match"
loader.FORK_MATCH_FROM = 10**9
alone = loader.assemble(records)
children = []
real_forked = loader.forked
def counted(function, *args):
    if fail:
        function = lambda *a: 1 / 0  # the child fails: the parent matches the pages itself
    child = real_forked(function, *args)
    children.append(child)
    return child
loader.forked = counted
loader.FORK_MATCH_FROM = 1
calls = []
together = loader.assemble(records, lambda: calls.append(threading.active_count()))
assert len(children) == 1 and children[0] is not None, "the matching did not fork"
assert calls == [1]
assert together.entries == alone.entries, "entries differ"
assert together.problems == alone.problems, "problems differ"
assert together.files == alone.files
print("ok", len(alone.entries), sum(e.body is not None and e.body[1] == "scraped" for e in alone.entries))
"""


@pytest.mark.parametrize("child", ["works", "fail"])
def test_pages_matched_in_a_forked_child_join_as_they_do_here(child: str) -> None:
    """A command matches scraped pages to cards in a forked child while it builds the entries:
    the same entries, bodies and problems as the join done in one process, and the same when
    the child fails (the parent matches them itself). Run in a process of its own: the
    matching forks only where no other thread runs."""
    import subprocess
    import sys

    from chiptui.corpus.workers import can_fork

    if not can_fork():
        pytest.skip("this platform does not fork: pages are always matched in the process")
    roots = [str(SEEDS)]
    real = SEEDS.parent.parent / "shared" / "corpora" / "bodies-real"  # more pages to match, when here
    if real.is_dir():
        roots.append(str(real))
    proc = subprocess.run(
        [sys.executable, "-c", _FORKED_JOIN, child, *roots], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("ok")


_INTERRUPTED_JOIN = """
import os, sys, time
from pathlib import Path
from chiptui.corpus import loader

files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.is_file())
records = [loader.index_file(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
children = []
real_forked = loader.forked
def slow(function, *args):
    child = real_forked(lambda *a: time.sleep(600), *args)  # a child that would match for ten minutes
    children.append(child)
    return child
loader.forked = slow
loader.FORK_MATCH_FROM = 1
def interrupted():
    raise KeyboardInterrupt
try:
    loader.assemble(records, interrupted)
except KeyboardInterrupt:
    pass
else:
    raise SystemExit("not interrupted")
[child] = children
try:
    os.waitpid(child.pid, os.WNOHANG)
except ChildProcessError:
    print("reaped")
"""


def test_an_interrupted_join_stops_its_forked_child_at_once() -> None:
    """Ctrl+C during a join (here raised by the caller's meanwhile) stops the child matching
    the pages and reaps it, instead of waiting for it to finish: the run ends at once. (A
    wait would take the child's ten minutes: the subprocess's timeout fails the test.)"""
    import subprocess
    import sys

    from chiptui.corpus.workers import can_fork

    if not can_fork():
        pytest.skip("this platform does not fork")
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_JOIN, str(SEEDS)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "reaped"
