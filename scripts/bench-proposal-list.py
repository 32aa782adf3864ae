#!/usr/bin/env python3
"""`proposal list` (JSON and text, warm) beside `--version`, two binaries alternating in the same
minutes: wall and CPU (user + system) from wait4(2), peak RSS from /usr/bin/time, medians of RUNS runs
(BENCHMARKS.md, "`proposal list` and the web pipeline from saved list lines").

    scripts/bench-proposal-list.py BEFORE_BIN AFTER_BIN STORE [RUNS]

Run it on a copy of a store (a list saves projections beside the log); each binary lists once,
unmeasured, first.
"""

import os
import statistics
import subprocess
import sys
import time

NOW = "2008-09-02T09:00:00+01:00"


RSS = "/tmp/bench-proposal-list.rss"


def run(argv):
    """Wall and CPU from wait4(2); peak RSS from /usr/bin/time (wait4's would be at least this
    script's own: a child's high-water mark starts at its parent's before exec)."""
    env = dict(os.environ, CONCORDAT_NOW=NOW)
    started = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-o", RSS, "-f", "%M", *argv],
                         stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0, argv
    with open(RSS) as f:
        rss = int(f.read().split()[-1]) / 1024
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, rss


def main():
    before, after, store = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    bins = [("before", before), ("after", after)]
    commands = [
        ("`--version`", ["--version"]),
        ("`proposal list --json`", ["--store", store, "proposal", "list", "--json"]),
        ("`proposal list`", ["--store", store, "proposal", "list"]),
    ]
    for _, b in bins:
        for _, args in commands[1:]:
            run([b, *args])
    got = {}
    for _ in range(runs):
        for label, args in commands:
            for name, b in bins:
                got.setdefault((label, name), []).append(run([b, *args]))
    version = {n: statistics.median(x[0] for x in got[(commands[0][0], n)]) for n, _ in bins}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.path.basename(store)} · {runs} runs each\n")
    cpu_version = {n: statistics.median(x[1] for x in got[(commands[0][0], n)]) for n, _ in bins}
    print("| command | binary | wall p50 ms | CPU p50 ms | peak RSS MB | wall ÷ `--version` | CPU ÷ `--version` |")
    print("|---|---|---|---|---|---|---|")
    for label, _ in commands:
        for name, _ in bins:
            xs = got[(label, name)]
            wall = statistics.median(x[0] for x in xs)
            cpu = statistics.median(x[1] for x in xs)
            rss = max(x[2] for x in xs)
            print(f"| {label} | {name} | {wall:.1f} | {cpu:.1f} | {rss:.1f} | "
                  f"{wall / version[name]:.0f}× | {cpu / cpu_version[name]:.0f}× |")


main()
