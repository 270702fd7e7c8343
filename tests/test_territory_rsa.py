"""Where the State pays the RSA (content/territoires/rsa_etat.yaml): the territory reading
says so in plain text, in `essbot recommend`, the chat's confirmation and the feuille de
route (issue 15; blind rating 2026-12-01: « neither version tells the élu » that the Ariège
is in the recentralisation experiment)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app import load_content
from bot.i18n import translator
from bot.knowledge import load_knowledge
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from bot.knowledge.rsa_state import read_state_rsa
from bot.knowledge.territory import TerritoryIndex, default_territory_path
from bot.knowledge.territory_reading import context_sentence
from tests.conftest import Chat, run_essbot

CONTENT = Path(__file__).resolve().parent.parent / "content"
EXPERIMENT = ("le RSA y est versé par l'État (recentralisation, expérimentation depuis {}) ; "
              "le département garde l'insertion")
FOR_GOOD = ("le RSA y est versé par l'État (recentralisation depuis {}) ; l'insertion reste "
            "une compétence départementale")


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    return TerritoryIndex.load(default_territory_path(CONTENT))


def reading(index: TerritoryIndex, text: str, kind: str | None = None,
            language: str = "fr") -> str:
    place = index.resolve(text, prefer=kind).best[0]
    return context_sentence(place.kind, index.context(place), translator(language))


@pytest.mark.parametrize(("text", "year"), [("Ariège", 2023), ("Seine-Saint-Denis", 2022),
                                            ("Pyrénées-Orientales", 2022)])
def test_an_experimenting_departement_says_the_state_pays_the_rsa(index, text, year):
    assert reading(index, text, "departement").endswith(f" ; {EXPERIMENT.format(year)}.")


@pytest.mark.parametrize("text", ["Aude", "Nord", "Occitanie", "Île-de-France"])
def test_a_departement_or_region_that_pays_it_says_nothing_of_it(index, text):
    assert "RSA" not in reading(index, text)


def test_la_reunion_reads_so_as_departement_and_region_and_guyane_mayotte_too(index):
    assert reading(index, "974").endswith(f" ; {FOR_GOOD.format(2020)}.")
    assert reading(index, "La Réunion", "region").endswith(f" ; {FOR_GOOD.format(2020)}.")
    assert FOR_GOOD.format(2019) in reading(index, "Collectivité territoriale de Guyane")
    assert FOR_GOOD.format(2019) in reading(index, "976")
    assert "the State pays the RSA here (recentralised since 2020)" in reading(
        index, "974", language="en")


def test_a_commune_and_a_grouping_of_such_a_departement_read_so(index):
    assert EXPERIMENT.format(2023) in reading(index, "Foix", "commune")
    assert EXPERIMENT.format(2022) in reading(index, "Plaine Commune")
    assert FOR_GOOD.format(2020) in reading(index, "Le Port", "commune")
    assert "RSA" not in reading(index, "Carcassonne", "commune")
    assert "the State pays the RSA here (recentralisation, an experiment since 2023); the " \
           "département keeps the insertion policy" in reading(index, "Foix", "commune", "en")


def test_essbot_recommend_says_it_under_the_territory():
    result = run_essbot(["recommend", "--territory", "09", "--themes", "emploi-insertion",
                         "--step", "soutenir"])
    assert result.returncode == 0, result.stderr
    head, line = result.stdout.splitlines()[:2]
    assert head.startswith("Ariège (département, 09)")
    assert line.startswith("Lecture du territoire : ") and EXPERIMENT.format(2023) in line


def test_the_chat_confirmation_says_it(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Ariège (département, 09)")
    chat.press("Oui")
    assert f"{EXPERIMENT.format(2023)}." in chat.text
    assert "Lecture du territoire : " in chat.text


def plan(index: TerritoryIndex, text: str) -> str:
    kb, _ = load_knowledge(CONTENT, CONTENT.parent)
    place = index.resolve(text, prefer="departement").best[0]
    profile = build_profile(kb.scoring, themes=frozenset({"emploi-insertion"}), step="soutenir",
                            territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t,
                        dt.date(2026, 11, 30), names_of(place, index))
    markdown = render_markdown(doc, t)
    start = markdown.index("### Votre territoire")
    return markdown[start:markdown.index("\n### ", start + 1)]


def test_the_feuille_de_route_says_it_in_votre_territoire(index):
    territory = plan(index, "Ariège")
    assert f"- Le{EXPERIMENT.format(2023)[2:]}.\n" in territory
    assert "RSA" not in plan(index, "Aude")


def test_the_rsa_lever_does_not_say_the_departement_always_pays_it():
    kb, _ = load_knowledge(CONTENT, CONTENT.parent)
    body = kb.items["cofinancement_siae"].body
    assert "qui verse le RSA et" not in body
    assert "sauf là où l'État l'a repris" in body


BAD = """\
- departement: "09"
  mode: experimentation
  since: 2023
  sources:
    - title: "Préfecture"
      url: "https://www.ariege.gouv.fr/x"
  last_checked: 2026-11-30
- departement: 9
  mode: pérenne
  since: 2019
  sources: []
  last_checked: 2026-11-30
"""


def test_a_faulty_file_is_located_and_its_rows_left_out(tmp_path: Path):
    folder = tmp_path / "content" / "territoires"
    folder.mkdir(parents=True)
    (folder / "rsa_etat.yaml").write_text(BAD, encoding="utf-8")
    found, problems = read_state_rsa(folder / "rsa_etat.yaml", tmp_path)
    assert found == {}
    assert [str(p) for p in problems] == [
        "content/territoires/rsa_etat.yaml:1:3: error: mode must be one of: pérenne, "
        "expérimentation",
        "content/territoires/rsa_etat.yaml:8:3: error: departement must be a département code "
        "in quotes (\"09\", \"974\")",
        "content/territoires/rsa_etat.yaml:8:3: error: sources must be a list of title and url "
        "(https://…)"]
    _, shipped = load_content(CONTENT, CONTENT.parent)
    assert not [p for p in shipped if "rsa_etat" in str(p)], "the shipped file is valid"


def test_essbot_content_validate_points_at_the_faulty_line(tmp_path: Path):
    folder = tmp_path / "content"
    (folder / "territoires").mkdir(parents=True)
    for name in ("taxonomy.yaml", "sources.yaml", "scoring.yaml"):
        (folder / name).write_text((CONTENT / name).read_text(encoding="utf-8"),
                                   encoding="utf-8")
    (folder / "territoires" / "rsa_etat.yaml").write_text(BAD, encoding="utf-8")
    result = run_essbot(["content", "validate", "--content-dir", str(folder)], cwd=tmp_path)
    assert result.returncode == 1
    assert ("content/territoires/rsa_etat.yaml:1:3: error: mode must be one of: pérenne, "
            "expérimentation") in result.stderr
