"""`make run`: the embedded default (SQLite, filesystem broker, console e-mail), debugging on."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, env, env_bool

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
