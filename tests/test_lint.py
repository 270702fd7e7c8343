"""The code stays ruff-clean: the one test command also checks style."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT


def test_ruff_reports_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "--output-format", "concise", "."],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
