"""The matching engine's benchmarks (see carementor/matching/engine/bench.py and README).

Set BENCH_QUICK=1 for the small sizes only (about half a minute instead of a few minutes).
"""

import os

from carementor.matching.engine.bench import run as run_engine


def run() -> dict:
    return run_engine(quick=os.environ.get("BENCH_QUICK") == "1")
