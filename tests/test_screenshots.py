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
