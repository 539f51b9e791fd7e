from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from org.admin_scoping import ScopedAdminMixin, ScopedInlineMixin, region_subtree_scope

from .models import (
    AgendaItem,
    Category,
    DeadlineRule,
    Meeting,
    SpecialGroup,
    SupervisionNotice,
    Ticket,
    TicketEvent,
)
from .permissions import ticket_scope_q


def _active_group_of_category():
    return SpecialGroup.objects.filter(categories=OuterRef("pk"), is_active=True)


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Escalated tickets of a category go to its special group: a category without an active
    one has nowhere to go, and the list says so."""

    reference_data = True
    list_display = ["name", "code", "order", "has_active_group"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_has_active_group=Exists(_active_group_of_category()))
        )

    @admin.display(description=_("active special group"), boolean=True)
    def has_active_group(self, obj):
        return obj._has_active_group

    def changelist_view(self, request, extra_context=None):
        orphans = Category.objects.exclude(Exists(_active_group_of_category()))
        names = list(orphans.values_list("name", flat=True)[:20])
        if names:
            self.message_user(
                request,
                ngettext(
                    "%(count)d category has no active special group, so its escalated problems "
                    "reach no group: %(names)s.",
                    "%(count)d categories have no active special group, so their escalated "
                    "problems reach no group: %(names)s.",
                    orphans.count(),
                )
                % {"count": orphans.count(), "names": "、".join(names)},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    reference_data = True
    list_display = ["category", "urgency", "working_days"]
    list_filter = ["urgency"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_queryset = region_subtree_scope()

    list_display = ["name", "region", "leader", "cadence", "is_active"]
    filter_horizontal = ["categories", "members"]
    autocomplete_fields = ["region", "leader"]


class TicketEventInline(ScopedInlineMixin, admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "created_at",
        "action",
        "from_state",
        "to_state",
        "actor",
        "actor_role",
        "note",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: every change goes through the portal's workflow, never through the admin."""

    list_display = ["number", "title", "enterprise", "state", "lead_department", "due_date"]
    list_filter = ["state", "category", "urgency", "source"]
    search_fields = ["number", "title", "enterprise__name"]
    list_select_related = ["enterprise", "lead_department"]
    inlines = [TicketEventInline]

    def scope_queryset(self, request, queryset):
        q = ticket_scope_q(request.user)
        return queryset if q is None else queryset.filter(q)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "department", "due_date", "overdue_working_days", "created_at"]
    list_select_related = ["ticket", "department"]
    autocomplete_fields = ["ticket"]

    def scope_queryset(self, request, queryset):
        q = ticket_scope_q(request.user)
        if q is None:
            return queryset
        return queryset.filter(ticket__in=Ticket.objects.filter(q).values("pk"))

    # Written by the sweep alone, and kept: a supervisor may ask about any of them later.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(ScopedInlineMixin, admin.TabularInline):
    """Decisions are taken in the meeting's page (through the workflow), not here."""

    model = AgendaItem
    extra = 0
    readonly_fields = ["ticket", "decision", "note", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_queryset = region_subtree_scope()

    list_display = ["__str__", "kind", "held_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["group"]
    readonly_fields = ["created_by"]
    inlines = [AgendaItemInline]
