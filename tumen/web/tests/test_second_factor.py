"""A second factor (TOTP) after the password: required of approvers and administrators, optional
for others, and checked on every page until given."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tumen.audit.models import AuditEvent
from tumen.conftest import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.TUMEN_SECOND_FACTOR = True


def sign_in(client, official, **extra):
    return client.post(
        "/login/",
        {"username": official.username, "password": TEST_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_approver_sets_up_a_code_after_the_password_and_then_reaches_the_pages(
    client, yanji_approver
):
    sign_in(client, yanji_approver)
    # Every page sends them to the second factor until it is given.
    held = client.get("/cases/")
    assert held.status_code == 302
    assert held.url.startswith("/login/second-factor/")
    setup = client.get("/login/second-factor/set-up/", HTTP_ACCEPT_LANGUAGE="en")
    page = setup.content.decode()
    assert 'data-testid="second-factor-qr"' in page
    key = re.search(r'data-testid="second-factor-key">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=yanji_approver, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() == key
    wrong = client.post("/login/second-factor/set-up/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    # django-otp makes the device wait after a wrong code; the test does not wait with it.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    done = client.post("/login/second-factor/set-up/", {"code": current_code(device)})
    assert done.status_code == 302
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_set_up").count() == 1


def test_an_approver_with_a_device_gives_the_code_at_every_sign_in(client, yanji_approver):
    device = TOTPDevice.objects.create(user=yanji_approver, name="t", confirmed=True)
    sign_in(client, yanji_approver)
    assert client.get("/").url.startswith("/login/second-factor/")
    bad = client.post("/login/second-factor/", {"code": "12 34 5x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter the 6 digits" in bad.content.decode()
    assert client.get("/").status_code == 302
    done = client.post("/login/second-factor/", {"code": current_code(device), "next": "/cases/"})
    assert done.url == "/cases/"
    assert client.get("/").status_code == 200


def test_a_clerk_without_a_device_is_not_asked(client, yanji_clerk):
    sign_in(client, yanji_clerk)
    assert client.get("/").status_code == 200


def test_a_clerk_who_opted_in_is_asked_too(client, yanji_clerk):
    TOTPDevice.objects.create(user=yanji_clerk, name="t", confirmed=True)
    sign_in(client, yanji_clerk)
    assert client.get("/").url.startswith("/login/second-factor/")


def test_with_the_second_factor_off_nobody_is_asked(client, yanji_approver, settings):
    settings.TUMEN_SECOND_FACTOR = False
    sign_in(client, yanji_approver)
    assert client.get("/").status_code == 200
