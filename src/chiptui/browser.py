"""Open a URL in the user's web browser, safely.

Only http/https URLs pass (``safe_url``). The browser is started through Python's
``webbrowser`` module (so ``$BROWSER`` is honoured) in a child process whose
input and output are closed, so nothing a browser prints can reach the terminal
the app is drawing on, and nothing blocks the UI.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from chiptui.corpus.sanitize import safe_url, url_problem

_OPENER = "import sys, webbrowser\nsys.exit(0 if webbrowser.open_new_tab(sys.argv[1]) else 3)\n"
TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class OpenResult:
    ok: bool
    message: str


def check(url: str | None) -> tuple[str | None, str | None]:
    """(the URL to open, None) or (None, why it is refused)."""
    if not url:
        return None, "this article has no link"
    safe = safe_url(url)
    if safe is None:
        return None, f"Not opened: {url_problem(url)}"
    return safe, None


def launch(url: str) -> OpenResult:
    """Run the opener and wait for it (call from a worker thread, never the UI thread)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _OPENER, url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return OpenResult(True, f"Opening {url} (the browser is still starting)")
    except OSError as exc:
        return OpenResult(False, f"Could not start a browser: {exc}")
    if proc.returncode == 0:
        return OpenResult(True, f"Opened {url}")
    return OpenResult(False, "No web browser found; set $BROWSER to the command that opens one")
