"""`make run`: the embedded default (SQLite, filesystem broker, console e-mail), served as its
users will see it: DEBUG off unless asked for (DEBUG=1), and a secret key of this installation
generated on first run and kept in var/secret_key (never one published in the repository)."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR, env, env_bool, generated_secret_key

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or generated_secret_key(VAR_DIR / "secret_key")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Static files straight from the source folders (no collectstatic, no manifest), served by
# WhiteNoise whether DEBUG is on or off.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
