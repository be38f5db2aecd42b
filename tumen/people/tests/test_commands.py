"""`tumen synthetic_register`, `tumen dedupe` and `tumen match` on files, as the CSV contract
(docs/matching.md) says; and bad files refused with the row and column at fault."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from tumen.people.linkage.features import COLUMNS

HEADER = ",".join(COLUMNS)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_dedupe_clusters_one_person_written_in_three_scripts(tmp_path, capsys):
    register = write(
        tmp_path / "r.csv",
        f"{HEADER}\n"
        "a,김영철,,,M,1948-03-12,,\n"
        "b,,金永哲,,M,1948-03-12,,\n"
        "c,,,Kim Yong Chol,M,1948-12-03,,\n"
        "d,,김순희,,F,1948-03-12,,\n"  # Hangul typed in the Hanzi column: another person
        "e,,,,,,,\n",
    )
    out = tmp_path / "clusters.csv"
    call_command("dedupe", register, "--out", str(out))
    clusters = {r["record_id"]: r["cluster_id"] for r in rows(out)}
    assert set(clusters) == {"a", "b", "c", "d", "e"}
    assert clusters["a"] == clusters["b"] == clusters["c"]
    assert clusters["d"] != clusters["a"]
    assert clusters["e"] not in {clusters["a"], clusters["d"]}


def test_dedupe_with_truth_prints_the_scores_beside_raw_strings(tmp_path, capsys):
    register, truth = tmp_path / "r.csv", tmp_path / "t.csv"
    call_command("synthetic_register", "3000", "--out", str(register), "--truth", str(truth))
    call_command("dedupe", str(register), "--truth", str(truth), "--compare-raw")
    printed = capsys.readouterr().out
    assert "3000 records in" in printed
    assert "blocking recall" in printed
    assert "hangul ~ hanzi" in printed
    lines = printed.splitlines()
    f1 = [float(line.split("F1 ")[1].split()[0]) for line in lines if "pairwise" in line]
    keys, raw = f1
    assert keys > 0.9
    assert keys > raw + 0.1


def test_match_finds_the_register_record_or_leaves_it_blank(tmp_path):
    register = write(
        tmp_path / "r.csv", f"{HEADER}\nr1,,金永哲,,M,1948-03-12,,\nr2,박순희,,,F,1952-07-09,,\n"
    )
    queries = write(
        tmp_path / "q.csv",
        f"{HEADER}\nq1,김영철,,Kim Yong Chol,M,1948-03-12,,\nq2,최영수,,,M,1960-01-02,,\n",
    )
    out = tmp_path / "m.csv"
    call_command("match", queries, "--against", register, "--out", str(out))
    found = {r["record_id"]: (r["match_record_id"], r["score"]) for r in rows(out)}
    assert found["q1"][0] == "r1"
    assert float(found["q1"][1]) > 0.9
    assert found["q2"] == ("", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("record_id,name_hangul\nx,김\n", "missing column(s) name_hanzi"),
        (
            f"{HEADER}\na,김영철,,,M,1948-13-12,,\n",
            "line 2: birth_date '1948-13-12' is not an ISO date",
        ),
        (f"{HEADER}\na,김영철,,,X,,,\n", "line 2: sex 'X' must be M, F or blank"),
        (f"{HEADER}\na,김영철,,,,,,\na,김영수,,,,,,\n", "line 3: record_id 'a' appears twice"),
        (f"{HEADER}\n,김영철,,,,,,\n", "line 2: record_id is blank"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_column(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("dedupe", path, "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.django_db
def test_dedupe_without_a_file_fills_the_review_queue(yanji_clerk, capsys):
    import datetime

    from tumen.people.models import DuplicateCandidate
    from tumen.people.services import person_register

    for names in ({"name_hanzi": "金永哲"}, {"name_hangul": "김영철"}):
        person_register(
            official=yanji_clerk,
            sex="male",
            date_of_birth=datetime.date(1948, 3, 12),
            nationality="prc",
            residence_code="yanji",
            **names,
        )
    call_command("dedupe")
    assert "Queued 1 new pair(s)" in capsys.readouterr().out
    assert DuplicateCandidate.objects.count() == 1
