"""Regenerate screenshots/ from the real app on the bundled seeds.

    python scripts/screenshots.py            # writes screenshots/*.svg and *.txt

Each view is an SVG (shown in the README) plus the screen's plain text, which the
test suite compares against to catch unintended changes to the main views.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "screenshots"
SIZE = (160, 50)


async def _wait(pilot, condition: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    for _ in range(1000):
        if condition():
            return
        await pilot.pause()
    raise RuntimeError("the app did not reach the expected state")


async def _main(pilot) -> None:  # type: ignore[no-untyped-def]
    main = pilot.app.main_screen
    main.READ_AFTER = 3600.0  # nothing turns read while a screenshot is taken
    await _wait(pilot, lambda: main.result is not None and main.unread_total is not None)
    await _wait(pilot, lambda: ("library", "All") in main.query_one("#sidebar").counts)


async def _filtered(pilot) -> None:  # type: ignore[no-untyped-def]
    await _main(pilot)
    await pilot.press("slash", *"tranium")
    await _wait(pilot, lambda: pilot.app.main_screen.result.query == "tranium")


async def _detail(pilot) -> None:  # type: ignore[no-untyped-def]
    await _main(pilot)
    await pilot.press("slash", *"debuts", "enter", "enter")
    await _wait(pilot, lambda: "Amazon today debuted" in _detail_text(pilot.app))
    detail = pilot.app.main_screen.query_one("#detail")
    await _wait(pilot, lambda: detail.max_scroll_y > 0 and detail.vertical_scrollbar.window_size > 0)
    await pilot.pause()


async def _reader(pilot) -> None:  # type: ignore[no-untyped-def]
    await _detail(pilot)
    await pilot.press("z")
    from chiptui.screens.reader import ReaderScreen

    await _wait(pilot, lambda: isinstance(pilot.app.screen, ReaderScreen) and len(pilot.app.screen.view.paragraphs) > 3)
    await pilot.press("slash", *"trainium", "enter")
    await _wait(pilot, lambda: len(pilot.app.screen.view.hits) > 0)
    await pilot.pause()


async def _help(pilot) -> None:  # type: ignore[no-untyped-def]
    await _main(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


def _detail_text(app) -> str:  # type: ignore[no-untyped-def]
    return app.main_screen.query_one("#detail").text()


VIEWS: dict[str, Callable[..., Awaitable[None]]] = {
    "main": _main, "filtered": _filtered, "detail": _detail, "help": _help, "small": _main, "reader": _reader,
}
SIZES = {"small": (80, 24)}  # the first screen in the smallest terminal people use


async def capture(view: str) -> str:
    """The SVG of one view of the app on the bundled seeds."""
    from chiptui.app import ChiptuiApp
    from chiptui.paths import bundled_seeds

    # open the seeds by a relative path, so file paths shown on screen (and the
    # wrapping they cause) are the same wherever the package is installed
    with contextlib.chdir(bundled_seeds().parent):
        app = ChiptuiApp(["seeds"])
        async with app.run_test(size=SIZES.get(view, SIZE)) as pilot:
            await VIEWS[view](pilot)
            await pilot.pause()
            return app.export_screenshot(title=f"chiptui: {view}")


def svg_text(svg: str) -> str:
    """The screen's characters, line by line, from a Textual SVG screenshot."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text[^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\u00a0", " ")))
    lines = []
    for y in sorted(rows):
        lines.append("".join(t for _, t in sorted(rows[y])).rstrip())
    return "\n".join(lines).rstrip() + "\n"


def main(out: Path = OUT) -> int:
    out.mkdir(exist_ok=True)
    # the views are of a fresh install: not of this machine's marks, config or cache
    with tempfile.TemporaryDirectory(prefix="chiptui-screenshots-") as home:
        saved = {name: os.environ.get(name) for name in _USER_DIRS}
        os.environ.update({name: os.path.join(home, name.lower()) for name in _USER_DIRS})
        try:
            for view in VIEWS:
                svg = asyncio.run(capture(view))
                (out / f"{view}.svg").write_text(svg, encoding="utf-8")
                (out / f"{view}.txt").write_text(svg_text(svg), encoding="utf-8")
                print(f"wrote {out.name}/{view}.svg")
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return 0


_USER_DIRS = ("CHIPTUI_DATA_DIR", "CHIPTUI_CONFIG_DIR", "CHIPTUI_CACHE_DIR")


if __name__ == "__main__":
    sys.exit(main())
