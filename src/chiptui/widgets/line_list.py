"""A cursor list that renders only its visible rows (Line API), for lists of any length."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineList(ScrollView, can_focus=True):
    """Base for long lists: subclasses say how many rows there are and draw one row.

    Only rows on screen are rendered, so a list of 100,000 rows costs what a list of
    50 does. Rows a subclass marks unselectable (section headings) are skipped by
    the cursor.
    """

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
    ]

    DEFAULT_CSS = """
    LineList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    # A widget's virtual size asks for a layout of the whole screen when it changes: 20-30 ms
    # at 160x50 on the screen's thread, after every search. The rows change the list's height
    # only, which matters to the layout only when the scrollbar comes or goes (refresh_rows).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._styles: dict[tuple[str | None, bool], Style] = {}  # see style_of

    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, row: int, width: int, selected: bool) -> Strip:
        raise NotImplementedError

    def selectable(self, row: int) -> bool:
        return True

    def refresh_rows(self) -> None:
        """Call after the data behind the rows changed."""
        self.virtual_size = Size(self.size.width, self.row_count())
        height = self.container_size.height
        if (self.row_count() > height) != self.show_vertical_scrollbar or not height:
            self.refresh(layout=True)  # the scrollbar comes or goes: the layout changes
        else:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = self.row_count()
            bar.window_size = height
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
        if self.row_count():
            self.cursor = self._nearest_selectable(min(self.cursor, self.row_count() - 1), 1)
        else:
            self.cursor = 0
        self.refresh()

    # -- rendering ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= self.row_count():
            return Strip([Segment(" " * width, self.style_of())], width)
        return self.render_row(row, width, row == self.cursor and self.row_count() > 0)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles.clear()  # looked up once a paint (see style_of), not once a row
        return super().render_lines(crop)

    def style_of(self, component: str | None = None, partial: bool = False) -> Style:
        """The widget's style (None) or a component's, computed once a paint: each lookup walks
        the CSS and the widget's ancestors, and a list's rows ask for the same few again."""
        key = (component, partial)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style if component is None else self.get_component_rich_style(component, partial=partial)
            self._styles[key] = style
        return style

    def base_style(self, selected: bool) -> Style:
        if selected:
            return self.style_of("line-list--cursor" if self.has_focus else "line-list--cursor-blurred")
        return self.style_of()

    COMPONENT_CLASSES = {"line-list--cursor", "line-list--cursor-blurred", "line-list--dim", "line-list--match", "line-list--heading"}

    # -- cursor ---------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        self.refresh_line(old)
        self.refresh_line(new)
        self.cursor_moved(new)

    def cursor_moved(self, row: int) -> None:
        """Hook for subclasses: the cursor is now on ``row``."""

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    # Focus changes only the cursor row's style (base_style), but Widget repaints the whole
    # widget on focus and blur: every row, 10 ms at 160x50 on the screen's thread, on the "/"
    # that starts a typed query. The list repaints its cursor row only.
    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # (Widget's own handler would repaint every row)
        self._focus_moved(True, events.DescendantFocus)

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self._focus_moved(False, events.DescendantBlur)

    def _focus_moved(self, focused: bool, tell: type[events.DescendantFocus | events.DescendantBlur]) -> None:
        """What Widget's own Focus and Blur handlers do, but for the repaint of every row."""
        self.has_focus = focused
        self.refresh_line(self.cursor)
        if self.parent is not None:
            self.parent.post_message(tell(self))

    def _nearest_selectable(self, row: int, step: int) -> int:
        count = self.row_count()
        probe = row
        while 0 <= probe < count:
            if self.selectable(probe):
                return probe
            probe += step
        probe = row
        while 0 <= probe < count:
            if self.selectable(probe):
                return probe
            probe -= step
        return max(0, min(row, count - 1))

    def move_to(self, row: int, step: int = 1) -> None:
        if self.row_count():
            self.cursor = self._nearest_selectable(max(0, min(row, self.row_count() - 1)), step)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1, -1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1), 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1), -1)

    def action_first(self) -> None:
        self.move_to(0, 1)

    def action_last(self) -> None:
        self.move_to(self.row_count() - 1, -1)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count())
        self.scroll_to_cursor()

    async def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        row = event.y + self.scroll_offset.y
        if 0 <= row < self.row_count() and self.selectable(row):
            self.cursor = row
            self.clicked(row)

    def clicked(self, row: int) -> None:
        """Hook for subclasses: the user clicked ``row``."""
