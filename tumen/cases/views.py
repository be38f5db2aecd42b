"""The officials' case pages: worklist, case page, clearance forms, decision, withdrawal,
re-typing. (Intake is in tumen.cases.intake_views, foreign requests in foreign_views.)

Each view parses the request with a form, calls the service (which authorises through
tumen.org.access and refuses a stale version), and redirects after a successful POST. A service's
ValidationError is put beside the fields it names; StaleVersion shows the page again with what
changed and the form ready to post with the new version (status 409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tumen.cases import services
from tumen.cases.forms import (
    ClearForm,
    DecisionForm,
    FlagForm,
    NameSearchForm,
    ResolveForm,
    RetypeForm,
    VersionForm,
    WithdrawForm,
    WorklistForm,
)
from tumen.cases.models import Case, Decision, Status
from tumen.cases.pages import case_context, refusal_of_clearance, stale_context
from tumen.cases.proposal import RETYPE, WITHDRAW, decision_proposal
from tumen.cases.selectors.cases import case_page, clauses
from tumen.cases.selectors.clearances import clearance_of_case
from tumen.cases.selectors.worklists import Filters, queue_cases, queue_clearances, queue_named
from tumen.cases.validation import label
from tumen.cases.workflow import allowed, may, refusal
from tumen.lib.parse import parse_id
from tumen.org.access import scope
from tumen.policy.selectors import case_type_for, intake_case_types, pack_by_id
from tumen.web.forms import attempt, rebound
from tumen.web.selectors import visible_counties

PAGE_SIZE = 25
# The name searched for lives in the session, never in the URL (see case_list).
NAME_SEARCH_KEY = "tumen_case_name_search"


# Worklist -----------------------------------------------------------------------------------


def _case_types():
    seen = {}
    for _stored, case_type in intake_case_types():
        seen.setdefault(case_type.code, case_type)
    return list(seen.values())


def _worklist(request: HttpRequest, name_form: NameSearchForm | None = None) -> HttpResponse:
    official = request.user
    queue = queue_named(official, request.GET.get("queue") or request.POST.get("queue"))
    if queue is None:
        return render(request, "web/home_no_unit.html")
    filter_form = WorklistForm(
        request.GET,
        case_types=_case_types(),
        statuses=queue.statuses or Status.values,
        counties=visible_counties(official),
    )
    chosen = filter_form.chosen()
    name = request.session.get(NAME_SEARCH_KEY, "") if request.GET.get("named") else ""
    filters = Filters(
        case_type=chosen.get("case_type"),
        status=chosen.get("status"),
        county=chosen.get("county"),
        overdue=bool(chosen.get("overdue")),
        number=chosen.get("number", ""),
        name=name,
    )
    rows = (
        queue_clearances(official, filters)
        if queue.rows == "clearances"
        else queue_cases(official, queue, filters)
    )
    context = {
        "queue": queue,
        "filter_form": filter_form,
        "name_form": name_form or NameSearchForm(),
        "searched_name": name,
        "page": page_by_ids(rows, request.GET.get("page")),
    }
    return render(request, "cases/worklist.html", context)


def page_by_ids(rows: QuerySet, number: str | None) -> Page:
    """One page of `rows`, sorting only the sort keys.

    Paginating the rows themselves made the database sort whole joined rows (72,000 of them for
    a provincial analyst) to show 25; the ids come from the index alone, and the 25 rows are then
    loaded with everything `rows` selects and put back in order.
    """
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    loaded = {row.pk: row for row in rows.filter(pk__in=ids)}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """What awaits the official. A name search comes by POST and is kept in the session, so the
    name never appears in an address, a log or the browser's history; the results are then
    shown by GET with `named=1`."""
    if request.method == "GET":
        return _worklist(request)
    queue = request.POST.get("queue", "")
    target = reverse("case_list") + (f"?queue={queue}" if queue.isidentifier() else "")
    if "clear" in request.POST:
        request.session.pop(NAME_SEARCH_KEY, None)
        return redirect(target)
    form = NameSearchForm(request.POST)
    if not form.is_valid():
        return _worklist(request, name_form=form)
    request.session[NAME_SEARCH_KEY] = form.cleaned_data["name"].strip()
    return redirect(target + ("&" if "?" in target else "?") + "named=1")


# The case page ------------------------------------------------------------------------------


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = case_page(request.user, number)
    return render(request, "cases/case_detail.html", case_context(request.user, case))


def _to_case(case: Case) -> HttpResponse:
    return redirect("case_detail", number=case.number)


# Clearances ---------------------------------------------------------------------------------


def _grant(official, clearance_id: int, data: dict, form: ClearForm) -> None:
    services.clearance_grant(
        official=official, clearance_id=clearance_id, version=data["version"], note=data["note"]
    )


def _flag(official, clearance_id: int, data: dict, form: FlagForm) -> None:
    services.clearance_flag(
        official=official,
        clearance_id=clearance_id,
        version=data["version"],
        ground=data["ground"],
        note=data["note"],
        member_id=form.member_id(),
    )


def _resolve(official, clearance_id: int, data: dict, form: ResolveForm) -> None:
    services.clearance_resolve(
        official=official, clearance_id=clearance_id, version=data["version"], note=data["note"]
    )


@dataclass(frozen=True)
class ClearancePage:
    form: type
    act: Callable
    done: str


# The three clearance pages, by the action in their URL.
CLEARANCE_PAGES = {
    "clear": ClearancePage(ClearForm, _grant, gettext_lazy("You cleared the case for your unit.")),
    "flag": ClearancePage(
        FlagForm,
        _flag,
        gettext_lazy("You flagged the case. The approver will see your ground and note."),
    ),
    "resolve": ClearancePage(
        ResolveForm, _resolve, gettext_lazy("The flag is resolved and the clearance granted.")
    ),
}


def _clearance_form(page: ClearancePage, clearance, request: HttpRequest, *, retry=False):
    """The page's form: blank, as posted, or (retry) as posted with the versions now current."""
    case = clearance.case
    kwargs = {}
    if page.form is FlagForm:
        kwargs = {
            "case_type": case_type_for(case),
            "members": case.members.select_related("person"),
        }
    versions = {"version": clearance.version, "case_version": case.version}
    if retry:
        return rebound(page.form, request, values=versions, **kwargs)
    return page.form(request.POST or None, initial=versions, **kwargs)


