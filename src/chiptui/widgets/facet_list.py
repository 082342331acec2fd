"""The sidebar: topics and providers with counts; Space or Enter toggles an entry."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from chiptui.corpus.models import Facets
from chiptui.widgets.line_list import LineList

SECTIONS = (("topic", "Topics"), ("provider", "Providers"))
LIBRARY = ("All", "Unread", "Starred")


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str  # "heading", "topic" or "provider"
    name: str


class FacetList(LineList):
    """Facet entries in a stable order (most frequent in the corpus first) with live counts."""

    BINDINGS = [
        Binding("space,enter", "toggle", "Toggle", id="sidebar.toggle"),
        Binding("x", "clear", "Clear facets", id="sidebar.clear"),
    ]

    DEFAULT_CSS = """
    FacetList > .line-list--cursor { background: $accent 60%; color: $text; }
    FacetList > .line-list--cursor-blurred { background: $accent 20%; }
    FacetList > .line-list--dim { color: $text-muted; }
    FacetList > .line-list--heading { color: $primary; text-style: bold; }
    FacetList > .line-list--match { color: $success; text-style: bold; }
    """

    @dataclass
    class Toggled(Message):
        kind: str
        name: str

    @dataclass
    class Cleared(Message):
        pass

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.rows: list[_Row] = []
        self.counts: dict[tuple[str, str], int] = {}
        self.selected: set[tuple[str, str]] = set()
        self.searches: list[str] = []  # saved search names, in the config file's order
        self._facets: Facets | None = None

    def set_searches(self, names: list[str]) -> None:
        """The saved searches (a section of their own, under the Library)."""
        self.searches = list(names)
        if self._facets is not None:
            current = self.rows[self.cursor] if self.rows and self.cursor < len(self.rows) else None
            counts = self.counts
            self.set_facets(self._facets)
            self.counts = {**self.counts, **counts}
            if current is not None and current in self.rows:
                self.move_to(self.rows.index(current))

    def set_facets(self, facets: Facets) -> None:
        """The corpus-wide facets: fixes the order of the entries."""
        self._facets = facets
        self.rows = [_Row("heading", "Library"), *(_Row("library", name) for name in LIBRARY)]
        if self.searches:
            self.rows += [_Row("heading", "Searches"), *(_Row("search", name) for name in self.searches)]
        for kind, heading in SECTIONS:
            self.rows.append(_Row("heading", heading))
            entries = facets.topics if kind == "topic" else facets.providers
            self.rows.extend(_Row(kind, f.name) for f in entries)
        # the corpus-wide counts until a filter's own counts arrive (a warm start shows no
        # filter, so these are the right numbers, not zeros)
        self.counts = {(kind, f.name): f.count for kind, entries in (("topic", facets.topics), ("provider", facets.providers)) for f in entries}
        self.refresh_rows()
        self.move_to(1)

    def set_counts(self, counts: dict[tuple[str, str], int], selected: set[tuple[str, str]]) -> None:
        self.counts = counts
        self.selected = selected
        self.refresh()

    def row_count(self) -> int:
        return len(self.rows)

    def selectable(self, row: int) -> bool:
        return self.rows[row].kind != "heading"

    def action_toggle(self) -> None:
        if self.rows and self.selectable(self.cursor):
            row = self.rows[self.cursor]
            self.post_message(self.Toggled(row.kind, row.name))

    def action_clear(self) -> None:
        self.post_message(self.Cleared())

    def clicked(self, row: int) -> None:
        self.action_toggle()

    def render_row(self, row: int, width: int, selected: bool) -> Strip:
        entry = self.rows[row]
        base = self.base_style(selected)
        if entry.kind == "heading":
            style = self.style_of("line-list--heading")
            return Strip([Segment(set_cell_size(entry.name, width), style)], width)
        key = (entry.kind, entry.name)
        known = self.counts.get(key)
        if known is None and entry.kind in ("topic", "provider"):
            known = 0  # facet counts list only what the filter holds: the rest is none
        count = known or 0
        on = key in self.selected
        mark_style = base + self.style_of("line-list--match", partial=True) if on else base
        text_style = base if (count or on or selected or known is None) else self.style_of("line-list--dim")
        if entry.kind == "library" and entry.name == "Unread" and count:
            text_style = text_style + Style(bold=True)
        number = "" if known is None else f"{count:,}"
        unread = self.counts.get(("search-unread", entry.name)) if entry.kind == "search" else None
        unread_text = f"{unread:,}/" if unread else ""
        name_width = max(1, width - 3 - len(number) - len(unread_text) - 1)
        name = entry.name if cell_len(entry.name) <= name_width else set_cell_size(entry.name, name_width - 1) + "\u2026"
        segments = [
            Segment("\u25cf " if on else "  ", mark_style),
            Segment(set_cell_size(name, name_width), text_style),
            Segment(" ", text_style),
        ]
        if unread_text:  # a saved search's unread articles, in bold, before its count
            segments.append(Segment(unread_text, text_style + Style(bold=True)))
        segments.append(Segment(number, text_style))
        return Strip(segments).crop_extend(0, width, base)
