"""Full-text search over the index's texts table: FTS5 where SQLite has it (word prefixes,
all required), a LIKE scan where it does not."""

from __future__ import annotations

import re
import sqlite3

from chiptui.corpus.records import from_db, in_batches, to_db

_WORDS = re.compile(r"\w+")


def texts_of(db: sqlite3.Connection, wanted: list[str]) -> list[tuple[str, str]]:
    """(path, searchable text) of these files (to check a phrase FTS cannot)."""
    sql = "SELECT files.path, texts.body FROM files JOIN texts ON texts.rowid = files.id WHERE files.path IN ({})"
    return [(from_db(path), body) for path, body in in_batches(db, sql, [to_db(p) for p in wanted])]


def text_query(words: str, fts: bool) -> tuple[str, tuple] | None:  # type: ignore[type-arg]
    """The SQL and parameters that find the files whose text has every word (prefixes match);
    None for no words, ("", ()) for words that can match nothing."""
    tokens = [t for t in words.split() if t.strip("\"'*")]
    if not tokens:
        return None
    if fts:
        # each word of each token, as a prefix, all required ("self-driving": self* driving*)
        terms = [t for token in tokens for t in _WORDS.findall(token)]
        if not terms:
            return "", ()
        query = " AND ".join('"' + t + '"*' for t in terms)
        return "SELECT path FROM files WHERE id IN (SELECT rowid FROM texts WHERE texts MATCH ?)", (query,)
    likes = " AND ".join(["body LIKE ? ESCAPE '\\'"] * len(tokens))
    sql = f"SELECT path FROM files WHERE id IN (SELECT rowid FROM texts WHERE {likes})"
    return sql, tuple("%" + _like_escape(t) + "%" for t in tokens)


def run_text_query(db: sqlite3.Connection, sql: str, params: tuple) -> set[str]:  # type: ignore[type-arg]
    if not sql:
        return set()
    try:
        return {from_db(row[0]) for row in db.execute(sql, params)}
    except sqlite3.OperationalError as exc:
        if "malformed" in str(exc) or "corrupt" in str(exc) or "no such" in str(exc):
            raise sqlite3.DatabaseError(str(exc)) from None
        return set()  # an FTS syntax error: nothing matches


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
