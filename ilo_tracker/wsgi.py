"""The WSGI entry point: gunicorn (deploy/gunicorn.conf.py), runserver and benchmarks/ load the
app here."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_tracker.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view now, not on the first request

# What is loaded now (modules, models, URLs: about 130,000 objects) lives as long as the
# process. Frozen, the garbage collector no longer walks it on every full collection: 2-5 ms
# that a page paid now and then. gunicorn preloads the app, so its workers fork frozen too
# and share these pages of memory (gc.freeze's documented use).
gc.freeze()
# A page's rows (a few thousand objects, alive until its response is sent) were walked by the
# young generation's collections once or twice a page, at the default threshold of 2,000
# allocations: 5 % of the plan page of 200 lines (docs/performance.md). Cycles still go, a
# little later.
gc.set_threshold(10_000, *gc.get_threshold()[1:])
