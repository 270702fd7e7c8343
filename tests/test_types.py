"""The code type-checks: mypy, configured in pyproject.toml, finds nothing in bot/.

For now the check covers the modules below, those already clean; the list grows to the
whole of bot/ (plain ``python -m mypy``, which reads ``files = ["bot"]``) once the
engine, the store, the channels and the application modules are clean too. Imported
modules are followed for their types (``--follow-imports=silent``) but their own
errors are left to their turn.
"""

from __future__ import annotations

import subprocess
import sys

from bot.config import PROJECT_ROOT

CLEAN = [
    "bot/broadcast/cli.py",
    "bot/broadcast/feature.py",
    "bot/broadcast/fileformat.py",
    "bot/broadcast/model.py",
    "bot/broadcast/pacing.py",
    "bot/broadcast/render.py",
    "bot/broadcast/storage/__init__.py",
    "bot/broadcast/storage/outbox.py",
    "bot/broadcast/storage/publishers.py",
    "bot/broadcast/storage/updates.py",
    "bot/broadcast/worker.py",
    "bot/knowledge/collectivites.py",
    "bot/knowledge/coverage.py",
    "bot/knowledge/evaluation.py",
    "bot/knowledge/loader.py",
    "bot/knowledge/model.py",
    "bot/knowledge/profile.py",
    "bot/knowledge/scoring.py",
    "bot/knowledge/territory.py",
    "bot/knowledge/territory_context.py",
    "bot/knowledge/territory_data.py",
    "bot/knowledge/territory_eval.py",
    "bot/knowledge/territory_model.py",
    "bot/knowledge/territory_text.py",
    "bot/qa",
    "bot/admin/access.py",
    "bot/admin/chart.py",
    "bot/admin/cli.py",
    "bot/admin/diagram.py",
    "bot/admin/export.py",
    "bot/admin/feature.py",
    "bot/admin/scripts.py",
    "bot/admin/stats.py",
    "bot/cli_errors.py",
    "bot/config.py",
    "bot/feature.py",
    "bot/i18n.py",
    "bot/reload.py",
    "bot/settings.py",
    "bot/yamlsrc.py",
]


def test_mypy_finds_nothing_in_the_clean_modules():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", *CLEAN],
        cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
