"""A small client for the API tests: a bearer token per official, JSON in and out."""

from __future__ import annotations

import json

from django.test import Client

from tumen.tokens.services import token_create


class Api:
    def __init__(self, official=None, *, language: str = "en"):
        self.client = Client()
        self.headers = {"Accept-Language": language}
        if official is not None:
            secret = token_create(official=official, name="tests").secret
            self.headers["Authorization"] = f"Bearer {secret}"

    def call(self, method: str, path: str, body=None, **headers):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        extra = {**self.headers, **headers}
        if method == "get":
            return self.client.get(url, body or {}, headers=extra)
        return getattr(self.client, method)(
            url,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=extra,
        )

    def get(self, path, params=None, **headers):
        return self.call("get", path, params, **headers)

    def post(self, path, body=None, **headers):
        return self.call("post", path, body, **headers)

    def patch(self, path, body=None, **headers):
        return self.call("patch", path, body, **headers)
