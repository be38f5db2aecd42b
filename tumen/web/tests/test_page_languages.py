"""The officials' pages speak each working language, and 'Korean' is told apart by context."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from tumen.people.models import Ethnicity


@pytest.mark.parametrize(
    ("language", "worklist", "intake"),
    [
        ("zh-hans", "未结案件", "这是哪类案件？"),
        ("ko", "미결 안건", "어떤 류형의 안건입니까?"),
        ("en", "Open cases", "What kind of case is it?"),
    ],
)
def test_worklist_and_intake_render_in_each_working_language(
    client, yanji_clerk, language, worklist, intake
):
    client.force_login(yanji_clerk)
    client.post("/language/", {"language": language})

    cases = client.get("/cases/").content.decode()
    new = client.get("/cases/new/").content.decode()

    assert f'<html lang="{language}">' in cases
    assert f'<h1 class="heading-l">{worklist}</h1>' in cases
    assert f'<h1 class="heading-l">{intake}</h1>' in new


@pytest.mark.parametrize(
    ("language", "ethnicity", "tongue"),
    [("zh-hans", "朝鲜族", "朝鲜语"), ("ko", "조선족", "조선어"), ("en", "Korean", "Korean")],
)
def test_korean_the_ethnicity_and_korean_the_language_are_translated_apart(
    language, ethnicity, tongue
):
    with translation.override(language):
        assert str(Ethnicity.KOREAN.label) == ethnicity
        assert str(dict(settings.LANGUAGES)["ko"]) == tongue
