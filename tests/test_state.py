"""Read and starred marks: the store, concurrency, kills, damage, read-only, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chiptui.corpus.state import (
    Mark,
    StateError,
    StateStore,
    Target,
    export_lines,
    parse_import,
    state_key,
)

from .conftest import (
    EVERYDAY_AI,
    SEEDS,
    TRAINIUM_ID,
    before_statement,
    needs_everyday_ai,
    race_between_format_and_tables,
)
from .test_cli import run


def targets(n: int, start: int = 0) -> list[Target]:
    return [Target(f"example.com/{i}", f"https://example.com/{i}", f"Article {i}") for i in range(start, start + n)]


def test_keys_are_canonical_links_else_ids() -> None:
    assert state_key("https://www.Example.com/a/#top", "x") == state_key("http://example.com/a", "y") == "example.com/a"
    assert state_key(None, "abc") == "id:abc"
    assert state_key("ftp://example.com/a", "abc") == "id:abc"


def test_marks_are_on_disk_when_the_call_returns(isolated_dirs: dict[str, Path]) -> None:
    store = StateStore()
    assert store.path == str(isolated_dirs["data"] / "state.sqlite3")
    store.set_read(targets(3), True)
    store.set_starred(targets(1), True)
    again = StateStore()  # another process's view
    assert again.read == {"example.com/0", "example.com/1", "example.com/2"}
    assert again.starred == {"example.com/0"}
    store.set_read(targets(1), False)
    assert StateStore().read == {"example.com/1", "example.com/2"}


def test_undo_restores_what_was_there() -> None:
    store = StateStore()
    store.set_starred(targets(1), True)
    before = store.set_read(targets(3), True)
    store.restore(before)
    assert store.read == set() and StateStore().read == set()
    assert StateStore().starred == {"example.com/0"}  # a mark that was there stays


_MARKER = textwrap.dedent(
    """
    import sys
    from chiptui.corpus.state import StateStore, Target
    store = StateStore()
    start = int(sys.argv[1])
    for i in range(start, start + 200):
        store.set_read([Target(f"example.com/{i}", None, "t")], True)
    print("done")
    """
)


def test_two_processes_marking_at_once_both_land() -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", _MARKER, str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for start in (0, 1000)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    read = StateStore().read
    assert len(read) == 400
    assert {f"example.com/{i}" for i in (*range(200), *range(1000, 1200))} == read


def test_a_marks_file_another_process_creates_while_this_one_opens_it_is_not_damage(
    isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chiptui started at once on a new data folder both create the marks file. Opening
    it reads its format, then its tables: when the other process created both in between,
    this one saw format 0 with the marks table, called the file damaged and moved it aside
    with the other's marks in it (the two-process marking test failed once so). The two
    reads are made again as one view before the file is called damaged."""
    raced = race_between_format_and_tables(monkeypatch, lambda: StateStore().set_read(targets(1), True), ".sqlite3")
    store = StateStore()
    assert raced and store.notice is None
    assert store.read == {"example.com/0"}
    assert not [p for p in isolated_dirs["data"].iterdir() if ".damaged-" in p.name]


