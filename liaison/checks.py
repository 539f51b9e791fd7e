from django.conf import settings
from django.core.checks import Error, register

from liaison.settings.base import INSECURE_DEFAULT_SECRET_KEY


@register()
def secret_key_set_when_debug_is_off(app_configs, **kwargs):
    """With DEBUG off the portal refuses to start on the development key (runserver, migrate
    and every management command run this check; production settings refuse at import)."""
    if not settings.DEBUG and settings.SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
        return [
            Error(
                "DEBUG is off but SECRET_KEY is the development default.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="liaison.E001",
            )
        ]
    return []
