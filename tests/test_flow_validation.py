"""Each validation rule, shown on a broken flow that says which error it expects.

A fixture's first line reads ``# expect: LINE:COLUMN message``; the test checks
that this exact position and message are reported, so an administrator who
makes that mistake is pointed at the right line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.app import load_all
from bot.engine.flowparse import load_flows, parse_flow_text
from tests.conftest import run_essbot

BROKEN = Path(__file__).parent / "data" / "broken_flows"
FIXTURES = sorted(BROKEN.glob("*.yaml"))


@pytest.fixture(scope="module")
def environment():
    from bot.config import Settings

    return load_all(Settings.from_env({})).environment


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_broken_flow_is_reported_at_its_line(path: Path, environment):
    text = path.read_text(encoding="utf-8")
    expected = re.match(r"# expect: (\d+):(\d+) (.+)", text)
    assert expected, f"{path.name} must start with '# expect: LINE:COL message'"
    line, column, message = expected.groups()
    flow, problems = parse_flow_text(text, path.name, environment)
    assert flow is None
    rendered = [str(p) for p in problems]
    wanted = f"{path.name}:{line}:{column}: error: "
    assert any(r.startswith(wanted) and message in r for r in rendered), \
        f"expected {wanted}…{message!r}, got:\n" + "\n".join(rendered)


def test_every_rule_of_the_issue_has_a_fixture():
    names = {p.stem for p in FIXTURES}
    for rule in ["unknown_target", "unreachable", "dead_end", "duplicate_state",
                 "duplicate_choice", "missing_translation", "unknown_content",
                 "unknown_slot_in_set", "unknown_slot_in_condition"]:
        assert rule in names


def test_the_shipped_flows_are_valid(environment):
    flows, problems = load_flows(Path("flows"), environment)
    assert problems == []
    assert "parcours" in flows


def test_duplicate_flow_id_across_files(tmp_path: Path, environment):
    shutil.copy("flows/parcours.yaml", tmp_path / "a.yaml")
    shutil.copy("flows/parcours.yaml", tmp_path / "b.yaml")
    flows, problems = load_flows(tmp_path, environment, tmp_path)
    assert list(flows) == ["parcours"]
    assert [str(p) for p in problems] == [
        "b.yaml:1:1: error: duplicate flow id 'parcours', already used by a.yaml: "
        "give each flow its own id"]


def test_cli_validate_exits_non_zero_and_names_the_line(tmp_path: Path):
    shutil.copy(BROKEN / "unknown_target.yaml", tmp_path / "demo.yaml")
    result = run_essbot(["flows", "validate", "--flows-dir", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 1
    assert "demo.yaml:10:15: error: choice 'go' of state 'accueil': unknown target state " \
           "'fni'. Did you mean 'fin'?" in result.stderr
    assert "flows: 1 error." in result.stderr


def test_cli_validate_accepts_the_shipped_flows():
    result = run_essbot(["flows", "validate"])
    assert result.returncode == 0, result.stderr
    assert "OK: 1 flow(s)" in result.stdout
