"""What every worker process of chiptui runs first (the scan's and the parse's)."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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
