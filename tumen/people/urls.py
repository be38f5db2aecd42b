"""The person pages. Addresses carry a person's record id, never a name."""

from django.urls import path

from tumen.people import views

urlpatterns = [
    path("people/<id:person_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<id:person_id>/relations/add/",
        views.person_relation_add,
        name="person_relation_add",
    ),
]
