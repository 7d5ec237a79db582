"""Django's cached database sessions (Redis first, written through to the database), whose
database read on a cache miss is accounts.sessions' compiled one."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from accounts.sessions import SessionStore as CompiledReadStore


class SessionStore(CompiledReadStore, CachedDatabaseStore):
    """The cache's load, save and delete (cached_db); the database read of accounts.sessions."""
