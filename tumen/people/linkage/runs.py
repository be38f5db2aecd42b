"""The file runs behind `tumen dedupe` and `tumen match`: read the contract CSVs, run Splink,
write the answer; with a truth file, score the run (and the same run on raw-string names)."""

from __future__ import annotations

import csv
import gc
import time
from dataclasses import dataclass

from tumen.people.linkage import bulk, csvio, evaluate
from tumen.people.linkage import model as m


@dataclass
class DedupeRun:
    records: int
    clusters: dict[str, str]
    seconds: float
    scores: evaluate.Scores | None = None


def dedupe_file(
    path, *, out=None, truth_path=None, raw: bool = False, threshold: float = m.MATCH_THRESHOLD
) -> DedupeRun:
    start = time.perf_counter()
    truth = csvio.read_truth(truth_path) if truth_path else None
    # The file is read once, row by row, into the table's columns: a million records' features
    # and cells are never held as objects at once.
    ids: list[str] = []
    scripts: dict[str, str] = {}

    def features():
        for r in csvio.iter_records(path, raw=raw):
            ids.append(r.features.record_id)
            if truth is not None:
                scripts[r.features.record_id] = evaluate.record_script(r.cells)
            yield r.features

    # Reading a million rows creates millions of small objects and no cycles: the cyclic garbage
    # collector would scan them again and again for nothing.
    gc.disable()
    try:
        table = bulk.table(features())
    finally:
        gc.enable()
    result, _linker = bulk.dedupe(table, threshold=threshold, keep_pairs=truth is not None)
    del table
    clusters = result.clusters
    if out:
        with open(out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "cluster_id"])
            for rid in ids:
                writer.writerow([rid, clusters.get(rid, rid)])
    seconds = time.perf_counter() - start
    scores = None
    if truth is not None:
        unknown = [rid for rid in truth if rid not in clusters]
        if unknown:
            raise csvio.CsvError(f"{truth_path}: record_id {unknown[0]!r} is not in {path}")
        scores = evaluate.score(
            clusters,
            truth,
            scripts=scripts,
            blocked_true_pairs=evaluate.blocked_true_pairs(result.blocked_pairs, truth),
        )
    return DedupeRun(len(ids), clusters, seconds, scores)


def match_file(queries_path, register_path, out, *, threshold: float = m.MATCH_THRESHOLD) -> int:
    """Write `record_id,match_record_id,score` for every query; blank for a new person."""
    queries = csvio.read(queries_path)
    register = csvio.read(register_path)
    best = bulk.link(
        bulk.table(r.features for r in queries),
        bulk.table(r.features for r in register),
        threshold=threshold,
    )
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "match_record_id", "score"])
        for r in queries:
            rid = r.features.record_id
            match, probability = best.get(rid, ("", None))
            writer.writerow([rid, match, f"{probability:.4f}" if probability is not None else ""])
    return sum(1 for r in queries if r.features.record_id in best)
