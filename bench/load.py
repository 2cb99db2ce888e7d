"""Twice the capacity for ten minutes, with editors writing meanwhile: no error, no lost write.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/conv_bench \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/load.py --capacity 150

The production server (2 workers, as bench/throughput.py) on the loopback only. wrk offers the
conventions list at twice `--capacity` requests per second (the figure bench/throughput.py
measured): each of its connections asks again 100 ms after an answer, so 2 x capacity / 10
connections. Meanwhile `--editors` threads, each signed in as an editor of its own, record
follow-up reviews through the review page (GET the form, POST it, as a browser does): half of
them all on the same convention, so that their writes queue on its row (version, history), the
others each on a convention of its own. Afterwards the reviews in the database are counted
against the answers the editors got: every "saved" answer must be a review in the database.
Exit status 1 on any server error (5xx, worker killed, socket error) or lost write.
"""

import argparse
import datetime
import math
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from server import BASE_URL, Server, fetch, setup_django, signed_in_cookie, wrk

LIST = "/conventions/?statut=in_force&tri=fin"
PAUSE_MS = 100


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Editor(threading.Thread):
    """Records reviews on one convention until told to stop; counts the answers."""

    def __init__(self, number: int, cookie: str, convention_id: int, marker: str, stop):
        super().__init__(daemon=True)
        self.number, self.convention_id, self.marker, self.stop = (
            number,
            convention_id,
            marker,
            stop,
        )
        self.opener = urllib.request.build_opener(NoRedirect)
        self.headers = {
            "Cookie": cookie,
            "Host": "127.0.0.1",  # as nginx passes it: the origin below must match it
            "X-Forwarded-Proto": "https",
            "Origin": "https://127.0.0.1",
            "Referer": "https://127.0.0.1/",
        }
        self.csrf_cookie = ""
        self.answers: Counter[str] = Counter()

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = dict(self.headers)
        if self.csrf_cookie:
            headers["Cookie"] += f"; {self.csrf_cookie}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(BASE_URL + path, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            # The CSRF cookie (its __Host- name: the server is told it speaks HTTPS).
            for header in response.headers.get_all("Set-Cookie") or []:
                if "csrftoken=" in header:
                    self.csrf_cookie = header.split(";", 1)[0]
            return response.status, response.read().decode(errors="replace")

    def run(self):
        path = f"/conventions/{self.convention_id}/bilans/ajouter/"
        number = 0
        while not self.stop.is_set():
            try:
                status, html = self.request(path)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
                if status != 200 or not token:
                    self.answers[f"form HTTP {status}"] += 1
                    continue
                number += 1
                status, _ = self.request(
                    path,
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "kind": "interim_review",
                        "held_on": datetime.date.today().isoformat(),
                        "participants": f"Équipe de charge {self.number}",
                        "summary": f"{self.marker}-{self.number}-{number}",
                        "decisions": "",
                        "next_review_on": "",
                    },
                )
                if status == 302:
                    self.answers["saved"] += 1
                elif status >= 500:
                    self.answers[f"HTTP {status}"] += 1
                else:
                    self.answers[f"refused HTTP {status}"] += 1
            except OSError as error:
                self.answers[f"socket error {type(error).__name__}"] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=float, required=True, help="requests/s measured")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--editors", type=int, default=4)
    args = parser.parse_args()
    env = setup_django(workers=2)
    from accounts.roles import EDITOR, READER
    from conventions.models import Convention, Review

    reader = signed_in_cookie("bench-lecteur", READER)
    in_force = list(
        Convention.objects.in_force().order_by("pk").values_list("pk", flat=True)[: args.editors]
    )
    shared = in_force[0]
    marker = f"charge-{int(time.time())}"
    stop = threading.Event()
    editors = [
        Editor(
            number,
            signed_in_cookie(f"bench-editeur-{number}", EDITOR),
            shared if number % 2 == 0 else in_force[number],
            marker,
            stop,
        )
        for number in range(args.editors)
    ]
    connections = max(2, math.ceil(2 * args.capacity * PAUSE_MS / 1000))
    seconds = int(args.minutes * 60)
    with Server(env) as server:
        status, _ = fetch(LIST, reader)
        if status != 200:
            raise SystemExit(f"The list did not answer a signed-in reader: HTTP {status}")
        for editor in editors:
            editor.start()
        result = wrk(LIST, reader, connections=connections, seconds=seconds, delay_ms=PAUSE_MS)
        stop.set()
        for editor in editors:
            editor.join(timeout=120)
        errors = server.server_errors()
    answers = sum((editor.answers for editor in editors), Counter())
    stored = Review.objects.filter(summary__startswith=f"{marker}-").count()
    lost = answers["saved"] - stored
    print(result.output)
    print(
        f"{seconds} s, {connections} connections pausing {PAUSE_MS} ms "
        f"(up to {2 * args.capacity:.0f} requests/s offered): "
        f"{result.requests_per_second:.0f} requests/s served, latency p50 "
        f"{result.latency_p50_ms:.0f} ms, p99 {result.latency_p99_ms:.0f} ms, "
        f"{result.ok} answers 200, {result.other} other, {result.socket_errors} socket errors"
    )
    print(f"editors ({args.editors}): {dict(answers)}; reviews in the database: {stored}")
    print(f"server errors in the logs: {errors}; lost writes: {lost}")
    bad = {key: n for key, n in answers.items() if key != "saved"}
    ok = not bad and lost == 0 and errors == 0 and result.other == 0 and not result.socket_errors
    print("0 server errors and 0 lost writes: " + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
