from __future__ import annotations

from tests.conftest import run_essbot


def test_help_lists_every_command():
    result = run_essbot(["--help"])
    assert result.returncode == 0
    for command in ["chat", "flows", "content"]:
        assert command in result.stdout
    flows = run_essbot(["flows", "--help"])
    assert "validate" in flows.stdout and "graph" in flows.stdout


def test_version():
    result = run_essbot(["--version"])
    assert result.returncode == 0 and "essbot, version" in result.stdout


def test_graph_mermaid_shows_states_and_choices():
    result = run_essbot(["flows", "graph"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("stateDiagram-v2\n    [*] --> accueil\n")
    assert "    accueil --> territoire: Commencer" in out
    assert ("contexte_fin --> contrat_ville_debut: [contexte contains qpv and collectivite not_in"
            in out)
    assert "    fin --> [*]" in out


def test_graph_dot_in_english():
    result = run_essbot(["flows", "graph", "--format", "dot", "--lang", "en"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('digraph "parcours" {')
    assert '"accueil" -> "territoire" [label="Start"];' in result.stdout
    assert result.stdout.rstrip().endswith("}")


def test_graph_of_an_unknown_flow():
    result = run_essbot(["flows", "graph", "--flow", "nope"])
    assert result.returncode == 1
    assert "No valid flow 'nope' (valid flows: parcours)" in result.stderr
