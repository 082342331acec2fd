"""Write a synthetic corpus of N articles in the seed format, deterministic per seed.

    python scripts/generate_corpus.py OUT_DIR --count 100000 [--seed 1] [--bodies 0.1]

Cards have varied titles, providers, topics, dates, quality/heat, related lists; a
fraction get a scraped page (menus, share bars, promos, footer) in a separate file.
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import datetime, timedelta, timezone

WORDS = (
    "amazon google microsoft nvidia intel apple meta openai anthropic chip model training inference cloud data "
    "robot vision language speech startup funding research privacy regulation security quantum edge battery "
    "autonomous driving healthcare finance retail energy climate satellite network browser developer open source "
    "benchmark accelerator memory silicon datacenter analytics platform assistant search video image music game "
    "launches unveils debuts acquires raises expands cuts warns partners builds tests ships trains releases"
).split()
# a long tail of rarer made-up words, so the vocabulary is news-sized (about 6,000 words)
# and not just the 80 common ones above
_SYLLABLES = "ka lo mi ne ta ri so pu ve da gi ro tem bar quin stel ph ox ly ment tion ing er al on ex tra".split()
TAIL = sorted({"".join(random.Random(n).choices(_SYLLABLES, k=2 + n % 3)) for n in range(8000)})
random.Random(7).shuffle(TAIL)
PROVIDERS = [(f"{w.title()} {k}", f"{w}{k.lower()}.com") for w in WORDS[:40] for k in ("News", "Times", "Daily", "Wire")]
TOPICS = ["AI", "AI Hardware", "Machine Learning", "AWS AI", "Computer Vision", "NLP", "Robotics", "Microsoft AI",
          "Google AI", "AI in Finance", "AI in Health", "Autonomous Vehicles", "Generative AI", "Chips", "Cloud"]


def word(rng: random.Random) -> str:
    """A common word most of the time, else one of the long tail (rarer the further in)."""
    if rng.random() < 0.7:
        return rng.choice(WORDS)
    return TAIL[min(len(TAIL) - 1, int(rng.paretovariate(1.2) * 10) - 10)]


def title(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(5, 11))]
    words[0] = words[0].title()
    return " ".join(words) + (f" {rng.randint(2, 999)}" if rng.random() < 0.3 else "")


def card(rng: random.Random, index: int, when: datetime) -> tuple[str, str]:
    name, domain = rng.choice(PROVIDERS)
    head = title(rng)
    slug = "-".join(head.lower().split())[:80]
    url = f"https://{domain}/{when:%Y/%m/%d}/{slug}-{index}/"
    lines = [
        "---", "category: news", f'title: "{head}"',
        f'excerpt: "{" ".join(word(rng) for _ in range(rng.randint(15, 40)))}."',
        f"publishedDateTime: {when:%Y-%m-%dT%H:%M:%SZ}", f'webUrl: "{url}"', "type: article",
        f"quality: {rng.randint(1, 150)}", f"heat: {rng.randint(-1, 150)}", f"published: {rng.choice(['true', 'false'])}",
        "", "provider:", f"  name: {name}", f"  domain: {domain}", "", "topics:",
    ]
    lines += [f"  - {t}" for t in rng.sample(TOPICS, rng.randint(1, 4))]
    if rng.random() < 0.4:
        lines += ["", "related:"]
        for _ in range(rng.randint(1, 4)):
            rname, rdomain = rng.choice(PROVIDERS)
            lines += [f'  - title: "{title(rng)}"', f'    excerpt: "{" ".join(rng.choices(WORDS, k=20))}."',
                      f"    publishedDateTime: {when + timedelta(hours=rng.randint(1, 48)):%Y-%m-%dT%H:%M:%SZ}",
                      f'    webUrl: "https://{rdomain}/story/{rng.randint(1, 10**9)}"', "    type: article",
                      "    provider:", f"      name: {rname}", f"      domain: {rdomain}"]
    lines += ["", f'secured: "{rng.randbytes(48).hex()}"', "---", ""]
    return head, "\n".join(lines)


def page(rng: random.Random, head: str) -> str:
    paragraphs = [
        " ".join(word(rng) for _ in range(rng.randint(25, 60))).capitalize() + "." for _ in range(rng.randint(3, 8))
    ]
    return (
        "Home News Tech Business Science Opinion View All " + head + " Share on Facebook Share on X\n"
        + "\n".join(paragraphs)
        + "\nSign up for our newsletter! Follow us on X. \u00a9 2024 Example Media. All rights reserved.\n"
    )


def generate(out: str, count: int, seed: int = 1, bodies: float = 0.1) -> None:
    rng = random.Random(seed)
    start = datetime(2013, 1, 1, tzinfo=timezone.utc)
    for index in range(count):
        folder = os.path.join(out, f"{index // 1000:04d}")
        os.makedirs(folder, exist_ok=True)
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 11))
        head, text = card(rng, index, when)
        with open(os.path.join(folder, f"{index:07d}.md"), "w", encoding="utf-8") as f:
            f.write(text)
        if rng.random() < bodies:
            with open(os.path.join(folder, f"{index:07d}-page.txt"), "w", encoding="utf-8") as f:
                f.write(page(rng, head))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bodies", type=float, default=0.1, help="fraction of articles with a scraped page")
    args = parser.parse_args()
    generate(args.out, args.count, args.seed, args.bodies)
    print(f"wrote {args.count:,} articles to {args.out}")


if __name__ == "__main__":
    main()
