"""Every figure of a situation report, defined once (docs/reports.md names and explains each).

Figures are computed in two steps. `tally_for` reads the raw counts for a set of jurisdictions and
a month from the trigger-kept tally (a `Tally`: counts keyed by figure, key1, key2, value, which
add up across counties); `derive` turns a tally into the named figures. A report's frozen figures
are its tally, so a consolidated report adds its children's frozen tallies to its own direct cases
and derives the same figures, exact medians included, from the sum.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from tumen.cases.models import Priority, Status
from tumen.lib import clock
from tumen.lib.errors import invalid
from tumen.org.models import Jurisdiction

Key = tuple[str, str, str, int]
HISTORY_MONTHS = 12
# Overdue clearances by how long they are overdue, in whole days: (label, first day, last day).
OVERDUE_AGES = (("1-7", 1, 7), ("8-30", 8, 30), ("31+", 31, None))
# A calendar month from 1900-01 to 2099-12: the dates the figures reckon with stay in range.
PERIOD_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"
PERIOD = re.compile(PERIOD_PATTERN)
# A case in one of these statuses has been decided: approved (and perhaps since authorized,
# departed and closed) or refused. Departed: every holder crossed (the case is closed at once).
DECIDED_STATUSES = (
    Status.APPROVED,
    Status.REFUSED,
    Status.AUTHORIZED,
    Status.DEPARTED,
    Status.CLOSED,
)
DEPARTED_STATUSES = (Status.DEPARTED, Status.CLOSED)


class Tally(Counter):
    """Counts keyed by (figure, key1, key2, value); adding two tallies adds the counts."""

    def rows(self) -> list[list]:
        return [[*key, n] for key, n in sorted(self.items()) if n]

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable]) -> Tally:
        tally = cls()
        for figure, key1, key2, value, n in rows:
            tally[(figure, key1, key2, int(value))] += int(n)
        return tally

    def merged(self, *others: Tally) -> Tally:
        total = Tally(self)
        for other in others:
            total.update(other)
        return total


def parse_period(text: str) -> str:
    """A period is a calendar month written YYYY-MM."""
    if not PERIOD.match(text or ""):
        raise invalid("period", "period_format")
    return text


def month_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    year, month = int(period[:4]), int(period[5:])
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following


def months_back(period: str, count: int) -> list[str]:
    year, month = int(period[:4]), int(period[5:])
    months = []
    for _step in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def previous_period(today: datetime.date) -> str:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def subtree_ids(jurisdiction: Jurisdiction) -> list[int]:
    return list(
        Jurisdiction.objects.filter(path__startswith=jurisdiction.path).values_list("pk", flat=True)
    )


def _in(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _tally_rows(ids: list[int], period: str) -> list[tuple]:
    """One round trip: the month's rows, the twelve months' openings, the backlog by county,
    the pending clearances by due day (bucketed by the caller) and the foreign requests."""
    months = months_back(period, HISTORY_MONTHS)
    first, following = month_bounds(period)
    zone = timezone.get_current_timezone()
    split_from, split_to = (
        connection.ops.adapt_datetimefield_value(
            datetime.datetime.combine(day, datetime.time(), zone)
        )
        for day in (first, following)
    )
    received_from, received_to = (
        connection.ops.adapt_datefield_value(day) for day in (first, following)
    )
    where = f"jurisdiction_id IN ({_in(ids)})"
    # Only "%s" placeholders are formatted in; every value travels as a parameter. Each part
    # is a range of the tally's unique index (jurisdiction, month, figure, …).
    statement = (
        f"SELECT figure, key1, key2, value, SUM(n) FROM reports_tally WHERE {where} "  # noqa: S608
        "AND month = %s GROUP BY figure, key1, key2, value "
        f"UNION ALL SELECT 'history', month, key1, 0, SUM(n) FROM reports_tally WHERE {where} "
        "AND month >= %s AND month <= %s AND figure = 'opened' GROUP BY month, key1 "
        "UNION ALL SELECT 'backlog', j.code, '', 0, SUM(t.n) FROM reports_tally t "
        f"JOIN org_jurisdiction j ON j.id = t.jurisdiction_id WHERE t.{where} "
        "AND t.month = '' AND t.figure = 'open' GROUP BY j.code "
        f"UNION ALL SELECT 'due', key1, '', value, SUM(n) FROM reports_tally WHERE {where} "
        "AND month = '' AND figure = 'pending' GROUP BY key1, value "
        "UNION ALL SELECT 'foreign', 'received', '', 0, COUNT(*) FROM cases_foreignrequest "
        f"WHERE {where} AND received_on >= %s AND received_on < %s "
        "UNION ALL SELECT 'foreign', 'split', '', 0, COUNT(*) FROM cases_foreignrequest "
        f"WHERE {where} AND split_at >= %s AND split_at < %s"
    )
    params = [
        *ids,
        period,
        *ids,
        months[0],
        months[-1],
        *ids,
        *ids,
        *ids,
        received_from,
        received_to,
        *ids,
        split_from,
        split_to,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _age_bucket(days_overdue: int) -> str:
    for label, first, last in OVERDUE_AGES:
        if days_overdue >= first and (last is None or days_overdue <= last):
            return label
    return "not_due"


def _as_of(rows: list[tuple], today: int) -> list[tuple]:
    """The rows that depend on the day: pending clearances by due day become pending clearances
    by how long overdue today; valid unused documents whose last valid day is before today
    become expired unused ones (the others are still usable and are not counted)."""
    out = []
    for row in rows:
        figure, key1, _key2, value, n = row
        if figure == "due":
            out.append(("pending", key1, _age_bucket(today - value), 0, n))
        elif figure == "authz_unused":
            if value < today:
                out.append(("authz_expired", key1, "", 0, n))
        else:
            out.append(row)
    return out


def local_day_number(moment: datetime.datetime) -> int:
    """Days since 1970-01-01 in TUMEN_TIME_ZONE, as the tally counts due dates."""
    from tumen.reports.db import utc_offset_seconds

    return (int(moment.timestamp()) + utc_offset_seconds()) // 86400


def tally_for(ids: list[int], period: str, *, as_of: datetime.datetime | None = None) -> Tally:
    """The raw counts for these jurisdictions (not their subtrees) in `period`.

    Pending clearances are the state at `as_of` (now by default), grouped by how long overdue;
    expired unused documents are those whose last valid day is before `as_of`'s.
    """
    if not ids:
        return Tally()
    today = local_day_number(as_of or clock.now())
    return Tally.from_rows(_as_of(_tally_rows(ids, period), today))


def _sum(tally: Tally, figure: str, position: int, **match) -> dict[str, int]:
    """Counts of one figure's rows, grouped by key1 (position 1) or key2 (2)."""
    out: dict[str, int] = Counter()
    for key, n in tally.items():
        if key[0] != figure or not n:
            continue
        if any(key[{"key1": 1, "key2": 2}[name]] != value for name, value in match.items()):
            continue
        out[str(key[position])] += n
    return dict(sorted(out.items()))


