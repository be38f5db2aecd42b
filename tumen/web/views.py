"""Pages for officials. Each view parses the request, lets a selector or service do the work
(both authorize through tumen.org.access), and renders."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tumen.cases.selectors.worklists import (
    handles_foreign_requests,
    navigation_counts,
    queues_for,
)
from tumen.cases.workflow import allowed
from tumen.directives import selectors as directive_selectors
from tumen.directives import services as directive_services
from tumen.lib.parse import clean_text, parse_next
from tumen.org.access import authorised
from tumen.org.admin import is_administrator
from tumen.org.models import Role
from tumen.org.services import official_set_language
from tumen.people.services import DOCUMENT_FIELDS
from tumen.reports.workflow import AUTHORITY as REPORT_AUTHORITY
from tumen.web import referrals
from tumen.web.forms import LanguageForm, LoginForm
from tumen.web.middleware import SESSION_LANGUAGE_KEY
from tumen.web.selectors import jurisdiction_chain


class TumenLoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class TumenLogoutView(auth_views.LogoutView):
    """Sign out by POST only (Django's default), so a link or image cannot sign anyone out."""


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    official = request.user
    if not official.unit_id:
        return render(request, "web/home_no_unit.html")
    if official.role_set == {Role.CHECKPOINT_OFFICER}:
        # Checkpoint officers land on the one page they work on.
        return redirect("checkpoint")
    # Counted once, for the menu and for "Your work" alike.
    request.navigation_counts = navigation_counts(official)
    work = your_work(official, request.navigation_counts)
    context = {
        "work": work,
        "waiting": any(item.count for item in work),
        "unit": official.unit,
        "jurisdiction_chain": jurisdiction_chain(official.unit.jurisdiction),
        # The roles the navigation reads too: one query for both.
        "roles": [Role(role).label for role in sorted(official.role_set)],
        "directives": directive_selectors.directive_list_for_official(official=official),
        "referrals": referrals.referrals_for(official),
    }
    return render(request, "web/home.html", context)


@dataclass(frozen=True)
class Work:
    key: str
    label: str
    url: str
    count: int | None = None


def your_work(official, counts: dict[str, int]) -> list[Work]:
    """The lists of work the official's roles give them, with what awaits in each (`counts`, as
    the menu counts them). "All cases" is not work; it is in the menu."""
    worklist = reverse("case_list")
    work = [
        Work(queue.key, str(queue.label), f"{worklist}?queue={queue.key}", counts.get(queue.key))
        for queue in queues_for(official)
        if queue.counted
    ]
    if handles_foreign_requests(official):
        work.append(
            Work(
                "requests",
                _("Foreign requests"),
                reverse("foreign_request_list"),
                counts["requests"],
            )
        )
    if allowed(official, "open"):
        work.append(Work("new-case", _("Open a new case"), reverse("intake_start")))
    # Links only to the pages the official may open (the same authority those pages require).
    if authorised(official, "crossing.record"):
        work.append(Work("checkpoint", _("Checkpoint"), reverse("checkpoint")))
    if authorised(official, REPORT_AUTHORITY):
        work.append(Work("reports", _("Situation reports"), reverse("report_list")))
    if is_administrator(official):
        work.append(Work("administration", _("Administration"), reverse("admin:index")))
    return work


@login_required
@require_POST
def referral_new(request: HttpRequest) -> HttpResponse:
    """The refer button beside a number held by another jurisdiction (people/_finder.html)."""
    number_field = request.POST.get("refer", "")
    if number_field not in DOCUMENT_FIELDS:
        number_field = ""
    number = clean_text(request.POST.get(number_field), max_length=64) if number_field else ""
    try:
        to = referrals.person_refer(
            official=request.user,
            number_field=number_field,
            number=number,
            passport_state=clean_text(request.POST.get("passport_state"), max_length=8),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The person is referred to %(place)s; that office will see it on its home page.")
            % {"place": to.name},
        )
    return redirect("home")


@login_required
@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    directives = directive_selectors.directive_list_for_official(official=request.user)
    return render(request, "web/directive_list.html", {"directives": directives})


@login_required
@require_GET
def directive_detail(request: HttpRequest, code: str) -> HttpResponse:
    official = request.user
    directive = directive_selectors.directive_for_official(official=official, code=code)
    may_acknowledge = directive.my_acknowledgement is None and authorised(
        official, "directive.acknowledge"
    )
    context = {"directive": directive, "may_acknowledge": may_acknowledge}
    return render(request, "web/directive_detail.html", context)


@login_required
@require_POST
def directive_acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    result = directive_services.directive_acknowledge(official=request.user, directive_code=code)
    if result.created:
        messages.success(request, _("Receipt acknowledged for your unit."))
    else:
        messages.info(request, _("Your unit had already acknowledged receipt. Nothing changed."))
    return redirect("directive_detail", code=code)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    """The page to return to: `candidate` if it is a local path, else the start page."""
    return parse_next(request, candidate) or reverse(
        "home" if request.user.is_authenticated else "login"
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; for a signed-in official it is also saved for next time."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        # Only a hand-made request gets here: the switch offers nothing but valid choices.
        return render(request, "400.html", status=400)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        official_set_language(official=request.user, language=language)
    request.session[SESSION_LANGUAGE_KEY] = language
    return HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
