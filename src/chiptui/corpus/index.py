"""The persistent index: one SQLite file per corpus in the user's cache directory.

What it keeps, per file: size and modification time (to see what changed), the
light card fields that listing and filtering need, the file's problems, and the
text that full-text search reads (FTS5 where SQLite has it, a plain table
searched with LIKE where it does not). On top of that it keeps a *snapshot*: the
assembled list of entries, pickled, which is what a warm start loads.

A refresh scans the corpus, compares the scan with the last one, parses only new
and changed files (in worker processes when there are many), drops deleted ones,
and brings the snapshot up to date: a few edited cards are patched into it, a few
new cards added to it (``additions``), anything else joins the corpus again. The
corpus files are only ever read.

This module keeps the index in step with the corpus; its parts each have a file:
``index_db`` (the SQLite file: opening, damage, pruning), ``parse_pool`` (parsing in
workers), ``snapshot`` (the saved corpus and patching it), ``records`` (how values and
paths are stored), ``fulltext`` (search in the texts table) and ``additions`` (new
cards added to a saved join).
"""

from __future__ import annotations

import gc
import os
import pickle
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence

from chiptui.corpus.additions import JoinKeys, extend, spliced
from chiptui.corpus.fulltext import (
    StagedMove,
    forget_texts,
    fts_body,
    has_staged,
    move_staged,
    run_text_query,
    store_texts,
    text_query,
)
from chiptui.corpus.fulltext import texts_of as _texts_of
from chiptui.corpus.index_db import (
    ENV_TIMEOUT,
    SCHEMA_VERSION,
    IndexFile,
    IndexStatus,
    _Rebuild,
    fts5_available,
    index_path,
    is_full,
    is_read_only,
    prune,
    put_meta,
    read_generation,
    read_meta,
    rollback,
    why_unusable,
)
from chiptui.corpus.loader import (
    DEFAULT_MAX_BYTES,
    STAT_BYTES,
    FileRecord,
    Found,
    Stat,
    assemble,
    problem_order,
    record_loads,
    scan_found,
)
from chiptui.corpus.models import Columns, Problem, count_facets
from chiptui.corpus.parse_pool import PARALLEL_FROM, Parsed, Progress, parse_files
from chiptui.corpus.records import data_dumps, data_loads, from_db, rows_by_path, to_db
from chiptui.corpus.scan_worker import digest_of
from chiptui.corpus.search import extras_of, vocabulary_of
from chiptui.corpus.snapshot import Snapshot, file_problems, load_snapshot, patch, save_snapshot
from chiptui.corpus.sqlite_files import is_locked
from chiptui.corpus.state import state_key, state_keys_of

__all__ = [
    "ENV_TIMEOUT",
    "PARALLEL_FROM",
    "SCHEMA_VERSION",
    "CorpusIndex",
    "IndexStatus",
    "Progress",
    "Snapshot",
    "fts5_available",
    "index_path",
    "prune",
]

BATCH = 2000  # files per write transaction, so a second process can get in between
PATCH_LIMIT = 2000  # at most this many edited cards are patched into the snapshot; more: a full join


class _Writer:
    """Stores parsed records in transactions of ``BATCH`` as they come (see ``_write``)."""

    def __init__(
        self,
        index: CorpusIndex,
        db: sqlite3.Connection,
        removed_rows: dict[str, int],
        stats: dict[str, tuple[int, int, int, int]],
        staged: bool = False,
    ) -> None:
        self.index, self.db, self.removed_rows, self.stats = index, db, removed_rows, stats
        self.staged = staged  # texts are indexed after the parse (see ``fulltext``)
        self.pending: list[Parsed] = []
        self.unsaved = False  # the index could not be written: nothing more is tried this run
        self.rows: dict[str, int] = {}  # the rows of new files

    def add(self, records: list[Parsed]) -> None:
        self.pending.extend(records)
        while len(self.pending) >= BATCH and not self.unsaved:
            batch, self.pending = self.pending[:BATCH], self.pending[BATCH:]
            self.unsaved = (
                self.index._write(self.db, batch, [], self.removed_rows, self.stats, self.rows, self.staged) < 0
            )

    def finish(self, removed: list[str]) -> int:
        """The rest and the removals; the generation they made (-1: this run's changes are not saved)."""
        if self.unsaved:
            return -1
        return self.index._write(self.db, self.pending, removed, self.removed_rows, self.stats, self.rows, self.staged)


