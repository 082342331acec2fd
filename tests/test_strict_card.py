"""The strict path (``strict_card``) must give what the tolerant path gives, problems included,
on every file it can find: the seeds, everyday-ai, bodies-real and a hostile corpus written
here, one wrong field per card. Where it accepts a card, the card has no problem at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chiptui.corpus import loader
from chiptui.corpus.loader import index_file

from .conftest import EVERYDAY_AI, SEEDS, SHARED, card_text, needs_everyday_ai

BODIES_REAL = SHARED / "corpora" / "bodies-real"


def both_paths(folder: Path) -> tuple[int, int]:
    """Compare the two paths on every file under ``folder``: (files, cards the strict path took)."""
    files = strict = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        st = path.stat()
        fast = index_file(str(path), st.st_size, st.st_mtime_ns)
        slow = index_file(str(path), st.st_size, st.st_mtime_ns, strict=False)
        assert fast == slow, path
        files += 1
        text, problems = loader.read_text(str(path))  # what index_file hands the strict path
        if text is not None and not problems and loader._strict_record(str(path), text, st.st_size, st.st_mtime_ns):
            strict += 1
            assert slow.problems == (), path  # accepted only when there is nothing to say
    return files, strict


def test_the_seeds_agree_and_their_clean_cards_take_the_strict_path() -> None:
    files, strict = both_paths(SEEDS)
    assert files == 5
    assert strict >= 3  # the four cards, less any the tolerant path has a word for


@needs_everyday_ai
def test_everyday_ai_agrees_and_mostly_takes_the_strict_path() -> None:
    files, strict = both_paths(EVERYDAY_AI)
    assert files > 150
    assert strict > files // 2


@pytest.mark.skipif(not BODIES_REAL.is_dir(), reason="needs ../shared/corpora/bodies-real beside the checkout")
def test_bodies_real_agrees() -> None:
    files, _ = both_paths(BODIES_REAL)
    assert files >= 50  # 25 pages and their cards


GOOD = {
    "excerpt": '"A clean excerpt."',
    "publishedDateTime": "2021-03-04T05:06:07Z",
    "webUrl": "https://example.com/a",
    "originalUrl": "https://example.org/a",
    "type": "article",
    "category": "news",
    "quality": "5",
    "heat": "7",
    "published": "true",
    "provider": "\n  name: Example\n  domain: example.com",
    "topics": "\n  - AI\n  - Chips",
    "images": "\n  - url: https://example.com/i.png\n    width: 10",
    "related": (
        "\n  - title: Other coverage\n    webUrl: https://other.example/b\n    excerpt: More."
        "\n    publishedDateTime: 2021-03-04T06:00:00Z\n    provider:\n      name: Other"
    ),
}

# one wrong (or odd but fine) field per card: each is read by both paths
HOSTILE = {
    "title-number": {"title": "2021"},
    "title-entity": {"title": '"AT&amp;T buys &#8220;Things&#8221;"'},
    "title-entity-empty": {"title": '"&#32;"'},
    "title-escape-entity": {"title": '"Bad &#27;[31m title"'},
    "title-spaces": {"title": '"  Spaced    out  "'},
    "title-list": {"title": "\n  - a\n  - b"},
    "excerpt-number": {"excerpt": "12"},
    "excerpt-mapping": {"excerpt": "\n  a: b"},
    "date-bad": {"publishedDateTime": "yesterday"},
    "date-day-only": {"publishedDateTime": "2021-03-04"},
    "date-offset": {"publishedDateTime": '"2021-03-04T05:06:07+02:00"'},
    "date-number": {"publishedDateTime": "2021"},
    "url-javascript": {"webUrl": '"javascript:alert(1)"'},
    "url-spaces": {"webUrl": '"https://example.com/a b"'},
    "url-relative": {"webUrl": "/just/a/path"},
    "url-number": {"webUrl": "12"},
    "url-empty": {"webUrl": '""'},
    "quality-text": {"quality": '"5"'},
    "quality-float": {"quality": "5.5"},
    "quality-whole-float": {"quality": "5.0"},
    "quality-bool": {"quality": "true"},
    "quality-hex": {"quality": "0x1F"},
    "quality-underscore": {"quality": "1_000"},
    "quality-leading-underscore": {"quality": "_1"},
    "heat-binary": {"heat": "0b101"},
    "heat-upper-hex": {"heat": "0X1F"},
    "heat-upper-octal": {"heat": "0O17"},
    "heat-octal": {"heat": "0o17"},
    "quality-huge": {"quality": "99999999999999999999999"},
    "heat-long-hex": {"heat": "0x" + "F" * 30},
    "quality-leading-zeros": {"quality": "00012"},
    "quality-overflowing-float": {"quality": "1e400"},
    "published-yes": {"published": "yes"},
    "published-text": {"published": '"true"'},
    "provider-text": {"provider": "Example"},
    "provider-domain-only": {"provider": "\n  domain: example.com"},
    "provider-nothing": {"provider": "\n  images: []"},
    "provider-domain-number": {"provider": "\n  name: Example\n  domain: 12"},
    "provider-bad-image": {"provider": "\n  name: Example\n  images:\n    - width: 3"},
    "topics-text": {"topics": "AI"},
    "topics-nested": {"topics": "\n  - AI\n  - - nested"},
    "topics-number": {"topics": "\n  - AI\n  - 12"},
    "topics-empty-item": {"topics": '\n  - AI\n  - ""'},
    "topics-repeated": {"topics": "\n  - AI\n  - AI"},
    "topics-too-many": {"topics": "".join(f"\n  - T{i}" for i in range(101))},
    "images-text": {"images": "https://example.com/i.png"},
    "images-no-url": {"images": "\n  - width: 3"},
    "images-number-url": {"images": "\n  - url: 12"},
    "related-text": {"related": "other"},
    "related-item-text": {"related": "\n  - other"},
    "related-no-title": {"related": "\n  - webUrl: https://other.example/b"},
    "related-bad-url": {"related": '\n  - title: X\n    webUrl: "ftp://x"'},
    "related-url-spaces": {"related": '\n  - title: X\n    webUrl: "https://x.example/a b"'},
    "related-second-key": {"related": '\n  - title: X\n    webUrl: ""\n    url: https://x.example/c'},
    "related-bad-date": {"related": "\n  - title: X\n    publishedDateTime: soon"},
    "related-bad-provider": {"related": "\n  - title: X\n    provider: Someone"},
    "related-no-link": {"related": "\n  - title: X"},
    "related-too-many": {"related": "".join(f"\n  - title: R{i}" for i in range(201))},
    "type-number": {"type": "3"},
    "category-list": {"category": "\n  - a"},
    "unknown-keys": {"secured": '"abc"', "extra": "\n  nested: 1"},
    "title-comment": {"title": "A title # with a comment"},
    "title-hash-inside": {"title": "C#sharp news"},
    "title-multi-line": {"title": "A title\n  that goes on"},
    "title-folded": {"title": ">\n  A folded\n  title"},
    "excerpt-literal": {"excerpt": "|\n  Two\n  lines"},
    "excerpt-quoted-lines": {"excerpt": "'One\n  quoted, two lines'"},
    "topics-flow": {"topics": "[AI, Chips]"},
    "provider-flow": {"provider": "{name: Flow, domain: flow.example}"},
    "provider-anchor": {"provider": "&p\n  name: Anchored", "related": "\n  - title: X\n    provider: *p"},
    "provider-merge": {"provider": "\n  <<: {name: Merged}"},
    "related-merge": {"related": "\n  - title: X\n    <<:\n      webUrl: https://merged.example/x"},
    "title-duplicate": {"type": "article\ntitle: Second title"},
    "title-date": {"title": "2021-03-04"},
    "title-timestamp": {"title": "2021-03-04T05:06:07Z"},
    "title-float": {"title": "1e3"},
    "title-yes": {"title": "yes"},
    "title-null": {"title": "~"},
    "title-percent": {"title": "'%d of cards'"},
    "related-flow": {"related": "[{title: Flow related, webUrl: 'https://x.example/f'}]"},
    "complex-key": {"type": "article\n? title\n: Complex"},
    "tag-custom": {"type": "!custom article"},
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, fields in HOSTILE.items():
        merged = GOOD | fields
        title = merged.pop("title", '"A hostile card"')
        (folder / f"{name}.md").write_text(card_text(title, **merged) + "Body text.\n", encoding="utf-8")
    (folder / "good.md").write_text(card_text('"A good card"', **GOOD), encoding="utf-8")
    (folder / "tag.md").write_text(card_text("!!str Tagged", **GOOD), encoding="utf-8")
    (folder / "control.md").write_bytes(card_text('"Escape \x1b[2J here"', **GOOD).encode())
    (folder / "crlf.md").write_bytes(card_text('"Windows lines"', **GOOD).replace("\n", "\r\n").encode())
    (folder / "unclosed.md").write_text("---\ntitle: never closed\n", encoding="utf-8")
    (folder / "page.txt").write_text("Home News\nA page of words that is long enough.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("compiled", [True, False], ids=["yaml_rs", "ours"])
def test_a_hostile_corpus_agrees_field_by_field(hostile: Path, compiled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the compiled YAML reader and without it (a platform with no wheel for it)."""
    from chiptui.corpus import fastyaml

    if not compiled:
        monkeypatch.setattr(fastyaml, "_compiled", None)
    elif fastyaml._compiled is None:
        pytest.fail("yaml_rs is a dependency: it should be installed")
    files, strict = both_paths(hostile)
    assert files == len(HOSTILE) + 6
    # the clean ones take the strict path; which others do is both paths' business, as long
    # as they agree, but the good card and the odd-but-fine ones must
    assert loader._strict_record(*_args(hostile / "good.md")) is not None
    assert loader._strict_record(*_args(hostile / "topics-repeated.md")) is not None
    assert loader._strict_record(*_args(hostile / "url-javascript.md")) is None
    assert 2 <= strict < files


