"""The full-screen reader: one article alone, at a comfortable measure (about 80 columns,
centred). Space and b page, g and G go to the ends, / searches the article, and until
Escape n and N move between the hits. J and K (] and [) read the next or previous
article of the list; m, f and o work as in the browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from chiptui.widgets.article_view import ArticleView, phrase_pattern
from chiptui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from chiptui.screens.main import MainScreen


class ReaderView(ArticleView):
    DEFAULT_CSS = """
    ReaderView { width: 84; max-width: 100%; height: 1fr; padding: 1 2; }
    """
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("space,pagedown", "page_down", "Page down", id="reader.page_down"),
        Binding("b,pageup", "page_up", "Page up", id="reader.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]


class ReaderSearch(Input):
    BINDINGS = [Binding("escape", "screen.end_search", "End search", id="reader.search_escape")]


class ReaderScreen(Screen[None]):
    BINDINGS = [
        # priority, and the box focused at once: "/sagemaker" typed in one burst lands in the box
        # (keys typed after "/" are queued for the old focus otherwise: "m" would mark the article)
        Binding("slash", "search", "Search", priority=True, id="reader.search"),
        Binding("n", "next_hit(1)", "Next hit", id="reader.next_hit"),
        Binding("N", "next_hit(-1)", "Previous hit", id="reader.previous_hit"),
        Binding("J,right_square_bracket", "step(1)", "Next article", id="reader.next_article"),
        Binding("K,left_square_bracket", "step(-1)", "Previous article", id="reader.previous_article"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="reader.read"),
        Binding("f", "toggle_star", "Star", show=False, id="reader.star"),
        Binding("o", "open", "Open in browser", id="reader.open"),
        *[Binding(str(n), f"open_related({n})", f"Related {n}", show=False, id=f"reader.related_{n}") for n in range(1, 10)],
        Binding("escape", "close", "Back", id="reader.close"),
        Binding("q,h,left,backspace", "close", "Back", show=False, id="reader.close_too"),
    ]

    DEFAULT_CSS = """
    ReaderScreen { layout: vertical; background: $background; }
    ReaderScreen > Horizontal { align-horizontal: center; height: 1fr; }
    ReaderScreen #reader-search { display: none; height: 1; border: none; padding: 0 1; }
    ReaderScreen.-searching #reader-search { display: block; }
    ReaderScreen #reader-status { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, owner: MainScreen) -> None:
        super().__init__()
        self.owner = owner  # the browser: it knows the list, the marks and the links
        self.searching = False  # a search is active: n and N move between its hits

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ReaderView(id="reader")
        yield ReaderSearch(placeholder="search this article (Enter: first hit, Esc: end)", id="reader-search")
        yield Static("", id="reader-status", markup=False)
        yield KeyBar()

    @property
    def view(self) -> ReaderView:
        return self.query_one("#reader", ReaderView)

    def on_mount(self) -> None:
        self.view.focus()

    def set_status(self, text: str) -> None:
        self.query_one("#reader-status", Static).update(Text(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_hit":
            return self.searching  # elsewhere n is "next unread" (the browser's key)
        if action == "search" and isinstance(self.focused, Input):
            return False  # a "/" in the box is text
        return True

    def action_search(self) -> None:
        self.add_class("-searching")
        box = self.query_one("#reader-search", ReaderSearch)
        box.value = ""
        self.set_focus(box)

    def on_input_changed(self, event: Input.Changed) -> None:
        count = self.view.highlight(phrase_pattern(event.value))
        self.searching = bool(event.value.strip())
        self.refresh_bindings()
        self.set_status(f"{count:,} hits for {event.value!r}" if event.value.strip() else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.view.focus()

    def action_next_hit(self, step: int) -> None:
        found = self.view.next_hit(step)
        if found is None:
            self.set_status("No hits")
        else:
            self.set_status(f"hit {found[0]:,} of {found[1]:,}")

    def action_end_search(self) -> None:
        self.remove_class("-searching")
        self.searching = False
        self.view.highlight(None, scroll=False)
        self.set_status("")
        self.refresh_bindings()
        self.view.focus()

    def action_close(self) -> None:
        if self.searching or self.has_class("-searching"):
            self.action_end_search()
            return
        self.dismiss()

    def action_step(self, step: int) -> None:
        self.owner.action_step(step)

    def action_toggle_read(self) -> None:
        self.owner.action_toggle_read()

    def action_toggle_star(self) -> None:
        self.owner.action_toggle_star()

    def action_open(self) -> None:
        self.owner.action_open()

    def action_open_related(self, number: int) -> None:
        self.owner.action_open_related(number)
