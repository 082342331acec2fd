"""Issue 12: new cards are added to the saved join instead of joining the corpus again, and
the result is exactly what a full join of the same files gives (or the corpus is joined
again, when the new cards touch what was joined before)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from chiptui.corpus import index_db
from chiptui.corpus.index import CorpusIndex

from .conftest import EVERYDAY_AI, card_text, needs_everyday_ai


def refresh(corpus: Path):  # type: ignore[no-untyped-def]
    index = CorpusIndex([str(corpus)])
    try:
        snapshot = index.refresh()
    finally:
        index.close()
    assert snapshot is not None
    return snapshot


def state(snapshot) -> tuple:  # type: ignore[no-untyped-def]
    return (
        tuple(list(column) for column in snapshot.columns),
        snapshot.problems,
        snapshot.facets,
        snapshot.extras,
        snapshot.files,
        snapshot.vocabulary,
        snapshot.keys,
    )


def card(title: str, url: str, stamp: str = "2024-05-01T10:00:00Z", related: str = "[]", **more: object) -> str:
    return card_text(
        f'"{title}"', webUrl=url, publishedDateTime=stamp, provider="{name: Wire}", topics="[AI]",
        related=related, **more,
    )


@pytest.fixture
def base(write, corpus_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    """A small corpus with a page joined by its headline, a page that joins nothing, related
    links that point out of the corpus, and a problem of the scan."""
    write("a/one.md", card("Chips sell well in spring", "https://example.com/one", "2024-01-01T00:00:00Z",
                           related='[{title: "Later", webUrl: "https://example.com/later"}]'))
    write("a/two.md", card("Cloud prices rise again", "https://example.com/two", "2024-02-01T00:00:00Z",
                           related='[{title: "One", webUrl: "https://example.com/one"}]', quality="bad"))
    write("b/three.md", card("Robots learn to fold laundry", "https://example.com/three", "2024-03-01T00:00:00Z"))
    write("b/page.txt", "Menu\nRobots learn to fold laundry\nThe robots folded shirts for a week in the lab.\n")
    write("b/lost.txt", "Home\nNothing here belongs to any card at all, only words about weather.\n")
    (corpus_dir / "zz-gone.md").symlink_to(corpus_dir / "nowhere.md")
    refresh(corpus_dir)
    return corpus_dir


def added_and_full(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    incremental = refresh(corpus)
    assert incremental.status.parsed == len(files)
    monkeypatch.setenv("CHIPTUI_CACHE_DIR", str(tmp_path / "fresh-cache"))
    full = refresh(corpus)
    assert "extend" not in full.status.phases
    return incremental, full


CASES = {
    # name: (files added, whether they are added to the saved join)
    "new cards": ({"c/new1.md": card("Quantum batteries arrive", "https://example.com/new1", "2024-04-01T00:00:00Z"),
                   "c/new2.md": card("Old news from the past", "https://example.com/new2", "2019-04-01T00:00:00Z")}, True),
    "an undated card and a broken one": ({"c/undated.md": card_text('"No date on this one"'),
                                          "c/broken.md": "---\ntitle: [unclosed\n---\n"}, True),
    "a name that is not UTF-8": ({os.fsdecode(b"c/bad-\xff-name.md"): card("Bytes in its name", "https://example.com/b")}, True),
    "only a broken file": ({"c/broken.md": "---\ntitle: [unclosed\n---\n"}, True),
    "an old card relates to it": ({"c/later.md": card("The later story", "https://example.com/later")}, True),
    "it relates to old cards and to another new one": (
        {"c/rel.md": card("Links everywhere today", "https://example.com/rel",
                          related='[{title: "Two", webUrl: "https://example.com/two"}, '
                                  '{title: "Sib", webUrl: "https://example.com/sib"}, {title: "Out", webUrl: "https://else.org/x"}]'),
         "c/sib.md": card("The sibling story", "https://example.com/sib")}, True),
    "two new cards share a link": ({"c/x1.md": card("First copy of it", "https://example.com/dup"),
                                    "c/x2.md": card("Second copy of it", "https://example.com/dup",
                                                    related='[{title: "D", webUrl: "https://example.com/dup"}]')}, True),
    "a copy of an old card, later in the walk": (
        {"zz/copy.md": card("Chips sell well in summer", "https://example.com/one",
                            related='[{title: "One", webUrl: "https://example.com/one"}]')}, True),
    "a copy of an old card, earlier in the walk": (
        {"0/copy.md": card("Chips sell well in summer", "https://example.com/one")}, False),
    "an old page has its words, not together": ({"c/apart.md": card("Robots fold laundry", "https://example.com/ap")}, True),
    "an old page has its title": ({"c/weather.md": card("Words about weather", "https://example.com/w")}, False),
    "an old page has its title as headline": ({"c/fold.md": card("Robots learn to fold", "https://example.com/f")}, False),
    "its file name is taken": ({"c/one.md": card("Another one entirely", "https://example.com/another")}, False),
    "same date and title as an old card": (
        {"c/same.md": card("Cloud prices rise again", "https://example.com/same", "2024-02-01T00:00:00Z")}, False),
    "a new page": ({"c/newpage.txt": "Cloud prices rise again\nPrices went up for the third time this year.\n"}, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_added_files_give_what_a_full_join_gives(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    files, extended = CASES[case]
    incremental, full = added_and_full(base, tmp_path, monkeypatch, files)
    assert ("extend" in incremental.status.phases) == extended
    assert state(incremental) == state(full)


def test_an_old_page_that_links_to_a_new_card_joins_again(write, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write("one.md", card("Something else entirely", "https://example.com/one"))
    write("page.txt", "Menu\nSee https://example.com/coming for the story of the year.\n")
    refresh(corpus_dir)
    incremental, full = added_and_full(corpus_dir, tmp_path, monkeypatch, {"z.md": card("Coming soon", "https://example.com/coming")})
    assert "extend" not in incremental.status.phases
    assert state(incremental) == state(full)
    assert full.columns.bodies[full.columns.ids.index("z")] is not None  # joined by its link


def test_without_fts5_pages_mean_a_full_join(write, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_db, "fts5_available", lambda: False)
    write("one.md", card("Something else entirely", "https://example.com/one"))
    refresh(corpus_dir)
    incremental, full = added_and_full(corpus_dir, tmp_path, monkeypatch, {"z.md": card("No pages yet", "https://example.com/z")})
    assert "extend" in incremental.status.phases  # no page to look in
    assert state(incremental) == state(full)
    monkeypatch.setenv("CHIPTUI_CACHE_DIR", os.environ["CHIPTUI_CACHE_DIR"] + "-2")
    write("page.txt", "Menu\nSomething else entirely\nThe words of that story.\n")
    refresh(corpus_dir)
    incremental, full = added_and_full(corpus_dir, tmp_path / "2", monkeypatch, {"y.md": card("With a page now", "https://example.com/y")})
    assert "extend" not in incremental.status.phases  # the pages cannot be searched for its title
    assert state(incremental) == state(full)


def test_added_cards_are_added_again_after_an_edit(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The join keys stay good through a patched edit: the next additions need no full join."""
    one = base / "a" / "one.md"
    one.write_text(one.read_text(encoding="utf-8").replace("quality", "heat: 3\nquality") + "", encoding="utf-8")
    st = one.stat()
    os.utime(one, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert "patch" in refresh(base).status.phases
    incremental, full = added_and_full(base, tmp_path, monkeypatch, {"c/new.md": card("Fresh after the edit", "https://example.com/fresh")})
    assert "extend" in incremental.status.phases
    assert state(incremental) == state(full)


@needs_everyday_ai
@pytest.mark.parametrize("held_back", [1, 30, 90])
def test_real_cards_added_last_give_what_a_full_join_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_back: int
) -> None:
    """Real cards, with their real links to each other: the last ones of the walk arrive later."""
    corpus = tmp_path / "corpus"
    shutil.copytree(EVERYDAY_AI, corpus)
    names = sorted(p.name for p in corpus.iterdir() if p.is_file())
    later = tmp_path / "later"
    later.mkdir()
    for name in names[-held_back:]:
        (corpus / name).rename(later / name)
    refresh(corpus)
    incremental, full = added_and_full(
        corpus, tmp_path, monkeypatch, {name: (later / name).read_text(encoding="utf-8") for name in names[-held_back:]}
    )
    assert "extend" in incremental.status.phases
    assert state(incremental) == state(full)
