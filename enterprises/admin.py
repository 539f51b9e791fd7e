from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from org.admin_scoping import USER_SCOPE_EXTENSIONS, ScopedAdminMixin, ScopedInlineMixin

from .models import Enterprise, EnterpriseTag, KeyProject, LiaisonPerson
from .permissions import (
    enterprise_scope_q,
    enterprises_for_user,
    liaison_accounts_q,
    projects_for_user,
)

# A county administrator manages the accounts of its enterprises' liaison persons.
if liaison_accounts_q not in USER_SCOPE_EXTENSIONS:
    USER_SCOPE_EXTENSIONS.append(liaison_accounts_q)


class LiaisonPersonInline(ScopedInlineMixin, admin.TabularInline):
    model = LiaisonPerson
    extra = 0
    max_num = 2
    autocomplete_fields = ["user"]


@admin.register(EnterpriseTag)
class EnterpriseTagAdmin(ScopedAdminMixin, admin.ModelAdmin):
    reference_data = True

    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope_queryset(self, request, queryset):
        q = enterprise_scope_q(request.user)
        return queryset if q is None else queryset.filter(q)

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
    def scope_queryset(self, request, queryset):
        return queryset.filter(enterprise__in=enterprises_for_user(request.user).values("pk"))

    list_display = ["name", "enterprise", "slot", "phone", "user", "is_active"]
    list_filter = ["is_active", "slot"]
    search_fields = ["name", "phone", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "user"]
    autocomplete_fields = ["enterprise", "user"]


@admin.register(KeyProject)
class KeyProjectAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=projects_for_user(request.user).values("pk"))

    list_display = ["name", "code", "level", "region", "owner", "stage", "is_active"]
    list_filter = ["level", "stage", "is_active", "region__level"]
    search_fields = ["name", "code", "owner__name"]
    list_select_related = ["region", "owner"]
    autocomplete_fields = ["region", "owner"]