def nearest_rank(histogram: dict[int, int], numerator: int, denominator: int) -> int | None:
    """The exact percentile by the nearest-rank rule: the smallest value whose cumulative count
    reaches ceil(p·N), as PostgreSQL's percentile_disc gives it."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = -(-numerator * total // denominator)
    running = 0
    for value in sorted(histogram):
        running += histogram[value]
        if running >= rank:
            return value
    return None


def _durations(tally: Tally, figure: str, group_position: int) -> dict[str, dict]:
    histograms: dict[str, Counter] = {}
    for (name, key1, key2, value), n in tally.items():
        if name == figure and n:
            group = (name, key1, key2)[group_position]
            histograms.setdefault(group, Counter())[value] += n
    return {
        group: {
            "count": sum(h.values()),
            "median": nearest_rank(h, 1, 2),
            "p90": nearest_rank(h, 9, 10),
        }
        for group, h in sorted(histograms.items())
    }


def _histogram(tally: Tally, figure: str) -> dict[str, int]:
    out: Counter = Counter()
    for (name, _key1, _key2, value), n in tally.items():
        if name == figure and n:
            out[value] += n
    return {str(value): out[value] for value in sorted(out)}


def _history(tally: Tally) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (name, month, case_type, _value), n in sorted(tally.items()):
        if name == "history" and n:
            out.setdefault(month, {})[case_type] = n
    return out


def _total(tally: Tally, figure: str, **match) -> int:
    return sum(_sum(tally, figure, 1, **match).values())


def derive(tally: Tally) -> dict:
    """The named figures of docs/reports.md, from a tally."""
    by_priority = _sum(tally, "opened", 3)
    by_status = _sum(tally, "opened", 2)
    pending = _sum(tally, "pending", 1)
    overdue: Counter = Counter()
    for (name, kind, age, _value), n in tally.items():
        if name == "pending" and age != "not_due" and n:
            overdue[kind] += n
    return {
        "cases_opened": sum(n for k, n in tally.items() if k[0] == "opened"),
        "cases_opened_by_type": _sum(tally, "opened", 1),
        "cases_opened_by_status": by_status,
        "cases_opened_decided": sum(by_status.get(s, 0) for s in DECIDED_STATUSES),
        "cases_opened_departed": sum(by_status.get(s, 0) for s in DEPARTED_STATUSES),
        "cases_opened_by_priority": {
            Priority(int(value)).name.lower(): n for value, n in by_priority.items()
        },
        "decisions_by_outcome": _sum(tally, "decision", 1),
        "decisions_by_clause": _sum(tally, "decision", 2),
        "refusals_by_ground": _sum(tally, "issue", 2, key1="refusal"),
        "flags_by_ground": _sum(tally, "flag", 2),
        "flags_by_unit_kind": _sum(tally, "flag", 1),
        "escalations_by_unit_kind": _sum(tally, "issue", 2, key1="overdue"),
        "retypings": _total(tally, "moved", key1="retyped"),
        "withdrawals": _total(tally, "moved", key1="withdrawn"),
        "clearances_pending_by_unit_kind": pending,
        "clearances_overdue_by_unit_kind": dict(sorted(overdue.items())),
        "clearances_overdue_by_age": {
            label: n for label, n in _sum(tally, "pending", 2).items() if label != "not_due"
        },
        "processing_days_by_type": _durations(tally, "processing", 1),
        "processing_days_all": _durations(tally, "processing", 0).get(
            "processing", {"count": 0, "median": None, "p90": None}
        ),
        "processing_days_histogram": _histogram(tally, "processing"),
        "step_days_by_status": _durations(tally, "step", 1),
        "foreign_requests_received": _sum(tally, "foreign", 1).get("received", 0),
        "foreign_requests_split": _sum(tally, "foreign", 1).get("split", 0),
        "authorizations_issued": _total(tally, "authz_issued"),
        "authorizations_used": _total(tally, "authz_used"),
        "authorizations_expired_unused": _total(tally, "authz_expired"),
        "departures": _total(tally, "moved", key1="departed"),
        "cases_opened_by_month": _history(tally),
        "backlog_by_county": _sum(tally, "backlog", 1),
    }
