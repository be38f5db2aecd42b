"""Driving the officials' pages with the test client as a browser would.

`Desk` signs an official in (in English unless told otherwise), and `forms(response)` reads the
forms of a page, so that a test posts the hidden `version` and `step` a page actually carries
rather than values it made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    attrs: dict
    fields: dict[str, str] = field(default_factory=dict)
    # Every radio button and checkbox value offered, by name.
    options: dict[str, list[str]] = field(default_factory=dict)
    # Every named submit button's (name, value): which one is pressed is part of what is posted.
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def testid(self) -> str:
        return self.attrs.get("data-testid", "")

    def data(self, **values) -> dict:
        return {**self.fields, **{k: v for k, v in values.items() if v is not None}}


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("name"):
            self._form.buttons.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
            self._form.fields.setdefault(self._select, "")
        elif tag == "option" and self._select:
            self._form.options.setdefault(self._select, []).append(attrs.get("value", ""))
            if "selected" in attrs:
                self._form.fields[self._select] = attrs.get("value", "")

    def _input(self, attrs):
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if name and kind == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        if not name or kind in ("submit", "button"):
            return
        if kind in ("radio", "checkbox"):
            self._form.options.setdefault(name, []).append(attrs.get("value", "on"))
            if "checked" in attrs:
                self._form.fields[name] = attrs.get("value", "on")
            return
        self._form.fields[name] = attrs.get("value", "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._form is not None:
            # As browsers do: one newline right after <textarea> is not part of the value.
            value = self._form.fields[self._textarea]
            self._form.fields[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms(response) -> list[Form]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.forms


def form(response, testid: str) -> Form:
    found = [f for f in forms(response) if f.testid == testid]
    assert found, f"no form {testid!r} on the page; forms: {[f.testid for f in forms(response)]}"
    return found[0]


def text(response) -> str:
    return response.content.decode()


# A new person registered at the finder's last step by a Tumen county clerk (add a number).
TUMEN_REGISTRATION = {
    "step": "register",
    "name_latin": "Pak Yong",
    "sex": "male",
    "date_of_birth": "1931-02-03",
    "nationality": "prc",
    "ethnicity": "korean",
    "residence_code": "tumen",
    "household_number": "HH-TUMEN-77",
    "different_person": "on",
}


class Desk:
    """An official at the test client, signed in, reading pages in one language."""

    def __init__(self, client, official, language: str = "en") -> None:
        self.client = client
        self.official = official
        client.force_login(official)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    def get(self, url: str, params: dict | None = None, **extra):
        return self.client.get(url, params or {}, **extra)

    def post(self, url: str, data: dict, **extra):
        return self.client.post(url, data, **extra)

    def submit(self, response, testid: str, url: str | None = None, **values):
        """Post the form `testid` of `response` back, with some fields filled in."""
        chosen = form(response, testid)
        target = chosen.attrs.get("action") or url or response.wsgi_request.path
        return self.client.post(target, chosen.data(**values))


def start_application(desk: Desk):
    """Intake's commitment: the principal chosen, the clerk starts the application (the draft
    case is opened only now)."""
    return desk.submit(desk.get("/cases/new/start/"), "intake-start-form")
