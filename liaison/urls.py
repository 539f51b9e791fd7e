from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from assignments.api.views import AssignmentViewSet
from enterprises.api.views import EnterpriseViewSet
from org.admin_scoping import scoped_autocomplete_view, scoped_view_on_site

from . import views

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("assignments/", include("assignments.urls")),
    path("notifications/", include("notifications.urls")),
    path("issues/", include("issues.urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The admin's "view on site" shortcut, scoped like the admin (before admin.site.urls).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(scoped_view_on_site),
    ),
    # The admin's autocomplete, answering forward relations only (before admin.site.urls).
    path("admin/autocomplete/", scoped_autocomplete_view()),
    path("admin/", admin.site.urls),
]

# The error pages in the user's language with the site's layout, whatever DEBUG says.
handler403 = "liaison.views.forbidden"
handler404 = "liaison.views.not_found"
handler500 = "liaison.views.server_error"
