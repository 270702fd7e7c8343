"""Round 39 of issue 16 (qa17): rules of reading found on the dev parts of rounds 9 to 12,
with sentences written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("question", [
    "habitat participatif, aide de la ville ?",
    "habitat participatif : quelle aide de la mairie ?",
])
def test_the_help_of_the_commune_is_what_it_can_do_not_a_request_for_money(
        searcher: Searcher, question: str) -> None:
    """« aide de la commune » is the help the commune itself may give: the lever named
    first, not a funding tool of another collectivité (the AVP of the département)."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == "habitat_participatif"
    assert result.direct is not None
    assert result.direct.answer.item.id == "habitat_participatif"


def test_a_request_for_aids_still_puts_funding_first(searcher: Searcher) -> None:
    result = searcher.ask("quelles aides pour une épicerie solidaire ?")
    assert result.hits[0].item.kind == "funding"


@pytest.mark.parametrize("question", [
    "exemple de cantine d'une île avec un PAT",
    "exemple de PAT sur une île pour la restauration scolaire",
])
def test_an_answer_that_spells_out_the_acronym_said_speaks_of_it(
        searcher: Searcher, question: str) -> None:
    """« PAT » said whole requires an answer that speaks of it: the example's summary,
    which says « projet alimentaire territorial » in full, does."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == "oleron_autonomie_alimentaire"
    assert result.direct is not None
    assert result.direct.answer.item.id == "oleron_autonomie_alimentaire"


def test_an_example_asked_with_its_funding_shows_the_example_first(
        searcher: Searcher) -> None:
    """« exemple de … financée avec la DETR » asks for a place that did it, not for money:
    no funding tool is put before the example."""
    result = searcher.ask("exemple de cantine intercommunale à la campagne financée avec le "
                          "PAT et la DETR")
    assert result.hits[0].item.id == "ardennes_thierache_cuisine_centrale"


@pytest.mark.parametrize(("question", "item"), [
    ("le sigle SIAE dans le compte rendu du conseil municipal, ça veut dire quoi ?",
     "glossaire_siae"),
    ("l'acronyme CTG vu dans le compte rendu du comité de pilotage, c'est quoi ?",
     "convention_territoriale_globale"),
])
def test_the_name_after_sigle_is_what_is_asked(searcher: Searcher, question: str,
                                               item: str) -> None:
    """« le sigle X dans le compte rendu… » asks what X is; where it was read is the
    situation (not the « compte rendu » of a subsidy)."""
    assert searcher.ask(question).hits[0].item.id == item


def test_comite_is_not_the_acronym_com(searcher: Searcher) -> None:
    """« comite » (folded) was cut to « com », the COM of the outre-mer."""
    result = searcher.ask("le comité de pilotage du PAT, qui le réunit ?")
    assert all(h.item.id != "glossaire_collectivites_outre_mer" for h in result.hits)


@pytest.mark.parametrize(("question", "item"), [
    ("un PTCE, ça regroupe quoi ?", "glossaire_ptce"),
    ("que recouvre l'IAE ?", "glossaire_iae"),
])
def test_what_a_kind_covers_asks_what_it_is(searcher: Searcher, question: str,
                                            item: str) -> None:
    """« ça regroupe quoi ? », « que recouvre… ? » ask for the definition: the verb is
    no subject of its own (it pulled an example that « regroupe » partners)."""
    result = searcher.ask(question)
    assert "definition" in result.aspects
    assert result.hits[0].item.id == item


@pytest.mark.parametrize("question", [
    "épicerie solidaire : kel soutien de la comunauté de comunes ?",
    "recyclerie : quel appui de la comune ?",
])
def test_commune_typed_with_one_m_is_still_who_asks(searcher: Searcher,
                                                    question: str) -> None:
    """« comune », « comunauté de comunes » are read as spelt right: context words, not an
    unknown subject weighing as much as the question's own."""
    analysis = searcher.analyse(question)
    assert [c.typed for c in analysis.concepts if c.context]
    assert not any(c.typed.startswith("comun") for c in analysis.concepts)


def test_a_gift_deductible_from_taxes_is_the_reduction_of_patronage(
        searcher: Searcher) -> None:
    """« déductible », « déduire de ses impôts » say the réduction d'impôt of mécénat."""
    result = searcher.ask("un don d'entreprise à une asso, c'est déductible ?")
    assert result.hits[0].item.id == "mecenat"
    assert result.direct is not None
    assert "60 %" in result.direct.answer.text


