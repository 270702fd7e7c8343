"""Content validation: the shipped knowledge base is valid, and each mistake is located."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from tests.conftest import run_essbot

VALID_ITEM = """\
items:
  - id: demo
    kind: lever
    title: "Un levier"
    summary: "En bref."
    body: "Le détail."
    applies_to: {steps: [identifier]}
    sources:
      - document: anct-guide-ess
    last_checked: 2026-01-15
"""


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("taxonomy.yaml", "sources.yaml", "scoring.yaml"):
        shutil.copy(Path("content") / name, folder / name)
    return folder


def problems_for(content_dir: Path, text: str) -> list[str]:
    (content_dir / "items.yaml").write_text(text, encoding="utf-8")
    _, problems = load_knowledge(content_dir, content_dir.parent)
    return [str(p) for p in problems]


def test_the_shipped_content_is_valid_and_sourced():
    knowledge, problems = load_knowledge(Path("content"), Path.cwd())
    # Copies still cited by items under rework (another round) only warn; nothing else may.
    assert [str(p) for p in problems if "copies pages published elsewhere" not in p.message] == []
    assert len(knowledge.of_kind("lever")) >= 10
    for item in knowledge.items.values():
        assert item.sources, item.id
        for source in item.sources:
            assert source.url or source.document, item.id


def test_a_valid_item_loads(content_dir: Path):
    assert problems_for(content_dir, VALID_ITEM) == []


@pytest.mark.parametrize("change,expected", [
    (("    sources:\n      - document: anct-guide-ess\n", ""),
     "content/items.yaml:2:5: error: item 'demo' needs 'sources:'"),
    (("document: anct-guide-ess", "document: anct-guide"),
     "content/items.yaml:9:19: error: unknown source document 'anct-guide'. "
     "Did you mean 'anct-guide-ess'?"),
    (("steps: [identifier]", "steps: [identifer]"),
     "content/items.yaml:7:26: error: unknown value in 'steps' 'identifer'. "
     "Did you mean 'identifier'?"),
    (("last_checked: 2026-01-15", "last_checked: janvier"),
     "content/items.yaml:10:19: error: item 'demo' needs 'last_checked:' as a date"),
    (("last_checked: 2026-01-15", "last_checked: 2999-01-01"),
     "content/items.yaml:10:19: error: 'last_checked' of item 'demo' is in the future"),
    (("kind: lever", "kind: levier"),
     "content/items.yaml:3:11: error: unknown kind 'levier'. Did you mean 'lever'?"),
    (("    body: \"Le détail.\"\n", "    body: \"Le détail.\"\n    sumary: x\n"),
     "content/items.yaml:7:5: error: unknown key in item 'demo' 'sumary'. "
     "Did you mean 'summary'?"),
    (("      - document: anct-guide-ess", "      - title: Un site\n        url: www.example"),
     "content/items.yaml:10:14: error: a web source needs 'url:' starting with https://"),
    (("{steps: [identifier]}",
      "{steps: [identifier], collectivites: [commune], preferred_collectivites: [region]}"),
     "content/items.yaml:7:90: error: 'preferred_collectivites' is for an item open to every "
     "type of collectivité"),
    (("{steps: [identifier]}",
      "{steps: [identifier], programmes: [pvd], preferred_programmes: [acv]}"),
     "content/items.yaml:7:80: error: 'preferred_programmes' is for an item open to every "
     "territory"),
    (("{steps: [identifier]}",
      "{steps: [identifier], contexts: [rural], preferred_contexts: [outre-mer]}"),
     "content/items.yaml:7:78: error: 'preferred_contexts' is for an item open to every "
     "place"),
])
def test_content_mistakes_are_located(content_dir: Path, change, expected):
    old, new = change
    assert old in VALID_ITEM
    problems = problems_for(content_dir, VALID_ITEM.replace(old, new))
    assert any(p.startswith(expected) for p in problems), problems


def test_preferred_contexts_loads_on_an_item_open_to_every_place(content_dir: Path):
    text = VALID_ITEM.replace("{steps: [identifier]}",
                              "{steps: [identifier], preferred_contexts: [outre-mer]}")
    assert problems_for(content_dir, text) == []
    knowledge, _ = load_knowledge(content_dir, content_dir.parent)
    assert knowledge.items["demo"].restricts("preferred_contexts") == frozenset({"outre-mer"})


def test_duplicate_id_across_files(content_dir: Path):
    (content_dir / "other.yaml").write_text(VALID_ITEM, encoding="utf-8")
    problems = problems_for(content_dir, VALID_ITEM)
    assert problems == ["content/other.yaml:2:5: error: duplicate item id 'demo' (first defined "
                        "at content/items.yaml:2:5): give each item its own id"]


def test_cli_content_validate(content_dir: Path):
    (content_dir / "items.yaml").write_text(VALID_ITEM.replace("kind: lever", "kind: x"))
    result = run_essbot(["content", "validate", "--content-dir", str(content_dir)],
                        cwd=content_dir.parent)
    assert result.returncode == 1
    assert "content/items.yaml:3:11: error: unknown kind 'x'." in result.stderr
    ok = run_essbot(["content", "validate"])
    assert ok.returncode == 0 and "OK: " in ok.stdout


ACTING = """\
    how_to:
      - "Réunir les services concernés."
      - "Écrire la délibération."
    first_action: "Inscrire le sujet au prochain bureau communautaire."
    carried_by: "Service du développement économique"
    cost: "Temps d'agent surtout : quelques jours par an."
    indicators: ["nombre de structures accompagnées"]
    family: tiers-lieux
    gender: f
    plural: false
    review_by: 2099-12-31
    applies_to: {steps: [identifier], programmes: [pvd]}
