"""The command line as a user runs it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EVERYDAY_AI, TRAINIUM_ID, card_text, needs_everyday_ai


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chiptui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def elsewhere(tmp_path: Path) -> Path:
    """A working directory that holds none of the test's files: chiptui shows a path inside its
    working directory relative to it, so a test run from a folder above the temporary ones
    (from "/") would see "tmp/pytest-..." where it expects an absolute path."""
    path = tmp_path / "elsewhere"
    path.mkdir(exist_ok=True)
    return path


def test_list_json_from_another_directory_prints_the_four_seed_articles(tmp_path: Path) -> None:
    proc = run("list", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 4
    assert {r["provider"]["name"] for r in rows} == {"VentureBeat", "TechCrunch", "Analytics India Magazine", "Interesting Engineering"}
    assert set(rows[0]) == {"id", "title", "published", "provider", "topics", "url", "quality", "heat", "source", "read", "starred"}
    assert all(r["published"].endswith("Z") for r in rows)
    full = [json.loads(line) for line in run("list", "--json", "--full", cwd=tmp_path).stdout.splitlines()]
    assert [r["id"] for r in full] == [r["id"] for r in rows]
    assert set(full[0]) >= {"id", "title", "excerpt", "published", "provider", "topics", "url", "urls", "quality", "heat", "type", "related", "images", "source"}


def test_show_trainium_prints_related_links_and_clean_body() -> None:
    proc = run("show", TRAINIUM_ID, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [r["provider"]["name"] for r in data["related"]] == ["Datacenter Dynamics", "Seeking Alpha"]
    assert data["body"].startswith("Amazon today debuted AWS Trainium")
    assert "VB Event" not in data["body"] and "All rights reserved" not in data["body"]
    assert data["body"].count("\n\n") == 4
    assert data["body_source"].endswith("003_800afc12a872d068.txt")

    human = run("show", "Amazon debuts Trainium")
    assert human.returncode == 0
    assert "1. AWS announces machine learning training chip Trainium" in human.stdout
    assert "2. Amazon launches Trainium custom AI chip" in human.stdout
    assert "Amazon today debuted AWS Trainium" in human.stdout
    # URLs and file paths stay whole so they can be copied; everything else wraps
    prose = [line for line in human.stdout.splitlines() if "://" not in line and os.sep not in line]
    assert max(len(line) for line in prose) <= 80


def test_options_may_come_before_between_or_after_paths(corpus_dir: Path, write) -> None:
    write("one.md", card_text('"Only one"'))
    for args in (["show", "Only one", "--json", str(corpus_dir)], ["show", "Only one", str(corpus_dir), "--json"],
                 ["list", "--json", str(corpus_dir), "--limit", "1"]):
        proc = run(*args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert json.loads(proc.stdout.splitlines()[0])["title"] == "Only one"


def test_show_without_a_match_exits_1() -> None:
    proc = run("show", "qqqq zzzz xxxx")
    assert proc.returncode == 1 and "no article matches" in proc.stderr


def test_facets_on_the_seeds() -> None:
    data = json.loads(run("facets", "--json").stdout)
    assert {f["name"]: f["count"] for f in data["topics"]} == {"AI": 4, "AI Hardware": 3, "Machine Learning": 2, "AWS AI": 2}
    human = run("facets").stdout
    assert "AI Hardware" in human and "Providers" in human


def test_list_human_output_fits_80_columns_and_has_no_control_characters(corpus_dir: Path, write) -> None:
    write("wide.md", card_text('"\u4e2d\u6587\u6807\u9898\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f\u5f88\u957f"', provider='"\U0001f4f0 Emoji News Network Limited"'))
    write("esc.md", b'---\ntitle: "\x1b]0;owned\x07\x1b[2Jcleared?"\n---\n')
    from chiptui.textfmt import text_width

    # on a terminal each row fits its width
    screen = run_on_terminal("list", str(corpus_dir), columns=80)
    assert "\x1b" not in screen and "\x07" not in screen
    rows = [line for line in screen.splitlines() if line.strip() and "articles" not in line]
    assert len(rows) == 2 and all(text_width(line) <= 80 for line in rows), rows
    # piped, nothing is cut (grep must see every word), and still no control characters
    proc = run("list", str(corpus_dir), env={"COLUMNS": "40"})
    assert proc.returncode == 0
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "\u5f88\u957f" * 12 in proc.stdout and "Emoji News Network Limited" in proc.stdout


def run_on_terminal(*args: str, columns: int = 80) -> str:
    """Run chiptui with stdout and stderr on a pseudo-terminal of ``columns`` columns; what it printed."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "chiptui", *args], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_piped_list_never_cuts_titles() -> None:
    """Bug: piped output cut titles at about 48 columns, so grep missed words at their end."""
    proc = run("list", env={"COLUMNS": "200"})
    assert "Amazon debuts Trainium, a custom chip for machine learning training in the cloud" in proc.stdout


