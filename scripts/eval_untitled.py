"""Score the cleaner on bodies-real without the pages' titles, as full-text search sees them.

    python scripts/eval_untitled.py [../shared/corpora/bodies-real] [--cleaner OTHER_CLEAN.PY]

The index cleans each scraped page in its parse worker, before the page is joined to its card,
so without the card's title; that cleaned text is what ``--text`` and Ctrl+T search.
``../shared/tools/eval_bodies.py`` scores the joined body (with the title). This scores the
same gold and junk snippets on ``clean_body(text, None)``: how many gold snippets are kept,
how many junk ones leak, and which pages lose gold. ``--cleaner`` scores another copy of
``clean.py`` (``git show REV:src/chiptui/corpus/clean.py > /tmp/old.py``) for comparison.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compare_cleaners import load  # (this folder, on the path when a script of it runs)

REPO = Path(__file__).resolve().parents[1]


def _cleaner(path: str | None):  # type: ignore[no-untyped-def]
    if path is None:
        from chiptui.corpus.clean import clean_body

        return clean_body
    return load(path, "cleaner_other").clean_body


def _folded(text: str) -> str:
    return " ".join(text.split()).lower()


def _snippets(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpora" / "bodies-real"))
    parser.add_argument("--cleaner", help="another clean.py to score instead of the installed one")
    args = parser.parse_args()
    clean_body = _cleaner(args.cleaner)
    gold_kept = gold_total = junk_leaked = junk_total = 0
    losing = []
    for body in sorted(Path(args.corpus).glob("*_body.txt")):
        name = body.name.removesuffix("_body.txt")
        cleaned = _folded(" ".join(clean_body(body.read_text(encoding="utf-8"), None)))
        gold = _snippets(body.with_name(f"{name}_gold.txt"))
        junk = _snippets(body.with_name(f"{name}_junk.txt"))
        kept = sum(_folded(snippet) in cleaned for snippet in gold)
        gold_kept, gold_total = gold_kept + kept, gold_total + len(gold)
        junk_leaked += sum(_folded(snippet) in cleaned for snippet in junk)
        junk_total += len(junk)
        if kept < len(gold):
            losing.append(f"{name} {kept}/{len(gold)}")
    if not gold_total:
        print(f"no pages with gold snippets in {args.corpus}", file=sys.stderr)
        return 1
    print(f"without titles: gold kept {gold_kept}/{gold_total}, junk leaked {junk_leaked}/{junk_total}")
    print("pages losing gold: " + (", ".join(losing) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
