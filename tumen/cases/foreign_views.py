"""Foreign requests: a foreign affairs office registers a note from the other side's authority,
naming persons by household, and splits it into one family-travel case per household.

Registering builds the request in the session (the note's reference, date and authority, then
each person, found or registered through the person finder) and creates it in one call to
foreign_request_register. The request's page then offers the split.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tumen.cases import services
from tumen.cases.forms import ForeignPersonForm, ForeignRequestNoteForm, SplitForm
from tumen.cases.selectors.foreign_requests import foreign_request_page, foreign_requests_for
from tumen.cases.selectors.worklists import handles_foreign_requests
from tumen.cases.workflow import authority_for
from tumen.lib.errors import errors_by_field
from tumen.lib.parse import clean_text, parse_int
from tumen.org.access import record_lost_denials, require, scope
from tumen.org.models import Official
from tumen.people.models import Person
from tumen.people.views import Found, PersonFinder
from tumen.web.forms import add_service_errors, problem_texts, problems_form

DRAFT_KEY = "tumen_foreign_request_draft"
PAGE_SIZE = 25
_ENTRY = re.compile(r"^persons\[(\d+)\]")


def _require_foreign_office(official: Official) -> None:
    require(official, authority_for("register"))


def _draft(request: HttpRequest) -> dict:
    return request.session.get(DRAFT_KEY) or {"note": {}, "persons": []}


def _keep(request: HttpRequest, draft: dict) -> None:
    request.session[DRAFT_KEY] = draft


def _entries(official: Official, draft: dict) -> list[dict]:
    """The draft's persons, each with the Person it names (as far as the official may see)."""
    ids = [entry["person_id"] for entry in draft["persons"]]
    visible = scope(Person.objects.filter(pk__in=ids), official).select_related("residence")
    persons = {person.pk: person for person in visible}
    return [
        {**entry, "index": index, "person": persons.get(entry["person_id"])}
        for index, entry in enumerate(draft["persons"])
    ]


@login_required
@require_GET
def foreign_request_list(request: HttpRequest) -> HttpResponse:
    official = request.user
    page = Paginator(foreign_requests_for(official), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "may_register": handles_foreign_requests(official)}
    return render(request, "cases/foreign_request_list.html", context)


def _register_problems(entries: list[dict], error: ValidationError) -> list[tuple[str, str]]:
    """Problems with the persons, each told with the name of the person it is about."""
    items = []
    for key, beside, away in problem_texts(error):
        match = _ENTRY.match(key)
        index = parse_int(match.group(1)) if match else None
        entry = entries[index] if index is not None and index < len(entries) else None
        if entry is not None and entry["person"] is not None:
            who = entry["person"].display_name
            items.append((f"{who}: {beside}", f"#entry-{entry['index']}"))
        else:
            items.append((away, ""))
    return items


def _register(request: HttpRequest, form: ForeignRequestNoteForm, entries: list[dict]):
    persons = [
        {key: entry[key] for key in ("person_id", "household", "is_principal", "officer_name")}
        for entry in entries
    ]
    try:
        created = services.foreign_request_register(
            official=request.user,
            reference=form.cleaned_data["reference"],
            received_on=form.cleaned_data["received_on"],
            authority=form.cleaned_data["authority"],
            persons=persons,
        )
    except ValidationError as exc:
        record_lost_denials(exc)
        found = errors_by_field(exc)
        note_fields = {k: v for k, v in found.items() if k in form.fields}
        if note_fields:
            add_service_errors(form, ValidationError(note_fields))
        rest = {k: v for k, v in found.items() if k not in form.fields}
        return _register_problems(entries, ValidationError(rest)) if rest else []
    request.session.pop(DRAFT_KEY, None)
    messages.success(
        request,
        _("The request %(reference)s is registered. Split it into cases when it is complete.")
        % {"reference": created.reference},
    )
    return redirect("foreign_request_detail", request_id=created.pk)


