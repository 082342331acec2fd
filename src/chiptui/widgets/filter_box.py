"""The filter box: the query language with an underlined error, history and completion."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.highlighter import Highlighter
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from chiptui.corpus.history import QueryHistory

COMPLETABLE = re.compile(r'(?<![\w-])-?(topic|provider|is|sort|has):("?)([^"\s]*(?:[^"]*)?)$')

Completions = Callable[[str], list[tuple[str, int | None]]]  # field -> (name, count) candidates


class ErrorHighlighter(Highlighter):
    """Underlines the part of the query the parser rejected."""

    def __init__(self) -> None:
        self.span: tuple[int, int] | None = None

    def highlight(self, text: Text) -> None:
        if self.span is not None:
            start, length = self.span
            text.stylize("underline bold red", start, min(len(text), start + length))


class FilterInput(Input):
    BINDINGS = [
        Binding("enter", "submit", "To the list", show=False, id="filter.submit"),
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
        Binding("down", "history(1)", "Newer query / to the list", show=False, id="filter.down"),
        Binding("up", "history(-1)", "Earlier query", show=False, id="filter.up"),
        Binding("tab", "complete", "Complete topic:, provider:, is:, sort:", show=False, id="filter.complete"),
    ]

    # Input sets its virtual size (the text's width) on every keystroke, and a widget's virtual
    # size asks for a layout of the whole screen: 10-12 ms at 160x50, on the screen's thread,
    # while the search for the keystroke runs. The box is one line of fixed size that scrolls
    # its text itself (no scrollbar): a repaint is all a new width needs.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    @dataclass
    class Done(Message):
        cleared: bool

    class Edited(Message):
        """The box's newest text, posted straight to its screen. Input.Changed would bubble
        through each container on the way (a queue and a loop turn each), once per key of a
        burst: 10-15 ms before the screen saw the first of them at 160x50. The box sends only
        the newest text: a Changed whose value was typed over already is stale."""

        def __init__(self, box: FilterInput, value: str) -> None:
            super().__init__()
            self.box = box
            self.value = value

        @property
        def control(self) -> FilterInput:
            return self.box

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.error_highlighter = ErrorHighlighter()
        super().__init__(*args, highlighter=self.error_highlighter, **kwargs)
        self.history: QueryHistory | None = None
        self._browsing: int | None = None  # position in the history while Up/Down walk it
        self._draft = ""
        self.completions: Completions | None = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.value:
            self.screen.post_message(self.Edited(self, event.value))

    def show_error(self, start: int | None, length: int = 1) -> None:
        self.error_highlighter.span = None if start is None else (start, length)
        self.refresh()

    def remember(self) -> None:
        if self.history is not None and self.value.strip():
            self.history.add(self.value)
        self._browsing = None

    def action_submit(self) -> None:  # type: ignore[override]
        self.remember()
        self.post_message(self.Done(cleared=False))

    def action_clear(self) -> None:
        self.remember()
        self.value = ""
        self.post_message(self.Done(cleared=True))

    def action_history(self, step: int) -> None:
        items = self.history.items if self.history is not None else []
        if self._browsing is None:
            if step > 0:  # Down, not walking the history: to the list, as before
                self.remember()
                self.post_message(self.Done(cleared=False))
                return
            if not items:
                return
            self._draft = self.value
            self._browsing = len(items)
        position = self._browsing + step
        if position < 0:
            return
        if position >= len(items):
            self._browsing = None
            self.value = self._draft
        else:
            self._browsing = position
            self.value = items[position]
        self.cursor_position = len(self.value)

    def completion_context(self) -> tuple[str, str, int] | None:
        """(field, typed prefix, where the value starts) when the cursor ends a completable field."""
        before = self.value[: self.cursor_position]
        match = COMPLETABLE.search(before)
        if match is None or self.completions is None:
            return None
        return match.group(1), match.group(3), match.start(2)

    def action_complete(self) -> None:
        context = self.completion_context()
        if context is None:
            return
        field, typed, start = context
        names = self.completions(field) if self.completions else []
        folded = typed.casefold()
        chosen = [n for n in names if n[0].casefold().startswith(folded)] or [n for n in names if folded in n[0].casefold()]
        if not chosen:
            self.notify(f"No {field} starts with {typed!r}", timeout=3, markup=False)
            return
        if len(chosen) == 1:
            replacement = _quoted(chosen[0][0]) + " "
        else:
            common = _common_prefix([n for n, _ in chosen])
            quote = '"' if " " in common or self.value[start:start + 1] == '"' else ""
            replacement = quote + common if len(common) >= len(typed) and common != typed else None
            shown = ", ".join(f"{n} ({c:,})" if c is not None else n for n, c in chosen[:10])
            more = f" and {len(chosen) - 10} more" if len(chosen) > 10 else ""
            self.notify(f"{field}: {shown}{more}", timeout=6, markup=False)
            if replacement is None:
                return
        end = self.cursor_position
        self.value = self.value[:start] + replacement + self.value[end:]
        self.cursor_position = start + len(replacement)


def _quoted(name: str) -> str:
    return f'"{name}"' if re.search(r'[\s,()"]', name) else name


def _common_prefix(names: list[str]) -> str:
    if not names:
        return ""
    first = min(names, key=len)
    for i, ch in enumerate(first):
        if any(n[i].casefold() != ch.casefold() for n in names):
            return first[:i]
    return first
