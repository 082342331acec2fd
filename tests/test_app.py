"""Pilot tests of the browser: they wait on state, never on time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from chiptui import browser
from chiptui.app import ChiptuiApp
from chiptui.screens.help import HelpScreen
from chiptui.screens.main import MainScreen
from chiptui.widgets.article_list import ArticleList
from chiptui.widgets.detail import DetailPane
from chiptui.widgets.facet_list import FacetList
from chiptui.widgets.status import StatusLine

from .conftest import SEEDS, TRAINIUM_ID, card_text


async def wait_for(pilot, condition: Callable[[], bool], what: str, attempts: int = 400) -> None:
    """Let the app run until ``condition`` holds (each round processes pending messages)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause()
        await asyncio.sleep(0)  # let worker threads hand over their results
    raise AssertionError(f"timed out waiting for {what}")


def status_text(app: ChiptuiApp) -> str:
    return str(app.screen.query_one("#status", StatusLine).render())


def main_of(app: ChiptuiApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


async def loaded(pilot) -> MainScreen:
    app = pilot.app
    await wait_for(pilot, lambda: main_of(app).result is not None, "the corpus to load")
    return main_of(app)


def shown_titles(screen: MainScreen) -> list[str]:
    articles = screen.query_one("#articles", ArticleList)
    return [a.title for a in articles.result] if articles.result is not None else []


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def fake_launch(url: str, how: object = None) -> browser.OpenResult:
        calls.append(url)
        return browser.OpenResult(True, f"Opened {url}")

    monkeypatch.setattr(browser, "launch", fake_launch)
    monkeypatch.setenv("DISPLAY", ":99")  # a graphical session: the plan is a detached browser
    monkeypatch.setenv("BROWSER", "true")
    return calls


async def test_starts_on_the_seeds_with_counts_and_sidebar() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        assert "4 of 4 articles" in status_text(app)
        assert len(shown_titles(screen)) == 4
        sidebar = screen.query_one("#sidebar", FacetList)
        assert [r.name for r in sidebar.rows][:6] == ["Library", "All", "Unread", "Starred", "Topics", "AI"]
        assert sidebar.counts[("topic", "AI")] == 4


async def test_filter_escape_and_enter_move_between_box_and_list() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", "t", "r", "n", "1")
        await wait_for(pilot, lambda: "1 of 4 articles" in status_text(app), "the filter to apply")
        assert shown_titles(screen) == ["AWS introduces new Trn1 chips to speed up training of machine learning models"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: "4 of 4 articles" in status_text(app), "the filter to clear")
        assert isinstance(app.focused, ArticleList)


async def test_reading_an_article_shows_its_cleaned_body(opened: list[str]) -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"debuts")
        await wait_for(pilot, lambda: len(shown_titles(screen)) == 1, "one match")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.focused, DetailPane), "the detail pane to take focus")
        detail = screen.query_one("#detail")
        await wait_for(pilot, lambda: "Amazon today debuted AWS Trainium" in _static_text(detail), "the body")
        assert "VB Event" not in _static_text(detail)
        await pilot.press("o")
        await wait_for(pilot, lambda: len(opened) == 1, "the browser call")
        await pilot.press("1")
        await wait_for(pilot, lambda: len(opened) == 2, "the related link")
        trainium = screen.store.article(TRAINIUM_ID)
        assert opened == [trainium.url, trainium.related[0].url]


def _static_text(widget) -> str:  # type: ignore[no-untyped-def]
    if hasattr(widget, "text"):
        return widget.text()
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO())
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def test_list_navigation_keeps_cursor_on_the_same_article_across_sorts() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        articles = screen.query_one("#articles", ArticleList)
        await pilot.press("j", "j")
        assert articles.cursor == 2
        chosen = articles.current
        await pilot.press("s")
        await wait_for(pilot, lambda: "sort: oldest" in status_text(app), "the new sort")
        assert articles.current == chosen and articles.cursor != 2
        await pilot.press("G")
        assert articles.cursor == 3
        await pilot.press("g")
        assert articles.cursor == 0


