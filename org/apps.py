from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.core.checks import register

        from .admin_scoping import check_every_admin_is_scoped

        register(check_every_admin_is_scoped, "admin")
