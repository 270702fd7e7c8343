"""The territory typed as agents type it (round 27): a name inside a sentence, a homonym with
its département or région written after it with no sign between. Inputs written for these
tests, not taken from the evaluation sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.territory import TerritoryIndex, default_territory_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    return TerritoryIndex.load(default_territory_path(ROOT / "content"))


def first(index: TerritoryIndex, text: str, prefer: str | None = None) -> tuple[str, str]:
    found = index.lookup(text, prefer=prefer)
    assert found, text
    return found[0].kind, found[0].code


@pytest.mark.parametrize(("text", "expected"), [
    ("bonjour, je suis secrétaire à la mairie de Bourganeuf", ("commune", "23030")),
    ("Mairie d'Aubusson, pôle culture", ("commune", "23008")),
    ("Service jeunesse - Felletin", ("commune", "23079")),
    ("adjointe au maire à Saint-Vaury", ("commune", "23247")),
    ("nous sommes un petit village de la Creuse, Crozant", ("commune", "23070")),
    ("je travaille à la ville de Roubaix, dans la MEL", ("commune", "59512")),
    ("chez nous à la comcom Creuse Confluence", ("epci", "200067544")),
    ("je représente le conseil départemental de la Creuse", ("departement", "23")),
    ("nous travaillons en Martinique", ("region", "02")),
])
def test_a_name_inside_a_sentence(index: TerritoryIndex, text: str,
                                  expected: tuple[str, str]) -> None:
    assert first(index, text) == expected


@pytest.mark.parametrize("text", [
    "je suis chargée de mission", "on est une commune de montagne", "on est à la campagne",
    "je ne sais pas, à voir", "merci de votre aide", "je travaille dans le sud",
    "agent de la ville", "notre EPCI", "mairie de Saint-Machin", "la ville de Grand-Truc",
    "dossier en cours", "un projet en centre bourg"])
def test_a_sentence_without_a_name_finds_nothing(index: TerritoryIndex, text: str) -> None:
    assert index.lookup(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Saint-Joseph Martinique", ("commune", "97224")),
    ("Le Lorrain martinique", ("commune", "97214")),
    ("Felletin creuse", ("commune", "23079")),
    ("Saint-Paul la reunion", ("commune", "97415")),
])
def test_a_place_after_a_homonym_narrows_it(index: TerritoryIndex, text: str,
                                            expected: tuple[str, str]) -> None:
    assert first(index, text) == expected


def test_four_digits_are_a_postal_code_not_an_insee_code(index: TerritoryIndex) -> None:
    assert first(index, "6000") == ("commune", "06088")  # Nice, 06000
    assert index.lookup("1001") == []  # no postal code 01001; 01001 is an INSEE code


def test_a_commune_of_a_com_for_a_com(index: TerritoryIndex) -> None:
    # the agent chose « collectivité d'outre-mer », then typed a commune's name
    assert first(index, "Saint-Barth", prefer="com")[0] == "com"
    assert first(index, "Miquelon-Langlade", prefer="com") == ("com", "975")


def test_a_name_that_sounds_the_same_is_the_nearest_spelling(index: TerritoryIndex) -> None:
    assert first(index, "Vozges") == ("departement", "88")
    assert first(index, "Bourganneuff") == ("commune", "23030")


@pytest.mark.parametrize(("text", "expected"), [
    ("la CACEM", ("epci", "249720061")),
    ("EPT POLD", ("ept", "200057982")),
    ("îles Marquises", ("com", "987")),
    ("je suis à Tahiti", ("com", "987")),
])
def test_official_short_names_and_islands(index: TerritoryIndex, text: str,
                                          expected: tuple[str, str]) -> None:
    assert first(index, text) == expected


def test_a_question_is_not_read_as_a_territory(index: TerritoryIndex) -> None:
    assert index.lookup("comment créer une SCIC à Guéret ?") == []
    assert first(index, "Guéret ?") == ("commune", "23096")


def test_a_departement_with_its_article_comes_before_the_commune_of_that_exact_name(
        index: TerritoryIndex) -> None:
    """« la creuse » typed by an agent of the Creuse: the département first, then the commune
    La Creuse (Haute-Saône), which alone held that exact name before (chat27)."""
    found = index.resolve("la creuse")
    assert [(t.kind, t.code) for t in found.best][:2] == [("departement", "23"),
                                                          ("commune", "70186")], found.best
