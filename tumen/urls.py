from django.contrib import admin
from django.urls import include, path, register_converter

from tumen.api import api
from tumen.lib.parse import IdConverter, TextConverter

# Registered before the apps' URL modules are included, which use them.
register_converter(IdConverter, "id")
register_converter(TextConverter, "text")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("tumen.cases.urls")),
    path("", include("tumen.authorizations.urls")),
    path("", include("tumen.people.urls")),
    path("", include("tumen.reports.urls")),
    path("", include("tumen.imports.urls")),
    path("", include("tumen.web.urls")),
]
