"""Times the field diff (`profiles.diff.diff_field`) on large prose fields and
prints seconds per comparison. Figures, not assertions: run it before and
after a change.

    .venv/bin/python bench/diff.py [--sizes 10000 100000 1000000]

Each size is timed three ways: an edited text (one word in fifty replaced,
inserted or deleted), a text rewritten from scratch (no word in common, the
worst case for the word diff, cut short by its time budget), and a
repetitive text with edits (many equal words to match). No database.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# fmt: off
WORDS = [
    "the", "group", "fought", "in", "Aleppo", "and", "Deir", "ez-Zor", "with",
    "about", "3,000", "fighters", "Liwa", "al-Baqir", "لواء", "الباقر", "في", "حلب",
    "IRGC", "commanders", "tribal", "brigade", "claims", "2012", "likely", "later",
    "reported", "denied¹", "sources²", "according", "to",
]
# fmt: on


def prose(size: int, rng: random.Random, words=WORDS) -> str:
    """About `size` characters of sentences in paragraphs."""
    parts, length = [], 0
    while length < size:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 20)))
        sentence = sentence[:1].upper() + sentence[1:] + "."
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.15:
            parts.append("\n\n")
    return " ".join(parts)[:size]


def edited(text: str, rng: random.Random) -> str:
    """`text` with one word in fifty replaced, removed or doubled."""
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < 0.01:
            out.append(rng.choice(WORDS))
        elif roll < 0.013:
            continue
        elif roll < 0.02:
            out.extend([word, rng.choice(WORDS)])
        else:
            out.append(word)
    return " ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000]
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from profiles.diff import diff_field

    rng = random.Random(2017)
    other = [f"w{n}" for n in range(5000)]
    print(f"{'characters':>10}  {'case':<10} {'seconds':>8}  notice")
    for size in args.sizes:
        old = prose(size, rng)
        cases = {
            "edited": (old, edited(old, rng)),
            "rewritten": (old, prose(size, rng, other)),
            "repetitive": (
                ("a b " * size)[:size],
                edited(("a b " * size)[:size], rng),
            ),
        }
        for case, (before, after) in cases.items():
            start = time.perf_counter()
            diff = diff_field("background", before, after)
            seconds = time.perf_counter() - start
            print(f"{size:>10,}  {case:<10} {seconds:>8.2f}  {diff.notice or '-'}")


if __name__ == "__main__":
    main()
