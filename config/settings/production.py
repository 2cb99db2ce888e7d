"""Production: PostgreSQL, secrets from the environment, hashed static files."""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, BASE_DIR, DATABASES, REDIS_URL, STORAGES, env

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
DEMO_ACCOUNTS_ALLOWED = False
# Links sent out (reminder e-mails, the calendar feed): the site's first host over HTTPS unless
# SITE_URL says otherwise, never the development address.
SITE_URL = env("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}").rstrip("/")

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

# The client's address for the sign-in lockout (django-axes): nginx appends the address it sees to
# X-Forwarded-For ($proxy_add_x_forwarded_for), so the trusted one is the last entry, or the one
# AXES_IPWARE_PROXY_COUNT entries before it when that many proxies of ours (a load balancer) stand
# in front of nginx. Whatever a client wrote at the start of the header is ignored: not strict,
# because a strict match would fall back to nginx's own address as soon as a client adds one.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
IPWARE_STRICT = False
