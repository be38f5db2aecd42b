"""No junk drafts: a draft can be discarded (audited), and old drafts are listed for clean-up."""

from __future__ import annotations

import datetime

import pytest

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.models import Case, Status

from .conftest import RELOCATION_DETAILS, db_state, open_case
from .viewkit import Desk, text


def test_the_clerk_discards_a_draft_after_confirming_and_it_leaves_every_queue(
    client, yanji_clerk, register
):
    case = open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    desk = Desk(client, yanji_clerk)
    page = desk.get(f"/cases/{case.number}/")
    assert 'data-testid="action-discard"' in text(page)
    confirm = desk.get(f"/cases/{case.number}/discard/")

    done = desk.submit(confirm, "discard-form")

    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.DISCARDED
    event = AuditEvent.objects.get(action="case.discarded")
    assert event.object_id == str(case.pk)
    assert case.number not in text(desk.get("/cases/?queue=intake"))


def test_only_a_draft_is_discarded(yanji_clerk, register, officer):
    case = open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    services.case_discard(official=yanji_clerk, case_id=case.pk, version=case.version)
    before = db_state()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the workflow's refusal, whatever its type
        services.case_discard(official=yanji_clerk, case_id=case.pk, version=case.version + 1)
    assert db_state() == before


def test_drafts_older_than_thirty_days_are_listed_for_clean_up(
    client, clock, yanji_clerk, register
):
    now = datetime.datetime(1963, 10, 31, 9, 0, tzinfo=datetime.UTC)
    clock.set(now - datetime.timedelta(days=40))
    old = open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    clock.set(now - datetime.timedelta(days=2))
    fresh_draft = open_case(yanji_clerk, "relocation", [register()], RELOCATION_DETAILS)
    clock.set(now)

    page = text(Desk(client, yanji_clerk).get("/cases/?queue=old_drafts"))

    assert old.number in page
    assert fresh_draft.number not in page
