"""The query language in the browser: errors, sidebar agreement, completion, history, saved
searches and export (issue 10), waiting on state."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from chiptui.app import ChiptuiApp
from chiptui.config import load_settings
from chiptui.screens.prompt import PromptScreen
from chiptui.widgets.facet_list import FacetList

from .conftest import EVERYDAY_AI, SEEDS, needs_everyday_ai
from .test_app import shown_titles, status_text, wait_for
from .test_cli import run
from .test_reader import ready


async def type_query(pilot, screen, text: str) -> None:  # type: ignore[no-untyped-def]
    box = screen.query_one("#filter")
    box.value = ""
    await pilot.press("slash", *text)
    await wait_for(pilot, lambda: box.value == text, "the text in the box")


@needs_everyday_ai
async def test_the_box_and_the_cli_agree_and_the_sidebar_shows_the_query_facets() -> None:
    query = 'topic:"AI Hardware" -trainium'
    cli = run("list", str(EVERYDAY_AI), "--json", "--query", query)
    expected = len(cli.stdout.splitlines())
    assert expected > 0
    app = ChiptuiApp([str(EVERYDAY_AI)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, query)
        await wait_for(pilot, lambda: f"{expected} of 201 articles" in status_text(app), "the query's count")
        sidebar = screen.query_one("#sidebar", FacetList)
        await wait_for(pilot, lambda: ("topic", "AI Hardware") in sidebar.selected, "the sidebar to show the topic")
        # choosing the facet in the sidebar gives the same list as typing it
        by_query = [e.id for e in screen.result]
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: "201 of 201 articles" in status_text(app), "the filter cleared")
        sidebar.move_to(next(i for i, r in enumerate(sidebar.rows) if r.name == "AI Hardware"))
        sidebar.focus()
        await pilot.press("space")
        await type_query(pilot, screen, "-trainium")
        await wait_for(pilot, lambda: screen.result is not None and [e.id for e in screen.result] == by_query, "the same list")


async def test_a_bad_query_shows_where_and_keeps_the_last_list() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "provider:techcrunch")
        await wait_for(pilot, lambda: "1 of 4 articles" in status_text(app), "one article")
        await pilot.press(*" after:2021-13")
        await wait_for(pilot, lambda: "column 27" in status_text(app), "the error and its column")
        assert "is not a date" in status_text(app)
        box = screen.query_one("#filter")
        assert box.error_highlighter.span == (26, 7)  # "2021-13" underlined
        assert shown_titles(screen) == ["AWS introduces new Trn1 chips to speed up training of machine learning models"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        await wait_for(pilot, lambda: box.error_highlighter.span is not None and "needs a value" in status_text(app), "after: alone")
        await pilot.press(*"2021-11")
        await wait_for(pilot, lambda: box.error_highlighter.span is None and "1 of 4 articles" in status_text(app), "a good query again")


async def test_tab_completes_fields_from_the_corpus_and_up_down_recall_queries() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        box = screen.query_one("#filter")
        await pilot.press("slash", *"topic:ai", "tab")
        # AI, AI Hardware: the common prefix stays, the names and counts are shown
        assert box.value == "topic:AI"
        assert any("AI Hardware (3)" in str(n.message) for n in app._notifications)
        await pilot.press(*" h", "tab")
        assert box.value == 'topic:"AI Hardware" '
        await pilot.press(*"is:st", "tab")
        assert box.value == 'topic:"AI Hardware" is:starred '
        await pilot.press("enter")  # remembered
        await pilot.press("slash")
        box.value = "provider:techcrunch"
        await pilot.press("enter", "slash")
        box.value = "draft"
        await pilot.press("up")
        assert box.value == "provider:techcrunch"
        await pilot.press("up")
        assert box.value == 'topic:"AI Hardware" is:starred'
        await pilot.press("down", "down")
        assert box.value == "draft"
    # persisted: a new app recalls them
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", "up")
        assert screen.query_one("#filter").value == "provider:techcrunch"


async def test_ctrl_s_saves_the_query_and_the_sidebar_counts_it(isolated_dirs: dict[str, Path]) -> None:
    config = isolated_dirs["config"] / "config.toml"
    config.write_text("# my settings\nsort = \"newest\"\n", encoding="utf-8")
    app = ChiptuiApp([str(SEEDS)], settings=load_settings())
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, 'topic:"AI Hardware" -trainium')
        await wait_for(pilot, lambda: "1 of 4 articles" in status_text(app), "the query")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"hardware", "enter")
        sidebar = screen.query_one("#sidebar", FacetList)
        await wait_for(pilot, lambda: sidebar.counts.get(("search", "hardware")) == 1, "the saved search's count")
        assert any(r.kind == "search" and r.name == "hardware" for r in sidebar.rows)
        assert sidebar.counts.get(("search-unread", "hardware")) == 1
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n")  # comments kept
    assert load_settings().searches == {"hardware": 'topic:"AI Hardware" -trainium'}
    proc = run("list", "--saved", "hardware", "--json")
    assert len(proc.stdout.splitlines()) == 1
    listed = run("searches", "--json")
    assert json.loads(listed.stdout) == {"name": "hardware", "query": 'topic:"AI Hardware" -trainium', "count": 1, "unread": 1}
    # choosing it in the sidebar puts its query in the box
    app = ChiptuiApp([str(SEEDS)], settings=load_settings())
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one("#sidebar", FacetList)
        sidebar.move_to(next(i for i, r in enumerate(sidebar.rows) if r.kind == "search"))
        sidebar.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "1 of 4 articles" in status_text(app), "the saved search's list")
        assert screen.query_one("#filter").value == 'topic:"AI Hardware" -trainium'


async def test_e_exports_the_view_as_csv_and_never_overwrites_without_asking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "amazon sort:title")
        await wait_for(pilot, lambda: screen.result is not None and screen.result.sort == "title", "the view")
        titles = [e.title for e in screen.result]
        await pilot.press("escape")  # to the list, keeping the query? Escape in the box clears it
        await type_query(pilot, screen, "amazon sort:title")
        await pilot.press("enter", "e")
        assert isinstance(app.screen, PromptScreen)
        prompt_box = app.screen.query_one("#prompt-input")
        assert prompt_box.value.startswith(str(tmp_path)) and prompt_box.value.endswith(".csv")
        prompt_box.value = str(tmp_path / "view.csv")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "view.csv").exists(), "the file")
        with open(tmp_path / "view.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["title"] for r in rows] == titles
        assert any(f"Wrote {len(titles)} articles" in str(n.message) for n in app._notifications)
        # again to the same path: it asks, and "no" leaves the file alone
        (tmp_path / "view.csv").write_text("mine", encoding="utf-8")
        await pilot.press("e")
        app.screen.query_one("#prompt-input").value = str(tmp_path / "view.csv")
        await pilot.press("enter")
        await pilot.press("n")
        assert (tmp_path / "view.csv").read_text(encoding="utf-8") == "mine"


async def test_a_query_longer_than_the_box_scrolls_to_its_cursor() -> None:
    """The box repaints on each keystroke instead of asking for a layout of the screen; a
    query wider than it still scrolls so the end, with the cursor, shows (80x24)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        box = screen.query_one("#filter")
        words = "trainium " * 12 + "inferentia"
        await type_query(pilot, screen, words)
        await wait_for(pilot, lambda: box.scroll_offset.x > 0, "the box to scroll")
        assert box.virtual_size.width > box.size.width
        cursor = box.cursor_screen_offset.x
        assert box.region.x <= cursor < box.region.right
        await pilot.press("home")
        await wait_for(pilot, lambda: box.scroll_offset.x == 0, "the box to scroll back")


