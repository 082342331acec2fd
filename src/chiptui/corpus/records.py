"""How the index stores values and paths.

Every stored value is a pickle behind a CRC-32 of it, read back by a restricted
unpickler; paths are text, or bytes when a file's name is not UTF-8.
"""

from __future__ import annotations

import io
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterator

# The index is a cache that may be copied from elsewhere or shared: what it holds is read
# back as data only. Its pickles may name these classes of chiptui's and nothing else, so a
# crafted file can build no other object and call no function (the "restricting globals"
# pattern of the pickle documentation); anything else is damage, and the index is rebuilt.
_DATA_CLASSES = {
    ("chiptui.corpus.models", "Problem"),
    ("chiptui.corpus.models", "Facet"),
    ("chiptui.corpus.models", "Facets"),
}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _DATA_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the index names {module}.{name}, which is not chiptui data")


_CHECK = 4  # bytes of CRC-32 before each stored pickle: damage that SQLite cannot see shows here
# (a CRC finds any damage to a run this size; it is four times cheaper than blake2b on the
# 30 MB snapshot a warm start reads, and forgery is the restricted unpickler's business)


def _crc(body: memoryview | bytes) -> bytes:
    return zlib.crc32(body).to_bytes(_CHECK, "big")


def data_dumps(data: object) -> bytes:
    """A stored value: its checksum, then its pickle."""
    body = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return _crc(body) + body


def data_loads(blob: bytes) -> object:
    """Read a stored value back as data: its digest must match (a damaged page that SQLite
    reads without complaint is caught here, and the index is rebuilt), and only chiptui's
    record classes may appear in it."""
    body = memoryview(blob)[_CHECK:]
    if len(blob) < _CHECK or _crc(body) != bytes(blob[:_CHECK]):
        raise pickle.UnpicklingError("a stored value does not match its checksum (the index is damaged)")
    stream = io.BytesIO(blob)  # shares the bytes (copy on write): no second 30 MB for a snapshot
    stream.seek(_CHECK)
    return _DataUnpickler(stream).load()


def to_db(path: str) -> str | bytes:
    """A path as SQLite stores it: text, or its bytes when the name is not UTF-8 (a file
    copied from another system: Python holds those bytes as lone surrogates, which SQLite
    text cannot)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def in_batches(db: sqlite3.Connection, sql: str, values: list[object]) -> Iterator[tuple]:  # type: ignore[type-arg]
    """The rows of ``sql``, its ``IN ({})`` filled with ``values`` 500 at a time (SQLite limits
    the parameters of one statement). Each batch is read whole: a caller that stops on an
    error leaves no statement running behind it (closed later, on a connection that may be
    closed by then: an error printed at exit)."""
    for start in range(0, len(values), 500):
        part = values[start : start + 500]
        yield from db.execute(sql.format(",".join("?" * len(part))), part).fetchall()


def rows_by_path(db: sqlite3.Connection, column: str, paths: list[str]) -> Iterator[tuple[str, object]]:
    """(path, ``column``) of the files table for ``paths``."""
    for path, value in in_batches(db, f"SELECT path, {column} FROM files WHERE path IN ({{}})", [to_db(p) for p in paths]):
        yield from_db(path), value


def rows_by_id(db: sqlite3.Connection, column: str, ids: list[int]) -> Iterator[tuple[int, object]]:
    """(id, ``column``) of the files table for these row ids."""
    yield from in_batches(db, f"SELECT id, {column} FROM files WHERE id IN ({{}})", list(ids))
