"""Faults and hostile corpora (issue 13): each test failed before its fix."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chiptui.corpus.loader import load_corpus, parse_file, scan
from chiptui.corpus.sanitize import display_path, dump_json

from .conftest import card_text
from .test_cli import run

# -- 5 and 11: hostile file names ---------------------------------------------------------------


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / os.fsdecode(b"bad\xff\xfename.md")).write_text(card_text("Bad bytes name"), encoding="utf-8")
    (folder / "broken\x1b[2J\x1b[31m.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (folder / "title\x1b]0;PWNED\x07.md").write_text(card_text("Pwned name"), encoding="utf-8")
    (folder / "del\x7fand\u0085.md").write_text(card_text("Del name"), encoding="utf-8")
    return folder


def test_a_non_utf8_file_name_is_listed_not_fatal(hostile_names: Path) -> None:
    proc = run("list", str(hostile_names))
    assert proc.returncode == 0, proc.stderr
    assert "Bad bytes name" in proc.stdout and "unexpected error" not in proc.stderr
    shown = json.loads(run("show", "Bad bytes name", "--json", str(hostile_names)).stdout)
    assert os.fsencode(shown["source"]).endswith(b"bad\xff\xfename.md")  # the real name, escaped in JSON


def test_escape_sequences_in_names_never_reach_the_terminal(hostile_names: Path) -> None:
    checked = run("check", str(hostile_names))
    assert "\x1b" not in checked.stdout + checked.stderr
    assert "broken\\x1b[2J\\x1b[31m.md:3: error" in checked.stdout
    shown = run("show", "Pwned name", str(hostile_names))
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "chiptui", "list", "--json", str(hostile_names)], capture_output=True, timeout=120
    )
    raw = listed.stdout
    raw.decode("utf-8")  # valid UTF-8
    assert not any(b in raw for b in (b"\x1b", b"\x07", b"\x7f", "\u0085".encode()))
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    assert {r["title"] for r in rows} == {"Bad bytes name", "Pwned name", "Del name"}
    assert any(r["source"].endswith("del\x7fand\u0085.md") for r in rows)  # escaped, and decodes back


def test_display_path_and_dump_json_escape_what_a_terminal_would_act_on() -> None:
    assert display_path("a\x1b[2Jb\x07c\x7fd\u0085e" + os.fsdecode(b"\xff")) == "a\\x1b[2Jb\\x07c\\x7fd\\x85e\\xff"
    text = dump_json({"p": "x\x7f\u0085\u2028" + os.fsdecode(b"\xfe")})
    assert text == '{"p": "x\\u007f\\u0085\\u2028\\udcfe"}'
    assert json.loads(text)["p"].endswith(os.fsdecode(b"\xfe"))


# -- 6: deep nesting ------------------------------------------------------------------------------


def test_folders_nested_thousands_deep_are_walked(tmp_path: Path) -> None:
    deep = tmp_path / "deep"
    deep.mkdir()
    path = str(deep)
    for _ in range(1200):  # deeper than the interpreter's recursion limit (os.makedirs recurses)
        path = os.path.join(path, "d")
        os.mkdir(path)
    Path(path, "a.md").write_text(card_text("Deep down"), encoding="utf-8")
    (deep / "b.md").write_text(card_text("Up top"), encoding="utf-8")
    try:
        found = scan([str(deep)])
        assert len(found) == 2
        assert sorted(a.title for a in load_corpus([str(deep)]).articles) == ["Deep down", "Up top"]
    finally:
        _remove_deep(str(deep))


def _remove_deep(top: str) -> None:
    """shutil.rmtree (and pytest's clean-up of old temporary folders) recurses: remove the
    deep tree bottom up, without recursion."""
    remove_tree(top)


def remove_tree(top: str) -> None:
    stack = [top]
    while stack:
        folder = stack[-1]
        subfolders = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                else:
                    os.remove(entry.path)
        if subfolders:
            stack.extend(subfolders)
        else:
            os.rmdir(stack.pop())


def test_the_walk_keeps_name_order_across_files_and_folders(tmp_path: Path) -> None:
    """The order is part of the index's fingerprint: files and folders interleave by name,
    as a recursive walk gives them, in the parallel and the single-process walk alike."""
    for name in ("a.md", "b/x.md", "c.md", "d/y.md", "d/e/z.md", "f.md"):
        target = tmp_path / "c" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(card_text(name), encoding="utf-8")
    found = [os.path.relpath(p, tmp_path / "c") for p in scan([str(tmp_path / "c")])]
    assert found == ["a.md", "b/x.md", "c.md", "d/e/z.md", "d/y.md", "f.md"]


# -- 7 and 10: bounded work per card ----------------------------------------------------------------


def test_an_alias_bomb_used_as_a_key_is_an_error_in_that_file(write) -> None:
    bomb = "---\ntitle: Bomb\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    bomb += "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n? *e\n: 1\n---\n"
    result = parse_file(str(write("bomb.md", bomb)))
    assert result.article is None
    assert [p.severity for p in result.problems] == ["error"]
    assert "key is a list or a mapping" in result.problems[0].message or "anchors and aliases" in result.problems[0].message


def test_a_huge_key_is_an_error(write) -> None:
    result = parse_file(str(write("key.md", "---\ntitle: T\n? " + "k" * 2000 + "\n: 1\n---\n")))
    assert result.article is None and "longer than" in result.problems[0].message


def test_a_quality_of_thousands_of_digits_is_a_warning_not_a_lost_card(write) -> None:
    result = parse_file(str(write("big.md", "---\ntitle: Big number\nquality: " + "9" * 5000 + "\n---\n")))
    assert result.article is not None and result.article.title == "Big number" and result.article.quality is None
    assert [p.severity for p in result.problems] == ["warning"]
    assert "quality" in result.problems[0].message and len(result.problems[0].message) < 200


# -- 8: workers die with their parent; Ctrl-C -----------------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    body = "Some words of a body that a card carries along. " * 20
    for n in range(20000):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{n:05d}.md").write_text(
            f"---\ntitle: Card number {n}\npublishedDateTime: 2021-01-01T00:00:00Z\n---\n{body}\n", encoding="utf-8"
        )
    return folder


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.update(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _start_cold_index(corpus: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "chiptui", "index", str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = _children(proc.pid)
    assert len(workers) >= 2, "the parse workers did not start"
    return proc, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers (Linux only)")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_a_cold_index_leaves_no_worker_and_no_held_pipe(big_corpus: Path, how: signal.Signals) -> None:
    proc, workers = _start_cold_index(big_corpus)
    os.kill(proc.pid, how)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)  # polling the state we wait for, with a deadline
    assert not any(_alive(w) for w in workers), "a worker outlived its parent"
    # the pipe reader sees the end: nobody holds the write end any more
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        assert selector.select(timeout=30), "the pipe was held open"
        assert proc.stdout.read() == b""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers (Linux only)")
def test_ctrl_c_exits_at_once_with_130_and_one_line(big_corpus: Path) -> None:
    proc, workers = _start_cold_index(big_corpus)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.decode().strip() == "chiptui: interrupted"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


# -- 1, 3, 4: the index sees every change, under any spelling of the corpus -------------------------


def _titles(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(json.loads(line)["title"] for line in proc.stdout.splitlines())


def test_every_spelling_of_a_corpus_is_one_index_with_one_set_of_paths(tmp_path: Path) -> None:
    corpus = tmp_path / "c20"
    corpus.mkdir()
    for n in range(300):  # more than are parsed in process: the parallel path too
        (corpus / f"{n:03d}.md").write_text(card_text(f"Card {n}"), encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(corpus)
    first = subprocess.run([sys.executable, "-m", "chiptui", "index", "--json", "./c20"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert json.loads(first.stdout)["articles"] == 300
    for spelling in ("c20", str(corpus), str(corpus) + "/", str(link)):
        again = json.loads(subprocess.run(
            [sys.executable, "-m", "chiptui", "index", "--json", spelling], cwd=tmp_path, capture_output=True, text=True, timeout=120
        ).stdout)
        assert (again["parsed"], again["articles"]) == (0, 300), spelling
    # two spellings at once: both report the whole corpus, and what is saved is whole
    procs = [
        subprocess.Popen([sys.executable, "-m", "chiptui", "list", "--json", spelling], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for spelling in ("./c20", str(corpus))
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert len(out.splitlines()) == 300
    assert len(run("list", "--json", str(corpus)).stdout.splitlines()) == 300


def test_an_edit_that_restores_size_and_mtime_is_seen(corpus_dir: Path, write) -> None:
    path = write("a.md", card_text("Old title"))
    assert _titles(run("list", "--json", str(corpus_dir))) == ["Old title"]
    stat = path.stat()
    path.write_text(card_text("New title"), encoding="utf-8")  # the same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old time, as touch -d does
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert _titles(run("list", "--json", str(corpus_dir))) == ["New title"]


def test_a_file_that_becomes_unreadable_after_a_warm_index_is_reported(corpus_dir: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    from chiptui.corpus.store import CorpusStore

    write("a.md", card_text("Readable"))
    locked = write("b.md", card_text("Soon locked"))
    assert len(CorpusStore.load([str(corpus_dir)])) == 2
    os.chmod(locked, 0)  # its change time moves; root would still read it, so reading is refused below
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    try:
        store = CorpusStore.load([str(corpus_dir)])
    finally:
        os.chmod(locked, 0o644)
    assert [e.title for e in store.entries] == ["Readable"]
    assert any(p.path == str(locked) and p.severity == "error" and "Permission denied" in p.message for p in store.problems)


def test_a_link_to_a_device_is_not_called_broken(corpus_dir: Path, write) -> None:
    write("a.md", card_text("Fine"))
    (corpus_dir / "zero.md").symlink_to("/dev/zero")
    (corpus_dir / "gone.md").symlink_to(corpus_dir / "nowhere")
    out = run("check", str(corpus_dir)).stdout
    assert "zero.md: error: not a regular file or folder (a device, socket or pipe)" in out
    assert "gone.md: error: broken symbolic link" in out


# -- 2, 12, 13: the index as damaged, hostile, read-only or on a full disk ------------------------------


def _index_file(cache: Path) -> Path:
    [found] = list((cache / "index").glob("*.sqlite"))
    return found


def _overwrite_table_root(db_file: Path, table: str) -> None:
    import sqlite3

    db = sqlite3.connect(db_file)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = dict(db.execute("SELECT name, rootpage FROM sqlite_master"))[table]
    db.close()
    with open(db_file, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)


def test_a_damaged_full_text_table_is_rebuilt_with_a_notice(seeds_copy: Path, isolated_dirs: dict[str, Path]) -> None:
    assert run("index", str(seeds_copy)).returncode == 0
    _overwrite_table_root(_index_file(isolated_dirs["cache"]), "texts_data")
    proc = run("list", "--text", "inferentia", "--json", str(seeds_copy))
    assert proc.returncode == 0 and "unexpected error" not in proc.stderr
    assert "damaged" in proc.stderr and "rebuilt" in proc.stderr
    assert len(proc.stdout.splitlines()) >= 1
    again = run("list", "--text", "inferentia", "--json", str(seeds_copy))
    assert again.stdout == proc.stdout and again.stderr == ""


def test_index_verify_finds_damage_that_raises_no_error(seeds_copy: Path, isolated_dirs: dict[str, Path]) -> None:
    assert run("index", str(seeds_copy)).returncode == 0
    assert json.loads(run("index", "--verify", "--json", str(seeds_copy)).stdout)["verified"] == "ok"
    _overwrite_table_root(_index_file(isolated_dirs["cache"]), "texts_idx")
    proc = run("index", "--verify", "--json", str(seeds_copy))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["verified"] != "ok" and summary["articles"] == 4
    assert json.loads(run("index", "--verify", "--json", str(seeds_copy)).stdout)["verified"] == "ok"


def test_a_crafted_pickle_in_the_index_runs_nothing(seeds_copy: Path, isolated_dirs: dict[str, Path], tmp_path: Path) -> None:
    import pickle
    import sqlite3

    assert run("index", str(seeds_copy)).returncode == 0
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    db = sqlite3.connect(_index_file(isolated_dirs["cache"]))
    db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (pickle.dumps(Evil()),))
    db.execute("UPDATE files SET record = ?", (pickle.dumps(Evil()),))
    db.commit()
    db.close()
    proc = run("list", "--json", str(seeds_copy))
    assert not marker.exists()
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 4


def test_a_read_only_index_is_read_not_called_damaged(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chiptui.corpus.index import CorpusIndex

    CorpusIndex([str(seeds_copy)]).refresh()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real_access(p, mode, **kw))
    index = CorpusIndex([str(seeds_copy)])
    snapshot = index.refresh()
    assert snapshot is not None and len(snapshot.columns.ids) == 4
    assert index.status.notice is not None and "read-only" in index.status.notice
    assert "damaged" not in index.status.notice and index.status.rebuilt is None


def test_a_full_disk_leaves_no_partial_index_and_says_so(seeds_copy: Path, isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from chiptui.corpus import index as index_module

    real_connect = sqlite3.connect

    class FullDisk:
        """A connection whose writes fail as SQLite fails on a full disk."""

        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "CREATE", "COMMIT")) and "meta" not in sql[:40]:
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *args)

        def executemany(self, sql: str, rows):  # type: ignore[no-untyped-def]
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self.db, name)

    def connect(target, *args, **kwargs):  # type: ignore[no-untyped-def]
        db = real_connect(target, *args, **kwargs)
        return db if str(target) == ":memory:" else FullDisk(db)

    monkeypatch.setattr(index_module.sqlite3, "connect", connect)
    idx = index_module.CorpusIndex([str(seeds_copy)])
    snapshot = idx.refresh()
    assert snapshot is not None and len(snapshot.columns.ids) == 4  # indexed in memory
    assert idx.status.notice is not None and "full" in idx.status.notice and "damaged" not in idx.status.notice
    assert "cannot rollback" not in idx.status.notice
    assert not list((isolated_dirs["cache"] / "index").glob("*.sqlite*"))  # no partial file keeps the disk full


async def test_the_browser_survives_a_damaged_full_text_table(seeds_copy: Path, isolated_dirs: dict[str, Path]) -> None:
    from chiptui.app import ChiptuiApp

    from .test_app import status_text, wait_for
    from .test_reader import ready

    assert run("index", str(seeds_copy)).returncode == 0
    _overwrite_table_root(_index_file(isolated_dirs["cache"]), "texts_data")
    app = ChiptuiApp([str(seeds_copy)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+t", "slash", *"inferentia")
        await wait_for(pilot, lambda: screen.result is not None and screen.result.text == "inferentia", "the full-text search")
        assert len(screen.result) >= 1 and "of 4 articles" in status_text(app)
        await wait_for(pilot, lambda: any("rebuilt" in str(n.message) for n in app._notifications), "the notice")


# -- 9: joining pages to cards stays near-linear ----------------------------------------------------------


def _join_work(n: int) -> int:
    """Cards whose titles share their first words, and a page of each that repeats that
    start: the shape that made the join quadratic. Returns the join's counted work."""
    from chiptui.corpus.loader import FileRecord, _match_scraped, card_info, norm_words
    from chiptui.corpus.models import Article

    filler = " ".join(f"word{i % 97}" for i in range(400))
    cards, pages = [], []
    for i in range(n):
        title = f"The quarterly market report number {i} edition"
        cards.append(FileRecord(f"c{i}.md", 1, 1, card_info(Article(id=f"c{i}", title=title, source=f"c{i}.md")), None, (), ""))
        page = f"Menu The quarterly market report and more {filler} {title} {filler}"
        pages.append(FileRecord(f"p{i}.txt", 1, 1, None, norm_words(page), (), ""))
    work = [0]
    matched = _match_scraped(cards, [f"c{i}" for i in range(n)], pages, [], work)
    assert len(matched) == n  # every page found its own card
    return work[0]


def test_joining_pages_to_cards_that_share_a_title_start_is_near_linear() -> None:
    small, large = _join_work(150), _join_work(600)
    assert large <= small * 4 * 1.25, (small, large)  # four times the corpus, about four times the work


def test_a_damaged_record_that_sqlite_reads_without_complaint_is_caught(seeds_copy: Path, isolated_dirs: dict[str, Path]) -> None:
    import sqlite3

    assert run("index", str(seeds_copy)).returncode == 0
    db = sqlite3.connect(_index_file(isolated_dirs["cache"]))
    blob = bytearray(db.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()[0])
    title = "Amazon debuts Trainium".encode()
    at = bytes(blob).find(title)
    assert at > 0
    blob[at : at + len(title)] = b"Amazon DEBUTS Trainium"  # the same length: no error anywhere, only wrong
    db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (bytes(blob),))
    db.commit()
    db.close()
    titles = [json.loads(line)["title"] for line in run("list", "--json", str(seeds_copy)).stdout.splitlines()]
    assert any(t.startswith("Amazon debuts Trainium") for t in titles)
    assert not any("DEBUTS" in t for t in titles)


def test_a_snapshot_of_another_shape_is_rebuilt_not_a_crash(seeds_copy: Path) -> None:
    """A snapshot that reads back (its checksum is right) but has columns of another shape, as
    a development build with the same format number could leave, is damage: rebuilt, with a
    notice, never an AttributeError in a later search."""
    from chiptui.corpus.index import CorpusIndex
    from chiptui.corpus.models import Columns
    from chiptui.corpus.snapshot import save_snapshot
    from chiptui.corpus.store import CorpusStore

    index = CorpusIndex([str(seeds_copy)])
    snapshot = index.refresh()
    assert snapshot is not None
    db = index._connect()
    generation = int(index._meta(db, "generation"))
    odd = Columns(*[list(column) for column in snapshot.columns])._replace(
        titles=[title.encode() for title in snapshot.columns.titles]
    )
    save_snapshot(db, odd, snapshot.problems, snapshot.files, index._meta(db, "digest"), generation,
                  (snapshot.vocabulary, snapshot.facets, snapshot.extras, snapshot.scan_problems))
    index.close()
    store = CorpusStore.load([str(seeds_copy)])
    assert store.status is not None and "shape" in (store.status.rebuilt or "")
    assert len(store.filter(query="trainium")) >= 1
