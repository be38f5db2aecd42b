"""Django admin for directives: the text, its clauses and its addressees, for administrators only.

A directive is changed only by an administrator of the issuing jurisdiction or one above it; the
officials it is addressed to read it on its page and acknowledge it there.
"""

from __future__ import annotations

from django.contrib import admin

from tumen.directives.models import Acknowledgement, Addressee, Clause, Directive
from tumen.org.admin import AdministeredInlineMixin, AdministeredMixin


def _issues_within(request, directive: Directive | None) -> bool:
    user = request.user
    if directive is None or user.is_superuser:
        return True
    return user.jurisdiction is not None and user.jurisdiction.contains(directive.issued_by)


class ClauseInline(AdministeredInlineMixin, admin.StackedInline):
    model = Clause
    extra = 0
    ordering = ["number"]


class AddresseeInline(AdministeredInlineMixin, admin.TabularInline):
    model = Addressee
    extra = 0
    autocomplete_fields = ["jurisdiction", "unit"]


class AcknowledgementInline(admin.TabularInline):
    """Acknowledgements are made by the addressees through the directive's page, never here."""

    model = Acknowledgement
    extra = 0
    fields = ["unit", "official", "acknowledged_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Directive)
class DirectiveAdmin(AdministeredMixin, admin.ModelAdmin):
    list_display = ["code", "title_zh", "issued_by", "issued_on", "report_back_required"]
    list_filter = ["report_back_required"]
    search_fields = ["code", "title_zh", "title_ko", "title_en"]
    list_select_related = ["issued_by"]
    date_hierarchy = "issued_on"
    inlines = [ClauseInline, AddresseeInline, AcknowledgementInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _issues_within(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _issues_within(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "report_back_clause":
            # Only a clause of this directive can be its report-back clause.
            directive_id = request.resolver_match.kwargs.get("object_id")
            field.queryset = field.queryset.filter(directive_id=directive_id)
        return field
