"""Case and foreign-request pages. Addresses carry case numbers and request ids, never names:
a name search is a POST (see views.case_list)."""

from django.urls import path

from tumen.cases import foreign_views, intake_views, person_views, views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("people/", person_views.person_search, name="person_search"),
    path("people/<id:person_id>/", person_views.person_detail, name="person_detail"),
    path("cases/decide/", views.cases_decide_many, name="cases_decide_many"),
    path("cases/new/", intake_views.intake_start, name="intake_start"),
    path("cases/new/principal/", intake_views.intake_principal, name="intake_principal"),
    path("cases/new/start/", intake_views.intake_confirm, name="intake_confirm"),
    path("cases/<text:number>/", views.case_detail, name="case_detail"),
    path("cases/<text:number>/members/", intake_views.intake_members, name="intake_members"),
    path(
        "cases/<text:number>/eligibility/",
        intake_views.intake_eligibility,
        name="intake_eligibility",
    ),
    path("cases/<text:number>/details/", intake_views.intake_details, name="intake_details"),
    path("cases/<text:number>/review/", intake_views.intake_review, name="intake_review"),
    path(
        "cases/<text:number>/clearances/<slug:kind>/clear/",
        views.clearance_action,
        {"action": "clear"},
        name="clearance_clear",
    ),
    path(
        "cases/<text:number>/clearances/<slug:kind>/flag/",
        views.clearance_action,
        {"action": "flag"},
        name="clearance_flag",
    ),
    path(
        "cases/<text:number>/clearances/<slug:kind>/resolve/",
        views.clearance_action,
        {"action": "resolve"},
        name="clearance_resolve",
    ),
    path("cases/<text:number>/decide/", views.case_decide, name="case_decide"),
    path("cases/<text:number>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<text:number>/discard/", views.case_discard, name="case_discard"),
    path("cases/<text:number>/retype/", views.case_retype, name="case_retype"),
    path("foreign-requests/", foreign_views.foreign_request_list, name="foreign_request_list"),
    path("foreign-requests/new/", foreign_views.foreign_request_new, name="foreign_request_new"),
    path(
        "foreign-requests/new/person/",
        foreign_views.foreign_request_person,
        name="foreign_request_person",
    ),
    path(
        "foreign-requests/<id:request_id>/",
        foreign_views.foreign_request_detail,
        name="foreign_request_detail",
    ),
    path(
        "foreign-requests/<id:request_id>/split/",
        foreign_views.foreign_request_split,
        name="foreign_request_split",
    ),
]
