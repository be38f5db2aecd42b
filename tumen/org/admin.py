"""Django admin for the organisation's reference data, for administrators only.

Who may enter the admin at all is decided by `is_administrator` (installed on the admin site in
tumen.web.apps). Inside, an administrator who is not a superuser works through the access
module like everyone else: they see and choose only what lies in their own jurisdiction's subtree.
Every change made here is written to the audit chain as well as to the admin's own log.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tumen.audit.services import audit_record
from tumen.org.access import AUTHORITIES, RULES, scope
from tumen.org.models import Jurisdiction, Official, RoleGrant, WorkUnit


def is_administrator(user) -> bool:
    """Active staff who are superusers or hold the administrator role."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_role(*AUTHORITIES["administer"].roles)


def _scoped(queryset, user):
    # Superusers may have no unit (the first account of a site); they see everything.
    if user.is_superuser or queryset.model._meta.label_lower not in RULES:
        return queryset
    return scope(queryset, user)


class AdministeredMixin:
    """Permissions by the administrator role rather than per-model grants, scoped and audited."""

    def has_module_permission(self, request) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field

    def _audit(self, request, action: str, obj, **payload) -> None:
        audit_record(actor=request.user, action=action, target=obj, payload=payload)

    # The admin wraps each of these in the transaction of the change itself.
    def log_addition(self, request, obj, message):
        self._audit(request, "admin.added", obj, message=message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, "admin.changed", obj, message=message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, "admin.deleted", obj)
        return super().log_deletions(request, queryset)


class AdministeredInlineMixin:
    """Inline rows follow their parent's permission and the same scoping of choices."""

    def has_view_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field


@admin.register(Jurisdiction)
class JurisdictionAdmin(AdministeredMixin, admin.ModelAdmin):
    list_display = ["path", "name_zh", "name_ko", "name_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "path", "name_zh", "name_ko", "name_en"]
    ordering = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # The path is derived from the parent. Moving a node (or renaming its code) would leave
        # the paths below it stale, so once created its place in the tree is fixed here.
        if obj is None:
            return ["path"]
        return ["path", "code", "level", "parent"]


@admin.register(WorkUnit)
class WorkUnitAdmin(AdministeredMixin, admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_ko", "name_en", "kind", "jurisdiction"]
    list_filter = ["kind"]
    search_fields = ["code", "name_zh", "name_ko", "name_en"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]


class RoleGrantInline(AdministeredInlineMixin, admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(Official)
class OfficialAdmin(AdministeredMixin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "unit", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "unit__kind"]
    list_select_related = ["unit__jurisdiction"]
    autocomplete_fields = ["unit"]
    inlines = [RoleGrantInline]
    fieldsets = [
        *UserAdmin.fieldsets[:2],
        (_("Work unit and language"), {"fields": ["unit", "language"]}),
        *UserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Work unit and language"), {"fields": ["unit", "language"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or hands out Django's per-model permissions; an
        # administrator manages people and roles within their own jurisdiction.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "groups", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
