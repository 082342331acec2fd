"""What every worker process of chiptui runs first (the scan's, the parse's and the join's),
and the forked pool and forked call that start them."""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


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


@contextmanager
def fork_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of forked workers set up by ``worker_setup``; interrupted or failed, its
    workers are killed at once instead of finishing their queue."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # not imported for a warm start

    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=worker_setup, initargs=(os.getpid(), True)
    )
    try:
        yield pool
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def can_fork() -> bool:
    """This platform forks (``multiprocessing``'s "fork" start method is offered)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class Forked:
    """A call running in a forked child (see ``forked``); ``result`` waits for it."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid, self.read_end = pid, read_end

    def cancel(self) -> None:
        """Stop the child now and reap it (the caller was interrupted: nothing waits for it)."""
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        try:
            os.close(self.read_end)
        except OSError:
            pass

    def result(self) -> tuple[bool, Any]:
        """(True, what the call returned), or (False, None) when the child failed."""
        try:
            with os.fdopen(self.read_end, "rb") as stream:
                data = stream.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
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
    parent = os.getpid()
    read_end, write_end = os.pipe()
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
            worker_setup(parent, quiet_output=True)
            data = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as stream:
                stream.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Forked(pid, read_end)
