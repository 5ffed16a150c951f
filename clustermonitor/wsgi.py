import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
application = get_wsgi_application()

# Import every view module now, in the master before gunicorn forks (or in each worker
# when not preloading), rather than on a worker's first request: URL patterns resolve
# their views lazily, which made the first page a fresh worker served take seconds.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
