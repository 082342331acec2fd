"""The snapshot: the assembled corpus as columns, saved in the index so a warm start loads
it in one read, and patched in place when only a few cards changed."""

from __future__ import annotations

import gc
import sqlite3
import sys
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from chiptui.corpus.index_db import IndexStatus, put_meta
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
    FileRecord,
    date_order,
    problem_order,
)
from chiptui.corpus.models import Columns, Problem, StrColumn
from chiptui.corpus.records import data_dumps, data_loads
from chiptui.corpus.search import extras_of, vocabulary_of
from chiptui.corpus.sqlite_files import is_locked


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
    scan_problems: list[Problem] = field(default_factory=list)  # those of ``problems`` the scan found (not files)
    keys: list[str] | None = None  # each article's reader-state key (its canonical link, else its id)


def load_snapshot(db: sqlite3.Connection, generation: int) -> Snapshot | None:
    """The saved snapshot, when it was saved at ``generation`` (else it is out of date)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
    if row is None:
        return None
    gc_was_on = gc.isenabled()
    gc.disable()  # a load of 100,000 rows makes the collector run for nothing, many times
    try:
        saved_generation, columns, problems, files, vocabulary, facets, extras, scan_problems = data_loads(row[0])
    finally:
        if gc_was_on:
            gc.enable()
    if saved_generation != generation:
        return None
    if not isinstance(scan_problems, list):
        raise ValueError("the saved snapshot does not have the shape this version reads")
    return Snapshot(
        _thawed(columns),
        list(problems),
        files,
        generation=generation,
        vocabulary=vocabulary,
        facets=facets,
        extras=extras,
        scan_problems=scan_problems,
    )


_TOPICS = Columns._fields.index("topics")
_COMPACT = tuple(Columns._fields.index(name) for name in ("urls", "paths"))  # read a row at a time


def _frozen(columns: Columns) -> tuple:  # type: ignore[type-arg]
    """The columns as stored: each article's topics as a number into the distinct topic
    tuples (a corpus has few; a tuple each costs a third of the snapshot's loading)."""
    distinct: dict[tuple[str, ...], int] = {}
    numbers = array("I", [distinct.setdefault(t, len(distinct)) for t in columns.topics])
    stored = list(columns)
    stored[_TOPICS] = (list(distinct), numbers.tobytes())
    for position in _COMPACT:  # one string each, not 100,000 (see StrColumn)
        column = stored[position]
        stored[position] = (column if isinstance(column, StrColumn) else StrColumn.of(column)).to_state()
    return tuple(stored)


def _thawed(stored: tuple) -> Columns:  # type: ignore[type-arg]
    values = list(stored)
    distinct, packed = values[_TOPICS]
    numbers = array("I")
    numbers.frombytes(packed)
    values[_TOPICS] = list(map(distinct.__getitem__, numbers))
    for position in _COMPACT:
        values[position] = StrColumn.from_state(values[position])
    columns = Columns(*values)
    # a snapshot of another shape is damage (the index is rebuilt), not a crash later on
    count = len(columns.ids)
    if any(len(column) != count for column in columns) or (count and not isinstance(columns.titles[0], str)):
        raise ValueError("the saved snapshot does not have the shape this version reads")
    return columns


def save_snapshot(
    db: sqlite3.Connection,
    columns: Columns,
    problems: list[Problem],
    files: int,
    digest: str,
    generation: int,
    extras: tuple[list[str], object, list[str], list[Problem]],
    beside: dict[str, object] | None = None,
    before_writing: Callable[[], None] | None = None,
) -> None:
    """Save the snapshot for the next start, unless another process wrote since ``generation``.
    What is read only now and then goes ``beside`` it, a row a value, for the same generation:
    "keys" (the reader-state keys, read when marks are), "joinkeys" (``additions``) and
    "scanned" (the files as this scan saw them, compared with the next scan's).
    ``before_writing`` runs once it is all pickled, before it is written."""
    if generation < 0:
        if before_writing is not None:
            before_writing()
        return
    rows: list[tuple[str, object]] = [
        ("snapshot", data_dumps((generation, _frozen(columns), problems, files, *extras))),
        ("digest", digest),
    ]
    rows += [(name, data_dumps((generation, value))) for name, value in (beside or {}).items() if value is not None]
    if before_writing is not None:
        before_writing()
    try:
        put_meta(db, generation, rows)
    except sqlite3.OperationalError as exc:
        if not is_locked(exc):
            raise


def patch(
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
        columns.kinds[i] = intern(info[C_TYPE]) if info[C_TYPE] else None
        if info[C_BODY] is not None:
            columns.bodies[i] = (path, "card", info[C_BODY])
        extras[i] = extras_of([columns.providers[i]], [columns.topics[i]])[0]
    if reorder:  # the order assemble() gives
        order = date_order(columns.titles, columns.stamps)
        columns = Columns(*([column[i] for i in order] for column in columns))
        extras = [extras[i] for i in order]
    # problems: this scan's, then every file's and the join's, minus the edited files' old ones
    kept = without(file_problems(previous), [p for path in fresh for p in before[path].problems])
    kept += [p for record in fresh.values() for p in record.problems]
    problems = sorted(scan_problems + kept, key=problem_order)
    words = set(previous.vocabulary) | set(vocabulary_of([*(r.card[C_TITLE] for r in fresh.values()), *set(extras)]))  # type: ignore[index]
    return columns, problems, extras, sorted(words)


def without(problems: list[Problem], gone: list[Problem]) -> list[Problem]:
    """``problems`` less one of each of ``gone`` (equal problems may come from several places)."""
    left = Counter(gone)
    kept = []
    for problem in problems:
        if left[problem] > 0:
            left[problem] -= 1
        else:
            kept.append(problem)
    return kept


def file_problems(snapshot: Snapshot) -> list[Problem]:
    """The snapshot's problems that came from its files and its join, not from its scan."""
    return without(snapshot.problems, snapshot.scan_problems)
