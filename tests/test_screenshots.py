"""Snapshot comparison of the main views against screenshots/ (regenerate: python scripts/screenshots.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("chiptui_screenshots", REPO / "scripts" / "screenshots.py")
assert _spec and _spec.loader
screenshots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshots)


@pytest.mark.parametrize("view", list(screenshots.VIEWS))
async def test_view_matches_its_committed_screenshot(view: str) -> None:
    expected = (REPO / "screenshots" / f"{view}.txt").read_text(encoding="utf-8")
    svg = await screenshots.capture(view)
    assert screenshots.svg_text(svg) == expected, f"run 'python scripts/screenshots.py' if the {view} view changed on purpose"
    assert (REPO / "screenshots" / f"{view}.svg").is_file()


def test_regenerating_ignores_this_machines_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """scripts/screenshots.py draws a fresh install, whatever marks the user who runs it has
    (it drew its author's read article as read)."""
    from chiptui.cli import main as cli
    from chiptui.paths import bundled_seeds

    assert cli(["mark", "read", "--all", str(bundled_seeds())]) == 0  # this user's data dir
    monkeypatch.setattr(screenshots, "VIEWS", {"main": screenshots.VIEWS["main"]})  # one view will do
    out = tmp_path / "shots"
    screenshots.main(out)
    assert (out / "main.txt").read_text(encoding="utf-8") == (REPO / "screenshots" / "main.txt").read_text(encoding="utf-8")
