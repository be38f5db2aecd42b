"""The OpenAPI document is complete enough for a generated client."""

from __future__ import annotations

import pytest
from django.test import Client

from tumen.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_it_is_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")


def test_every_response_has_a_schema_and_an_example(document):
    for name, operation in operations(document):
        for code, answer in operation["responses"].items():
            assert answer.get("content"), (name, code)
            for media_type, media in answer["content"].items():
                assert "schema" in media, (name, code)
                assert media.get("example") is not None, (name, code)
                if str(code).startswith("4"):
                    assert media_type == "application/problem+json", (name, code)


def test_every_operation_is_authenticated_and_answers_401_and_429(document):
    for name, operation in operations(document):
        assert operation.get("security"), name
        assert {"401", "429"} <= {str(code) for code in operation["responses"]}, name


def test_every_change_declares_412_and_428_and_every_post_an_idempotency_key(document):
    for name, operation in operations(document):
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if name.startswith("POST") and not operation.get("x-tumen-read-only"):
            assert "Idempotency-Key" in headers, name
        if "If-Match" in headers:
            assert {"412", "428"} <= {str(code) for code in operation["responses"]}, name


def test_the_browsable_docs_are_for_signed_in_officials(yanji_clerk):
    assert Client().get("/api/v1/docs").status_code == 302
    browser = Client()
    browser.force_login(yanji_clerk)
    assert browser.get("/api/v1/docs").status_code == 200
    assert browser.get("/api/v1/openapi.json").json()["info"]["title"] == "Tumen"


def test_every_link_names_an_operation_of_the_document(document):
    names = {operation["operationId"] for _name, operation in operations(document)}
    linked = [
        link["operationId"]
        for _name, operation in operations(document)
        for answer in operation["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert linked
    assert set(linked) <= names
