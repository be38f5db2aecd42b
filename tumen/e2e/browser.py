"""The browser side of the stories: where screenshots go, and an official at a browser."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from tumen.conftest import TEST_PASSWORD

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TUMEN_SCREENSHOTS", REPO / "artifacts" / "screenshots"))


class Desk:
    """One official at one browser: their own context (cookies), signed in through the form."""

    def __init__(self, context, base_url: str, language: str, shots: Shots) -> None:
        self.context = context
        self.page = context.new_page()
        # What the browser refused under the Content-Security-Policy (an inline script or style).
        self.csp_violations: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.base_url = base_url
        self.language = language
        self.shots = shots

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def sign_in(self, username: str, password: str = TEST_PASSWORD, *, shot: str = "") -> None:
        self.go("/login/")
        if shot:
            self.shot(shot)
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        assert urlsplit(self.page.url).path != "/login/", self.main_text()

    def sign_out(self) -> None:
        with self.page.expect_navigation():
            self.page.locator("form.header__signout button").click()

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def shot(self, name: str) -> Path:
        return self.shots.take(self.page, f"{self.language}-{name}")

    def path(self) -> str:
        return urlsplit(self.page.url).path


class Shots:
    """Numbered full-page screenshots, in the order a story walks through its pages."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []

    def take(self, page, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9_.-]+", "-", name.lower())
        path = self.folder / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path
