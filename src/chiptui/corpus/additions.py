"""New cards added to a saved join, without joining the whole corpus again.

A day's new cards usually touch nothing that is joined already: no page mentions their
titles or links to them, and no card shares their links or their file name. The full join
(``loader.assemble``) then gives the old entries as they were, plus the new ones in date
order, plus links from and to the new cards. This module checks that it is so and builds
that result, or answers None, and the corpus is joined again: it never decides what the
full join would decide otherwise, it only sees that there is nothing to decide.

Two things kept in the index make the check cheap at 100,000 articles:

- the *join keys*: each card's own links and related links and each page's links, as a
  CRC-32 beside the row of the file they come from (eight bytes a link, saved beside the
  snapshot); a number found is only a candidate, confirmed on the file's record;
- the ``pagewords`` table: each page's normalised words in FTS5, where a new title is looked
  up as a phrase; a page found is confirmed on its words.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chiptui.corpus.loader import (
    C_BODY,
    C_RELATED,
    C_URL_KEYS,
    C_WORDS,
    FileRecord,
    entry_of,
    make_id,
    newest_key,
    record_loads,
)
from chiptui.corpus.models import Columns, Entry, Problem, StrColumn
from chiptui.corpus.records import rows_by_id

OWN, RELATED, PAGE_URL = "o", "r", "u"  # what a join key is: a card's own link, a card's related link, a page's link
CONFIRM = 20  # pages that FTS5 finds with a new title and are read to confirm it; more: joined again
LIMIT = 2000  # more new files than this: the corpus is joined again (and candidates past it are not confirmed)


def _number(kind: str, key: str) -> int:
    return zlib.crc32((kind + key).encode("utf-8", "surrogatepass"))


def keys_of(record: FileRecord) -> Iterable[tuple[str, str]]:
    """The (kind, link) pairs a file adds to the join keys."""
    if record.card is not None:
        for key in record.card[C_URL_KEYS]:
            yield OWN, key
        for key in record.card[C_RELATED]:
            if key:
                yield RELATED, key
    elif record.words is not None and record.marks:
        for key in record.marks[0]:
            yield PAGE_URL, key


@dataclass
class JoinKeys:
    """Every link the join looks at, as numbers beside file rows (``files.id``)."""

    numbers: array
    rows: array
    pages: int  # scraped pages in the corpus (their titles are found through ``pagewords``)

    @classmethod
    def of(cls, records: Iterable[tuple[int, FileRecord]]) -> JoinKeys:
        keys = cls(array("I"), array("q"), 0)
        keys.extend(records)
        return keys

    def extend(self, records: Iterable[tuple[int, FileRecord]]) -> None:
        for row, record in records:
            if record.card is None and record.words is not None:
                self.pages += 1
            for kind, key in keys_of(record):
                self.numbers.append(_number(kind, key))
                self.rows.append(row)

    def rows_with(self, wanted: Iterable[tuple[str, str]]) -> set[int]:
        """The rows that may have one of these (kind, link) pairs (confirm on their records)."""
        numbers = {_number(kind, key) for kind, key in wanted}
        if not numbers:
            return set()
        rows = self.rows
        return {rows[i] for i, number in enumerate(self.numbers) if number in numbers}

    def to_state(self) -> tuple[int, bytes, bytes]:
        return self.pages, self.numbers.tobytes(), self.rows.tobytes()

    @classmethod
    def from_state(cls, state: tuple[int, bytes, bytes]) -> JoinKeys:
        pages, numbers, rows = state
        keys = cls(array("I"), array("q"), int(pages))
        keys.numbers.frombytes(numbers)
        keys.rows.frombytes(rows)
        if len(keys.numbers) != len(keys.rows):
            raise ValueError("the saved join keys do not have the shape this version reads")
        return keys


@dataclass
class Extended:
    columns: Columns
    problems: list[Problem]  # the files' and the join's (the scan's are the caller's)
    changed: set[str]  # ids whose entry is new, or whose links changed
    inserted: list[int]  # where the new entries stand in ``columns``, ascending


def extend(
    columns: Columns,
    problems: Sequence[Problem],
    added: Sequence[tuple[int, FileRecord]],
    keys: JoinKeys,
    db: sqlite3.Connection,
    has_pagewords: bool,
    roots: Sequence[str],
) -> Extended | None:
    """The join of the corpus of ``columns`` with the new files ``added`` ((row, record) in
    file order), when they touch nothing joined before; else None.

    ``problems`` are the files' and the join's problems of the previous join (not the scan's).
    """
    if not added or len(added) > LIMIT:
        return None
    new = [(row, record) for row, record in added if record.card is not None]
    if any(record.card is None and record.words is not None for _, record in added):
        return None  # a new page: it may be the body of any card
    if new and keys.pages and not has_pagewords:
        return None  # no way to look for the new titles in the pages
    # ids: a new file name that is taken would change an old id (both get a hash)
    ids = [make_id(record.path) for _, record in new]
    taken = {article_id.partition("~")[0] for article_id in columns.ids}
    if len(set(ids)) != len(ids) or not taken.isdisjoint(ids):
        return None
    own: dict[str, int] = {}  # a new card's link -> the first new card (in file order) with it
    for n, (_, record) in enumerate(new):
        for key in record.card[C_URL_KEYS]:  # type: ignore[index]
            own.setdefault(key, n)
    # what the old files say of the new links, and which old cards own the new related links
    related = {key for _, record in new for key in record.card[C_RELATED] if key}  # type: ignore[index]
    wanted = [(kind, key) for key in own for kind in (OWN, RELATED, PAGE_URL)]
    wanted += [(OWN, key) for key in related if key not in own]
    candidates = keys.rows_with(wanted)
    if len(candidates) > LIMIT:
        return None
    records = list(_records(db, candidates))
    owned: dict[str, str] = {}  # a link of a new card or of its related -> the first old card with it
    for record in records:
        if record.card is not None:
            for key in record.card[C_URL_KEYS]:
                if key in own or key in related:
                    first = owned.setdefault(key, record.path)
                    if first != record.path:
                        earlier = _earliest(roots, [first, record.path])
                        if earlier is None:
                            return None
                        owned[key] = earlier
    for key, n in own.items():  # an old card keeps its link (and all that joins through it) if it comes first
        if key in owned and _earliest(roots, [owned[key], new[n][1].path]) != owned[key]:
            return None
    unowned = {key for key in own if key not in owned}  # the links only new cards have
    links_to_new: dict[str, list[tuple[int, str]]] = {}  # old card path -> (position, new id)
    for record in records:
        if record.card is None:
            if record.words is not None and record.marks and not unowned.isdisjoint(record.marks[0]):
                return None  # an old page links to a new card
            continue
        for position, key in enumerate(record.card[C_RELATED]):
            if key in unowned:
                links_to_new.setdefault(record.path, []).append((position, ids[own[key]]))
    if new and keys.pages and _mentioned(db, [record.card[C_WORDS] for _, record in new]):  # type: ignore[index]
        return None  # an old page has a new title in it
    # the row-at-a-time columns as lists: they are spliced, and the paths looked up
    columns = Columns(*(list(column) if isinstance(column, StrColumn) else column for column in columns))
    position_of = {path: i for i, path in enumerate(columns.paths)}
    entries: list[Entry] = []
    for n, (_, record) in enumerate(new):
        found = []
        for position, key in enumerate(record.card[C_RELATED]):  # type: ignore[index]
            if key in owned:
                found.append((position, columns.ids[position_of[owned[key]]]))
            elif key in own and own[key] != n:
                found.append((position, ids[own[key]]))
        info = record.card
        body = (record.path, "card", info[C_BODY]) if info[C_BODY] is not None else None  # type: ignore[index]
        entries.append(entry_of(record, ids[n], body, tuple(found) or None))
    places = _places(columns, entries)
    if places is None:
        return None
    changed = set(ids)
    out = columns._replace(links=list(columns.links))
    for path, more in links_to_new.items():
        i = position_of.get(path)
        if i is None:
            return None  # a card that is in no entry (cannot be: every card is one)
        out.links[i] = tuple(sorted((*(out.links[i] or ()), *more)))
        changed.add(out.ids[i])
    inserted = [place + n for n, (place, _) in enumerate(places)]  # where they stand among all
    merged = Columns(
        *(
            spliced(values, {place: entry[field] for place, (_, entry) in zip(inserted, places, strict=True)})
            for field, values in enumerate(out)
        )
    )
    more_problems = [problem for _, record in added for problem in record.problems]
    return Extended(merged, [*problems, *more_problems], changed, inserted)


def spliced(values: Sequence[object], new: dict[int, object]) -> list:  # type: ignore[type-arg]
    """``values`` with ``new`` values put in: each at its key, a position in the result."""
    out: list[object] = []
    start = 0
    for place in sorted(new):
        end = start + place - len(out)
        out.extend(values[start:end])
        out.append(new[place])
        start = end
    out.extend(values[start:])
    return out


def _records(db: sqlite3.Connection, rows: Iterable[int]) -> Iterable[FileRecord]:
    for _, blob in rows_by_id(db, "record", list(rows)):
        yield record_loads(blob)


def _mentioned(db: sqlite3.Connection, titles: Iterable[str]) -> bool:
    """Whether a page may have one of these titles (normalised words) in its words: the pages
    FTS5 finds are confirmed, up to ``CONFIRM`` of them (more: the answer is yes)."""
    for title in titles:
        if not title:
            continue
        phrase = '"' + title.replace('"', '""') + '"'
        try:
            rows = db.execute(
                "SELECT words FROM pagewords WHERE pagewords MATCH ? LIMIT ?", (phrase, CONFIRM + 1)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if "malformed" in str(exc) or "corrupt" in str(exc):
                raise sqlite3.DatabaseError(str(exc)) from None
            return True  # a title FTS cannot look up: say it may be there (the corpus is joined again)
        padded = f" {title} "
        if len(rows) > CONFIRM or any(padded in f" {words} " for (words,) in rows):
            return True
    return False


def _earliest(roots: Sequence[str], paths: list[str]) -> str | None:
    """The first of ``paths`` in the scan's order (roots in the order given, then each folder
    depth first in name order), or None when one is under no root."""
    keys = []
    for path in paths:
        for n, root in enumerate(roots):
            if path == root:
                keys.append(((n, []), path))
                break
            prefix = root if root.endswith(os.sep) else root + os.sep
            if path.startswith(prefix):
                keys.append(((n, path[len(prefix) :].split(os.sep)), path))
                break
        else:
            return None
    return min(keys)[1]


def _places(columns: Columns, entries: list[Entry]) -> list[tuple[int, Entry]] | None:
    """Where each new entry goes among the old ones (old positions, ascending), or None when
    one ties with an old entry: ties go by file order, which only the full join knows."""
    titles, stamps = columns.titles, columns.stamps
    count = len(titles)
    old_key = lambda i: newest_key(titles[i], stamps[i])
    placed = []
    for n, entry in enumerate(entries):
        key = newest_key(entry.title, entry.stamp)
        place = bisect.bisect_left(range(count), key, key=old_key)
        if place < count and old_key(place) == key:
            return None
        placed.append((place, key, n))
    placed.sort()  # the new among themselves: by order key, then file order (all stable)
    return [(place, entries[n]) for place, _, n in placed]
