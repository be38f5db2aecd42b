from django.urls import path

from tumen.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.TumenLoginView.as_view(), name="login"),
    path("logout/", views.TumenLogoutView.as_view(), name="logout"),
]
