"""The persistent index: invalidation, damage, concurrency and full-text search."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chiptui.corpus import index as index_module
from chiptui.corpus import index_db
from chiptui.corpus.index import CorpusIndex, index_path
from chiptui.corpus.loader import load_corpus
from chiptui.corpus.records import data_dumps
from chiptui.corpus.store import CorpusStore

from .conftest import (
    EVERYDAY_AI,
    REPO,
    SEEDS,
    TRAINIUM_ID,
    card_text,
    needs_everyday_ai,
    race_between_format_and_tables,
)


def refresh(corpus: Path) -> tuple[CorpusIndex, object]:
    index = CorpusIndex([str(corpus)])
    snapshot = index.refresh()
    assert snapshot is not None
    return index, snapshot


def titles(snapshot) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(snapshot.columns.titles)


def bump_mtime(path: Path) -> None:
    """Move a file's modification time forward, as an edit a moment later would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_index_lives_in_the_cache_dir_and_a_second_run_parses_nothing(write, corpus_dir: Path, isolated_dirs) -> None:
    write("a.md", card_text('"First"'))
    write("b.md", card_text('"Second"'))
    index, first = refresh(corpus_dir)
    assert Path(index.db_path).is_relative_to(isolated_dirs["cache"])
    assert first.status.parsed == 2 and first.status.persistent
    index.close()
    again, second = refresh(corpus_dir)
    assert second.status.parsed == 0 and second.status.unchanged == 2
    assert titles(second) == ["First", "Second"]


def test_a_new_index_has_large_pages_and_one_made_with_small_pages_goes_on_working(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new index file is made with pages of PAGE_SIZE (its blobs chain fewer pages); a file made
    before with SQLite's 4 KB pages is used as it is, not rebuilt."""
    write("a.md", card_text('"First"'))
    index, _ = refresh(corpus_dir)
    with sqlite3.connect(index.db_path) as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == index_db.PAGE_SIZE == 16384
    index.close()
    for name in os.listdir(Path(index.db_path).parent):
        os.remove(Path(index.db_path).parent / name)
    monkeypatch.setattr(index_db, "PAGE_SIZE", 4096)
    old, _ = refresh(corpus_dir)
    old.close()
    monkeypatch.setattr(index_db, "PAGE_SIZE", 16384)
    write("b.md", card_text('"Second"'))
    again, snapshot = refresh(corpus_dir)
    assert snapshot.status.rebuilt is None and snapshot.status.parsed == 1 and titles(snapshot) == ["First", "Second"]
    with sqlite3.connect(again.db_path) as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_edit_add_delete_and_touch_are_picked_up(write, corpus_dir: Path) -> None:
    a = write("a.md", card_text('"First"'))
    b = write("b.md", card_text('"Second"'))
    refresh(corpus_dir)

    a.write_text(card_text('"First, edited"'), encoding="utf-8")
    bump_mtime(a)
    _, edited = refresh(corpus_dir)
    assert edited.status.parsed == 1
    assert titles(edited) == ["First, edited", "Second"]

    write("c.md", card_text('"Third"'))
    _, added = refresh(corpus_dir)
    assert added.status.parsed == 1 and titles(added) == ["First, edited", "Second", "Third"]

    b.unlink()
    _, deleted = refresh(corpus_dir)
    assert deleted.status.removed == 1 and deleted.status.parsed == 0
    assert titles(deleted) == ["First, edited", "Third"]

    bump_mtime(a)  # touched, same content: parsed again, same result
    _, touched = refresh(corpus_dir)
    assert touched.status.parsed == 1 and titles(touched) == ["First, edited", "Third"]


def test_same_size_edit_with_a_new_mtime_is_seen(write, corpus_dir: Path) -> None:
    a = write("a.md", card_text('"Title A"'))
    refresh(corpus_dir)
    a.write_text(card_text('"Title B"'), encoding="utf-8")  # same length
    bump_mtime(a)
    _, snapshot = refresh(corpus_dir)
    assert titles(snapshot) == ["Title B"]


def test_problems_are_kept_with_their_files(write, corpus_dir: Path) -> None:
    write("good.md", card_text('"Good"'))
    write("bad.md", "---\ntitle: [\n---\n")
    _, first = refresh(corpus_dir)
    _, second = refresh(corpus_dir)  # from the snapshot, nothing parsed
    assert second.status.parsed == 0
    assert [(Path(p.path).name, p.line, p.severity) for p in second.problems] == [
        (Path(p.path).name, p.line, p.severity) for p in first.problems
    ]
    assert [Path(p.path).name for p in second.problems] == ["bad.md"]


def test_index_agrees_with_the_plain_loader_on_the_seeds() -> None:
    store = CorpusStore.load([str(SEEDS)])
    plain = load_corpus([str(SEEDS)])
    assert {a.id: a for a in plain.articles} == {e.id: store.article(e) for e in store.entries}
    assert store.problems == tuple(plain.problems)


@needs_everyday_ai
def test_index_agrees_with_the_plain_loader_on_everyday_ai() -> None:
    store = CorpusStore.load([str(EVERYDAY_AI)])
    plain = load_corpus([str(EVERYDAY_AI)])
    assert len(store) == len(plain.articles) == 201
    assert {a.id: a for a in plain.articles} == {e.id: store.article(e) for e in store.entries}
    assert sorted(map(repr, store.problems)) == sorted(map(repr, plain.problems))


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "old_format", "empty_file"],
)
def test_a_damaged_index_is_rebuilt_not_a_crash(write, corpus_dir: Path, damage: str) -> None:
    write("a.md", card_text('"Survivor"'))
    index, _ = refresh(corpus_dir)
    index.close()
    path = Path(index_path([str(corpus_dir)]))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "empty_file":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA user_version = 1")
    again, snapshot = refresh(corpus_dir)
    assert titles(snapshot) == ["Survivor"]
    if damage != "empty_file":  # an empty file is simply a new database
        assert snapshot.status.rebuilt, damage
    assert snapshot.status.persistent
    again.close()
    _, third = refresh(corpus_dir)
    assert third.status.parsed == 0  # the rebuilt index is used from then on


