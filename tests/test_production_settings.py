"""The production settings (config/settings/production.py), each in a fresh process with only the
environment a server gives it (docs/deployment.md)."""

import datetime
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "conventions.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://conventions.example.org",
    "DATABASE_URL": "postgres://conventions:secret@db.example.org:5432/conventions_unml",
}

# Read in a fresh process: the settings module, then the template engine Django builds from it.
SHOW = """
import json, django
from django.conf import settings
django.setup()
from django.template import engines
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "STORAGES": settings.STORAGES,
    "DATABASE": settings.DATABASES["default"],
    "loaders": engines["django"].engine.loaders,
}, default=str))
"""


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Nothing of this test run's environment (its DATABASE_URL, a REDIS_URL...) leaks in.
    environ = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environ, capture_output=True, text=True
    )


def production_settings(**env: str) -> dict:
    result = run("-c", SHOW, **{**SERVER_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def dot_env_sets(name: str) -> bool:
    dot_env = BASE_DIR / ".env"
    return dot_env.exists() and any(
        line.strip().startswith(f"{name}=") for line in dot_env.read_text().splitlines()
    )


def test_the_server_environment_is_enough():
    settings = production_settings()
    assert settings["DEBUG"] is False
    assert settings["DATABASE"]["HOST"] == "db.example.org"
    assert settings["DATABASE"]["CONN_MAX_AGE"] == 60
    assert settings["DATABASE"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.skipif(dot_env_sets("SECRET_KEY"), reason=".env sets SECRET_KEY")
def test_without_a_secret_key_the_server_refuses_to_start_and_says_why():
    env = {key: value for key, value in SERVER_ENV.items() if key != "SECRET_KEY"}
    result = run("-c", SHOW, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.skipif(dot_env_sets("REDIS_URL"), reason=".env sets REDIS_URL")
def test_one_server_shares_its_cache_between_workers_and_keeps_sessions_in_the_database(
    tmp_path,
):
    settings = production_settings(CACHE_DIR=str(tmp_path))
    assert settings["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path),
    }
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_with_redis_every_server_shares_the_cache_and_the_sessions():
    settings = production_settings(REDIS_URL="redis://cache.example.org:6379/1")
    assert settings["CACHES"]["default"] == {
        "BACKEND": "config.cache.SharedClientRedisCache",
        "LOCATION": "redis://cache.example.org:6379/1",
        "KEY_PREFIX": "conventions-unml",
    }
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_templates_are_compiled_once_per_process():
    (loader,) = production_settings()["loaders"]
    assert loader[0] == "django.template.loaders.cached.Loader"


def test_static_files_are_hashed_and_compressed_by_whitenoise():
    storages = production_settings()["STORAGES"]
    assert storages["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_deployment_check_finds_no_issue():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **SERVER_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# The address the sign-in lockout counts (django-axes), for requests as nginx forwards them.
CLIENT_ADDRESSES = """
import django
django.setup()
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
for forwarded in ["203.0.113.9", "6.6.6.6, 203.0.113.9", "6.6.6.6, 203.0.113.9, 10.0.0.2", ""]:
    meta = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post("/compte/connexion/", REMOTE_ADDR="127.0.0.1", **meta)
    print(get_client_ip_address(request))
"""


def test_sign_in_lockout_counts_the_address_nginx_forwards_not_a_forged_one():
    # nginx appends the address it sees: the last entry, whatever a client wrote before it.
    result = run("-c", CLIENT_ADDRESSES, **SERVER_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["203.0.113.9", "203.0.113.9", "10.0.0.2", "127.0.0.1"]
    # A load balancer in front of nginx: the entry before the balancer's own address. A request
    # that did not come through the balancer has no trusted address (None): all of them share
    # one lockout counter per username, and none reaches a colleague's.
    result = run("-c", CLIENT_ADDRESSES, **SERVER_ENV, AXES_IPWARE_PROXY_COUNT="1")
    assert result.stdout.split() == ["None", "6.6.6.6", "203.0.113.9", "None"]


SESSION_SETTINGS = """
import django
from django.conf import settings
django.setup()
print(settings.SESSION_IDLE_TIMEOUT.total_seconds(), settings.SESSION_COOKIE_AGE,
      settings.SESSION_SAVE_EVERY_REQUEST, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
      settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())
"""


@pytest.mark.skipif(
    any(
        dot_env_sets(name)
        for name in (
            "SESSION_IDLE_MINUTES",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "AXES_FAILURE_LIMIT",
            "AXES_COOLOFF_MINUTES",
        )
    ),
    reason=".env sets the session or lockout limits",
)
def test_sessions_end_after_two_idle_hours_or_with_the_browser_and_five_failures_lock():
    result = run("-c", SESSION_SETTINGS, **SERVER_ENV)
    assert result.returncode == 0, result.stderr
    # Two hours idle; the stored session outlives it by the five minutes between two writes.
    assert result.stdout.split() == ["7200.0", "7500", "False", "True", "5", "900.0"]


@pytest.mark.skipif(dot_env_sets("STATIC_ROOT"), reason=".env sets STATIC_ROOT")
def test_collectstatic_writes_hashed_and_compressed_files(tmp_path):
    result = run("manage.py", "collectstatic", "--noinput", **SERVER_ENV, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = tmp_path / manifest["css/app.css"]
    assert hashed.name != "app.css" and hashed.exists()
    assert Path(f"{hashed}.gz").exists()
    # The icons' stylesheet points at the hashed fonts.
    icons = manifest["vendor/bootstrap-icons/bootstrap-icons.min.css"]
    font = Path(manifest["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]).name
    assert font in (tmp_path / icons).read_text()


# gunicorn (config/gunicorn.conf.py). -----------------------------------------------------------


def gunicorn_config(**env: str) -> dict[str, str]:
    # The application is loaded too (preload_app): the server's environment is needed.
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [gunicorn, "--config", "config/gunicorn.conf.py", "--print-config", "config.wsgi"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **SERVER_ENV, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_gunicorn_runs_as_many_workers_as_asked_else_two_per_core_and_one():
    assert gunicorn_config(WEB_CONCURRENCY="3")["workers"] == "3"
    cores = len(os.sched_getaffinity(0))
    assert gunicorn_config()["workers"] == str(min(2 * cores + 1, 12))
    assert gunicorn_config(GUNICORN_MAX_WORKERS="2")["workers"] == "2"


def test_gunicorn_recycles_its_workers_and_listens_where_told():
    config = gunicorn_config(GUNICORN_BIND="unix:/run/conventions/gunicorn.sock")
    assert config["bind"] == "['unix:/run/conventions/gunicorn.sock']"
    assert config["preload_app"] == "True"
    assert (config["max_requests"], config["max_requests_jitter"]) == ("1000", "100")
    assert config["timeout"] == "60"


def test_the_access_log_leaves_out_the_calendar_secret():
    from gunicorn.config import Config

    namespace = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    logger = namespace["RedactingLogger"](Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/compte/calendrier/s3cr3t-t0ken.ics",
        "PATH_INFO": "/compte/calendrier/s3cr3t-t0ken.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://conventions.example.org/compte/calendrier/s3cr3t-t0ken.ics",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=120)
    atoms = logger.atoms(response, [], environ, datetime.timedelta(milliseconds=12))
    assert atoms["r"] == "GET /compte/calendrier/….ics HTTP/1.1"
    assert atoms["U"] == "/compte/calendrier/….ics"
    assert "s3cr3t" not in str(atoms)


SHOW_SITE_URL = "import django; from django.conf import settings; print(settings.SITE_URL)"


def test_links_sent_out_use_the_site_address_given_else_its_first_host_over_https():
    assert run("-c", SHOW_SITE_URL, **SERVER_ENV).stdout.strip() == (
        "https://conventions.example.org"
    )
    given = run("-c", SHOW_SITE_URL, **SERVER_ENV, SITE_URL="https://registre.unml.info/")
    assert given.stdout.strip() == "https://registre.unml.info"
