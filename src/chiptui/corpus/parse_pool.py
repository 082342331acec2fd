"""Parsing new and changed files into index records, in this process or in workers.

From a process without threads (a command) the workers are a forked pool. The browser has
threads running, so it may not fork, and multiprocessing's spawn start trips over the
terminal handles Textual installs: it runs its parsers as plain subprocesses
(``python -m chiptui.corpus.parse_worker``) with clean standard streams, each reading one
pickled job on stdin and writing length-prefixed pickled batches of ``(stored bytes, search
text)`` on stdout as it goes, so the caller can show progress.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO

from chiptui.corpus.loader import FileRecord, index_file, record_blob, record_of_fields
from chiptui.corpus.records import _CHECK
from chiptui.corpus.workers import can_fork, fork_pool

PARALLEL_FROM = 256  # fewer changed files than this are parsed in this process
WORKER_BATCH = 250  # records a subprocess worker sends at a time
HEADER = struct.Struct("!Q")

Progress = Callable[[int, int], None]  # (files parsed so far, files to parse)


# a parsed file: its record without the search text (what the join reads, kept until it), the
# bytes the index stores for it, and its search text (stored, then dropped)
Parsed = tuple[FileRecord, bytes, str]
Sink = Callable[[list[Parsed]], None]  # takes each batch as it is parsed


def parse_files(
    paths: list[str],
    stats: dict[str, tuple[int, int]],
    max_bytes: int,
    progress: Progress | None,
    workers: int | None,
    sink: Sink | None = None,
) -> list[FileRecord]:
    """Each file's record, without its search text: parsed in this process for a few files,
    else in a pool of forked workers, or in ``parse_worker`` subprocesses from a process with
    threads. ``sink`` is handed each batch with the stored bytes and search texts as it
    arrives (the index stores them while the workers go on); only the records are kept."""
    total = len(paths)
    if progress:
        progress(0, total)
    if not paths:
        return []
    workers = workers or os.cpu_count() or 1
    records: list[FileRecord] = []
    if total < PARALLEL_FROM or workers < 2:
        parsed = []
        for done, path in enumerate(paths, 1):
            parsed.append(indexed(path, stats[path], max_bytes))
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
        if sink is not None:
            sink(parsed)
        return [record for record, _, _ in parsed]
    if threading.active_count() > 1 or not can_fork():
        return _parse_in_subprocesses(paths, stats, max_bytes, progress, workers, sink)
    chunk = max(50, min(1000, total // (workers * 8)))
    batches = [paths[i : i + chunk] for i in range(0, total, chunk)]
    with fork_pool(workers) as pool:
        jobs = [(batch, [stats[p] for p in batch], max_bytes) for batch in batches]
        for result in pool.map(_index_batch, jobs):
            _deliver(records, _received(result), sink, progress, total)
    return records


def _deliver(
    records: list[FileRecord],
    received: list[Parsed],
    sink: Sink | None,
    progress: Progress | None,
    total: int,
) -> None:
    """A batch from the workers: its records kept, the whole handed to ``sink``, counted."""
    records.extend(record for record, _, _ in received)
    if sink is not None:
        sink(received)
    if progress:
        progress(len(records), total)


def _parse_in_subprocesses(
    paths: list[str],
    stats: dict[str, tuple[int, int]],
    max_bytes: int,
    progress: Progress | None,
    workers: int,
    sink: Sink | None = None,
) -> list[FileRecord]:
    """Parse with ``parse_worker`` subprocesses (safe from a process with threads, like the browser).
    An exception from ``progress`` or ``sink`` stops it: the workers are killed, and it is raised."""
    import subprocess


    total = len(paths)
    parts = [paths[i::workers] for i in range(workers)]
    procs = []
    for part in parts:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chiptui.corpus.parse_worker", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        procs.append(proc)
        assert proc.stdin is not None
        with proc.stdin:
            pickle.dump((part, [stats[p] for p in part], max_bytes), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    records: list[FileRecord] = []
    try:
        _read_batches(procs, records, sink, progress, total)
    except BaseException:  # (the caller stopped it, from its progress or sink): the workers too
        for proc in procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
        raise
    for proc in procs:
        proc.stdout.close()  # type: ignore[union-attr]
        proc.wait()
    if len(records) != total:  # a worker died: parse what it left in this process
        done = {record.path for record in records}
        left = [indexed(path, stats[path], max_bytes) for path in paths if path not in done]
        _deliver(records, left, sink, progress, total)
    return records


def _read_batches(
    procs: list, records: list[FileRecord], sink: Sink | None, progress: Progress | None, total: int  # type: ignore[type-arg]
) -> None:
    """The workers' batches, delivered as they come, until every worker has ended its output."""
    import selectors

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
                    _deliver(records, _received(batch), sink, progress, total)


def indexed(path: str, stat: tuple[int, int], max_bytes: int) -> Parsed:
    """A file's record without its search text, the bytes the index stores for it (made
    here, in the worker) and the search text."""
    record = index_file(path, stat[0], stat[1], max_bytes)
    bare = record._replace(text="")
    return bare, record_blob(bare), record.text


def _index_batch(job: tuple[list[str], list[tuple[int, int]], int]) -> list[tuple[bytes, str]]:
    """Worker side: each file's stored bytes and search text (the record itself is not sent
    twice; the parent reads it back from the bytes it stores)."""
    paths, stats, max_bytes = job
    gc.disable()  # many small objects, all kept: collections only cost time here
    out = []
    for path, stat in zip(paths, stats, strict=True):
        _, blob, text = indexed(path, stat, max_bytes)
        out.append((blob, text))
    return out


def _received(batch: Iterable[tuple[bytes, str]]) -> list[Parsed]:
    """A worker's (stored bytes, search text) pairs with the record read from the bytes."""
    loads = pickle.loads  # our own worker's bytes, not the index's: no digest check needed
    return [(record_of_fields(loads(memoryview(blob)[_CHECK:])), blob, text) for blob, text in batch]


def worker_main() -> int:
    """A subprocess worker: one job on stdin, batches on stdout (see the module's docstring)."""
    gc.disable()  # many small objects, all kept: collections only cost time here
    from chiptui.corpus.workers import worker_setup

    parent = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else None
    if parent is not None:
        worker_setup(parent, quiet_output=False)  # stdout is the channel to the parent
    paths, stats, max_bytes = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    batch: list[tuple[bytes, str]] = []
    for path, stat in zip(paths, stats, strict=True):
        _, blob, text = indexed(path, stat, max_bytes)
        batch.append((blob, text))
        if len(batch) >= WORKER_BATCH:
            _send(out, batch)
            batch = []
    if batch:
        _send(out, batch)
    return 0


def _send(out: BinaryIO, batch: list[tuple[bytes, str]]) -> None:
    data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEADER.pack(len(data)) + data)
    out.flush()
