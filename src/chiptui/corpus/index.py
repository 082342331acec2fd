"""The persistent index: one SQLite file per corpus in the user's cache directory.

What it keeps, per file: size and modification time (to see what changed), the
light card fields that listing and filtering need, the file's problems, and the
text that full-text search reads (FTS5 where SQLite has it, a plain table
searched with LIKE where it does not). On top of that it keeps a *snapshot*: the
assembled list of entries, pickled, which is what a warm start loads.

A refresh scans the corpus, parses only new and changed files (in worker
processes when there are many), drops deleted ones, and re-joins the corpus when
anything changed. The corpus files are only ever read.

Every failure of the index itself (corrupt, truncated, old format, locked,
unwritable) ends in a working corpus: the index is deleted and rebuilt, or the
corpus is indexed in memory for this run, and ``IndexStatus.notice`` says so.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
import os
import pickle
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from chiptui.corpus.loader import (
    C_BODY,
    C_HEAT,
    C_PROVIDER,
    C_QUALITY,
    C_RELATED,
    C_STAMP,
    C_TITLE,
    C_TOPICS,
    C_TYPE,
    C_URL,
    C_URL_KEYS,
    C_WORDS,
    DEFAULT_MAX_BYTES,
    FileRecord,
    assemble,
    date_order,
    index_file,
    problem_order,
    scan,
)
from chiptui.corpus.models import Columns, Problem
from chiptui.corpus.search import extras_of, vocabulary_of
from chiptui.corpus.state import state_key
from chiptui.corpus.workers import fork_pool
from chiptui.corpus.store import count_facets
from chiptui.paths import cache_dir

SCHEMA_VERSION = 18  # bump when the tables or the pickled records change shape, or what the cleaner gives full-text search
PARALLEL_FROM = 256  # fewer changed files than this are parsed in this process
BATCH = 2000  # files per write transaction, so a second process can get in between
PATCH_LIMIT = 2000  # at most this many edited cards are patched into the snapshot; more: a full join
ENV_TIMEOUT = "CHIPTUI_INDEX_TIMEOUT"

Progress = Callable[[int, int], None]  # (files parsed so far, files to parse)


@lru_cache(maxsize=1)
def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5."""
    try:
        with sqlite3.connect(":memory:") as db:
            db.execute("CREATE VIRTUAL TABLE probe USING fts5(body)")
        return True
    except sqlite3.Error:
        return False


@dataclass
class IndexStatus:
    """What a refresh did, for ``chiptui index`` and the status line."""

    db_path: str
    files: int = 0
    parsed: int = 0
    removed: int = 0
    seconds: float = 0.0
    persistent: bool = True
    fts: bool = True
    rebuilt: str | None = None  # why the index was thrown away and rebuilt, if it was
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent scanning, parsing, ...
    notice: str | None = None  # a problem with the index a user should know about

    @property
    def unchanged(self) -> int:
        return self.files - self.parsed


@dataclass
class Snapshot:
    columns: Columns
    problems: list[Problem]
    files: int
    status: IndexStatus = field(default_factory=lambda: IndexStatus(""))
    generation: int = -1
    vocabulary: list[str] | None = None  # distinct words of titles, providers and topics
    facets: object | None = None  # the corpus-wide Facets (topics and providers with counts)
    extras: list[str] | None = None  # "provider topic topic" per article, for search
    scan_problems: int = 0  # how many of ``problems`` came from the scan (not from files)
    keys: list[str] | None = None  # each article's reader-state key (its canonical link, else its id)


def index_path(roots: Sequence[str]) -> str:
    """The index file of a corpus: one per set of root folders."""
    key = "\0".join(sorted(os.path.abspath(r) for r in roots))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return os.path.join(cache_dir(), "index", f"{digest}.sqlite")


class _Rebuild(Exception):
    """The index file is unusable; delete it and start again."""


