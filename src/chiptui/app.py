"""The Textual app: a thin shell with the stylesheet, global keys and commands."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from chiptui.commands import JumpToArticle
from chiptui.config import Settings
from chiptui.corpus.loader import DEFAULT_MAX_BYTES
from chiptui.screens.help import HelpScreen
from chiptui.screens.main import FilterInput, MainScreen
from chiptui.screens.reader import ReaderScreen, ReaderView
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

    def __init__(self, paths: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES, settings: Settings | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.max_bytes = max_bytes
        self.settings = settings or Settings()
        self.preloaded = _read_snapshot(paths, max_bytes)
        # the marks file too (opened only: the first frame asks it for a screenful of marks)
        self.early_state = _open_state()
        self.config_notices: list[str] = [p.format() for p in self.settings.problems]
        self._apply_keys()

    def _apply_keys(self) -> None:
        """The config's [keys]: known binding ids only, and no key given twice in one place."""
        known = binding_ids()
        keymap: dict[str, str] = {}
        for binding_id, keys in self.settings.keys.items():
            if binding_id not in known:
                self.config_notices.append(f"{self.settings.path}: [keys] {binding_id!r} is not a binding id (see 'chiptui config'); ignored")
                continue
            clash = _clash(binding_id, keys, {**self.settings.keys, **keymap})
            if clash:
                self.config_notices.append(f"{self.settings.path}: [keys] {binding_id}: {clash}; the default keys are used")
                continue
            keymap[binding_id] = keys
        if keymap:
            self.set_keymap(keymap)
        self.keymap_in_force = keymap

    def on_mount(self) -> None:
        theme = self.settings.theme
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.config_notices.append(
                    f"{self.settings.path}: theme {theme!r} is not a theme here (try {', '.join(sorted(self.available_themes)[:4])}...); the default is used"
                )
        self.theme_changed_signal.subscribe(self, self._save_theme)
        for notice in self.config_notices:
            self.notify(f"Config: {notice}", severity="warning", timeout=15, markup=False)

    def _save_theme(self, theme) -> None:  # type: ignore[no-untyped-def]
        """The theme chosen in the palette is written to the config file (comments kept)."""
        from chiptui.config import save_setting

        name = getattr(theme, "name", str(theme))
        if name == self.settings.theme:
            return
        self.settings.theme = name
        failed = save_setting("theme", name, path=self.settings.path or None)
        if failed:
            self.notify(f"Theme not saved: {failed}", severity="warning", markup=False)

    def get_key_display(self, binding: Binding) -> str:
        """Keys spelt one way everywhere (``Ctrl+T``, ``Enter``), as the help screen spells them."""
        from chiptui.screens.help import one_key

        return one_key(binding.key.split(",")[0])

    def get_default_screen(self) -> Screen:
        return MainScreen(self.paths, self.max_bytes, self.preloaded, self.settings)

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
            ("Reader (z)", [*ReaderScreen.BINDINGS, *ReaderView.BINDINGS]),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_sections(), self.keymap_in_force))

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


def _open_state():  # type: ignore[no-untyped-def]
    from chiptui.corpus.state import StateStore

    try:
        return StateStore(lazy=True)  # the first frame asks for a screenful; the rest loads in a worker
    except Exception:  # noqa: BLE001 - the screen opens the marks again and reports trouble
        return None


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


def binding_ids() -> set[str]:
    """Every binding id a [keys] line may name."""
    ids: set[str] = set()
    for _section, bindings in ChiptuiApp.key_sections():
        ids.update(b.id for b in bindings if b.id)
    from chiptui.screens.problems import ProblemList, ProblemsScreen

    ids.update(b.id for b in (*ProblemsScreen.BINDINGS, *ProblemList.BINDINGS) if b.id)
    return ids


def _clash(binding_id: str, keys: str, remapped: dict[str, str]) -> str | None:
    """Why ``keys`` cannot go to ``binding_id``: a key another binding of the same place has."""
    wanted = {k.strip() for k in keys.split(",") if k.strip()}
    for _section, bindings in ChiptuiApp.key_sections():
        bindings = list(bindings)
        if not any(b.id == binding_id for b in bindings):
            continue
        for other in bindings:
            if other.id == binding_id or not other.id:
                continue
            other_keys = remapped.get(other.id, other.key)
            taken = wanted & {k.strip() for k in other_keys.split(",")}
            if taken:
                return f"{sorted(taken)[0]!r} is already the key of {other.id}"
    return None
