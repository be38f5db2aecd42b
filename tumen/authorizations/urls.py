"""Travel-authorization pages. Addresses carry case and document numbers, never names."""

from django.urls import path

from tumen.authorizations import views

urlpatterns = [
    path("cases/<str:number>/documents/", views.case_documents, name="case_documents"),
    path("cases/<str:number>/documents/print/", views.case_print, name="case_print"),
    path("documents/<str:number>/revoke/", views.authorization_revoke, name="authorization_revoke"),
    path(
        "documents/<str:number>/reissue/",
        views.authorization_reissue,
        name="authorization_reissue",
    ),
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("checkpoint/cross/", views.checkpoint_cross, name="checkpoint_cross"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
