"""The code type-checks: mypy, configured in pyproject.toml (``files = ["bot"]``,
``disallow_untyped_defs``), finds nothing in the whole of bot/."""

from __future__ import annotations

import subprocess
import sys

from bot.config import PROJECT_ROOT


def test_mypy_finds_nothing_in_bot():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout
