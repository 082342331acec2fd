"""What a new user hit in the first hour (issue 8): each test failed before its fix."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chiptui import browser
from chiptui.app import ChiptuiApp
from chiptui.corpus.models import Problem
from chiptui.screens.problems import ProblemList, ProblemsScreen, problems_summary
from chiptui.widgets.article_list import ArticleList
from chiptui.widgets.facet_list import FacetList

from .conftest import SEEDS, card_text
from .test_app import loaded, main_of, shown_titles, status_text, wait_for
from .test_cli import elsewhere, run

# -- 1. sidebar counts on a warm start ---------------------------------------------------


async def test_sidebar_counts_are_not_zero_on_a_warm_start(seeds_copy: Path) -> None:
    for start in ("cold", "warm"):
        app = ChiptuiApp([str(seeds_copy)])
        async with app.run_test(size=(160, 50)) as pilot:
            screen = await loaded(pilot)
            sidebar = screen.query_one("#sidebar", FacetList)
            await wait_for(pilot, lambda: sidebar.counts.get(("topic", "AI")) == 4, f"the counts ({start})")
            assert sidebar.counts[("provider", "VentureBeat")] == 1, start


# -- 2. --max-bytes is the limit asked for now ----------------------------------------------


def test_max_bytes_is_never_baked_into_the_index(seeds_copy: Path) -> None:
    small = run("list", "--max-bytes", "10", str(seeds_copy))
    assert small.stdout == ""
    again = run("list", str(seeds_copy))
    assert "over the 10-byte limit" not in again.stderr
    assert len(again.stdout.splitlines()) == 4
    checked = run("check", "--max-bytes", "10", str(seeds_copy))
    assert checked.stdout.count("over the 10-byte limit") == 5
    assert run("check", "--max-bytes", "20", str(seeds_copy)).stdout.count("over the 20-byte limit") == 5
    assert run("check", str(seeds_copy)).stdout == ""


# -- 3. broken pipe ---------------------------------------------------------------------------


@pytest.fixture
def many_cards(tmp_path: Path) -> Path:
    """Enough cards that the output is larger than a pipe holds."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1500):
        (folder / f"{n:05d}.md").write_text(
            card_text(f"Article number {n} about chips and the cloud", publishedDateTime="2021-01-01T00:00:00Z",
                      topics="[AI]", webUrl=f"https://example.com/{n}"),
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize("args", [("list", "--json"), ("list", "--json", "--full"), ("list",), ("facets",)])
def test_a_reader_that_goes_away_is_not_an_error(many_cards: Path, args: tuple[str, ...]) -> None:
    run("index", str(many_cards))
    command = f"{sys.executable} -m chiptui {' '.join(args)} {many_cards} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, env=os.environ)
    assert proc.stderr == ""
    assert proc.stdout.strip() == "0"


# -- 4. a "/" typed fast lands in order ----------------------------------------------------------


async def test_slashes_typed_in_one_burst_land_in_order() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        from .test_app import events_key

        box = screen.query_one("#filter")
        for key in ("slash", "2", "4", "slash", "7"):  # one burst, as a fast typist sends it
            app._driver.send_message(events_key(app, key))
        await wait_for(pilot, lambda: box.value == "24/7", "24/7 in order")
        await pilot.press("escape")
        assert box.value == "" and isinstance(app.focused, ArticleList)
        for key in ("slash", "9", "slash", "1", "1"):
            app._driver.send_message(events_key(app, key))
        await wait_for(pilot, lambda: box.value == "9/11", "9/11 in order")


# -- 5. the problems screen -----------------------------------------------------------------------


@pytest.fixture
def corpus_with_problems(corpus_dir: Path, write) -> Path:
    write("good.md", card_text("A good article", publishedDateTime="2021-01-01T00:00:00Z"))
    write("odd.md", card_text("An article with an odd field", quality='"very very high, the highest quality there ever was"'))
    write("broken.md", "---\ntitle: [unclosed\n---\n")
    return corpus_dir


async def test_problems_wrap_and_enter_jumps_to_the_article(corpus_with_problems: Path) -> None:
    app = ChiptuiApp([str(corpus_with_problems)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        store = screen.store
        assert store is not None and len(store.problems) == 2
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        problems = app.screen.query_one(ProblemList)
        await pilot.pause()
        lines = ["".join(segment.text for segment in problems.render_line(y)) for y in range(problems.row_count())]
        joined = " ".join(line.strip() for line in lines)
        for problem in store.problems:
            assert all(word in joined for word in problem.message.split()), problem.message
        assert all(len(line.rstrip()) <= 80 for line in lines)
        # the warning belongs to a kept article: Enter goes there
        warning = next(i for i, p in enumerate(problems.problems) if p.severity == "warning")
        problems.move_to(next(row for row, (n, _) in enumerate(problems._lines) if n == warning))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the problems screen to close")
        articles = screen.query_one("#articles", ArticleList)
        await wait_for(pilot, lambda: articles.current is not None and articles.current.title == "An article with an odd field", "the jump")
        # the error's file is no article: Enter says so and stays
        await pilot.press("exclamation_mark")
        problems = app.screen.query_one(ProblemList)
        error = next(i for i, p in enumerate(problems.problems) if p.severity == "error")
        problems.move_to(next(row for row, (n, _) in enumerate(problems._lines) if n == error))
        await pilot.press("enter")
        assert isinstance(app.screen, ProblemsScreen)
        assert any("nothing to jump to" in str(n.message) for n in app._notifications)


def test_problem_summary_reads_like_a_person_wrote_it() -> None:
    warning = Problem("a", 1, "warning", "w")
    error = Problem("b", None, "error", "e")
    assert problems_summary((warning, warning)) == "2 warnings, no errors"
    assert problems_summary((error,)).startswith("1 error, no warnings")
    assert problems_summary((error, warning, warning)).startswith("1 error, 2 warnings")


# -- 6. sort notice and status agree, and hits can be sorted by date ----------------------------------


async def test_sort_notice_agrees_with_the_status_line_and_sorts_hits_by_date() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"amazon", "enter")
        await wait_for(pilot, lambda: "sort: relevance" in status_text(app), "relevance for a query")
        await pilot.press("s")
        notices = [str(n.message) for n in app._notifications]
        assert notices[-1] == "Sorted by newest"
        await wait_for(pilot, lambda: "sort: newest" in status_text(app), "the status to follow")
        result = screen.result
        assert result is not None and result.query == "amazon" and len(result) >= 2
        stamps = [entry.stamp or 0 for entry in result]
        assert stamps == sorted(stamps, reverse=True)


# -- 7. y with no hits ------------------------------------------------------------------------------------


async def test_copy_with_no_article_says_none_is_selected() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"zzzzqqqq", "enter")
        await wait_for(pilot, lambda: not shown_titles(screen) and screen.result is not None and screen.result.query == "zzzzqqqq", "no hits")
        await pilot.press("y")
        assert str(app._notifications.last.message if hasattr(app._notifications, "last") else list(app._notifications)[-1].message) == "No article selected"


# -- 8. CLI arguments --------------------------------------------------------------------------------------


def test_show_without_an_article_names_only_article() -> None:
    proc = run("show")
    assert proc.returncode == 2
    assert "required: ARTICLE" in proc.stderr and "PATH" not in proc.stderr.splitlines()[-1]


def test_a_bogus_option_shows_the_same_usage_as_help() -> None:
    bogus = run("--bogus")
    helped = run("--help")
    assert bogus.returncode == 2
    usage = helped.stdout.split("\n\n")[0]
    assert bogus.stderr.startswith(usage)


def test_full_without_json_and_a_bad_max_bytes_are_not_silent() -> None:
    proc = run("list", "--full")
    assert proc.returncode == 2 and "--json" in proc.stderr
    proc = run("list", env={"CHIPTUI_MAX_BYTES": "abc"})
    assert proc.returncode == 0 and "CHIPTUI_MAX_BYTES" in proc.stderr and "'abc'" in proc.stderr
    assert len(proc.stdout.splitlines()) == 4


def test_topics_and_providers_match_any_case_and_misspellings_get_a_hint() -> None:
    exact = run("list", "--topic", "AI Hardware", "--json").stdout
    assert exact and run("list", "--topic", "ai hardware", "--json").stdout == exact
    assert run("list", "--provider", "venturebeat", "--json").stdout.count("\n") == 1
    assert run("list", "--provider", "venturebeat.com", "--json").stdout.count("\n") == 1
    missed = run("list", "--topic", "AI Hardwre")
    assert missed.stdout == ""
    assert 'did you mean "AI Hardware"?' in missed.stderr


# -- 10. browsers ---------------------------------------------------------------------------------------------


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, code in (("w3m", 0), ("firefox", 0), ("broken-browser", 7)):
        script = folder / name
        script.write_text(f"#!/bin/sh\nexit {code}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


def test_a_browser_that_does_not_exist_is_named(fake_bin: Path) -> None:
    how = browser.plan("https://example.com/", env={"BROWSER": "/nonexistent", "DISPLAY": ":0"})
    assert how.error is not None
    assert "$BROWSER" in how.error and "/nonexistent" in how.error and "set $BROWSER" not in how.error


def test_text_browsers_get_the_terminal(fake_bin: Path) -> None:
    url = "https://example.com/a"
    how = browser.plan(url, env={"BROWSER": "w3m", "DISPLAY": ":0"})
    assert how.terminal and how.argv == (str(fake_bin / "w3m"), url)
    # no display: any browser is a terminal one
    how = browser.plan(url, env={"BROWSER": "firefox"})
    assert how.terminal
    how = browser.plan(url, env={"BROWSER": "firefox", "DISPLAY": ":0"})
    assert not how.terminal
    # the config's command, %u for the URL
    how = browser.plan(url, "firefox --new-tab %u", env={"DISPLAY": ":0"})
    assert how.argv == (str(fake_bin / "firefox"), "--new-tab", url)


def test_a_failing_browser_says_it_failed(fake_bin: Path) -> None:
    url = "https://example.com/a"
    outcome = browser.launch(url, browser.plan(url, env={"BROWSER": "broken-browser", "DISPLAY": ":0"}))
    assert not outcome.ok and "exit status 7" in outcome.message


async def test_a_text_browser_runs_with_the_app_suspended(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", "w3m")
    ran: list[tuple[str, tuple[str, ...] | None]] = []

    def fake_run(url: str, how: browser.Plan) -> browser.OpenResult:
        ran.append((url, how.argv))
        return browser.OpenResult(True, "Back from w3m")

    monkeypatch.setattr(browser, "run_in_terminal", fake_run)
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        suspended: list[bool] = []
        from contextlib import contextmanager

        @contextmanager
        def fake_suspend():  # the headless test driver cannot suspend; record that the app asked to
            suspended.append(True)
            yield

        monkeypatch.setattr(app, "suspend", fake_suspend)
        await pilot.press("o")
        assert suspended == [True]
        current = screen.query_one("#articles", ArticleList).current
        assert ran and ran[0][0] == current.url and ran[0][1][0].endswith("w3m")


# -- 11. messages ------------------------------------------------------------------------------------------------


def test_an_empty_folder_says_it_has_no_articles(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run("list", str(empty), cwd=elsewhere(tmp_path))
    assert proc.returncode == 0
    assert f"No articles in {empty}" in proc.stderr and "front matter" in proc.stderr
    assert "No articles match" not in proc.stderr


def test_a_missing_corpus_from_the_environment_says_where_it_came_from(tmp_path: Path) -> None:
    proc = run("list", env={"CHIPTUI_CORPUS": "/nope"}, cwd=elsewhere(tmp_path))
    assert proc.returncode == 2
    assert "/nope (from $CHIPTUI_CORPUS): no such file or folder" in proc.stderr


# -- 12. Escape in the list ------------------------------------------------------------------------------------


async def test_escape_in_the_list_clears_the_filter() -> None:
    app = ChiptuiApp([str(SEEDS)])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"trn1", "enter")
        await wait_for(pilot, lambda: len(shown_titles(screen)) == 1, "the filter")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(shown_titles(screen)) == 4, "the filter to clear")
        assert screen.query_one("#filter").value == ""
        assert main_of(app) is screen