async def test_sidebar_toggles_topics_and_providers() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("shift+tab")
        sidebar = screen.query_one("#sidebar", FacetList)
        assert app.focused is sidebar
        while sidebar.rows[sidebar.cursor].name != "AWS AI":
            await pilot.press("j")
        await pilot.press("space")
        await wait_for(pilot, lambda: "2 of 4 articles" in status_text(app), "the topic filter")
        while sidebar.rows[sidebar.cursor].name != "TechCrunch":
            await pilot.press("j")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "1 of 4 articles" in status_text(app), "topic AND provider")
        assert "topics: AWS AI" in status_text(app) and "providers: TechCrunch" in status_text(app)
        await pilot.press("x")
        await wait_for(pilot, lambda: "4 of 4 articles" in status_text(app), "facets cleared")


async def test_tab_cycles_the_panes() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("tab")
            seen.append(type(app.focused).__name__)
        assert seen == ["DetailPane", "FacetList", "ArticleList"]


async def test_help_and_problems_screens_open_and_close() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("exclamation_mark")
        # the seeds load cleanly: a notice says so, no full-screen modal
        assert isinstance(app.screen, MainScreen)
        assert any("No problems" in str(n.message) for n in app._notifications)


async def test_copy_says_what_it_copied() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("y")
        assert app.clipboard == screen.query_one("#articles", ArticleList).current.url
        assert any("Copied" in str(n.message) for n in app._notifications)


async def test_jump_to_article_from_the_palette_command() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"trn1")
        await wait_for(pilot, lambda: len(shown_titles(screen)) == 1, "the filter")
        screen.jump_to(TRAINIUM_ID)
        articles = screen.query_one("#articles", ArticleList)
        await wait_for(pilot, lambda: articles.current is not None and articles.current.id == TRAINIUM_ID, "the jump")
        assert "4 of 4 articles" in status_text(app)


def _palette_hits(app: ChiptuiApp) -> int:
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    return lists.first().option_count if lists else 0


