"""`make bench`: run every benchmarks/bench_*.py module's run() and print one JSON document.

Each module measures how cost grows with size (several sizes, not one point) and returns a
JSON-serialisable dict. Benchmarks never run as part of the test suite.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")
    only = set(sys.argv[1:])
    here = Path(__file__).parent
    results: dict[str, object] = {}
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        name = info.name.removeprefix("bench_")
        if only and name not in only:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        started = time.perf_counter()
        results[name] = module.run()
        print(f"# {name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
