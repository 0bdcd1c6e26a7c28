"""How long the theme finder takes: loading once per process, then per run on ~100 factors.

.venv/bin/python bench/themes.py
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "topp25.settings")

from summary import themes  # noqa: E402
from tests.theme_scoring import load_labelled, pairwise_scores  # noqa: E402

SETS = [
    "themes_sv.json",
    "themes_heldout_sv.json",
    "themes_heldout2_sv.json",
    "themes_heldout3_sv.json",
    "themes_heldout4_sv.json",
    "themes_heldout5_sv.json",
    "themes_heldout6_sv.json",
    # Written blind to the finder and measured once before anyone tuned on them (their
    # "about" has the figures): the honest estimate of how the finder does on new meetings.
    "themes_heldout7_sv.json",
    "themes_heldout8_sv.json",
]


def main() -> None:
    factors = (
        load_labelled("themes_sv.json").factors + load_labelled("themes_heldout_sv.json").factors
    )
    started = time.perf_counter()
    themes.lexicon()
    lexicon = time.perf_counter() - started
    started = time.perf_counter()
    themes.dictionary()
    dictionary = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    found = themes.find_themes(factors)
    first = time.perf_counter() - started
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        themes.find_themes(factors)
    again = (time.perf_counter() - started) / runs
    print(
        f"factors: {len(factors)} from {len({f.group for f in factors})} groups, themes: {len(found)}"
    )
    lex = themes.lexicon()
    print(
        f"lexicon + stop words load: {lexicon * 1000:.0f} ms (once per process): "
        f"{len(set(lex.concepts.values()))} concepts, {len(lex.concepts) + len(lex.weak)} words, "
        f"{len(lex.phrases)} phrases, {len(lex.prefixes)} prefixes"
    )
    print(
        f"hunspell-sv dictionary load (spylls): {dictionary:.2f} s (once per process), max RSS {rss:.0f} MB"
    )
    print(f"first run (cold word caches, simplemma loads its Swedish data): {first * 1000:.0f} ms")
    print(f"later runs (warm caches): {again * 1000:.2f} ms each (mean of {runs})")
    # New texts: every per-text and per-word cache of the finder emptied (the dictionary's
    # and simplemma's own stay loaded, as they are in a warmed worker).
    themes._evidence.cache_clear()
    themes.plain_words.cache_clear()
    themes.word_terms.cache_clear()
    themes._bases.cache_clear()
    themes.whole_word.cache_clear()
    started = time.perf_counter()
    themes.find_themes(factors)
    print(
        f"run with word caches cleared (dictionary loaded): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    # Pairwise precision / recall over factor pairs, set by set (tests/theme_scoring.py).
    for name in SETS:
        labelled = load_labelled(name)
        precision, recall = pairwise_scores(labelled, themes.find_themes(labelled.factors))
        print(f"{name}: precision {precision:.2f}, recall {recall:.2f}")


if __name__ == "__main__":
    main()
