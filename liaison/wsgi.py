import os

from django.core.wsgi import get_wsgi_application

from liaison.runtime import tune_gc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.production")
application = get_wsgi_application()
tune_gc()
