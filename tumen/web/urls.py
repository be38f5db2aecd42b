from django.urls import path

from tumen.web import second_factor, views

# Directive codes are public reference codes; no URL carries personal data.
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.TumenLoginView.as_view(), name="login"),
    path("logout/", views.TumenLogoutView.as_view(), name="logout"),
    path("login/second-factor/", second_factor.second_factor, name="second_factor"),
    path(
        "login/second-factor/set-up/",
        second_factor.second_factor_setup,
        name="second_factor_setup",
    ),
    path("language/", views.language_switch, name="language"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<slug:code>/", views.directive_detail, name="directive_detail"),
    path(
        "directives/<slug:code>/acknowledge/",
        views.directive_acknowledge,
        name="directive_acknowledge",
    ),
]
