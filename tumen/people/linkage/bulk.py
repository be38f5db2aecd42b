"""Bulk de-duplication and linkage with Splink 5 on DuckDB.

`table(...)` turns `Features` into the Arrow table Splink reads; `dedupe` scores the blocked pairs
and clusters them; `link` finds, for each query record, the best register record. Both use the
weights in model.json (see `model`), so a pair scores the same here and in the online matcher.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass

from tumen.people.linkage import model as m
from tumen.people.linkage.features import Features

# Candidate pairs: a common name key in the same birth year (solar, or the year of the lunar
# reading, which is the year before for a birthday in January or February) or on the same day and
# month (a wrong year), the same birth date with a common surname or a common given name (names in
# scripts that share no key, such as Pinyin and Hangul), or the same identity number.
BLOCKING = (
    (("pair_years",), "pair_years"),
    (("pairs", "birth_md"), "pairs"),
    (("birth_date", "surnames"), "surnames"),
    (("birth_date", "given"), "given"),
    (("id_block",), None),
)


KEY_LENGTH = 200


def blocking_keys(f: Features, *, without_birth_date: bool = True, probe: bool = False) -> set[str]:
    """The online matcher's blocks as strings, for its indexed key table.

    Narrower than the bulk run's blocks (BLOCKING): a common name in one birth *month* rather
    than one birth year, so that a search at a million persons compares a few namesakes, not a
    hundred. Each clerk's error the model weighs still shares a key with the right person:

    * `y` a name pair with the year and month of the birth date and of its lunar reading (a
      wrong day digit; a lunar date for a solar one either way, as the register keeps both);
      a search (`probe`) also looks up its day as the month (day and month swapped);
    * `d` a name pair with the year and day of the birth date (a wrong month digit);
    * `m` a name pair with the day and month (a wrong year, or a wrong year digit);
    * `s` and `g` the birth date with a surname or a given name (names in scripts that share no
      key, such as Pinyin and Hangul); `i` the identity number.

    With `without_birth_date`, each name pair is also a key alone, so that a search without a
    birth date still finds the person. A person registered without a birth date also has each
    name pair as a `u:` key, which a search (`probe`) with a birth date looks up as well: a few
    undated namesakes, not every namesake.
    """
    keys: set[str] = set()
    if not f.birth_date or probe:
        keys |= {f"u:{p}" for p in f.pairs}
    if f.birth_date:
        born = f.birth_date
        months = {(born.year, born.month)}
        if f.birth_lunar:
            months.add((f.birth_lunar.year, f.birth_lunar.month))
        if probe and born.day <= 12 and born.day != born.month:
            months.add((born.year, born.day))
        for p in f.pairs:
            keys |= {f"y{year}-{month:02d}:{p}" for year, month in months}
            keys.add(f"d{born.year}-{born.day:02d}:{p}")
            keys.add(f"m{born.month:02d}{born.day:02d}:{p}")
        keys |= {f"s{born.isoformat()}:{s}" for s in f.surnames}
        keys |= {f"g{born.isoformat()}:{g}" for g in f.given}
    if without_birth_date:
        keys |= {f"p:{p}" for p in f.pairs}
    if f.id_number:
        keys.add(f"i:{f.id_number}")
    return {k[:KEY_LENGTH] for k in keys}


def pair_years(f: Features) -> list[str]:
    """Each name pair with the birth year and the year of the lunar reading of the birth date."""
    if not f.birth_date:
        return []
    years = {f.birth_date.year} | ({f.birth_lunar.year} if f.birth_lunar else set())
    return sorted(f"{y}:{p}" for y in years for p in f.pairs)


def blocking_rules() -> list:
    from splink import block_on

    return [
        block_on(*cols, arrays_to_explode=[explode]) if explode else block_on(*cols)
        for cols, explode in BLOCKING
    ]


_COLUMNS = (
    "unique_id",
    "surnames",
    "given",
    "pairs",
    "surname1",
    "given1",
    "given_k1",
    "given_kind",
    "given_chars",
    "given_jamo",
    "given_q",
    "pair_years",
    "birth_date",
    "birth_lunar",
    "birth_year",
    "birth_md",
    "sex",
    "nationality",
    "id_number",
    "id_block",
)
# Rows gathered as Python lists before they become Arrow arrays: Python objects cost ten times
# their Arrow form, so a million records are converted a slice at a time.
CHUNK = 50_000


def _values(f: Features) -> tuple:
    born = f.birth_date
    return (
        f.record_id,
        sorted(f.surnames),
        sorted(f.given),
        sorted(f.pairs),
        f.surname1 or None,
        f.given1 or None,
        f.given_k1,
        f.given_kind,
        f.given_chars or None,
        f.given_jamo,
        sorted(f.given_q),
        pair_years(f),
        born,
        f.birth_lunar,
        born.year if born else None,
        born.strftime("%m%d") if born else None,
        f.sex,
        f.nationality,
        f.id_number,
        f.id_number or None,
    )


def table(rows: Iterable[Features], extra: dict[str, list] | None = None):
    """The Arrow table Splink reads, one row per record."""
    import pyarrow as pa

    batches = []
    chunk: list[tuple] = []

    def flush():
        columns = list(zip(*chunk, strict=True)) if chunk else [[] for _ in _COLUMNS]
        types = _types()
        batches.append(
            pa.table(
                {
                    name: pa.array(values, type=types[name])
                    for name, values in zip(_COLUMNS, columns, strict=True)
                }
            )
        )
        chunk.clear()

    for f in rows:
        chunk.append(_values(f))
        if len(chunk) >= CHUNK:
            flush()
    if chunk or not batches:
        flush()
    result = pa.concat_tables(batches)
    for name, values in (extra or {}).items():
        result = result.append_column(name, pa.array(values))
    return result


def _types() -> dict:
    """Every slice gets the same types, whatever its values (a slice may lack every birth date)."""
    import pyarrow as pa

    types = dict.fromkeys(_COLUMNS, pa.string())
    types.update(dict.fromkeys(_LIST_COLUMNS, pa.list_(pa.string())))
    types.update(birth_date=pa.date32(), birth_lunar=pa.date32(), birth_year=pa.int64())
    return types


_LIST_COLUMNS = frozenset({"surnames", "given", "pairs", "given_q", "pair_years"})


def settings(prior: float | None = None, *, records: int | None = None) -> dict:
    """Splink settings: the trained model when there is one, else the untrained comparisons.

    The prior (two random records being one person) falls as a register grows: a person has
    about as many duplicates in a big register as in a small one, among many more records. It is
    scaled from the training register's size to `records`.
    """
    from splink import SettingsCreator

    if m.MODEL_PATH.exists() and prior is None:
        data = json.loads(m.MODEL_PATH.read_text(encoding="utf-8"))
        if records:
            data["probability_two_random_records_match"] = m.scaled_prior(
                data["probability_two_random_records_match"], data["tumen_trained_records"], records
            )
        return {k: v for k, v in data.items() if not k.startswith("tumen_")}
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=m.splink_comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=prior or 1e-6,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return creator.get_settings("duckdb").as_dict()


def _linker(tables, settings_dict: dict, link_type: str = "dedupe_only"):
    from splink import DuckDBAPI, Linker

    db = DuckDBAPI()
    db._execute_sql_against_backend("SET preserve_insertion_order = false")
    frames = [db.register(t) for t in tables]
    s = copy.deepcopy(settings_dict)
    s["link_type"] = link_type
    linker = Linker(frames if len(frames) > 1 else frames[0], s, log_level=30)
    _register_term_frequencies(linker, db)
    return linker, db


def _register_term_frequencies(linker, db) -> None:
    """Use the training register's term frequencies, as the online matcher does, so that a pair
    scores the same in both; a small register's own frequencies would say little."""
    import pyarrow as pa

    if not m.MODEL_PATH.exists():
        return
    for column, freqs in m.model_json().get("tumen_term_frequencies", {}).items():
        lookup = pa.table({column: list(freqs), f"tf_{column}": list(freqs.values())})
        linker.table_management.register_term_frequency_lookup(
            db.register(lookup, table_name=f"__tumen_tf_{column}"), column
        )


