from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
