from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Cadre, CalendarDay, Department, Rank, Region, User
from .scoping import region_q


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # The code and parent make up the path of every region below: fixed once created.
        return ["code", "parent", "path"] if obj else ["path"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(region_q(request.user))

    list_display = ["name", "region", "kind", "phone", "is_active"]
    list_filter = ["kind", "is_active", "region__level"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_leader"]
    list_editable = ["order", "is_leader"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "region", "department", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "region__level"]
    search_fields = ["username", "full_name", "phone", "email"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Liaison portal"),
            {"fields": ("full_name", "phone", "region", "department", "is_department_head")},
        ),
    )


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(region_q(request.user))

    list_display = ["name", "rank", "department", "region", "phone", "is_active"]
    list_filter = ["rank", "is_active", "region__level"]
    search_fields = ["name", "phone", "user__username", "department__name"]
    list_select_related = ["rank", "department", "region"]
    autocomplete_fields = ["user", "department", "region"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"
