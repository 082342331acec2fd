"""The reading flow and the marks in the browser (issue 9): every key, waiting on state."""

from __future__ import annotations

from pathlib import Path

import pytest

from chiptui.app import ChiptuiApp
from chiptui.config import Settings
from chiptui.corpus.state import StateStore
from chiptui.screens.confirm import ConfirmScreen
from chiptui.screens.main import MainScreen
from chiptui.screens.reader import ReaderScreen
from chiptui.widgets.article_list import ArticleList
from chiptui.widgets.detail import DetailPane
from chiptui.widgets.facet_list import FacetList

from .conftest import SEEDS
from .test_app import loaded, opened, status_text, wait_for  # noqa: F401 - opened is a fixture

TITLES = ["Alpha chips arrive", "Beta chips ship", "Gamma chips sell", "Delta chips fail"]


def card(n: int, related: list[int] = ()) -> str:  # type: ignore[assignment]
    lines = [
        "---",
        f'title: "{TITLES[n]}"',
        f"publishedDateTime: 2021-01-0{9 - n}T00:00:00Z",
        f'webUrl: "https://news.example.com/{n}"',
        "provider:",
        "  name: Example News",
        "topics:",
        "  - Chips",
    ]
    if related:
        lines.append("related:")
        for r in related:
            lines += [f'  - title: "{TITLES[r]}"', f'    webUrl: "https://news.example.com/{r}"', "    provider:", "      name: Example News"]
    lines += ["---", ""]
    body = "\n\n".join(
        f"Paragraph {p} of {TITLES[n]}: the chips are discussed at length here, with enough words to make a "
        f"paragraph that a reader would read, and the word needle{p} in it." for p in range(40)
    )
    return "\n".join(lines) + body + "\n"


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """Four cards, newest first: 0 links to 1 and to an outside page; 1 links to 2."""
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "a0.md").write_text(card(0, [1]).replace("related:", 'related:\n  - title: "Elsewhere"\n    webUrl: "https://elsewhere.example.org/x"', 1), encoding="utf-8")
    (folder / "a1.md").write_text(card(1, [2]), encoding="utf-8")
    (folder / "a2.md").write_text(card(2), encoding="utf-8")
    (folder / "a3.md").write_text(card(3), encoding="utf-8")
    return folder


def app_for(path: Path, **settings: object) -> ChiptuiApp:
    app = ChiptuiApp([str(path)], settings=Settings(**settings))  # type: ignore[arg-type]
    return app


async def ready(pilot) -> MainScreen:  # type: ignore[no-untyped-def]
    screen = await loaded(pilot)
    await wait_for(pilot, lambda: screen.state is not None and screen.unread_total is not None, "the marks")
    return screen


def current_title(screen: MainScreen) -> str | None:
    return screen.entry.title if screen.entry else None


def list_title(screen: MainScreen) -> str | None:
    current = screen.query_one("#articles", ArticleList).current
    return current.title if current else None


async def test_escape_h_left_and_q_go_back_to_the_list_keeping_its_place(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        for key in ("escape", "h", "left", "q"):
            await pilot.press("j", "enter")
            assert isinstance(app.focused, DetailPane)
            await pilot.press(key)
            assert isinstance(app.focused, ArticleList), key
            assert list_title(screen) == TITLES[1] and app.screen is screen
            await pilot.press("k")
        # q in the list quits
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code is not None or not app.is_running, "the app to quit")