async def test_a_search_the_box_has_moved_on_from_gives_way_and_a_bad_query_brings_the_last_good_one_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys typed in one burst: a search started for the first of them does not run once the
    box holds more (a newer query is on its way). When that newer text does not parse, the
    last good query is searched again, so the list and the status line stay its own."""
    from chiptui.corpus.query import parse
    from chiptui.corpus.store import CorpusStore

    searched: list[str] = []
    run_query = CorpusStore.run_query

    def recorded(self, parsed, *args, **kwargs):  # type: ignore[no-untyped-def]
        searched.append(repr(parsed))
        return run_query(self, parsed, *args, **kwargs)

    monkeypatch.setattr(CorpusStore, "run_query", recorded)
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "tranium")
        await wait_for(pilot, lambda: "2 of 4 articles" in status_text(app), "the good query's list")
        box = screen.query_one("#filter")
        good = repr(screen.parsed)
        searched.clear()
        # a search for "tranium x" scheduled, while the box already says more
        screen.generation += 1
        worker = screen.run_filter(
            screen.generation, screen.store, parse("tranium x"), (), (), None, "All", None, {}, (box, "tranium x")
        )
        await worker.wait()
        assert searched == []  # it gave way: nothing searched, nothing shown
        box.value = 'tranium x "'  # the newer text: a quote not closed
        await wait_for(pilot, lambda: searched == [good], "the last good query, searched again")
        await wait_for(pilot, lambda: screen._shown_generation == screen.generation, "its list, shown again")
        assert len(screen.result) == 2
        assert "not closed" in status_text(app) and "the last good query (2 of 4)" in status_text(app)
