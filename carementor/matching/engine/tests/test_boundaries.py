"""The engine is plain Python: importing it must not import Django."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_engine_imports_without_django() -> None:
    code = (
        "import sys\n"
        "import carementor.matching.engine as engine\n"
        "import carementor.matching.engine.cli\n"
        "import carementor.matching.engine.bench\n"
        "assert engine.stable_match and engine.optimal_match\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": ""},
    )
    assert result.stdout.strip() == "[]"
