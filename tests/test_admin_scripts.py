"""Conversation scripts: the project's own pass, and a failing one shows a readable diff."""

from __future__ import annotations

from pathlib import Path

from bot.admin.scripts import format_failure, run_paths
from bot.config import PROJECT_ROOT, Settings
from tests.admin_demo import DEMO_ENV
from tests.conftest import run_essbot

PASSING = """\
name: Un début de parcours
steps:
  - send: /start
    reply: "Bonjour"
    state: accueil
  - press: Commencer
    state: collectivite
  - press: Commune
    state: territoire
    slots: {collectivite: commune}
"""

FAILING = """\
name: Une attente fausse
steps:
  - send: /start
    state: accueil
  - press: Commencer
    reply: "Quel est votre territoire ?"
    state: territoire
    slots: {collectivite: epci}
"""


def test_the_project_flows_pass_their_scripts():
    results, problems = run_paths(Settings.from_env({}), [PROJECT_ROOT / "flows" / "tests"],
                                  PROJECT_ROOT)
    assert problems == []
    assert len(results) >= 4
    failures = [format_failure(r) for r in results if not r.passed]
    assert not failures, "\n\n".join(failures)


def test_a_passing_script_from_the_command_line(tmp_path: Path):
    (tmp_path / "ok.yaml").write_text(PASSING, encoding="utf-8")
    result = run_essbot(["flows", "test", str(tmp_path / "ok.yaml")], env=DEMO_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 script(s), 3 step(s): 1 passed, 0 failed." in result.stdout


def test_a_failing_script_shows_file_line_and_the_differences(tmp_path: Path):
    (tmp_path / "ok.yaml").write_text(PASSING, encoding="utf-8")
    (tmp_path / "ko.yaml").write_text(FAILING, encoding="utf-8")
    result = run_essbot(["flows", "test", str(tmp_path)], env=DEMO_ENV)
    assert result.returncode == 1
    out = result.stdout
    assert f"FAIL {tmp_path / 'ko.yaml'}:5: Une attente fausse" in out
    assert '  step 2: press "Commencer"' in out
    assert '    reply: expected to contain "Quel est votre territoire ?"' in out
    assert "    state:\n      - expected: territoire\n      + got:      collectivite" in out
    assert "    slot collectivite:\n      - expected: epci\n      + got:      (empty)" in out
    assert "    the bot answered:\n    | Pour quel type de collectivité travaillez-vous ?" in out
    assert "    |   [Commune]" in out
    assert "2 script(s), 5 step(s): 1 passed, 1 failed." in out


def test_mistakes_in_a_script_are_reported_with_their_position(tmp_path: Path):
    (tmp_path / "typo.yaml").write_text(
        "steps:\n  - send: /start\n    stat: accueil\n  - press: Nulle part\n",
        encoding="utf-8")
    result = run_essbot(["flows", "test", str(tmp_path / "typo.yaml")], env=DEMO_ENV)
    assert result.returncode == 1
    assert (f"{tmp_path / 'typo.yaml'}:3:5: error: unknown key in a step 'stat'. "
            "Did you mean 'state'?") in result.stderr


def test_pressing_a_missing_button_lists_the_buttons(tmp_path: Path):
    (tmp_path / "b.yaml").write_text("steps:\n  - send: /start\n  - press: Continuer\n",
                                     encoding="utf-8")
    result = run_essbot(["flows", "test", str(tmp_path / "b.yaml")], env=DEMO_ENV)
    assert result.returncode == 1
    assert 'press: no button "Continuer"; buttons: "Commencer"' in result.stdout


def test_scripts_do_not_run_on_flows_that_do_not_load(tmp_path: Path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "broken.yaml").write_text("id: [broken\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(PASSING, encoding="utf-8")
    result = run_essbot(["flows", "test", str(tmp_path / "s.yaml")],
                        env={**DEMO_ENV, "ESSBOT_FLOWS_DIR": str(flows),
                             "ESSBOT_DB": str(tmp_path / "t.db")})
    assert result.returncode == 1
    assert f"{flows / 'broken.yaml'}:2:1: error: the file is not valid YAML" in result.stderr
    assert "The flows or content have errors: fix them first" in result.stderr
