from django.contrib import admin
from django.db import models

from org.admin_scoping import ScopedAdminMixin, is_city_level

from .models import Delivery, Notification, Webhook
from .permissions import notifications_managed_by, webhooks_for_user


@admin.register(Webhook)
class WebhookAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "department__name", "region__name"]
    list_select_related = ["department", "region"]
    autocomplete_fields = ["department", "region"]
    # Bots' addresses are https (Django 6's default; said now, without the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=webhooks_for_user(request.user).values("pk"))


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A log of what was sent: read, never written, in the admin. Who was told what and when;
    never the text and link, which may carry a one-click link meant for the recipient alone
    (the rating link rates as the enterprise, without signing in)."""

    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    fields = ["recipient", "kind", "title", "created_at", "read_at"]
    readonly_fields = fields

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=notifications_managed_by(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Delivery attempts name addresses and bots of every region: the city level's log."""

    list_display = ["created_at", "channel", "target", "ok"]
    list_filter = ["channel", "ok"]
    readonly_fields = ["channel", "target", "ok", "detail", "created_at"]

    def scope_queryset(self, request, queryset):
        return queryset if is_city_level(request.user) else queryset.none()

    def has_add_permission(self, request):
        return False
