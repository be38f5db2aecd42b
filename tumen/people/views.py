"""The person pages: finding a person before registering one, as a step that pages embed; and
correcting a registered person's record (`person_edit`).

Intake (the principal, then each household member) and foreign requests (each person named in
the note) all need the same thing: search the registry first, choose the person found or, only
after seeing who might already be registered, register a new one. `PersonFinder` runs those three
stages on the host page's own URL, by POST, so a name never appears in a URL; the host view
renders the stage it is given and acts on the person once one is `Found`.

The host may add an `extra` form (a member's relationship, a person's household in a foreign
request); its visible fields are asked together with the choice of person and carried, hidden,
through registration.

A record is corrected on /people/<id>/edit/ (an id, never a name, in the address). The page that
sends an official there passes `next`, a local address to return to once the record is saved.
The same page lists the person's relations and posts new ones to /people/<id>/relations/add/,
which comes back to the page (keeping `next`): eligibility rules read relations, and without
them a principal registered through the pages falls outside every policy that asks for one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tumen.lib.errors import errors_by_field
from tumen.lib.parse import clean_text, parse_next
from tumen.org.access import get_for_user, record_lost_denials, require
from tumen.org.models import Jurisdiction, Official
from tumen.people.forms import (
    NEW,
    PersonEditForm,
    PersonPickForm,
    PersonRegisterForm,
    PersonSearchForm,
    RelationAddForm,
    script_field,
)
from tumen.people.models import Person, Relation
from tumen.people.selectors import person_record, possible_duplicates, with_residences
from tumen.people.services import (
    person_register,
    person_update,
    relation_add,
)
from tumen.web.forms import add_service_errors, attempt, rebound
from tumen.web.selectors import visible_counties

STEPS = ("search", "pick", "register")


@dataclass
class Found:
    person: Person
    # The extra form's cleaned data, and its values as posted (to fill the form in again).
    extra: dict
    extra_data: dict


@dataclass
class FinderState:
    """One stage of the finder, for the host page's template (people/_finder.html)."""

    stage: str
    form: forms.Form
    extra_form: forms.Form | None = None
    matches: list[Person] = field(default_factory=list)
    duplicates: list[Person] = field(default_factory=list)
    # Number fields held by another jurisdiction: the page offers to refer the person there.
    refer: list[str] = field(default_factory=list)


