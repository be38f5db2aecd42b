from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("tumen.cases.urls")),
    path("", include("tumen.authorizations.urls")),
    path("", include("tumen.people.urls")),
    path("", include("tumen.reports.urls")),
    path("", include("tumen.web.urls")),
]
