"""Pairwise precision and recall of a theme grouping against a labelled set (tests/data/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from summary.themes import Factor, FoundTheme

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LabelledSet:
    factors: list[Factor]
    labels: dict[tuple[str, int], str | None]


def load_labelled(name: str) -> LabelledSet:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    factors: list[Factor] = []
    labels: dict[tuple[str, int], str | None] = {}
    for group in data["groups"]:
        for position, (text, label) in enumerate(group["factors"], start=1):
            factor = Factor(group["key"], group["name"], position, text)
            factors.append(factor)
            labels[factor.key] = label
    return LabelledSet(factors, labels)


def _pairs(clusters: dict[tuple[str, int], str | None]) -> set[frozenset[tuple[str, int]]]:
    """Pairs of factors in the same cluster; a factor labelled None is alone."""
    return {
        frozenset((a, b))
        for a, b in combinations(sorted(clusters), 2)
        if clusters[a] is not None and clusters[a] == clusters[b]
    }


def pairwise_scores(labelled: LabelledSet, themes: list[FoundTheme]) -> tuple[float, float]:
    found: dict[tuple[str, int], str | None] = {factor.key: None for factor in labelled.factors}
    for index, theme in enumerate(themes):
        for factor in theme.factors:
            found[factor.key] = str(index)
    truth, predicted = _pairs(labelled.labels), _pairs(found)
    both = len(truth & predicted)
    precision = both / len(predicted) if predicted else 0.0
    recall = both / len(truth) if truth else 0.0
    return precision, recall
