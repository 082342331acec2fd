"""The problems screen: what `chiptui check` prints, one keypress from the browser.

Each problem is wrapped to the screen's width (a message is never cut off); the
cursor moves problem by problem, and Enter jumps to the article a problem belongs
to, or shows the whole problem when it belongs to none.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Static

from chiptui.corpus.models import Problem
from chiptui.widgets.line_list import LineList

INDENT = 4  # continuation lines of a problem are indented under its first


def problems_summary(problems: tuple[Problem, ...]) -> str:
    """``2 warnings, no errors``: how a person would say it."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors

    def count(n: int, noun: str) -> str:
        return f"no {noun}s" if n == 0 else f"{n:,} {noun}{'' if n == 1 else 's'}"

    return f"{count(errors, 'error')}, {count(warnings, 'warning')}" if errors else f"{count(warnings, 'warning')}, no errors"


class ProblemList(LineList):
    DEFAULT_CSS = """
    ProblemList > .line-list--cursor { background: $accent 50%; }
    ProblemList > .line-list--cursor-blurred { background: $accent 25%; }
    ProblemList > .line-list--dim { color: $text-muted; }
    """

    BINDINGS = [Binding("enter", "choose", "Go to the article", id="problems.choose")]

    def __init__(self, problems: tuple[Problem, ...], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.problems = problems
        self._width = 0
        self._lines: list[tuple[int, list[Segment]]] = []  # (problem number, the line's segments)

    def _layout(self, width: int) -> None:
        if width == self._width and self._lines:
            return
        self._width = width
        lines: list[tuple[int, list[Segment]]] = []
        for number, problem in enumerate(self.problems):
            text = Text(problem.format(), end="")
            text.stylize("bold red" if problem.severity == "error" else "yellow", 0, len(text) - len(problem.message))
            wrapped = text.wrap(self.app.console, max(10, width - INDENT), overflow="fold")
            for n, line in enumerate(wrapped):
                if n:
                    line = Text(" " * INDENT) + line
                lines.append((number, list(line.render(self.app.console))))
        self._lines = lines

    def row_count(self) -> int:
        self._layout(self.scrollable_content_region.width or 80)
        return len(self._lines)

    def selectable(self, row: int) -> bool:
        return row == 0 or self._lines[row][0] != self._lines[row - 1][0]

    @property
    def current(self) -> Problem | None:
        if not self._lines:
            return None
        return self.problems[self._lines[min(self.cursor, len(self._lines) - 1)][0]]

    def render_row(self, row: int, width: int, selected: bool) -> Strip:
        number, segments = self._lines[row]
        on_cursor = bool(self._lines) and number == self._lines[min(self.cursor, len(self._lines) - 1)][0]
        base = self.base_style(on_cursor)
        styled = [Segment(s.text, base + s.style if s.style else base) for s in segments]
        return Strip(styled).crop_extend(0, width, base)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.refresh()  # every line of the old and the new problem

    def on_resize(self) -> None:
        number = self._lines[self.cursor][0] if self._lines and self.cursor < len(self._lines) else 0
        self._lines = []
        self.refresh_rows()
        self.move_to(next((i for i, (n, _) in enumerate(self._lines) if n == number), 0))
        super().on_resize()

    def action_choose(self) -> None:
        screen = self.screen
        if isinstance(screen, ProblemsScreen) and self.current is not None:
            screen.choose(self.current)

    def clicked(self, row: int) -> None:
        self.action_choose()


class ProblemsScreen(ModalScreen[str | None]):
    """Dismisses with the path of the article to jump to, or None."""

    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close", id="problems.close")]

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical { width: 95%; height: 90%; border: thick $warning; background: $surface; }
    ProblemsScreen Static { padding: 0 1; height: auto; }
    ProblemsScreen ProblemList { height: 1fr; }
    """

    def __init__(self, problems: tuple[Problem, ...], article_paths: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.problems = problems
        self.article_paths = article_paths  # problems in these files belong to an article Enter can show

    def compose(self) -> ComposeResult:
        summary = problems_summary(self.problems)
        if any(p.severity == "error" for p in self.problems):
            summary += " (a file with an error is skipped; warnings keep the article)"
        summary += "  \u00b7  Enter: go to the article  \u00b7  Esc closes"
        with Vertical():
            yield Static(Text(summary, style="bold"))
            yield ProblemList(self.problems)

    def on_mount(self) -> None:
        self.query_one(ProblemList).focus()

    def choose(self, problem: Problem) -> None:
        if problem.path in self.article_paths:
            self.dismiss(problem.path)
            return
        self.notify(
            f"{problem.format()}\n(this file is not an article in the list: nothing to jump to)",
            title="Problem", severity="warning" if problem.severity == "warning" else "error", timeout=15, markup=False,
        )

    async def action_dismiss(self, result: str | None = None) -> None:
        self.dismiss(result)
