from django.contrib import admin

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


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "urgency", "working_days"]
    list_filter = ["urgency"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "leader", "cadence", "is_active"]
    filter_horizontal = ["categories", "members"]
    autocomplete_fields = ["region", "leader"]


class TicketEventInline(admin.TabularInline):
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
class TicketAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the portal's workflow, never through the admin."""

    list_display = ["number", "title", "enterprise", "state", "lead_department", "due_date"]
    list_filter = ["state", "category", "urgency", "source"]
    search_fields = ["number", "title", "enterprise__name"]
    list_select_related = ["enterprise", "lead_department"]
    inlines = [TicketEventInline]

    def get_queryset(self, request):
        from .permissions import tickets_for_user

        return tickets_for_user(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    list_display = ["ticket", "department", "due_date", "overdue_working_days", "created_at"]
    list_select_related = ["ticket", "department"]

    def has_change_permission(self, request, obj=None):
        return False


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    readonly_fields = ["ticket", "decision", "note", "decided_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "held_on", "status"]
    list_filter = ["kind", "status"]
    inlines = [AgendaItemInline]
