"""Tumen's URLs and a bare Django view returning a constant: the ceiling benchmarks/api.py
compares the API with (the same server, middleware and process; no database, no template)."""

from django.http import HttpResponse
from django.urls import path

from tumen.urls import urlpatterns as tumen_urlpatterns


def constant(request):
    return HttpResponse(b'{"ok": true}', content_type="application/json")


urlpatterns = [path("bench/constant", constant), *tumen_urlpatterns]