@login_required
@require_http_methods(["GET", "POST"])
def foreign_request_new(request: HttpRequest) -> HttpResponse:
    official = request.user
    _require_foreign_office(official)
    draft = _draft(request)
    entries = _entries(official, draft)
    problems: list[tuple[str, str]] = []
    if request.method == "GET":
        form = ForeignRequestNoteForm(initial=draft["note"])
    else:
        form = ForeignRequestNoteForm(request.POST)
        draft["note"] = {name: request.POST.get(name, "") for name in form.fields}
        action = clean_text(request.POST.get("action"), max_length=40)
        index = parse_int(action.removeprefix("remove-")) if action.startswith("remove-") else None
        if index is not None:
            if index < len(draft["persons"]):
                draft["persons"].pop(index)
            _keep(request, draft)
            return redirect("foreign_request_new")
        _keep(request, draft)
        if action == "add":
            return redirect("foreign_request_person")
        # Every problem at once: the note's fields and a missing list of persons alike.
        if not entries:
            problems = [(_("Add the persons the note names."), "#add-person")]
        if form.is_valid() and entries:
            outcome = _register(request, form, entries)
            if isinstance(outcome, HttpResponse):
                return outcome
            problems = outcome
    context = {"form": form, "entries": entries, "problems": problems}
    return render(request, "cases/foreign_request_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def foreign_request_person(request: HttpRequest) -> HttpResponse:
    _require_foreign_office(request.user)
    finder = PersonFinder(request, extra_form_class=ForeignPersonForm)
    state = finder.handle() if finder.owns() else finder.start()
    if isinstance(state, Found):
        draft = _draft(request)
        if any(entry["person_id"] == state.person.pk for entry in draft["persons"]):
            already = ValidationError({"person_id": [_("This person is already on the request.")]})
            state = finder.pick_again(state.person, state.extra_data, already)
        else:
            draft["persons"].append({"person_id": state.person.pk, **state.extra})
            _keep(request, draft)
            messages.success(
                request,
                _("%(name)s is added to the request.") % {"name": state.person.display_name},
            )
            return redirect("foreign_request_new")
    return render(request, "cases/foreign_request_person.html", {"finder": state})


def _households(foreign_request) -> list[tuple[str, list]]:
    households: dict[str, list] = {}
    for entry in foreign_request.persons.all():
        households.setdefault(entry.household, []).append(entry)
    return sorted(households.items())


def _detail(request: HttpRequest, foreign_request, *, status=200, **extra) -> HttpResponse:
    official = request.user
    context = {
        "foreign_request": foreign_request,
        "households": _households(foreign_request),
        "cases": list(foreign_request.cases.all()),
        "may_split": handles_foreign_requests(official) and foreign_request.split_at is None,
        "form": extra.pop("form", None) or SplitForm(initial={"version": foreign_request.version}),
        **extra,
    }
    return render(request, "cases/foreign_request_detail.html", context, status=status)


@login_required
@require_GET
def foreign_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, foreign_request_page(request.user, request_id))


@login_required
@require_POST
def foreign_request_split(request: HttpRequest, request_id: int) -> HttpResponse:
    official = request.user
    foreign_request = foreign_request_page(official, request_id)
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _detail(request, foreign_request, form=form)
    try:
        cases = services.foreign_request_split(
            official=official, request_id=foreign_request.pk, version=form.cleaned_data["version"]
        )
    except services.StaleVersion:
        fresh = foreign_request_page(official, request_id)
        stale = {"status": _("split into cases") if fresh.split_at else _("not yet split")}
        return _detail(request, fresh, status=409, stale=stale)
    except ValidationError as exc:
        return _detail(request, foreign_request, problems_form=problems_form(exc))
    numbers = ", ".join(case.number for case in cases)
    messages.success(
        request,
        ngettext(
            "The request is split into %(count)d case: %(numbers)s.",
            "The request is split into %(count)d cases: %(numbers)s.",
            len(cases),
        )
        % {"count": len(cases), "numbers": numbers},
    )
    return redirect("foreign_request_detail", request_id=foreign_request.pk)