async def test_j_k_brackets_step_through_the_list_while_reading(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        for key, expected in (("J", 1), ("right_square_bracket", 2), ("K", 1), ("left_square_bracket", 0)):
            await pilot.press(key)
            assert current_title(screen) == TITLES[expected], key
            assert list_title(screen) == TITLES[expected]
            assert isinstance(app.focused, DetailPane)


async def test_related_in_corpus_opens_here_and_backspace_walks_back(linked: Path, opened: list[str]) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        detail = screen.query_one("#detail", DetailPane)
        await wait_for(pilot, lambda: "opens here" in detail.text(), "the related links")
        assert detail.text().count("opens here") == 1  # the outside link is not offered as in-corpus
        await pilot.press("2")  # Beta, in the corpus: here
        await wait_for(pilot, lambda: current_title(screen) == TITLES[1], "the jump to Beta")
        await wait_for(pilot, lambda: screen.article is not None and screen.article.title == TITLES[1], "Beta's card")
        await pilot.press("1")  # Gamma, one more jump
        await wait_for(pilot, lambda: current_title(screen) == TITLES[2], "the jump to Gamma")
        await wait_for(pilot, lambda: screen.article is not None and screen.article.title == TITLES[2], "Gamma's card")
        await pilot.press("o")  # its own page opens in the browser as usual
        await wait_for(pilot, lambda: opened == ["https://news.example.com/2"], "Gamma's page")
        assert list_title(screen) == TITLES[0]  # the list stays where it was
        await pilot.press("backspace")
        assert current_title(screen) == TITLES[1]
        await pilot.press("backspace")
        assert current_title(screen) == TITLES[0]
        await pilot.press("backspace")
        assert isinstance(app.focused, ArticleList)
        # a link outside the corpus opens in the browser
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.article is not None and screen.article.title == TITLES[0], "Alpha's card")
        await pilot.press("1")
        await wait_for(pilot, lambda: "https://elsewhere.example.org/x" in opened, "the outside link")


async def test_reader_pages_searches_and_steps(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.article is not None, "the card")
        await pilot.press("enter")  # Enter on the article shown: the reader
        assert isinstance(app.screen, ReaderScreen)
        reader = app.screen
        view = reader.view
        await wait_for(pilot, lambda: len(view.paragraphs) == 40 and view.max_scroll_y > 0, "the body in the reader")
        assert view.size.width <= 84
        await pilot.press("space")
        await wait_for(pilot, lambda: view.scroll_y > 0, "a page down")
        down = view.scroll_y
        await pilot.press("b")
        await wait_for(pilot, lambda: view.scroll_y < down, "a page up")
        await pilot.press("G")
        await wait_for(pilot, lambda: view.scroll_y == view.max_scroll_y, "the end")
        await pilot.press("g")
        await wait_for(pilot, lambda: view.scroll_y == 0, "the top")
        await pilot.press("slash", *"needle3")  # needle3 and needle30..39: 11 hits
        await wait_for(pilot, lambda: len(view.hits) == 11, "the hits")
        await pilot.press("enter", "n")
        assert view.current_hit == 1
        await pilot.press("N", "N")
        assert view.current_hit == 10
        await wait_for(pilot, lambda: view.scroll_y > 0, "the scroll to the hit")
        await pilot.press("escape")  # ends the search; n is no longer a hit key
        assert not reader.searching and view.hits == []
        await pilot.press("J")
        await wait_for(pilot, lambda: current_title(screen) == TITLES[1] and view.article is not None and view.article.title == TITLES[1], "the next article in the reader")
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("z")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("q")
        assert app.screen is screen