class PersonFinder:
    def __init__(
        self,
        request: HttpRequest,
        *,
        extra_form_class=None,
        extra_initial=None,
        required: dict | None = None,
    ):
        """`required`: the record fields the host's case asks of every member (PersonForm)."""
        self.request = request
        self.required = required or {}
        self.official = request.user
        self.extra_form_class = extra_form_class
        self.extra_initial = extra_initial or {}

    def owns(self) -> bool:
        """Whether this request is one of the finder's steps (the host handles the rest)."""
        return self.request.method == "POST" and self.request.POST.get("step") in STEPS

    def start(self) -> FinderState:
        return FinderState("search", PersonSearchForm(), self._extra())

    def handle(self) -> Found | FinderState:
        step = self.request.POST["step"]
        return {"search": self._search, "pick": self._pick, "register": self._register}[step]()

    def pick_again(
        self, person: Person, extra_data: dict, error: ValidationError | None = None
    ) -> FinderState:
        """The choice stage again with `person` chosen, e.g. after the host's service refused.

        The service's problems go beside the choice (`person_id`) or the extra field they name.
        """
        form = PersonPickForm(
            data={"person": str(person.pk), "name": person.display_name, "date_of_birth": ""}
        )
        form.is_valid()
        extra = self._extra(data=extra_data)
        if extra is not None:
            extra.is_valid()
        if error is not None:
            self._spread(error, form, extra)
        return FinderState("pick", form, extra, matches=with_residences([person]))

    # The three stages -----------------------------------------------------------------------

    def _search(self) -> FinderState:
        form = PersonSearchForm(self.request.POST)
        if not form.is_valid():
            return FinderState("search", form, self._extra())
        name, born = form.cleaned_data["name"], form.cleaned_data["date_of_birth"]
        pick = PersonPickForm(initial={"name": name, "date_of_birth": born})
        return FinderState("pick", pick, self._extra(), matches=self._matches(name, born))

    def _pick(self) -> Found | FinderState:
        form = PersonPickForm(self.request.POST)
        extra = self._extra(data=self.request.POST)
        valid = form.is_valid() & (extra is None or extra.is_valid())
        name = form.cleaned_data.get("name") or clean_text(form.data.get("name"), max_length=150)
        born = form.cleaned_data.get("date_of_birth")
        if not valid:
            return FinderState("pick", form, extra, matches=self._matches(name, born))
        choice = form.cleaned_data["person"]
        if choice == NEW:
            initial = {script_field(name): name, "date_of_birth": born, **self._home()}
            register = PersonRegisterForm(
                initial=initial, counties=self._counties(), required=self.required
            )
            return FinderState("register", register, extra)
        person = get_for_user(self.official, Person, pk=choice)
        return self._found(person, extra)

    def _register(self) -> Found | FinderState:
        form = PersonRegisterForm(
            self.request.POST, counties=self._counties(), required=self.required
        )
        extra = self._extra(data=self.request.POST)
        if not (form.is_valid() & (extra is None or extra.is_valid())):
            return FinderState("register", form, extra)
        data = form.cleaned_data
        duplicates = self._matches(
            data["name_hangul"] or data["name_hanzi"] or data["name_latin"],
            data["date_of_birth"],
            names=data,
        )
        if duplicates and not data["different_person"]:
            form.add_error(
                "different_person",
                _(
                    "Check the persons listed. If one of them is this person, use their record; "
                    "if none is, confirm that this is a different person"
                ),
            )
            return FinderState("register", form, extra, duplicates=duplicates)
        try:
            person = person_register(official=self.official, **form.service_arguments())
        except ValidationError as exc:
            record_lost_denials(exc)
            add_service_errors(form, exc)
            refer = getattr(exc, "held_elsewhere", [])
            return FinderState("register", form, extra, duplicates=duplicates, refer=refer)
        return self._found(person, extra)

    # Helpers --------------------------------------------------------------------------------

    def _found(self, person: Person, extra: forms.Form | None) -> Found:
        if extra is None:
            return Found(person, {}, {})
        posted = {name: bound.value() for name, bound in ((f.name, f) for f in extra)}
        return Found(person, dict(extra.cleaned_data), posted)

    def _extra(self, data=None) -> forms.Form | None:
        if self.extra_form_class is None:
            return None
        if data is None:
            return self.extra_form_class(initial=self.extra_initial)
        return self.extra_form_class(data=data)

    def _spread(self, error: ValidationError, form: forms.Form, extra: forms.Form | None) -> None:
        """Problems about an extra field go beside it; the rest beside the choice of person."""
        own_fields = set(extra.fields) if extra is not None else set()
        problems = errors_by_field(error)
        own = {key: value for key, value in problems.items() if key in own_fields}
        rest = {key: value for key, value in problems.items() if key not in own_fields}
        if own:
            add_service_errors(extra, ValidationError(own))
        if rest:
            add_service_errors(
                form, ValidationError(rest), lambda key: "person" if key == "person_id" else None
            )

    def _counties(self):
        return list(visible_counties(self.official))

    def _home(self) -> dict:
        """Where a new person most likely lives: the official's own county, if it is one."""
        home = self.official.unit.jurisdiction
        return {"residence_code": home.code} if home.level == "county" else {}

    def _matches(
        self, name: str, born: datetime.date | None, *, names: dict | None = None
    ) -> list[Person]:
        # A name typed in one box is compared with the name in every script. The register form
        # (`names`) also has the sex, nationality and identity number, which the matcher weighs.
        names = names or {}
        found = possible_duplicates(
            official=self.official,
            name_hangul=names.get("name_hangul", name) or "",
            name_hanzi=names.get("name_hanzi", name) or "",
            name_latin=names.get("name_latin", name) or "",
            date_of_birth=born,
            sex=names.get("sex") or "",
            nationality=names.get("nationality") or "",
            personal_id_number=names.get("personal_id_number") or "",
        )
        return with_residences(found)


