"""Report pages. Addresses carry report ids, never a person's data."""

from django.urls import path, re_path

from tumen.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_start, name="report_start"),
    re_path(r"^reports/(?P<report_id>[0-9]{1,10})/$", views.report_detail, name="report_detail"),
    re_path(
        r"^reports/(?P<report_id>[0-9]{1,10})/(?P<action>edit|submit|return|accept)/$",
        views.report_act,
        name="report_act",
    ),
    re_path(
        r"^reports/(?P<report_id>[0-9]{1,10})/report\.pdf$",
        views.report_pdf_download,
        name="report_pdf",
    ),
    re_path(
        r"^reports/(?P<report_id>[0-9]{1,10})/figures\.(?P<fmt>csv|xlsx)$",
        views.report_export,
        name="report_export",
    ),
]