def test_a_read_that_fails_for_another_reason_than_damage_moves_nothing_aside(
    isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the marks can fail without the file being damaged (a disk I/O error on a
    network folder, the file locked past the wait): that is said, and the file stays where it
    is. Only damage (a malformed or foreign file) moves it aside; before, any error of
    SQLite's while reading did, and the next mark went into a new, empty file."""
    import sqlite3

    StateStore().set_read(targets(2), True)

    def disk_error() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    failed = before_statement(monkeypatch, "SELECT key FROM marks", disk_error)
    store = StateStore(lazy=True)
    store.load()
    assert failed
    assert store.notice is not None and "disk I/O error" in store.notice and "moved" not in store.notice
    assert not [p for p in isolated_dirs["data"].iterdir() if ".damaged-" in p.name]
    assert StateStore().read == {"example.com/0", "example.com/1"}


_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from chiptui.corpus.state import StateStore, Target
    store = StateStore()
    store.set_starred([Target("example.com/kept", None, "kept")], True)
    print("starred", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # right after the change, as kill -9 after f
    """
)


def test_a_mark_survives_kill_9_right_after_it() -> None:
    proc = subprocess.run([sys.executable, "-c", _KILLED], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL and "starred" in proc.stdout
    assert StateStore().starred == {"example.com/kept"}


def test_a_damaged_file_is_moved_aside_never_deleted(isolated_dirs: dict[str, Path]) -> None:
    path = isolated_dirs["data"] / "state.sqlite3"
    StateStore().set_read(targets(2), True)
    StateStore().close()
    damaged = b"this is not a database " * 200
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(damaged)
    store = StateStore()
    assert store.notice is not None and str(path) in store.notice
    aside = [p for p in isolated_dirs["data"].iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged and str(aside[0]) in store.notice
    store.set_read(targets(1), True)  # the app keeps working, on a new file
    assert StateStore().read == {"example.com/0"}


def test_read_only_is_detected_by_the_store_itself(isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only data folder: the marks stay readable and changes are refused. The store asks
    os.access (root, which CI runs as, would write through chmod 555, so it is faked here)."""
    StateStore().set_read(targets(2), True)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real_access(p, mode, **kw))
    store = StateStore()
    assert store.read == {"example.com/0", "example.com/1"}
    assert not store.writable and "cannot be saved" in (store.notice or "").lower()
    with pytest.raises(StateError):
        store.set_starred(targets(1), True)


def test_export_and_import_merge_newest_change_wins(tmp_path: Path) -> None:
    store = StateStore()
    store.set_read(targets(3), True)
    store.set_starred(targets(1), True)
    lines = list(export_lines(store))
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert set(first) >= {"key", "url", "title", "read_at", "starred_at"}
    marks, problems = parse_import([*lines, "not json", '{"no": "key"}'], "marks.jsonl")
    assert len(marks) == 3 and len(problems) == 2 and problems[0].startswith("marks.jsonl:4:")
    newer = Mark("example.com/0", None, "Article 0", None, None, 4102444800.0)  # unread in 2100: newer
    older = Mark("example.com/1", None, "Article 1", None, None, 1.0)  # unread in 1970: older
    taken, kept = store.merge([newer, older])
    assert (taken, kept) == (1, 1)
    assert "example.com/0" not in store.read and "example.com/1" in store.read


# -- the CLI -----------------------------------------------------------------------------------


def _ids(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [json.loads(line)["id"] for line in proc.stdout.splitlines()]


def test_mark_needs_ids_or_all_and_marks_what_list_prints() -> None:
    assert run("mark", "read").returncode == 2
    proc = run("mark", "star", "--id", TRAINIUM_ID)
    assert proc.returncode == 0, proc.stderr
    assert _ids(run("list", "--starred", "--json")) == [TRAINIUM_ID]
    rows = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert {r["id"]: r["starred"] for r in rows}[TRAINIUM_ID] is True
    assert all(r["read"] is False for r in rows)
    shown = json.loads(run("show", TRAINIUM_ID, "--json").stdout)
    assert shown["starred"] is True and shown["read"] is False
    # --all with list's filters marks exactly what list prints
    listed = _ids(run("list", "--query", "amazon", "--json"))
    assert run("mark", "read", "--all", "--query", "amazon").returncode == 0
    assert sorted(_ids(run("list", "--read", "--json"))) == sorted(listed)
    assert len(_ids(run("list", "--unread", "--json"))) == 4 - len(listed)
    # an id outside the filters is not marked
    proc = run("mark", "unread", "--id", TRAINIUM_ID, "--query", "zzzzqqq")
    assert "not among" in proc.stderr


def test_marks_survive_a_deleted_cache_and_renamed_files(tmp_path: Path, isolated_dirs: dict[str, Path]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    run("mark", "star", "--id", TRAINIUM_ID, str(corpus))
    run("mark", "read", "--all", "--query", "trn1", str(corpus))
    before = run("list", "--json", str(corpus)).stdout
    shutil.rmtree(isolated_dirs["cache"])
    for path in corpus.iterdir():
        path.rename(path.with_name("renamed-" + path.name))
    after = [json.loads(line) for line in run("list", "--json", str(corpus)).stdout.splitlines()]
    marks_before = {json.loads(line)["title"]: (json.loads(line)["read"], json.loads(line)["starred"]) for line in before.splitlines()}
    marks_after = {r["title"]: (r["read"], r["starred"]) for r in after}
    assert marks_after == marks_before
    assert sum(s for _, s in marks_after.values()) == 1 and sum(r for r, _ in marks_after.values()) == 1


@needs_everyday_ai
def test_export_wipe_import_gives_identical_marks(tmp_path: Path, isolated_dirs: dict[str, Path]) -> None:
    corpus = str(EVERYDAY_AI)
    run("mark", "read", "--all", "--topic", "AI Hardware", corpus)
    run("mark", "star", "--all", "--provider", "TechCrunch", corpus)
    before = run("list", "--json", corpus).stdout
    exported = tmp_path / "marks.jsonl"
    assert run("state", "export", str(exported)).returncode == 0
    assert run("state", "export", str(exported)).returncode == 2  # never overwrites
    shutil.rmtree(isolated_dirs["data"])
    assert run("list", "--read", "--json", corpus).stdout == ""
    proc = run("state", "import", str(exported))
    assert proc.returncode == 0, proc.stderr
    assert run("list", "--json", corpus).stdout == before


def test_the_same_article_in_two_corpora_shares_its_marks(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SEEDS, first)
    shutil.copytree(SEEDS, second)
    assert run("mark", "star", "--id", TRAINIUM_ID, str(first)).returncode == 0
    assert _ids(run("list", "--starred", "--json", str(second))) == [TRAINIUM_ID]


def test_a_lazy_store_answers_before_it_has_read_every_mark() -> None:
    StateStore().set_starred(targets(2), True)
    lazy = StateStore(lazy=True)
    assert not lazy.loaded and lazy.starred == set()
    assert lazy.is_starred("example.com/1") and not lazy.is_starred("example.com/5")
    lazy.load()
    assert lazy.loaded and lazy.starred == {"example.com/0", "example.com/1"}
