"""Parsing new and changed files into index records, in this process or in workers.

Each worker parses a share of the files and answers with batches of ``(stored bytes, search
text)`` as it goes (``workers.send``), so the caller stores them and shows progress while it
works. From a process without threads (a command) the workers are forked children. The
browser has threads running, so it may not fork, and multiprocessing's spawn start trips over
the terminal handles Textual installs: it runs its parsers as plain subprocesses (``python -m
chiptui.corpus.parse_worker``) with clean standard streams, each reading its pickled share on
stdin and answering on stdout.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO

from chiptui.corpus.loader import FileRecord, index_file, record_blob, record_of_fields
from chiptui.corpus.records import _CHECK
from chiptui.corpus.workers import can_fork, forked_workers, in_jobs, job_queue, messages, send, take_jobs

PARALLEL_FROM = 256  # fewer changed files than this are parsed in this process
WORKER_BATCH = 250  # files in a worker's job, answered with one batch

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
    else in forked workers, or in ``parse_worker`` subprocesses from a process with threads.
    ``sink`` is handed each batch with the stored bytes and search texts as it arrives (the
    index stores them while the workers go on); only the records are kept."""
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
    jobs = _jobs(paths, stats, max_bytes)
    with forked_workers(_parse_job, jobs, workers) as children:
        for _, batch in messages({child.read_end: child for child in children}):
            _deliver(records, _received(batch), sink, progress, total)
    return _with_the_rest(records, paths, stats, max_bytes, sink, progress)


Job = tuple[list[str], list[tuple[int, int]], int]  # files, their stats and the size limit


def _jobs(paths: list[str], stats: dict[str, tuple[int, int]], max_bytes: int) -> list[Job]:
    """The files in jobs of ``WORKER_BATCH`` (more in a corpus too large for a queue of them):
    a worker answers each with one batch, and takes the next."""
    return [(part, [stats[p] for p in part], max_bytes) for part in in_jobs(paths, WORKER_BATCH)]


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
    jobs = _jobs(paths, stats, max_bytes)
    queue = job_queue(len(jobs)) if os.name == "posix" else None  # (elsewhere no fd passes: shares)
    given = pickle.dumps((jobs, queue), protocol=pickle.HIGHEST_PROTOCOL) if queue is not None else None
    procs = []
    try:
        for n in range(workers):
            proc = subprocess.Popen(
                [sys.executable, "-m", "chiptui.corpus.parse_worker", str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                pass_fds=() if queue is None else (queue,),
            )
            procs.append(proc)
            assert proc.stdin is not None
            with proc.stdin:
                proc.stdin.write(given or pickle.dumps((jobs[n::workers], None), protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        if queue is not None:
            os.close(queue)
    records: list[FileRecord] = []
    try:
        for _, batch in messages({proc.stdout.fileno(): proc for proc in procs}):  # type: ignore[union-attr]
            _deliver(records, _received(batch), sink, progress, total)
    except BaseException:  # (the caller stopped it, from its progress or sink): the workers too
        for proc in procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
        raise
    for proc in procs:
        proc.stdout.close()  # type: ignore[union-attr]
        proc.wait()
    return _with_the_rest(records, paths, stats, max_bytes, sink, progress)


def _with_the_rest(
    records: list[FileRecord],
    paths: list[str],
    stats: dict[str, tuple[int, int]],
    max_bytes: int,
    sink: Sink | None,
    progress: Progress | None,
) -> list[FileRecord]:
    """RECORDS, with the files a worker that died left parsed in this process."""
    if len(records) != len(paths):
        done = {record.path for record in records}
        left = [indexed(path, stats[path], max_bytes) for path in paths if path not in done]
        _deliver(records, left, sink, progress, len(paths))
    return records


def indexed(path: str, stat: tuple[int, int], max_bytes: int) -> Parsed:
    """A file's record without its search text, the bytes the index stores for it (made
    here, in the worker) and the search text."""
    record = index_file(path, stat[0], stat[1], max_bytes)
    bare = record._replace(text="")
    return bare, record_blob(bare), record.text


def _received(batch: Iterable[tuple[bytes, str]]) -> list[Parsed]:
    """A worker's (stored bytes, search text) pairs with the record read from the bytes."""
    loads = pickle.loads  # our own worker's bytes, not the index's: no digest check needed
    return [(record_of_fields(loads(memoryview(blob)[_CHECK:])), blob, text) for blob, text in batch]


def worker_main() -> int:
    """A subprocess worker: on stdin the jobs and the queue it takes them from (or, where it
    has none, its share of them); batches on stdout (see the module's docstring)."""
    from chiptui.corpus.workers import worker_setup

    parent = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else None
    if parent is not None:
        worker_setup(parent, quiet_output=False)  # stdout is the channel to the parent
    jobs, queue = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    if queue is not None:
        take_jobs(out, _parse_job, jobs, queue)
    else:
        for job in jobs:
            _parse_job(out, job)
    return 0


def _parse_job(out: BinaryIO, job: Job) -> None:
    """Worker side: each file's stored bytes and search text, sent as one batch (the record
    itself is not sent twice; the parent reads it back from the bytes it stores)."""
    gc.disable()  # many small objects, all kept: collections only cost time here
    paths, stats, max_bytes = job
    send(out, [indexed(path, stat, max_bytes)[1:] for path, stat in zip(paths, stats, strict=True)])
