"""Signing in through the login form, in Chinese and Korean, as every browser story starts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["zh-hans", "ko"])
def test_a_clerk_signs_in_through_the_form_and_lands_on_their_units_home(
    desks, yanji_clerk, language
):
    desk = desks(language)

    desk.sign_in(yanji_clerk.username, shot="01-login")

    assert desk.path() == "/"
    name = yanji_clerk.unit.name_zh if language == "zh-hans" else yanji_clerk.unit.name_ko
    assert desk.page.locator("main h1").inner_text() == name
    assert desk.page.locator("html").get_attribute("lang") == language
    desk.shot("02-home")


def test_the_pages_run_under_the_content_security_policy_without_a_violation(desks, yanji_clerk):
    desk = desks("zh-hans")
    desk.sign_in(yanji_clerk.username)
    for path in ("/", "/cases/", "/cases/new/", "/directives/", "/foreign-requests/"):
        response = desk.go(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # The worklist's filters post through htmx, which must not need inline style or eval.
    desk.go("/cases/")
    desk.page.locator("select").first.select_option(index=1)
    desk.page.wait_for_load_state("networkidle")
    assert desk.csp_violations == []