def test_a_damaged_snapshot_blob_is_rebuilt(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Survivor"'))
    index, _ = refresh(corpus_dir)
    index.close()
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (b"\x80\x05garbage",))
    _, snapshot = refresh(corpus_dir)
    assert titles(snapshot) == ["Survivor"]


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # (no error printed at exit)
@pytest.mark.parametrize("stored", ["bad-checksum", ("only", "three", "fields"), ["a", "list"], "text"])
def test_a_stored_record_that_does_not_read_is_damage(write, corpus_dir: Path, stored: object) -> None:
    """A stored record that does not read back (damaged under a sound page, or with a sound
    checksum and another shape: written by another version, or crafted) is damage, found by
    ``verify`` and by a join that reads it; the index is rebuilt, and nothing is printed at
    exit about statements left running."""
    blob = b"\x00\x00\x00\x00garbage" if stored == "bad-checksum" else data_dumps(stored)
    write("a.md", card_text('"Survivor"'))
    write("b.md", card_text('"Goes away"'))
    index, _ = refresh(corpus_dir)
    index.close()
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        db.execute("UPDATE files SET record = ? WHERE path LIKE '%a.md'", (blob,))
    checker = CorpusIndex([str(corpus_dir)])
    assert "record" in (checker.verify() or "")
    checker.close()
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        db.execute("UPDATE files SET record = ? WHERE path LIKE '%a.md'", (blob,))
    (corpus_dir / "b.md").unlink()  # a removal: the corpus is joined again from the stored records
    _, snapshot = refresh(corpus_dir)
    assert titles(snapshot) == ["Survivor"]
    assert snapshot.status.rebuilt


