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


def test_choosing_a_principal_and_walking_away_leaves_no_case(client, yanji_clerk, register):
    """
    GIVEN a registered applicant
    WHEN the clerk chooses relocation, finds her and picks her as principal, then leaves
    THEN no case exists and nothing is audited for a case; the principal waits in the session by
         id (not in any address) until the clerk starts the application, which opens the draft
    """
    applicant = register(name_hanzi="朴明淑", name_hangul="박명숙")
    desk = Desk(client, yanji_clerk)
    desk.post("/cases/new/", {"case_type": "relocation"})
    found = desk.post("/cases/new/principal/", {"step": "search", "name": "박명숙"})
    picked = desk.submit(found, "person-pick", person=str(applicant.pk))

    assert picked.status_code == 302
    assert picked.url == "/cases/new/start/"
    assert str(applicant.pk) not in picked.url
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="case.").exists()
    shown = desk.get(picked.url)
    assert "朴明淑" in text(shown)
    assert not Case.objects.exists()
    # Walking away: the worklists hold nothing of it.
    assert "朴明淑" not in text(desk.get("/cases/?queue=intake"))
    assert "朴明淑" not in text(desk.get("/cases/?queue=old_drafts"))

    opened = desk.submit(shown, "intake-start-form")

    case = Case.objects.get()
    assert opened.url == f"/cases/{case.number}/members/"
    assert case.status == Status.DRAFT
    assert case.members.get().person == applicant
    assert AuditEvent.objects.filter(action="case.opened").count() == 1
    # The session no longer holds a principal: the next new case starts from the beginning.
    assert desk.get("/cases/new/start/").url == "/cases/new/"


def test_the_start_page_needs_a_chosen_principal_the_clerk_may_see(client, yanji_clerk, register):
    desk = Desk(client, yanji_clerk)
    desk.post("/cases/new/", {"case_type": "relocation"})
    assert desk.get("/cases/new/start/").url == "/cases/new/principal/"
    elsewhere = register("kuandian")
    session = client.session
    session["tumen_intake_principal"] = elsewhere.pk
    session.save()
    assert desk.get("/cases/new/start/").status_code == 404
    assert desk.post("/cases/new/start/", {}).status_code == 404
    assert not Case.objects.exists()
