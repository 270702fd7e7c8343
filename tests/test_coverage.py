"""Coverage of the knowledge base (``essbot content coverage``, docs/content.md "Coverage"):
every type × theme × step cell has enough levers and funding or support items, every
context and programme changes a recommendation, and the examples span every theme and type."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from bot.knowledge.coverage import MIN_FUNDING, MIN_LEVERS, coverage
from tests.conftest import run_essbot


@pytest.fixture(scope="module")
def shipped():
    kb, problems = load_knowledge(Path("content"), Path.cwd())
    assert [p for p in problems if p.severity == "error"] == []
    return kb, coverage(kb)


def test_every_cell_has_enough_levers_and_funding(shipped):
    _, report = shipped
    kb, _ = shipped
    assert len(report.cells) == (len(kb.vocabularies["collectivites"])
                                 * len(kb.vocabularies["themes"]) * len(kb.vocabularies["steps"]))
    empty = [f"{c.type} × {c.theme} × {c.step}: {len(c.levers)} levers, "
             f"{len(c.funding)} funding" for c in report.empty_cells]
    assert empty == [], (f"cells with fewer than {MIN_LEVERS} levers or {MIN_FUNDING} "
                         "funding items (run `essbot content coverage`):\n" + "\n".join(empty))


def test_every_context_and_programme_changes_a_recommendation(shipped):
    kb, report = shipped
    assert [e.value for e in report.contexts] == list(kb.vocabularies["contexts"])
    assert [e.value for e in report.programmes] == list(kb.vocabularies["programmes"])
    for effect in (*report.contexts, *report.programmes):
        assert effect.items, f"no item is restricted to {effect.value}"
        assert effect.change is not None, f"{effect.value} changes no recommendation"
        # what enters the lists is an item of that context or programme
        assert set(effect.change.added) & set(effect.items) or not effect.change.added, \
            effect.value


def test_examples_span_every_theme_every_type_and_overseas(shipped):
    kb, _ = shipped
    examples = kb.of_kind("example")
    assert len(examples) >= 30
    themes = {t for e in examples for t in (e.restricts("themes") or ())}
    types = {t for e in examples for t in (e.restricts("collectivites") or ())}
    assert set(kb.vocabularies["themes"]) <= themes, set(kb.vocabularies["themes"]) - themes
    assert set(kb.vocabularies["collectivites"]) <= types
    overseas = [e.id for e in examples if "outre-mer" in (e.restricts("contexts") or ())]
    assert len(overseas) >= 3


def test_older_levers_say_how_to_act(shipped):
    kb, _ = shipped
    incomplete = [lever.id for lever in kb.of_kind("lever")
                  if not (3 <= len(lever.how_to) <= 6 and lever.first_action
                          and lever.carried_by and 2 <= len(lever.indicators) <= 4)]
    assert incomplete == []


# -- the rules, on a small knowledge base ----------------------------------------------

ITEM = """\
  - id: {id}
    kind: {kind}
    title: "{id}"
    summary: "En bref."
    body: "Le détail."
    how_to_reach: "Par courriel."
    audience: "Les associations."
    applies_to: {applies}
    sources:
      - document: anct-guide-ess
    last_checked: 2026-01-15
"""


def small_content(tmp_path: Path, items: list[tuple[str, str, str]]) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("taxonomy.yaml", "sources.yaml", "scoring.yaml"):
        shutil.copy(Path("content") / name, folder / name)
    text = "items:\n" + "".join(ITEM.format(id=i, kind=k, applies=a) for i, k, a in items)
    (folder / "items.yaml").write_text(text, encoding="utf-8")
    return folder


def cell(report, type_: str, theme: str, step: str):
    return next(c for c in report.cells if (c.type, c.theme, c.step) == (type_, theme, step))


def test_applicability_rules(tmp_path: Path):
    folder = small_content(tmp_path, [
        ("generique", "lever", "{steps: [identifier]}"),
        ("mobilite_seule", "lever", "{themes: [mobilite]}"),
        ("grandes", "lever", "{sizes: [grande]}"),
        ("rural_seul", "funding", "{contexts: [rural]}"),
        ("pvd_seul", "funding", "{programmes: [pvd]}"),
        ("departements", "funding", "{collectivites: [departement]}"),
    ])
    kb, problems = load_knowledge(folder, tmp_path)
    assert [p for p in problems if p.severity == "error"] == []
    report = coverage(kb)
    # no theme = every theme; a theme list = those themes only; steps restrict
    assert cell(report, "commune", "habitat", "identifier").levers == ("generique",)
    assert "mobilite_seule" in cell(report, "commune", "mobilite", "ancrer").levers
    assert "generique" not in cell(report, "commune", "mobilite", "ancrer").levers
    # a cell reached only by items that serve every theme is "thin" (reported, not failed)
    assert cell(report, "commune", "mobilite", "ancrer").themed == ("mobilite_seule",)
    assert cell(report, "commune", "habitat", "identifier").thin
    # a size restriction counts only where every territory of the type has that size
    assert "grandes" in cell(report, "departement", "habitat", "ancrer").levers
    assert "grandes" not in cell(report, "commune", "habitat", "ancrer").levers
    # context and programme items stay out of the cells, and are reported with their value
    funding = {f for c in report.cells for f in c.funding}
    assert funding == {"departements"}
    effects = {e.value: e for e in (*report.contexts, *report.programmes)}
    assert effects["rural"].items == ("rural_seul",)
    assert effects["rural"].change is not None and "rural_seul" in effects["rural"].change.added
    assert effects["pvd"].items == ("pvd_seul",) and effects["pvd"].change is not None
    assert effects["littoral"].items == () and effects["littoral"].idle
    assert not report.complete


def test_the_command_names_empty_cells_and_exits_1(tmp_path: Path):
    folder = small_content(tmp_path, [("generique", "lever", "{steps: [identifier]}")])
    text = run_essbot(["content", "coverage", "--content-dir", str(folder)])
    assert text.returncode == 1
    assert "commune × habitat × soutenir: 0 lever(s)" in text.stdout
    assert "littoral: 0 item(s): none" in text.stdout
    data = run_essbot(["content", "coverage", "--content-dir", str(folder), "--json"])
    assert data.returncode == 1
    report = json.loads(data.stdout)
    assert {"type": "region", "theme": "numerique", "step": "ancrer"} in report["empty"]
    assert report["contexts"]["qpv"] == {"items": [], "changes": None}
    assert report["complete"] is False


def test_the_command_passes_on_the_shipped_content():
    result = run_essbot(["content", "coverage", "--json"])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    report = json.loads(result.stdout)
    assert report["empty"] == [] and report["complete"] is True


def test_broken_content_is_refused_in_one_line(tmp_path: Path):
    folder = small_content(tmp_path, [("generique", "lever", "{steps: [nulle-part]}")])
    result = run_essbot(["content", "coverage", "--content-dir", str(folder)])
    assert result.returncode == 1
    assert "essbot content validate" in result.stderr and "Traceback" not in result.stderr
