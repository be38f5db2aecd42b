"""Intake at a county office, one thing per page.

1. /cases/new/                     the kind of case (kept in the session until the case exists)
2. /cases/new/principal/           find or register the principal (kept in the session too)
   /cases/new/start/               the clerk commits: the draft case is opened here, not before
3. /cases/<number>/members/        find or register each household member; remove one
4. /cases/<number>/details/        the details the pack asks for
5. /cases/<number>/review/         check everything, then submit for clearance

Choosing a principal and walking away leaves no case: the kind of case and the principal's id
are kept in the server-side session (never in an address) until the clerk starts the
application. From then on the draft itself holds the work, so a clerk can stop and continue
later from the case page; an unsubmitted draft can be discarded, and old ones are listed for
clean-up. Every step posts the draft's version; the services refuse a stale one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tumen.cases import services
from tumen.cases.forms import (
    CaseTypeForm,
    DetailsForm,
    MemberExtraForm,
    QualifyingRelationForm,
    RemoveMemberForm,
    StartForm,
    SubmitForm,
)
from tumen.cases.intake import submission_problems
from tumen.cases.models import Case, Status
from tumen.cases.pages import stale_context
from tumen.cases.proposal import decision_proposal, gaps, qualifying_members
from tumen.cases.selectors.cases import case_page
from tumen.cases.validation import details_problems, label
from tumen.cases.workflow import authority_for
from tumen.lib.parse import parse_int
from tumen.org.access import require
from tumen.org.models import Official
from tumen.people.models import Nationality, Person
from tumen.people.rules import field_label
from tumen.people.selectors import person_record
from tumen.people.services import relation_add
from tumen.people.views import Found, PersonFinder, person_edit_url
from tumen.policy.selectors import case_type_for, intake_case_types
from tumen.web.forms import add_service_errors, problem_texts, problems_form, rebound

INTAKE_KEY = "tumen_intake_case_type"
# The principal chosen at step 2, by id only, until the clerk starts the application.
PRINCIPAL_KEY = "tumen_intake_principal"


def _require_intake_office(official: Official) -> None:
    require(official, authority_for("open"))


def _offered_types() -> dict:
    offered = {}
    for stored, case_type in intake_case_types():
        offered.setdefault(case_type.code, (stored, case_type))
    return offered


def _member_field_labels(case_type) -> list[str]:
    """What the case asks of every member's record, with whom a conditional field applies to."""
    labels = []
    for rule in case_type.member_fields:
        text = field_label(rule.name)
        if rule.nationality:
            who = ", ".join(str(Nationality(n).label) for n in rule.nationality)
            text = _("%(field)s (of each %(who)s)") % {"field": text, "who": who}
        labels.append(text)
    return labels


def _required_fields(case_type) -> dict:
    """The pack's member fields as the person form marks them required from the first step."""
    return {rule.name: rule.nationality for rule in case_type.member_fields}


def _draft_or_redirect(request: HttpRequest, number: str) -> Case | HttpResponse:
    require(request.user, authority_for("edit"))
    case = case_page(request.user, number)
    if case.status != Status.DRAFT:
        messages.info(request, _("This case is no longer a draft, so it cannot be edited."))
        return redirect("case_detail", number=case.number)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def intake_start(request: HttpRequest) -> HttpResponse:
    _require_intake_office(request.user)
    offered = _offered_types()
    types = [case_type for _stored, case_type in offered.values()]
    initial = {"case_type": request.session.get(INTAKE_KEY)}
    form = CaseTypeForm(request.POST or None, initial=initial, case_types=types)
    if request.method == "POST" and form.is_valid():
        request.session[INTAKE_KEY] = form.cleaned_data["case_type"]
        request.session.pop(PRINCIPAL_KEY, None)
        return redirect("intake_principal")
    return render(request, "cases/intake_type.html", {"form": form, "offered": offered})


