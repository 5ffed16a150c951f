"""Sessions read from the shared cache and written through to the database (Django's
cached_db), with two changes for a cache that may fail:

- a session's cache entry lives at most `CACHE_SECONDS`, whatever the session's own
  expiry: a logout whose cache delete could not reach Redis (the database row is gone)
  is then honoured within that time, instead of after two weeks;
- an unreachable cache is the database alone: a failed delete is logged and a new
  session key is checked against the database, not a 500 (Django's own store already
  degrades reads and writes).
"""

import logging

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import DEFAULT_CACHE_ALIAS, caches

from clustermonitor.core import sharedcache

log = logging.getLogger(__name__)

CACHE_SECONDS = 300


class SessionStore(CachedDBStore):
    def load(self):
        try:
            if self._cache is caches[DEFAULT_CACHE_ALIAS]:  # the shared cache's
                data = sharedcache.get_with_generation(self.cache_key)
            else:
                data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is None:
            session = self._get_session_from_db()
            if not session:
                return {}
            data = self.decode(session.session_data)
            self._keep(data, self.get_expiry_age(expiry=session.expire_date))
        return data

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:  # the cache is down: the database alone says
            return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)  # the database row
        # Only the cache entry's life is shortened: the row, the cookie and the
        # session's expiry stay Django's (SESSION_COOKIE_AGE).
        self._keep(self._session, self.get_expiry_age())

    def _keep(self, data, age):
        try:
            self._cache.set(self.cache_key, data, min(age, CACHE_SECONDS))
        except Exception as error:
            log.warning("session not kept in the cache: %s", error)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(KEY_PREFIX + session_key)
        except Exception as error:  # the row is gone; the cache entry expires soon
            log.error(
                "session deleted, but not from the cache (it expires within %d s): %s",
                CACHE_SECONDS,
                error,
            )
