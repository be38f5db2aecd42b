from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tumen.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from tumen.audit import db, signals  # noqa: F401  (connects login signals)

        # Re-install the append-only triggers after every migrate and flush (idempotent), so a
        # database can never be left without them by a maintenance step.
        post_migrate.connect(db.install_triggers_after_migrate, sender=self)