def test_the_region_s_economic_scheme_is_its_srdeii(searcher: Searcher) -> None:
    """« schéma économique » is one phrase (the région's scheme): the régions' aids to
    enterprises come first."""
    result = searcher.ask("le schéma économique de la région peut-il réserver des aides aux "
                          "Scic ?")
    assert result.hits[0].item.id == "aides_regionales_ess"



def test_a_verb_does_not_name_an_item_by_the_abbreviation_of_its_id(
        searcher: Searcher) -> None:
    """« s'en mêler » (stem « mel ») is no name of the MEL, whose id is
    mel_entreprendre_autrement: it does not weigh as a name said, and the commune's own
    competence for the last shop comes first."""
    question = ("Je suis adjointe dans un bourg de 500 habitants. La boulangerie a fermé au "
                "printemps et un collectif veut rouvrir un café-épicerie avec des bénévoles : "
                "la mairie a-t-elle le droit de s'en mêler ?")
    analysis = searcher.analyse(question)
    searcher.rank(analysis)
    assert not any(c.names for c in analysis.concepts if c.typed == "mel")
    assert searcher.ask(question).hits[0].item.id == "commerce_l2251"


@pytest.mark.parametrize("question", [
    "la brasserie associative veut passer en coopérative avec ses salariés et la comcom : "
    "quel réseau les accompagne ?",
    "transformer en coopérative la librairie associative du bourg : quel réseau contacter ?",
])
def test_passing_into_a_cooperative_is_the_transformation_the_urscop_supports(
        searcher: Searcher, question: str) -> None:
    """« passer en coopérative » is the transformation of an association into a coopérative
    (its words together), which the unions régionales des Scop accompany."""
    assert searcher.ask(question).hits[0].item.id == "urscop"


@pytest.mark.parametrize("question", [
    "une épicerie à petits prix dans le bourg, qui peut la financer ?",
    "monter une épicerie à bas prix, quelles aides ?",
])
def test_a_grocery_at_low_prices_is_a_solidarity_grocery(searcher: Searcher,
                                                          question: str) -> None:
    """« épicerie à petits prix », « à bas prix » say the épicerie solidaire: its funding
    tool first, not the commune's competence for a last shop."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == "mieux_manger_pour_tous"


def test_the_sum_one_body_touched_is_answered_when_an_answer_is_written_for_it(
        searcher: Searcher) -> None:
    """« a touché combien » asks a fact of one body: answered by the answer written for
    what Oléron received from the PNA."""
    result = searcher.ask("combien a touché la communauté de communes d'Oléron pour son "
                          "projet alimentaire ?")
    assert result.direct is not None
    assert "100 000 €" in result.direct.answer.text


def test_the_sum_told_in_the_situation_counts_for_the_rule_asked(searcher: Searcher) -> None:
    """« L'association … nous demande 26 000 €. Faut-il une convention ? »: the subsidy the
    sum stands for is what the rule depends on, not a detail of the situation told; the
    23 000 € threshold answers (not the AGEC convention of a recyclerie)."""
    result = searcher.ask("Commune de 3 000 habitants. L'association de la recyclerie nous "
                          "demande 26 000 € cette année. Faut-il une convention ?")
    assert result.direct is not None
    assert "23 000 €" in result.direct.answer.text


@pytest.mark.parametrize(("question", "item"), [
    ("Je suis animatrice du PAT de notre agglo. Une association veut ouvrir une recyclerie "
     "dans un hangar. Qui peut l'accompagner ?", "soutenir_ressourcerie_reemploi"),
    ("Je suis chargé de mission au contrat de ville. Des habitants veulent monter un garage "
     "solidaire. Comment les aider ?", "plateformes_mobilite_garages_solidaires"),
])
def test_the_sentence_that_says_who_asks_is_context(searcher: Searcher, question: str,
                                                    item: str) -> None:
    """« Je suis animatrice du PAT… »: who asks, in a sentence of its own, is context, even
    a name (the PAT, the contrat de ville); the subject is the recyclerie, the garage."""
    result = searcher.ask(question)
    ids = [h.item.id for h in result.hits[:3]]
    assert item in ids
    assert "projet_alimentaire_territorial" not in ids and "contrat_de_ville" not in ids
