#!/usr/bin/env python3
"""Prints, one a line, every bank holiday in England and Wales from FIRST to LAST (inclusive) that
falls on a weekday, as the `holidays` package from PyPI knows them: an independent source for
workflows/tests/bank_holidays.rs to check the pinned table against.

Usage: bank_holidays.py FIRST LAST
Exit 3 (and a message on stderr) when the package is not installed.
"""
import sys

try:
    import holidays
except ImportError:
    print("the python package `holidays` is not installed: python3 -m pip install holidays",
          file=sys.stderr)
    sys.exit(3)

first, last = int(sys.argv[1]), int(sys.argv[2])
# Subdivision ENG: England (Wales has the same bank holidays). Saturdays and Sundays are left out:
# the package lists 1 January on a Saturday as well as the Monday that is the bank holiday.
days = holidays.UK(subdiv="ENG", years=range(first, last + 1))
print(f"# holidays {holidays.__version__}")
for day, name in sorted(days.items()):
    if day.weekday() < 5:
        print(f"{day.isoformat()}\t{name}")
