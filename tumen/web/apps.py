from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "tumen.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        from django.contrib import admin

        from tumen.org.admin import is_administrator
        from tumen.web import signals  # noqa: F401  (puts the saved language into the session)

        # Django lets any active staff account into the admin; Tumen lets in administrators only,
        # so a clerk who was made staff by mistake still sees nothing of the reference data.
        admin.site.has_permission = lambda request: is_administrator(request.user)
        admin.site.site_header = _("Tumen administration")
        admin.site.site_title = _("Tumen administration")
        admin.site.index_title = _("Reference data")
