"""Read and starred marks: the user's own data, in ``state.sqlite3`` in the data directory.

Never in the cache: deleting the cache loses nothing. A mark is keyed by the
article's canonical link (the URL key the corpus joins related links by), or by
its id when it has no http/https link, so renaming or moving a file, or opening
the same article from two corpora, keeps its marks.

Every change is committed (synchronous=FULL) before the call returns, so a mark
the screen shows survives ``kill -9``. Two processes marking at once both land
(WAL, a busy timeout, and retries). A damaged file is never deleted or
overwritten: it is moved aside, a notice names both files, and a new file is
started. A read-only data directory keeps the marks readable and refuses changes
with a notice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from chiptui.corpus.loader import url_key
from chiptui.corpus.sqlite_files import is_locked, settled_version
from chiptui.paths import data_dir

FILE_NAME = "state.sqlite3"
SCHEMA_VERSION = 1
RETRIES = 5


def state_key(url: str | None, article_id: str) -> str:
    """The key of an article's marks: its canonical link, else ``id:`` and its id."""
    if url and url.lower().startswith(("http://", "https://")):
        key = url_key(url)
        if key:
            return key
    return "id:" + article_id


def state_keys_of(urls: Iterable[str | None], ids: Iterable[str]) -> list[str]:
    """``state_key`` of every article, from the columns' links and ids."""
    return [state_key(url, article_id) for url, article_id in zip(urls, ids, strict=True)]


@dataclass(frozen=True, slots=True)
class Mark:
    key: str
    url: str | None
    title: str
    read_at: float | None
    starred_at: float | None
    changed_at: float

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key, "url": self.url, "title": self.title,
            "read_at": _iso(self.read_at), "starred_at": _iso(self.starred_at), "changed_at": _iso(self.changed_at),
        }


@dataclass(frozen=True, slots=True)
class Target:
    """An article to mark: its key, and the link and title kept beside the mark (for export)."""

    key: str
    url: str | None
    title: str


class StateError(Exception):
    """A change could not be saved (read-only directory, locked for too long, disk full)."""


