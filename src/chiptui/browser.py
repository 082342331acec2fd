"""Open a URL in the user's web browser, safely.

Only http/https URLs pass (``check``). Which browser runs is decided by ``plan``:
the ``browser`` command of the config file (``%u`` stands for the URL, as in
newsboat), else ``$BROWSER`` (entries separated by ``os.pathsep``, ``%s`` for the
URL, as Python's ``webbrowser`` reads it), else Python's ``webbrowser`` module.

A graphical browser runs detached, its output closed, so nothing it prints can
reach the terminal the app draws on. A text browser (w3m, lynx, elinks, links,
www-browser, or any browser when there is no display) needs that terminal: the
plan says so, and the app suspends itself and runs it in the foreground.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from chiptui.corpus.sanitize import safe_url, url_problem

_OPENER = "import sys, webbrowser\nsys.exit(0 if webbrowser.open_new_tab(sys.argv[1]) else 3)\n"
TIMEOUT = 20.0
STARTUP = 2.0  # a graphical browser that fails usually fails within this many seconds
TEXT_BROWSERS = ("www-browser", "w3m", "lynx", "elinks", "links", "links2", "browsh", "carbonyl")


@dataclass(frozen=True, slots=True)
class OpenResult:
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class Plan:
    """How to open a URL: a command line, or Python's ``webbrowser`` (``argv`` None)."""

    argv: tuple[str, ...] | None = None
    terminal: bool = False  # a text browser: it needs the terminal, in the foreground
    origin: str = ""  # where the command came from, for messages ("$BROWSER", "the config file")
    error: str | None = None  # why nothing can be opened


def check(url: str | None) -> tuple[str | None, str | None]:
    """(the URL to open, None) or (None, why it is refused)."""
    if not url:
        return None, "This article has no link"
    safe = safe_url(url)
    if safe is None:
        return None, f"Not opened: {url_problem(url)}"
    return safe, None


def has_display(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _argv(command: str, url: str, placeholder: str) -> list[str] | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words:
        return None
    if any(placeholder in w for w in words):
        return [w.replace(placeholder, url) for w in words]
    return [*words, url]


def plan(url: str, command: str | None = None, env: Mapping[str, str] | None = None) -> Plan:
    """Decide how ``url`` will be opened (nothing runs yet)."""
    env = os.environ if env is None else env
    display = has_display(env)
    if command and command.strip():
        choices, placeholder, origin = [command], "%u", "the config file's browser"
    elif env.get("BROWSER", "").strip():
        choices = [c for c in env["BROWSER"].split(os.pathsep) if c.strip()]
        placeholder, origin = "%s", "$BROWSER"
    else:
        if display:
            return Plan(None, False, "webbrowser")
        for name in TEXT_BROWSERS:
            found = shutil.which(name)
            if found:
                return Plan((found, url), True, "a text browser (there is no display)")
        return Plan(
            error="No web browser found: there is no display and no text browser "
            f"({', '.join(TEXT_BROWSERS[:5])}) on PATH; set $BROWSER to the command that opens one"
        )
    for choice in choices:
        argv = _argv(choice, url, placeholder)
        if argv is None:
            continue
        found = shutil.which(argv[0])
        if found is None:
            continue
        terminal = os.path.basename(argv[0]) in TEXT_BROWSERS or not display
        return Plan((found, *argv[1:]), terminal, origin)
    shown = command if command else env.get("BROWSER", "")
    return Plan(error=f"Could not open the link: {origin} is {shown!r}, and no such command was found")


def launch(url: str, how: Plan | None = None) -> OpenResult:
    """Start a graphical browser and wait briefly for it to fail (call from a worker thread)."""
    how = how or plan(url)
    if how.error:
        return OpenResult(False, how.error)
    if how.argv is None:
        return _webbrowser(url)
    try:
        proc = subprocess.Popen(
            list(how.argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return OpenResult(False, f"Could not start {how.argv[0]} (from {how.origin}): {exc.strerror or exc}")
    try:
        code = proc.wait(timeout=STARTUP)
    except subprocess.TimeoutExpired:
        return OpenResult(True, f"Opened {url}")  # still running: a browser that started
    if code != 0:
        return OpenResult(False, f"The browser {how.argv[0]} (from {how.origin}) failed with exit status {code}")
    return OpenResult(True, f"Opened {url}")


def run_in_terminal(url: str, how: Plan) -> OpenResult:
    """Run a text browser in the foreground on this terminal (the app suspends around it)."""
    assert how.argv is not None
    try:
        code = subprocess.run(list(how.argv), check=False).returncode
    except OSError as exc:
        return OpenResult(False, f"Could not start {how.argv[0]}: {exc.strerror or exc}")
    if code != 0:
        return OpenResult(False, f"{os.path.basename(how.argv[0])} ended with exit status {code}")
    return OpenResult(True, f"Back from {os.path.basename(how.argv[0])}")


def _webbrowser(url: str) -> OpenResult:
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
