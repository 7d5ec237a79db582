import os

from django.core.wsgi import get_wsgi_application

from stafett.memory import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stafett.settings")
application = get_wsgi_application()

# The collector tuned for a long-lived worker: stafett/memory.py.
settle()
