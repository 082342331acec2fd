"""Full-text search over the index's texts table: FTS5 where SQLite has it (word prefixes,
all required), a LIKE scan where it does not.

Chinese and Japanese write no spaces between words, so FTS5's tokenizer takes a whole run of
their characters for one word, and a word inside it could not be found. A text with such runs
is stored with each run's pairs of characters after it (and its last character), and a query
word in those scripts looks for its pairs: the way search engines index these languages.

The texts are stored once, in the ``bodies`` table, which the FTS5 tables index as external
content. A large change (a cold index) stores them as its files are stored and indexes them
afterwards, in one statement on a thread of its own (``StagedMove``): SQLite tokenizes without
holding Python's lock, on the core the join leaves idle, instead of on the busy ones while the
workers parse.
"""

from __future__ import annotations

import re
import sqlite3
import threading

from chiptui.corpus.index_db import rollback
from chiptui.corpus.records import from_db, in_batches, to_db

_WORDS = re.compile(r"\w+")
# Han and kana: the characters of the scripts written without spaces between words
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK}]+")
_PAIRS_AFTER = "\n\x1e"  # (a control character: never in a text, which has them removed at load)


def fts_body(text: str) -> str:
    """TEXT as the texts table stores it: with the pairs of each Chinese or Japanese run
    after it, so FTS5 finds the words inside a run (``texts_of`` leaves them out)."""
    runs = () if text.isascii() else _CJK_RUN.findall(text)
    if not runs:
        return text
    return text + _PAIRS_AFTER + " ".join(_pairs(run) for run in runs)


def _pairs(run: str) -> str:
    """"亚马逊" -> "亚马 马逊 逊": a run's pairs of characters, and its last one alone (a
    one-character query word is then found as the start of a pair or as that last one)."""
    pairs = _pairs_of(run)
    return " ".join(pairs if len(run) == 1 else [*pairs, run[-1]])


def _pairs_of(run: str) -> list[str]:
    """A run's pairs of characters ("亚马逊" -> 亚马, 马逊); a one-character run is its own."""
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def _fts_terms(word: str) -> list[str]:
    """A query word's FTS terms: itself, or for a word with Chinese or Japanese in it, its
    other parts and the pairs of its runs."""
    if not _CJK_RUN.search(word):
        return [word]
    terms = [part for part in _CJK_RUN.split(word) if part]
    for run in _CJK_RUN.findall(word):
        terms += _pairs_of(run)
    return terms


def texts_of(db: sqlite3.Connection, wanted: list[str]) -> list[tuple[str, str]]:
    """(path, searchable text) of these files (to check a phrase FTS cannot)."""
    sql = "SELECT files.path, texts.body FROM files JOIN texts ON texts.rowid = files.id WHERE files.path IN ({})"
    rows = in_batches(db, sql, [to_db(p) for p in wanted])
    return [(from_db(path), body.split(_PAIRS_AFTER, 1)[0]) for path, body in rows]


def text_query(words: str, fts: bool) -> tuple[str, tuple] | None:  # type: ignore[type-arg]
    """The SQL and parameters that find the files whose text has every word (prefixes match);
    None for no words, ("", ()) for words that can match nothing."""
    tokens = [t for t in words.split() if t.strip("\"'*")]
    if not tokens:
        return None
    if fts:
        # each word of each token, as a prefix, all required ("self-driving": self* driving*)
        terms = [term for token in tokens for word in _WORDS.findall(token) for term in _fts_terms(word)]
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


# the FTS5 tables index ``bodies`` as their external content: an indexed row leaves them with
# a 'delete' of the values it was indexed with, before the row itself changes or goes
_FORGET = (
    (
        "INSERT INTO texts (texts, rowid, body) SELECT 'delete', id, body FROM bodies "
        "WHERE id = ? AND body IS NOT NULL AND id NOT IN unindexed"
    ),
    (
        "INSERT INTO pagewords (pagewords, rowid, words) SELECT 'delete', id, words FROM bodies "
        "WHERE id = ? AND words IS NOT NULL AND id NOT IN unindexed"
    ),
    "DELETE FROM unindexed WHERE id = ?",
    "DELETE FROM bodies WHERE id = ?",
)
_INDEX_STAGED = (
    "INSERT INTO texts (rowid, body) SELECT id, body FROM bodies WHERE id IN unindexed AND body IS NOT NULL",
    "INSERT INTO pagewords (rowid, words) SELECT id, words FROM bodies WHERE id IN unindexed AND words IS NOT NULL",
    "DELETE FROM unindexed",
)


def forget_texts(db: sqlite3.Connection, rows: list[tuple[int]], fts: bool) -> None:
    """Drop these files' texts (inside the caller's transaction)."""
    if not fts:
        db.executemany("DELETE FROM texts WHERE rowid = ?", rows)
        return
    for sql in _FORGET:
        db.executemany(sql, rows)


def store_texts(db: sqlite3.Connection, rows: list[tuple[int, str | None, str | None]], fts: bool, staged: bool) -> None:
    """Store (row, search text, page words) of files whose texts were forgotten or never stored
    (inside the caller's transaction): indexed at once, or with ``staged`` later, by
    ``StagedMove``."""
    if not fts:
        db.executemany("INSERT INTO texts (rowid, body) VALUES (?, ?)", [(r, b) for r, b, _ in rows if b is not None])
        return
    db.executemany("INSERT INTO bodies (id, body, words) VALUES (?, ?, ?)", rows)
    if staged:
        db.executemany("INSERT INTO unindexed (id) VALUES (?)", [(r,) for r, _, _ in rows])
        return
    db.executemany("INSERT INTO texts (rowid, body) VALUES (?, ?)", [(r, b) for r, b, _ in rows if b is not None])
    db.executemany("INSERT INTO pagewords (rowid, words) VALUES (?, ?)", [(r, w) for r, _, w in rows if w is not None])


def has_staged(db: sqlite3.Connection) -> bool:
    """Texts are stored that the FTS5 tables do not index yet (a run stopped before it did)."""
    return bool(db.execute("SELECT EXISTS (SELECT 1 FROM unindexed)").fetchone()[0])


def move_staged(db: sqlite3.Connection) -> None:
    """Index the staged texts and page words in their FTS5 tables, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for sql in _INDEX_STAGED:
            db.execute(sql)
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise


class StagedMove:
    """``move_staged`` on a connection of its own, in a thread; ``wait`` for it before the
    next write (the error it met, or None)."""

    def __init__(self, db_path: str, timeout: float) -> None:
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(db_path, timeout), name="chiptui-fts", daemon=True)
        self._thread.start()

    def _run(self, db_path: str, timeout: float) -> None:
        try:
            db = sqlite3.connect(db_path, timeout=timeout, isolation_level=None, check_same_thread=False)
            try:
                db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                db.execute("PRAGMA synchronous = NORMAL")
                move_staged(db)
            finally:
                db.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, which moves them itself
            self.error = exc

    def wait(self) -> BaseException | None:
        self._thread.join()
        return self.error
