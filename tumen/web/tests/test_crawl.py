"""Every role lands on a page with its work, and no link an official is shown leads nowhere.

The officials are those the 1963 scenario lists for the demo (one per unit kind, level and
roles), made as the other tests make them; the cases are the demo's, at a small scale, so that
there is a case in every state (drafts, in clearance, flagged, awaiting decision, approved with
its travel authorizations, refused, withdrawn, re-typed, split from a foreign note). Each official
signs in, lands, and follows every link of the site from there (GET only, breadth first, a bounded
number of pages, at most a few of each kind so that every kind is reached); no page may answer
404 or 500, nor 403: a link the official is shown is one they may follow.

The officials read in Chinese and Korean in turn, and no page they reach may show a raw code
(`documents_incomplete`, `clearing_officer`) in its text: every code reads as its label. What a
reader must type as it is (the import file's column names) is not a code of ours to translate.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml

from tumen.cases.models import Status
from tumen.cases.selectors.cases import cases_for
from tumen.imports.columns import CASE_COLUMNS, NOTE_COLUMNS, PERSON_COLUMNS, REPORT_COLUMNS
from tumen.org.models import WorkUnit
from tumen.scenario.demo import populate
from tumen.web.middleware import SESSION_LANGUAGE_KEY

pytestmark = pytest.mark.django_db

SCENARIO = Path(__file__).resolve().parents[2] / "scenario" / "data" / "1963.yaml"
HREF = re.compile(r'href="([^"]+)"')
# Not pages: signing out, static files, the API and its documents (their own tests crawl them),
# a file download that is tested with its page, and the admin site's own model pages.
SKIP = re.compile(r"^/(static/|api/|logout|i18n/|admin/.+)")
PAGES_PER_OFFICIAL = 70
# Pages of one kind (the address with its numbers and case numbers blanked) visited at most.
PER_KIND = 4
NUMBERS = re.compile(r"[A-Z]+-\d+-\d+|\d+")


def _cast() -> list[dict]:
    """One demo official per (unit kind, jurisdiction level, roles)."""
    officials = yaml.safe_load(SCENARIO.read_text())["demo_officials"]
    units = {u.code: u for u in WorkUnit.objects.select_related("jurisdiction")}
    seen, cast = set(), []
    for entry in officials:
        unit = units[entry["unit"]]
        key = (unit.kind, unit.jurisdiction.level, tuple(sorted(entry["roles"])))
        if key not in seen:
            seen.add(key)
            cast.append(entry)
    return cast


def _links(html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = urldefrag(unescape(raw))[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/") or SKIP.match(url):
            continue
        found.append(url)
    return found


# What each role's landing page must offer under "Your work": the list of its work.
WORK = {
    "clerk": '<a href="/cases/?queue=intake" data-testid="work-intake">',
    "approver": '<a href="/cases/?queue=decisions" data-testid="work-decisions">',
    "clearing_officer": '<a href="/cases/?queue=clearances" data-testid="work-clearances">',
    "analyst": '<a href="/reports/" data-testid="work-reports">',
    "administrator": '<a href="/admin/" data-testid="work-administration">',
}


def _your_work(html: str) -> str:
    start = html.index('data-testid="your-work"')
    return html[start : html.index("</section>", start)]


# A code as services, packs and choices spell them: lower-case words joined by underscores.
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# The import file's column names: the reader types them into the file's first row as they are.
COLUMN_NAMES = {*PERSON_COLUMNS, *CASE_COLUMNS, *NOTE_COLUMNS, *REPORT_COLUMNS}


class _Text(HTMLParser):
    """The text a reader sees: no script, style or code sample, no attribute."""

    HIDDEN = {"script", "style", "code", "pre", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _raw_codes(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    return set(RAW_CODE.findall(" ".join(reader.parts))) - COLUMN_NAMES


def _kind(url: str) -> str:
    return NUMBERS.sub("N", url.split("?")[0]) + ("?" if "?" in url else "")


def _seeds(official) -> list[str]:
    """Besides the landing page, one case the official may see in each status: the links of a
    case page differ with its state (a re-typed case, one split from a note, one approved)."""
    seeds = []
    for status in Status.values:
        case = cases_for(official).filter(status=status).order_by("pk").first()
        if case is not None:
            seeds.append(f"/cases/{case.number}/")
    return seeds


def _crawl(client, start: str, seeds=(), codes: dict | None = None) -> dict[str, int]:
    """Status by page; each raw code a page shows goes into `codes` (code -> pages)."""
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    queue = deque([start, *seeds])
    while queue and len(statuses) < PAGES_PER_OFFICIAL:
        url = queue.popleft()
        if url in statuses or (kinds.get(_kind(url), 0) >= PER_KIND and url not in seeds):
            continue
        kinds[_kind(url)] = kinds.get(_kind(url), 0) + 1
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302, 303):
            queue.appendleft(response["Location"])
            continue
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            queue.extend(link for link in _links(html) if link not in statuses)
            for code in _raw_codes(html) if codes is not None else ():
                codes.setdefault(code, set()).add(url)
    return statuses


def test_every_demo_role_lands_on_its_work_and_finds_no_dead_link(client, make_official):
    populate(io.StringIO(), scale=0.05)
    dead: dict[str, dict[str, int]] = {}
    codes: dict[str, set[str]] = {}
    for index, entry in enumerate(_cast()):
        official = make_official(f"t.crawl.{index}", entry["unit"], *entry["roles"])
        if "administrator" in entry["roles"]:
            # As the scenario makes its administrators (scenario.sync).
            official.is_staff = True
            official.save(update_fields=["is_staff"])
        client.force_login(official)
        session = client.session
        session[SESSION_LANGUAGE_KEY] = ("zh-hans", "ko")[index % 2]
        session.save()
        landing = client.get("/", follow=True)
        assert landing.status_code == 200, entry
        if entry["roles"] == ["checkpoint_officer"]:
            # The one page they work on.
            assert landing.redirect_chain[-1][0] == "/checkpoint/", entry
        else:
            work = _your_work(landing.content.decode())
            for role in entry["roles"]:
                assert WORK[role] in work, f"{entry['username']}: no link to its work"
            if WorkUnit.objects.get(code=entry["unit"]).kind == "foreign_affairs":
                assert 'data-testid="work-requests"' in work, entry["username"]
        statuses = _crawl(client, "/", _seeds(official), codes)
        broken = {url: status for url, status in statuses.items() if status in (403, 404, 500)}
        if broken:
            dead[entry["username"]] = broken
        assert len(statuses) > 5, f"{entry['username']} reached only {statuses}"
        client.logout()
    assert not dead, dead
    assert not codes, {code: sorted(pages)[:3] for code, pages in codes.items()}


def test_the_raw_code_check_can_fail():
    page = (
        "<p>理由：documents_incomplete</p><code>record_id</code><p>record_id</p>"
        '<input value="clearing_officer"><script>var x_y = 1;</script>'
    )
    assert _raw_codes(page) == {"documents_incomplete"}
