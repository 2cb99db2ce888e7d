"""Settings shared by every environment; every value can be set from the environment."""

import base64
import datetime
import hashlib
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's address as its users reach it: links that leave the site (reminder e-mails, the
# calendar feed and its subscription address) are built from it, never from a request's host.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Demo accounts are only ever created by settings that opt in (local development).
DEMO_ACCOUNTS_ALLOWED = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "partners",
    "conventions",
    "accounts",
    "taxonomy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # French typography filters in every template (long_date, count, amount, named...).
            "builtins": ["conventions.templatetags.typography"],
        },
    },
]

# SQLite under the project is the embedded default; PostgreSQL is used in production and tests.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, shared by every app server, when REDIS_URL is set: the cache (dashboard figures) and the
# sessions (cached_db: read from Redis, written through to the database, so that flushing Redis
# signs nobody out). Without it, each process keeps its own cache and sessions stay in the
# database. production.py shares the cache between the workers of one server in that case.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="conventions-unml"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused for AXES_COOLOFF_MINUTES, even with the right password.
# Locking the pair, not the username alone, keeps an attacker from locking colleagues out from
# wherever they are; not the address alone, so that an office behind one address is not locked
# because one person mistyped. The lockout ends at the time the page gives: trying again while
# locked does not push it back. A successful sign-in clears the failures.
# Then Django's users and passwords, their permissions kept in the cache (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CachedPermissionsBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The address is the connection's own; production.py reads the one the reverse proxy forwards.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# accounts/admin.py shows the lockouts and the sign-in log; a failure log would stay empty.
AXES_ENABLE_ADMIN = False

# Sessions end after SESSION_IDLE_MINUTES without a request (accounts/middleware.py) and when the
# browser closes. The last activity is written at most every SESSION_ACTIVITY_WRITE_INTERVAL, never
# on each request; the stored session outlives the idle limit by that interval so that the
# middleware, not the store, decides.
SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=120))
SESSION_ACTIVITY_WRITE_INTERVAL = datetime.timedelta(minutes=5)
SESSION_COOKIE_AGE = int((SESSION_IDLE_TIMEOUT + SESSION_ACTIVITY_WRITE_INTERVAL).total_seconds())
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    # Searchable selects (static/js/searchable_select.js).
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
    # The PDF exports embed this font (static/pdf/): accents, œ and € included.
    ("vendor/source-sans-3", BASE_DIR / "node_modules" / "@fontsource" / "source-sans-3" / "files"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Largest attachment a convention accepts, in bytes (conventions/uploads.py); keep nginx's
# client_max_body_size above it.
ATTACHMENT_MAX_SIZE = env.int("ATTACHMENT_MAX_SIZE", default=20 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail (reminder digests): the console in development, SMTP in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Conventions UNML <noreply@localhost>")

# Browser protections. Every page loads only the app's own files: no inline script, no
# eval, no inline style (the Django admin's pages included); nothing may frame a page, post a form
# elsewhere or change the base URL. Bootstrap's CSS draws a few icons as data: images.
# One exception: the admin's history list (django-simple-history's object_history_list.html)
# writes style="border-top: 0" on its paginator; that exact attribute is allowed by its hash.
HISTORY_PAGINATOR_STYLE_SHA256 = base64.b64encode(hashlib.sha256(b"border-top: 0").digest())
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, f"'sha256-{HISTORY_PAGINATOR_STYLE_SHA256.decode()}'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Addresses of this internal registry (searches, convention numbers) never leave it: other
# sites get no Referer at all, not even the host name that "strict-origin-..." would send.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form's page in French and in the site's layout, not Django's English one.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
# The admin's "add another" pop-up windows are same-origin: they keep their opener.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "conventions:dashboard"
LOGOUT_REDIRECT_URL = "login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint (PDF exports) logs every layout step of every page at INFO.
    # django-axes logs each successful sign-in and its start-up at INFO; failed sign-ins and
    # lockouts, at WARNING, stay in the log.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