async def test_full_text_hits_are_highlighted_and_scrolled_to(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+t", "slash", *"needle39")
        await wait_for(pilot, lambda: "1 of 4 articles" not in status_text(app) and screen.result is not None and len(screen.result) == 4 and screen.result.text == "needle39", "the full-text filter")
        await pilot.press("enter", "enter")
        detail = screen.query_one("#detail", DetailPane)
        await wait_for(pilot, lambda: len(detail.hits) == 1 and detail.scroll_y > 0, "the hit highlighted and scrolled to")


async def test_reading_for_a_while_marks_read_and_m_f_u_toggle(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.READ_AFTER = 0.05
        assert "4 unread" in status_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "3 unread" in status_text(app), "the article to count as read")
        key = screen.store.state_key(screen.entry)
        assert StateStore().is_read(key)  # on disk, not only on screen
        await pilot.press("m")
        await wait_for(pilot, lambda: "4 unread" in status_text(app), "m: unread again")
        assert not StateStore().is_read(key)
        await pilot.press("f")
        assert StateStore().is_starred(key)
        await pilot.press("u")
        assert not StateStore().is_starred(key)
        articles = screen.query_one("#articles", ArticleList)
        assert articles.marks is not None and articles.marks(screen.entry) == (True, False)


async def test_auto_mark_read_can_be_turned_off(linked: Path, opened: list[str]) -> None:
    app = app_for(linked, auto_mark_read=False)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.READ_AFTER = 0.01
        await pilot.press("enter", "o")
        await wait_for(pilot, lambda: len(opened) == 1, "the browser")
        for _ in range(20):
            await pilot.pause()
        assert "4 unread" in status_text(app) and not StateStore().read


async def test_opening_in_the_browser_marks_read(linked: Path, opened: list[str]) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: "3 unread" in status_text(app), "o to mark it read")


async def test_n_p_next_unread_and_mark_all_with_confirmation_and_undo(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "m", "k")  # Beta read
        await wait_for(pilot, lambda: "3 unread" in status_text(app), "Beta read")
        await pilot.press("n")
        assert list_title(screen) == TITLES[2]  # Beta skipped
        await pilot.press("p")
        assert list_title(screen) == TITLES[0]
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmScreen) and "4 articles" in app.screen.question
        await pilot.press("n")
        assert app.screen is screen and "3 unread" in status_text(app)
        await pilot.press("A", "y")
        await wait_for(pilot, lambda: "0 unread" in status_text(app), "all read")
        assert len(StateStore().read) == 4
        await pilot.press("u")
        await wait_for(pilot, lambda: "3 unread" in status_text(app), "undo back to one read")
        assert len(StateStore().read) == 1


async def test_library_section_filters_and_counts_follow_the_filter(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", "j", "m")
        sidebar = screen.query_one("#sidebar", FacetList)
        await wait_for(pilot, lambda: sidebar.counts.get(("library", "Starred")) == 1 and sidebar.counts.get(("library", "Unread")) == 3, "the library counts")
        assert sidebar.counts[("library", "All")] == 4
        sidebar.move_to(next(i for i, r in enumerate(sidebar.rows) if r.name == "Starred"))
        sidebar.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.result is not None and len(screen.result) == 1, "the starred view")
        assert list_title(screen) == TITLES[0]
        sidebar.move_to(next(i for i, r in enumerate(sidebar.rows) if r.name == "Unread"))
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.result is not None and len(screen.result) == 3, "the unread view")
        await pilot.press("slash", *"gamma")
        await wait_for(pilot, lambda: sidebar.counts.get(("library", "All")) == 1, "counts that follow the filter")
        assert "showing: unread" in status_text(app)


async def test_r_rechecks_keeping_the_selection_and_changes_appear_by_themselves(linked: Path) -> None:
    app = app_for(linked)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j")
        assert list_title(screen) == TITLES[2]
        (linked / "new.md").write_text(
            '---\ntitle: "Epsilon newest of all"\npublishedDateTime: 2022-01-01T00:00:00Z\n---\n', encoding="utf-8"
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.store is not None and len(screen.store) == 5, "the new file", attempts=2000)
        await wait_for(pilot, lambda: list_title(screen) == TITLES[2], "the selection kept")
        # and without r: the watcher (or the poll) picks up a change by itself
        (linked / "newer.md").write_text('---\ntitle: "Zeta"\npublishedDateTime: 2022-02-01T00:00:00Z\n---\n', encoding="utf-8")
        await wait_for(pilot, lambda: screen.store is not None and len(screen.store) == 6, "the watcher", attempts=20000)


async def test_seeds_show_unread_marks_in_the_list_and_status() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert "4 of 4 articles \u00b7 4 unread" in status_text(app)


