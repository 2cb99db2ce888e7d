"""gunicorn's settings: `gunicorn --config config/gunicorn.conf.py config.wsgi`.

Every value can be set from the environment; docs/deployment.md explains how to size them.
"""

import gc
import os
import re

from gunicorn.glogging import Logger

# Workers: one request at a time each (sync workers), one database connection each (CONN_MAX_AGE).
# The classic 2 * cores + 1, capped so that a large machine does not exhaust PostgreSQL's
# connections: workers * app servers must stay below max_connections (docs/deployment.md).
MAX_WORKERS = int(os.environ.get("GUNICORN_MAX_WORKERS", "12"))
cores = len(os.sched_getaffinity(0))
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * cores + 1, MAX_WORKERS)))

# nginx on the same machine talks to gunicorn on the loopback; trust only its X-Forwarded-*.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# A PDF export or an XLSX of the whole registry takes a few seconds; 60 leaves room, then the
# worker is killed and replaced rather than held by a runaway request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle each worker after about a thousand requests (WeasyPrint's memory grows with use); the
# jitter keeps them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Load Django once in the master, then fork: faster start, shared memory. A code change then needs
# a restart of the service, not a HUP. Django opens no database connection at import.
preload_app = True


def when_ready(server):
    # In the master, before forking: import every view (WeasyPrint, openpyxl...) through the
    # URLconf once, rather than in each worker's first request (a second or more each).
    if not server.cfg.preload_app:
        return
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)
    # What the master loaded stays for the workers' lifetime: out of the garbage collector's
    # reach, its scans of every live object no longer pause requests, and the pages of memory
    # shared after the fork stay shared (the collector writes into the objects it scans).
    gc.freeze()


def worker_exit(server, worker):
    # A worker leaving (after max_requests, at a restart) first lets the PDF dossiers it draws in
    # the background finish (conventions/pdf.py), within the time the master grants a silent
    # worker before killing it. Also called in the master for a worker already gone: nothing then.
    if worker.pid != os.getpid():
        return
    from conventions.pdf import wait_for_dossier_jobs

    wait_for_dossier_jobs(timeout=max(timeout - 10, 1))


# The control socket (gunicornc) is not used: systemd manages the service.
control_socket_disable = True

# Access log on stdout (journald): the combined format, the response time in milliseconds and the
# client's address as nginx saw it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms "%({x-forwarded-for}i)s"'
)

# The personal calendar feed's secret is in its URL: it never reaches the log.
CALENDAR_SECRET = re.compile(r"(/compte/calendrier/)[^/?\s]+(\.ics)")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every atom: the request line, the path, the referrer, the WSGI environ's.
        return {
            name: CALENDAR_SECRET.sub(r"\1…\2", value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = RedactingLogger
