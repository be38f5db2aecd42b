"""The Django admin is for administrators only, and what they change there is audited."""

from __future__ import annotations

import pytest

from tumen.audit.models import AuditEvent
from tumen.org.models import Official, WorkUnit


def make_staff(official: Official) -> Official:
    official.is_staff = True
    official.save(update_fields=["is_staff"])
    return Official.objects.get(pk=official.pk)


def test_a_clerk_made_staff_by_mistake_is_still_kept_out(client, yanji_clerk):
    client.force_login(make_staff(yanji_clerk))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert client.get("/admin/org/workunit/").status_code == 302


def test_an_administrator_who_is_staff_gets_in(client, central_admin):
    client.force_login(make_staff(central_admin))

    assert client.get("/admin/").status_code == 200
    for url in [
        "/admin/org/jurisdiction/",
        "/admin/org/workunit/",
        "/admin/org/official/",
        "/admin/directives/directive/",
    ]:
        assert client.get(url).status_code == 200, url


def test_an_administrator_who_is_not_staff_is_kept_out(client, central_admin):
    client.force_login(central_admin)

    assert client.get("/admin/").status_code == 302


def test_a_superuser_without_the_role_gets_in(client, db):
    root = Official.objects.create_superuser(username="t.root", password="x" * 20)
    client.force_login(root)

    assert client.get("/admin/").status_code == 200


def test_the_pages_of_a_directive_and_an_official_open_for_an_administrator(
    client, central_admin, yanji_clerk
):
    from tumen.directives.models import Directive

    client.force_login(make_staff(central_admin))
    directive = Directive.objects.get(code="cc-1963-08-08")

    assert client.get(f"/admin/directives/directive/{directive.pk}/change/").status_code == 200
    assert client.get(f"/admin/org/official/{yanji_clerk.pk}/change/").status_code == 200


def test_a_provincial_administrator_sees_only_their_own_subtree(client, make_official):
    admin = make_staff(make_official("t.liaoning.admin", "liaoning-security", "administrator"))
    client.force_login(admin)

    page = client.get("/admin/org/workunit/").content.decode()

    assert "liaoning-security" in page
    assert "jilin-security" not in page
    jilin_unit = WorkUnit.objects.get(code="jilin-security")
    assert client.get(f"/admin/org/workunit/{jilin_unit.pk}/change/").status_code == 302


@pytest.mark.parametrize("field", ["is_superuser", "groups", "user_permissions"])
def test_an_administrator_who_is_not_a_superuser_cannot_hand_out_superpowers(
    client, make_official, yanji_clerk, field
):
    admin = make_staff(make_official("t.jilin.admin", "jilin-security", "administrator"))
    client.force_login(admin)

    page = client.get(f"/admin/org/official/{yanji_clerk.pk}/change/").content.decode()

    assert f'name="{field}"' not in page


def test_a_change_made_in_the_admin_is_audited(client, central_admin):
    client.force_login(make_staff(central_admin))
    unit = WorkUnit.objects.get(code="yanji-office")

    response = client.post(
        f"/admin/org/workunit/{unit.pk}/change/",
        {
            "code": unit.code,
            "kind": unit.kind,
            "jurisdiction": unit.jurisdiction_id,
            "name_zh": unit.name_zh,
            "name_ko": unit.name_ko,
            "name_en": "Yanji County Office",
        },
    )

    assert response.status_code == 302
    assert WorkUnit.objects.get(pk=unit.pk).name_en == "Yanji County Office"
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor_id == central_admin.pk
    assert event.object_type == "org.workunit"
    assert event.object_id == str(unit.pk)


@pytest.mark.parametrize(
    "model", ["org/jurisdiction", "org/workunit", "org/official", "directives/directive"]
)
def test_the_add_forms_open_for_an_administrator(client, central_admin, model):
    client.force_login(make_staff(central_admin))

    assert client.get(f"/admin/{model}/add/").status_code == 200
