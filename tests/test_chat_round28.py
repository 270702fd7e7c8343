"""Round 28 of the chat reviews: a Creuse village, Roubaix, Mamoudzou, the EPT Boucle Nord de
Seine, Marseille 13003 and a Département's insertion officer discover the bot in the terminal
(docs/reviews/chat-2026-12-01-chat28.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.i18n import translator
from bot.knowledge.partners import local_bodies
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from tests.conftest import Chat

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize("first", [
    "bonjour, EPT boucle nord de seine",
    "bonjour je suis chargé de mission ESS à l'EPT boucle nord de seine",
])
def test_an_ept_named_with_its_kind_in_the_first_message_is_found(chat: Chat, first: str):
    """The EPT's officer wrote « EPT » before its name: only the welcome came back, then
    « oui » was « « Oui, c'est bien ça » ne répond pas à cette question », « ok » was not
    understood, and so on — he never saw his territory."""
    chat.send(first)
    assert "J'ai trouvé : Boucle Nord de Seine (EPT, 92). J'en retiens" in chat.text
    assert chat.conversation.state == "territoire_trouve_groupement"


def test_an_ept_across_two_departements_names_both_councils(chat: Chat):
    """Argenteuil, in the EPT Boucle Nord de Seine, is in the Val-d'Oise: the partners named
    the Hauts-de-Seine's council only."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("boucle nord de seine")
    assert ("vos partenaires publics sont notamment la Métropole du Grand Paris, le conseil "
            "départemental des Hauts-de-Seine, le conseil départemental du Val-d'Oise et le "
            "conseil régional d'Île-de-France") in chat.text


def test_the_feuille_de_route_of_an_ept_across_departements_names_each_state_service(kb, index):
    """The feuille de route named the Hauts-de-Seine's State service for the whole EPT, and
    its partners and place without the Val-d'Oise."""
    place = index.resolve("boucle nord de seine").all[0]
    profile = build_profile(kb.scoring, type="ept", themes=frozenset({"emploi-insertion"}),
                            step="identifier", territory=place, index=index)
    t = translator("fr")
    names = names_of(place, index)
    text = render_markdown(build_outline(kb, profile, recommendations(kb, profile, "full"), t,
                                         TODAY, names), t)
    assert "(Hauts-de-Seine, Val-d'Oise, Île-de-France)" in text
    assert "le conseil départemental du Val-d'Oise" in text
    bodies = local_bodies(names.departement_code, names.departement_of, names.region, None,
                          names.departement_council, profile.region, names.region_council,
                          names.other_departements)
    assert bodies.state == ("l'unité départementale des Hauts-de-Seine de la DRIEETS "
                            "Île-de-France (ou la DDETS) ou la DDETS du Val-d'Oise (ou l'unité "
                            "départementale de la DRIEETS Île-de-France), selon la commune")


def test_an_intercommunalite_in_one_departement_names_one_council(index):
    place = index.resolve("CC Creuse Grand Sud").all[0]
    facts = index.neighbours(place)
    assert facts["other_departements"] == []
    assert facts["partners"] == ("le conseil départemental de la Creuse et le conseil régional "
                                 "de la Nouvelle-Aquitaine")


def test_a_departement_officer_s_first_message_names_her_departement(chat: Chat):
    """« … chargée de mission insertion au conseil départemental de la Creuse »: the lead-in
    stopped at « a » of « au » and the sentence was lost; then « creuse » alone offered the
    commune of the Somme too."""
    chat.send("bjr je suis chargée de mission insertion au conseil départemental de la Creuse")
    assert "J'ai trouvé : Creuse (département, 23)" in chat.text
    assert chat.conversation.state == "territoire_trouve_large"


def test_je_suis_au_is_read_as_a_whole_word(chat: Chat):
    chat.send("je suis au departement du nord")
    assert "J'ai trouvé : Nord (département, 59)" in chat.text


def test_a_greeting_before_a_question_still_gets_the_welcome_alone(chat: Chat):
    chat.send("bonjour question sur paris")
    assert chat.labels[0] == "Commencer"
    assert chat.conversation.state == "accueil"


def test_yes_at_the_homonyms_keeps_them_offered(chat: Chat):
    """« 59100 » (Roubaix's postal code, Bousignies's INSEE code) offers both; « oui » was
    « Je ne trouve pas ce territoire » and the list was gone: every later answer (« ok »,
    « on a déjà un PLIE ») went to the territory question."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("59100")
    assert "Roubaix (59, Nord)" in chat.labels
    chat.send("oui")
    assert "« oui » ne désigne aucune des réponses proposées" in chat.text
    assert "Je ne trouve pas ce territoire" not in chat.text
    assert "Roubaix (59, Nord)" in chat.labels
    chat.send("1")
    assert "J'ai trouvé : Roubaix (59, Nord)" in chat.text


def test_a_yes_where_no_choice_says_yes_quotes_what_was_typed(chat: Chat):
    """At the welcome, « oui » was answered « « Oui, c'est bien ça » ne répond pas à cette
    question »: a label of a question the agent had not seen yet."""
    chat.send("/start")
    chat.send("oui")
    assert "« oui » ne répond pas à cette question" in chat.text
    assert "Oui, c'est bien ça" not in chat.text
