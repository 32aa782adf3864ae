#!/usr/bin/env python3
"""Recomputes every event's hash from an export, independently of concordat.

hash = SHA-256 of the RFC 8785 (JCS) form of the line without "hash". concordat's data holds only
strings, integers, booleans, null, arrays and objects with ASCII keys, for which JCS is exactly
json.dumps with sorted keys, no whitespace and no ASCII escaping. Also checks the chain links.
Prints one line per event: "seq ok" or "seq MISMATCH ..."; exits 1 on any mismatch.
"""
import hashlib
import json
import sys

prev = "0" * 64
bad = 0
with open(sys.argv[1], encoding="utf-8") as export:
    for line in export:
        event = json.loads(line)
        claimed = event.pop("hash")
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        computed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        linked = event["prev_hash"] == prev
        if computed == claimed and linked:
            print(f"{event['seq']} ok")
        else:
            bad += 1
            print(f"{event['seq']} MISMATCH computed {computed} claimed {claimed} linked {linked}")
        prev = claimed
sys.exit(1 if bad else 0)
