"""Shared test fixtures: the 1963 organisation and policy loaded once, and a cast of officials.

The organisation (jurisdictions, units, the 1963 directive) is loaded into the test database once
per session; each test runs in a transaction that is rolled back, so tests see it unchanged.
Officials are made per test with `make_official`, never from the demo list.
"""

from __future__ import annotations

import pytest

from tumen.org.models import Official, RoleGrant, WorkUnit

TEST_PASSWORD = "correct horse battery staple 1963"


def load_reference_data() -> None:
    """The 1963 organisation, directive and policy; idempotent, so safe to call again."""
    from tumen.scenario.loader import load_scenario

    load_scenario("1963")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are not about hashing should not pay for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def authorization_keys(settings, tmp_path_factory):
    """Signing keys of this test worker, never the developer's var/ (approval issues documents)."""
    settings.TUMEN_AUTHORIZATION_KEY_DIR = tmp_path_factory.getbasetemp() / "authorization-keys"
    settings.TUMEN_TRUST_DIR = tmp_path_factory.getbasetemp() / "trust"
    return settings.TUMEN_AUTHORIZATION_KEY_DIR


@pytest.fixture
def make_official(db):
    def make(username: str, unit_code: str, *roles: str) -> Official:
        official = Official.objects.create_user(
            username=username, password=TEST_PASSWORD, unit=WorkUnit.objects.get(code=unit_code)
        )
        RoleGrant.objects.bulk_create([RoleGrant(official=official, role=r) for r in roles])
        return Official.objects.get(pk=official.pk)

    return make


# The cast. Unit codes are those of the 1963 scenario (tumen/scenario/data/1963.yaml).
@pytest.fixture
def yanji_clerk(make_official):
    return make_official("t.yanji.clerk", "yanji-office", "clerk")


@pytest.fixture
def yanji_approver(make_official):
    return make_official("t.yanji.approver", "yanji-office", "approver")


@pytest.fixture
def jilin_security(make_official):
    return make_official("t.jilin.security", "jilin-security", "clearing_officer")


@pytest.fixture
def liaoning_security(make_official):
    return make_official("t.liaoning.security", "liaoning-security", "clearing_officer")


@pytest.fixture
def central_admin(make_official):
    return make_official("t.central.admin", "cn-committee", "administrator")


@pytest.fixture
def committed_db(transactional_db):
    """Real commits, for tests that need several connections (threads) to see each other.

    Django empties the tables after such a test; the audit table refuses that, so its triggers are
    dropped for the flush. The flush's post_migrate signal installs them again. The reference data
    is loaded again first, since an earlier such test's flush removed it.
    """
    load_reference_data()
    yield
    from tumen.audit.db import drop_triggers

    drop_triggers()


@pytest.fixture
def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads are exercised on PostgreSQL (DATABASE_URL=postgres)")


@pytest.fixture
def clock():
    """The one clock (tumen.lib.clock), reset to real time after the test."""
    from tumen.lib import clock as the_clock

    yield the_clock
    the_clock.reset()
