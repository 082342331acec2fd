"""What the SQLite files chiptui keeps (the index, the marks) share: how they are opened, and
what SQLite's errors say."""

from __future__ import annotations

import sqlite3


def settled_version(db: sqlite3.Connection, version: int, tables: set[str]) -> int:
    """The file's format (``PRAGMA user_version``, read as VERSION) as it stands with TABLES,
    which were read after it. Read apart, the two may straddle another process creating the
    file (two chiptui started at once: format 0, then its tables); where tables stand at
    format 0 the format is read again inside a read transaction (tables do not go away)."""
    if version != 0 or not tables:
        return version
    db.execute("BEGIN")
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.execute("COMMIT")


def is_locked(exc: BaseException) -> bool:
    """SQLite's error says another connection holds the file (locked, busy)."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text
