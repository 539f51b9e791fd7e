from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, EnterpriseTag, KeyProject, LiaisonPerson
from .permissions import enterprises_for_user, projects_for_user


class ScopedAdminMixin:
    """The admin lists only what the staff member's region allows (superusers see all), through
    the same permission functions as the portal's pages."""

    def get_queryset(self, request):
        return self.scope(request.user, super().get_queryset(request))


class LiaisonPersonInline(admin.TabularInline):
    model = LiaisonPerson
    extra = 0
    max_num = 2
    autocomplete_fields = ["user"]


@admin.register(EnterpriseTag)
class EnterpriseTagAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    @staticmethod
    def scope(user, queryset):
        return queryset.filter(pk__in=enterprises_for_user(user).values("pk"))

    list_display = [
        "name",
        "credit_code",
        "region",
        "category",
        "green_channel",
        "integrity_restricted",
        "is_active",
    ]
    list_filter = [
        "category",
        "tags",
        "green_channel",
        "integrity_restricted",
        "is_active",
        "region__level",
    ]
    search_fields = ["name", "credit_code", "legal_representative"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["tags"]
    inlines = [LiaisonPersonInline]


@admin.register(LiaisonPerson)
class LiaisonPersonAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    @staticmethod
    def scope(user, queryset):
        return queryset.filter(enterprise__in=enterprises_for_user(user).values("pk"))

    list_display = ["name", "enterprise", "slot", "phone", "user", "is_active"]
    list_filter = ["is_active", "slot"]
    search_fields = ["name", "phone", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "user"]
    autocomplete_fields = ["enterprise", "user"]


@admin.register(KeyProject)
class KeyProjectAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    @staticmethod
    def scope(user, queryset):
        return queryset.filter(pk__in=projects_for_user(user).values("pk"))

    list_display = ["name", "code", "level", "region", "owner", "stage", "is_active"]
    list_filter = ["level", "stage", "is_active", "region__level"]
    search_fields = ["name", "code", "owner__name"]
    list_select_related = ["region", "owner"]
    autocomplete_fields = ["region", "owner"]
