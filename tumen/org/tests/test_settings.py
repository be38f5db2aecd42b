"""Security-relevant settings as shipped, read from the module itself (tests override hashing)."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_passwords_are_hashed_with_argon2_first():
    shipped = importlib.import_module("tumen.settings")
    assert shipped.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"TUMEN_ENV": "production"}, "TUMEN_SECRET_KEY"),
        ({"TUMEN_ENV": "staging"}, "TUMEN_ENV"),
        ({"TUMEN_DEBUG": "maybe"}, "TUMEN_DEBUG"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"TUMEN_LOGIN_FAILURE_LIMIT": "five"}, "TUMEN_LOGIN_FAILURE_LIMIT"),
        ({"TUMEN_ENV": "production", "TUMEN_SECRET_KEY": "s" * 50}, "TUMEN_ALLOWED_HOSTS"),
    ],
)
def test_bad_configuration_stops_start_up_naming_the_setting(monkeypatch, environment, named):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TUMEN_ALLOWED_HOSTS", raising=False)
    import tumen.settings as module

    with pytest.raises(ImproperlyConfigured, match=named):
        importlib.reload(module)
    monkeypatch.undo()
    importlib.reload(module)


def test_database_url_with_a_password_is_never_echoed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "bogus://user:s3cret@host/db")
    import tumen.settings as module

    with pytest.raises(ImproperlyConfigured) as error:
        importlib.reload(module)
    assert "s3cret" not in str(error.value)
    monkeypatch.undo()
    importlib.reload(module)