def _stale(case: Case, seen_version: int, may_retry: bool) -> dict:
    """What a page shown again after a stale version adds: what changed, and whether to retry."""
    return {**stale_context(case, seen_version), "may_retry": may_retry}


@login_required
@require_http_methods(["GET", "POST"])
def clearance_action(request: HttpRequest, number: str, kind: str, action: str) -> HttpResponse:
    official, page = request.user, CLEARANCE_PAGES[action]
    clearance = clearance_of_case(official, number, kind)
    refusal = refusal_of_clearance(official, clearance, action)
    if refusal == "role":
        raise PermissionDenied(_("Only officers of the unit the clearance is assigned to may act."))
    if request.method == "GET" and refusal == "state":
        messages.info(request, _("That cannot be done to this clearance now. Here is the case."))
        return _to_case(clearance.case)
    form, status, extra = _clearance_form(page, clearance, request), 200, {}
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["case_version"]
        outcome = attempt(
            form,
            lambda data: page.act(official, clearance.pk, data, form),
            reread=lambda: clearance_of_case(official, number, kind),
            retry=lambda fresh: _clearance_form(page, fresh, request, retry=True),
            field_for=lambda key: "member" if key == "member_id" else key,
        )
        if outcome.done:
            messages.success(request, str(page.done))
            return _to_case(clearance.case)
        form, status = outcome.form, outcome.status
        if outcome.fresh is not None:
            clearance = outcome.fresh
            may_retry = refusal_of_clearance(official, clearance, action) is None
            extra = _stale(clearance.case, seen, may_retry)
    context = {
        "clearance": clearance,
        "case": clearance.case,
        "case_type": case_type_for(clearance.case),
        "form": form,
        "action": action,
        **extra,
    }
    return render(request, "cases/clearance_form.html", context, status=status)


def _on_case(official, number: str, action: str, form, call, retry, field_for=str):
    """`attempt` on a case page: the case read again after a stale version, with what changed.

    Returns the outcome, the case as the page now shows it, and the stale page's extra context.
    """
    seen = form.cleaned_data["version"]
    outcome = attempt(
        form, call, reread=lambda: case_page(official, number), retry=retry, field_for=field_for
    )
    if outcome.fresh is None:
        return outcome, None, {}
    case = outcome.fresh
    return outcome, case, _stale(case, seen, may(official, case, action))


# Decision -----------------------------------------------------------------------------------


def _decision_form(case, proposal, data=None, request=None):
    kwargs = {
        "proposal": proposal,
        "case_type": case_type_for(case),
        "members": list(case.members.all()),
    }
    if request is not None:
        return rebound(DecisionForm, request, values={"version": case.version}, **kwargs)
    return DecisionForm(data, initial={"version": case.version}, **kwargs)