def test_a_locked_index_still_loads_the_corpus(write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.md", card_text('"Still here"'))
    index, _ = refresh(corpus_dir)
    index.close()
    monkeypatch.setenv(index_module.ENV_TIMEOUT, "0.2")
    holder = sqlite3.connect(index_path([str(corpus_dir)]), isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        write("b.md", card_text('"Added while locked"'))
        _, snapshot = refresh(corpus_dir)
        assert titles(snapshot) == ["Added while locked", "Still here"]
        assert snapshot.status.notice and "locked" in snapshot.status.notice
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unwritable_cache_dir_falls_back_to_memory(write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write("a.md", card_text('"Works anyway"'))
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CHIPTUI_CACHE_DIR", str(blocker))
    _, snapshot = refresh(corpus_dir)
    assert titles(snapshot) == ["Works anyway"]
    assert not snapshot.status.persistent and snapshot.status.notice


def test_the_corpus_is_never_written(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Read only"'))
    write("page.txt", "Menu\nRead only\nThe body of the story, long enough to be a paragraph of its own.\n")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus_dir.rglob("*")}
    store = CorpusStore.load([str(corpus_dir)])
    store.body(store.entries[0])
    store.article(store.entries[0])
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus_dir.rglob("*")}
    assert after == before


def test_two_processes_at_once_both_work(corpus_dir: Path) -> None:
    for n in range(600):  # enough for each process to parse in workers and write in batches
        (corpus_dir / f"{n:04d}.md").write_text(card_text(f'"Story number {n}"'), encoding="utf-8")
    script = (
        "import sys\n"
        "from chiptui.corpus.index import CorpusIndex\n"
        "snap = CorpusIndex([sys.argv[1]]).refresh()\n"
        "print(len(snap.columns.ids))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(corpus_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "600"
    _, snapshot = refresh(corpus_dir)
    assert snapshot.status.parsed == 0 and len(snapshot.columns.ids) == 600


def test_full_text_search_finds_words_in_excerpts_and_scraped_bodies() -> None:
    store = CorpusStore.load([str(SEEDS)])
    assert store.index is not None and store.index.fts == index_module.fts5_available()
    # "Inferentia" is in the Trainium card's related excerpts, not in its own excerpt:
    # but "debuted" is in the scraped body of the Trainium article only
    result = store.filter(text="debuted")
    assert [e.id for e in result] == [TRAINIUM_ID]
    assert len(store.filter(text="chip")) >= 2
    assert len(store.filter(text="zzzqqqxxx")) == 0


def test_full_text_search_reads_the_cleaned_body_not_the_page_furniture() -> None:
    """Issue 11: the scraped page's menus and footer ("Privacy", "Careers", "Advertise") are not
    what full-text search finds the article by; its own paragraphs still are."""
    store = CorpusStore.load([str(SEEDS)])
    for furniture in ("careers", "advertise", "privacy"):
        assert TRAINIUM_ID not in [e.id for e in store.filter(text=furniture)], furniture
    assert [e.id for e in store.filter(text="debuted")] == [TRAINIUM_ID]


def test_full_text_search_without_fts5_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_db, "fts5_available", lambda: False)
    store = CorpusStore.load([str(SEEDS)])
    assert store.index is not None and not store.index.fts
    assert [e.id for e in store.filter(text="debuted")] == [TRAINIUM_ID]
    assert [e.id for e in store.filter(text="DEBUTED")] == [TRAINIUM_ID]  # case does not matter
    assert len(store.filter(text="100%")) == 0  # LIKE wildcards are escaped


def test_switching_sqlite_builds_rebuilds_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    CorpusStore.load([str(SEEDS)]).index.close()  # type: ignore[union-attr]
    monkeypatch.setattr(index_db, "fts5_available", lambda: False)
    store = CorpusStore.load([str(SEEDS)])
    assert store.status is not None and store.status.rebuilt and "full-text" in store.status.rebuilt
    assert [e.id for e in store.filter(text="debuted")] == [TRAINIUM_ID]


def test_index_command_prints_a_summary(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "chiptui", "index", str(SEEDS)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "5 files: 5 parsed, 0 unchanged, 0 removed; 4 articles, 0 errors, 0 warnings" in proc.stdout
    # the command ends without freeing what it built (``cli.run``), but not before the index
    # is closed: all of it in the main file, no write-ahead log left beside it
    db_path = Path(proc.stdout.split("index: ", 1)[1].split("\n", 1)[0])
    assert db_path.is_file() and not Path(f"{db_path}-wal").exists()
    again = subprocess.run(
        [sys.executable, "-m", "chiptui", "index", str(SEEDS)], capture_output=True, text=True, env=env, timeout=60
    )
    assert "5 files: 0 parsed, 5 unchanged, 0 removed" in again.stdout


def test_full_text_words_are_words_not_query_syntax(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Cars"', excerpt='"Self-driving cars and trucks, or not (yet)."'))
    write("b.md", card_text('"Other"', excerpt='"Nothing about that here."'))
    store = CorpusStore.load([str(corpus_dir)])
    assert [e.title for e in store.filter(text="self-driving")] == ["Cars"]
    assert [e.title for e in store.filter(text="AND or")] == ["Cars"]  # operators are plain words
    assert [e.title for e in store.filter(text='"; DROP TABLE files; --')] == []
    assert [e.title for e in store.filter(text="truck")] == ["Cars"]  # a word matches as a prefix


def test_full_text_finds_a_chinese_or_japanese_word_inside_a_run(write, corpus_dir: Path) -> None:
    """Chinese and Japanese have no spaces: FTS5 took a whole run for one word, so only a word
    at the start of a run (after punctuation) was found. The index stores each run's pairs of
    characters, and a query word looks for its pairs; a phrase is still checked in the text."""
    write("zh.md", card_text('"Chips"', excerpt='"据悉，微软、谷歌和亚马逊等公司已经表示将在其云平台上部署新芯片。"'))
    write("ja.md", card_text('"Batteries"', excerpt='"トヨタ自動車は全固体電池の量産を始めると発表した。"'))
    write("en.md", card_text('"Other"', excerpt='"Amazon and Google said nothing about it."'))
    store = CorpusStore.load([str(corpus_dir)])
    for word, titles in (
        ("亚马逊", ["Chips"]),  # inside "谷歌和亚马逊等公司..."
        ("芯片", ["Chips"]),
        ("片", ["Chips"]),  # one character, the last of its run
        ("全固体電池", ["Batteries"]),
        ("電池 量産", ["Batteries"]),
        ("亚马逊 Amazon", []),
        ("马亚", []),  # its characters, not in that order
    ):
        assert sorted(e.title for e in store.filter(text=word)) == titles, word
    from chiptui.corpus.query import parse

    assert [e.title for e in store.run_query(parse('text:"和亚马逊"'))] == ["Chips"]  # a phrase
    assert [e.title for e in store.run_query(parse('text:"亚马 马逊"'))] == []  # (the stored pairs are not the text)


def test_the_texts_table_keeps_text_without_chinese_or_japanese_as_it_is() -> None:
    from chiptui.corpus.fulltext import fts_body

    text = "Plain text, with accents: \u00e9t\u00e9, \uc11c\uc6b8 (Korean has spaces)."
    assert fts_body(text) is text
    assert fts_body("新芯片") == "新芯片\n\x1e新芯 芯片 片"


def _snapshot_state(snapshot) -> tuple:  # type: ignore[no-untyped-def]
    return tuple(snapshot.columns), snapshot.problems, snapshot.facets, snapshot.extras, snapshot.files


@pytest.mark.parametrize(
    ("edit", "patched"),
    [
        (lambda t: t.replace("quality: 5", "quality: 99"), True),
        (lambda t: t.replace('excerpt: "old words"', 'excerpt: "new words entirely"'), True),
        (lambda t: t.replace("topics: [AI]", "topics: [AI, Robotics]"), True),
        (lambda t: t.replace("2020-01-01T00:00:00Z", "2024-06-01T00:00:00Z"), True),  # moves to the top
        (lambda t: t.replace("quality: 5", "quality: lots"), True),  # a new warning
        (lambda t: t.replace('"Edited story here"', '"A new title now"'), False),  # titles match pages
        (lambda t: t.replace("https://example.com/e", "https://example.com/moved"), False),  # links
        (lambda t: t + "\nA body of its own, long enough to be a paragraph of the story.\n", False),
    ],
)
def test_an_edit_patches_the_snapshot_to_what_a_full_build_gives(
    write, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit, patched: bool
) -> None:
    edited = write(
        "edited.md",
        card_text('"Edited story here"', excerpt='"old words"', quality=5, topics="[AI]",
                  publishedDateTime="2020-01-01T00:00:00Z", webUrl="https://example.com/e"),
    )
    write("b.md", card_text('"Second one"', publishedDateTime="2021-01-01T00:00:00Z", quality="bad",
                            related='[{title: "Edited", webUrl: "https://example.com/e"}]'))
    write("c.md", card_text('"Third one"', publishedDateTime="2022-01-01T00:00:00Z"))
    write("page.txt", "Menu\nEdited story here\nThe body of the edited story, long enough to be its paragraph.\n")
    (corpus_dir / "zz-gone.md").symlink_to(corpus_dir / "nowhere.md")  # a problem of the scan, listed after b.md's
    refresh(corpus_dir)
    edited.write_text(edit(edited.read_text(encoding="utf-8")), encoding="utf-8")
    bump_mtime(edited)
    _, incremental = refresh(corpus_dir)
    assert ("patch" in incremental.status.phases) == patched
    monkeypatch.setenv("CHIPTUI_CACHE_DIR", str(tmp_path / "fresh-cache"))
    _, full = refresh(corpus_dir)
    assert full.status.parsed == 4
    assert _snapshot_state(incremental) == _snapshot_state(full)
    assert set(full.vocabulary) <= set(incremental.vocabulary)


def _aged(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_index_files_of_corpora_not_opened_for_90_days_are_pruned(isolated_dirs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: the cache does not grow forever. Old index files (and their WAL) go at the
    first open of a run; recent ones, the one being opened and files chiptui did not name stay."""
    folder = isolated_dirs["cache"] / "index"
    folder.mkdir()
    old, recent = folder / ("a" * 16 + ".sqlite"), folder / ("b" * 16 + ".sqlite")
    for path in (old, Path(f"{old}-wal"), recent, folder / "notes.txt"):
        path.write_bytes(b"x")
    for path in (old, Path(f"{old}-wal"), folder / "notes.txt"):
        _aged(path, 91)
    _aged(recent, 89)
    ours = index_path([str(SEEDS)])
    monkeypatch.setattr(index_db, "_pruned", True)  # a first run that does not prune
    CorpusIndex([str(SEEDS)]).refresh()
    _aged(Path(ours), 200)  # the one a run opens is never pruned by that run
    monkeypatch.setattr(index_db, "_pruned", False)  # a new run
    CorpusIndex([str(SEEDS)]).refresh()
    left = sorted(p.name for p in folder.iterdir() if not p.name.startswith(Path(ours).name))
    assert left == sorted([recent.name, "notes.txt"]) and Path(ours).exists()
    assert time.time() - os.stat(ours).st_mtime < 3600  # opening it marked it as used


def test_index_prune_command_says_what_it_removed(isolated_dirs) -> None:
    folder = isolated_dirs["cache"] / "index"
    folder.mkdir()
    old = folder / ("c" * 16 + ".sqlite")
    old.write_bytes(b"x")
    _aged(old, 120)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "chiptui", "index", str(SEEDS), "--prune"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "pruned: 1 index file of corpora not opened for 90 days" in proc.stdout
    assert not old.exists()


def test_search_postings_are_kept_in_the_index_for_the_next_run(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: the postings a fuzzy search needs are built once per change of the corpus and
    kept in the index; the next run reads them (a first query at start does not build them)."""
    from chiptui.corpus import search

    for i in range(30):
        write(f"c{i}.md", card_text(f'"Graphics chips number {i} ship"', publishedDateTime=f"2024-01-{i % 28 + 1:02d}T00:00:00Z"))
    first = CorpusStore.load([str(corpus_dir)])
    expected = sorted(e.title for e in first.filter(query="graphcs"))
    assert len(expected) == 30

    def no_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("postings were built again")

    with monkeypatch.context() as patched:  # (not undo(): that would also undo the test's own user dirs)
        patched.setattr(search.Postings, "build", classmethod(no_build))
        again = CorpusStore.load([str(corpus_dir)])
        assert sorted(e.title for e in again.filter(query="graphcs")) == expected

    write("new.md", card_text('"Graphics boards arrive"', publishedDateTime="2024-02-01T00:00:00Z"))
    changed = CorpusStore.load([str(corpus_dir)])  # another generation: its own postings
    assert "Graphics boards arrive" in [e.title for e in changed.filter(query="graphcs")]


def test_reader_state_keys_are_kept_apart_and_match_the_computed_ones(write, corpus_dir: Path) -> None:
    write("a.md", card_text('"Story A"', webUrl="https://www.example.com/a/"))
    write("b.md", card_text('"Story B"'))
    CorpusStore.load([str(corpus_dir)])
    store = CorpusStore.load([str(corpus_dir)])  # from the saved snapshot, keys not loaded yet
    assert store._state_keys is None
    from chiptui.corpus.state import state_key

    c = store.columns
    assert store.state_keys() == [state_key(url, i) for url, i in zip(c.urls, c.ids, strict=True)]


def test_the_scan_in_a_process_of_its_own_finds_what_the_scan_here_finds(seeds_copy: Path) -> None:
    """The browser's scan runs in a subprocess (none of the interpreter the user types into):
    the same files and digest as the scan in this process, and no file list at all when the
    digest is the one the index already has (nothing changed, nothing to send back)."""
    from chiptui.corpus.loader import Found, scan_found
    from chiptui.corpus.scan_worker import digest_of, scan_elsewhere

    (seeds_copy / "unreadable").mkdir()
    (seeds_copy / "unreadable").chmod(0)
    try:
        here_problems: list = []
        found = scan_found([str(seeds_copy)], here_problems)
        here = found.stats()
        digest = digest_of(found, here_problems, 1000)
        there_problems: list = []
        parts, there_digest, count = scan_elsewhere([str(seeds_copy)], there_problems, 1000, None)
        assert Found(parts, count).stats() == here and (there_digest, count) == (digest, len(here))
        assert there_problems == here_problems
        assert scan_elsewhere([str(seeds_copy)], [], 1000, digest) == (None, digest, len(here))
    finally:
        (seeds_copy / "unreadable").chmod(0o755)


def test_the_parallel_scan_finds_what_the_walk_in_order_finds(tmp_path: Path) -> None:
    """Forked walkers send their files packed; the files, their order, the problems and the
    digest are those of one walk in this process, whatever the root holds between its folders
    (files, an unreadable folder, a name that is not UTF-8, an empty folder). Walked here
    instead (one worker, as the browser's scan process does), the scan is packed in the same
    parts, so the two compare part by part (``index._compared``)."""
    from chiptui.corpus.loader import Found, _Walker, scan_found
    from chiptui.corpus.scan_worker import digest_of

    root = tmp_path / "corpus"
    for folder in ("a", "b", "c", "d", "e"):
        (root / folder).mkdir(parents=True)
        for n in range(3):
            (root / folder / f"{n}.md").write_text("x" * n)
    (root / "b-file.md").write_text("between b and c")
    (root / "0-first.md").write_text("before a")
    (root / "z-last.md").write_text("after e")
    (root / "empty").mkdir()
    (root / "c" / "deeper").mkdir()
    (root / "c" / "deeper" / "x.md").write_text("deep")
    (root / os.fsdecode(b"d/bad-\xff-name.md")).write_text("not UTF-8")
    (root / "locked").mkdir()
    (root / "locked").chmod(0)
    try:
        walker = _Walker()  # the reference: one walk, in order, packed in one part
        walker.walk(str(root))
        serial, serial_problems = Found.of(walker.found), walker.problems
        parallel_problems: list = []
        parallel = scan_found([str(root)], parallel_problems, workers=2)
        assert len(parallel.parts) > 1  # the walkers did run
        assert list(parallel.stats().items()) == list(serial.stats().items())
        assert len(parallel) == len(serial) == 20
        assert parallel_problems == serial_problems
        assert digest_of(parallel, parallel_problems, 10) == digest_of(serial, serial_problems, 10)
        assert digest_of(parallel, parallel_problems, 10) != digest_of(parallel, parallel_problems, 11)
        here_problems: list = []
        here = scan_found([str(root)], here_problems, workers=1)
        assert here.parts == parallel.parts and here_problems == parallel_problems
    finally:
        (root / "locked").chmod(0o755)


def spread(write) -> None:  # type: ignore[no-untyped-def]
    """A corpus in several folders: what the scan walks in forked workers (and reads the
    snapshot meanwhile): at least two folders a core."""
    for n in range(2 * (os.cpu_count() or 1) + 2):
        write(f"f{n}/card.md", card_text(f'"Card {n}"'))


def test_the_snapshot_read_during_the_scan_is_the_one_used(write, corpus_dir: Path) -> None:
    spread(write)
    index, first = refresh(corpus_dir)
    index.close()
    _, again = refresh(corpus_dir)
    assert titles(again) == titles(first) and again.status.parsed == 0 and not again.status.rebuilt
    # damage read while the scan runs is damage when the snapshot is used: rebuilt
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (b"\x80\x05garbage",))
    _, repaired = refresh(corpus_dir)
    assert titles(repaired) == titles(first) and repaired.status.rebuilt


def test_damage_in_a_snapshot_that_a_change_replaces_costs_no_rebuild(write, corpus_dir: Path) -> None:
    """Read early, a damaged snapshot that the scan shows is out of date anyway is not used:
    the change is indexed and the snapshot saved anew, as when it was read only when needed."""
    spread(write)
    index, _ = refresh(corpus_dir)
    index.close()
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (b"\x80\x05garbage",))
    write("f0/card.md", card_text('"Card zero, edited"'))
    _, snapshot = refresh(corpus_dir)
    assert "Card zero, edited" in titles(snapshot)
    assert snapshot.status.parsed == 1 and not snapshot.status.rebuilt


@pytest.mark.parametrize("workers", [False, True], ids=["in-process", "forked-workers"])
def test_records_are_stored_in_batches_as_they_are_parsed(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    """The index stores records while the workers go on parsing, a transaction per batch, and
    the last part after them: every record and full text is there, as one write would leave."""
    from chiptui.corpus import parse_pool

    monkeypatch.setattr(index_module, "BATCH", 3)
    if workers:
        monkeypatch.setattr(parse_pool, "PARALLEL_FROM", 4)  # ten files: parsed by forked workers
    for n in range(10):
        write(f"c{n}.md", card_text(f'"Card number {n}"', excerpt=f'"Words of card {n}"'))
    index, snapshot = refresh(corpus_dir)
    assert len(snapshot.columns.ids) == 10
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 10
        generation = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
    assert generation >= 4  # ten records, three to a transaction
    assert len(index.search_text("words") or ()) == 10  # the full text of every batch
    index.close()
    _, again = refresh(corpus_dir)
    assert again.status.parsed == 0 and titles(again) == titles(snapshot)


def _mover_whose_wait_raises(error: BaseException) -> type:
    """A stand-in for ``StagedMove`` that indexes nothing and raises ERROR when waited for."""

    class Mover:
        def __init__(self, *args: object) -> None:
            pass

        def wait(self) -> BaseException | None:
            raise error

    return Mover


def _staged_corpus(write) -> None:  # type: ignore[no-untyped-def]
    """Cards, and a scraped page that gives one of them its body."""
    for n in range(6):
        write(f"c{n}.md", card_text(f'"Harbour crane number {n} is installed"', excerpt=f'"Excerpt of crane {n}"'))
    page = (
        "Home | News | Sport\nHarbour crane number 3 is installed\n"
        "The port authority said the new crane would double the number of containers it can move. "
        "Dockworkers have been trained on the machine since the spring, a spokesperson said.\n"
        "Subscribe to our newsletter\n"
    )
    write("page-3.txt", page)


@pytest.mark.parametrize("workers", [False, True], ids=["in-process", "forked-workers"])
def test_a_large_change_stages_its_texts_and_moves_them_into_full_text(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    """A change too large to patch stores its texts in the staged table and puts them into FTS5
    on a thread of its own while the corpus is joined: every text is searchable when the
    refresh returns, and nothing is left staged."""
    from chiptui.corpus import parse_pool

    if not index_db.fts5_available():
        pytest.skip("this SQLite has no FTS5: texts are never staged")
    monkeypatch.setattr(index_module, "PATCH_LIMIT", 2)  # seven files: a large change
    if workers:
        monkeypatch.setattr(parse_pool, "PARALLEL_FROM", 4)
    moves = []
    real_move = index_module.StagedMove
    monkeypatch.setattr(index_module, "StagedMove", lambda *args: moves.append(real_move(*args)) or moves[-1])
    _staged_corpus(write)
    index, _ = refresh(corpus_dir)
    assert len(moves) == 1 and moves[0].error is None
    assert len(index.search_text("excerpt crane") or ()) == 6  # the cards' texts
    assert len(index.search_text("dockworkers") or ()) == 1  # the page's cleaned body
    assert not index.search_text("newsletter")  # (its footer is not)
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        assert db.execute("SELECT count(*) FROM unindexed").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM pagewords WHERE pagewords MATCH 'dockworkers'").fetchone()[0] == 1
    index.close()


def test_texts_left_staged_by_a_stopped_run_are_moved_by_the_next(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped after storing its files but before its texts reached FTS5 (Ctrl+C, a
    crash) leaves them staged: the next run moves them first, so full-text search finds every
    file although none of them is parsed again."""
    if not index_db.fts5_available():
        pytest.skip("this SQLite has no FTS5: texts are never staged")
    monkeypatch.setattr(index_module, "PATCH_LIMIT", 2)
    real_move = index_module.StagedMove
    # the run is stopped while its texts wait to be moved
    monkeypatch.setattr(index_module, "StagedMove", _mover_whose_wait_raises(KeyboardInterrupt()))
    _staged_corpus(write)
    stopped = CorpusIndex([str(corpus_dir)])
    with pytest.raises(KeyboardInterrupt):
        stopped.refresh()
    stopped.close()
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        assert db.execute("SELECT count(*) FROM unindexed").fetchone()[0] == 7
        assert db.execute("SELECT count(*) FROM texts WHERE texts MATCH 'crane'").fetchone()[0] == 0
    monkeypatch.setattr(index_module, "StagedMove", real_move)
    index, snapshot = refresh(corpus_dir)
    assert snapshot.status.parsed == 0  # the files were stored: only the texts were left
    assert len(index.search_text("excerpt crane") or ()) == 6
    assert len(index.search_text("dockworkers") or ()) == 1
    with sqlite3.connect(index_path([str(corpus_dir)])) as db:
        assert db.execute("SELECT count(*) FROM unindexed").fetchone()[0] == 0
    index.close()


def test_full_text_stays_true_to_the_files_through_edits_and_deletions(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The FTS5 tables index the stored texts as external content: an edited or deleted file's
    old words leave the index with it, in a small change (indexed at once) and in a large one
    (indexed after the parse), and FTS5's own check finds the index true to the texts."""
    if not index_db.fts5_available():
        pytest.skip("this SQLite has no FTS5")
    monkeypatch.setattr(index_module, "PATCH_LIMIT", 2)

    def checked(index: CorpusIndex) -> None:
        with sqlite3.connect(index_path([str(corpus_dir)])) as db:
            for table in ("texts", "pagewords"):  # (rank 1: against the content, not only itself)
                db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
        index.close()

    _staged_corpus(write)
    index, _ = refresh(corpus_dir)
    checked(index)
    write("c1.md", card_text('"Harbour crane number 1 is installed"', excerpt='"Excerpt of the gantry"'))
    (corpus_dir / "page-3.txt").unlink()
    index, snapshot = refresh(corpus_dir)  # two files: a small change
    assert snapshot.status.parsed == 1 and snapshot.status.removed == 1
    assert len(index.search_text("excerpt crane") or ()) == 5
    assert len(index.search_text("gantry") or ()) == 1
    assert not index.search_text("dockworkers")
    checked(index)
    for n in range(6):  # every card edited: a large change
        write(f"c{n}.md", card_text(f'"Harbour crane number {n} is installed"', excerpt=f'"Quayside note {n}"'))
    index, snapshot = refresh(corpus_dir)
    assert snapshot.status.parsed == 6
    assert not index.search_text("excerpt") and not index.search_text("gantry")
    assert len(index.search_text("quayside note") or ()) == 6
    checked(index)


def test_ctrl_c_after_the_parse_does_not_wait_for_the_texts_to_be_indexed(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C while the texts are indexed on their thread ends the run at once (the thread is a
    daemon; the next run indexes what it left): the refresh does not wait for it."""
    if not index_db.fts5_available():
        pytest.skip("this SQLite has no FTS5: texts are never staged")
    monkeypatch.setattr(index_module, "PATCH_LIMIT", 2)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl+C while the snapshot is made

    waited = AssertionError("an interrupted run waited for the texts to be indexed")
    monkeypatch.setattr(index_module, "StagedMove", _mover_whose_wait_raises(waited))
    monkeypatch.setattr(index_module, "extras_of", interrupt)
    _staged_corpus(write)
    index = CorpusIndex([str(corpus_dir)])
    with pytest.raises(KeyboardInterrupt):
        index.refresh()
    index.close()


def test_a_progress_that_raises_stops_the_subprocess_workers(write, corpus_dir: Path, parse_workers: list) -> None:
    """The browser parses in subprocess workers and stops them from its progress callback when
    it closes during a cold index: the workers are killed (they parsed on to the end before,
    and held the closed app's process open meanwhile), and the exception comes through."""
    import signal

    from chiptui.corpus import parse_pool

    for n in range(3000):
        write(f"c{n:04d}.md", card_text(f'"Card number {n}"'))
    stats = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(corpus_dir.iterdir())}

    class Closed(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done:
            raise Closed

    with pytest.raises(Closed):
        parse_pool._parse_in_subprocesses(list(stats), stats, 1 << 20, progress, 2)
    assert len(parse_workers) == 2
    assert [proc.returncode for proc in parse_workers] == [-signal.SIGKILL, -signal.SIGKILL]


def test_a_sink_that_raises_in_a_forked_pool_leaves_a_process_that_can_exit(write, corpus_dir: Path) -> None:
    """A command's parse runs in a forked pool; when storing a batch fails (a full disk, a
    damaged index), the error comes through and the process still ends: it hung at exit in
    ``concurrent.futures``' exit handler, after printing its message, until killed (most runs)."""
    long_name = "a-file-name-long-enough-that-a-batch-of-paths-overfills-a-pipe-" * 3
    for n in range(8000):  # (each job more than a pipe holds: the pool's feeder thread blocked on one)
        write(f"{long_name}{n:05d}.md", card_text(f'"Card number {n}"'))
    script = """
import sys
from pathlib import Path
from chiptui.corpus import parse_pool

paths = sorted(str(p) for p in Path(sys.argv[1]).iterdir())
stats = {p: (Path(p).stat().st_mtime_ns, Path(p).stat().st_size) for p in paths}

def sink(batch):
    raise OSError("database or disk is full")

try:
    parse_pool.parse_files(paths, stats, 1 << 20, None, 2, sink)
except OSError as exc:
    print("raised:", exc)
"""
    try:  # (a generous guard against a hang, not a speed limit: the process ends or it does not)
        done = subprocess.run(
            [sys.executable, "-c", script, str(corpus_dir)], capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the process hung at exit after the parse failed")
    assert done.stdout == "raised: database or disk is full\n"
    assert done.returncode == 0, done.stderr


_WORKERS_SCRIPT = """
import os, sys
from pathlib import Path
from chiptui.corpus import parse_pool, workers

paths = sorted(str(p) for p in Path(sys.argv[1]).iterdir())
stats = {p: (Path(p).stat().st_mtime_ns, Path(p).stat().st_size) for p in paths}
parent = os.getpid()

# whichever worker is free takes the next job: while one is held up by its first job, the
# other does all the rest (with shares fixed in advance it stops half-way: a hang, then the
# caller's timeout), and each job is done once
held, release = os.pipe()
def job(out, number):
    if number == 0:
        os.read(held, 1)
    workers.send(out, (os.getpid(), number))

taken = []
with workers.forked_workers(job, list(range(500)), 2) as children:
    for _, message in workers.messages({c.read_end: c for c in children}):
        taken.append(message)
        if len(taken) == 499:
            os.write(release, b"x")
counts = sorted(sum(pid == p for pid, _ in taken) for p in {pid for pid, _ in taken})
print("jobs", sorted(n for _, n in taken) == list(range(500)), counts)

# a worker that dies half-way: what it left is parsed here, and nothing twice
real = parse_pool.indexed
def dying(path, stat, max_bytes):
    if os.getpid() != parent and path.endswith("c0700.md"):
        os._exit(3)
    return real(path, stat, max_bytes)
parse_pool.indexed = dying
stored = []
records = parse_pool.parse_files(paths, stats, 1 << 20, None, 2, lambda batch: stored.extend(r.path for r, _, _ in batch))
print("parsed", sorted(r.path for r in records) == paths, sorted(stored) == paths)
"""


def test_forked_workers_share_a_queue_and_a_dead_one_loses_no_file(write, corpus_dir: Path) -> None:
    """The parse's forked workers take jobs from one queue (a worker that finishes early takes
    more: fixed shares left one idle for a second of a cold index), and when one dies, the
    files it did not answer for are parsed in this process, each once. Run in a process of its
    own: workers fork only where no other thread runs."""
    from chiptui.corpus.workers import can_fork

    if not can_fork():
        pytest.skip("this platform does not fork: the parse runs in subprocesses")
    for n in range(2000):
        write(f"c{n:04d}.md", card_text(f'"Card number {n}"'))
    try:  # (a guard against the hang the queue's absence would be, not a speed limit)
        done = subprocess.run(
            [sys.executable, "-c", _WORKERS_SCRIPT, str(corpus_dir)], capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a worker held up by one job held up the others")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "jobs True [1, 499]\nparsed True True\n"


def test_jobs_keep_their_order_and_fit_a_queue() -> None:
    """The parse's and the scan's jobs: the items in order, SIZE a job, and larger jobs where
    that many would not fit in a queue (a corpus of millions of files)."""
    from chiptui.corpus.workers import MAX_JOBS, in_jobs

    assert in_jobs(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert in_jobs(["a", "b"]) == [["a"], ["b"]] and in_jobs([]) == []
    many = list(range(MAX_JOBS * 250 + 1))
    jobs = in_jobs(many, 250)
    assert len(jobs) <= MAX_JOBS and [n for job in jobs for n in job] == many


_SCAN_DIES_SCRIPT = """
import os, sys
from chiptui.corpus import loader

root, parent = sys.argv[1], os.getpid()
plain = loader.scan_found([root], [], workers=1)  # (every folder walked here)
real = loader._walk_subtree
walked_here = []
def walk(directory, root_key):
    if os.getpid() == parent:
        walked_here.append(os.path.basename(directory))
    elif directory.endswith("f3"):
        os._exit(3)  # a scan worker dies at its folder
    return real(directory, root_key)
loader._walk_subtree = walk
found = loader.scan_found([root], [], workers=2)
print(found.stats() == plain.stats(), walked_here)
"""


def test_a_dead_scan_worker_leaves_only_its_folder_to_walk_here(write, corpus_dir: Path) -> None:
    """The scan's forked workers walk a folder a job; when one dies, the folders it did not
    answer for are walked in this process (each once), not all of them again. Run in a process
    of its own: workers fork only where no other thread runs."""
    from chiptui.corpus.workers import can_fork

    if not can_fork():
        pytest.skip("this platform does not fork: the scan walks every folder here")
    for folder in range(8):
        for n in range(3):
            write(f"f{folder}/c{n}.md", card_text(f'"Card {folder}-{n}"'))
    done = subprocess.run(
        [sys.executable, "-c", _SCAN_DIES_SCRIPT, str(corpus_dir)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True ['f3']\n"


def test_ready_gets_the_snapshot_before_it_is_saved_and_nothing_when_nothing_changed(write, corpus_dir: Path) -> None:
    """``refresh(ready=...)`` hands a new snapshot on before saving it for the next start (the
    browser shows it meanwhile), the one it returns; a refresh that finds nothing new hands on
    nothing."""
    for n in range(3):
        write(f"c{n}.md", card_text(f'"Card {n}"'))
    index = CorpusIndex([str(corpus_dir)])
    try:
        handed: list[tuple[object, object]] = []

        def ready(snapshot) -> None:  # type: ignore[no-untyped-def]
            other = CorpusIndex([str(corpus_dir)])  # what the next start would read now
            try:
                handed.append((snapshot, other.cached_snapshot()))
            finally:
                other.close()

        first = index.refresh(ready=ready)
        assert len(handed) == 1 and handed[0][0] is first and handed[0][1] is None  # not saved yet
        write("c3.md", card_text('"Card 3"'))
        second = index.refresh(unchanged_from=first.generation, ready=ready)
        assert second is not None and len(second.columns.ids) == 4
        assert len(handed) == 2 and handed[1][0] is second
        assert handed[1][1] is None  # the files are stored, their snapshot not yet saved
        assert index.refresh(unchanged_from=second.generation, ready=ready) is None
        assert len(handed) == 2
        assert len(index.cached_snapshot().columns.ids) == 4  # saved once handed on
    finally:
        index.close()


def test_an_index_another_process_creates_while_this_one_opens_it_is_used_not_rebuilt(
    write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chiptui started at once on a new corpus both create its index. Opening it reads
    its format, then its tables: when the other process created both in between, this one saw
    format 0 with tables, took the file for another version's and deleted it (the other's
    work lost, and its connection left writing to a deleted file). The format is read again
    as one view first."""
    write("a.md", card_text('"A card"'))

    def other() -> None:
        index = CorpusIndex([str(corpus_dir)])
        index.refresh()
        index.close()

    raced = race_between_format_and_tables(monkeypatch, other, ".sqlite")
    index = CorpusIndex([str(corpus_dir)])
    try:
        snapshot = index.refresh()
        assert raced
        assert snapshot.status.rebuilt is None and snapshot.status.parsed == 0  # the other's index, used
    finally:
        index.close()
