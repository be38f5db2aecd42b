"""Property: no value a client can send makes any page answer with a server error.

Every page is found in the URL conf (admin aside: Django's own), so a page added later is fuzzed
without editing this file. For each page, signed out and as each member of the cast, hypothesis
posts and gets generated hostile values for every field the page's forms carry, the query
parameters the pages read, and the address's own parameters. Any 5xx (or an exception the test
client re-raises) fails the test. The examples per page are few so that a run on each engine
stays within a minute or two; the hand-picked values below are the ones that found the bugs.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .pagekit import addresses_of, routes
from .viewkit import forms

EXAMPLES_PER_PAGE = 4
EXAMPLES_PER_FORM_PAGE = 15
# Query parameters the pages read besides their forms' fields.
QUERY_NAMES = ("page", "queue", "named", "next", "number", "status", "county", "case_type")
# Names of buttons and steps that a page reads but the form reader does not list.
EXTRA_NAMES = ("step", "action", "version", "person", "save", "clear")
# Values a browser never sends but a probe does.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "١٢",
    "１２",
    "9" * 19,
    "9" * 30,
    "9" * 5000,
    "\x00",
    "1\x00",
    "a\x00b",
    "new",
    "search",
    "pick",
    "register",
    "remove",
    "add",
    "save",
    "remove-0",
    "remove-²",
    "remove-" + "9" * 5000,
    "1963-02-30",
    "9999-12-31",
    "0001-01-01",
    "-0001-01-01",
    "on",
    "<script>",
    "../",
    "%00",
    "x" * 10_000,
]
# Numbers that are not ids: what `str.isdigit()` passes and `int()` or the database refuses.
NOT_IDS = ["²", "١٢", "9" * 30, "9" * 5000, "-1", "", "0\x00"]
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    # An action that carries an index, with a number that is not one.
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(["remove-", "add-"]),
        st.sampled_from(NOT_IDS),
    ),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _forms_by_address(client, addresses: list[str]) -> dict[str, list[dict]]:
    """Every form the pages show, as a browser would post it, by the address it posts to.

    The language switch is on every page and posts to /language/; a form without an action
    posts to its own page.
    """
    found: dict[str, list[dict]] = {}
    for address in addresses:
        response = client.get(address)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in forms(response):
            options = {n: v[0] for n, v in form.options.items() if n not in form.fields}
            target = (form.attrs.get("action") or address).split("?")[0]
            posted = {**form.fields, **options}
            pressed = [{**posted, name: value} for name, value in form.buttons] or [posted]
            found.setdefault(target, []).extend(pressed)
    return found


CAST = [
    None,
    ("yanji-office", "clerk"),
    ("yanji-office", "approver"),
    ("yanji-foreign", "clearing_officer"),
    ("yanji-security", "clearing_officer"),
    ("liaoning-security", "clearing_officer"),
]


@pytest.mark.parametrize("who", CAST, ids=lambda who: "-".join(who) if who else "signed-out")
def test_no_hostile_value_makes_any_page_fail(client, world, officer, who):
    if who is not None:
        client.force_login(officer(*who))
        # The intake's later steps need a case type chosen first.
        client.post("/cases/new/", {"case_type": "relocation"})
    addresses = [address for route in routes() for address in addresses_of(route, world)]
    by_address = _forms_by_address(client, addresses)
    for address in addresses:
        _probe(client, address, by_address.get(address, []))


def _probe(client, address: str, bases: list[dict]) -> None:
    """A form of the page as the browser would send it, with one to three values made hostile,
    sent both as a query string and as a post. Pages with forms get more examples."""
    own = sorted({name for base in bases for name in base})
    keys = st.sampled_from(sorted(set(QUERY_NAMES) | set(EXTRA_NAMES)))
    if own:
        keys = st.one_of(st.sampled_from(own), keys)
    hostile = st.dictionaries(keys, HOSTILE, min_size=1, max_size=3)
    values = st.builds(lambda base, bad: {**base, **bad}, st.sampled_from([*bases, {}]), hostile)

    @settings(
        max_examples=EXAMPLES_PER_FORM_PAGE if bases else EXAMPLES_PER_PAGE,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=values)
    def probe(data: dict) -> None:
        for method in (client.get, client.post):
            response = method(address, data)
            assert response.status_code < 500, (address, data)

    probe()
