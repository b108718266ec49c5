"""Scoring linkage against labelled truth: pairwise precision, recall and F1, and the pairs it got wrong."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any


def cluster_pairs(clusters: Sequence[Sequence[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in clusters for p in combinations(c, 2)}  # type: ignore[misc]


def truth_pairs(labels: Mapping[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for ref, group in labels.items():
        groups[group].append(ref)
    return cluster_pairs(list(groups.values()))


def pair_scores(clusters: Sequence[Sequence[str]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    found = cluster_pairs(clusters)
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "true_positives": tp, "false_positives": sorted(found - truth), "false_negatives": sorted(truth - found)}


def pair_errors(clusters: Sequence[Sequence[str]], labels: Mapping[str, str],
                explained: Mapping[tuple[str, str], tuple[float, Sequence[str]]]) -> dict[str, list[dict[str, Any]]]:
    """Every false merge and missed link, with its reason: `explained` maps a sorted (left, right) pair to the
    linker's (score, reasons) where it scored the pair. A pair the linker never scored says so."""
    scores = pair_scores(clusters, truth_pairs(labels))

    def row(pair: tuple[str, str], fallback: str) -> dict[str, Any]:
        score, reasons = explained.get(pair, (None, ()))
        return {"left": pair[0], "right": pair[1], "left_label": labels.get(pair[0]), "right_label": labels.get(pair[1]),
                "score": score, "reason": "; ".join(reasons) or fallback}

    return {"false_merges": [row(p, "joined through other records of the cluster") for p in scores["false_positives"]],
            "missed_links": [row(p, "never scored together: other blocks, or titles too far apart")
                             for p in scores["false_negatives"]]}
