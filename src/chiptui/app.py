"""The Textual app: a thin shell with the stylesheet, global keys and commands."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from chiptui.commands import JumpToArticle
from chiptui.corpus.loader import DEFAULT_MAX_BYTES
from chiptui.screens.help import HelpScreen
from chiptui.screens.main import FilterInput, MainScreen
from chiptui.widgets.article_list import ArticleList
from chiptui.widgets.detail import DetailPane
from chiptui.widgets.facet_list import FacetList
from chiptui.widgets.line_list import LineList


class ChiptuiApp(App[None]):
    TITLE = "chiptui"
    CSS_PATH = "chiptui.tcss"
    COMMANDS = App.COMMANDS | {JumpToArticle}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit from anywhere", show=False, priority=True, id="app.quit_anywhere"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="app.palette"),
    ]

    def __init__(self, paths: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__()
        self.paths = paths
        self.max_bytes = max_bytes
        self.preloaded = _read_snapshot(paths, max_bytes)

    def get_key_display(self, binding: Binding) -> str:
        """Keys spelt one way everywhere (``Ctrl+T``, ``Enter``), as the help screen spells them."""
        from chiptui.screens.help import one_key

        return one_key(binding.key.split(",")[0])

    def get_default_screen(self) -> Screen:
        return MainScreen(self.paths, self.max_bytes, self.preloaded)

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    @staticmethod
    def key_sections() -> list[tuple[str, Iterable[Binding]]]:
        return [
            ("Everywhere", ChiptuiApp.BINDINGS),
            ("Browser", MainScreen.BINDINGS),
            ("Filter box", FilterInput.BINDINGS),
            ("Article list", [*LineList.BINDINGS, *ArticleList.BINDINGS]),
            ("Sidebar", FacetList.BINDINGS),
            ("Detail pane", DetailPane.BINDINGS),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """chiptui's own commands first, then Textual's (theme, screenshot, quit...)."""
        yield from self._chiptui_commands()
        yield from super().get_system_commands(screen)

    def _chiptui_commands(self) -> Iterable[SystemCommand]:
        main = self.main_screen
        if main is None:
            return
        yield SystemCommand("Open article in browser", "Open the selected article's link (o)", main.action_open)
        yield SystemCommand("Copy article URL", "Copy the selected article's link (y)", main.action_copy_url)
        yield SystemCommand("Cycle sort order", "newest, oldest, quality, heat, title (s)", main.action_cycle_sort)
        yield SystemCommand("Filter articles", "Focus the filter box (/)", main.action_focus_filter)
        yield SystemCommand("Show problems", "Problems found while loading the corpus (!)", main.action_problems)
        yield SystemCommand("Help: keys", "Every key chiptui knows (? or F1)", self.action_help)


def _read_snapshot(paths: list[str], max_bytes: int):  # type: ignore[no-untyped-def]
    """The index's last snapshot, read before the app starts (about 0.1 s at 100,000
    articles), so the first frame already shows the list. Any trouble: the screen's
    loader deals with it (and reports it) as on a cold start."""
    from chiptui.corpus.index import CorpusIndex

    try:
        index = CorpusIndex(paths, max_bytes)
        return index, index.cached_snapshot()
    except Exception:  # noqa: BLE001 - never stop the app from starting
        return None
