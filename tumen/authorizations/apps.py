from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorizationsConfig(AppConfig):
    name = "tumen.authorizations"
    label = "authorizations"
    verbose_name = _("Travel authorizations")

    def ready(self) -> None:
        # Registers issuance on approval (tumen.cases.hooks); cases itself never imports us.
        from tumen.authorizations import services  # noqa: F401
