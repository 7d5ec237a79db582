import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stafett.settings")
application = get_wsgi_application()

# What is loaded at start (modules, settings, URL patterns) lives as long as the process.
# Frozen, no collection scans it again; and with a higher first threshold the collector
# runs less often, since a request leaves few reference cycles. On the benchmark's mixed
# load the collector had been 5-7 % of the CPU (issue 9, docs/architecture.md).
GC_THRESHOLDS = (50_000, 20, 10)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