@dataclass
class DedupeResult:
    clusters: dict[str, str]  # record_id -> cluster_id
    blocked_pairs: object  # duckdb relation: unique_id_l, unique_id_r, match_probability


def dedupe(arrow_table, *, threshold: float = m.MATCH_THRESHOLD, keep_pairs: bool = False):
    """Cluster the records of one register; every record gets a cluster id (its own if alone)."""
    linker, _db = _linker([arrow_table], settings(records=arrow_table.num_rows))
    predictions = linker.inference.predict(
        threshold_match_probability=None if keep_pairs else min(threshold, m.REVIEW_THRESHOLD),
        warning_mode="never",
    )
    pairs = predictions.as_duckdbpyrelation()
    edges = pairs.filter(f"match_probability >= {float(m.REVIEW_THRESHOLD)}").select(
        "unique_id_l, unique_id_r, match_probability"
    )
    clusters = {str(u): str(u) for u in arrow_table.column("unique_id").to_pylist()}
    clusters.update(
        average_link_clusters(edges.fetchall(), threshold=threshold, link=m.CLUSTER_LINK_THRESHOLD)
    )
    return DedupeResult(clusters=clusters, blocked_pairs=pairs), linker


def average_link_clusters(
    pairs, *, threshold: float = m.MATCH_THRESHOLD, link: float = m.CLUSTER_LINK_THRESHOLD
) -> dict[str, str]:
    """Records joined by pairs at or above `threshold`, without chaining namesakes together.

    Connected components join two persons' records through one doubtful pair (one record of a
    common name one digit away from a namesake's) and so count every pair of their records as
    one person's. Here the pairs at or above `threshold` are taken most probable first, and two
    groups of records are joined only if the mean probability over all their cross pairs is at
    least `link`, a pair not in `pairs` (below the review threshold, or never blocked) counting
    as 0: the average linkage of agglomerative clustering. Two records alone are joined as
    connected components would join them (their one pair is at or above `threshold`). Returns
    record_id -> cluster_id (the cluster's least record id) for the records in a cluster of two
    or more.
    """
    adjacent: dict[str, dict[str, float]] = {}
    edges = []
    for left, right, probability in pairs:
        left, right, probability = str(left), str(right), float(probability)
        if left == right:
            continue
        adjacent.setdefault(left, {})[right] = probability
        adjacent.setdefault(right, {})[left] = probability
        if probability >= threshold:
            edges.append((probability, min(left, right), max(left, right)))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    group: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for _probability, left, right in edges:
        a, b = group.get(left, left), group.get(right, right)
        if a == b:
            continue
        first, second = members.get(a, [a]), members.get(b, [b])
        total = sum(adjacent[x].get(y, 0.0) for x in first for y in second)
        if total < link * len(first) * len(second):
            continue
        if len(first) < len(second):
            a, b, first, second = b, a, second, first
        first = first + second
        members[a] = first
        members.pop(b, None)
        for record in second:
            group[record] = a
        group.setdefault(a, a)
    return {record: min(members[head]) for record, head in group.items()}