class CorpusIndex(IndexFile):
    """One corpus's index, kept in step with its files. Thread-safe: one connection, used
    under a lock."""

    # A list here (a command's, which ends after one refresh) keeps what a join of the whole
    # corpus built, so no time goes into freeing it: the process exits without freeing it
    # (``cli.run``). Freeing the records of 110,000 files took 0.15-0.2 s of a cold index.
    keep_spent: list[object] | None = None

    def __init__(self, roots: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES, db_path: str | None = None) -> None:
        super().__init__(roots, db_path)
        self.max_bytes = max_bytes
        self.damage_notices: list[str] = []  # damage found (and repaired) after the refresh
        self._prescanned: tuple[object, list[Problem], object] | None = None
        self._moving: StagedMove | None = None  # this run's staged texts, going into FTS5
        self._ready: Callable[[Snapshot], None] | None = None  # this refresh's (see ``refresh``)

    # -- refreshing ------------------------------------------------------------

    def cached_snapshot(self) -> Snapshot | None:
        """The last saved snapshot, without looking at the files (for an instant first screen)."""
        with self._lock:
            if self.db_path != ":memory:" and not os.path.exists(self.db_path):
                return None
            try:
                db = self._connect()
                snapshot = load_snapshot(db, read_generation(db))
            except Exception:  # noqa: BLE001 - any damage is found and repaired by refresh()
                return None
            if snapshot is not None:
                snapshot.status = self.status
            return snapshot

    def refresh(
        self,
        progress: Progress | None = None,
        workers: int | None = None,
        unchanged_from: int | None = None,
        ready: Callable[[Snapshot], None] | None = None,
    ) -> Snapshot | None:
        """Bring the index up to date with the files and return the corpus snapshot.

        With ``unchanged_from`` (a snapshot's generation), returns None when nothing
        changed since that snapshot, so the caller keeps what it has.

        ``ready`` is handed a new snapshot as soon as it is made, before it is saved for the
        next start: a browser shows new files while they are written (the save took a third
        of the time until 100 added cards showed at 100,000 articles). Only a snapshot this
        refresh makes is handed on (the one it returns, or, after damage found while saving,
        the one before the rebuild too); a snapshot read as it was saved is only returned.
        """
        self._prescanned = self._scan_elsewhere() if threading.active_count() > 1 else None
        with self._lock:
            self._ready = ready
            try:
                return self._refresh(progress, workers, unchanged_from)
            except (sqlite3.DatabaseError, _Rebuild, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
                if self.db_path == ":memory:":
                    raise
                self.close()
                if isinstance(exc, sqlite3.OperationalError) and (is_locked(exc) or is_read_only(exc) or is_full(exc)):
                    # not damage: index in memory for this run (and leave no partial file on a full disk)
                    if is_full(exc):
                        self._delete_files()
                    self.status = IndexStatus(self.db_path, fts=self.fts)
                    self._in_memory(why_unusable(exc))
                    return self._refresh(progress, workers, None)
                # damage found while reading: start again from nothing, once
                return self._rebuild(why_unusable(exc), progress, workers)
            finally:
                self._ready = None

    def _rebuild(self, why: str, progress: Progress | None = None, workers: int | None = None) -> Snapshot | None:
        """Delete the damaged file and index the corpus again from nothing (in memory, when
        even that fails); ``status.rebuilt`` says why."""
        self.close()
        if self.db_path != ":memory:":
            self._delete_files()
        self.status = IndexStatus(self.db_path, fts=self.fts, rebuilt=why)
        try:
            return self._refresh(progress, workers, None)
        except sqlite3.Error as again:
            self.close()
            self._in_memory(why_unusable(again))
            return self._refresh(progress, workers, None)

    def _scan_elsewhere(self) -> tuple[object, list[Problem], object] | None:
        """The browser's scan, in a process of its own (see ``scan_worker``) and outside the
        index's lock: a search that needs the index meanwhile does not wait for the walk."""
        from chiptui.corpus.scan_worker import scan_elsewhere

        with self._lock:
            try:
                known = self._meta(self._connect(), "digest")
            except Exception:  # noqa: BLE001 - the refresh finds and repairs whatever this is
                return None
        problems: list[Problem] = []
        scanned = scan_elsewhere(self.roots, problems, self.max_bytes, known)
        return (scanned, problems, known) if scanned is not None else None

    def _refresh(self, progress: Progress | None, workers: int | None, unchanged_from: int | None) -> Snapshot | None:
        gc_was_on = gc.isenabled()
        gc.disable()  # hundreds of thousands of long-lived objects: the collector would only rescan them
        try:
            return self._refresh_now(progress, workers, unchanged_from)
        except KeyboardInterrupt:
            # out at once: the thread indexing the texts is a daemon, and what it leaves
            # unindexed (its transaction undone) the next run indexes first
            self._moving = None
            raise
        finally:
            if self._moving is not None:  # (the run stopped before its snapshot: the next one moves them)
                self._moving.wait()
                self._moving = None
            if gc_was_on:
                gc.enable()

    def _refresh_now(
        self, progress: Progress | None, workers: int | None, unchanged_from: int | None
    ) -> Snapshot | None:
        started = time.perf_counter()
        db = self._connect()
        status = self.status
        scan_problems: list[Problem] = []
        phase = _Phases(status)
        generation = read_generation(db)
        saved_digest = self._meta(db, "digest")
        found = None
        preloaded: list[Snapshot | None | Exception] = []

        def preload() -> None:
            """Read the snapshot while the scan's walkers stat the files: most starts find
            nothing changed, and this process would only wait for them. (Damage found here
            counts only if the snapshot is used: below, where it is handled.)"""
            try:
                preloaded.append(load_snapshot(db, generation))
            except Exception as exc:  # noqa: BLE001 - raised again where the snapshot is used
                preloaded.append(exc)

        prescanned, self._prescanned = self._prescanned, None
        if prescanned is not None and prescanned[2] == saved_digest:  # else another process wrote since
            scanned, found_problems, _ = prescanned
            parts, digest, status.files = scanned  # type: ignore[misc] # parts None: the same files as last time
            if parts is not None:
                found = Found(parts, status.files)
            scan_problems.extend(found_problems)
        else:
            found = scan_found(
                self.roots,
                scan_problems,
                workers=(os.cpu_count() or 1) if threading.active_count() == 1 else 1,
                meanwhile=preload if saved_digest is not None else None,
            )
            digest = digest_of(found, scan_problems, self.max_bytes)
            status.files = len(found)
        phase("scan")
        if saved_digest == digest:
            # the same files with the same sizes and times as when the snapshot was saved
            status.parsed = status.removed = 0
            if unchanged_from is not None and unchanged_from == generation:
                status.seconds = time.perf_counter() - started
                return None
            snapshot = preloaded.pop() if preloaded else load_snapshot(db, generation)
            if isinstance(snapshot, Exception):
                raise snapshot
            if snapshot is not None:
                status.seconds = time.perf_counter() - started
                snapshot.status = status
                return snapshot
        if found is None:  # the snapshot could not be read after all: scan here
            scan_problems.clear()
            found = scan_found(self.roots, scan_problems)
            digest = digest_of(found, scan_problems, self.max_bytes)
        before = self._scanned(generation)
        known: dict[str, int] | None = None  # path -> row, when the files table was read
        if before is not None:  # compared with the last scan: only its parts that differ
            stats, removed, indexed = _compared(before, found)  # the changed files' stats only
            changed = list(stats)
        else:
            stats = found.stats()
            changed, removed, known = self._compared_with_table(db, stats)
            indexed = known
        status.parsed, status.removed = len(changed), len(removed)
        # a few edited cards: patch the last snapshot; a few new files: extend it (each
        # only when nothing else can change); else the corpus is joined again
        edited = all(p in indexed for p in changed)
        patchable = (
            0 < len(changed) <= PATCH_LIMIT and not removed and (edited or not any(p in indexed for p in changed))
        )
        previous = None
        if patchable:
            previous = preloaded.pop() if preloaded else load_snapshot(db, generation)
            if isinstance(previous, Exception):  # damage: join the corpus again instead (it is saved anew)
                previous = None
        preloaded.clear()
        join_keys = self._join_keys(generation) if previous is not None else None
        if previous is not None and not edited and join_keys is None:
            previous = None  # no join keys saved for this snapshot: join again (and save them)
        before = self._records(db, changed) if previous is not None and edited else {}
        phase("compare")
        # records are stored as they arrive, while the workers go on parsing (this process
        # would only wait for them); what is left, and the removals, after the last
        gone = {p: known[p] for p in removed} if known is not None else dict(rows_by_path(db, "id", removed))
        if self.fts and has_staged(db):
            move_staged(db)  # a run that stopped before it indexed its texts
        # a change this large is joined again, and the join leaves a core idle: its texts are
        # indexed in FTS5 then, beside it (see ``fulltext``)
        staged = self.fts and len(changed) > PATCH_LIMIT
        writer = _Writer(self, db, gone, stats, staged)  # type: ignore[arg-type]
        parsed = parse_files(changed, stats, self.max_bytes, progress, workers, sink=writer.add)
        phase("parse")
        generation = writer.finish(removed)
        phase("write")
        fresh = {record.path: record for record in parsed}
        del parsed
        if previous is not None and edited:
            patched = patch(previous, fresh, before, scan_problems)
            if patched is not None:
                columns, problems, extras, vocabulary = patched
                snapshot = Snapshot(
                    columns, problems, previous.files, status, generation, vocabulary, None, extras, scan_problems
                )
                keys = self._state_keys(previous, columns, {columns.ids[i] for i, p in enumerate(columns.paths) if p in fresh})
                return self._finish(db, snapshot, digest, phase, "patch", started, keys, join_keys, found)
        elif previous is not None and join_keys is not None and all(p in writer.rows and p in fresh for p in changed):
            added = [(writer.rows[p], fresh[p]) for p in changed]
            grown = extend(
                previous.columns, file_problems(previous), added, join_keys, db, self.fts, self.roots
            )
            if grown is not None:
                columns = grown.columns
                extras = spliced(previous.extras or [], {i: extras_of([columns.providers[i]], [columns.topics[i]])[0] for i in grown.inserted})
                new_titles = [columns.titles[i] for i in grown.inserted]
                new_extras = {extras[i] for i in grown.inserted}
                vocabulary = sorted(set(previous.vocabulary or ()) | set(vocabulary_of([*new_titles, *new_extras])))
                snapshot = Snapshot(
                    columns,
                    sorted(scan_problems + grown.problems, key=problem_order),
                    previous.files + len(added),
                    status,
                    generation,
                    vocabulary,
                    None,
                    extras,
                    scan_problems,
                )
                join_keys.extend(added)
                keys = self._state_keys(previous, columns, grown.changed)
                return self._finish(db, snapshot, digest, phase, "extend", started, keys, join_keys, found)
        stats = found.stats()  # every file, in walk order: the join's order
        stored = self._records(db, [p for p in stats if p not in fresh])
        phase("read")
        records = [fresh[p] if p in fresh else stored[p] for p in stats if p in fresh or p in stored]
        if known is None:
            rows = {from_db(path): row for row, path in db.execute("SELECT id, path FROM files")}
        else:
            rows = {**known, **writer.rows}
        kept_keys: list[JoinKeys] = []

        def meanwhile(records: list[FileRecord] = records) -> None:  # (bound now: deleted below)
            """What needs nothing of the join: done while a forked child matches the pages."""
            if all(record.path in rows for record in records):
                kept_keys.append(JoinKeys.of((rows[record.path], record) for record in records))

        joined = assemble(records, meanwhile)
        join_keys = kept_keys[0] if kept_keys else None
        del records, stored
        if staged:  # the texts go into FTS5 on a thread, beside the snapshot's work (the join's
            # second core is the forked child's: see ``assemble``)
            if self.db_path == ":memory:":  # (no second connection sees it)
                move_staged(db)
            else:
                self._moving = StagedMove(self.db_path, self.timeout)
        phase("join")
        problems = sorted(scan_problems + joined.problems, key=problem_order)
        columns = Columns.of(joined.entries)
        extras = extras_of(columns.providers, columns.topics)
        vocabulary = vocabulary_of([*columns.titles, *set(extras)])
        snapshot = Snapshot(
            columns, problems, joined.files, status, generation, vocabulary, None, extras, scan_problems
        )
        if self.keep_spent is not None:  # (a command about to end: see ``keep_spent``)
            self.keep_spent.append((fresh, stats, rows, joined, writer, found, kept_keys, snapshot))
        return self._finish(db, snapshot, digest, phase, "snapshot", started, None, join_keys, found)

    def _compared_with_table(
        self, db: sqlite3.Connection, stats: dict[str, tuple[int, int, int, int]]
    ) -> tuple[list[str], list[str], dict[str, int]]:
        """(changed, removed, path -> row of every indexed file), from the files table."""
        known: dict[str, int] = {}
        seen: dict[str, tuple[int, int, int, int]] = {}  # path -> the stat it was indexed with
        limits: dict[str, int] = {}
        for rowid, stored, size, mtime, ctime, inode, limit in db.execute(
            "SELECT id, path, size, mtime_ns, ctime_ns, inode, max_bytes FROM files"
        ):
            path = from_db(stored)
            known[path] = rowid
            seen[path] = (size, mtime, ctime, inode)
            limits[path] = limit
        # a file read under another size limit is read again when the limit decides its fate
        # (or names the limit in its problem): the limit in force is always the one asked for now
        limit = self.max_bytes
        changed = [
            path
            for path, st in stats.items()
            if seen.get(path) != st or (limits[path] != limit and st[0] > min(limits[path] or 0, limit))
        ]
        return changed, [path for path in known if path not in stats], known

    def _scanned(self, generation: int) -> list[tuple[bytes, bytes]] | None:
        """The files as the last scan saw them, when the index is as that scan left it: saved
        with its snapshot, under the size limit in force now (a file the limit treats otherwise
        would be read again: see ``_compared_with_table``)."""
        saved = self.saved_value("scanned", generation)
        if not isinstance(saved, tuple) or len(saved) != 2:
            return None
        limit, parts = saved
        return parts if limit == self.max_bytes and isinstance(parts, list) else None

    def _join_keys(self, generation: int) -> JoinKeys | None:
        """The join keys saved with the snapshot of ``generation`` (see ``additions``), or None."""
        state = self.saved_value("joinkeys", generation)
        try:
            return JoinKeys.from_state(state) if state is not None else None  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return None  # only a speed-up: the corpus is joined again, and they are saved anew

    def _state_keys(self, previous: Snapshot, columns: Columns, changed: set[str]) -> list[str]:
        """The reader-state keys of ``columns``: the previous snapshot's where an entry's id
        and link are as they were, else computed (see ``state_keys_of``)."""
        saved = self.saved_value("keys", previous.generation)
        if not isinstance(saved, list) or len(saved) != len(previous.columns.ids):
            return state_keys_of(columns.urls, columns.ids)
        by_id = dict(zip(previous.columns.ids, saved, strict=True))
        return [
            by_id[article_id] if article_id in by_id and article_id not in changed else state_key(url, article_id)
            for url, article_id in zip(columns.urls, columns.ids, strict=True)
        ]

    def _finish(
        self,
        db: sqlite3.Connection,
        snapshot: Snapshot,
        digest: str,
        phase: _Phases,
        name: str,
        started: float,
        keys: list[str] | None = None,
        join_keys: JoinKeys | None = None,
        found: Found | None = None,
    ) -> Snapshot:
        """Count the facets, save the snapshot for the next start, and time it all."""

        def staged_moved() -> None:
            """The texts of this run are in FTS5 before the snapshot that finds them is saved."""
            moving, self._moving = self._moving, None
            if moving is not None and moving.wait() is not None:
                move_staged(db)  # (it failed there, locked or worse: here, where a write's errors are handled)

        columns = snapshot.columns
        snapshot.facets = count_facets(columns.topics, columns.providers)
        # computed here, once per change, so a start with 100,000 marks does not pay for it
        snapshot.keys = keys if keys is not None else state_keys_of(columns.urls, columns.ids)
        if self._ready is not None:
            self._ready(snapshot)
        save_snapshot(
            db,
            columns,
            snapshot.problems,
            snapshot.files,
            digest,
            snapshot.generation,
            (snapshot.vocabulary, snapshot.facets, snapshot.extras, snapshot.scan_problems),  # type: ignore[arg-type]
            {
                "keys": snapshot.keys,
                "joinkeys": join_keys.to_state() if join_keys is not None else None,
                "scanned": (self.max_bytes, found.parts) if found is not None else None,
            },
            staged_moved,
        )
        phase(name)
        snapshot.status.seconds = time.perf_counter() - started
        return snapshot

    def _write(
        self,
        db: sqlite3.Connection,
        records: list[Parsed],
        removed: list[str],
        removed_rows: dict[str, int],
        stats: dict[str, tuple[int, int, int, int]],
        rows: dict[str, int] | None = None,
        staged: bool = False,
    ) -> int:
        """Store new and changed records and forget removed files; returns the new generation
        (-1: not saved). The rows given to new files are put in ``rows``; with ``staged``, the
        texts are indexed later (see ``fulltext``)."""
        generation = read_generation(db)
        if not records and not removed:
            return generation
        try:
            for start in range(0, max(len(records), len(removed), 1), BATCH):
                batch = records[start : start + BATCH]
                db.execute("BEGIN IMMEDIATE")
                try:
                    gone = [(removed_rows[p],) for p in removed[start : start + BATCH]]
                    forget_texts(db, gone, self.fts)
                    db.executemany("DELETE FROM files WHERE id = ?", gone)
                    # ids as they are now, inside the write lock (another process may have added some)
                    existing = dict(rows_by_path(db, "id", [record.path for record, _, _ in batch]))
                    next_id = (db.execute("SELECT max(id) FROM files").fetchone()[0] or 0) + 1
                    inserts, updates, texts = [], [], []
                    for record, blob, text in batch:
                        rowid = existing.get(record.path)
                        ctime, inode = stats[record.path][2:4] if record.path in stats else (None, None)
                        if rowid is None:
                            rowid, next_id = next_id, next_id + 1
                            if rows is not None:
                                rows[record.path] = rowid
                            inserts.append(
                                (
                                    rowid,
                                    to_db(record.path),
                                    record.size,
                                    record.mtime_ns,
                                    blob,
                                    self.max_bytes,
                                    ctime,
                                    inode,
                                )
                            )
                        else:
                            updates.append((record.size, record.mtime_ns, blob, self.max_bytes, ctime, inode, rowid))
                        words = record.words if record.card is None else None
                        if text or words is not None:
                            texts.append((rowid, fts_body(text) if text else None, words))
                    forget_texts(db, [(u[-1],) for u in updates], self.fts)
                    db.executemany(
                        "UPDATE files SET size = ?, mtime_ns = ?, record = ?, max_bytes = ?, ctime_ns = ?, inode = ? WHERE id = ?",
                        updates,
                    )
                    db.executemany(
                        "INSERT INTO files (id, path, size, mtime_ns, record, max_bytes, ctime_ns, inode) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        inserts,
                    )
                    store_texts(db, texts, self.fts, staged)
                    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                    db.execute("COMMIT")
                except BaseException:
                    rollback(db)
                    raise
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) and not is_read_only(exc):
                raise
            self.status.notice = f"{why_unusable(exc)}; this run's changes were not saved to it"
            return -1
        return read_generation(db)

    def _records(self, db: sqlite3.Connection, paths: Iterable[str]) -> dict[str, FileRecord]:
        wanted = set(paths)
        if not wanted:
            return {}
        loads = record_loads
        if len(wanted) <= PATCH_LIMIT:  # a few: look them up; many: one pass over the table
            return {path: loads(blob) for path, blob in rows_by_path(db, "record", list(wanted))}
        out: dict[str, FileRecord] = {}
        for stored, blob in db.execute("SELECT path, record FROM files"):
            path = from_db(stored)
            if path in wanted:
                out[path] = loads(blob)
        return out

    def _recovering(self, query):  # type: ignore[no-untyped-def]
        """Run ``query`` (a function of the connection); when SQLite finds damage on the way,
        rebuild the index (or fall back to memory), say so in ``status.notice``, and run it
        once more on the rebuilt index."""
        with self._lock:
            try:
                return query(self._connect())
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and is_locked(exc):
                    raise
                why = why_unusable(exc)
                self._rebuild(why)
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
                    record_loads(blob)
                except Exception as exc:  # noqa: BLE001 - any unreadable record is damage
                    raise sqlite3.DatabaseError(f"a stored record cannot be read ({exc})") from None
            return None

        before = len(self.damage_notices)
        if not records and self.db_path != ":memory:":
            # the pages only, on a connection of its own: the check reads the whole file (a
            # second or two at 100,000 articles) and a search must not wait on it
            try:
                db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=self.timeout)
                try:
                    rows = [row[0] for row in db.execute("PRAGMA quick_check")]
                finally:
                    db.close()
                if rows == ["ok"]:
                    return None
            except sqlite3.OperationalError as exc:
                if is_locked(exc):
                    return None  # another process is writing: checked another time
            except sqlite3.DatabaseError:
                pass
        self._recovering(check)  # damaged (or a full check): this finds it again, and rebuilds
        return self.damage_notices[-1] if len(self.damage_notices) > before else None

    def saved_value(self, name: str, generation: int) -> object | None:
        """A value kept beside the snapshot for this generation of the corpus ("keys", the
        reader-state keys; "postings", the search postings; "joinkeys" and "scanned", see
        ``save_snapshot``), or None."""
        with self._lock:
            try:
                blob = read_meta(self._connect(), name)
                if blob is None:
                    return None
                saved_generation, value = data_loads(blob)  # type: ignore[arg-type, misc]
            except Exception:  # noqa: BLE001 - only a speed-up: computed again when unreadable
                return None
            return value if saved_generation == generation else None

    def save_value(self, name: str, generation: int, value: object) -> None:
        """Keep a value for this generation (not when the corpus changed since)."""
        if not self.status.persistent or generation < 0:
            return
        blob = data_dumps((generation, value))
        with self._lock:
            try:
                put_meta(self._connect(), generation, [(name, blob)])
            except sqlite3.Error:
                pass  # locked, read-only or full: computed again next time

    def texts_of(self, paths: Sequence[str]) -> list[tuple[str, str]]:
        """(path, searchable text) of these files (to check a phrase FTS cannot)."""
        wanted = list(dict.fromkeys(paths))
        return self._recovering(lambda db: _texts_of(db, wanted))

    def search_text(self, words: str) -> set[str] | None:
        """Paths of files whose excerpt or body has every word (prefixes match); None for no words."""
        query = text_query(words, self.fts)
        if query is None:
            return None
        sql, params = query
        return self._recovering(lambda db: run_text_query(db, sql, params))


