"""What every worker process of chiptui runs first (the scan's, the parse's and the join's),
the forked children that run them (``forked``, ``forked_workers``) and the framed stream of
pickled messages they answer on (``send``, ``messages``).

The children are ours, not ``concurrent.futures``': a pool whose workers are killed when its
caller fails (a full disk while a batch is stored) leaves its feeder and manager threads
blocked on half-written pipes, and the process hung at exit. A child here is a pid and the
read end of a pipe: killed and reaped, it leaves nothing behind."""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

HEADER = struct.Struct("!Q")  # the length of each pickled message on a worker's stream


def worker_setup(parent: int, quiet_output: bool) -> None:
    """Run first in every parse worker: it dies with its parent (kill -9 or SIGTERM of the
    CLI leaves no worker behind), leaves Ctrl-C to the parent, and (forked workers) lets go of
    the caller's standard output, so a pipe reader is never held open by a worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if quiet_output:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:
            pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills us with the parent
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    # elsewhere (and as a second line here): a watchdog notices the parent is gone
    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="chiptui-parent-watch", daemon=True).start()


def can_fork() -> bool:
    """This platform forks (where ``multiprocessing`` offers its "fork" start method)."""
    return hasattr(os, "fork")


class Forked:
    """A forked child writing to a pipe (see ``forked`` and ``forked_workers``): its pid and
    the pipe's read end."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid, self.read_end = pid, read_end

    def cancel(self) -> None:
        """Stop the child now and reap it (the caller was interrupted: nothing waits for it)."""
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.end()

    def end(self) -> int:
        """Reap the child (whose stream was read to its end) and close the pipe: its exit status."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = -1
        try:
            os.close(self.read_end)
        except OSError:
            pass
        return status

    def result(self) -> tuple[bool, Any]:
        """(True, what ``forked``'s call returned), or (False, None) when the child failed."""
        data = bytearray()
        try:
            while chunk := os.read(self.read_end, 1 << 20):
                data += chunk
        finally:
            status = self.end()
        if status != 0 or not data:
            return False, None
        try:
            return True, pickle.loads(data)  # (our own child's bytes, as a parse worker's)
        except Exception:  # noqa: BLE001 - a child that wrote half its answer: the caller does it
            return False, None


def forked(function: Callable[..., Any], *args: Any) -> Forked | None:
    """``function(*args)`` in a forked child while this process goes on with something else:
    a share of one job on the core it leaves idle. The child reads this process's memory as
    it was (nothing is sent to it) and pickles back the result. None when this process may
    not fork: other threads are running (a fork copies only the calling one, and locks the
    others hold stay locked in the child), or the platform does not."""
    if threading.active_count() > 1 or not can_fork():
        return None
    return _fork(lambda stream: stream.write(pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)))


@contextmanager
def forked_workers(work: Callable[[BinaryIO, Any], None], jobs: list[Any], workers: int) -> Iterator[list[Forked]]:
    """WORKERS forked children running ``work(stream, job)`` for JOBS (at most ``MAX_JOBS``),
    each taking the next job when it is free (see ``job_queue``) and answering with ``send``
    (read them with ``messages``). Empty when this process may not fork (see ``forked``). The
    children are reaped when the block ends; if it ends with an exception, killed first."""
    children: list[Forked] = []
    if threading.active_count() == 1 and can_fork():
        queue = job_queue(len(jobs))
        try:
            for _ in range(workers):
                child = _fork(lambda stream: take_jobs(stream, work, jobs, queue), [c.read_end for c in children])
                if child is None:  # (out of processes: none at all, the caller does it itself)
                    for started in children:
                        started.cancel()
                    children = []
                    break
                children.append(child)
        finally:
            os.close(queue)
    try:
        yield children
    except BaseException:
        for child in children:
            child.cancel()
        raise
    for child in children:
        child.end()


MAX_JOBS = 2048  # jobs a queue holds (their numbers, 8 KB, fit in any pipe without blocking)
_JOB = struct.Struct("!I")


def in_jobs(items: list[Any], size: int = 1) -> list[list[Any]]:
    """ITEMS cut into jobs of SIZE in order, larger where that many would not fit a queue
    (``MAX_JOBS``)."""
    size = max(size, -(-len(items) // MAX_JOBS))
    return [items[i : i + size] for i in range(0, len(items), size)]


def job_queue(count: int) -> int:
    """The read end of a pipe holding the job numbers 0 to COUNT - 1 (at most ``MAX_JOBS``), its
    write end closed: workers sharing it take their next job with ``next_job``, so a worker
    that finishes early takes more (a share fixed in advance left one worker idle for a
    second of the cold index while the other parsed the share that held more pages)."""
    if count > MAX_JOBS:
        raise ValueError(f"{count} jobs; a queue holds {MAX_JOBS}")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"".join(_JOB.pack(n) for n in range(count)))  # (8 KB at most: never blocks)
    finally:
        os.close(write_end)
    return read_end


def next_job(queue: int) -> int | None:
    """The next job number from ``job_queue``'s pipe, or None when all are taken (a read of
    four bytes from a pipe is never split between two readers)."""
    data = os.read(queue, _JOB.size)
    return _JOB.unpack(data)[0] if len(data) == _JOB.size else None


def take_jobs(out: BinaryIO, work: Callable[[BinaryIO, Any], None], jobs: list[Any], queue: int) -> None:
    """A worker's loop: ``work(out, job)`` for each job it takes from the queue."""
    while (number := next_job(queue)) is not None:
        work(out, jobs[number])


def _fork(work: Callable[[BinaryIO], object], inherited: list[int] | tuple[()] = ()) -> Forked | None:
    """A child running ``work`` on the write end of a pipe, then gone (``INHERITED``: read ends
    of earlier children's pipes, closed in this one); None when the fork fails."""
    parent = os.getpid()
    read_end, write_end = os.pipe()
    _widen(read_end)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(read_end)
            for fd in inherited:
                os.close(fd)
            worker_setup(parent, quiet_output=True)
            with os.fdopen(write_end, "wb") as stream:
                work(stream)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Forked(pid, read_end)


PIPE_BYTES = 1 << 20  # what a child may write ahead of this process's reading (Linux's limit)


def _widen(fd: int) -> None:
    """Let the pipe hold PIPE_BYTES where the system allows it (Linux), so a child goes on
    working while this process is busy with what it sent before (64 KB by default: a worker
    stopped at every batch until the parent had stored the one before)."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass


def send(out: BinaryIO, message: object) -> None:
    """One message on a worker's stream: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEADER.pack(len(data)) + data)
    out.flush()


def messages(streams: dict[int, Any]) -> Iterator[tuple[Any, Any]]:
    """(owner, message) for each message ``send`` wrote on the streams (file descriptor ->
    owner) as it comes, until every stream has ended."""
    import selectors

    with selectors.DefaultSelector() as selector:
        for fd, owner in streams.items():
            selector.register(fd, selectors.EVENT_READ, (owner, bytearray()))
        open_streams = len(streams)
        while open_streams:
            for key, _ in selector.select():
                owner, buffer = key.data
                chunk = os.read(key.fd, 1 << 20)
                if not chunk:
                    selector.unregister(key.fd)
                    open_streams -= 1
                    continue
                buffer += chunk
                while len(buffer) >= HEADER.size:
                    (size,) = HEADER.unpack_from(buffer)
                    if len(buffer) < HEADER.size + size:
                        break
                    message = pickle.loads(bytes(buffer[HEADER.size : HEADER.size + size]))  # (our workers' bytes)
                    del buffer[: HEADER.size + size]
                    yield owner, message
