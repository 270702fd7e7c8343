"""Round 35 of the chat reviews: the faults the second pass left open, and three more agents
(docs/reviews/chat-2026-12-01-chat32.md, « Third pass »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.early import asks
from bot.engine.flowparse import parse_flow_text
from tests.conftest import Chat, to_the_programmes

# -- the question words come from the flow ---------------------------------------------------

@pytest.fixture(scope="module")
def environment_flow():
    from bot.app import load_all
    from bot.config import Settings

    environment = load_all(Settings.from_env({})).environment
    return lambda text: parse_flow_text(text, "parcours.yaml", environment)[0]


def test_the_question_words_are_the_flows(engine):
    flow = engine.snapshot.main
    assert asks(flow, "comment structurer une SCIC")
    assert asks(flow, "c'est quoi un contrat de ville")
    assert asks(flow, "how to support them")
    assert asks(flow, "on débute ?")
    assert not asks(flow, "on débute")
    assert not asks(flow, "commencons")  # « comment » is a whole word, not a stem


def test_without_question_words_only_a_question_mark_asks(environment_flow):
    flow = environment_flow(Path("flows/parcours.yaml").read_text(encoding="utf-8")
                            .replace("question_words:", "unused_question_words:"))
    assert flow is None  # an unknown key: the flow says which keys it takes
    plain = environment_flow(_without_question_words())
    assert plain is not None and plain.question_words is None
    assert not asks(plain, "comment structurer une SCIC")
    assert asks(plain, "comment structurer une SCIC ?")


def _without_question_words() -> str:
    lines = Path("flows/parcours.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("question_words:")
    return "\n".join(lines[:start] + lines[start + 3:])


def test_a_question_without_its_mark_is_not_kept_as_the_step(chat: Chat):
    to_the_programmes(chat, "faux la montagne")
    chat.send("continuer")
    chat.send("comment structurer une SCIC")
    assert "Noté pour plus tard" not in chat.text
    assert not chat.conversation.slots.get("etape")


# -- a programme already listed, named again ---------------------------------------------------

def test_a_listed_programme_with_c_bon_goes_on(chat: Chat):
    """« cités de l'emploi c bon » at Roubaix's programmes: a search answer on the Cités de
    l'emploi."""
    to_the_programmes(chat)
    assert chat.conversation.state == "programmes_choix"
    chat.send("cités de l'emploi c bon")
    assert chat.text.startswith("Déjà retenu : Cités de l'emploi.")
    assert chat.conversation.state == "contrat_ville"
    assert chat.conversation.slots["programmes"] == ["cites-emploi"]


def test_a_listed_programme_named_alone_asks_again(chat: Chat):
    to_the_programmes(chat)
    chat.send("cités de l'emploi")
    assert chat.text.startswith("Déjà retenu : Cités de l'emploi.")
    assert chat.conversation.state == "programmes_choix"
    assert "Réponse :" not in chat.text


def test_a_listed_programme_and_a_new_one(chat: Chat):
    to_the_programmes(chat)
    chat.send("cités de l'emploi et villages d'avenir")
    assert chat.text.startswith("Déjà retenu : Cités de l'emploi.")
    assert "Programmes retenus : Cités de l'emploi, Villages d'avenir." in chat.text


def test_a_theme_at_the_programmes_is_still_kept_for_later(chat: Chat):
    to_the_programmes(chat)
    chat.send("emploi")
    assert chat.text.startswith("Noté pour plus tard : Emploi et insertion.")


# -- « je ne sais pas » at the step, « oui » at « Un autre thème, ou « Continuer » ? » ----------

def to_the_themes(chat: Chat) -> None:
    to_the_programmes(chat, "faux la montagne")
    chat.send("aucun")
    assert chat.conversation.state == "themes"


def test_not_knowing_at_the_step_says_how_to_answer(chat: Chat):
    """« je ne sais pas » got « « Je ne sais pas » ne répond pas à cette question » (the
    contrat de ville's label quoted)."""
    to_the_themes(chat)
    chat.send("emploi")
    chat.send("continuer")
    assert chat.conversation.state == "etape"
    for typed in ("je ne sais pas", "jsp"):
        chat.send(typed)
        assert chat.text.startswith("Si vous hésitez, choisissez la réponse la plus proche")
        assert "ne répond pas à cette question" not in chat.text
        assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text
        assert chat.conversation.state == "etape"


def test_not_knowing_where_a_choice_says_it_picks_it(chat: Chat):
    to_the_programmes(chat)
    chat.send("continuer")
    assert chat.conversation.state == "contrat_ville"
    chat.send("je ne sais pas")
    assert chat.conversation.slots["contrat_ville"] == "ne_sait_pas"


