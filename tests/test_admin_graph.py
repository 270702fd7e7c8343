"""Diagrams: svg/png through Graphviz when installed, clear advice when not, problems in red."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.conftest import run_essbot

BROKEN = """\
id: orphelins
title: {fr: "Test", en: "Test"}
start: accueil
states:
  accueil:
    say: {fr: "Bonjour", en: "Hello"}
    choices:
      - id: fin
        label: {fr: "Fin", en: "End"}
        next: fin
  oublie:
    say: {fr: "Personne ne vient ici", en: "Nobody comes here"}
    next: fin
  fin:
    final: true
"""


def without_dot(tmp_path: Path) -> dict:
    """An environment whose PATH has python but no Graphviz."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    return {"PATH": str(bin_dir)}


def test_svg_without_graphviz_says_how_to_install_it(tmp_path: Path):
    result = run_essbot(["flows", "graph", "--format", "svg"], env=without_dot(tmp_path))
    assert result.returncode == 1
    assert "Graphviz is not installed" in result.stderr
    assert "sudo apt install graphviz" in result.stderr
    assert "brew install graphviz" in result.stderr
    assert result.stdout == ""


def test_png_needs_an_output_file(tmp_path: Path):
    result = run_essbot(["flows", "graph", "--format", "png"])
    assert result.returncode == 1
    assert "--output" in result.stderr


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed here")
def test_svg_and_png_with_graphviz(tmp_path: Path):
    result = run_essbot(["flows", "graph", "--format", "svg"])
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout and "collectivite" in result.stdout
    png = tmp_path / "parcours.png"
    result = run_essbot(["flows", "graph", "--format", "png", "--output", str(png)])
    assert result.returncode == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG")


def test_mermaid_to_a_file(tmp_path: Path):
    out = tmp_path / "parcours.mmd"
    result = run_essbot(["flows", "graph", "--output", str(out)])
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("stateDiagram-v2")
    assert f"written to {out}" in result.stderr


def test_unreachable_states_are_drawn_in_red(tmp_path: Path):
    flows = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", flows, ignore=shutil.ignore_patterns("tests"))
    (flows / "orphelins.yaml").write_text(BROKEN, encoding="utf-8")
    env = {"ESSBOT_FLOWS_DIR": str(flows)}
    mermaid = run_essbot(["flows", "graph", "--flow", "orphelins"], env=env)
    assert mermaid.returncode == 0, mermaid.stderr
    assert "unreachable state 'oublie'" in mermaid.stderr
    assert "Marked in red: oublie" in mermaid.stderr
    assert "    class oublie problem" in mermaid.stdout
    assert "classDef problem fill:#ffd6d6" in mermaid.stdout
    dot = run_essbot(["flows", "graph", "--flow", "orphelins", "--format", "dot"], env=env)
    assert '"oublie" [style=filled, fillcolor="#ffd6d6"' in dot.stdout
    assert 'tooltip="unreachable from the start"' in dot.stdout
    clean = run_essbot(["flows", "graph"], env=env)
    assert "problem" not in clean.stdout
