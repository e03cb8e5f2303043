"""WSGI entry point (gunicorn ``homegym.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
application = get_wsgi_application()
