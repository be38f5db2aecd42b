from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "tumen.tokens"
    label = "tokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tumen.org.models import Official, RoleGrant
        from tumen.tokens.services import forget_official

        def official_changed(sender, instance, **kwargs):
            forget_official(instance.pk)

        def roles_changed(sender, instance, **kwargs):
            forget_official(instance.official_id)

        # A deactivated official, one moved to another unit or given other roles: their tokens
        # are looked up afresh (in this process at once, in others within the cache's seconds).
        post_save.connect(official_changed, sender=Official, weak=False)
        post_delete.connect(official_changed, sender=Official, weak=False)
        post_save.connect(roles_changed, sender=RoleGrant, weak=False)
        post_delete.connect(roles_changed, sender=RoleGrant, weak=False)
