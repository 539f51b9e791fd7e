from django.contrib import admin

from .models import Delivery, Notification, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "department__name", "region__name"]
    list_select_related = ["department", "region"]
    autocomplete_fields = ["department", "region"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "title", "body", "url", "created_at", "read_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "target", "ok"]
    list_filter = ["channel", "ok"]
    readonly_fields = ["channel", "target", "ok", "detail", "created_at"]

    def has_add_permission(self, request):
        return False
