"""Re-train model.json on a labelled synthetic register.

    .venv/bin/python -m tumen.people.linkage.train [RECORDS] [SEED]

The benchmark and the evaluation use other seeds (benchmarks/dedupe.py: 101 and 202), so the
weights are not measured on the register they were fitted to.
"""

from __future__ import annotations

import datetime
import sys

from tumen.people.linkage import bulk
from tumen.people.linkage.features import features
from tumen.people.linkage.synthetic import Generator

TRAIN_RECORDS, TRAIN_SEED = 100_000, 11


def train_synthetic(records: int = TRAIN_RECORDS, seed: int = TRAIN_SEED, path=None) -> dict:
    rows, labels = [], []
    for r, pid in Generator(seed).register(records):
        born = r["birth_date"]
        rows.append(
            features(
                record_id=r["record_id"],
                names=(r["name_hangul"], r["name_hanzi"], r["name_latin"]),
                birth_date=datetime.date.fromisoformat(born) if born else None,
                sex=r["sex"],
                id_number=r["id_number"],
                nationality=r["nationality"],
            )
        )
        labels.append(f"P{pid}")
    table = bulk.table(rows, extra={"person": labels})
    return bulk.train(table, label_column="person", path=path)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    train_synthetic(*args)