def _proposal_clauses(case_type, proposal) -> dict:
    ids = {proposal.clause, *(m.clause for m in proposal.members)}
    ids |= {g.clause for g in case_type.grounds.values()}
    return clauses(ids)


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request: HttpRequest, number: str) -> HttpResponse:
    official = request.user
    case = case_page(official, number)
    if refusal(official, case, "approve") == "role":
        raise PermissionDenied(_("Only an approver decides cases."))
    if request.method == "GET" and not may(official, case, "approve"):
        messages.info(request, _("This case is not awaiting a decision."))
        return _to_case(case)
    proposal = decision_proposal(case)
    form, status, extra = _decision_form(case, proposal, request.POST or None), 200, {}
    if request.method == "POST" and form.is_valid():
        outcome, fresh, extra = _on_case(
            official,
            number,
            "approve",
            form,
            lambda data: services.case_decide(
                official=official,
                case_id=case.pk,
                version=data["version"],
                member_outcomes=form.member_outcomes(),
                note=data["note"],
            ),
            retry=lambda fresh: _decision_form(fresh, decision_proposal(fresh), request=request),
            field_for=form.field_for,
        )
        if outcome.done:
            messages.success(request, _("The decision is recorded."))
            return _to_case(case)
        form, status = outcome.form, outcome.status
        if fresh is not None:
            case, proposal = fresh, decision_proposal(fresh)
    case_type = case_type_for(case)
    context = {
        "case": case,
        "case_type": case_type,
        "proposal": proposal,
        "leaves_decision": proposal.outcome in (WITHDRAW, RETYPE),
        # What each unit found, beside the proposal it led to.
        "findings": case.clearances.select_related("unit", "member__person").order_by("unit_kind"),
        "form": form,
        "clauses": _proposal_clauses(case_type, proposal),
    }
    return render(request, "cases/decide.html", {**context, **extra}, status=status)


# Mass decision ------------------------------------------------------------------------------

MASS_SELECTION_MAX = 100


def _selected_ids(values: list[str]) -> list[int]:
    """The case ids ticked, in order and once each; anything else is not a case id."""
    ids: list[int] = []
    for value in values:
        case_id = parse_id(value)
        if case_id is not None and case_id not in ids:
            ids.append(case_id)
    return ids


def _selection(values: list[str]) -> list[tuple[int, int]]:
    """(case id, version) pairs as the summary page carries them ("id:version")."""
    pairs: dict[int, int] = {}
    for value in values:
        case_id, _sep, version = value.partition(":")
        case_id, version = parse_id(case_id), parse_id(version)
        if case_id is not None and version is not None:
            pairs.setdefault(case_id, version)
    return list(pairs.items())


def _decisions_queue_url() -> str:
    return reverse("case_list") + "?queue=decisions"


@login_required
@require_POST
def cases_decide_many(request: HttpRequest) -> HttpResponse:
    """Approve the ticked cases as proposed: the worklist posts the ticks here, this shows them
    for confirmation, and the confirmation decides them and says which were not, and why.

    Authorised by the decision's own rule (and, case by case, its jurisdiction) in the service.
    Each confirmation carries the version seen, so a repeated post decides nothing twice.
    """
    official = request.user
    if not allowed(official, "approve"):
        raise PermissionDenied(_("Only an approver decides cases."))
    if "confirm" in request.POST:
        selection = _selection(request.POST.getlist("selected"))[:MASS_SELECTION_MAX]
        result = services.cases_decide(official=official, selection=selection)
        numbers = dict(
            scope(Case.objects.filter(pk__in=[pk for pk, _v in selection]), official).values_list(
                "pk", "number"
            )
        )
        outcomes = dict(Decision.Outcome.choices)
        context = {
            "decided": [
                {"number": numbers.get(pk), "outcome": outcomes.get(outcome, outcome)}
                for pk, outcome in result.decided.items()
            ],
            "not_decided": [
                {"number": numbers.get(pk), "id": pk, "reason": reason}
                for pk, reason in result.not_decided.items()
            ],
        }
        return render(request, "cases/decide_many_result.html", context)
    values = request.POST.getlist("page_case" if "whole_page" in request.POST else "case")
    ids = _selected_ids(values)
    if not ids:
        messages.error(request, _("Select at least one case to approve."))
        return redirect(_decisions_queue_url())
    if len(ids) > MASS_SELECTION_MAX:
        messages.error(
            request,
            _("Select at most %(max)d cases at a time.") % {"max": MASS_SELECTION_MAX},
        )
        return redirect(_decisions_queue_url())
    queue = queue_named(official, "decisions")
    found = {case.pk: case for case in queue_cases(official, queue, Filters()).filter(pk__in=ids)}
    context = {
        "cases": [found[pk] for pk in ids if pk in found],
        # Ticked ids not (or no longer) awaiting this official's decision, whether they exist
        # elsewhere or not at all: left out, and only counted.
        "left_out": len([pk for pk in ids if pk not in found]),
        "back": _decisions_queue_url(),
    }
    return render(request, "cases/decide_many.html", context)