def _args(path: Path) -> tuple[str, str, int, int]:
    st = path.stat()
    return str(path), path.read_text(encoding="utf-8"), st.st_size, st.st_mtime_ns


def test_check_reports_the_same_either_way(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole corpus's problems, as ``check`` lists them, with and without the strict path."""
    from chiptui.corpus.store import CorpusStore

    def problems() -> list[tuple[str, int | None, str, str]]:
        store = CorpusStore.load([str(hostile)])
        return [(os.path.basename(p.path), p.line, p.severity, p.message) for p in store.problems]

    strict = problems()
    monkeypatch.setattr(loader, "_strict_record", lambda *args: None)
    for cache in Path(os.environ["CHIPTUI_CACHE_DIR"]).rglob("*"):
        if cache.is_file():
            cache.unlink()  # a cold index again, now all through the tolerant path
    assert problems() == strict
    assert len(strict) > len(HOSTILE) // 2


def test_deeply_nested_yaml_never_reaches_the_compiled_reader(tmp_path: Path) -> None:
    """yaml-rs recurses without a limit on block nesting and crashes the process (a segfault,
    no exception) past some tens of thousands of levels, which a 200 KB card of "- - - ..."
    reaches. Such cards go to our reader and PyYAML (which refuse them with a problem); each is
    indexed in a subprocess here, so a crash fails the test instead of ending the run."""
    import subprocess
    import sys

    cards = {
        "compact-sequences.md": "related:\n  " + "- " * 100_000 + "x\n",
        "compact-top.md": "title: x\ntopics:\n" + "- " * 100_000 + "x\n",
        "complex-keys.md": "title: x\nextra:\n  " + "? " * 100_000 + "x\n",
        "mixed.md": "title: x\nextra:\n  " + "- ? " * 50_000 + "x\n",
        "wide.md": "title: x\nextra:\n  " + "-   ?  " * 50_000 + "x\n",
        "indentation.md": "title: x\nextra:\n" + "".join(" " * i + "a:\n" for i in range(1, 1500)) + " " * 1500 + "a: 1\n",
        "flow.md": "title: x\nextra: " + "[" * 100_000 + "]" * 100_000 + "\n",
    }
    for name, front in cards.items():
        (tmp_path / name).write_text("---\n" + front + "---\n", encoding="utf-8")
    code = (
        "import os, sys\n"
        "from chiptui.corpus.loader import index_file\n"
        "path = sys.argv[1]\n"
        "fast = index_file(path, os.path.getsize(path), 0)\n"
        "slow = index_file(path, os.path.getsize(path), 0, strict=False)\n"
        "assert fast == slow, (fast.card, fast.problems, slow.card, slow.problems)\n"
    )
    for name in cards:
        proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (name, proc.returncode, proc.stderr[-500:])
