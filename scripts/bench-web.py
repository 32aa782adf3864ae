#!/usr/bin/env python3
"""The web benchmark of BENCHMARKS.md: signed-in sessions reading the pipeline and a proposal page.

Builds the demo store in WORK, gives each officer a web account, starts `concordat serve` on
loopback, signs in SESSIONS sessions through the sign-in form (at the pace the sign-in rate limit
allows: it waits as Retry-After says), then every session at once requests every page (the
pipeline, a proposal, savings, upcoming, integrity) ROUNDS times over its own kept-alive connection. Prints p50/p95/max per page, the
errors, and the server's threads and peak memory.

    scripts/bench-web.py --concordat target/release/concordat --work /tmp/bench-web \
        [--sessions 100] [--rounds 10 | --seconds 30] [--proposal elections] [--store STORE]

--store copies a store made elsewhere (e.g. by `concordat-bench proposals`, 10k or 100k events)
instead of making the demo's; --seconds keeps every session requesting for that long (a soak)
instead of a fixed number of rounds, sampling the server's threads and memory as it goes.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse

NOW = "2009-07-15T12:00:00+01:00"
PASSWORD = "a long benchmark password"
# The demo's officers who may sign in (the scheduler is a process, not a person).
ACTORS = ["admin", "jce", "bdc-clerk", "rbc-clerk", "audit"]


def concordat(args, store, *rest, **kw):
    env = dict(os.environ, CONCORDAT_NOW=NOW)
    env.pop("CONCORDAT_STORE", None)
    env.pop("CONCORDAT_ACTOR", None)
    return subprocess.run([args.concordat, "--store", store, *rest], env=env, check=True,
                          stdout=subprocess.DEVNULL, **kw)


def prepare(args):
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    store = os.path.join(args.work, "demo")
    if args.store:
        shutil.copytree(args.store, store)
    else:
        concordat(args, store, "demo")
    secret = os.path.join(args.work, "password")
    with open(secret, "w") as f:
        f.write(PASSWORD + "\n")
    for actor in ACTORS:
        concordat(args, store, "--as", "admin", "user", "add", actor, "--password-file", secret)
    return store


def cookie(response, name):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


def source(i):
    """Session i's loopback address: 25 a address, under the per-address sign-in limit."""
    return (f"127.0.0.{2 + i // 25}", 0)


def sign_in(host, port, actor, src):
    """One session, signed in through the form; waits while the rate limit says so."""
    while True:
        c = http.client.HTTPConnection(host, port, timeout=60, source_address=src)
        c.request("GET", "/sign-in")
        r = c.getresponse()
        form_cookie = cookie(r, "concordat_sign_in")
        token = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)
        body = urllib.parse.urlencode({"csrf": token, "actor": actor, "password": PASSWORD})
        c.request("POST", "/sign-in", body, {
            "Cookie": form_cookie, "Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        c.close()
        if r.status == 303:
            return cookie(r, "concordat_session")
        if r.status != 429:
            raise SystemExit(f"sign in as {actor}: status {r.status}")
        time.sleep(2)


def session(host, port, src, session_cookie, paths, rounds, start, out, errors, until=None):
    c = http.client.HTTPConnection(host, port, timeout=60, source_address=src)
    start.wait()
    done = 0
    while (done < rounds) if until is None else (time.perf_counter() < until):
        done += 1
        for path in paths:
            t = time.perf_counter()
            try:
                c.request("GET", path, headers={"Cookie": session_cookie})
                r = c.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                c.close()
                c = http.client.HTTPConnection(host, port, timeout=60, source_address=src)
            elapsed = (time.perf_counter() - t) * 1000
            if ok:
                out.setdefault(path, []).append(elapsed)
            else:
                errors.append(path)
    c.close()


def percentile(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p))]


def status_of(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--concordat", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--sessions", type=int, default=100)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--seconds", type=float, default=None)
    p.add_argument("--proposal", default="elections")
    p.add_argument("--store", default=None)
    args = p.parse_args()
    store = prepare(args)
    env = dict(os.environ, CONCORDAT_NOW=NOW)
    server = subprocess.Popen([args.concordat, "--store", store, "serve", "--listen", "127.0.0.1:0"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = urllib.parse.urlparse(server.stdout.readline().strip())
        host, port = url.hostname, url.port
        t = time.perf_counter()
        cookies = [sign_in(host, port, ACTORS[i % len(ACTORS)], source(i))
                   for i in range(args.sessions)]
        print(f"{args.sessions} sessions signed in in {time.perf_counter() - t:.0f} s "
              "(paced by the sign-in rate limit)")
        paths = ["/", f"/proposals/{args.proposal}", "/savings", "/upcoming", "/integrity"]
        out, errors, start = {}, [], threading.Event()
        until = None if args.seconds is None else time.perf_counter() + args.seconds
        threads = [threading.Thread(target=session,
                                    args=(host, port, source(i), ck, paths, args.rounds, start,
                                          out, errors, until))
                   for i, ck in enumerate(cookies)]
        for th in threads:
            th.start()
        t = time.perf_counter()
        start.set()
        most_threads = 0
        while any(th.is_alive() for th in threads):
            most_threads = max(most_threads, int(status_of(server.pid, "Threads")))
            time.sleep(0.5)
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        requests = sum(len(v) for v in out.values()) + len(errors)
        print(f"{args.sessions} sessions, {requests} requests over {len(paths)} pages in "
              f"{wall:.1f} s, {len(errors)} errors; the server's threads at most {most_threads}")
        for path in paths:
            ms = sorted(out.get(path, []))
            if ms:
                print(f"{path}: n={len(ms)} p50={percentile(ms, 0.5):.1f} ms "
                      f"p95={percentile(ms, 0.95):.1f} ms max={ms[-1]:.1f} ms")
        print(f"server: threads {status_of(server.pid, 'Threads')}, "
              f"peak memory {status_of(server.pid, 'VmHWM')}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