class CorpusIndex:
    """One corpus's index. Thread-safe: one connection, used under a lock."""

    def __init__(self, roots: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES, db_path: str | None = None) -> None:
        # one canonical spelling ("./news", "news", "/home/me/news" and a link to it are one
        # corpus): it names the index file and every path in it, so two spellings never race
        self.roots = [os.path.realpath(r) for r in roots]
        self.max_bytes = max_bytes
        self.db_path = db_path or index_path(self.roots)
        self.timeout = float(os.environ.get(ENV_TIMEOUT, "") or 10.0)
        self.fts = fts5_available()
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.status = IndexStatus(self.db_path, fts=self.fts)
        self.damage_notices: list[str] = []  # damage found (and repaired) after the refresh

    # -- opening -------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        if self.db_path == ":memory:":
            db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._create(db)
            self._db = db
            return db
        folder = os.path.dirname(self.db_path)
        if os.path.exists(self.db_path) and not (os.access(self.db_path, os.W_OK) and os.access(folder, os.W_OK)):
            # a read-only index is not damage: read it as it is; what changed stays in memory
            try:
                db = self._open_read_only()
            except (sqlite3.Error, _Rebuild) as exc:
                return self._in_memory(f"the index cannot be written (read-only) and cannot be read as it is ({exc})")
            self.status.notice = "the index is read-only: it is read as it is, and this run's changes are not saved to it"
            self._db = db
            return db
        try:
            os.makedirs(folder, exist_ok=True)
            db = self._open_file()
        except _Rebuild as why:
            self.status.rebuilt = str(why)
            self._delete_files()
            try:
                db = self._open_file()
            except (_Rebuild, sqlite3.Error, OSError) as exc:
                return self._in_memory(f"the index could not be rebuilt ({exc})")
        except sqlite3.OperationalError as exc:
            if _is_full(exc):
                self._delete_files()  # what this run began would only keep the disk full
            return self._in_memory(_why_unusable(exc))
        except (sqlite3.Error, OSError) as exc:
            return self._in_memory(f"the index cannot be used ({exc})")
        self._db = db
        return db

    def _open_read_only(self) -> sqlite3.Connection:
        last: Exception | None = None
        for options in ("mode=ro", "mode=ro&immutable=1"):  # without the WAL's files: immutable
            try:
                db = sqlite3.connect(f"file:{self.db_path}?{options}", uri=True, isolation_level=None, check_same_thread=False)
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    db.close()
                    raise _Rebuild(f"it was written by another version of chiptui (format {version})")
                db.execute("SELECT id FROM files LIMIT 1").fetchone()
                return db
            except sqlite3.Error as exc:
                last = exc
        raise sqlite3.OperationalError(str(last))

    def _open_file(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.db_path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.DatabaseError as exc:
            raise _Rebuild(f"it could not be opened ({exc})") from None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
            if version == 0 and not tables:
                db.execute("PRAGMA journal_mode = WAL")
                self._create(db)
            elif version != SCHEMA_VERSION:
                db.close()
                raise _Rebuild(f"it was written by another version of chiptui (format {version}, now {SCHEMA_VERSION})")
            else:
                fts = self._meta(db, "fts")
                if fts != ("1" if self.fts else "0"):
                    db.close()
                    raise _Rebuild("it was built with a different SQLite (full-text search support differs)")
                db.execute("SELECT id FROM files LIMIT 1").fetchone()
            db.execute("PRAGMA synchronous = NORMAL")
            return db
        except sqlite3.OperationalError as exc:
            if _is_locked(exc) or _is_read_only(exc) or _is_full(exc):
                db.close()
                raise
            db.close()
            raise _Rebuild(f"it is damaged ({exc})") from None
        except sqlite3.DatabaseError as exc:
            db.close()
            raise _Rebuild(f"it is damaged ({exc})") from None

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                db.execute("COMMIT")  # another process created it first
                return
            db.execute(
                "CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, "
                "mtime_ns INTEGER, record BLOB, max_bytes INTEGER, ctime_ns INTEGER, inode INTEGER)"
            )
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
            if self.fts:
                # no positions or column sizes: queries are AND-ed word prefixes, never phrases or ranks
                db.execute(
                    "CREATE VIRTUAL TABLE texts USING fts5("
                    "body, tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0)"
                )
            else:
                db.execute("CREATE TABLE texts (body TEXT)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("fts", "1" if self.fts else "0"), ("generation", 0), ("roots", "\n".join(self.roots))],
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _in_memory(self, why: str) -> sqlite3.Connection:
        self.status.persistent = False
        self.status.notice = f"{why}; the corpus was indexed in memory for this run only"
        self.db_path = ":memory:"
        self.status.db_path = ":memory:"
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._create(db)
        self._db = db
        return db

    def _delete_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(self.db_path + suffix)
            except FileNotFoundError:
                pass
            except OSError:
                pass

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> object:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- refreshing ------------------------------------------------------------

    def cached_snapshot(self) -> Snapshot | None:
        """The last saved snapshot, without looking at the files (for an instant first screen)."""
        with self._lock:
            if self.db_path != ":memory:" and not os.path.exists(self.db_path):
                return None
            try:
                db = self._connect()
                snapshot = self._load_snapshot(db, int(self._meta(db, "generation") or 0))
            except Exception:  # noqa: BLE001 - any damage is found and repaired by refresh()
                return None
            if snapshot is not None:
                snapshot.status = self.status
            return snapshot

    def refresh(
        self, progress: Progress | None = None, workers: int | None = None, unchanged_from: int | None = None
    ) -> Snapshot | None:
        """Bring the index up to date with the files and return the corpus snapshot.

        With ``unchanged_from`` (a snapshot's generation), returns None when nothing
        changed since that snapshot, so the caller keeps what it has.
        """
        with self._lock:
            try:
                return self._refresh(progress, workers, unchanged_from)
            except (sqlite3.DatabaseError, _Rebuild, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
                if self.db_path == ":memory:":
                    raise
                self.close()
                if isinstance(exc, sqlite3.OperationalError) and (_is_locked(exc) or _is_read_only(exc) or _is_full(exc)):
                    # not damage: index in memory for this run (and leave no partial file on a full disk)
                    if _is_full(exc):
                        self._delete_files()
                    self.status = IndexStatus(self.db_path, fts=self.fts)
                    self._in_memory(_why_unusable(exc))
                    return self._refresh(progress, workers, None)
                # damage found while reading: start again from nothing, once
                self.status = IndexStatus(self.db_path, fts=self.fts, rebuilt=_why_unusable(exc))
                self._delete_files()
                try:
                    return self._refresh(progress, workers, None)
                except sqlite3.OperationalError as again:
                    self.close()
                    self._in_memory(_why_unusable(again))
                    return self._refresh(progress, workers, None)

    def _refresh(self, progress: Progress | None, workers: int | None, unchanged_from: int | None) -> Snapshot | None:
        gc_was_on = gc.isenabled()
        gc.disable()  # hundreds of thousands of long-lived objects: the collector would only rescan them
        try:
            return self._refresh_now(progress, workers, unchanged_from)
        finally:
            if gc_was_on:
                gc.enable()

    def _refresh_now(self, progress: Progress | None, workers: int | None, unchanged_from: int | None) -> Snapshot | None:
        started = time.perf_counter()
        db = self._connect()
        status = self.status
        scan_problems: list[Problem] = []
        phase = _Phases(status)
        stats = scan(self.roots, scan_problems, workers=(os.cpu_count() or 1) if threading.active_count() == 1 else 1)
        digest = _digest(stats, scan_problems, self.max_bytes)
        phase("scan")
        generation = int(self._meta(db, "generation") or 0)
        status.files = len(stats)
        if self._meta(db, "digest") == digest:
            # the same files with the same sizes and times as when the snapshot was saved
            status.parsed = status.removed = 0
            if unchanged_from is not None and unchanged_from == generation:
                status.seconds = time.perf_counter() - started
                return None
            snapshot = self._load_snapshot(db, generation)
            if snapshot is not None:
                status.seconds = time.perf_counter() - started
                snapshot.status = status
                return snapshot
        known: dict[str, tuple[int, int, int]] = {}  # path -> (size, mtime, rowid)
        seen: dict[str, tuple[int, int, int, int]] = {}  # path -> the stat it was indexed with
        limits: dict[str, int] = {}
        for rowid, stored, size, mtime, ctime, inode, limit in db.execute(
            "SELECT id, path, size, mtime_ns, ctime_ns, inode, max_bytes FROM files"
        ):
            path = _from_db(stored)
            known[path] = (size, mtime, rowid)
            seen[path] = (size, mtime, ctime, inode)
            limits[path] = limit
        # a file read under another size limit is read again when the limit decides its fate
        # (or names the limit in its problem): the limit in force is always the one asked for now
        limit = self.max_bytes
        changed = [
            path for path, st in stats.items()
            if seen.get(path) != st
            or (limits[path] != limit and st[0] > min(limits[path] or 0, limit))
        ]
        removed = [path for path in known if path not in stats]
        status.parsed, status.removed = len(changed), len(removed)
        # a few edited cards: patch the last snapshot instead of joining the corpus again
        patchable = 0 < len(changed) <= PATCH_LIMIT and not removed and all(p in known for p in changed)
        previous = self._load_snapshot(db, generation) if patchable else None
        before = self._records(db, changed) if previous is not None else {}
        phase("compare")
        parsed = self._parse(changed, stats, progress, workers)
        phase("parse")
        generation = self._write(db, parsed, removed, known, stats)
        phase("write")
        fresh = {record.path: record for record, _ in parsed}
        del parsed
        if previous is not None:
            patched = _patch(previous, fresh, before, scan_problems)
            if patched is not None:
                columns, problems, extras, vocabulary = patched
                snapshot = Snapshot(
                    columns, problems, previous.files, status, generation, vocabulary, None, extras, len(scan_problems)
                )
                return self._finish(db, snapshot, digest, phase, "patch", started)
        stored = self._records(db, [p for p in stats if p not in fresh])
        phase("read")
        joined = assemble(fresh[p] if p in fresh else stored[p] for p in stats if p in fresh or p in stored)
        phase("join")
        problems = sorted(scan_problems + joined.problems, key=problem_order)
        columns = Columns.of(joined.entries)
        extras = extras_of(columns.providers, columns.topics)
        vocabulary = vocabulary_of([*columns.titles, *set(extras)])
        snapshot = Snapshot(
            columns, problems, joined.files, status, generation, vocabulary, None, extras, len(scan_problems)
        )
        return self._finish(db, snapshot, digest, phase, "snapshot", started)

    def _finish(
        self, db: sqlite3.Connection, snapshot: Snapshot, digest: str, phase: _Phases, name: str, started: float
    ) -> Snapshot:
        """Count the facets, save the snapshot for the next start, and time it all."""
        columns = snapshot.columns
        snapshot.facets = count_facets(columns.topics, columns.providers)
        # computed here, once per change, so a start with 100,000 marks does not pay for it
        snapshot.keys = [state_key(url, article_id) for url, article_id in zip(columns.urls, columns.ids, strict=True)]
        self._save_snapshot(
            db, columns, snapshot.problems, snapshot.files, digest, snapshot.generation,
            (snapshot.vocabulary, snapshot.facets, snapshot.extras, snapshot.scan_problems, snapshot.keys),  # type: ignore[arg-type]
        )
        phase(name)
        snapshot.status.seconds = time.perf_counter() - started
        return snapshot

    def _parse(
        self, paths: list[str], stats: dict[str, tuple[int, int]], progress: Progress | None, workers: int | None
    ) -> list[tuple[FileRecord, bytes]]:
        total = len(paths)
        if progress:
            progress(0, total)
        if not paths:
            return []
        workers = workers or os.cpu_count() or 1
        records: list[tuple[FileRecord, bytes]] = []
        if total < PARALLEL_FROM or workers < 2:
            for done, path in enumerate(paths, 1):
                records.append(_indexed(path, stats[path], self.max_bytes))
                if progress and (done % 500 == 0 or done == total):
                    progress(done, total)
            return records
        if threading.active_count() > 1 or not _can_fork():
            return self._parse_in_subprocesses(paths, stats, progress, workers)
        chunk = max(50, min(1000, total // (workers * 8)))
        batches = [paths[i : i + chunk] for i in range(0, total, chunk)]
        with fork_pool(workers) as pool:
            jobs = [(batch, [stats[p] for p in batch], self.max_bytes) for batch in batches]
            for result in pool.map(_index_batch, jobs):
                records.extend(_received(result))
                if progress:
                    progress(len(records), total)
        return records

    def _parse_in_subprocesses(
        self, paths: list[str], stats: dict[str, tuple[int, int]], progress: Progress | None, workers: int
    ) -> list[tuple[FileRecord, bytes]]:
        """Parse with ``parse_worker`` subprocesses (safe from a process with threads, like the browser)."""
        import selectors
        import subprocess

        from chiptui.corpus.parse_worker import HEADER

        total = len(paths)
        parts = [paths[i::workers] for i in range(workers)]
        procs = []
        for part in parts:
            proc = subprocess.Popen(
                [sys.executable, "-m", "chiptui.corpus.parse_worker", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
            )
            procs.append(proc)
            assert proc.stdin is not None
            with proc.stdin:
                pickle.dump((part, [stats[p] for p in part], self.max_bytes), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        records: list[tuple[FileRecord, bytes]] = []
        with selectors.DefaultSelector() as selector:
            buffers: dict[int, bytearray] = {}
            for proc in procs:
                assert proc.stdout is not None
                selector.register(proc.stdout, selectors.EVENT_READ, proc)
                buffers[proc.pid] = bytearray()
            open_streams = len(procs)
            while open_streams:
                for key, _ in selector.select():
                    proc = key.data
                    chunk = os.read(key.fd, 1 << 20)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        open_streams -= 1
                        continue
                    buffer = buffers[proc.pid]
                    buffer += chunk
                    while len(buffer) >= HEADER.size:
                        (size,) = HEADER.unpack_from(buffer)
                        if len(buffer) < HEADER.size + size:
                            break
                        batch = pickle.loads(bytes(buffer[HEADER.size : HEADER.size + size]))
                        del buffer[: HEADER.size + size]
                        records.extend(_received(batch))
                        if progress:
                            progress(len(records), total)
        for proc in procs:
            proc.stdout.close()  # type: ignore[union-attr]
            proc.wait()
        if len(records) != total:  # a worker died: parse what it left in this process
            done = {record.path for record, _ in records}
            for path in paths:
                if path not in done:
                    records.append(_indexed(path, stats[path], self.max_bytes))
            if progress:
                progress(total, total)
        return records

    def _write(
        self,
        db: sqlite3.Connection,
        records: list[tuple[FileRecord, bytes]],
        removed: list[str],
        known: dict[str, tuple[int, int, int]],
        stats: dict[str, tuple[int, int, int, int]],
    ) -> int:
        """Store new and changed records and forget removed files; returns the new generation (-1: not saved)."""
        generation = int(self._meta(db, "generation") or 0)
        if not records and not removed:
            return generation
        try:
            for start in range(0, max(len(records), len(removed), 1), BATCH):
                batch = records[start : start + BATCH]
                db.execute("BEGIN IMMEDIATE")
                try:
                    gone = [(known[p][2],) for p in removed[start : start + BATCH]]
                    db.executemany("DELETE FROM texts WHERE rowid = ?", gone)
                    db.executemany("DELETE FROM files WHERE id = ?", gone)
                    # ids as they are now, inside the write lock (another process may have added some)
                    existing = dict(_rows_by_path(db, "id", [record.path for record, _ in batch]))
                    next_id = (db.execute("SELECT max(id) FROM files").fetchone()[0] or 0) + 1
                    inserts, updates, texts = [], [], []
                    for record, blob in batch:
                        rowid = existing.get(record.path)
                        ctime, inode = stats[record.path][2:4] if record.path in stats else (None, None)
                        if rowid is None:
                            rowid, next_id = next_id, next_id + 1
                            inserts.append((rowid, _to_db(record.path), record.size, record.mtime_ns, blob, self.max_bytes, ctime, inode))
                        else:
                            updates.append((record.size, record.mtime_ns, blob, self.max_bytes, ctime, inode, rowid))
                        if record.text:
                            texts.append((rowid, record.text))
                    db.executemany("DELETE FROM texts WHERE rowid = ?", [(u[-1],) for u in updates])
                    db.executemany(
                        "UPDATE files SET size = ?, mtime_ns = ?, record = ?, max_bytes = ?, ctime_ns = ?, inode = ? WHERE id = ?",
                        updates,
                    )
                    db.executemany(
                        "INSERT INTO files (id, path, size, mtime_ns, record, max_bytes, ctime_ns, inode) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", inserts
                    )
                    db.executemany("INSERT INTO texts (rowid, body) VALUES (?, ?)", texts)
                    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                    db.execute("COMMIT")
                except BaseException:
                    _rollback(db)
                    raise
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) and "readonly" not in str(exc) and "read-only" not in str(exc):
                raise
            self.status.notice = f"{_why_unusable(exc)}; this run's changes were not saved to it"
            return -1
        return int(self._meta(db, "generation") or 0)

    def _records(self, db: sqlite3.Connection, paths: Iterable[str]) -> dict[str, FileRecord]:
        wanted = set(paths)
        if not wanted:
            return {}
        loads = data_loads
        if len(wanted) <= PATCH_LIMIT:  # a few: look them up; many: one pass over the table
            return {path: loads(blob) for path, blob in _rows_by_path(db, "record", list(wanted))}
        out: dict[str, FileRecord] = {}
        for stored, blob in db.execute("SELECT path, record FROM files"):
            path = _from_db(stored)
            if path in wanted:
                out[path] = loads(blob)
        return out

    def _load_snapshot(self, db: sqlite3.Connection, generation: int) -> Snapshot | None:
        row = db.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
        if row is None:
            return None
        gc_was_on = gc.isenabled()
        gc.disable()  # a load of 100,000 rows makes the collector run for nothing, many times
        try:
            saved_generation, columns, problems, files, vocabulary, facets, extras, scan_problems, keys = data_loads(row[0])
        finally:
            if gc_was_on:
                gc.enable()
        if saved_generation != generation:
            return None
        return Snapshot(
            Columns(*columns), list(problems), files, generation=generation, vocabulary=vocabulary, facets=facets,
            extras=extras, scan_problems=scan_problems, keys=keys,
        )

    def _save_snapshot(
        self,
        db: sqlite3.Connection,
        columns: Columns,
        problems: list[Problem],
        files: int,
        digest: str,
        generation: int,
        extras: tuple[list[str], object, list[str], int, list[str]],
    ) -> None:
        if generation < 0:
            return
        blob = data_dumps((generation, tuple(columns), problems, files, *extras))
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if int(self._meta(db, "generation") or 0) == generation:  # else another process wrote since
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)", (blob,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('digest', ?)", (digest,))
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc):
                raise

    # -- full-text search --------------------------------------------------------

    def _recovering(self, query):  # type: ignore[no-untyped-def]
        """Run ``query`` (a function of the connection); when SQLite finds damage on the way,
        rebuild the index (or fall back to memory), say so in ``status.notice``, and run it
        once more on the rebuilt index."""
        with self._lock:
            try:
                return query(self._connect())
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and _is_locked(exc):
                    raise
                why = _why_unusable(exc)
                self.close()
                if self.db_path != ":memory:":
                    self._delete_files()
                self.status = IndexStatus(self.db_path, fts=self.fts, rebuilt=why)
                try:
                    self._refresh(None, None, None)
                except sqlite3.Error as again:
                    self.close()
                    self._in_memory(_why_unusable(again))
                    self._refresh(None, None, None)
                self.status.notice = f"{why}; it was rebuilt" + (
                    "" if self.status.persistent else " in memory for this run"
                )
                self.damage_notices.append(self.status.notice)
                return query(self._connect())

    def verify(self, records: bool = True) -> str | None:
        """Read every page of the index (``PRAGMA quick_check``) and every stored record:
        damage that raises no error in a normal run is found here (``records=False``: the pages
        only, which SQLite checks without holding Python's lock). Damaged: the index is
        rebuilt and the answer says what was wrong; sound: None."""

        def check(db: sqlite3.Connection) -> str | None:
            rows = [row[0] for row in db.execute("PRAGMA quick_check")]
            if rows != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(rows[:3]))
            for (blob,) in db.execute("SELECT record FROM files") if records else ():
                try:
                    data_loads(blob)
                except Exception as exc:  # noqa: BLE001 - any unreadable record is damage
                    raise sqlite3.DatabaseError(f"a stored record cannot be read ({exc})") from None
            return None

        before = len(self.damage_notices)
        self._recovering(check)
        return self.damage_notices[-1] if len(self.damage_notices) > before else None

    def texts_of(self, paths: Sequence[str]) -> list[tuple[str, str]]:
        """(path, searchable text) of these files (to check a phrase FTS cannot)."""
        wanted = list(dict.fromkeys(paths))

        def run(db: sqlite3.Connection) -> list[tuple[str, str]]:
            return self._texts_of(db, wanted)

        return self._recovering(run)

    def _texts_of(self, db: sqlite3.Connection, wanted: list[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            out.extend((_from_db(path), body) for path, body in db.execute(
                f"SELECT files.path, texts.body FROM files JOIN texts ON texts.rowid = files.id WHERE files.path IN ({marks})",
                [_to_db(p) for p in part],
            ))
        return out

    def search_text(self, words: str) -> set[str] | None:
        """Paths of files whose excerpt or body has every word (prefixes match); None for no words."""
        tokens = [t for t in words.split() if t.strip("\"'*")]
        if not tokens:
            return None
        with self._lock:
            if self.fts:
                # each word of each token, as a prefix, all required ("self-driving": self* driving*)
                terms = [t for token in tokens for t in _WORDS.findall(token)]
                if not terms:
                    return set()
                query = " AND ".join('"' + t + '"*' for t in terms)
                sql = "SELECT path FROM files WHERE id IN (SELECT rowid FROM texts WHERE texts MATCH ?)"
                params: tuple = (query,)
            else:
                likes = " AND ".join(["body LIKE ? ESCAPE '\\'"] * len(tokens))
                sql = f"SELECT path FROM files WHERE id IN (SELECT rowid FROM texts WHERE {likes})"
                params = tuple("%" + _like_escape(t) + "%" for t in tokens)

            def run(connection: sqlite3.Connection) -> set[str]:
                try:
                    return {_from_db(row[0]) for row in connection.execute(sql, params)}
                except sqlite3.OperationalError as exc:
                    if "malformed" in str(exc) or "corrupt" in str(exc) or "no such" in str(exc):
                        raise sqlite3.DatabaseError(str(exc)) from None
                    return set()  # an FTS syntax error: nothing matches

            return self._recovering(run)


class _Phases:
    """Records the seconds since the last call under a name (shown by ``chiptui index --json``)."""

    def __init__(self, status: IndexStatus) -> None:
        self.status = status
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.status.phases[name] = round(now - self.last, 3)
        self.last = now


def _patch(
    previous: Snapshot, fresh: dict[str, FileRecord], before: dict[str, FileRecord], scan_problems: list[Problem]
) -> tuple[Columns, list[Problem], list[str], list[str]] | None:
    """The previous snapshot with some cards' fields replaced, or None when the edits could
    change anything beyond those cards: a title (scraped pages are matched on titles), a
    URL or related link (links between articles), a body appearing or going, a card that
    is now a page or was not a card before."""
    if previous.extras is None or previous.vocabulary is None:
        return None
    c = previous.columns
    position = {path: i for i, path in enumerate(c.paths)}
    for path, new in fresh.items():
        old = before.get(path)
        if old is None or old.card is None or new.card is None or path not in position:
            return None
        a, b = old.card, new.card
        if (
            a[C_WORDS] != b[C_WORDS]
            or a[C_URL_KEYS] != b[C_URL_KEYS]
            or a[C_RELATED] != b[C_RELATED]
            or (a[C_BODY] is None) != (b[C_BODY] is None)
        ):
            return None
    columns = Columns(*(list(column) for column in c))
    extras = list(previous.extras)
    intern = sys.intern
    reorder = False
    for path, new in fresh.items():
        i, info = position[path], new.card
        assert info is not None
        if columns.titles[i] != info[C_TITLE] or columns.stamps[i] != info[C_STAMP]:
            reorder = True
        columns.titles[i] = info[C_TITLE]
        columns.providers[i] = intern(info[C_PROVIDER])
        columns.stamps[i] = info[C_STAMP]
        columns.topics[i] = tuple(map(intern, info[C_TOPICS]))
        columns.quality[i] = info[C_QUALITY]
        columns.heat[i] = info[C_HEAT]
        columns.urls[i] = info[C_URL]
        columns.kinds[i] = info[C_TYPE]
        if info[C_BODY] is not None:
            columns.bodies[i] = (path, "card", info[C_BODY])
        extras[i] = extras_of([columns.providers[i]], [columns.topics[i]])[0]
    if reorder:  # the order assemble() gives
        order = date_order(columns.titles, columns.stamps)
        columns = Columns(*([column[i] for i in order] for column in columns))
        extras = [extras[i] for i in order]
    # problems: this scan's, then every file's and the join's, minus the edited files' old ones
    stale = Counter(p for path in fresh for p in before[path].problems)
    kept = []
    for problem in previous.problems[previous.scan_problems :]:
        if stale[problem] > 0:
            stale[problem] -= 1
        else:
            kept.append(problem)
    kept += [p for record in fresh.values() for p in record.problems]
    problems = sorted(scan_problems + kept, key=problem_order)
    words = set(previous.vocabulary) | set(vocabulary_of([*(r.card[C_TITLE] for r in fresh.values()), *set(extras)]))  # type: ignore[index]
    return columns, problems, extras, sorted(words)


def _rows_by_path(db: sqlite3.Connection, column: str, paths: list[str]) -> Iterator[tuple[str, object]]:
    """(path, ``column``) of the files table for ``paths``, looked up 500 at a time
    (SQLite limits the parameters of one statement)."""
    for start in range(0, len(paths), 500):
        part = paths[start : start + 500]
        for path, value in db.execute(
            f"SELECT path, {column} FROM files WHERE path IN ({','.join('?' * len(part))})", [_to_db(p) for p in part]
        ):
            yield _from_db(path), value


def _received(batch: Iterable[tuple[bytes, str]]) -> list[tuple[FileRecord, bytes]]:
    """A worker's (stored bytes, search text) pairs as (record, stored bytes)."""
    loads = pickle.loads  # our own worker's bytes, not the index's: no digest check needed
    return [(loads(memoryview(blob)[_CHECK:])._replace(text=text), blob) for blob, text in batch]


def _digest(stats: dict[str, tuple[int, int]], problems: list[Problem], max_bytes: int) -> str:
    """A fingerprint of every path, size and time, of what the scan could not read, and of
    the size limit the files were read under."""
    data = pickle.dumps((stats, [p.to_json() for p in problems], max_bytes), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_WORDS = re.compile(r"\w+")


# The index is a cache that may be copied from elsewhere or shared: what it holds is read
# back as data only. Its pickles may name these classes of chiptui's and nothing else, so a
# crafted file can build no other object and call no function (the "restricting globals"
# pattern of the pickle documentation); anything else is damage, and the index is rebuilt.
_DATA_CLASSES = {
    ("chiptui.corpus.loader", "FileRecord"),
    ("chiptui.corpus.models", "Problem"),
    ("chiptui.corpus.store", "Facet"),
    ("chiptui.corpus.store", "Facets"),
}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _DATA_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the index names {module}.{name}, which is not chiptui data")


_CHECK = 8  # bytes of blake2b before each stored pickle: damage that SQLite cannot see shows here


def data_dumps(data: object) -> bytes:
    """A stored value: its digest, then its pickle."""
    body = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(body, digest_size=_CHECK).digest() + body


def data_loads(blob: bytes) -> object:
    """Read a stored value back as data: its digest must match (a damaged page that SQLite
    reads without complaint is caught here, and the index is rebuilt), and only chiptui's
    record classes may appear in it."""
    import io

    body = memoryview(blob)[_CHECK:]
    if len(blob) < _CHECK or hashlib.blake2b(body, digest_size=_CHECK).digest() != bytes(blob[:_CHECK]):
        raise pickle.UnpicklingError("a stored value does not match its digest (the index is damaged)")
    return _DataUnpickler(io.BytesIO(body)).load()


def _to_db(path: str) -> str | bytes:
    """A path as SQLite stores it: text, or its bytes when the name is not UTF-8 (a file
    copied from another system: Python holds those bytes as lone surrogates, which SQLite
    text cannot)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def _from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _indexed(path: str, stat: tuple[int, int], max_bytes: int) -> tuple[FileRecord, bytes]:
    """A file's record, and the bytes the index stores for it (made here, in the worker)."""
    record = index_file(path, stat[0], stat[1], max_bytes)
    return record, data_dumps(record._replace(text=""))


def _index_batch(job: tuple[list[str], list[tuple[int, int]], int]) -> list[tuple[bytes, str]]:
    """Worker side: each file's stored bytes and search text (the record itself is not sent
    twice; the parent reads it back from the bytes it stores)."""
    paths, stats, max_bytes = job
    gc.disable()  # many small objects, all kept: collections only cost time here
    out = []
    for path, stat in zip(paths, stats, strict=True):
        record, blob = _indexed(path, stat, max_bytes)
        out.append((blob, record.text))
    return out


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _rollback(db: sqlite3.Connection) -> None:
    """Undo an open transaction; a failed COMMIT (a full disk) may have ended it already."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _is_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text


def _is_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "disk is full" in text or "database or disk is full" in text or "no space" in text


def _why_unusable(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.OperationalError) and _is_locked(exc):
        return "the index is locked by another program"
    if _is_read_only(exc):
        return "the index cannot be written (read-only)"
    if _is_full(exc):
        return "the disk with the index is full"
    return f"the index was damaged ({exc})"