"""


def test_how_to_act_on_an_item_loads(content_dir: Path):
    text = VALID_ITEM.replace("    applies_to: {steps: [identifier]}\n", ACTING)
    (content_dir / "items.yaml").write_text(text, encoding="utf-8")
    knowledge, problems = load_knowledge(content_dir, content_dir.parent)
    assert problems == []
    item = knowledge.items["demo"]
    assert item.how_to == ("Réunir les services concernés.", "Écrire la délibération.")
    assert item.indicators == ("nombre de structures accompagnées",)
    assert (item.family, item.gender, item.plural) == ("tiers-lieux", "f", False)
    assert item.restricts("programmes") == {"pvd"}


@pytest.mark.parametrize("line,expected", [
    ("    gender: x\n", "'gender' is f or m"),
    ("    how_to: \"une seule phrase\"\n", "'how_to' of item 'demo' must be a list"),
    ("    family: Tiers Lieux\n", "'family' is a short name"),
    ("    review_by: bientôt\n", "'review_by' takes a date"),
    ("    effort: énorme\n", "'effort' is lourd"),
    ("    own_purchases: oui\n", "'own_purchases' is true or false"),
    ("    eu_funds: oui\n", "'eu_funds' is true or false"),
    ("    applies_to: {programmes: [pvdd]}\n", "unknown value in 'programmes' 'pvdd'"),
])
def test_mistakes_in_how_to_act_are_located(content_dir: Path, line: str, expected: str):
    text = VALID_ITEM.replace("    applies_to: {steps: [identifier]}\n", line)
    found = problems_for(content_dir, text)
    assert any(expected in p and p.startswith("content/items.yaml:") for p in found), found


def test_a_past_review_date_warns_and_keeps_the_item(content_dir: Path):
    text = VALID_ITEM.replace("    applies_to: {steps: [identifier]}\n",
                              "    review_by: 2020-01-01\n")
    (content_dir / "items.yaml").write_text(text, encoding="utf-8")
    knowledge, problems = load_knowledge(content_dir, content_dir.parent)
    assert "demo" in knowledge.items
    assert [p.severity for p in problems] == ["warning"]
    assert "due for review on 2020-01-01" in str(problems[0])


def test_the_steps_of_the_approach_cannot_be_renamed_or_reordered(content_dir: Path):
    """The code follows the three steps in order (the feuille de route's next step)."""
    taxonomy = content_dir / "taxonomy.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    start = text.index("\n  identifier:") + 1
    end = text.index("\n  ancrer:") + 1
    soutenir = text.index("\n  soutenir:") + 1
    swapped = text[:start] + text[soutenir:end] + text[start:soutenir] + text[end:]
    taxonomy.write_text(swapped, encoding="utf-8")
    line = text[:start].count("\n") + 1  # the first step, where the list goes wrong
    problems = problems_for(content_dir, VALID_ITEM)
    assert problems == [f"content/taxonomy.yaml:{line}:3: error: the steps are those of the "
                        "approach, in this order: identifier, soutenir, ancrer (found: "
                        "soutenir, identifier, ancrer)"], problems


BAD_SOURCES = """\
    sources:
      - title: "Rapport"
        url: "https://senat.fr./rap/r21-778/r21-7788.html"
      - title: "Copie"
        url: "https://www.issuu.com/quelquun/docs/un_guide"
      - title: "Copie d'un sous-domaine"
        url: "https://2017-2022.nosdeputes.fr/15/question/QE/1"
      - title: "Page primaire"
        url: "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296"
"""


def test_a_malformed_host_or_a_copy_warns_with_its_line(content_dir: Path):
    (content_dir / "sources_policy.yaml").write_text(
        "copy_hosts: [issuu.com, nosdeputes.fr]\n", encoding="utf-8")
    text = VALID_ITEM.replace("    sources:\n      - document: anct-guide-ess\n", BAD_SOURCES)
    (content_dir / "items.yaml").write_text(text, encoding="utf-8")
    knowledge, problems = load_knowledge(content_dir, content_dir.parent)
    assert "demo" in knowledge.items and len(knowledge.items["demo"].sources) == 4
    shown = [str(p) for p in problems]
    assert len(shown) == 3 and all(": warning: " in line for line in shown)
    assert shown[0].startswith("content/items.yaml:10:14: warning: the host 'senat.fr.'")
    assert shown[1].startswith("content/items.yaml:12:14: warning: 'www.issuu.com' copies")
    assert shown[2].startswith("content/items.yaml:14:14: warning: '2017-2022.nosdeputes.fr'")
    result = run_essbot(["content", "validate", "--content-dir", str(content_dir)],
                        cwd=content_dir.parent)
    assert result.returncode == 0 and "content/items.yaml:10:14: warning:" in result.stdout
    assert "3 warning(s) above" in result.stdout


def test_a_bad_entry_of_the_copy_list_is_located(content_dir: Path):
    (content_dir / "sources_policy.yaml").write_text(
        "copy_hosts:\n  - issuu.com\n  - not a host\n", encoding="utf-8")
    _, problems = load_knowledge(content_dir, content_dir.parent)
    assert [str(p) for p in problems] == [
        "content/sources_policy.yaml:3:5: error: 'not a host' in copy_hosts is not a host "
        "name such as issuu.com"]


# How a first step names a collectivité as someone else to turn to, by the type it would
# send back to itself; « pour une région, … » states that type's own case.
_A_COMMUNE = r"\b(?:la|votre) commune\b"
_AN_EPCI = r"\b(?:à|de|auprès de) (?:votre |l')intercommunalité\b"
_ASKS_ITSELF = {
    "commune": re.compile(r"\b(?:à|auprès de) (?:votre |la )commune\b|\bà la mairie\b"),
    "epci": re.compile(f"{_AN_EPCI}|{_A_COMMUNE}"),
    "ept": re.compile(f"{_AN_EPCI}|{_A_COMMUNE}"),
    "departement": re.compile(r"\b(?:au|auprès du|le) (?:conseil )?département\b"
                              f"|conseil départemental|{_A_COMMUNE}"),
    "region": re.compile(r"\b(?:la|à la|de la|auprès de la) région\b"
                         f"|conseil régional|collectivité régionale|{_A_COMMUNE}"),
}
_OWN_CASE = {"commune": "pour une commune", "epci": "pour une intercommunalité",
             "ept": "pour un établissement public territorial",
             "departement": "pour un département", "region": "pour une région"}


def test_a_first_step_fits_every_collectivite_it_is_shown_to():
    """Review 2026-11-30 (second), faults 12-13: a département was told to « demander au
    département », an intercommunalité to fetch the convention « signée par la commune »."""
    knowledge, _ = load_knowledge(Path("content"), Path.cwd())
    types = sorted(knowledge.vocabularies["collectivites"])
    assert set(types) == set(_ASKS_ITSELF)
    faults = []
    for item in knowledge.items.values():
        if not item.first_action:
            continue
        for type_ in sorted(item.restricts("collectivites") or types):
            found = _ASKS_ITSELF[type_].search(item.first_action)
            if found and _OWN_CASE[type_] not in item.first_action:
                faults.append(f"{item.id} ({type_}): « {found.group(0)} » in {item.first_action}")
    assert faults == []
