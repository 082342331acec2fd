"""config.toml: every setting, every kind of bad value, and the config command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiptui.app import ChiptuiApp, binding_ids
from chiptui.config import DEFAULT_FILE, load_settings, save_setting, write_default

from .conftest import SEEDS
from .test_app import loaded, status_text, wait_for
from .test_cli import run


@pytest.fixture
def config_file(isolated_dirs: dict[str, Path]) -> Path:
    return isolated_dirs["config"] / "config.toml"


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_no_file_means_defaults(config_file: Path) -> None:
    settings = load_settings()
    assert settings.path == str(config_file) and not settings.exists and not settings.problems
    assert (settings.corpus, settings.theme, settings.sort, settings.auto_mark_read, settings.browser, settings.keys) == (
        [], None, "newest", True, None, {}
    )


def test_every_setting_is_read(config_file: Path) -> None:
    write(config_file, 'corpus = ["~/news", "/srv/archive"]\ntheme = "nord"\nsort = "quality"\n'
          'auto_mark_read = false\nbrowser = "firefox %u"\n[keys]\n"main.open" = "o,ctrl+o"\n')
    settings = load_settings(known_bindings=binding_ids())
    assert not settings.problems
    assert settings.corpus == ["~/news", "/srv/archive"]
    assert (settings.theme, settings.sort, settings.auto_mark_read, settings.browser) == ("nord", "quality", False, "firefox %u")
    assert settings.keys == {"main.open": "o,ctrl+o"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('sort = "random"\n', 1, "sort: expected one of"),
        ("auto_mark_read = 1\n", 1, "expected true or false"),
        ("corpus = 5\n", 1, "corpus: expected a folder"),
        ("theme = 3\n", 1, "theme: expected the name"),
        ('browser = ""\n', 1, "browser: expected a command"),
        ('\ncolour = "red"\n', 2, "unknown setting 'colour'"),
        ('keys = "o"\n', 1, "keys: expected a table"),
        ('[keys]\n"main.nothing" = "o"\n', 2, "not a binding id"),
        ('[keys]\n"main.open" = 5\n', 2, "expected keys as text"),
        ('[keys]\n"main.open" = "o o"\n', 2, "is not a key name"),
        ('[keys]\n"main.open" = "x"\n"main.copy" = "x"\n', 3, "already given to main.open"),
        ('sort = "newest\n', 1, "is not valid TOML"),
    ],
)
def test_each_bad_value_names_the_file_and_line_and_keeps_the_default(config_file: Path, text: str, line: int, words: str) -> None:
    write(config_file, text)
    settings = load_settings(known_bindings=binding_ids())
    assert len(settings.problems) == 1, settings.problems
    problem = settings.problems[0]
    assert problem.path == str(config_file) and problem.line == line and words in problem.message
    assert settings.sort == "newest" and settings.auto_mark_read is True


def test_a_bad_line_is_one_line_on_stderr_and_the_command_still_works(config_file: Path) -> None:
    write(config_file, 'sort = "sideways"\n')
    proc = run("list")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 4
    assert proc.stderr.count("\n") == 1 and f"{config_file}:1" in proc.stderr and "sort" in proc.stderr


def test_config_command_prints_path_and_settings_and_init_never_overwrites(config_file: Path) -> None:
    proc = run("config", "--json")
    data = json.loads(proc.stdout)
    assert data["path"] == str(config_file) and data["exists"] is False and data["sort"] == "newest"
    assert run("config", "--init").returncode == 0
    assert config_file.read_text() == DEFAULT_FILE
    assert load_settings().problems == []  # the commented default is valid and changes nothing
    config_file.write_text('sort = "oldest"\n')
    assert run("config", "--init").returncode == 2
    assert config_file.read_text() == 'sort = "oldest"\n'
    human = run("config")
    assert str(config_file) in human.stdout and 'sort = "oldest"' in human.stdout and "main.open" in human.stdout


def test_the_corpus_setting_opens_when_no_path_is_given(config_file: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: My own article\n---\n", encoding="utf-8")
    write(config_file, f'corpus = ["{corpus}"]\n')
    assert "My own article" in run("list").stdout
    assert "My own article" not in run("list", env={"CHIPTUI_CORPUS": str(SEEDS)}).stdout  # the environment first


def test_saving_a_setting_keeps_comments_and_order(config_file: Path) -> None:
    write_default()
    assert save_setting("theme", "nord") is None
    text = config_file.read_text()
    assert text.startswith("# chiptui settings.") and 'theme = "nord"' in text and "[keys]" in text
    assert load_settings().theme == "nord"
    write(config_file, "not = [valid\n")
    assert save_setting("theme", "nord") is not None
    assert config_file.read_text() == "not = [valid\n"  # never rewritten


async def test_the_app_applies_sort_keys_theme_and_browser(config_file: Path) -> None:
    write(config_file, 'sort = "title"\ntheme = "nord"\nbrowser = "true %u"\n[keys]\n"main.sort" = "S"\n')
    app = ChiptuiApp([str(SEEDS)], settings=load_settings(known_bindings=binding_ids()))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await loaded(pilot)
        assert "sort: title" in status_text(app)
        assert app.theme == "nord"
        assert screen.browser_command == "true %u"
        await pilot.press("S")
        await wait_for(pilot, lambda: "sort: newest" in status_text(app), "S to sort (title is last in the cycle)")
        app.theme = "textual-light"  # as the palette's theme picker does
        await pilot.pause()
    assert load_settings().theme == "textual-light"
    assert "[keys]" in config_file.read_text()


async def test_a_bad_config_gives_a_notice_in_the_app(config_file: Path) -> None:
    write(config_file, 'theme = "no-such-theme"\n[keys]\n"main.open" = "y"\n')
    app = ChiptuiApp([str(SEEDS)], settings=load_settings(known_bindings=binding_ids()))
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any("no-such-theme" in n and "config.toml" in n for n in notices)
        assert any("main.open" in n and "main.copy" in n for n in notices)  # y is Copy URL's key
        await pilot.press("question_mark")  # the help shows the keys in force
        await pilot.press("escape")