# Withdrawal and re-typing -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_discard(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm, then discard a draft that was never submitted."""
    official = request.user
    case = case_page(official, number)
    if refusal(official, case, "discard") == "role":
        raise PermissionDenied(_("Only the county's clerk discards a draft."))
    if request.method == "GET" and not may(official, case, "discard"):
        messages.info(request, _("This case is no longer a draft, so it cannot be discarded."))
        return _to_case(case)
    form = VersionForm(request.POST or None, initial={"version": case.version})
    status, extra = 200, {}
    if request.method == "POST" and form.is_valid():
        outcome, fresh, extra = _on_case(
            official,
            number,
            "discard",
            form,
            lambda data: services.case_discard(
                official=official, case_id=case.pk, version=data["version"]
            ),
            retry=lambda fresh: rebound(VersionForm, request, values={"version": fresh.version}),
        )
        if outcome.done:
            messages.success(request, _("The draft is discarded."))
            return redirect("case_list")
        form, status, case = outcome.form, outcome.status, fresh or case
    context = {"case": case, "form": form, **extra}
    return render(request, "cases/discard.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    official = request.user
    case = case_page(official, number)
    if refusal(official, case, "withdraw") == "role":
        raise PermissionDenied(_("Only the county's clerk or an approver withdraws a case."))
    if request.method == "GET" and not may(official, case, "withdraw"):
        messages.info(request, _("This case can no longer be withdrawn."))
        return _to_case(case)
    form = WithdrawForm(request.POST or None, initial={"version": case.version})
    status, extra = 200, {}
    if request.method == "POST" and form.is_valid():
        outcome, fresh, extra = _on_case(
            official,
            number,
            "withdraw",
            form,
            lambda data: services.case_withdraw(
                official=official, case_id=case.pk, version=data["version"], reason=data["reason"]
            ),
            retry=lambda fresh: rebound(WithdrawForm, request, values={"version": fresh.version}),
        )
        if outcome.done:
            messages.success(request, _("The case is withdrawn."))
            return _to_case(case)
        form, status, case = outcome.form, outcome.status, fresh or case
    context = {"case": case, "form": form, **extra}
    return render(request, "cases/withdraw.html", context, status=status)


def _retype_title(case: Case, ground) -> str:
    """The title of the type the ground re-types the case as, from the case's own pack."""
    kind = pack_by_id(case.policy_pack_id).case_types.get(ground.retype_to)
    return label(kind.title) if kind is not None else ground.retype_to


@login_required
@require_http_methods(["GET", "POST"])
def case_retype(request: HttpRequest, number: str) -> HttpResponse:
    official = request.user
    case = case_page(official, number)
    if refusal(official, case, "retype") == "role":
        raise PermissionDenied(_("Only an approver re-types a case."))
    if request.method == "GET" and not may(official, case, "retype"):
        messages.info(request, _("This case cannot be re-typed now."))
        return _to_case(case)
    case_type = case_type_for(case)
    proposal = decision_proposal(case)
    initial = {"version": case.version, "ground": proposal.ground or ""}
    form = RetypeForm(request.POST or None, initial=initial, case_type=case_type)
    status, extra = 200, {}
    confirming = request.method == "POST" and form.is_valid() and not request.POST.get("confirm")
    if confirming:
        # Re-typing closes the case: it is asked again, naming the new type, before it is done.
        ground = case_type.grounds[form.cleaned_data["ground"]]
        extra = {"confirm_ground": ground, "confirm_type": _retype_title(case, ground)}
    elif request.method == "POST" and form.is_valid():
        outcome, fresh, extra = _on_case(
            official,
            number,
            "retype",
            form,
            lambda data: services.case_retype(
                official=official, case_id=case.pk, version=data["version"], ground=data["ground"]
            ),
            retry=lambda fresh: rebound(
                RetypeForm, request, values={"version": fresh.version}, case_type=case_type
            ),
        )
        if outcome.done:
            new = outcome.result
            messages.success(
                request,
                _("Case %(old)s is closed as re-typed; its household is now on draft %(new)s.")
                % {"old": case.number, "new": new.number},
            )
            return _to_case(new)
        form, status, case = outcome.form, outcome.status, fresh or case
    context = {"case": case, "case_type": case_type, "proposal": proposal, "form": form, **extra}
    return render(request, "cases/retype.html", context, status=status)
