"""`make bench`: run every benchmarks/bench_*.py module's run() and print one JSON document.

Each module measures how cost grows with size (several sizes, not one point) and returns a
JSON-serialisable dict. Benchmarks never run as part of the test suite.

    python -m benchmarks                      # everything, quick sizes
    python -m benchmarks product seed         # only these modules
    python -m benchmarks product --sizes 10000,100000 --load-seconds 60
    python -m benchmarks seed --seed-sizes 1000,10000,50000,100000

The flags set the product benchmark's environment variables (see bench_product.py).
"""

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

FLAGS = {
    "sizes": "BENCH_PRODUCT_SIZES",
    "load_seconds": "BENCH_LOAD_SECONDS",
    "load_users": "BENCH_LOAD_USERS",
    "reps": "BENCH_REPS",
    "seed_sizes": "BENCH_SEED_SIZES",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="*", help="benchmark names (default: all)")
    parser.add_argument("--sizes", help="people per product run, e.g. 10000,100000")
    parser.add_argument("--load-seconds", help="seconds per locust mix (default 15)")
    parser.add_argument("--load-users", help="locust users (default 20)")
    parser.add_argument("--reps", help="requests per measured path (default 20)")
    parser.add_argument("--seed-sizes", help="people per SQLite seeding run (default 1000,10000)")
    args = parser.parse_args()
    for flag, variable in FLAGS.items():
        if getattr(args, flag):
            os.environ[variable] = str(getattr(args, flag))
    only = set(args.only)
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
    results["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
