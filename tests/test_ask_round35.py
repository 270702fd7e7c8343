"""Round 35 of issue 16 (qa35): top-3 and refusals, with sentences written for these tests
(not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.normalize import terms
from bot.qa.search import Searcher


def _ids(searcher: Searcher, text: str) -> list[str]:
    return [hit.item.id for hit in searcher.ask(text).hits]


def test_the_nouvelle_of_a_commune_nouvelle_is_kept_as_a_names_word() -> None:
    assert terms("les communes nouvelles") == terms("une commune nouvelle")
    assert len(terms("une commune nouvelle")) == 2
    assert len(terms("une nouvelle association")) == 1  # elsewhere, a stop word


@pytest.mark.parametrize("text", [
    "qu'est-ce qu'une commune nouvelle ?",
    "communes nouvelles, définition svp",
    "c koi une commune nouvelle",
])
def test_what_a_commune_nouvelle_is_gets_its_entry(searcher: Searcher, text: str) -> None:
    """« commune » is a context word, « nouvelle » a stop word elsewhere: said together
    they are the name of a glossary entry, the subject of the question."""
    assert _ids(searcher, text)[:1] == ["glossaire_commune_nouvelle"]


def test_a_commune_nouvelle_that_only_says_who_asks_is_context(searcher: Searcher) -> None:
    """« nous sommes une commune nouvelle » tells who asks: the question is about the
    guarantee of a loan, not about the commune nouvelle."""
    text = ("Nous sommes une commune nouvelle du Calvados. Le conseil peut-il se porter "
            "garant du prêt bancaire de l'association du foyer rural ?")
    ids = _ids(searcher, text)
    assert ids and "glossaire_commune_nouvelle" not in ids


@pytest.mark.parametrize("text", [
    "faut-il nommer un adjoint à l'ESS dans notre commune ?",
    "quel est le rôle d'une adjointe à l'économie sociale et solidaire ?",
])
def test_an_adjoint_to_the_ess_is_an_office_not_a_person_asked(
        searcher: Searcher, text: str) -> None:
    """« adjoint » alone no longer asks a fact of one person: whether to have one, or what
    one does, is answered (by the internal organisation of the ESS policy)."""
    assert searcher.ask(text).hits


@pytest.mark.parametrize("text", [
    "qui est l'adjointe à l'ESS de Quimper ?",
    "le nom de l'adjoint chargé de la vie associative à Alençon",
    "l'adjointe de Vesoul, son téléphone ?",
    "qui sont les adjoints de la mairie de Cherbourg ?",
])
def test_who_the_adjoint_is_is_still_refused(searcher: Searcher, text: str) -> None:
    assert not searcher.ask(text).hits


def test_on_behalf_of_the_collectivite_asks_no_name() -> None:
    from bot.qa.aspects import aspects_of
    from bot.qa.normalize import words
    assert "specific" not in aspects_of(words(
        "un élu qui siège au nom de la commune au conseil de l'association"))
    assert "specific" not in aspects_of(words(
        "je suis adjointe au maire de Vannes, par quoi commencer ?"))
    assert "specific" in aspects_of(words("le nom de l'adjointe de Vannes ?"))


@pytest.mark.parametrize("text", [
    "clôture de l'appel à projets FDVA 2028 dans le Cher ?",
    "AAP tiers-lieux 2027 de la région : la date limite de dépôt ?",
])
def test_the_calendar_of_one_edition_of_a_call_is_refused(searcher: Searcher,
                                                          text: str) -> None:
    """Each organiser sets the dates of each year's call: the base does not hold them."""
    assert not searcher.ask(text).hits


def test_how_a_call_works_is_still_answered(searcher: Searcher) -> None:
    assert _ids(searcher, "appel à projets de la DETR : date limite ?")[:1] == ["detr"]
    assert searcher.ask("quand a été lancé l'appel à projets du PNA en 2023 ?").hits


def test_a_glossary_term_ends_at_a_comma_or_a_colon() -> None:
    """« Commune nouvelle, communes déléguées et maire délégué »: the term is the commune
    nouvelle; the rest of the title says what the entry also explains, not its name (an
    adjointe « déléguée à l'ESS » by the « maire » did not name it)."""
    from bot.config import PROJECT_ROOT
    from bot.knowledge import load_knowledge
    from bot.qa.index import item_names
    items = load_knowledge(PROJECT_ROOT / "content")[0].items
    assert item_names(items["glossaire_commune_nouvelle"]) == ["commune nouvelle",
                                                               "Commune nouvelle"]


def test_what_a_subsidised_association_owes_back(searcher: Searcher) -> None:
    text = ("le comité des fêtes a reçu 5 000 € de la commune pour la fête du village, "
            "qu'est-ce qu'il doit nous rendre ?")
    assert _ids(searcher, text)[:1] == ["glossaire_obligations_association_subventionnee"]
