from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from simple_history.admin import SimpleHistoryAdmin

from .admin_scoping import (
    CityLevelInlineMixin,
    ScopedAdminMixin,
    ScopedInlineMixin,
    held_groups,
    held_permissions,
    is_above,
    is_city_level,
    region_subtree_scope,
    regions_scope,
    user_scope_q,
)
from .models import Cadre, CalendarDay, Department, Rank, Region, User


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_queryset = regions_scope
    # A region without a parent is a new city: only the city level creates one.
    scope_required_fields = ("parent",)

    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # The code and parent make up the path of every region below: fixed once created.
        return ["code", "parent", "path"] if obj else ["path"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_queryset = region_subtree_scope()

    list_display = ["name", "region", "kind", "phone", "is_active"]
    list_filter = ["kind", "is_active", "region__level"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(Rank)
class RankAdmin(ScopedAdminMixin, admin.ModelAdmin):
    reference_data = True

    list_display = ["name", "code", "order", "is_leader"]
    # Django drops the editable columns (and refuses their POST) without the change permission.
    list_editable = ["order", "is_leader"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Below the superuser, nobody grants more than it holds: no superuser flag, only its own
    roles and permissions, only regions of its subtree; and nobody changes an account that
    holds more than itself."""

    # A user below the city level gives every account a region of its subtree: an account
    # without one would fall out of its scope.
    scope_required_fields = ("region",)

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
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Liaison portal"), {"fields": ("full_name", "region", "department")}),
    )

    def scope_queryset(self, request, queryset):
        q = user_scope_q(request.user)
        return queryset if q is None else queryset.filter(q)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and is_above(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_above(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action asks for the delete permission without an object: ask per account.
        if any(is_above(request.user, user) for user in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = held_groups(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = held_permissions(request.user).select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_queryset = region_subtree_scope()

    list_display = ["name", "rank", "department", "region", "phone", "is_active"]
    list_filter = ["rank", "is_active", "region__level"]
    search_fields = ["name", "phone", "user__username", "department__name"]
    list_select_related = ["rank", "department", "region"]
    autocomplete_fields = ["user", "department", "region"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    reference_data = True

    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"


# Third-party admins registered on the site go through the same mixin ------------------------


def _rescope(model, base, **attrs):
    """Register `model` again with its admin class `base` and ScopedAdminMixin mixed in."""
    inline_mixin = CityLevelInlineMixin if attrs.get("reference_data") else ScopedInlineMixin
    attrs["inlines"] = [
        type(f"Scoped{inline.__name__}", (inline_mixin, inline), {}) for inline in base.inlines
    ]
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"Scoped{base.__name__}", (ScopedAdminMixin, base), attrs))


class GroupAdmin(ScopedAdminMixin, DjangoGroupAdmin):
    """The roles are the city's: only the city level changes them, and never with a
    permission it does not hold."""

    reference_data = True

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = held_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)

for _model, _base in [
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
]:
    _rescope(_model, _base, reference_data=True)


def _login_logs_scope(self, request, queryset):
    """Login logs of the accounts in the user's scope (by user name); the city level sees all,
    including attempts on names that match no account."""
    if is_city_level(request.user):
        return queryset
    q = user_scope_q(request.user)
    return queryset.filter(username__in=User.objects.filter(q).values("username"))


for _model, _base in [
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
]:
    # axes' clean-up action clears every county's expired attempts, whatever is selected.
    _rescope(
        _model,
        _base,
        scope_queryset=_login_logs_scope,
        city_level_actions=("cleanup_expired_attempts",),
    )
