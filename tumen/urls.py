from django.contrib import admin
from django.urls import include, path

from tumen.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("tumen.cases.urls")),
    path("", include("tumen.people.urls")),
    path("", include("tumen.web.urls")),
]
