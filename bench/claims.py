"""Times reading a field as claims (`profiles.claims`) at the most a field
holds (100,000 characters) and prints milliseconds per read. Figures, not
assertions: run it before and after a change to the claim reader.

    .venv/bin/python bench/claims.py [--chars 100000]

The texts are an ordinary prose field (sentences, each ending at its note),
and hostile ones: a run of marks, marks after every word, brackets that are
not annotations, an annotation every few words, and a distinct date in each
of thousands of annotations. No database.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from profiles import claims  # noqa: E402


def texts(size: int, rng: random.Random) -> dict[str, str]:
    sentences = []
    while sum(map(len, sentences)) < size:
        words = " ".join(
            rng.choice(["group", "fought", "near", "the", "river"])
            for _ in range(rng.randint(6, 18))
        )
        sentences.append(f"{words.capitalize()}.{rng.choice('¹²³⁴⁵')}")
    dated = "".join(
        f"x.¹ [reported; as of {1900 + i % 120}-{1 + i % 12:02d}-{1 + i % 28:02d}] "
        for i in range(size // 30)
    )
    return {
        "prose, one note a sentence": " ".join(sentences)[:size],
        "a run of marks": ("¹ " * size)[:size],
        "a mark after every word": ("word¹ " * size)[:size],
        "brackets, not annotations": ("text [x] " * size)[:size],
        "an annotation every word": ("[as of 2017] " * size)[:size],
        "a distinct date each": dated[:size],
    }


def timed(read, text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        claims._edtf.cache_clear()
        start = time.perf_counter()
        read(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{'text':32} {'claims':>7} {'prose ms':>9} {'bullet ms':>10}")
    for name, text in texts(args.chars, random.Random(12)).items():
        count = len(claims.parse_prose(text))
        prose = timed(claims.parse_prose, text)
        bullet = timed(claims.parse_bullet, text)
        print(f"{name:32} {count:7,} {prose:9.1f} {bullet:10.1f}")


if __name__ == "__main__":
    main()