def test_list_filters_sorts_and_limits() -> None:
    proc = run("list", "--query", "tranium", "--limit", "1", "--json")
    [row] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert "Trainium" in row["title"]
    proc = run("list", "--topic", "AWS AI", "--provider", "TechCrunch", "--json")
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["002_7b924ab732b8f9d9"]
    proc = run("list", "--sort", "oldest", "--json")
    assert json.loads(proc.stdout.splitlines()[0])["id"] == TRAINIUM_ID


@pytest.mark.parametrize("args", [["list", "--sort", "bogus"], ["list", "--limit", "0"], ["frobnicate-no-such-path"], ["show"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_check_reports_problems_as_path_line_severity_and_exits_1(corpus_dir: Path, write, tmp_path: Path) -> None:
    write("good.md", card_text('"Fine"'))
    write("bad.md", '---\ntitle: "x"\ntopics: [a\n---\n')
    write("date.md", card_text('"Dated"', publishedDateTime="2021-02-30"))
    proc = run("check", str(corpus_dir), cwd=elsewhere(tmp_path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(line.startswith(f"{corpus_dir / 'bad.md'}:") and ": error: " in line for line in lines)
    assert f"{corpus_dir / 'date.md'}:3: warning: publishedDateTime" in proc.stdout
    assert "Traceback" not in proc.stderr
    clean = run("check", str(corpus_dir / "good.md"))
    assert clean.returncode == 0 and clean.stdout == ""


def test_check_summary_comes_after_the_problems_in_one_stream(corpus_dir: Path, write) -> None:
    """``chiptui check CORPUS 2>&1 | tail`` shows the problems, then the summary: the problems
    (on stdout, buffered in a pipe) are written out before the summary goes to stderr."""
    write("bad.md", '---\ntitle: "x"\ntopics: [a\n---\n')
    write("date.md", card_text('"Dated"', publishedDateTime="2021-02-30"))
    proc = subprocess.run(
        [sys.executable, "-m", "chiptui", "check", str(corpus_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # a user's shell: stdout buffered
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and "bad.md" in lines[0] and "date.md" in lines[1]
    assert lines[-1].startswith("2 files, 1 articles, 1 errors, 1 warnings")


def test_env_var_replaces_the_default_corpus(corpus_dir: Path, write) -> None:
    write("one.md", card_text('"Only one"'))
    proc = run("list", "--json", env={"CHIPTUI_CORPUS": str(corpus_dir)})
    assert [json.loads(line)["title"] for line in proc.stdout.splitlines()] == ["Only one"]


def test_help_and_list_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from chiptui.cli import main\n"
        "main(['list', '--json'])\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('TEXTUAL' if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 'CLEAN', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip().endswith("CLEAN")


def test_browser_without_a_terminal_says_so() -> None:
    proc = run()
    assert proc.returncode == 2 and "terminal" in proc.stderr


@needs_everyday_ai
def test_everyday_ai_corpus_is_read_whole() -> None:
    """Needs ../shared/corpora/everyday-ai: every card there is valid and must be listed."""
    files = sorted(p for p in EVERYDAY_AI.iterdir() if p.is_file())
    check = run("check", str(EVERYDAY_AI))
    assert check.returncode == 0, check.stdout
    # the real problems in this sample: two links written with a space in them
    assert sorted(line.split(": ")[1] for line in check.stdout.splitlines()) == ["warning", "warning"]
    assert all("has spaces" in line and "Wired%20Release" in line for line in check.stdout.splitlines())
    listed = [json.loads(line) for line in run("list", str(EVERYDAY_AI), "--json").stdout.splitlines()]
    assert len(listed) == len(files) == 201
    assert {row["source"] for row in listed} == {str(p) for p in files}
    spaced = [r for r in listed if "Wired%20Release" in (r["url"] or "")]
    assert spaced, "the card whose URL has a space still gets an openable link"


@needs_everyday_ai
def test_everyday_ai_other_folder_is_reported_not_crashed() -> None:
    """Needs ../shared/corpora/everyday-ai: its other/ folder holds provider and topic pages, not articles."""
    other = EVERYDAY_AI.parent / "other"
    proc = run("check", str(other))
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == len([p for p in other.iterdir() if p.is_file()])
    assert "Traceback" not in proc.stderr


def test_bundled_seeds_are_the_shared_seeds_byte_for_byte() -> None:
    from chiptui.paths import bundled_seeds

    from .conftest import SEEDS, SHARED

    reference = SHARED / "seeds" if (SHARED / "seeds").is_dir() else SEEDS
    bundled = bundled_seeds()
    names = sorted(p.name for p in reference.iterdir())
    assert sorted(p.name for p in bundled.iterdir()) == names
    for name in names:
        assert (bundled / name).read_bytes() == (reference / name).read_bytes()


def test_cached_lists_the_index_as_last_seen_without_checking_files(corpus_dir: Path, write) -> None:
    write("a.md", card_text("First card"))
    assert run("list", "--cached", str(corpus_dir)).stdout.count("\n") == 1  # never indexed: indexed now
    write("b.md", card_text("Second card"))
    assert "Second card" not in run("list", "--cached", str(corpus_dir)).stdout
    assert "Second card" in run("list", str(corpus_dir)).stdout  # the default checks every file
    assert "Second card" in run("list", "--cached", str(corpus_dir)).stdout
