"""The test suite: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-for-the-test-suite-never-deployed-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never deployed
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# Static files straight from the source folders (the browser tests' live server needs them).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The tests that run a real worker read task results back through Redis.
if REDIS_URL:  # noqa: F405
    CELERY_RESULT_BACKEND = REDIS_URL  # noqa: F405
