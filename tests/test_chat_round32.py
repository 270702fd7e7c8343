"""Round 32 of the chat reviews: the name before the job, arrondissements, a theme typed one
question early, and five new agents in the terminal (docs/reviews/chat-2026-12-01-chat32.md)."""

from __future__ import annotations

import pytest

from tests.conftest import Chat


@pytest.mark.parametrize("first", [
    "EPT boucle nord de seine, je suis chargé de mission",
    "bonjour, EPT boucle nord de seine, je suis chargé de mission ESS",
    "slt boucle nord de seine chargé de mission ess",
    "chargé de mission ESS à l'EPT Boucle Nord de Seine",
])
def test_the_welcome_reads_the_place_before_or_after_the_job(chat: Chat, first: str):
    """« EPT boucle nord de seine, je suis chargé de mission » (the place first) stayed at the
    welcome, while « je suis chargé de mission à l'EPT … » was found."""
    chat.send(first)
    assert "J'ai trouvé : Boucle Nord de Seine (EPT, 92). J'en retiens" in chat.text
    assert chat.conversation.state == "territoire_trouve_groupement"


def test_the_territory_question_reads_the_place_before_the_job(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Faux-la-Montagne, je suis secrétaire de mairie")
    assert "J'ai trouvé : Faux-la-Montagne (23, Creuse)" in chat.text


def to_the_themes(chat: Chat, place: str = "faux la montagne") -> None:
    """From the territory question to the themes, accepting what is suggested."""
    chat.send(place)
    chat.send("oui")
    chat.send("oui")
    chat.send("aucun")


def test_themes_typed_at_the_territory_question_are_kept_for_the_themes(chat: Chat):
    """« insertion et alimentation » typed when the territory was asked got an answer to a
    question about public food procurement, and the territory question again."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("insertion et alimentation")
    assert chat.text.startswith("Noté pour plus tard : Emploi et insertion, Alimentation.")
    assert "Quel est votre territoire ?" in chat.text
    assert chat.conversation.state == "territoire"
    to_the_themes(chat)
    assert "Thèmes retenus : Emploi et insertion, Alimentation. Un autre thème" in chat.text
    assert chat.conversation.state == "themes_suite"


def test_a_theme_typed_where_the_territory_is_confirmed_is_kept(chat: Chat):
    """« mobilité » at « Est-ce bien pour cette collectivité… ? » was « « Mobilité » ne
    répond pas à cette question »."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("faux la montagne")
    chat.send("mobilité")
    assert "Noté pour plus tard : Mobilité." in chat.text
    assert "Est-ce bien pour cette collectivité que vous travaillez ?" in chat.text
    chat.send("oui")
    chat.send("oui")
    chat.send("aucun")
    assert "Thèmes retenus : Mobilité." in chat.text


def test_a_commune_is_still_a_commune_at_the_territory_question(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("roubaix")
    assert "J'ai trouvé : Roubaix (59, Nord)" in chat.text
    assert "Noté pour plus tard" not in chat.text


def test_several_themes_in_one_message_are_all_taken(chat: Chat):
    """At the themes question itself, « insertion et alimentation » was answered as a
    question (public food procurement)."""
    chat.send("/start")
    chat.press("Commencer")
    to_the_themes(chat)
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text
    chat.send("insertion et alimentation")
    assert "Thèmes retenus : Emploi et insertion, Alimentation." in chat.text
    chat.send("/retour")
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text
    assert not chat.conversation.slots.get("themes")


def test_several_numbers_pick_what_the_list_shows(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    to_the_themes(chat)
    chat.send("1, 2")
    assert "Thèmes retenus : Emploi et insertion, Alimentation." in chat.text


@pytest.mark.parametrize(("typed", "district", "found"), [
    ("marseille 13003", "Marseille 3e arrondissement", "Marseille (13, Bouches-du-Rhône)"),
    ("Lyon 7e", "Lyon 7e arrondissement", "Lyon (69, Rhône)"),
    ("Paris 18e", "Paris 18e arrondissement", "Paris (75, Paris)"),
    ("75116", "Paris 16e arrondissement", "Paris (75, Paris)"),
])
def test_an_arrondissement_is_said_to_be_part_of_its_commune(chat: Chat, typed: str,
                                                             district: str, found: str):
    """« marseille 13003 » gave Marseille and dropped the 3rd arrondissement silently."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send(typed)
    assert (f"{district} fait partie de la commune : les arrondissements de Paris, Lyon et "
            "Marseille ne sont pas des communes") in chat.text
    assert f"J'ai trouvé : {found}" in chat.text
    assert chat.text.index("fait partie de la commune") < chat.text.index("J'ai trouvé")


def test_the_commune_s_qpv_stays_with_its_arrondissement(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("marseille 13003")
    chat.send("oui")
    assert "Quartiers prioritaires (QPV)" in chat.text


def test_the_arrondissement_picked_among_homonyms_is_said_too(chat: Chat):
    """« 13003 » is also Alleins's INSEE code: both are offered; Marseille picked, the line
    about its 3rd arrondissement comes with it."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("13003")
    assert "Marseille (13, Bouches-du-Rhône)" in chat.labels
    chat.press("Marseille (13, Bouches-du-Rhône)")
    assert "Marseille 3e arrondissement fait partie de la commune" in chat.text


def test_the_commune_alone_gets_no_arrondissement_line(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("marseille")
    assert "fait partie de la commune" not in chat.text
    assert "J'ai trouvé : Marseille (13, Bouches-du-Rhône)" in chat.text


def test_an_arrondissement_in_the_first_message_is_taken(chat: Chat):
    chat.send("bonjour, je suis à la mairie de Paris 18e")
    assert "Paris 18e arrondissement fait partie de la commune" in chat.text
    assert chat.conversation.state == "territoire_statut"


def test_another_territory_forgets_the_arrondissement(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Lyon 7e")
    chat.press("Chercher un autre territoire")
    chat.send("Lyon")
    assert "fait partie de la commune" not in chat.text
    assert not chat.conversation.slots.get("territoire_arrondissement")


@pytest.mark.parametrize("yes", ["wi", "oui c bon", "ok merci", "oui oui"])
def test_a_colloquial_yes_confirms_the_territory(chat: Chat, yes: str):
    """Mamoudzou's « wi » and the Creuse's « oui c bon » were « Je n'ai pas compris »."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("mamoudzou")
    chat.send(yes)
    assert chat.conversation.state == "contexte_repere"


def test_oui_alone_still_answers_nothing_where_no_label_says_it(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("roubaix")
    chat.send("oui")
    chat.send("oui")
    assert chat.conversation.state == "programmes_choix"
    chat.send("oui")
    # chat35: where the question asks for another one or « Continuer », the two ways are named
    assert chat.text.startswith("Pour en ajouter un autre, choisissez-le dans la liste")
    assert chat.conversation.state == "programmes_choix"


@pytest.mark.parametrize("typed", ["continuer", "je ne sais pas", "jsp"])
def test_go_on_or_i_dont_know_keeps_the_suggested_contexts(chat: Chat, typed: str):
    """At « D'après les données publiques… », the Creuse agent's « continuer » and « je ne
    sais pas », Roubaix's « jsp » were refused (« « Je ne sais pas » ne répond pas à cette
    question », a label of another question)."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("roubaix")
    chat.send("oui")
    assert chat.conversation.state == "contexte_repere"
    chat.send(typed)
    assert chat.conversation.state == "programmes_choix"
    assert chat.conversation.slots["contexte"] == ["qpv", "urbain"]


@pytest.mark.parametrize("first", ["bonjour je suis au conseil départemental du 58", "cd 58"])
def test_a_departement_s_number_after_its_kind_is_found_at_the_welcome(chat: Chat, first: str):
    """The Nièvre's agent: « … au conseil départemental du 58 » got the welcome alone, then
    « cd 58 » at the welcome an answer on article 58 of the AGEC law."""
    chat.send(first)
    assert "J'ai trouvé : Nièvre (département, 58)" in chat.text
    assert "AGEC" not in chat.text


def test_a_number_alone_at_the_welcome_is_still_no_territory(chat: Chat):
    chat.send("58")
    assert chat.conversation.state == "accueil"
    assert "J'ai trouvé" not in chat.text
