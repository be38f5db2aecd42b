"""Scoring a de-duplication against the truth: pairwise and cluster precision, recall and F1,
blocking recall, and recall by script pair."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from tumen.names import script_of


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs_within(groups) -> int:
    return sum(n * (n - 1) // 2 for n in groups)


@dataclass
class Scores:
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float
    blocking_recall: float | None
    true_pairs: int
    by_script_pair: dict[str, tuple[int, float]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"pairwise  precision {self.pairwise_precision:.4f}  recall {self.pairwise_recall:.4f}"
            f"  F1 {self.pairwise_f1:.4f}   ({self.true_pairs} true pairs)",
            f"clusters  precision {self.cluster_precision:.4f}  recall {self.cluster_recall:.4f}"
            f"  F1 {self.cluster_f1:.4f}",
        ]
        if self.blocking_recall is not None:
            out.append(f"blocking recall {self.blocking_recall:.4f}")
        out.append("recall by script pair (pairs, recall):")
        for key, (n, r) in sorted(self.by_script_pair.items(), key=lambda kv: -kv[1][0]):
            out.append(f"  {key:<28} {n:>8}  {r:.4f}")
        return out


def record_script(cells: dict[str, str]) -> str:
    scripts = {script_of(cells.get(c, "")) for c in ("name_hangul", "name_hanzi", "name_latin")}
    scripts.discard("")
    return "+".join(sorted(scripts)) or "none"


def score(
    predicted: dict[str, str],
    truth: dict[str, str],
    *,
    scripts: dict[str, str] | None = None,
    blocked_true_pairs: int | None = None,
) -> Scores:
    joint = Counter((predicted[r], truth[r]) for r in truth if r in predicted)
    tp = _pairs_within(joint.values())
    pred_pairs = _pairs_within(Counter(predicted[r] for r in truth if r in predicted).values())
    true_members: dict[str, list[str]] = defaultdict(list)
    for r, c in truth.items():
        true_members[c].append(r)
    true_pairs = _pairs_within(len(v) for v in true_members.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    pred_sets = defaultdict(set)
    for r, c in predicted.items():
        if r in truth:
            pred_sets[c].add(r)
    true_sets = {frozenset(v) for v in true_members.values()}
    exact = sum(1 for s in pred_sets.values() if frozenset(s) in true_sets)
    cp = exact / len(pred_sets) if pred_sets else 1.0
    cr = exact / len(true_sets) if true_sets else 1.0
    by_pair: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if scripts:
        for members in true_members.values():
            for a, b in combinations(members, 2):
                key = " ~ ".join(sorted((scripts.get(a, "?"), scripts.get(b, "?"))))
                by_pair[key][0] += 1
                by_pair[key][1] += predicted.get(a) == predicted.get(b) and a in predicted
    return Scores(
        precision,
        recall,
        _f1(precision, recall),
        cp,
        cr,
        _f1(cp, cr),
        blocked_true_pairs / true_pairs if blocked_true_pairs is not None and true_pairs else None,
        true_pairs,
        {k: (n, ok / n) for k, (n, ok) in by_pair.items()},
    )


def blocked_true_pairs(blocked_pairs_relation, truth: dict[str, str]) -> int:
    """How many true pairs the blocking rules put in front of the model."""
    import duckdb
    import pyarrow as pa

    truth_table = pa.table({"rid": list(truth), "cid": list(truth.values())})
    con = duckdb.connect()
    con.register("truth", truth_table)
    pairs = blocked_pairs_relation.select("unique_id_l, unique_id_r").arrow()
    con.register("blocked", pairs)
    return con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT unique_id_l, unique_id_r FROM blocked) b "
        "JOIN truth l ON l.rid = b.unique_id_l JOIN truth r ON r.rid = b.unique_id_r "
        "WHERE l.cid = r.cid"
    ).fetchone()[0]
