#!/usr/bin/env python3
"""p50 wall and CPU (user+sys) time of a concordat command over a store, with snapshots warm, cold or absent.

scripts/bench-snapshots.py BINARY STORE MODE RUNS -- ARGS...
MODE: warm (snapshots kept), cold (STORE/snapshots deleted before each run)."""
import shutil, subprocess, sys, time, os, resource
binary, store, mode, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
args = sys.argv[sys.argv.index("--") + 1:]
times, cpu, rss = [], [], 0
for _ in range(runs):
    if mode == "cold":
        shutil.rmtree(os.path.join(store, "snapshots"), ignore_errors=True)
    t = time.perf_counter()
    p = subprocess.Popen([binary, "--store", store] + args, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    assert status == 0, status
    times.append((time.perf_counter() - t) * 1e3)
    cpu.append((ru.ru_utime + ru.ru_stime) * 1e3)
    rss = max(rss, ru.ru_maxrss / 1024)
times.sort(); cpu.sort()
print(f"{mode:5} wall p50 {times[len(times)//2]:8.2f} ms  cpu p50 {cpu[len(cpu)//2]:8.2f} ms  maxrss {rss:.1f} MB")