async def test_a_search_typed_in_one_burst_in_the_reader_lands_in_the_box(linked: Path) -> None:
    """Bug: '/needle3' typed fast sent 'n', 'e', ... to the article ('m' would mark it)."""
    app = app_for(linked)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter", "z")
        reader = app.screen
        await wait_for(pilot, lambda: len(reader.view.paragraphs) == 40, "the body in the reader")
        key = screen.store.state_key(screen.entry)
        read_before = StateStore().is_read(key)
        from .test_app import events_key

        for key in ("slash", *"needle3m"):  # queued together, as a fast typist or a paste sends them
            app._driver.send_message(events_key(app, key))
        box = reader.query_one("#reader-search")
        await wait_for(pilot, lambda: box.value == "needle3m", "the whole search in the box")
        assert StateStore().is_read(key) == read_before


def test_a_store_is_freed_by_reference_counting_alone() -> None:
    """No reference cycle through the store (its caches held bound methods of it)."""
    import gc
    import weakref

    from chiptui.corpus.query import parse
    from chiptui.corpus.store import CorpusStore

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        store = CorpusStore.load([str(SEEDS)])
        store.run_query(parse("chip"))
        store.warm_search()
        store.body(store.entries[0])
        store.article(store.entries[0])
        ref = weakref.ref(store)
        del store
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_reload_reclaims_cycles_the_frozen_heap_kept() -> None:
    """The browser freezes its heap after a load; on the next load it collects what was frozen
    and has become garbage since, so a long session of reloads does not pile it up."""
    import gc
    import weakref

    from chiptui.screens.main import _freeze_heap

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    ref = weakref.ref(a)
    try:
        _freeze_heap()
        del a, b
        gc.collect()
        assert ref() is not None  # frozen: the collector does not see it
        _freeze_heap(reclaim=True)
        assert ref() is None
    finally:
        gc.unfreeze()


async def test_a_store_replaced_by_a_reload_is_freed(seeds_copy: Path) -> None:
    """Textual runs thread workers on the loop's executor without copying the context, so a pool
    thread kept its last worker, and with it that worker's arguments (a whole store, 100 MB at
    100,000 articles), until it ran another: a reload could leave the old store in memory. Every
    thread worker now lets go of itself when it ends (checked in each pool thread as it ends,
    which fails whichever thread a worker lands on), and the replaced store is freed."""
    import asyncio
    import gc
    import weakref
    from concurrent.futures import ThreadPoolExecutor

    from textual.worker import active_worker

    left: list[object] = []  # what each pool thread still holds as its worker once a task ends

    class Recording(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            def run():  # type: ignore[no-untyped-def]
                try:
                    return fn(*args, **kwargs)
                finally:
                    left.append(active_worker.get(None))

            return super().submit(run)

    executor = Recording(4)
    asyncio.get_running_loop().set_default_executor(executor)
    app = app_for(seeds_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"chip", "enter")  # a search ran in a worker given the store
        await wait_for(pilot, lambda: screen.query_text == "chip" and screen.result is not None, "the search")
        old = weakref.ref(screen.store)
        (seeds_copy / "added.md").write_text('---\ntitle: "Added while open"\n---\n', encoding="utf-8")
        screen.recheck(False)
        await wait_for(pilot, lambda: screen.store is not old() and screen.result.store is screen.store, "the reload")
        await pilot.press("escape")  # and another search, on the new store
        await wait_for(pilot, lambda: screen.query_text == "" and screen.result.store is screen.store, "a search")
        await wait_for(
            pilot, lambda: all(w.is_finished for w in app.workers if w.group in ("filter", "load", "warm")), "the workers"
        )
        assert len(left) >= 4 and all(worker is None for worker in left), left
        gc.collect()
        assert old() is None, "the replaced store is still referenced"
    executor.shutdown(wait=False)
