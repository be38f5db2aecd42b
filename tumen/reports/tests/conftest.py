"""The reporting line of the 1963 scenario: an analyst at each level from Yanji to the Bureau."""

from __future__ import annotations

import pytest
from django.utils import translation

DIRECTIVE = "cc-1963-08-08"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def analysts(make_official):
    units = {
        "yanji": "yanji-office",
        "tumen": "tumen-office",
        "yanbian": "yanbian-committee",
        "jilin": "jilin-committee",
        "liaoning": "liaoning-committee",
        "ne": "ne-committee",
    }
    return {
        name: make_official(f"t.{name}.analyst", unit, "analyst") for name, unit in units.items()
    }
