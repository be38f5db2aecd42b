"""The person page and person search. They live in `cases` because they list a person's cases;
`people` stands below `cases` and knows nothing of them.

Names are searched by POST and never put in an address: they are personal data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tumen.cases.forms import NameSearchForm
from tumen.cases.selectors.cases import cases_for
from tumen.org.access import authorised
from tumen.people.models import Relation
from tumen.people.selectors import find_persons, person_record

FOUND_AT_MOST = 50


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's names, numbers, relations and the cases of theirs the official may see."""
    person = person_record(request.user, person_id)
    cases = (
        cases_for(request.user)
        .filter(members__person=person)
        .select_related("jurisdiction")
        .order_by("-pk")
    )
    relations = Relation.objects.filter(person=person).select_related("relative").order_by("pk")
    context = {
        "person": person,
        "cases": cases,
        "relations": relations,
        # The link to correct the record is offered only to those who may (no dead end).
        "may_edit": authorised(request.user, "person.update"),
    }
    return render(request, "cases/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_search(request: HttpRequest) -> HttpResponse:
    """Persons by any part of a name in any script, or by any of their numbers, within the
    official's jurisdiction."""
    form = NameSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        result = find_persons(request.user, form.cleaned_data["name"], limit=FOUND_AT_MOST)
        found = result.persons + result.other_scripts
    return render(
        request, "cases/person_search.html", {"form": form, "found": found, "most": FOUND_AT_MOST}
    )
