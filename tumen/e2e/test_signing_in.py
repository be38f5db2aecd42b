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