def _compared(before: list[tuple[bytes, bytes]], found: Found) -> tuple[dict[str, Stat], list[str], set[str]]:
    """(changed files with their stat numbers, removed, those of the changed that were
    indexed) between the last scan and this one, compared as bytes: parts of the walk that
    are equal hold the same files, and in the others each file is its path and its stat
    numbers (decoded only when it changed)."""
    same = set(before).intersection(found.parts)
    old = dict(_files_of(part for part in before if part not in same))
    changed: dict[str, Stat] = {}
    indexed = set()
    for path, numbers in _files_of(part for part in found.parts if part not in same):
        was = old.pop(path, None)
        if was != numbers:
            name = _decoded(path)
            changed[name] = tuple(array("q", numbers))  # type: ignore[assignment]
            if was is not None:
                indexed.add(name)
    return changed, [_decoded(path) for path in old], indexed


def _files_of(parts: Iterable[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, bytes]]:
    """(path, stat numbers) of each file of these parts of a scan, as bytes."""
    size = STAT_BYTES
    for names, packed in parts:
        yield from zip(names.split(b"\0")[:-1], [packed[i : i + size] for i in range(0, len(packed), size)], strict=True)


def _decoded(path: bytes) -> str:
    return path.decode("utf-8", "surrogatepass")


class _Phases:
    """Records the seconds since the last call under a name (shown by ``chiptui index --json``)."""

    def __init__(self, status: IndexStatus) -> None:
        self.status = status
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.status.phases[name] = round(now - self.last, 3)
        self.last = now


