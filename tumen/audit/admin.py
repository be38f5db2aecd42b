from django.contrib import admin

from tumen.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin may look, never change."""

    list_display = ["seq", "occurred_at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