# Correcting a record ------------------------------------------------------------------------


def person_edit_url(person_id: int, *, next_url: str = "", field: str = "") -> str:
    """The address of the correction page, returning to `next_url`, opened at `field`."""
    url = reverse("person_edit", args=[person_id])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url + (f"#id_{field}" if field else "")


def _safe_next(request: HttpRequest) -> str:
    """Where to return after saving: a `next` on this site only, else nowhere in particular."""
    return parse_next(request, request.POST.get("next") or request.GET.get("next"))


def _residence_choices(official: Official, person: Person) -> list[Jurisdiction]:
    """The counties the official may choose, and the person's own even when beyond them."""
    counties = list(visible_counties(official))
    if person.residence_id and all(c.pk != person.residence_id for c in counties):
        counties.append(person.residence)
    return counties


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    official = request.user
    person = person_record(official, person_id)
    require(official, "person.update")
    back = _safe_next(request)
    counties = _residence_choices(official, person)
    initial = PersonEditForm.initial_for(person)
    form = PersonEditForm(request.POST or None, initial=initial, counties=counties)
    status, stale = 200, False
    if request.method == "POST" and form.is_valid():
        # After a stale version what the official entered stays in the form, now at the current
        # version; the page shows the record as it reads now, to compare before sending again.
        outcome = attempt(
            form,
            lambda data: person_update(
                official=official,
                person_id=person.pk,
                version=data["version"],
                **form.service_arguments(),
            ),
            reread=lambda: person_record(official, person_id),
            retry=lambda fresh: rebound(
                PersonEditForm, request, values={"version": fresh.version}, counties=counties
            ),
        )
        if outcome.done:
            person = outcome.result
            messages.success(
                request, _("The record of %(name)s is saved.") % {"name": person.display_name}
            )
            return redirect(back or reverse("person_edit", args=[person.pk]))
        form, status, stale = outcome.form, outcome.status, outcome.fresh is not None
        person = outcome.fresh or person
    return _edit_page(request, person, form, RelationAddForm(), back, stale=stale, status=status)


def _edit_page(
    request: HttpRequest,
    person: Person,
    form: PersonEditForm,
    relation_form: RelationAddForm,
    back: str,
    *,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    relations = Relation.objects.filter(person=person).select_related("relative").order_by("pk")
    relation_action = reverse("person_relation_add", args=[person.pk])
    if back:
        relation_action += "?" + urlencode({"next": back})
    context = {
        "person": person,
        "form": form,
        "relation_form": relation_form,
        "relations": relations,
        "relation_action": relation_action,
        "next": back,
        "stale": stale,
    }
    return render(request, "people/person_edit.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def person_relation_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record a relation of the person, then return to their page (and its `next`)."""
    official = request.user
    person = person_record(official, person_id)
    require(official, "person.update")
    back = _safe_next(request)
    relation_form = RelationAddForm(request.POST)
    if relation_form.is_valid():
        try:
            relation_add(
                official=official,
                person_id=person.pk,
                kind=relation_form.cleaned_data["kind"],
                relative_name=relation_form.cleaned_data["relative_name"],
                relative_place=relation_form.cleaned_data["relative_place"],
            )
        except ValidationError as exc:
            add_service_errors(relation_form, exc)
        else:
            messages.success(
                request,
                _("The relation of %(name)s is recorded.") % {"name": person.display_name},
            )
            return redirect(person_edit_url(person.pk, next_url=back) + "#relations")
    counties = _residence_choices(official, person)
    form = PersonEditForm(initial=PersonEditForm.initial_for(person), counties=counties)
    return _edit_page(request, person, form, relation_form, back)
