"""Requests per second on the conventions list, production server, 2 workers.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/conv_bench \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/throughput.py

gunicorn with the production settings (config/gunicorn.conf.py, WEB_CONCURRENCY=2) on the
benchmark database (generated data: docs/performance.md), wrk on the loopback with a signed-in
reader's session, on the list filtered and sorted, 50 rows a page. Without REDIS_URL the cache
is the workers' shared directory and sessions stay in PostgreSQL (one server); with it, Redis
holds both (several servers). Exit status 1 under 150 requests/s or on any answer but 200.
"""

import argparse
import sys

from server import Server, fetch, setup_django, signed_in_cookie, wrk

TARGET_RPS = 150
LIST = "/conventions/?statut=in_force&tri=fin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--path", default=LIST)
    args = parser.parse_args()
    env = setup_django(workers=2)
    from accounts.roles import READER
    from conventions.models import Convention

    cookie = signed_in_cookie("bench-lecteur", READER)
    total = Convention.objects.count()
    with Server(env) as server:
        status, html = fetch(args.path, cookie)
        if status != 200 or "convention" not in html or "Connexion" in html:
            raise SystemExit(f"The list did not answer a signed-in reader: HTTP {status}")
        wrk(args.path, cookie, connections=args.connections, seconds=10)  # warm-up
        result = wrk(args.path, cookie, connections=args.connections, seconds=args.seconds)
        errors = server.server_errors()
    print(result.output)
    print(
        f"{total} conventions, {args.path}, 2 workers, {args.connections} connections, "
        f"{args.seconds} s: {result.requests_per_second:.0f} requests/s, "
        f"latency p50 {result.latency_p50_ms:.1f} ms, p99 {result.latency_p99_ms:.1f} ms, "
        f"{result.ok} answers 200, {result.other} other, {result.socket_errors} socket errors, "
        f"{errors} server errors in the logs"
    )
    met = (
        result.requests_per_second >= TARGET_RPS
        and result.other == 0
        and result.socket_errors == 0
        and errors == 0
    )
    print(f"target >= {TARGET_RPS} requests/s with 0 errors: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
