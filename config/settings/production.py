"""Production: PostgreSQL, secrets from the environment, hashed static files."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL, STORAGES, env

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
DEMO_ACCOUNTS_ALLOWED = False

# Persistent connections rather than psycopg's pool: a gunicorn sync worker serves one request at
# a time, so one connection per worker is all a pool would hold (docs/deployment.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if not REDIS_URL:
    # One server: gunicorn's workers are separate processes, and a write in one of them must
    # reach the dashboard figures the others cached. A directory they all share does that.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("CACHE_DIR", default=BASE_DIR / "var" / "cache")),
        }
    }

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
