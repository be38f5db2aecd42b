from django.urls import path

from tumen.web import views

# Directive codes are public reference codes; no URL carries personal data.
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.TumenLoginView.as_view(), name="login"),
    path("logout/", views.TumenLogoutView.as_view(), name="logout"),
    path("language/", views.language_switch, name="language"),
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/<slug:code>/", views.directive_detail, name="directive_detail"),
    path(
        "directives/<slug:code>/acknowledge/",
        views.directive_acknowledge,
        name="directive_acknowledge",
    ),
]