async def test_command_palette_jumps_to_an_article() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        articles = screen.query_one("#articles", ArticleList)
        await pilot.press("ctrl+p", *"debuts")
        await wait_for(pilot, lambda: _palette_hits(app) > 0, "palette hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: articles.current is not None and articles.current.id == TRAINIUM_ID, "the jump")
        assert app.is_running


HOSTILE_TITLE = "[bold red]Styled?[/] [link=https://evil.example]x[/link] [@click=app.quit]click[/]"


@pytest.fixture
def hostile_corpus(corpus_dir: Path, write) -> Path:  # type: ignore[no-untyped-def]
    write("markup.md", card_text(f'"{HOSTILE_TITLE}"', webUrl='"javascript:alert(1)"', publishedDateTime="2024-01-03T00:00:00Z",
                                 related='[{title: "Local file", webUrl: "file:///etc/passwd"}, {title: "Dash", webUrl: "-https://x.example"}]'))
    write("escape.md", b'---\ntitle: "\x1b[2J\x1b]0;pwned\x07Escapes \x9b31m here"\npublishedDateTime: 2024-01-02T00:00:00Z\n---\n')
    write("broken.md", "---\ntitle: [broken\n---\n")
    write("wide.md", card_text('"\u4e2d\u6587\u65b0\u95fb \U0001f600 emoji title"', provider='"\u65b0\u534e\u793e"', publishedDateTime="2024-01-01T00:00:00Z"))
    write("binary.md", b"\x00\x01\x02\x03")
    return corpus_dir


async def test_hostile_corpus_lists_valid_articles_and_shows_markup_literally(hostile_corpus: Path, opened: list[str]) -> None:
    app = ChiptuiApp([str(hostile_corpus)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        assert "3 of 3 articles" in status_text(app)
        assert len(screen.store.errors) == 2
        articles = screen.query_one("#articles", ArticleList)
        assert articles.current.title == HOSTILE_TITLE
        row = "".join(segment.text for segment in articles.render_line(0))
        assert "[bold red]Styled?[/]" in row
        # (the article pane fills after the frame with the list: waited for, not assumed)
        detail = screen.query_one("#detail")
        await wait_for(pilot, lambda: "[bold red]Styled?[/]" in _static_text(detail), "the article in its pane")
        await pilot.press("o", "1", "2")
        await pilot.pause()
        assert opened == []
        refusals = [str(n.message) for n in app._notifications if "Not opened" in str(n.message)]
        assert any("javascript:" in r for r in refusals) and any("file:" in r for r in refusals)
        assert len(refusals) == 3
        await pilot.press("ctrl+p", *"styled")
        await wait_for(pilot, lambda: _palette_hits(app) > 0, "palette hits")
        await pilot.press("escape")
        assert app.is_running  # no [@click=app.quit] ran, in the list, the detail pane or the palette


async def test_hostile_corpus_survives_a_tiny_terminal(hostile_corpus: Path) -> None:
    app = ChiptuiApp([str(hostile_corpus)])
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        await pilot.press("j", "enter", "tab", "question_mark", "escape")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_full_text_toggle_searches_bodies() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", "ctrl+t", *"debuted")
        await wait_for(pilot, lambda: shown_titles(screen) and len(shown_titles(screen)) == 1, "the full-text match")
        assert screen.query_one("#articles", ArticleList).current.id == TRAINIUM_ID
        assert "full text: debuted" in status_text(app)
        await pilot.press("ctrl+t")  # back to titles: no title has "debuted" but "debuts" is close
        await wait_for(pilot, lambda: "filter: debuted" in status_text(app), "the title filter")


async def test_a_cold_start_indexes_in_worker_processes_and_shows_everything(corpus_dir: Path) -> None:
    """More files than the in-process limit: the browser (which has threads) parses them in
    subprocesses, then lists them all."""
    from chiptui.corpus.index import PARALLEL_FROM

    count = PARALLEL_FROM + 44
    for n in range(count):
        (corpus_dir / f"{n:04d}.md").write_text(card_text(f'"Cold story {n}"', topics="[AI]"), encoding="utf-8")
    app = ChiptuiApp([str(corpus_dir)])
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: f"{count} of {count} articles" in status_text(app), "the cold index", attempts=3000)
        screen = main_of(app)
        assert screen.store is not None and screen.store.status is not None
        assert screen.store.status.parsed == count and screen.store.status.persistent


async def test_a_warm_start_shows_the_snapshot_then_picks_up_changed_files(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chiptui.corpus.store import CorpusStore
    from chiptui.screens import main as main_module

    monkeypatch.setattr(main_module, "QUIET_BEFORE_CHECK", 0.0)  # (the wait for a pause: the next test)

    story = corpus_dir / "story.md"
    story.write_text(card_text('"Before the edit"'), encoding="utf-8")
    (corpus_dir / "other.md").write_text(card_text('"Unchanged"'), encoding="utf-8")
    CorpusStore.load([str(corpus_dir)]).index.close()  # type: ignore[union-attr]  # a warm index
    story.write_text(card_text('"After the edit, longer"'), encoding="utf-8")
    (corpus_dir / "new.md").write_text(card_text('"Added since"'), encoding="utf-8")
    app = ChiptuiApp([str(corpus_dir)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(
            pilot,
            lambda: sorted(shown_titles(screen)) == ["Added since", "After the edit, longer", "Unchanged"],
            "the changed files",
        )
        assert "3 of 3 articles" in status_text(app)


async def test_the_start_up_check_waits_for_a_pause_in_typing(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query typed right after the first screen goes first: the file check starts once the
    filter has been left alone for QUIET_BEFORE_CHECK seconds (here: when the test says so)."""
    from chiptui.corpus.index import CorpusIndex
    from chiptui.corpus.store import CorpusStore
    from chiptui.screens import main as main_module

    (corpus_dir / "old.md").write_text(card_text('"Indexed before"'), encoding="utf-8")
    CorpusStore.load([str(corpus_dir)]).index.close()  # type: ignore[union-attr]  # a warm index
    (corpus_dir / "new.md").write_text(card_text('"Added since"'), encoding="utf-8")
    checks: list[bool] = []
    refresh = CorpusIndex.refresh

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        checks.append(True)
        return refresh(self, *args, **kwargs)

    monkeypatch.setattr(CorpusIndex, "refresh", counted)
    monkeypatch.setattr(main_module, "QUIET_BEFORE_CHECK", 3600.0, raising=False)
    app = ChiptuiApp([str(corpus_dir)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, screen.marks_ready.is_set, "the list and its marks")
        for key in ("slash", *"indexed"):
            await pilot.press(key)
        await wait_for(pilot, lambda: shown_titles(screen) == ["Indexed before"], "the typed query")
        for _ in range(20):  # the app idle meanwhile: no check yet
            await pilot.pause()
        assert checks == [] and "Added since" not in str(app.screen.query_one("#status", StatusLine).render())
        monkeypatch.setattr(main_module, "QUIET_BEFORE_CHECK", 0.0)  # the user has paused for long enough
        screen._pause_wakeup.set()  # (the waiting check looks again, as it does at the end of a pause)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "2 of 2 articles" in status_text(app), "the check after the pause")
    assert checks == [True]


async def test_what_waits_for_the_next_frame_waits_for_it_when_a_run_of_callbacks_is_queued(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a search, the article and the sidebar's counts wait for the frame with the list
    and its count. A frame queues a run of the callbacks waiting for it, and that run takes
    those added after the frame too: asked that way, the article came before the count's frame
    (a typed burst at 100,000: the count drawn 30-60 ms late, one burst in eight)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, screen.marks_ready.is_set, "the first screen")
        for _ in range(5):
            await pilot.pause()
        events: list[str] = []
        display = app._display

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            events.append("frame")
            return display(*args, **kwargs)

        monkeypatch.setattr(app, "_display", counted)
        screen.query_one("#status", StatusLine).refresh()  # a change due for a frame
        screen.call_next(screen._invoke_and_clear_callbacks)  # what the last frame left queued
        screen._after_next_frame(events.append, "article")
        await wait_for(pilot, lambda: "article" in events, "the article")
        assert events.index("frame") < events.index("article"), events


async def test_closing_during_a_cold_index_stops_its_parse_workers(corpus_dir: Path, parse_workers: list) -> None:
    """Quit while the browser indexes a corpus for the first time: its parse workers are
    killed and nothing waits for them (the process stayed 10-20 s after the app closed, at
    100,000 files; what was parsed is stored, and the next start goes on from there)."""
    import signal

    for n in range(4000):
        (corpus_dir / f"c{n:04d}.md").write_text(card_text(f'"Card number {n}"'), encoding="utf-8")
    app = ChiptuiApp([str(corpus_dir)])
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: "Indexing" in status_text(app), "the indexing progress")
    assert parse_workers
    for proc in parse_workers:
        proc.wait(timeout=60)
    assert [proc.returncode for proc in parse_workers] == [-signal.SIGKILL] * len(parse_workers)


async def test_keys_typed_right_after_slash_all_go_to_the_filter(opened: list[str]) -> None:
    """'/google' typed in one burst: the 'o' must not reach the list (where it opens a browser)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        for key in ("slash", *"google"):  # queued together, as a fast typist or a paste sends them
            app._driver.send_message(events_key(app, key))  # what Pilot.press does, without waiting between keys
        await wait_for(pilot, lambda: screen.query_one("#filter").value == "google", "the whole word in the box")
        assert opened == []
        await pilot.press("slash", "1")  # inside the box a slash is text
        assert screen.query_one("#filter").value == "google/1"


async def test_a_burst_of_keys_is_one_search_for_the_newest_text() -> None:
    """The box sends the screen only its newest text, straight to it: keys queued together
    (a fast typist, a paste, tmux) are one search, not one a key (each a worker thread, and
    each Input.Changed a walk through four containers' queues)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, lambda: screen.state is not None and screen.state.loaded, "the marks")
        await pilot.pause()
        before = screen.generation
        for key in ("slash", *"amazon"):
            app._driver.send_message(events_key(app, key))
        await wait_for(pilot, lambda: screen.query_one("#filter").value == "amazon", "the whole word in the box")
        await wait_for(pilot, lambda: screen.query_text == "amazon", "the screen to see it")
        await pilot.pause()
        assert screen.generation == before + 1
        assert "amazon" in status_text(app)


async def test_moving_focus_off_the_list_repaints_only_its_cursor_row() -> None:
    """Focus changes only the cursor row's style; Widget repaints a whole widget on focus and
    blur (every row of a long list, 10 ms at 160x50, on the "/" that starts a query)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        articles = screen.query_one("#articles", ArticleList)
        articles.focus()
        await wait_for(pilot, lambda: articles.has_focus, "the list to have focus")
        await pilot.pause()
        drawn: list[tuple[int, bool]] = []
        render_row = articles.render_row

        def counting(row: int, width: int, selected: bool):  # type: ignore[no-untyped-def]
            drawn.append((row, selected))
            return render_row(row, width, selected)

        articles.render_row = counting  # type: ignore[method-assign]
        await pilot.press("slash")
        await wait_for(pilot, lambda: not articles.has_focus and bool(drawn), "the list to lose focus and repaint")
        await pilot.pause()
        assert len(articles.result or ()) > 1
        assert drawn and {row for row, _ in drawn} == {articles.cursor}, drawn
        assert all(selected for _, selected in drawn)


async def test_the_lists_scrollbar_follows_its_rows_without_a_layout_for_each_search() -> None:
    """A new row count lays out the screen only when the list's scrollbar comes or goes (a
    layout is 20-30 ms at 160x50); otherwise the scrollbar's thumb is updated in place."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 8)) as pilot:  # a list of three rows: the seeds overflow it
        screen = await loaded(pilot)
        articles = screen.query_one("#articles", ArticleList)
        height = articles.container_size.height
        total = len(articles.result or ())
        assert total > height
        await wait_for(pilot, lambda: articles.show_vertical_scrollbar, "the scrollbar")
        box = screen.query_one("#filter")
        box.value = "trainium"  # fewer rows than the list's height: the scrollbar goes
        await wait_for(pilot, lambda: 0 < len(articles.result or ()) <= height, "a short result")
        await wait_for(pilot, lambda: not articles.show_vertical_scrollbar, "the scrollbar to go")
        box.value = ""
        await wait_for(pilot, lambda: len(articles.result or ()) == total, "all rows again")
        await wait_for(pilot, lambda: articles.show_vertical_scrollbar, "the scrollbar to come back")
        assert articles.virtual_size.height == total
        assert articles.vertical_scrollbar.window_virtual_size == total


async def test_a_search_repaints_the_list_and_its_count_not_the_whole_screen() -> None:
    """After each search the list, its header and the count get a frame before the article
    and the sidebar's counts (which wait for it); the whole screen used to be repainted for
    that, every pane drawn again (30 ms at 160x50 on every search)."""
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause()
        whole: list[tuple] = []
        refresh = screen.refresh

        def counting(*regions, **kwargs):  # type: ignore[no-untyped-def]
            if not regions and kwargs.get("repaint", True) and not kwargs.get("layout"):
                whole.append(regions)
            return refresh(*regions, **kwargs)

        screen.refresh = counting  # type: ignore[method-assign]
        await pilot.press("slash", *"trainium")
        await wait_for(pilot, lambda: "filter: trainium" in status_text(app), "the search's count")
        await wait_for(pilot, lambda: screen.query_one("#detail", DetailPane).article is not None, "the article")
        assert whole == []
        assert shown_titles(screen) and all("rainium" in t or "Trn1" in t or "Amazon" in t for t in shown_titles(screen))


async def test_a_search_still_shows_its_count_without_textuals_refresh_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen asks the changed widgets to tell it at once through Textual's private
    Widget._check_refresh; a Textual without it must not break the search (the screen is
    repainted whole instead, as before)."""
    from chiptui.screens import main

    monkeypatch.setattr(main, "_CHECK_REFRESH", None)
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.query_one("#filter").value = "trainium"
        await wait_for(pilot, lambda: "filter: trainium" in status_text(app), "the search's count")
        await wait_for(pilot, lambda: screen.query_one("#detail", DetailPane).article is not None, "the article")
        assert shown_titles(screen)


def events_key(app: ChiptuiApp, key: str):  # type: ignore[no-untyped-def]
    from textual import events

    event = events.Key(key, "/" if key == "slash" else key)
    event.set_sender(app)
    return event


async def test_problems_are_announced_on_a_warm_start_too(write, corpus_dir: Path) -> None:
    from chiptui.corpus.store import CorpusStore

    write("good.md", card_text('"Fine"'))
    write("bad.md", "---\ntitle: [\n---\n")
    CorpusStore.load([str(corpus_dir)]).index.close()  # type: ignore[union-attr]  # warm, unchanged
    app = ChiptuiApp([str(corpus_dir)])
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        await wait_for(
            pilot,
            lambda: any("1 error, no warnings" in str(n.message) for n in app._notifications),
            "the problems notice",
        )


async def test_the_file_watcher_starts_after_the_first_frame_and_the_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting up the watches reads every folder of the corpus (2.5 s at 1,000,000 files): the
    watcher process starts once the list and its marks are on screen."""
    from chiptui.corpus import watch_worker

    seen: list[tuple[bool, bool]] = []

    class NoWatcher:  # a watcher process that ends at once: the app falls back to polling
        stdout: list[str] = []

        def kill(self) -> None:
            pass

        def wait(self) -> int:
            return 0

    def fake_start(roots: list[str]) -> NoWatcher:
        screen = main_of(app)
        seen.append((screen.first_paint.is_set(), screen.marks_ready.is_set()))
        return NoWatcher()

    monkeypatch.setattr(watch_worker, "start", fake_start)
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: bool(seen), "the file watcher to start")
    assert seen == [(True, True)]


def test_the_watcher_process_reports_changes_and_ends_with_its_input(tmp_path: Path) -> None:
    """watchfiles holds the interpreter's lock while it sets up (2.5 s at a million files):
    it runs in a process of its own, which says "idle" each second, "changed" after a change,
    and ends when its standard input closes."""
    from chiptui.corpus import watch_worker

    process = watch_worker.start([str(tmp_path)])
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == watch_worker.IDLE  # set up, nothing yet
        (tmp_path / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
        lines = iter(process.stdout.readline, "")
        assert next(line for line in lines if line.strip() != watch_worker.IDLE).strip() == watch_worker.CHANGED
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()


async def test_what_arrives_after_the_app_closed_is_dropped() -> None:
    """A worker's article or marks, a deferred sidebar count or article, a search's result that
    arrives while the app closes found no panes and raised NoMatches (seen in runs of the UI
    tests: the article, and the marks in CI)."""
    from chiptui.screens.main import FacetCounts, Filtered, Loaded

    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, lambda: screen.state is not None, "the marks")  # (read in a worker)
        entry = screen.entry
        assert entry is not None
    screen._article_ready(entry, None, None)
    screen._show_listed()
    screen._show_facet_counts(FacetCounts(screen.generation, {}))
    assert screen.state is not None and screen.store is not None and screen.result is not None
    screen._state_ready(screen.state)  # the marks, read in a worker
    screen._loaded(Loaded(screen.store, screen.store.facets()))  # a reload, from a worker
    screen._filtered(Filtered(screen.generation, screen.result, None))  # a search's result


async def test_the_search_warm_up_runs_without_the_cycle_collector(write, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The background warm-up builds hundreds of thousands of objects at 100,000 articles, and
    each cycle collection they set off held the interpreter for tens of milliseconds, at moments
    that fell into a burst of typing (one burst in ten took twice as long). The collector is off
    while it runs, and on again after (the built structures are then frozen out of its sight)."""
    import gc
    import threading

    from chiptui.corpus.store import CorpusStore

    for i in range(400):
        write(f"c{i:03}.md", card_text(f'"Chip maker number {i} opens plant {i * 7} in town {i % 13}"'))
    collections: list[str] = []
    warming = threading.Event()
    warmed = threading.Event()
    real_warm = CorpusStore.warm_search

    def warm_search(store: CorpusStore) -> None:
        warming.set()
        real_warm(store)
        garbage = [[] for _ in range(5000)]  # as much allocation again as would start collections
        for item in garbage:
            item.append(item)
        warmed.set()

    def seen(phase: str, info: dict) -> None:  # (gc calls this with the collector's phase)
        if phase == "start" and warming.is_set() and not warmed.is_set():
            collections.append(threading.current_thread().name)

    monkeypatch.setattr(CorpusStore, "warm_search", warm_search)
    gc.callbacks.append(seen)
    try:
        app = ChiptuiApp([str(corpus_dir)])
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await wait_for(pilot, warmed.is_set, "the search warm-up")
            await wait_for(pilot, lambda: main_of(app)._warmed_before, "the warm-up to finish")
            assert gc.isenabled()
    finally:
        gc.callbacks.remove(seen)
    assert collections == []


async def test_new_cards_show_while_the_index_still_saves_them(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that finds new files shows them as soon as the index has joined them; saving
    the snapshot for the next start goes on meanwhile (a third of the wait until 100 new
    cards showed at 100,000 articles). Here the save is held until the new card is on screen."""
    import threading

    from chiptui.corpus import index as index_module
    from chiptui.corpus import watch_worker
    from chiptui.corpus.index import CorpusIndex
    from chiptui.corpus.store import CorpusStore

    def no_watcher(roots: list[str]) -> None:
        raise OSError("no watcher here")  # (the app polls, once a minute): only the check below runs

    monkeypatch.setattr(watch_worker, "start", no_watcher)
    CorpusStore.load([str(seeds_copy)]).index.close()  # an index: the app starts from its snapshot
    app = ChiptuiApp([str(seeds_copy)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "load"), "the start-up check")
        assert "4 of 4 articles" in status_text(app)
        saving, release = threading.Event(), threading.Event()
        real = index_module.save_snapshot

        def held(*args: object, **kwargs: object) -> None:
            saving.set()
            release.wait(timeout=30)  # (released below, once the card is on screen)
            real(*args, **kwargs)

        monkeypatch.setattr(index_module, "save_snapshot", held)
        (seeds_copy / "added.md").write_text(card_text('"A card added while reading"'), encoding="utf-8")
        screen.recheck(False)
        await wait_for(pilot, lambda: "5 of 5 articles" in status_text(app), "the added card")
        assert saving.is_set() and not release.is_set()  # on screen while its snapshot was being saved
        release.set()
        await wait_for(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "load"), "the save")
    index = CorpusIndex([str(seeds_copy)])
    try:
        saved = index.cached_snapshot()
        assert saved is not None and len(saved.columns.ids) == 5  # and saved for the next start
    finally:
        index.close()
