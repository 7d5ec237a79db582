"""Settings for the benchmark (`make bench`): production's, plus the bench app and its bare
page, on a database of its own.

Production never loads this module: the bare page is no part of the site, and a command
that writes hundreds of thousands of made-up logs has no place next to real ones.
"""

import os
from pathlib import Path

_VAR = Path(os.environ.get("STAFETT_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
# Measured as production runs: DEBUG off (DEBUG keeps every query in memory, which costs).
os.environ["STAFETT_DEBUG"] = "0"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("STAFETT_SITE_URL", "http://127.0.0.1:8765")
# Plain HTTP on the loopback: no redirect to HTTPS, cookies without the Secure flag.
os.environ.setdefault("STAFETT_SSL_REDIRECT", "0")
os.environ.setdefault("STAFETT_SECURE_COOKIES", "0")
os.environ.setdefault("STAFETT_MEDIA_ROOT", str(_VAR / "bench-uploads"))
# WhiteNoise looks for collected files at start; the pages measured need none.
os.environ.setdefault("STAFETT_STATIC_ROOT", str(_VAR / "bench-static"))
Path(os.environ["STAFETT_STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)

from stafett.settings import *  # noqa: E402, F403
from stafett.settings import INSTALLED_APPS, STORAGES  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# No collectstatic needed: `{% static %}` then joins a path, about what the manifest's
# dictionary lookup costs in production.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
