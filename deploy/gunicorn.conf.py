"""gunicorn settings for ilo_tracker, read from the environment (`make serve`, Docker, systemd).

gunicorn -c deploy/gunicorn.conf.py
"""

import multiprocessing
import os

wsgi_app = "ilo_tracker.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers, the usual two per core plus one: pages are database and CPU work, not waiting.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Load the app once and fork: workers start at once and share its memory. Database
# connections are opened later, in each worker.
preload_app = True
# Small PDFs render in the request; larger ones go to the task worker well within this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Restart a worker now and then so that no slow growth of memory lasts.
max_requests = 2000
max_requests_jitter = 200
# Not used; its one default path would be shared by every gunicorn on the machine.
control_socket_disable = True
accesslog = os.environ.get("ACCESS_LOG", "-")
