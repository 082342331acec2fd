"""The main screen: owns the browsing state and wires the store to the widgets.

Data flows one way: the store (built in a worker) -> a FilterResult computed in an
exclusive worker -> the widgets. Widgets post messages up; none reaches a sibling.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, active_worker, get_current_worker

from chiptui import browser
from chiptui.config import Settings
from chiptui.corpus.models import Article, Entry, Facets, Provider
from chiptui.corpus.query import Query, QueryError
from chiptui.corpus.query import parse as parse_query
from chiptui.corpus.sanitize import display_path
from chiptui.corpus.state import StateError, StateStore, Target
from chiptui.corpus.search import Stopped
from chiptui.corpus.store import SORTS, CorpusStore, FilterResult
from chiptui.widgets.article_list import ArticleList, column_header
from chiptui.widgets.detail import BODY_LOADING, DetailPane
from chiptui.widgets.facet_list import FacetList
from chiptui.widgets.filter_box import FilterInput
from chiptui.widgets.key_bar import KeyBar
from chiptui.widgets.status import StatusLine

if TYPE_CHECKING:
    from chiptui.corpus.index import CorpusIndex, Snapshot

USER_SORTS = tuple(s for s in SORTS if s != "relevance")
TITLE_PLACEHOLDER = "/ filter: fuzzy on title, provider, topics (Ctrl+T: full text)"
TEXT_PLACEHOLDER = "/ full text: words in excerpts and bodies (Ctrl+T: titles)"


class _Closed(Exception):
    """The app closed while a worker was still at work for it."""


# The start-up file check (a scan of every file, in a process of its own: about a second at
# 100,000 files) waits for a pause in the user's typing: run beside a query typed right after
# the first screen, it held that query's screen back (in tmux at 100,000, a final count drawn
# 60-70 ms late in one burst in eight). It runs once the filter has been left alone this
# long, and at the latest this long after the first screen.
QUIET_BEFORE_CHECK = 1.0
CHECK_AT_LATEST = 10.0
# A search waits this long (without the interpreter's lock) before it starts, so that keys
# typed in the same burst are all taken in first and only the last query runs.
BURST_SETTLE = 0.004

NARROW = 120  # below this many columns the detail pane goes under the list
TINY = 70  # below this the sidebar is hidden


@dataclass
class Loaded(Message):
    store: CorpusStore
    facets: Facets
    final: bool = True  # False: the index's last snapshot, shown while the files are checked


@dataclass
class IndexProgress(Message):
    done: int
    total: int
    rate: float


@dataclass
class LoadFailed(Message):
    error: str
    search: bool = False  # a search failed; the corpus itself is loaded


@dataclass
class Filtered(Message):
    generation: int
    result: FilterResult
    unread: int | None = None  # unread articles in the corpus (None: marks not loaded yet)


@dataclass
class FacetCounts(Message):
    generation: int
    counts: dict[tuple[str, str], int]


def _freeze_heap(reclaim: bool = False) -> None:
    """Move what is alive now (the corpus: a million objects at 100,000 articles) out of the
    cycle collector's sight. It never makes cycles worth collecting, and a full collection of
    it took a tenth of a second at unpredictable moments: often between a keystroke and its
    result (gc.freeze, as servers with large long-lived heaps do). A frozen object is still
    freed when nothing refers to it (a replaced store is: it holds no cycle); ``reclaim``,
    from a background thread after a reload, also collects whatever cycles were frozen
    before, at a moment chosen for it."""
    import gc

    if reclaim:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _letting_go(work: Callable[[], object]) -> Callable[[], object]:
    """A thread worker's work that forgets its worker when it ends. Textual runs thread workers
    on the loop's executor without copying the context, so a pool thread keeps its last worker,
    with the worker's arguments (a whole store), in ``active_worker`` until it runs another:
    after a reload, the old store (100 MB at 100,000 articles) could stay in memory."""

    def run() -> object:
        try:
            return work()
        finally:
            active_worker.set(None)  # type: ignore[arg-type] # the work is over: nothing reads it now

    return run


# Textual's private "tell the screen now that this widget changed" (see _filtered).
_CHECK_REFRESH = getattr(Widget, "_check_refresh", None)


class MainScreen(Screen[None]):
    # Screen repaints itself whole when the focus moves (every pane drawn again: 16-30 ms at
    # 160x50, on the "/" that starts a typed query); the two widgets whose focus changed
    # repaint themselves, and so do those whose style depends on it.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        # priority: the app runs it before it hands on the keys typed after it, so "/google"
        # typed in one burst lands whole in the box instead of "o" opening a browser
        Binding("slash", "focus_filter", "Filter", priority=True, id="main.filter"),
        Binding("o", "open", "Open in browser", id="main.open"),
        Binding("y", "copy_url", "Copy URL", id="main.copy"),
        Binding("s", "cycle_sort", "Sort", id="main.sort"),
        Binding("exclamation_mark", "problems", "Problems", id="main.problems"),
        Binding("ctrl+t", "toggle_text", "Full text", priority=True, id="main.full_text"),
        Binding("m", "toggle_read", "Read/unread", id="main.read"),
        Binding("f", "toggle_star", "Star", id="main.star"),
        Binding("n", "next_unread(1)", "Next unread", show=False, id="main.next_unread"),
        Binding("p", "next_unread(-1)", "Previous unread", show=False, id="main.previous_unread"),
        Binding("J,right_square_bracket", "step(1)", "Next article", show=False, id="main.next_article"),
        Binding("K,left_square_bracket", "step(-1)", "Previous article", show=False, id="main.previous_article"),
        Binding("z", "reader", "Reader", show=False, id="main.reader"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="main.mark_all"),
        Binding("u", "undo", "Undo marks", show=False, id="main.undo"),
        Binding("r", "recheck", "Re-check files", show=False, id="main.recheck"),
        Binding("ctrl+s", "save_search", "Save search", show=False, priority=True, id="main.save_search"),
        Binding("e", "export", "Export view", show=False, id="main.export"),
        Binding("tab", "cycle_focus(1)", "Next pane", show=False, priority=True, id="main.next_pane"),
        Binding("shift+tab", "cycle_focus(-1)", "Previous pane", show=False, priority=True, id="main.previous_pane"),
        *[
            Binding(str(n), f"open_related({n})", f"Open related link {n}", show=False, id=f"main.related_{n}")
            for n in range(1, 10)
        ],
    ]

    def run_worker(self, work, *args, thread: bool = False, **kwargs):  # type: ignore[no-untyped-def, override]
        """Every thread worker of this screen (the ``@work(thread=True)`` methods) lets go of
        itself when it ends (see ``_letting_go``)."""
        if thread and callable(work) and not inspect.iscoroutinefunction(getattr(work, "func", work)):
            work = _letting_go(work)
        return super().run_worker(work, *args, thread=thread, **kwargs)

    READ_AFTER = 2.0  # seconds an article is read in the detail pane or the reader before it counts as read

    def __init__(
        self,
        paths: list[str],
        max_bytes: int,
        preloaded: tuple[CorpusIndex, Snapshot | None] | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.paths = paths
        self.max_bytes = max_bytes
        self.preloaded = preloaded
        self.store: CorpusStore | None = None
        self.result: FilterResult | None = None
        self._shown_generation = 0  # the generation whose list is shown
        self.query_text = ""
        self.parsed: Query = Query(None, None, "")  # the last query that parsed (the list shows it)
        self.query_error: QueryError | None = None
        self.topics: tuple[str, ...] = ()
        self.providers: tuple[str, ...] = ()
        self.sort: str | None = None  # the user's choice (s); None: relevance with a query, else newest
        self.generation = 0
        self.full_text = False  # the filter box searches excerpts and bodies instead of titles
        self.entry: Entry | None = None
        self.article: Article | None = None  # the full card of ``entry``, once read
        self.pending_jump: str | None = None
        self.first_paint = threading.Event()  # set once a list is on screen
        self._watcher: subprocess.Popen[str] | None = None  # the file watcher's process
        self.marks_ready = threading.Event()  # set once the list shows the marks
        self._typed_at = 0.0  # when the filter was last typed into (time.monotonic)
        self._unmounted = False
        self._pause_wakeup = threading.Event()  # the check's wait for a pause looks again when set
        self._warmed: CorpusStore | None = None
        self.announced_problems: tuple = ()  # the problems the user was last told about
        self.browser_command: str | None = self.settings.browser  # None: $BROWSER or the default
        self.sort = self.settings.sort if self.settings.sort != "newest" else None
        self.state: StateStore | None = None  # read and starred marks, opened in a worker at start
        self.state_version = 0  # bumped on every change of marks
        self._marked: tuple[object, int, frozenset[int], frozenset[int]] | None = None  # (store, version, read, starred)
        self.library = "All"  # the sidebar's Library choice: All, Unread or Starred
        self.back_stack: list[str] = []  # article ids: where Backspace returns after related jumps
        self.last_change: tuple[str, list] | None = None  # (what, marks as they were) for u
        self.unread_total: int | None = None
        self._read_timer = None
        self._list_highlight: str | None = None  # the article under the list's cursor, last seen
        self._shown_highlight = ""
        self._damage_told = 0
        self._verified = False
        self._warmed_before = False
        self._search_cache: tuple[object, dict[tuple[str, str], int]] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("chiptui", style="bold"), id="header", markup=False)
        with Horizontal(id="body"):
            yield FacetList(id="sidebar")
            with Container(id="work"):
                with Vertical(id="center"):
                    yield FilterInput(placeholder=TITLE_PLACEHOLDER, id="filter")
                    yield Static("", id="list-header", markup=False)
                    yield ArticleList(id="articles")
                yield DetailPane(id="detail")
        yield StatusLine("Loading corpus\u2026", id="status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        from chiptui.corpus.history import QueryHistory

        self.query_one("#sidebar", FacetList).border_title = "Topics & providers"
        box = self.query_one("#filter", FilterInput)
        box.history = QueryHistory()
        box.completions = self._completions
        self.query_one("#sidebar", FacetList).set_searches(list(self.settings.searches))
        self.query_one("#articles", ArticleList).focus()
        self._adapt(self.app.size.width)
        if self.preloaded is not None and self.preloaded[1] is not None:
            # the snapshot is in hand: the first frame shows the list, with no worker round trip
            index, cached = self.preloaded
            store = CorpusStore.from_snapshot(cached, index, self.max_bytes)
            early = getattr(self.app, "early_state", None)
            if early is not None:  # the marks, read before the app started: rows show them at once
                self.state = early
                self.query_one("#articles", ArticleList).marks = self._marks_of
            self._loaded(Loaded(store, store.facets(), final=False), refilter=False)
            self.generation += 1
            self._filtered(Filtered(self.generation, store.filter(sort=self.effective_sort())))
        self.load()
        self.open_state()
        self.watch_corpus()

    def on_resize(self, event) -> None:  # type: ignore[no-untyped-def]
        self._adapt(event.size.width)
        self._update_list_header()

    def _update_list_header(self) -> None:
        articles = self.query_one("#articles", ArticleList)
        width = articles.scrollable_content_region.width or articles.size.width
        sort = self.result.sort if self.result is not None else self.effective_sort()
        self.query_one("#list-header", Static).update(
            Text(column_header(width, sort), style="bold", no_wrap=True), layout=False  # one line, fixed height
        )

    def _update_header(self, store: CorpusStore) -> None:
        from chiptui.paths import is_bundled, shown_path

        bundled = is_bundled(self.paths)
        where = "bundled sample" if bundled else ", ".join(display_path(shown_path(p)) for p in self.paths)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("chiptui", style="bold")
        text.append(" \u00b7 ")
        text.append(where, style="bold")
        text.append(" \u00b7 " + _count(len(store), "article"))
        scraped = store.scraped_pages()
        if scraped:
            text.append(f", {_count(scraped, 'scraped page')}")
        if bundled:
            text.append(" \u00b7 your own: chiptui PATH", style="dim")
        self.query_one("#header", Static).update(text)

    def _adapt(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self.set_class(width < TINY, "-tiny")

    # -- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Check the files against the index and show what changed.

        A cold start (no index yet) shows the indexing progress in the status line.
        """
        from chiptui.corpus.index import CorpusIndex

        worker = get_current_worker()
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if self._unmounted:
                # quit during a cold index: its workers are stopped, not waited for (what they
                # parsed is stored: the next start goes on from there)
                raise _Closed
            now = time.monotonic()
            if done == total or now - last[0] > 0.1:
                last[0] = now
                elapsed = max(now - started, 1e-6)
                self.post_message(IndexProgress(done, total, done / elapsed))

        try:
            # the app read the last snapshot before it started (on_mount showed it); without
            # one this is a cold start, and a broken index is reported by refresh()
            index, cached = self.preloaded or (CorpusIndex(self.paths, self.max_bytes), None)
            if cached is not None:
                # let the first screen paint, and the marks load, before checking the files
                # competes with them for the interpreter
                self.first_paint.wait(timeout=2.0)
                self.marks_ready.wait(timeout=3.0)
                self._wait_for_a_pause_in_typing()
                if worker.is_cancelled:
                    return
            snapshot, _ = self._refresh_and_show(index, worker, progress, cached.generation if cached else None)
        except _Closed:
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.post_message(LoadFailed(f"{type(exc).__name__}: {exc}"))
            return
        if worker.is_cancelled:
            return
        if snapshot is None:  # nothing changed since the snapshot on screen
            store = self.store or CorpusStore.from_snapshot(cached, index, self.max_bytes)  # type: ignore[arg-type]
            self.post_message(Loaded(store, Facets((), ()), final=True))

    def _refresh_and_show(
        self,
        index: CorpusIndex,
        worker: Worker,  # type: ignore[type-arg]
        progress: Callable[[int, int], None] | None = None,
        unchanged_from: int | None = None,
    ) -> tuple[Snapshot | None, CorpusStore | None]:
        """``index.refresh``, each snapshot it makes shown as soon as it is made, while the
        index saves it for the next start: the snapshot it returns (None: nothing changed), and
        the store shown for it (None when nothing was shown: nothing changed, or the worker
        was cancelled)."""
        shown: list[tuple[Snapshot, CorpusStore]] = []

        def ready(snapshot: Snapshot) -> None:
            if not worker.is_cancelled:
                shown.append((snapshot, self._show_snapshot(snapshot, index)))

        snapshot = index.refresh(progress, unchanged_from=unchanged_from, ready=ready)
        if snapshot is None or worker.is_cancelled:
            return snapshot, None
        if shown and shown[-1][0] is snapshot:
            return snapshot, shown[-1][1]
        return snapshot, self._show_snapshot(snapshot, index)

    def _show_snapshot(self, snapshot: Snapshot, index: CorpusIndex) -> CorpusStore:
        store = CorpusStore.from_snapshot(snapshot, index, self.max_bytes)
        self.post_message(Loaded(store, store.facets()))  # facets counted here, off the UI thread
        return store

    def _wait_for_a_pause_in_typing(self) -> None:
        """Until the filter has not been typed into for ``QUIET_BEFORE_CHECK`` seconds (counted
        from the first screen), and no longer than ``CHECK_AT_LATEST`` (see them)."""
        start = time.monotonic()
        self._typed_at = max(self._typed_at, start)
        while not self._unmounted:
            now = time.monotonic()
            left = min(self._typed_at + QUIET_BEFORE_CHECK, start + CHECK_AT_LATEST) - now
            if left <= 0:
                return
            self._pause_wakeup.wait(left)
            self._pause_wakeup.clear()

    def action_recheck(self) -> None:
        """r: check the corpus files now and show what changed, keeping the selection."""
        self.recheck(True)

    @work(thread=True, exclusive=True, group="load")
    def recheck(self, announce: bool = True) -> None:
        worker = get_current_worker()
        store = self.store
        if store is None or store.index is None:
            return
        try:
            snapshot, fresh = self._refresh_and_show(store.index, worker, unchanged_from=store.generation)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.post_message(LoadFailed(f"{type(exc).__name__}: {exc}"))
            return
        if worker.is_cancelled:
            return
        if snapshot is None:
            if announce:
                self.app.call_from_thread(self.notify, "No changes in the corpus files", timeout=3, markup=False)
            return
        if fresh is None:  # (not shown: the worker was cancelled meanwhile)
            return
        if announce or len(fresh) != len(store):
            self.app.call_from_thread(
                self.notify, f"Corpus re-checked: {_count(len(fresh), 'article')} ({len(fresh) - len(store):+,})",
                timeout=4, markup=False,
            )

    @work(thread=True, group="state")
    def open_state(self) -> None:
        """Open the marks file (about 0.1 s for 100,000 marks) after the first paint."""
        from chiptui.corpus.state import StateStore

        state = getattr(self.app, "early_state", None) or StateStore(lazy=True)
        self.first_paint.wait(timeout=2.0)  # the first frame asks for its rows' marks; then all of them
        state.load()  # every mark, for the counts and the Unread and Starred views
        self.app.call_from_thread(self._state_ready, state)

    def _state_ready(self, state: StateStore) -> None:
        if self._panes_gone():
            return
        self.state = state
        self.state_version += 1  # any count made before every mark was read is stale
        articles = self.query_one("#articles", ArticleList)
        articles.marks = self._marks_of
        if state.notice:
            self.notify(state.notice, severity="warning", timeout=20, markup=False)
        self.refilter()

    def _marks_of(self, entry: Entry) -> tuple[bool, bool]:
        """(unread, starred) of an entry, for the list's rows."""
        state, store = self.state, self.store
        if state is None or store is None:
            return False, False
        key = store.state_key(entry)
        return not state.is_read(key), state.is_starred(key)

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_corpus(self) -> None:
        """Pick up added, changed and removed files while the app runs (inotify and friends
        through watchfiles, in a process of its own: see ``watch_worker``; without it, a cheap
        poll every minute)."""
        from chiptui.corpus import watch_worker

        worker = get_current_worker()
        roots = [p for p in self.paths if os.path.exists(p)]
        # the list and its marks first: the watcher's setup reads every folder of the corpus
        self.first_paint.wait(timeout=10.0)
        self.marks_ready.wait(timeout=10.0)
        if worker.is_cancelled or not roots:
            return
        try:
            self._watcher = watcher = watch_worker.start(roots)
        except OSError:
            watcher = None
        if watcher is not None:
            try:
                for line in watcher.stdout or ():  # a line a second at least: a cancel is seen
                    if worker.is_cancelled or line.startswith(watch_worker.FAILED):
                        break
                    if line.startswith(watch_worker.CHANGED):
                        self.app.call_from_thread(self.recheck, False)
            finally:
                watcher.kill()
                watcher.wait()
        while not worker.is_cancelled:  # no watcher here (too many folders, no inotify): poll
            for _ in range(600):
                if worker.is_cancelled:
                    return
                time.sleep(0.1)
            self.app.call_from_thread(self.recheck, False)

    def on_unmount(self) -> None:
        self._unmounted = True
        self._pause_wakeup.set()
        # the workers waiting for the first screen or the marks (up to 20 s: the watcher's)
        # stop waiting: quit during a cold index, they held the process open after the app
        # had closed (19 s at 100,000). Each looks at whether it was cancelled next.
        self.first_paint.set()
        self.marks_ready.set()
        if self._watcher is not None:
            self._watcher.kill()  # its reader stops at once, not at the next line

    @work(thread=True, group="warm")
    def warm_search(self, store: CorpusStore) -> None:
        """Build the search structures while the user reads the first screen; then read the
        whole index once (damage that raises no error is found and repaired)."""
        self.marks_ready.wait(timeout=3.0)
        import gc

        # the structures it builds (hundreds of thousands of objects at 100,000 articles) set
        # off cycle collections that held the interpreter for tens of milliseconds, often in
        # the middle of a burst of typing: the collector waits, and then they are frozen
        collecting = gc.isenabled()
        gc.disable()
        try:
            store.warm_search()
        except Exception:  # noqa: BLE001 - a first search builds them again if this failed
            pass
        finally:
            _freeze_heap(reclaim=self._warmed_before)  # the first store: nothing frozen to reclaim yet
            if collecting:
                gc.enable()
        self._warmed_before = True
        if store.index is None or self._verified:
            return
        self._verified = True
        try:
            repaired = store.index.verify(records=False)
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is no reason to stop
            self.app.call_from_thread(
                self.notify, f"The index could not be checked ({type(exc).__name__}: {exc})", severity="warning", markup=False
            )
            return
        if repaired:  # rebuilt: show the rebuilt corpus (the notice comes with it)
            self.app.call_from_thread(self.recheck, False)

    @on(IndexProgress)
    def _index_progress(self, message: IndexProgress) -> None:
        if self.store is not None or message.total == 0:
            return
        self.query_one("#status", StatusLine).show_progress(message.done, message.total, message.rate)

    @on(Loaded)
    def _loaded(self, message: Loaded, refilter: bool = True) -> None:
        if self._panes_gone():
            return
        previous = self.store
        self.store = message.store
        _freeze_heap()
        if message.store is not previous:
            self._update_header(message.store)
            if not len(message.store):
                from chiptui.corpus.store import empty_corpus_message

                self.query_one("#articles", ArticleList).empty_text = empty_corpus_message(message.store)
            self.query_one("#sidebar", FacetList).set_facets(message.facets)
            if self.entry is not None:
                self.pending_jump = self.pending_jump or self.entry.id
            self.entry = None
            if refilter:
                self.refilter()
        if not message.final:
            return
        status = message.store.status
        if status is not None and status.notice:
            self.notify(status.notice, severity="warning", markup=False)
        errors = len(message.store.errors)
        if message.store.problems and message.store.problems != self.announced_problems:
            self.announced_problems = message.store.problems
            from chiptui.screens.problems import problems_summary

            self.notify(
                f"The corpus has {problems_summary(message.store.problems)}; press ! to see them",
                severity="warning" if errors else "information",
                markup=False,
            )

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        text = message.error[:1].upper() + message.error[1:] if message.search else f"Could not load the corpus: {message.error}"
        self.query_one("#status", StatusLine).show_message(text)
        self.notify(text, severity="error", markup=False)

    # -- filtering ----------------------------------------------------------------

    def refilter(self) -> None:
        if self.store is None:
            return
        self.generation += 1
        box = self.query_one("#filter", FilterInput)
        self.run_filter(
            self.generation, self.store, self.parsed, self.topics, self.providers, self.effective_sort(),
            self.library, self.state if self.state is not None and self.state.loaded else None, self.settings.searches,
            (box, box.value),
        )

    def _parse_box(self) -> bool:
        """Parse the box's text into ``self.parsed``; on an error keep the last good query,
        say what and where in the status line, and underline the faulty part."""
        box = self.query_one("#filter", FilterInput)
        try:
            parsed = parse_query(self.query_text, default_text=self.full_text)
        except QueryError as exc:
            self.query_error = exc
            box.show_error(exc.column - 1, exc.length)
            self._update_status()
            return False
        self.query_error = None
        box.show_error(None)
        self.parsed = parsed
        return True

    def marked_indices(self, store: CorpusStore, state: StateStore) -> tuple[frozenset[int], frozenset[int]]:
        """(read, starred) article indices of ``store``, cached until the marks change."""
        cached = self._marked
        version = self.state_version
        if cached is not None and cached[0] is store and cached[1] == version:
            return cached[2], cached[3]
        read = frozenset(store.marked(state.read))
        starred = frozenset(store.marked(state.starred))
        self._marked = (store, version, read, starred)
        return read, starred

    @work(thread=True, exclusive=True, group="filter")
    def run_filter(
        self,
        generation: int,
        store: CorpusStore,
        parsed: Query,
        topics: tuple[str, ...],
        providers: tuple[str, ...],
        sort: str | None,
        library: str = "All",
        state: StateStore | None = None,
        searches: dict[str, str] | None = None,
        typed: tuple[FilterInput, str] | None = None,
    ) -> None:
        worker = get_current_worker()

        def typed_over() -> bool:  # a burst of keys: only the newest query is worth running
            return worker.is_cancelled or generation != self.generation

        if typed_over():
            return
        # the rest of a burst first: a search holds the interpreter, and keys still queued
        # behind this one were taken in a few at a time while it ran (a prefix of one letter
        # is the slowest search of all: 30 ms at 100,000), each waiting for its turn. The box
        # has them before this screen hears of them: a box whose text moved on since TYPED
        # has a newer query on its way (see _query_changed).
        time.sleep(BURST_SETTLE)
        if typed_over() or (typed is not None and typed[0].value != typed[1]):
            return
        try:
            base = store.run_query(parsed, state, sort, stop=typed_over)
        except Stopped:
            return  # given up between two words: the newer query has the core to itself
        except Exception as exc:  # noqa: BLE001 - a failed search is a message, never a crash
            self.post_message(LoadFailed(f"the search failed ({type(exc).__name__}: {exc})", search=True))
            return
        if worker.is_cancelled or generation != self.generation:
            return
        read: frozenset[int] = frozenset()
        starred: frozenset[int] = frozenset()
        if state is not None:
            read, starred = self.marked_indices(store, state)
        refined = store.refine(base, topics, providers)
        result = refined
        if library != "All" and state is not None:
            keep = (lambda i: i not in read) if library == "Unread" else starred.__contains__
            result = _narrowed(refined, keep)
            base = _narrowed(base, keep)
        self.post_message(Filtered(generation, result, len(store) - len(read) if state is not None else None))
        # the sidebar counts come second: the list and its count are what the user waits for
        try:
            counts = store.facet_counts(base.indices, topics, providers, stop=typed_over)
        except Stopped:
            return  # a newer query is on its way: its counts will be the ones shown
        if state is not None:
            counts[("library", "All")] = len(refined)
            counts[("library", "Unread")] = sum(1 for i in refined.indices if i not in read)
            counts[("library", "Starred")] = sum(1 for i in refined.indices if i in starred)
        counts.update(self._search_counts(store, state, searches or {}, read))
        if not worker.is_cancelled and generation == self.generation:
            self.post_message(FacetCounts(generation, counts))

    def _search_counts(
        self, store: CorpusStore, state: StateStore | None, searches: dict[str, str], read: frozenset[int]
    ) -> dict[tuple[str, str], int]:
        """Each saved search's count, and its unread count under ("search-unread", name);
        cached until the corpus, the marks or the searches change."""
        key = (id(store), self.state_version, tuple(searches.items()))
        if self._search_cache is not None and self._search_cache[0] == key:
            return self._search_cache[1]
        counts: dict[tuple[str, str], int] = {}
        for name, text in searches.items():
            try:
                found = store.run_query(parse_query(text), state)
            except QueryError:
                continue
            counts[("search", name)] = len(found)
            counts[("search-unread", name)] = sum(1 for i in found.indices if i not in read)
        self._search_cache = (key, counts)
        return counts

    @on(Filtered)
    def _filtered(self, message: Filtered) -> None:
        if message.generation != self.generation or self.store is None or self._panes_gone():
            return  # a newer query is on its way: never show stale results (or the app is closing)
        self.result = message.result
        self._shown_generation = message.generation
        self.unread_total = message.unread
        index = self.store.index
        if index is not None and len(index.damage_notices) > self._damage_told:
            for notice in index.damage_notices[self._damage_told :]:
                self.notify(notice[:1].upper() + notice[1:], severity="warning", timeout=15, markup=False)
            self._damage_told = len(index.damage_notices)
        if message.unread is not None and not self.marks_ready.is_set():
            self.call_after_refresh(self.marks_ready.set)
        articles = self.query_one("#articles", ArticleList)
        keep = self.pending_jump or (articles.current.id if articles.current else None)
        articles.show(message.result, keep)
        if self.pending_jump and message.result.position_of(self.pending_jump) is not None:
            self.pending_jump = None
        self._update_status()
        self._update_list_header()
        # The list, its header and the count are due for a frame now, and what waits for "after
        # the refresh" (the article, the sidebar's counts) must wait for that frame. A widget
        # tells the screen it changed only once its own messages are done, when those would
        # have run already; they tell it now. (A repaint of the whole screen did the same at
        # the cost of drawing every pane again: 30 ms at 160x50, on every search.)
        if _CHECK_REFRESH is None:  # (a Textual without it: the whole screen, as before)
            self.refresh()
        else:
            for widget in (articles, self.query_one("#status", StatusLine), self.query_one("#list-header", Static)):
                _CHECK_REFRESH(widget)
        if not self.back_stack:  # after related jumps the pane shows the jumped-to article
            self._list_highlight = articles.current.id if articles.current else None
            self._after_next_frame(self._show_listed)  # after the list and its count (see _highlighted)
        if not self.first_paint.is_set():
            self.call_after_refresh(self.first_paint.set)
        if message.result.store is not self._warmed:
            self._warmed = message.result.store
            self.call_after_refresh(self.warm_search, message.result.store)

    @on(FacetCounts)
    def _facet_counts_ready(self, message: FacetCounts) -> None:
        # after the next frame, as the article is (see _highlighted): the list and its count first
        self._after_next_frame(self._show_facet_counts, message)

    def _show_facet_counts(self, message: FacetCounts) -> None:
        if message.generation != self.generation or self._panes_gone():
            return
        selected = {("topic", t) for t in self.topics} | {("provider", p) for p in self.providers}
        selected.add(("library", self.library))
        # the facets the query asks for show as chosen too (the sidebar and the query agree)
        sidebar = self.query_one("#sidebar", FacetList)
        for kind in ("topic", "provider"):
            known = {row.name.casefold(): row.name for row in sidebar.rows if row.kind == kind}
            for name in self.parsed.facets(kind):
                if name.casefold() in known:
                    selected.add((kind, known[name.casefold()]))
        selected |= {("search", name) for name, text in self.settings.searches.items() if text.strip() == self.query_text.strip()}
        self.query_one("#sidebar", FacetList).set_counts(message.counts, selected)

    def _update_status(self) -> None:
        if self.store is None or self.result is None:
            return
        if self.query_error is not None:  # the error stays in view until the query parses again
            exc = self.query_error
            self.query_one("#status", StatusLine).show_message(
                f"Query: {exc.message} (column {exc.column}); the list shows the last good query "
                f"({len(self.result):,} of {len(self.store):,})"
            )
            return
        shown_sort = self.result.sort
        self.query_one("#status", StatusLine).show_counts(
            len(self.result),
            len(self.store),
            query=self.query_text.strip(),
            topics=self.topics,
            providers=self.providers,
            sort=shown_sort,
            problems=len(self.store.problems),
            full_text=self.full_text,
            unread=self.unread_total,
            library=self.library,
        )

    @on(FilterInput.Edited, "#filter")
    def _query_changed(self, event: FilterInput.Edited) -> None:
        self._typed_at = time.monotonic()
        self.query_text = event.value
        if self._parse_box() or self._shown_generation != self.generation:
            # (a query that does not parse keeps the last good one's list: when that one's
            # search gave way to these keys before it showed anything, it runs again)
            self.refilter()

    @on(Input.Submitted, "#filter")
    def _query_submitted(self) -> None:
        self.set_focus(self.query_one("#articles", ArticleList))

    @on(FilterInput.Done)
    def _filter_done(self) -> None:
        self.set_focus(self.query_one("#articles", ArticleList))

    @on(FacetList.Toggled)
    def _facet_toggled(self, message: FacetList.Toggled) -> None:
        if message.kind == "search":
            query = self.settings.searches.get(message.name)
            if query is not None:
                box = self.query_one("#filter", FilterInput)
                if self.full_text:
                    self.action_toggle_text()
                box.value = query  # Input.Changed filters
                box.remember()
            return
        if message.kind == "library":
            if self.state is None:
                self.notify("The marks are still loading", markup=False)
                return
            self.library = message.name
            self.refilter()
            return
        current = list(self.topics if message.kind == "topic" else self.providers)
        if message.name in current:
            current.remove(message.name)
        else:
            current.append(message.name)
        if message.kind == "topic":
            self.topics = tuple(current)
        else:
            self.providers = tuple(current)
        self.refilter()

    @on(FacetList.Cleared)
    def _facets_cleared(self) -> None:
        self.topics, self.providers, self.library = (), (), "All"
        self.refilter()

    # -- the article in focus -------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        highlighted = message.article.id if message.article else None
        if highlighted == self._list_highlight and self.back_stack:
            return  # the list was redrawn, the cursor did not move: stay on the jumped-to article
        self._list_highlight = highlighted
        self.back_stack.clear()  # a new article from the list: related jumps start again
        # after the next frame: the list's cursor (and, after a search, its count) paints
        # first; laying out an article's text takes longer
        self._after_next_frame(self._show_listed)

    def _after_next_frame(self, callback, *args) -> None:  # type: ignore[no-untyped-def]
        """CALLBACK once the frame now due is on screen. ``call_after_refresh`` alone may run
        it before that frame: a frame queues a run of the waiting callbacks, and that run takes
        the ones added after the frame too (in a typed burst at 100,000 articles, one in eight:
        the article's layout, and its body read on a thread, held the frame with the final count
        back 30-60 ms). Asked again from there, it waits for the frame: the screen has changes
        to draw, so it runs its callbacks only once that frame is drawn."""
        self.call_after_refresh(self.call_after_refresh, callback, *args)

    @on(ArticleList.Chosen)
    def _chosen(self, message: ArticleList.Chosen) -> None:
        self._show_article(message.article)
        self.set_focus(self.query_one("#detail", DetailPane))
        self._schedule_read()

    def _show_listed(self) -> None:
        """The pane shows the article under the list's cursor (unless a related jump is shown)."""
        if not self.back_stack and not self._panes_gone():
            self._show_article(self.query_one("#articles", ArticleList).current)

    def _panes_gone(self) -> bool:
        """Whether the panes are gone (the app is closing): what a worker or a deferred call
        brings then is not shown."""
        return not self.query("#detail")

    def _show_article(self, entry: Entry | None) -> None:
        highlight = " ".join(self.parsed.text_words())
        if entry is not None and entry == self.entry and highlight == self._shown_highlight:
            return
        self._shown_highlight = highlight  # full-text words highlighted in the body shown
        self.entry = entry
        self.article = None
        detail = self.query_one("#detail", DetailPane)
        detail.scroll_home(animate=False)
        if entry is None:
            detail.show(None, None)
            return
        detail.show(preview(entry), BODY_LOADING)
        self.load_article(entry)
        self._schedule_read()

    @work(thread=True, exclusive=True, group="body")
    def load_article(self, entry: Entry) -> None:
        """Read the full card and its body from disk (never in the UI thread)."""
        store = self.store
        if store is None:
            return
        try:
            article = store.article(entry)
            body = store.body(entry) if entry.body else None
        except Exception:  # noqa: BLE001 - a vanished or unreadable file: show what the index has
            article, body = None, None
        self.app.call_from_thread(self._article_ready, entry, article, body)

    def _in_corpus(self, entry: Entry) -> frozenset[int]:
        """Positions of the entry's related links that are articles of this corpus."""
        if self.store is None or not entry.links:
            return frozenset()
        return frozenset(position for position, article_id in entry.links if self.store.get(article_id) is not None)

    def _highlight_pattern(self):  # type: ignore[no-untyped-def]
        """Full-text words (Ctrl+T) are highlighted in the body."""
        from chiptui.widgets.article_view import words_pattern

        words = self.parsed.text_words()
        return words_pattern(words) if words else None

    def _article_ready(self, entry: Entry, article: Article | None, body: list[str] | None) -> None:
        if entry != self.entry or self._panes_gone():
            return
        self.article = article
        detail = self.query_one("#detail", DetailPane)
        in_corpus = self._in_corpus(entry)
        pattern = self._highlight_pattern()
        if article is None:
            detail.show(preview(entry), None, missing=True)
        else:
            detail.show(article, body, in_corpus=in_corpus, pattern=pattern)
        reader = self._reader()
        if reader is not None:
            reader.view.show(article or preview(entry), body, missing=article is None, in_corpus=in_corpus, pattern=pattern)
            reader.view.scroll_home(animate=False)
            reader.set_status(self._position_text())

    # -- reading flow ----------------------------------------------------------------

    def _reader(self):  # type: ignore[no-untyped-def]
        from chiptui.screens.reader import ReaderScreen

        return next((s for s in self.app.screen_stack if isinstance(s, ReaderScreen)), None)

    def _position_text(self) -> str:
        if self.result is None or self.entry is None:
            return ""
        position = self.result.position_of(self.entry.id)
        where = f"{position + 1:,} of {len(self.result):,}" if position is not None else "related article"
        return f"{where}  \u00b7  J/K next/previous  \u00b7  / search  \u00b7  Esc back"

    def _schedule_read(self) -> None:
        """Count an article as read once it has been read for READ_AFTER seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if not self.settings.auto_mark_read or self.entry is None:
            return
        entry = self.entry
        self._read_timer = self.set_timer(self.READ_AFTER, lambda: self._read_long_enough(entry))

    def _reading(self) -> bool:
        return self._reader() is not None or self.focused is self.query_one("#detail", DetailPane)

    def _read_long_enough(self, entry: Entry) -> None:
        if entry == self.entry and self._reading():
            self._set_marks([entry], read=True, quiet=True)

    def on_descendant_focus(self, event) -> None:  # type: ignore[no-untyped-def]
        if isinstance(event.widget, DetailPane):
            self._schedule_read()

    def action_back_to_list(self) -> None:
        """Escape, h, Left (and q) in the detail pane: back to the list, at the same place."""
        self.back_stack.clear()
        articles = self.query_one("#articles", ArticleList)
        articles.focus()
        self._show_article(articles.current)

    def action_back(self) -> None:
        """Backspace: back through related jumps, then to the list."""
        if self.back_stack and self.store is not None:
            entry = self.store.get(self.back_stack.pop())
            if entry is not None:
                self._show_article(entry)
                return
        self.action_back_to_list()

    def action_step(self, step: int) -> None:
        """J/K: the next or previous article of the list, read where the user reads."""
        articles = self.query_one("#articles", ArticleList)
        if self.result is None or not len(self.result):
            return
        self.back_stack.clear()
        articles.move_to(articles.cursor + step, step)
        self._show_article(articles.current)
        if self._reader() is None and not isinstance(self.focused, ArticleList):
            self.set_focus(self.query_one("#detail", DetailPane))

    def action_reader(self) -> None:
        """z (or Enter on the article shown): the article alone, full screen."""
        from chiptui.screens.reader import ReaderScreen

        if self.entry is None:
            self.notify("No article selected", severity="warning", markup=False)
            return
        if self._reader() is not None:
            return
        reader = ReaderScreen(self)

        def closed(_: object = None) -> None:
            self.set_focus(self.query_one("#detail", DetailPane))

        self.app.push_screen(reader, closed)
        entry = self.entry
        self.entry = None  # show it again, into the reader too
        self.call_after_refresh(self._show_article, entry)

    # -- marks ----------------------------------------------------------------------------

    def _targets(self, entries: list[Entry]) -> list[Target]:
        assert self.store is not None
        return [Target(self.store.state_key(e), e.url, e.title) for e in entries]

    def _set_marks(self, entries: list[Entry], *, read: bool | None = None, starred: bool | None = None, quiet: bool = False) -> bool:
        """Change marks; each change is on disk before the screen shows it."""
        state = self.state
        if state is None or self.store is None:
            self.notify("The marks are still loading", markup=False)
            return False
        try:
            if read is not None:
                before = state.set_read(self._targets(entries), read)
                what = "read" if read else "unread"
            else:
                before = state.set_starred(self._targets(entries), bool(starred))
                what = "starred" if starred else "unstarred"
        except StateError as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return False
        self.last_change = (what, before)
        self.state_version += 1
        self.query_one("#articles", ArticleList).refresh()
        if not quiet:
            self.notify(f"Marked {_count(len(entries), 'article')} {what} (u undoes)", timeout=2, markup=False)
        self.refilter()  # counts, and the Unread/Starred views
        return True

    def action_toggle_read(self) -> None:
        if self.entry is None or self.state is None or self.store is None:
            self.notify("No article selected" if self.entry is None else "The marks are still loading", markup=False)
            return
        read = self.state.is_read(self.store.state_key(self.entry))
        if self._read_timer is not None:
            self._read_timer.stop()  # the user decided: the timer must not mark it read again
        self._set_marks([self.entry], read=not read)

    def action_toggle_star(self) -> None:
        if self.entry is None or self.state is None or self.store is None:
            self.notify("No article selected" if self.entry is None else "The marks are still loading", markup=False)
            return
        starred = self.state.is_starred(self.store.state_key(self.entry))
        self._set_marks([self.entry], starred=not starred)

    def action_next_unread(self, step: int) -> None:
        """n/p: the next or previous unread article of the list."""
        if self.result is None or self.state is None or self.store is None:
            return
        if not self.state.loaded:
            self.notify("The marks are still loading", markup=False)
            return
        articles = self.query_one("#articles", ArticleList)
        read = self.state.read
        keys = self.store.state_keys()
        indices = self.result.indices
        position = articles.cursor + step
        while 0 <= position < len(indices):
            if keys[indices[position]] not in read:
                articles.move_to(position, step)
                self._show_article(articles.current)
                return
            position += step
        self.notify("No more unread articles " + ("below" if step > 0 else "above"), timeout=2, markup=False)

    def action_mark_all_read(self) -> None:
        """A: every article of the view read, after a confirmation that says how many."""
        from chiptui.screens.confirm import ConfirmScreen

        if self.result is None or self.state is None:
            return
        entries = list(self.result)
        if not entries:
            self.notify("No articles in this view", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_marks(entries, read=True)

        self.app.push_screen(ConfirmScreen(f"Mark {_count(len(entries), 'article')} of this view read?"), answered)

    def action_undo(self) -> None:
        if self.last_change is None or self.state is None:
            self.notify("Nothing to undo", markup=False)
            return
        what, before = self.last_change
        try:
            self.state.restore(before)
        except StateError as exc:
            self.notify(f"Not undone: {exc}", severity="error", markup=False)
            return
        self.last_change = None
        self.state_version += 1
        self.query_one("#articles", ArticleList).refresh()
        self.notify(f"Undone: {_count(len(before), 'article')} no longer marked {what}", timeout=2, markup=False)
        self.refilter()

    # -- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_focus" and isinstance(self.focused, FilterInput) and self.focused.completion_context():
            return False  # Tab completes topic:, provider:, is:, sort: in the box
        if action == "focus_filter" and isinstance(self.focused, Input):
            # in a text box "/" is a character: the binding steps aside and the key goes to
            # the box in its turn, after the keys typed before it ("24/7" stays "24/7")
            return False
        return True

    def action_focus_filter(self) -> None:
        self._typed_at = time.monotonic()
        self.set_focus(self.query_one("#filter", FilterInput))  # at once, not on the next loop turn

    def _completions(self, field: str) -> list[tuple[str, int | None]]:
        from chiptui.corpus.query import HAS_VALUES, IS_VALUES
        from chiptui.corpus.query import SORTS as QUERY_SORTS

        if field in ("topic", "provider"):
            if self.store is None:
                return []
            facets = self.store.facets()
            return [(f.name, f.count) for f in (facets.topics if field == "topic" else facets.providers)]
        values = {"is": IS_VALUES, "has": HAS_VALUES, "sort": QUERY_SORTS}[field]
        return [(v, None) for v in values]

    def action_save_search(self) -> None:
        """Ctrl+S: save the query in the box under a name (config.toml's [searches])."""
        from chiptui.config import save_setting
        from chiptui.screens.prompt import PromptScreen

        text = self.query_text.strip()
        if not text:
            self.notify("Type a query in the box first, then Ctrl+S saves it", markup=False)
            return
        if self.query_error is not None:
            self.notify(f"Not saved: {self.query_error}", severity="error", markup=False)
            return
        if self.full_text and not text.startswith("text:"):
            text = " ".join(f"text:{w}" if ":" not in w and not w.startswith(("-", "(", ")", '"')) else w for w in text.split())

        def named(name: str | None) -> None:
            if not name:
                return
            if not re.fullmatch(r"[\w .-]+", name):
                self.notify("A name is letters, digits, spaces, '.', '-' or '_'", severity="error", markup=False)
                return
            failed = save_setting(name, text, table="searches", path=self.settings.path or None)
            if failed:
                self.notify(f"Not saved: {failed}", severity="error", markup=False)
                return
            self.settings.searches[name] = text
            self.query_one("#sidebar", FacetList).set_searches(list(self.settings.searches))
            self.notify(f"Saved search {name!r}: {text}", markup=False)
            self.refilter()

        self.app.push_screen(PromptScreen("Save this search as:", hint=text), named)

    def action_export(self) -> None:
        """e: export the current view (the filtered, sorted list) to a file."""
        from chiptui.corpus.export import FORMATS, format_for
        from chiptui.screens.prompt import PromptScreen

        if self.result is None or self.store is None:
            return
        entries = list(self.result)
        default = os.path.join(os.getcwd(), time.strftime("chiptui-%Y%m%d-%H%M%S.csv"))

        def chosen(path: str | None) -> None:
            if not path:
                return
            path = os.path.expanduser(path)
            fmt = format_for(path)
            if fmt is None:
                self.notify(f"Say the format by the file's ending: .{', .'.join(('jsonl', 'csv', 'md', 'html', 'txt'))} ({', '.join(FORMATS)})", severity="error", markup=False)
                return
            if os.path.exists(path):
                from chiptui.screens.confirm import ConfirmScreen

                self.app.push_screen(
                    ConfirmScreen(f"{path} exists. Replace it?"),
                    lambda yes: self._write_export(path, fmt, entries, replace=True) if yes else None,
                )
                return
            self._write_export(path, fmt, entries, replace=False)

        self.app.push_screen(
            PromptScreen(f"Export {_count(len(entries), 'article')} to:", value=default,
                         hint="the ending says the format: .csv .jsonl .md .html .txt (links)"),
            chosen,
        )

    def _write_export(self, path: str, fmt: str, entries: list[Entry], replace: bool) -> None:
        from chiptui.corpus.export import write

        assert self.store is not None
        try:
            with open(path, "w" if replace else "x", encoding="utf-8", newline="") as handle:
                count = write(fmt, self.store, entries, self.state, handle)
        except OSError as exc:
            self.notify(f"Not written: {path}: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Wrote {_count(count, 'article')} to {path} ({fmt})", markup=False)

    def action_clear_filter(self) -> None:
        """Escape in the list: clear the filter box, as Escape in the box does."""
        box = self.query_one("#filter", FilterInput)
        if box.value:
            box.value = ""  # Input.Changed refilters
        elif self.full_text:
            self.action_toggle_text()

    def action_cycle_focus(self, step: int) -> None:
        order = [w for w in (self.query_one("#sidebar"), self.query_one("#articles"), self.query_one("#detail")) if w.display]
        focused = self.focused
        if focused in order:
            index = (order.index(focused) + step) % len(order)
        else:
            index = 1 % len(order) if step > 0 else 0
        self.set_focus(order[index])

    def effective_sort(self) -> str:
        """The order the list is in: the query's sort:, else the user's choice (s), else
        relevance for a query with fuzzy words and newest otherwise."""
        has_words = bool(self.parsed.fuzzy_words())
        sort = self.parsed.sort or self.sort or ("relevance" if has_words else "newest")
        return "newest" if sort == "relevance" and not has_words else sort

    def action_cycle_sort(self) -> None:
        has_words = bool(self.parsed.fuzzy_words())
        cycle = ("relevance", *USER_SORTS) if has_words else USER_SORTS
        current = self.effective_sort()
        self.sort = cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else cycle[0]
        if self.parsed.sort:
            self.notify(f"The query says sort:{self.parsed.sort}; remove it from the box to sort with s", markup=False)
            return
        self.notify(f"Sorted by {self.effective_sort()}", timeout=2, markup=False)
        self.refilter()

    def action_open(self) -> None:
        if self.entry is None:
            self.notify("No article selected", severity="warning", markup=False)
            return
        article = self.article
        candidates = article.urls.candidates() if article is not None else ()
        if self._open(self.entry.url or next(iter(candidates), None)) and self.settings.auto_mark_read:
            self._set_marks([self.entry], read=True, quiet=True)

    def action_open_related(self, number: int) -> None:
        """1-9: a related article of this corpus opens here (Backspace comes back); any other
        link opens in the web browser."""
        article, entry = self.article, self.entry
        if article is None or entry is None or number > len(article.related):
            self.notify(f"No related link {number}", severity="warning", markup=False)
            return
        related = article.related[number - 1]
        target = self.store.get(related.article_id) if self.store is not None and related.article_id else None
        if target is not None and number - 1 in self._in_corpus(entry):
            self.back_stack.append(entry.id)
            self._show_article(target)
            if self._reader() is None:
                self.set_focus(self.query_one("#detail", DetailPane))
            return
        self._open(related.url or related.raw_url)

    def _open(self, url: str | None) -> bool:
        """Open ``url`` if it is safe; whether a browser was asked to."""
        safe, refusal = browser.check(url)
        if safe is None:
            self.notify(refusal or "Not opened", severity="error", markup=False)
            return False
        how = browser.plan(safe, self.browser_command)
        if how.error:
            self.notify(how.error, severity="error", markup=False)
            return False
        if how.terminal:
            self._open_in_terminal(safe, how)
        else:
            self.open_in_browser(safe, how)
        return True

    def _open_in_terminal(self, url: str, how: browser.Plan) -> None:
        """A text browser gets the terminal: suspend the app, run it, come back."""
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                outcome = browser.run_in_terminal(url, how)
        except SuspendNotSupported:
            outcome = browser.OpenResult(
                False, f"Cannot hand the terminal to {how.argv[0] if how.argv else 'a text browser'} here; set $BROWSER to a graphical browser"
            )
        self.notify(outcome.message, severity="information" if outcome.ok else "error", markup=False)

    @work(thread=True, group="browser")
    def open_in_browser(self, url: str, how: browser.Plan | None = None) -> None:
        outcome = browser.launch(url, how)
        self.app.call_from_thread(
            self.notify, outcome.message, severity="information" if outcome.ok else "error", markup=False
        )

    def action_copy_url(self) -> None:
        if self.entry is None:
            self.notify("No article selected", severity="warning", markup=False)
            return
        url = self.entry.url
        if not url:
            self.notify("This article has no http/https link to copy", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", markup=False)

    def action_problems(self) -> None:
        from chiptui.screens.problems import ProblemsScreen

        store = self.store
        if store is None:
            self.notify("Still loading", markup=False)
            return
        if not store.problems:
            self.notify("No problems: every file loaded cleanly", markup=False)
            return

        def jump(path: str | None) -> None:
            entry = store.by_path(path) if path else None
            if entry is not None:
                self.jump_to(entry.id)

        self.app.push_screen(ProblemsScreen(store.problems, store.article_paths()), jump)

    def action_toggle_text(self) -> None:
        """Switch the filter box between titles (fuzzy) and full text (excerpts and bodies)."""
        self.full_text = not self.full_text
        box = self.query_one("#filter", FilterInput)
        box.placeholder = TEXT_PLACEHOLDER if self.full_text else TITLE_PLACEHOLDER
        box.border_title = "full text" if self.full_text else None
        if self.store is not None and self.store.index is not None and self.full_text and not self.store.index.fts:
            self.notify("This SQLite has no FTS5: full text is matched word by word, more slowly", markup=False)
        if self._parse_box():
            self.refilter()

    def jump_to(self, article_id: str) -> None:
        """Show ``article_id``: clear filters that hide it, put the cursor on it."""
        if self.store is None:
            return
        articles = self.query_one("#articles", ArticleList)
        articles.focus()
        position = self.result.position_of(article_id) if self.result is not None else None
        if position is not None:
            articles.move_to(position)
            return
        self.pending_jump = article_id  # _filtered puts the cursor there
        self.query_one("#filter", FilterInput).value = ""
        self.query_text, self.topics, self.providers = "", (), ()
        self.parsed = Query(None, None, "")
        self.refilter()


def preview(entry: Entry) -> Article:
    """What the index knows of an article, shown until its file has been read."""
    return Article(
        id=entry.id,
        title=entry.title,
        source=entry.path,
        published=entry.published,
        provider=Provider(entry.provider) if entry.provider else None,
        topics=entry.topics,
        url=entry.url,
        quality=entry.quality,
        heat=entry.heat,
    )




def _narrowed(result: FilterResult, keep) -> FilterResult:  # type: ignore[no-untyped-def]
    """``result`` with only the indices ``keep`` accepts, in the same order."""
    from dataclasses import replace

    indices = [i for i in result.indices if keep(i)]
    scores = {i: v for i, v in result.scores.items() if keep(i)} if result.scores else result.scores
    return replace(result, indices=indices, scores=scores)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
