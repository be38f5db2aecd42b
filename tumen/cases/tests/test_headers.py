"""Every page carries the Content-Security-Policy and is never stored by a cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .pagekit import addresses_of, routes

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("who", [None, ("yanji-office", "clerk")], ids=["signed-out", "clerk"])
def test_every_page_carries_the_csp_no_store_and_the_policies(client, world, officer, who):
    if who is not None:
        client.force_login(officer(*who))
    addresses = [address for route in routes() for address in addresses_of(route, world)]
    for address in addresses:
        response = client.get(address)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, address
        assert "script-src 'self'" in csp, address
        assert "unsafe-inline" not in csp, address
        assert response.headers["Cache-Control"].startswith("no-store"), address
        assert response.headers["Referrer-Policy"] == "same-origin", address
        assert "camera=()" in response.headers["Permissions-Policy"], address


def test_no_template_has_inline_script_or_style():
    import tumen

    offenders = []
    for template in Path(tumen.__file__).parent.rglob("templates/**/*.html"):
        html = template.read_text(encoding="utf-8")
        for marker in ("<style", " style=", "<script>", " onclick=", " onload=", "hx-on"):
            if marker in html:
                offenders.append(f"{template.name}: {marker}")
    assert offenders == []


def _production_env(tmp_path) -> dict:
    return {
        "TUMEN_ENV": "production",
        "TUMEN_SECRET_KEY": "x" * 64 + "-production-secret-for-the-deploy-check",
        "TUMEN_ALLOWED_HOSTS": "tumen.example",
        "TUMEN_VAR_DIR": str(tmp_path / "var"),
        "TUMEN_AUDIT_KEY_FILE": str(tmp_path / "secrets" / "audit.pem"),
        "PATH": "/usr/bin:/bin",
    }


def _run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_the_deploy_checks_pass_with_production_values(tmp_path):
    args = ("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    result = _run(*args, env=_production_env(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_a_signing_key_beside_the_database(tmp_path):
    env = {**_production_env(tmp_path), "TUMEN_AUDIT_KEY_FILE": str(tmp_path / "var" / "k.pem")}
    result = _run("manage.py", "check", env=env)
    assert result.returncode != 0
    assert "must not lie under the database's directory" in result.stderr


def test_production_requires_the_signing_keys_path(tmp_path):
    env = _production_env(tmp_path)
    del env["TUMEN_AUDIT_KEY_FILE"]
    result = _run("manage.py", "check", env=env)
    assert result.returncode != 0
    assert "TUMEN_AUDIT_KEY_FILE must be set" in result.stderr


def test_production_cookies_carry_the_host_prefix(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    )
    env = {**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "tumen.settings"}
    result = _run("-c", code, env=env)
    assert result.stdout.split() == ["__Host-tumen-session", "__Host-tumen-csrf", "True"]


def test_an_official_idle_longer_than_the_limit_is_signed_out(client, officer, settings):
    from tumen.web.middleware import IDLE_KEY

    client.force_login(officer("yanji-office", "clerk"))
    assert client.get("/cases/").status_code == 200
    session = client.session
    session[IDLE_KEY] = session[IDLE_KEY] - settings.TUMEN_IDLE_SECONDS - 1
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_an_official_active_within_the_limit_stays_signed_in(client, officer, settings):
    from tumen.web.middleware import IDLE_KEY

    client.force_login(officer("yanji-office", "clerk"))
    client.get("/cases/")
    session = client.session
    session[IDLE_KEY] = session[IDLE_KEY] - settings.TUMEN_IDLE_SECONDS + 120
    session.save()
    assert client.get("/cases/").status_code == 200
