"""The index's SQLite file: where it lives, opening and creating it, and what to do when it
cannot be used as it is (another version's format, damage, a read-only or full disk, a lock).

Every failure ends in a working index: the file is deleted and made again, or the corpus is
indexed in memory for this run, and ``IndexStatus.notice`` says so. Index files of corpora
not opened for ``PRUNE_DAYS`` days are deleted (``prune``): the cache does not grow forever.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from chiptui.corpus.sqlite_files import is_locked, settled_version
from chiptui.paths import cache_dir

# bump when the tables or the pickled records change shape, or what the cleaner gives full-text search
SCHEMA_VERSION = 27
ENV_TIMEOUT = "CHIPTUI_INDEX_TIMEOUT"
PRUNE_DAYS = 90  # index files of corpora not opened for this long are deleted
# A new index file's page size: its snapshot is a blob of 30-50 MB at 100,000 articles and each
# file's record a kilobyte or two, so pages of 16 KB are a quarter as many to chain, write to the
# log and copy as SQLite's 4 KB (an index made before keeps its pages: SQLite fixes the size)
PAGE_SIZE = 16384


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


def index_path(roots: Sequence[str]) -> str:
    """The index file of a corpus: one per set of root folders."""
    key = "\0".join(sorted(os.path.abspath(r) for r in roots))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return os.path.join(cache_dir(), "index", f"{digest}.sqlite")


_INDEX_FILE = re.compile(r"([0-9a-f]{16}\.sqlite)(?:-wal|-shm|-journal)?")
_pruned = False  # once per process, at the first open


def prune(keep: str | None = None, days: float = PRUNE_DAYS, now: float | None = None) -> list[str]:
    """Delete the index files of corpora not opened for ``days`` days (their modification
    time, which every open touches, or their WAL's when a process has one open); returns the
    index files deleted. Only files named as chiptui names them are looked at, and ``keep``
    never goes. An index is a cache: the corpus is indexed again when it is next opened."""
    folder = os.path.join(cache_dir(), "index")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    newest: dict[str, float] = {}
    files: dict[str, list[str]] = {}
    for name in names:
        match = _INDEX_FILE.fullmatch(name)
        if match is None:
            continue
        path = os.path.join(folder, name)
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        base = os.path.join(folder, match.group(1))
        newest[base] = max(newest.get(base, 0.0), mtime)
        files.setdefault(base, []).append(path)
    cutoff = (time.time() if now is None else now) - days * 86400
    gone = []
    for base, mtime in sorted(newest.items()):
        if mtime >= cutoff or (keep is not None and os.path.realpath(base) == os.path.realpath(keep)):
            continue
        for path in files[base]:
            try:
                os.remove(path)
            except OSError:
                continue
        gone.append(base)
    return gone


class _Rebuild(Exception):
    """The index file is unusable; delete it and start again."""


class IndexFile:
    """One corpus's SQLite file and its connection (one, used under a lock)."""

    def __init__(self, roots: Sequence[str], db_path: str | None = None) -> None:
        # one canonical spelling ("./news", "news", "/home/me/news" and a link to it are one
        # corpus): it names the index file and every path in it, so two spellings never race
        self.roots = [os.path.realpath(r) for r in roots]
        self.db_path = db_path or index_path(self.roots)
        self.timeout = float(os.environ.get(ENV_TIMEOUT, "") or 10.0)
        self.fts = fts5_available()
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.status = IndexStatus(self.db_path, fts=self.fts)

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
            self.status.notice = (
                "the index is read-only: it is read as it is, and this run's changes are not saved to it"
            )
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
            if is_full(exc):
                self._delete_files()  # what this run began would only keep the disk full
            return self._in_memory(why_unusable(exc))
        except (sqlite3.Error, OSError) as exc:
            return self._in_memory(f"the index cannot be used ({exc})")
        self._db = db
        self._opened()
        return db

    def _opened(self) -> None:
        """Mark the file as used now (what ``prune`` goes by), and prune the others once."""
        global _pruned
        try:
            os.utime(self.db_path)
        except OSError:
            pass
        if not _pruned:
            _pruned = True
            prune(keep=self.db_path)

    def _open_read_only(self) -> sqlite3.Connection:
        last: Exception | None = None
        for options in ("mode=ro", "mode=ro&immutable=1"):  # without the WAL's files: immutable
            try:
                db = sqlite3.connect(
                    f"file:{self.db_path}?{options}", uri=True, isolation_level=None, check_same_thread=False
                )
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
            version = settled_version(db, version, tables)  # (another process may be creating it)
            if version == 0 and not tables:
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # (before anything is written)
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
            if is_locked(exc) or is_read_only(exc) or is_full(exc):
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
                # each file's search text (TEXT, as ``fulltext.fts_body`` makes it) and a scraped
                # page's normalised words (WORDS), stored once: the two FTS5 tables below index
                # them as their external content
                db.execute("CREATE TABLE bodies (id INTEGER PRIMARY KEY, body TEXT, words TEXT)")
                # no positions or column sizes: queries are AND-ed word prefixes, never phrases or ranks
                db.execute(
                    "CREATE VIRTUAL TABLE texts USING fts5(body, content = 'bodies', content_rowid = 'id', "
                    "tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0)"
                )
                # each scraped page's normalised words, where new titles are looked up as
                # phrases (``additions``): the only place phrases are asked, so positions are kept
                db.execute(
                    "CREATE VIRTUAL TABLE pagewords USING fts5(words, content = 'bodies', content_rowid = 'id', "
                    "tokenize = 'unicode61 remove_diacritics 0', detail = full, columnsize = 0)"
                )
                # the rows of bodies that a large change stored and the FTS5 tables do not index
                # yet (see ``fulltext.StagedMove``): empty between runs
                db.execute("CREATE TABLE unindexed (id INTEGER PRIMARY KEY)")
            else:
                db.execute("CREATE TABLE texts (body TEXT)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("fts", "1" if self.fts else "0"), ("generation", 0), ("roots", "\n".join(self.roots))],
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
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
        return read_meta(db, key)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def read_meta(db: sqlite3.Connection, key: str) -> object:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def read_generation(db: sqlite3.Connection) -> int:
    """How many times the index has been written (a snapshot is saved for one generation)."""
    return int(read_meta(db, "generation") or 0)  # type: ignore[call-overload]


def put_meta(db: sqlite3.Connection, generation: int, rows: list[tuple[str, object]]) -> None:
    """Write ROWS of the meta table in one transaction, unless another process wrote the
    index since ``generation`` (then what they belong to is out of date). Raises what SQLite
    raises; the caller decides which failures matter."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if read_generation(db) == generation:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise


def rollback(db: sqlite3.Connection) -> None:
    """Undo an open transaction; a failed COMMIT (a full disk) may have ended it already."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def is_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text


def is_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "disk is full" in text or "database or disk is full" in text or "no space" in text


def why_unusable(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.OperationalError) and is_locked(exc):
        return "the index is locked by another program"
    if is_read_only(exc):
        return "the index cannot be written (read-only)"
    if is_full(exc):
        return "the disk with the index is full"
    return f"the index was damaged ({exc})"