def link(
    queries, register, *, threshold: float = m.MATCH_THRESHOLD
) -> dict[str, tuple[str, float]]:
    """For each query record, the most probable register record at or above `threshold`."""
    linker, _db = _linker(
        [queries, register], settings(records=register.num_rows), link_type="link_only"
    )
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    rel = predictions.as_duckdbpyrelation()
    rows = rel.query(
        "p",
        "SELECT unique_id_l, unique_id_r, match_probability, source_dataset_l FROM p",
    ).fetchall()
    query_source = None
    best: dict[str, tuple[str, float]] = {}
    for left, right, probability, source_l in rows:
        if query_source is None:
            query_source = source_l
        qid, rid = (left, right) if source_l == query_source else (right, left)
        if qid not in best or probability > best[qid][1]:
            best[qid] = (str(rid), float(probability))
    return best


# A level never seen among the training register's true pairs (a sex recorded differently) still
# happens in other registers; it gets this m probability instead of none at all.
UNSEEN_M = 0.01


def _fill_unseen_levels(data: dict) -> None:
    for comparison in data["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None:
                level["m_probability"] = UNSEEN_M
            if level.get("u_probability") is None:
                level["u_probability"] = UNSEEN_M


def train(arrow_table, *, label_column: str, path=None) -> dict:
    """Train the model on a labelled register and write model.json (with term frequencies)."""
    import duckdb

    labels = arrow_table.column(label_column).to_pylist()
    sizes: dict = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    n = len(labels)
    true_pairs = sum(s * (s - 1) // 2 for s in sizes.values())
    prior = max(true_pairs / (n * (n - 1) / 2), 1e-9)
    linker, _db = _linker([arrow_table], settings(prior=prior))
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=11)
    linker.training.estimate_m_from_label_column(label_column)
    out = path or m.MODEL_PATH
    data = linker.misc.save_model_to_json(None)
    _fill_unseen_levels(data)
    con = duckdb.connect()
    tf = {}
    for column in ("surname1", "given1", "given_chars"):
        values = arrow_table.column(column)
        rows = con.execute(
            "SELECT v, count(*)::DOUBLE / sum(count(*)) OVER () FROM (SELECT unnest($1) AS v) "
            "WHERE v IS NOT NULL GROUP BY v ORDER BY 2 DESC",
            [values.to_pylist()],
        ).fetchall()
        tf[column] = {v: round(f, 8) for v, f in rows}
    data["tumen_term_frequencies"] = tf
    data["tumen_trained_records"] = n
    data["tumen_tf_minimum"] = min((min(d.values()) for d in tf.values() if d), default=1e-6)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    m.weights.cache_clear()
    m.model_json.cache_clear()
    return data
