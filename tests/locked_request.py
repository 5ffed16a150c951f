"""One respondent saving a survey page while another connection holds SQLite's write
lock past the busy timeout, through the whole web stack (Django's test client).

Run as a program by tests/test_concurrency.py:

    DATABASE_URL=sqlite:////tmp/copy.sqlite3 CLUSTERMONITOR_ENV=test SQLITE_BUSY_TIMEOUT=1 \\
        python -m tests.locked_request

Prints one line of JSON: the status, Retry-After and page of the save made while the
lock was held, and the status of the same save once the lock is released."""

import json
import os
import sqlite3


def run() -> dict:
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from clustermonitor.surveys.models import Response, hash_token
    from tests.concurrent_saves import PAGES, _hidden, _setup

    token = _setup(1)[0]
    connections.close_all()
    client = Client(raise_request_exception=False)  # a 500 is a response, as in gunicorn
    url = reverse("surveys:respond", args=[token])
    html = client.get(url).content.decode()
    _page, data = PAGES[0]
    form = {**_hidden(html), **data, "action": "next"}
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
    try:
        locked = client.post(url, form)
        saved_while_locked = Response.objects.filter(
            invitation__token_hash=hash_token(token)
        ).exists()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = client.post(url, form)
    return {
        "status": locked.status_code,
        "retry_after": locked.get("Retry-After"),
        "page": locked.content.decode(),
        "saved_while_locked": saved_while_locked,
        "after": after.status_code,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    import django

    django.setup()
    print(json.dumps(run()))


if __name__ == "__main__":
    main()
