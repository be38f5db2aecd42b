"""The person pages. Addresses carry a person's record id, never a name."""

from django.urls import path

from tumen.people import review_views, views

urlpatterns = [
    path("people/duplicates/", review_views.duplicate_queue, name="duplicate_queue"),
    path(
        "people/duplicates/<id:candidate_id>/decide/",
        review_views.duplicate_decide,
        name="duplicate_decide",
    ),
    path("people/merges/<id:merge_id>/undo/", review_views.merge_undo_view, name="merge_undo"),
    path("people/<id:person_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<id:person_id>/relations/add/",
        views.person_relation_add,
        name="person_relation_add",
    ),
]
