"""Reads that only the web pages need."""

from __future__ import annotations

from tumen.org.models import Jurisdiction


def jurisdiction_chain(jurisdiction: Jurisdiction) -> list[Jurisdiction]:
    """The jurisdiction and every one above it, root first, in one query.

    An official may always see the names of the line above their own jurisdiction (it is where
    their instructions come from), so this is not an access question and uses no scope.
    """
    return list(Jurisdiction.objects.filter(path__in=jurisdiction.ancestor_paths).order_by("path"))
