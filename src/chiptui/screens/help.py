"""The help screen: every key, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NAMES = {"slash": "/", "exclamation_mark": "!", "question_mark": "?", "space": "Space", "enter": "Enter",
         "escape": "Esc", "pagedown": "PgDn", "pageup": "PgUp", "tab": "Tab", "down": "\u2193", "up": "\u2191",
         "left": "\u2190", "right": "\u2192", "home": "Home", "end": "End", "backspace": "Backspace",
         "left_square_bracket": "[", "right_square_bracket": "]", "delete": "Del"}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta"}


def one_key(key: str) -> str:
    """One key as the help and the README spell it: ``Ctrl+T``, ``Shift+Tab``, ``F1``, ``/``."""
    *modifiers, name = key.strip().split("+")
    if name in NAMES:
        shown = NAMES[name]
    elif len(name) == 1:
        shown = name.upper() if modifiers else name
    else:
        shown = name.upper() if name[:1] == "f" and name[1:].isdigit() else name.capitalize()
    return "+".join([*(MODIFIERS.get(m, m.capitalize()) for m in modifiers), shown])


def key_label(keys: str) -> str:
    return ", ".join(one_key(k) for k in keys.split(","))


def binding_rows(
    sections: Iterable[tuple[str, Iterable[Binding]]], keymap: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(section, keys, description) rows with the keys in force (the config's [keys] over
    the defaults); the nine related-link keys fold into one row."""
    keymap = keymap or {}
    rows: list[tuple[str, str, str]] = []
    for section, bindings in sections:
        folded = False
        for binding in bindings:
            if binding.action.startswith("open_related("):
                if not folded:
                    rows.append((section, "1 \u2026 9", "Open related link 1 to 9 (in the corpus: here)"))
                    folded = True
                continue
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            rows.append((section, key_label(keys), binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, sections: list[tuple[str, Iterable[Binding]]], keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        table.add_column("keys", style="bold yellow", no_wrap=True)
        table.add_column("what")
        last = None
        for section, keys, description in binding_rows(self.sections, self.keymap):
            if section != last:
                if last is not None:
                    table.add_row("", "")
                table.add_row(Text(section, style="bold underline"), "")
                last = section
            table.add_row(Text(keys), Text(description))
        with VerticalScroll():
            yield Static(Text("chiptui keys  (Esc closes)", style="bold"))
            yield Static(table)