@login_required
@require_http_methods(["GET", "POST"])
def intake_principal(request: HttpRequest) -> HttpResponse:
    official = request.user
    _require_intake_office(official)
    offered = _offered_types()
    code = request.session.get(INTAKE_KEY)
    if code not in offered:
        return redirect("intake_start")
    finder = PersonFinder(request, required=_required_fields(offered[code][1]))
    state = finder.handle() if finder.owns() else finder.start()
    if isinstance(state, Found):
        # Nothing is written yet: the clerk starts the application on the next page.
        request.session[PRINCIPAL_KEY] = state.person.pk
        return redirect("intake_confirm")
    case_type = offered[code][1]
    context = {
        "finder": state,
        "case_type": case_type,
        "member_fields": _member_field_labels(case_type),
    }
    return render(request, "cases/intake_principal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def intake_confirm(request: HttpRequest) -> HttpResponse:
    """The clerk commits to the application: only here is the draft case opened."""
    official = request.user
    _require_intake_office(official)
    offered = _offered_types()
    code = request.session.get(INTAKE_KEY)
    if code not in offered:
        return redirect("intake_start")
    principal_id = request.session.get(PRINCIPAL_KEY)
    if not isinstance(principal_id, int):
        return redirect("intake_principal")
    person = person_record(official, principal_id)
    case_type = offered[code][1]
    form = StartForm(request.POST or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(official=official, case_type=code, principal_id=person.pk)
        except ValidationError as exc:
            problems = problems_form(exc)
        else:
            request.session.pop(INTAKE_KEY, None)
            request.session.pop(PRINCIPAL_KEY, None)
            messages.success(
                request,
                _("Draft case %(number)s is opened. Now add the household members who travel.")
                % {"number": case.number},
            )
            return redirect("intake_members", number=case.number)
    context = {
        "form": form,
        "problems_form": problems,
        "person": person,
        "case_type": case_type,
        "member_fields": _member_field_labels(case_type),
    }
    return render(request, "cases/intake_confirm.html", context)


def _remove_member(request: HttpRequest, case: Case) -> HttpResponse | dict:
    form = RemoveMemberForm(request.POST)
    if not form.is_valid():
        return {"problems_form": form}
    if not request.POST.get("confirm"):
        # Taking someone off the household is asked again, naming them, before it is done.
        member = case.members.filter(person_id=form.cleaned_data["person_id"]).first()
        return {"confirm_remove": member} if member is not None else {}
    try:
        services.case_remove_member(
            official=request.user,
            case_id=case.pk,
            version=form.cleaned_data["version"],
            person_id=form.cleaned_data["person_id"],
        )
    except services.StaleVersion:
        fresh = case_page(request.user, case.number)
        return {"case": fresh, **stale_context(fresh, form.cleaned_data["version"])}
    except ValidationError as exc:
        return {"problems_form": problems_form(exc)}
    messages.success(request, _("The member is taken off the case."))
    return redirect("intake_members", number=case.number)


def _add_member(request: HttpRequest, case: Case, finder: PersonFinder, found: Found):
    try:
        services.case_add_member(
            official=request.user,
            case_id=case.pk,
            version=found.extra["version"],
            person_id=found.person.pk,
            relationship=found.extra["relationship"],
        )
    except services.StaleVersion:
        fresh = case_page(request.user, case.number)
        retry = finder.pick_again(found.person, {**found.extra_data, "version": fresh.version})
        return {"case": fresh, "finder": retry, **stale_context(fresh, found.extra["version"])}
    except ValidationError as exc:
        return {"finder": finder.pick_again(found.person, found.extra_data, exc)}
    messages.success(
        request,
        _("%(name)s is added to the household.") % {"name": found.person.display_name},
    )
    return redirect("intake_members", number=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def intake_members(request: HttpRequest, number: str) -> HttpResponse:
    case = _draft_or_redirect(request, number)
    if isinstance(case, HttpResponse):
        return case
    finder = PersonFinder(
        request,
        extra_form_class=MemberExtraForm,
        extra_initial={"version": case.version},
        required=_required_fields(case_type_for(case)),
    )
    context: dict = {"case": case, "finder": finder.start()}
    if request.method == "POST" and request.POST.get("step") == "remove":
        outcome = _remove_member(request, case)
    elif finder.owns():
        state = finder.handle()
        outcome = _add_member(request, case, finder, state) if isinstance(state, Found) else {}
        context["finder"] = state
    else:
        outcome = {}
    if isinstance(outcome, HttpResponse):
        return outcome
    context.update(outcome)
    case_type = case_type_for(context["case"])
    context.update(case_type=case_type, member_fields=_member_field_labels(case_type))
    status = 409 if "stale" in context else 200
    return render(request, "cases/intake_members.html", context, status=status)


@dataclass(frozen=True)
class Qualifying:
    """A member whose record the eligibility rule reads, what it lacks, and how to add it."""

    member: object
    gaps: list[str]
    relations: list
    relation_form: QualifyingRelationForm | None
    correct_href: str


def _qualifying(case: Case, case_type, posted: QualifyingRelationForm | None) -> list[Qualifying]:
    rule = case_type.eligibility
    members = case.members.select_related("person").prefetch_related("person__relations")
    back = reverse("intake_eligibility", args=[case.number])
    rows = []
    for member in qualifying_members(case_type, list(members.order_by("-role", "pk"))):
        person = member.person
        form = None
        if rule.relation and not {r.kind for r in person.relations.all()} & set(rule.relation):
            mine = posted is not None and posted.data.get("person_id") == str(person.pk)
            form = posted if mine else None
            form = form or QualifyingRelationForm(
                initial={"person_id": person.pk}, kinds=rule.relation, prefix=f"p{person.pk}"
            )
        relations = [r for r in person.relations.all() if r.kind in rule.relation]
        href = person_edit_url(person.pk, next_url=back, field="nationality")
        rows.append(Qualifying(member, gaps(rule, person), relations, form, href))
    return rows


def _record_relation(request: HttpRequest, case: Case, case_type) -> QualifyingRelationForm:
    """Record the relation posted for one qualifying member; the form, bound, with any errors."""
    prefix = next((k[: -len("-person_id")] for k in request.POST if k.endswith("-person_id")), "")
    form = QualifyingRelationForm(
        request.POST, kinds=case_type.eligibility.relation, prefix=prefix or None
    )
    qualifying = {m.person_id for m in qualifying_members(case_type, list(case.members.all()))}
    if form.is_valid():
        if form.cleaned_data["person_id"] not in qualifying:
            form.add_error(None, _("This person is not one whose record the policy reads."))
            return form
        try:
            relation_add(
                official=request.user,
                person_id=form.cleaned_data["person_id"],
                kind=form.cleaned_data["kind"],
                relative_name=form.cleaned_data["relative_name"],
                relative_place=form.cleaned_data["relative_place"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def intake_eligibility(request: HttpRequest, number: str) -> HttpResponse:
    """The facts the case type's eligibility reads, asked of the members it reads them of."""
    case = _draft_or_redirect(request, number)
    if isinstance(case, HttpResponse):
        return case
    case_type = case_type_for(case)
    if case_type.eligibility is None:
        return redirect("intake_details", number=case.number)
    posted = None
    if request.method == "POST":
        posted = _record_relation(request, case, case_type)
        if not posted.errors:
            messages.success(request, _("The relation is recorded."))
            return redirect("intake_eligibility", number=case.number)
    rows = _qualifying(case, case_type, posted)
    context = {
        "case": case,
        "case_type": case_type,
        "rows": rows,
        "rule_clause": case_type.eligibility.clause,
        "everyone": case_type.eligibility.applies_to == "every_member",
        "form": posted,
    }
    return render(request, "cases/intake_eligibility.html", context)


def _details_key(key: str) -> str:
    return key.removeprefix("details.")


@login_required
@require_http_methods(["GET", "POST"])
def intake_details(request: HttpRequest, number: str) -> HttpResponse:
    case = _draft_or_redirect(request, number)
    if isinstance(case, HttpResponse):
        return case
    case_type = case_type_for(case)
    initial = {"version": case.version, **case.details}
    form = DetailsForm(request.POST or None, initial=initial, case_type=case_type)
    status, extra = 200, {}
    if request.method == "POST" and form.is_valid():
        details, finishing = form.details(), "save" not in request.POST
        problems = details_problems(case_type, details) if finishing else None
        if problems:
            add_service_errors(form, ValidationError(problems.by_field), _details_key)
        else:
            try:
                services.case_update_details(
                    official=request.user,
                    case_id=case.pk,
                    version=form.cleaned_data["version"],
                    details=details,
                )
            except services.StaleVersion:
                case = case_page(request.user, number)
                extra = stale_context(case, form.cleaned_data["version"])
                values = {"version": case.version}
                form = rebound(DetailsForm, request, values=values, case_type=case_type)
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc, _details_key)
            else:
                if finishing:
                    return redirect("intake_review", number=case.number)
                messages.success(request, _("The draft is saved. You can continue it later."))
                return redirect("case_detail", number=case.number)
    context = {"case": case, "case_type": case_type, "form": form, **extra}
    return render(request, "cases/intake_details.html", context, status=status)


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a draft from submission, and where it is put right."""

    text: str
    # The page that fixes it: the details form, or the correction of the member's record
    # (which returns to the review); "" when no page does.
    href: str
    # Whose record, for a member's problem: the review offers to correct it beside the message.
    person_id: int | None = None


def _member_problem(members: list, key: str) -> Person | None:
    """The member a key like `members[1].household_number` is about."""
    index = parse_int(key.removeprefix("members[").partition("]")[0])
    return members[index].person if index is not None and index < len(members) else None


def _correction_url(case: Case, person: Person, key: str) -> str:
    field = key.partition("].")[2]
    # The record's residence is chosen in the form's residence_code field.
    anchor = "residence_code" if field == "residence" else field
    back = reverse("intake_review", args=[case.number])
    return person_edit_url(person.pk, next_url=back, field=anchor)


def _problem_items(case: Case, error: ValidationError) -> list[Problem]:
    """Submission problems, each with a link to the page that fixes it."""
    members = list(case.members.all())
    items = []
    for key, beside, away in problem_texts(error):
        href, who, person = "", "", None
        if key.startswith("details."):
            href = reverse("intake_details", args=[case.number]) + f"#id_{_details_key(key)}"
        elif key.startswith("members["):
            person = _member_problem(members, key)
            href = reverse("intake_members", args=[case.number])
            if person is not None:
                who, href = person.display_name + ": ", _correction_url(case, person, key)
        shown = who + beside if person is not None else away
        items.append(Problem(shown, href, person.pk if person else None))
    return items


@dataclass(frozen=True)
class Predicted:
    """A member's outcome as the policy would propose it today, and what would change it."""

    member: object
    outcome: str
    clause: str
    ground: str
    gaps: list[str]


def _predicted(case: Case, case_type) -> tuple[object, list[Predicted]]:
    """The proposal for the draft as it stands (no clearance has flagged anything yet)."""
    proposal = decision_proposal(case)
    members = {m.pk: m for m in case.members.select_related("person")}
    rule = case_type.eligibility
    principal = next(m for m in members.values() if m.role == "principal")
    rows = []
    for proposed in proposal.members:
        member = members[proposed.member]
        ground = case_type.grounds.get(proposed.ground) if proposed.ground else None
        whose = member if rule is None or rule.applies_to == "every_member" else principal
        missing = gaps(rule, whose.person) if rule and proposed.outcome != "approved" else []
        label_text = label(ground.label) if ground else ""
        rows.append(Predicted(member, proposed.outcome, proposed.clause, label_text, missing))
    return proposal, rows


@login_required
@require_http_methods(["GET", "POST"])
def intake_review(request: HttpRequest, number: str) -> HttpResponse:
    case = _draft_or_redirect(request, number)
    if isinstance(case, HttpResponse):
        return case
    form = SubmitForm(request.POST or None, initial={"version": case.version})
    status, extra, errors = 200, {}, []
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.case_submit(
                official=request.user, case_id=case.pk, version=form.cleaned_data["version"]
            )
        except services.StaleVersion:
            case = case_page(request.user, number)
            extra = stale_context(case, form.cleaned_data["version"])
            form = rebound(SubmitForm, request, values={"version": case.version})
            status = 409
        except ValidationError as exc:
            errors = _problem_items(case, exc)
        else:
            messages.success(
                request,
                _("Case %(number)s is submitted. The clearing units have it now.")
                % {"number": submitted.number},
            )
            return redirect("case_detail", number=submitted.number)
    case_type = case_type_for(case)
    proposal, predicted = _predicted(case, case_type)
    context = {
        "case": case,
        "case_type": case_type,
        "proposal": proposal,
        "predicted": predicted,
        "form": form,
        "summary": [(problem.text, problem.href) for problem in errors],
        "missing": []
        if errors
        else _problem_items(case, ValidationError(submission_problems(case))),
        "details": [(rule, case.details.get(rule.name, "")) for rule in case_type.fields],
        "type_title": label(case_type.title),
        **extra,
    }
    return render(request, "cases/intake_review.html", context, status=status)
