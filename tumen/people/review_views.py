"""The review queue of possible duplicates: merge two records, mark them distinct, undo a merge.

Addresses carry record ids only. Each action posts to one service in people.dedupe.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tumen.lib.errors import StaleVersion
from tumen.org.access import require
from tumen.people.dedupe import candidate_mark_distinct, merge_undo, person_merge
from tumen.people.linkage import model
from tumen.people.matching import explain, person_features
from tumen.people.selectors import open_candidates, recent_merges

PAGE_SIZE = 25
MAX_ID = 2**31 - 1


class DecideForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=MAX_ID)
    action = forms.ChoiceField(choices=[("merge", "merge"), ("distinct", "distinct")])
    survivor = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)


def _with_reasons(candidate):
    first, second = person_features(candidate.first), person_features(candidate.second)
    _p, agreements = model.score(first, second)
    candidate.reasons = explain(first, second, agreements)
    candidate.percent = round(candidate.probability * 100)
    candidate.keep_choices = (candidate.first_id, candidate.second_id)
    return candidate


@login_required
@require_GET
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "person.merge")
    page = Paginator(open_candidates(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/duplicates.html",
        {
            "page": page,
            "pairs": [_with_reasons(c) for c in page.object_list],
            "merges": recent_merges(request.user),
        },
    )


def _report(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, StaleVersion):
        messages.error(
            request,
            _("Someone else decided this pair while you were looking; see the queue as it is now."),
        )
        return
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


@login_required
@require_POST
def duplicate_decide(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Merge the pair into the record chosen, or mark the two as different persons."""
    official = request.user
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The form was incomplete; choose again."))
        version, action = form.cleaned_data["version"], form.cleaned_data["action"]
        if action == "distinct":
            candidate_mark_distinct(official=official, candidate_id=candidate_id, version=version)
            messages.success(
                request,
                _("Recorded: these are different persons. The pair will not be asked again."),
            )
        else:
            survivor = form.cleaned_data["survivor"]
            if survivor is None:
                raise ValidationError(_("Choose which record to keep."))
            merge = person_merge(
                official=official, candidate_id=candidate_id, version=version, survivor_id=survivor
            )
            messages.success(
                request,
                _("Record P%(merged)s is merged into P%(kept)s. You can undo this below.")
                % {"merged": merge.merged_id, "kept": merge.survivor_id},
            )
    except (ValidationError, StaleVersion) as exc:
        _report(request, exc)
    return redirect("duplicate_queue")


@login_required
@require_POST
def merge_undo_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        merge = merge_undo(official=request.user, merge_id=merge_id)
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(
            request,
            _(
                "The merge is undone: P%(merged)s is a record of its own again, and the pair is "
                "back in the queue."
            )
            % {"merged": merge.merged_id},
        )
    return redirect("duplicate_queue")
