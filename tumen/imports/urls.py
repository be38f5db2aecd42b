"""Import and export pages. Addresses carry a run's id, never a file's content or a name."""

from django.urls import path

from tumen.imports import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<id:run_id>/", views.import_detail, name="import_detail"),
    path("imports/<id:run_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<id:run_id>/errors/", views.import_errors, name="import_errors"),
    path("exports/<text:subject>.<text:fmt>", views.export, name="export"),
]
