"""The fast card reader must agree with PyYAML wherever it answers, and step aside elsewhere."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from chiptui.corpus.fastyaml import fast_parse
from chiptui.corpus.frontmatter import FrontMatterError, split_front_matter
from chiptui.corpus.loader import read_text
from chiptui.corpus.pyyaml_reader import parse_with_pyyaml as parse_yaml

from .conftest import EVERYDAY_AI, SEEDS, needs_everyday_ai


def same(a: object, b: object) -> bool:
    """Equal data of equal types (True is not 1 here), with the raw text of numbers."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b) and getattr(a, "raw", None) == getattr(b, "raw", None)  # type: ignore[arg-type]
    return a == b and getattr(a, "raw", None) == getattr(b, "raw", None)


def check_agrees(front: str, first_line: int = 2) -> bool:
    """True when the fast reader answered (and then it must equal PyYAML)."""
    fast = fast_parse(front, first_line)
    if fast is None:
        return False
    slow = parse_yaml(front, first_line)
    assert same(fast.data, slow.data), front
    assert fast.key_lines == slow.key_lines, front
    assert fast.item_lines == slow.item_lines, front
    assert not slow.ignored_tags
    return True


def fronts(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            text, _ = read_text(str(path))
            split = split_front_matter(text) if text else None
            if split is not None and split.front is not None and split.closed:
                found.append(split.front)
    return found


def test_the_seed_cards_are_read_fast_and_the_same() -> None:
    cards = fronts(SEEDS)
    assert len(cards) == 4
    assert all(check_agrees(front) for front in cards)


@needs_everyday_ai
def test_every_everyday_ai_card_agrees() -> None:
    cards = fronts(EVERYDAY_AI)
    answered = sum(check_agrees(front) for front in cards)
    assert answered >= 0.9 * len(cards)  # nearly all real cards take the fast path


@pytest.mark.parametrize(
    "front",
    [
        "title: plain\nquality: 12\nheat: -3\nscore: 1.50\nflag: true\nnothing: ~\nempty:\n",
        "title: 'single ''quoted'' text'\nwhen: 2020-12-01T18:38:00Z\nodd: 1:30\nno: no\n",
        'title: "double"\nlist:\n  - a\n  - 12\n  -\n  - "x"\n',
        "title: t\nrelated:\n- title: r1\n  provider:\n    name: P\n- title: r2\nafter: 1\n",
        "title: t\ntopics:\n    - deep\n    - indent\nprovider:\n   name: three\n   domain: spaces.com\n",
        "title: t  \n# a comment\n\ntopics:   \n  # inside\n  - AI   \n",
        "title: https://example.com/a:b?c=d#frag\nurl: http://x.y/z\n",
        "title: 0x1F\nother: 0o17\nf: .inf\ng: -.Inf\nh: .nan\ni: 1e3\nj: +5\n",
        "title: dup\ntitle: again\n",
        "title: t\nnested:\n  - - inner\n",
        "title: t\nimages:\n  - url: u\n    width: 50\n  - url: v\n",
    ],
)
def test_tricky_but_plain_yaml_agrees(front: str) -> None:
    check_agrees(front)


@pytest.mark.parametrize(
    "front",
    [
        "title: [flow, list]\n",
        "title: {flow: map}\n",
        "title: &anchor value\nother: *anchor\n",
        "title: !!python/object:os.system x\n",
        "title: |\n  block\n",
        "title: >\n  folded\n",
        "title: multi\n  line plain\n",
        'title: "escaped \\" quote"\n',
        "title: has: colon space\n",
        "title: trailing # comment\n",
        "\ttitle: tab\n",
        "true: key is a boolean\n",
        "? complex key\n: value\n",
        "- a top level list\n",
        "title: \u2028line separator\n",
        "  title: indented top\n",
        "title: t\n  bad: indent\n",
        '"quoted key": value\n',
        "title: x\n<<: {a: 1}\n",
    ],
)
def test_anything_else_is_left_to_pyyaml(front: str) -> None:
    assert fast_parse(front, 2) is None
    try:
        parse_yaml(front, 2)  # PyYAML reads it, or reports it; never the fast path's business
    except FrontMatterError:
        pass


def test_the_compiled_reader_reads_only_on_a_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """yaml-rs crashed the browser (a segfault inside its loads, in 2 of 8 runs of the UI
    tests, always in one of the browser's worker threads): it is asked only on a process's
    main thread (the CLI's, the parse workers'), and a worker thread gets the same mapping
    from our reader."""
    import threading

    from chiptui.corpus import fastyaml

    if fastyaml._compiled is None:
        pytest.skip("yaml-rs is not installed here")  # it is a dependency: only a broken install lacks it
    front = split_front_matter(read_text(str(SEEDS / "000_ba230b9fdc77d4a3.txt"))[0] or "").front or ""
    calls: list[str] = []
    real = fastyaml._compiled.loads

    class Counting:
        @staticmethod
        def loads(text: str, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(threading.current_thread().name)
            return real(text, **kwargs)

    monkeypatch.setattr(fastyaml, "_compiled", Counting)
    here = fastyaml.plain_mapping(front, 2)
    assert calls == [threading.main_thread().name]
    there: list[object] = []
    worker = threading.Thread(target=lambda: there.append(fastyaml.plain_mapping(front, 2)), name="worker")
    worker.start()
    worker.join()
    assert calls == [threading.main_thread().name]  # not asked again from the worker
    assert there == [here] and here is not None
