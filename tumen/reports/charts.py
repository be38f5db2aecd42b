"""The report's four charts: Vega-Lite specifications rendered to SVG on the server.

Each chart comes with the table it was drawn from and a one-sentence text alternative, so a
reader without the picture (a screen reader, a text-only printout) loses nothing. The SVG is
rendered by vl-convert (no browser, no JavaScript); the same SVG goes into the PDF.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tumen.org.models import Jurisdiction, UnitKind

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    alt: str
    columns: tuple[str, ...]
    rows: list[tuple]
    svg: str


@functools.lru_cache(maxsize=256)
def _render(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def _svg(values: list[dict], mark: dict, encoding: dict, *, width: int = 420) -> str:
    if not values:
        return ""
    spec = {
        "$schema": SCHEMA,
        "width": width,
        "height": 220,
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "config": {"font": FONT, "view": {"stroke": None}},
    }
    return _render(json.dumps(spec, ensure_ascii=False, sort_keys=True))


def case_type_label(code: str) -> str:
    """A case type's title as the policy packs give it, in the active language."""
    from tumen.reports.labels import pack_key_label

    return pack_key_label(code) or code


def _over_time(figures: dict) -> Chart:
    values = [
        {"month": month, "type": case_type_label(t), "cases": n}
        for month, by_type in figures["cases_opened_by_month"].items()
        for t, n in by_type.items()
    ]
    busiest = max(
        figures["cases_opened_by_month"].items(),
        key=lambda item: sum(item[1].values()),
        default=None,
    )
    alt = (
        _("Cases opened per month by type; the most, %(n)d, in %(month)s.")
        % {"n": sum(busiest[1].values()), "month": busiest[0]}
        if busiest
        else _("No cases were opened in these twelve months.")
    )
    svg = _svg(
        values,
        {"type": "bar"},
        {
            "x": {"field": "month", "type": "ordinal", "title": _("Month")},
            "y": {"field": "cases", "type": "quantitative", "title": _("Cases opened")},
            "color": {"field": "type", "type": "nominal", "title": _("Case type")},
        },
    )
    rows = [(v["month"], v["type"], v["cases"]) for v in values]
    return Chart(
        "over-time",
        _("Cases over time by type"),
        alt,
        (_("Month"), _("Case type"), _("Cases opened")),
        rows,
        svg,
    )


def _bars(slug, title, alt, pairs, axes, *, ordinal=False, ranked=False) -> Chart:
    """A one-series bar chart of (label, count) pairs; `axes` names the label and the count."""
    label_axis, count_axis = (str(a) for a in axes)
    values = [{"label": label, "n": n} for label, n in pairs]
    label = {"field": "label", "type": "ordinal" if ordinal else "nominal", "title": label_axis}
    count = {"field": "n", "type": "quantitative", "title": count_axis}
    encoding = {"y": {**label, "sort": "-x"}, "x": count} if ranked else {"x": label, "y": count}
    svg = _svg(values, {"type": "bar"}, encoding)
    return Chart(slug, title, alt, (label_axis, count_axis), [tuple(p) for p in pairs], svg)


def _distribution(figures: dict) -> Chart:
    pairs = [(int(days), n) for days, n in figures["processing_days_histogram"].items()]
    total = figures["processing_days_all"]
    alt = (
        _(
            "Processing time of %(count)d decided cases: median %(median)s days, 90th percentile "
            "%(p90)s days."
        )
        % total
        if total["count"]
        else _("No case was decided in this month.")
    )
    axes = (_("Days from submission to decision"), _("Cases"))
    return _bars("processing", _("Processing-time distribution"), alt, pairs, axes, ordinal=True)


def _backlog(figures: dict) -> Chart:
    counts = figures["backlog_by_county"]
    names = {j.code: j.name for j in Jurisdiction.objects.filter(code__in=list(counts))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    pairs = [(names.get(code, code), n) for code, n in ranked]
    alt = (
        _("Open cases by county; the largest backlog is %(county)s's, %(n)d cases.")
        % {"county": pairs[0][0], "n": pairs[0][1]}
        if pairs
        else _("No county has open cases.")
    )
    axes = (_("County"), _("Open cases"))
    return _bars("backlog", _("Counties ranked by backlog"), alt, pairs, axes, ranked=True)


def _overdue(figures: dict) -> Chart:
    pairs = [
        (str(UnitKind(kind).label) if kind in UnitKind.values else kind, n)
        for kind, n in figures["clearances_overdue_by_unit_kind"].items()
    ]
    alt = (
        _("Overdue clearances by kind of unit: %(total)d in all.")
        % {"total": sum(n for _label, n in pairs)}
        if pairs
        else _("No clearance is overdue.")
    )
    axes = (_("Kind of unit"), _("Overdue clearances"))
    return _bars("overdue", _("Overdue clearances by unit kind"), alt, pairs, axes)


def charts(figures: dict) -> list[Chart]:
    return [_over_time(figures), _distribution(figures), _backlog(figures), _overdue(figures)]