def test_yes_at_another_theme_or_continue_offers_both(chat: Chat):
    to_the_themes(chat)
    chat.send("emploi")
    chat.send("oui")
    assert chat.text.startswith("Pour en ajouter un autre, choisissez-le dans la liste")
    assert "choisissez « Continuer »" in chat.text
    assert chat.labels[:2] == ["Continuer", "Alimentation"]
    assert chat.conversation.state == "themes_suite"
    chat.send("ok")
    assert chat.conversation.state == "etape"


# -- a programme typed early where the lists found others ---------------------------------------

def test_a_programme_typed_early_is_shown_beside_the_listed_ones(chat: Chat):
    """« villages d'avenir » at Roubaix's contexts was kept, but the programmes question
    showed the Cités de l'emploi only."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("roubaix")
    chat.send("oui")
    chat.send("villages d'avenir")
    assert chat.text.startswith("Noté pour plus tard : Villages d'avenir.")
    chat.send("oui")
    assert ("Programmes nationaux repérés dans les listes publiées : Cités de l'emploi. "
            "Avec ceux que vous m'avez indiqués, je retiens : Cités de l'emploi, Villages "
            "d'avenir.") in chat.text
    assert "Villages d'avenir" not in chat.labels
    chat.send("continuer")
    assert chat.conversation.state == "contrat_ville"


def test_without_a_programme_typed_early_the_lists_alone(chat: Chat):
    to_the_programmes(chat)
    assert chat.conversation.state == "programmes_choix"
    assert "Avec ceux que vous m'avez indiqués" not in chat.text


# -- the Creuse village: the name after a comma, more said before it ------------------------------

@pytest.mark.parametrize("first", [True, False])
def test_the_village_named_after_a_comma_is_found(chat: Chat, first: bool):
    """« je suis secrétaire de mairie dans un petit village de la creuse, saint-yrieix-la-
    montagne » got an answer on crèches in the Isère, and the welcome."""
    if not first:
        chat.send("bonjour")
    chat.send("je suis secrétaire de mairie dans un petit village de la creuse, "
              "saint-yrieix-la-montagne")
    assert "J'ai trouvé : Saint-Yrieix-la-Montagne (23, Creuse)" in chat.text
    assert chat.conversation.state == "territoire_trouve"


def test_a_question_with_a_comma_is_still_a_question(chat: Chat):
    chat.send("bonjour")
    chat.send("je suis secrétaire de mairie, c'est quoi une SCIC ?")
    assert "J'ai trouvé" not in chat.text


@pytest.mark.parametrize("typed", ["oui c'est ça", "c'est ça", "exactement", "oui, tout à fait"])
def test_yes_that_is_it_confirms_the_territory(chat: Chat, typed: str):
    """« oui c'est ça » at « Est-ce bien pour cette collectivité … ? »: « Je n'ai pas
    compris »."""
    chat.send("bonjour")
    chat.send("je suis secrétaire de mairie à saint-yrieix-la-montagne")
    assert chat.conversation.state == "territoire_trouve"
    chat.send(typed)
    assert chat.conversation.state == "contexte_repere"


@pytest.mark.parametrize("typed", ["on n'a jamais rien fait", "on part de zéro",
                                   "on ne connaît pas les acteurs"])
def test_never_done_anything_is_the_first_step(chat: Chat, typed: str):
    """« on n'a jamais rien fait » at the step question: « Je n'ai pas compris »."""
    to_the_themes(chat)
    chat.send("services de proximité")
    chat.send("c'est tout")
    assert chat.conversation.state == "etape"
    chat.send(typed)
    assert "étape : 1. Identifier et mobiliser les acteurs" in chat.text


# -- Roubaix: the feuille de route asked early, themes listed with « et aussi » --------------------

@pytest.mark.parametrize("typed", ["je peux avoir la feuille de route directement ?",
                                   "je veux ma feuille de route", "la feuille de route svp"])
def test_the_feuille_de_route_asked_in_a_sentence(chat: Chat, typed: str):
    """« je peux avoir la feuille de route directement ? » at the contexts: an answer on the
    feuilles de route of France Numérique Ensemble."""
    chat.send("Bonjour, chargée de mission politique de la ville à Roubaix")
    chat.send("oui")
    chat.send(typed)
    assert chat.text.startswith("Votre feuille de route sera prête à la fin du parcours. "
                                "Questions restantes : 3")
    assert chat.conversation.state == "contexte_repere"


def test_a_question_on_another_feuille_de_route_is_a_question(chat: Chat):
    chat.send("Bonjour, chargée de mission politique de la ville à Roubaix")
    chat.send("oui")
    chat.send("c'est quoi une feuille de route numérique ?")
    assert "Votre feuille de route sera prête" not in chat.text


def test_themes_listed_with_et_aussi(chat: Chat):
    """« emploi et insertion, et aussi alimentation » at the themes: a search answer on
    EGalim, and the themes question again."""
    to_the_programmes(chat)
    chat.send("continuer")
    chat.send("oui")
    assert chat.conversation.state == "themes"
    chat.send("emploi et insertion, et aussi alimentation")
    assert "Thèmes retenus : Emploi et insertion, Alimentation." in chat.text


# -- Mayotte after Chido, SMS spellings ---------------------------------------------------------

@pytest.mark.parametrize("typed", ["jtravaille o departement de mayotte",
                                   "bjr chui o conseil departemental de mayotte"])
def test_o_for_au_in_an_introduction(chat: Chat, typed: str):
    """« jtravaille o departement de mayotte » at the welcome: « pas de réponse sûre »."""
    chat.send("bjr")
    chat.send(typed)
    assert "J'ai trouvé : Mayotte (département, 976)." in chat.text
    chat.send("wi")
    assert chat.conversation.state == "contexte_repere"


def test_sms_spellings_to_the_feuille_de_route(chat: Chat):
    """« c tt » at « Un autre thème, ou « Continuer » ? » and « fdr »: « Je n'ai pas
    compris »."""
    chat.send("bjr")
    chat.send("jtravaille o departement de mayotte")
    chat.send("wi")
    chat.send("c bon")
    chat.send("alimentation et emploi")
    chat.send("c tt")
    assert chat.conversation.state == "etape"
    chat.send("fdr")
    assert "Votre feuille de route sera prête à la fin du parcours." in chat.text
    chat.send("on debute")
    chat.send("fdr")
    assert "Votre feuille de route, à transmettre à vos élus" in chat.text


# -- a label named in a sentence, unless it says no ------------------------------------------------

def test_a_context_named_in_a_sentence_is_added(chat: Chat):
    """« on est en montagne aussi » at the suggested contexts: an answer on Avenir
    Montagnes."""
    chat.send("je suis secrétaire de mairie à saint-yrieix-la-montagne")
    chat.send("oui")
    assert chat.conversation.state == "contexte_repere"
    chat.send("on est en montagne aussi")
    assert "Noté : Rural, Montagne." in chat.text


def test_a_context_denied_in_a_sentence_is_not_added(chat: Chat):
    chat.send("je suis secrétaire de mairie à saint-yrieix-la-montagne")
    chat.send("oui")
    chat.send("on n'est pas en montagne")
    assert "montagne" not in chat.conversation.slots["contexte"]
    assert chat.conversation.state == "contexte_repere"


def test_a_theme_named_in_a_sentence_at_the_themes(chat: Chat):
    to_the_themes(chat)
    chat.send("on voudrait travailler sur l'alimentation")
    assert "Thèmes retenus : Alimentation." in chat.text


def test_another_questions_button_typed_where_a_name_is_asked(chat: Chat):
    """« Continuer » typed at « Quel est votre territoire ? » was searched as a question and
    answered with the Service civique, Strasbourg and Rennes."""
    chat.send("/start")
    chat.send("Commencer")
    assert chat.conversation.state == "territoire"
    chat.send("Continuer")
    assert chat.text.startswith("« Continuer » ne répond pas à cette question.")
    assert "Voici ce que j'ai trouvé" not in chat.text
    assert "Quel est votre territoire ?" in chat.text
    assert chat.conversation.state == "territoire"
    chat.send("Aubusson")
    chat.send("Continuer")  # at « Laquelle est la bonne ? », the candidates are offered again
    assert "ne désigne aucune des réponses proposées" in chat.text
    assert "Aubusson (23, Creuse)" in chat.labels


def test_a_village_named_like_a_valleys_cc_is_asked_about(chat: Chat):
    """« Val de Drôme » at the welcome gave the Calvados village alone: the agent of the CC du
    Val de Drôme en Biovallée (Drôme) could not find hers. Both are offered; the CC is said
    once, not « CC …, intercommunalité CC … »."""
    chat.send("bonjour")
    chat.send("Val de Drôme")
    assert "Laquelle est la bonne ?" in chat.text
    assert chat.labels[:2] == ["Val de Drôme (14, Calvados)",
                               "CC du Val de Drôme en Biovallée (CC, 26)"]
    chat.send("CC du Val de Drôme en Biovallée (CC, 26)")
    assert "J'ai trouvé : CC du Val de Drôme en Biovallée (CC, 26). J'en retiens" in chat.text
    assert "intercommunalité CC du Val de Drôme" not in chat.text
    assert "région Auvergne-Rhône-Alpes" in chat.text
    chat.send("oui")
    assert chat.conversation.state == "contexte_repere"