class StateStore:
    """The marks file. Thread-safe: one connection, used under a lock."""

    def __init__(self, path: str | None = None, lazy: bool = False) -> None:
        """``lazy``: open the file but read the marks in ``load()`` later; until then each
        ``is_read``/``is_starred`` asks the file (the browser's first frame needs a screenful
        of marks, not 100,000)."""
        self.path = path or os.path.join(data_dir(), FILE_NAME)
        self.lazy = lazy
        self.loaded = False
        self.notice: str | None = None  # something the user should be told (damage moved aside, read-only)
        self.writable = True
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self._open()

    # -- opening ---------------------------------------------------------------

    def _open(self) -> None:
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        except OSError:
            pass
        try:
            self._db = self._connect_retrying()
        except sqlite3.DatabaseError as exc:
            if is_locked(exc):
                self._read_only(f"the marks file {self.path} is locked by another program ({exc})")
                return
            if _is_read_only(exc) or not os.access(os.path.dirname(self.path) or ".", os.W_OK):
                self._read_only(f"the data folder {os.path.dirname(self.path)} cannot be written ({exc})")
                return
            if not self._set_aside_if_damaged(exc, "opened"):
                return
            try:
                self._db = self._connect(self.path)
            except sqlite3.DatabaseError as again:
                self._read_only(f"a new marks file could not be started ({again})")
                return
        except OSError as exc:
            self._read_only(f"the marks file {self.path} cannot be opened ({exc})")
            return
        if not self.lazy:
            self.load()

    def load(self) -> None:
        """Read every mark into memory (``read`` and ``starred``)."""
        try:
            with self._lock:
                self._load(strict=True)
        except sqlite3.DatabaseError as exc:  # as at opening
            self.close()
            if self._set_aside_if_damaged(exc, "read"):
                self._db = self._connect_retrying()
                self._load()

    def _set_aside_if_damaged(self, exc: sqlite3.DatabaseError, doing: str) -> bool:
        """After EXC while the file was being opened or read (DOING): damage (a malformed file,
        not a database, another program's) is moved aside with a notice, and True says to
        start a new file; any other error of SQLite's (a disk I/O error, a lock held past the
        wait) leaves the file where it is, read only for this run, and says so."""
        if isinstance(exc, sqlite3.OperationalError):
            self._read_only(f"the marks file {self.path} could not be {doing} ({exc}); it was left as it is")
            return False
        moved = self._move_aside()
        self.notice = (
            f"The marks file {self.path} was damaged ({exc}); it was moved to {moved} and a new one "
            "was started. Nothing was deleted: your old marks are in that file."
        )
        return True

    def _connect_retrying(self) -> sqlite3.Connection:
        """Open, waiting out another process that is creating or changing the file."""
        for attempt in range(20):
            try:
                return self._connect(self.path)
            except sqlite3.OperationalError as exc:
                if not is_locked(exc) or attempt == 19:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def _connect(self, path: str) -> sqlite3.Connection:
        exists = os.path.exists(path)
        if exists and not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = settled_version(db, version, tables)  # (another process may be creating it)
            if version == 0 and not tables:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, url TEXT, title TEXT, "
                        "read_at REAL, starred_at REAL, changed_at REAL NOT NULL)"
                    )
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
                try:
                    db.execute("PRAGMA journal_mode = WAL")  # kept in the file: once is enough
                except sqlite3.OperationalError as exc:
                    if not is_locked(exc):
                        raise
            elif version != SCHEMA_VERSION or "marks" not in tables:
                raise sqlite3.DatabaseError(f"it is not a chiptui marks file of format {SCHEMA_VERSION} (format {version})")
            db.execute("PRAGMA synchronous = FULL")
            return db
        except BaseException:
            db.close()
            raise

    def _read_only(self, why: str) -> None:
        self.writable = False
        self.notice = f"Marks cannot be saved: {why}. Reading works; read and starred changes are refused."
        if os.path.exists(self.path):
            try:
                uri = "file:" + self.path + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._load()
            except sqlite3.Error:
                self._db = None

    def _move_aside(self) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = f"{self.path}.damaged-{stamp}"
        n = 1
        while os.path.exists(target):
            n += 1
            target = f"{self.path}.damaged-{stamp}-{n}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.replace(self.path + suffix, target + suffix)
        return target

    def _load(self, strict: bool = False) -> None:
        if self._db is None:
            return
        try:
            # two plain column reads build the sets in C (100,000 marks in a few tens of ms)
            read = {row[0] for row in self._db.execute("SELECT key FROM marks WHERE read_at IS NOT NULL")}
            starred = {row[0] for row in self._db.execute("SELECT key FROM marks WHERE starred_at IS NOT NULL")}
        except sqlite3.Error:
            if strict:
                raise
            return
        self.read, self.starred = read, starred
        self.loaded = True

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def reload(self) -> None:
        """Read the marks again (another process may have changed them)."""
        with self._lock:
            self._load()

    # -- reading -----------------------------------------------------------------

    def is_read(self, key: str) -> bool:
        return key in self.read if self.loaded else self._ask(key)[0]

    def is_starred(self, key: str) -> bool:
        return key in self.starred if self.loaded else self._ask(key)[1]

    def _ask(self, key: str) -> tuple[bool, bool]:
        """(read, starred) of one key, from the file (before ``load``)."""
        with self._lock:
            if self.loaded or self._db is None:
                return key in self.read, key in self.starred
            try:
                row = self._db.execute("SELECT read_at, starred_at FROM marks WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return False, False
        return (row is not None and row[0] is not None), (row is not None and row[1] is not None)

    def marks(self) -> Iterator[Mark]:
        with self._lock:
            if self._db is None:
                return iter(())
            rows = self._db.execute(
                "SELECT key, url, title, read_at, starred_at, changed_at FROM marks ORDER BY changed_at, key"
            ).fetchall()
        return (Mark(*row) for row in rows)

    # -- changing --------------------------------------------------------------------

    def set_read(self, targets: Iterable[Target], read: bool) -> list[Mark | Target]:
        return self._set(targets, "read_at", read)

    def set_starred(self, targets: Iterable[Target], starred: bool) -> list[Mark | Target]:
        return self._set(targets, "starred_at", starred)

    def _set(self, targets: Iterable[Target], column: str, on: bool) -> list[Mark | Target]:
        """Set or clear one mark on every target; returns what each was before (for undo):
        its Mark, or the Target itself when it had none."""
        targets = list(targets)
        now = time.time()

        def change(db: sqlite3.Connection) -> list[Mark | Target]:
            before: list[Mark | Target] = []
            for target in targets:
                row = db.execute(
                    "SELECT key, url, title, read_at, starred_at, changed_at FROM marks WHERE key = ?", (target.key,)
                ).fetchone()
                before.append(Mark(*row) if row else target)
                value = now if on else None
                if row is None:
                    read_at = value if column == "read_at" else None
                    starred_at = value if column == "starred_at" else None
                    db.execute(
                        "INSERT INTO marks VALUES (?, ?, ?, ?, ?, ?)",
                        (target.key, target.url, target.title, read_at, starred_at, now),
                    )
                elif (row[3 if column == "read_at" else 4] is not None) != on:  # only a real change
                    db.execute(
                        f"UPDATE marks SET {column} = ?, changed_at = ?, url = coalesce(?, url), title = ? WHERE key = ?",
                        (value, now, target.url, target.title, target.key),
                    )
            return before

        before = self._write(change)
        keys = {t.key for t in targets}
        chosen = self.read if column == "read_at" else self.starred
        if on:
            chosen |= keys
        else:
            chosen -= keys
        return before

    def restore(self, before: Iterable[Mark | Target]) -> None:
        """Put marks back as they were (undo): a Target had no mark, a Mark is written back."""
        before = list(before)

        def change(db: sqlite3.Connection) -> None:
            for item in before:
                if isinstance(item, Target):
                    db.execute("DELETE FROM marks WHERE key = ?", (item.key,))
                else:
                    db.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?, ?)", (
                        item.key, item.url, item.title, item.read_at, item.starred_at, item.changed_at,
                    ))

        self._write(change)
        for item in before:
            read = isinstance(item, Mark) and item.read_at is not None
            starred = isinstance(item, Mark) and item.starred_at is not None
            (self.read.add if read else self.read.discard)(item.key)
            (self.starred.add if starred else self.starred.discard)(item.key)

    def merge(self, marks: Iterable[Mark]) -> tuple[int, int]:
        """Import: each article's newest change wins. Returns (taken, kept as they were)."""
        marks = list(marks)

        def change(db: sqlite3.Connection) -> tuple[int, int]:
            taken = kept = 0
            for mark in marks:
                row = db.execute("SELECT changed_at FROM marks WHERE key = ?", (mark.key,)).fetchone()
                if row is not None and row[0] >= mark.changed_at:
                    kept += 1
                    continue
                db.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?, ?)", (
                    mark.key, mark.url, mark.title, mark.read_at, mark.starred_at, mark.changed_at,
                ))
                taken += 1
            return taken, kept

        result = self._write(change)
        self._load()
        return result

    def _write(self, change):  # type: ignore[no-untyped-def]
        if not self.writable or self._db is None:
            raise StateError(self.notice or "marks cannot be saved")
        with self._lock:
            db = self._db
            for attempt in range(RETRIES):
                try:
                    db.execute("BEGIN IMMEDIATE")
                    try:
                        result = change(db)
                        db.execute("COMMIT")  # on disk before the caller shows the change
                        return result
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                except sqlite3.OperationalError as exc:
                    if is_locked(exc) and attempt < RETRIES - 1:
                        time.sleep(0.05 * (attempt + 1))  # back off and retry: another process holds the lock
                        continue
                    raise StateError(f"the mark was not saved: {exc}") from None
                except sqlite3.DatabaseError as exc:
                    raise StateError(f"the mark was not saved: {exc}") from None
        raise StateError("the mark was not saved")


# -- export and import --------------------------------------------------------------------


def export_lines(store: StateStore) -> Iterator[str]:
    """JSON lines: key, url, title, read_at, starred_at (and changed_at, for merging)."""
    for mark in store.marks():
        yield json.dumps(mark.to_json(), ensure_ascii=False)


def parse_import(lines: Iterable[str], source: str) -> tuple[list[Mark], list[str]]:
    """Marks from exported JSON lines, and a message for each line that is not one."""
    marks: list[Mark] = []
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not data["key"]:
                raise ValueError("it has no \"key\"")
            read_at = _from_iso(data.get("read_at"))
            starred_at = _from_iso(data.get("starred_at"))
            changed = _from_iso(data.get("changed_at")) or max(read_at or 0.0, starred_at or 0.0)
            url = data.get("url") if isinstance(data.get("url"), str) else None
            title = data.get("title") if isinstance(data.get("title"), str) else ""
            marks.append(Mark(data["key"], url, title, read_at, starred_at, changed))
        except (ValueError, TypeError) as exc:
            problems.append(f"{source}:{number}: skipped: {exc}")
    return marks, problems


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _from_iso(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def _is_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text
