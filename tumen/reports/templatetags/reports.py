from __future__ import annotations

from django import template
from django.utils import timezone

from tumen.reports import labels, selectors, workflow
from tumen.reports.charts import charts
from tumen.reports.figures import derive, subtree_ids, tally_for

register = template.Library()


@register.filter
def figure_label(name: str) -> str:
    return str(labels.FIGURES.get(name, name))


@register.filter
def key_label(key: str) -> str:
    return labels.key_label(str(key))


@register.inclusion_tag("reports/_home.html")
def analyst_home(official):
    """The analyst's part of the home page: this month's figures and charts, and reports owed."""
    if not official.unit_id or not workflow.AUTHORITY.allows(official):
        return {"shown": False}
    worklist = selectors.worklist(official=official)
    today = timezone.localdate()
    period = f"{today.year:04d}-{today.month:02d}"
    jurisdiction = official.unit.jurisdiction
    figures = derive(tally_for(subtree_ids(jurisdiction), period))
    return {
        "shown": True,
        "worklist": worklist,
        "period": period,
        "jurisdiction": jurisdiction,
        "figures": figures,
        "charts": charts(figures),
    }


@register.filter
def split_words(text: str) -> list[str]:
    return text.split()


@register.simple_tag
def figure(figures: dict, name: str):
    return figures.get(name)
