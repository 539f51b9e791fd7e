from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        from enterprises.panels import register_detail_panel

        from .views import enterprise_cadres_panel

        register_detail_panel(enterprise_cadres_panel, order=10)
