"""official_set_language: saved, validated, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tumen.audit.models import AuditEvent
from tumen.org.models import Official
from tumen.org.services import official_set_language


@pytest.mark.parametrize("language", ["zh-hans", "ko", "en"])
def test_an_official_saves_a_working_language(yanji_clerk, language):
    official_set_language(official=yanji_clerk, language=language)

    assert Official.objects.get(pk=yanji_clerk.pk).language == language
    event = AuditEvent.objects.get(action="official.language_set")
    assert event.actor_id == yanji_clerk.pk
    assert event.object_type == "org.official"
    assert event.object_id == str(yanji_clerk.pk)
    assert event.payload == {"language": language}


def test_a_language_that_is_not_offered_is_refused_and_nothing_is_written(yanji_clerk):
    with pytest.raises(ValidationError):
        official_set_language(official=yanji_clerk, language="fr")

    assert Official.objects.get(pk=yanji_clerk.pk).language == ""
    assert not AuditEvent.objects.filter(action="official.language_set").exists()
