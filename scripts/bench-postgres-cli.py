#!/usr/bin/env python3
"""scripts/bench-postgres-cli.py [BINARY] [REPS]

A command's latency on PostgreSQL beside the embedded store, in one run: `proposal hold`/`resume`
(alternately: an append each) and `proposal show` (a read), each a whole `concordat` process, on the
Bromsgrove/Redditch partnership with one proposal. The backends take turns, so load on the machine
falls on both alike; the ratios are the figures to read. Run it under scripts/with-postgres.sh,
which names the server in CONCORDAT_TEST_POSTGRES. BINARY defaults to target/release/concordat.
"""
import os
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/concordat"
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 40
base = os.environ["CONCORDAT_TEST_POSTGRES"].rstrip("/")
db = f"concordat_cli_bench_{os.getpid()}"
seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                    "bromsgrove-redditch.toml")


def psql(sql):
    subprocess.run(["psql", "-X", "-q", "-d", f"{base}/postgres", "-c", sql], check=True)


def run(store, *args):
    env = dict(os.environ, CONCORDAT_NOW="2008-09-17T19:00:00+01:00")
    started = time.perf_counter()
    done = subprocess.run([binary, "--store", store, *args], env=env, capture_output=True)
    took = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        sys.exit(f"{args}: exit {done.returncode}: {done.stderr.decode()}")
    return took


def pct(values, p):
    values = sorted(values)
    return values[round((len(values) - 1) * p)]


def main():
    psql(f"CREATE DATABASE {db}")
    tmp = tempfile.mkdtemp()
    stores = {"embedded": os.path.join(tmp, "store"), "PostgreSQL": f"{base}/{db}"}
    try:
        for store in stores.values():
            run(store, "init", seed)
            run(store, "--as", "jce", "proposal", "new", "--title", "Elections",
                "--service", "elections", "--lead", "bromsgrove")
        times = {}
        for i in range(reps):
            order = list(stores.items()) if i % 2 == 0 else list(stores.items())[::-1]
            for name, store in order:
                word = "hold" if i % 2 == 0 else "resume"
                times.setdefault((name, "hold/resume"), []).append(
                    run(store, "--as", "jce", "proposal", word, "elections", "--reason", "bench"))
                times.setdefault((name, "proposal show"), []).append(
                    run(store, "--as", "jce", "proposal", "show", "elections"))
        print(f"| command ({reps} runs each) | embedded p50 / p95, ms | PostgreSQL p50 / p95, ms | PostgreSQL ÷ embedded (p50) |")
        print("|---|---|---|---|")
        for command in ["hold/resume", "proposal show"]:
            e, p = times[("embedded", command)], times[("PostgreSQL", command)]
            print(f"| `{command}` | {pct(e, .5):.1f} / {pct(e, .95):.1f} | {pct(p, .5):.1f} / {pct(p, .95):.1f} | {pct(p, .5) / pct(e, .5):.2f}× |")
        print(f"| a bare connection: pgbench -C, `SELECT 1` | | {connect_ms(f'{base}/{db}'):.1f} (mean) | |")
    finally:
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def connect_ms(url):
    """What a new connection costs the server and client alone: pgbench connecting anew for each
    `SELECT 1` (its mean latency, in ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("SELECT 1;\n")
    done = subprocess.run(["pgbench", "-n", "-C", "-T", "5", "-f", script.name, url],
                          capture_output=True, text=True, check=True)
    os.unlink(script.name)
    for line in done.stdout.splitlines():
        if line.startswith("latency average"):
            return float(line.split("=")[1].split()[0])
    sys.exit(f"pgbench gave no latency: {done.stdout}")


if __name__ == "__main__":
    main()
