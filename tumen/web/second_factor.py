"""A second factor (TOTP, through django-otp) after the password.

Administrators and approvers must use one (TUMEN_SECOND_FACTOR_ROLES); any other official may
set one up, and once it is confirmed it is asked of them too. An official who must use one and
has none sets it up right after the password: the page shows the key as a QR code and as text.
Until the code is given, every page but these, the language switch and signing out sends them
here. With TUMEN_SECOND_FACTOR off (the default outside production, so that the demo's printed
logins work), nobody is asked.
"""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tumen.audit.services import audit_record
from tumen.lib.parse import parse_next

DEVICE_NAME = "tumen-totp"


def required_for(official) -> bool:
    """Whether this official must give a code after the password."""
    if not settings.TUMEN_SECOND_FACTOR or not official.is_authenticated:
        return False
    if official.has_role(*settings.TUMEN_SECOND_FACTOR_ROLES):
        return True
    return TOTPDevice.objects.filter(user=official, confirmed=True).exists()


def _confirmed_device(official) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=official, confirmed=True).first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows"))
        return code


def _refused(form: CodeForm) -> None:
    form.add_error("code", _("That code is not right, or it has expired. Try the current one."))


def _next(request: HttpRequest) -> str:
    return parse_next(request, request.POST.get("next") or request.GET.get("next")) or reverse(
        "home"
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code; an official with no device yet is sent to set one up."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("second_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.second_factor")
            return redirect(_next(request))
        _refused(form)
    return render(request, "web/second_factor.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new key (QR code and text) and confirm it with a first code."""
    official = request.user
    if _confirmed_device(official) is not None and not request.user.is_verified():
        return redirect("second_factor")
    device, _created = TOTPDevice.objects.get_or_create(
        user=official, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=official, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=official, action="auth.second_factor_set_up")
            return redirect(_next(request))
        _refused(form)
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "secret": base64.b32encode(device.bin_key).decode("ascii"),
        "next": _next(request),
    }
    return render(request, "web/second_factor_setup.html", context)


class SecondFactorMiddleware:
    """Keep an official who owes a code on the second-factor pages (after OTPMiddleware)."""

    OPEN = ("second_factor", "second_factor_setup", "logout", "language", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            match = getattr(request, "resolver_match", None)
            name = match.url_name if match else None
            if name is None:
                from django.urls import Resolver404, resolve

                try:
                    name = resolve(request.path_info).url_name
                except Resolver404:
                    name = None
            if name not in self.OPEN and required_for(user):
                return redirect(f"{reverse('second_factor')}?next={request.path}")
        return self.get_response(request)
