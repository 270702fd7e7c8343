"""A question asked in the middle of the conversation reads what the agent already said
(bot/qa/context.py): the themes complete a question with no subject, the profile orders the
answers. Driven as a user would: through the engine, the console and ``essbot ask``."""

from __future__ import annotations

import json

from bot.config import PROJECT_ROOT
from bot.knowledge import load_knowledge
from bot.qa.context import ask_context
from tests.conftest import Chat, run_essbot


def walk_roubaix(chat: Chat) -> None:
    """Roubaix (commune, Hauts-de-France, urbain, QPV), emploi-insertion and mobilité."""
    for text in ["/start", "Commencer", "roubaix 59100", "Oui", "Oui, c'est juste",
                 "Continuer", "Oui", "Emploi et insertion", "Mobilité", "Continuer"]:
        chat.send(text)
    assert "Où en est votre collectivité" in chat.text


def walk_bourganeuf(chat: Chat) -> None:
    """Bourganeuf (commune of the Creuse, Nouvelle-Aquitaine, rural), alimentation."""
    for text in ["/start", "Commencer", "Bourganeuf", "Oui", "Oui, c'est juste", "Continuer",
                 "Alimentation", "Continuer"]:
        chat.send(text)
    assert "Où en est votre collectivité" in chat.text


def test_a_question_without_subject_is_asked_about_the_agents_themes(chat: Chat, engine):
    stranger = Chat(engine, user_id="1111")  # no profile yet: the question alone
    stranger.send("/start")
    stranger.send("qui finance ?")
    assert "Financement participatif" in stranger.text
    walk_roubaix(chat)
    chat.send("qui finance ?")
    text = chat.text
    assert "Financement participatif" not in text and "CAF" not in text
    assert "mobilité solidaire" in text.casefold()
    assert "Aide au poste d'insertion" in text
    assert "Où en est votre collectivité" in text, "then the parcours goes on where it was"
    assert chat.conversation.state == "etape"
    # Read with the themes, and said so; no « Réponse : » on who takes part in the mobility
    # plan: the agent asked who funds, of no subject in particular.
    assert text.startswith("Pour vos thèmes (Emploi et insertion, Mobilité), voici ce que")
    assert "Réponse :" not in text


def test_whom_to_contact_without_a_subject_names_the_cress_of_the_region_first(chat: Chat):
    for text in ["/start", "Commencer", "Bourganeuf", "Oui", "Oui, c'est juste", "Continuer"]:
        chat.send(text)
    assert "Sur quel thème" in chat.text  # no theme chosen yet
    chat.send("qui contacter ?")
    assert "Je n'ai pas compris" not in chat.text
    assert chat.text.startswith("Voici ce que j'ai trouvé :\n1. CRESS Nouvelle-Aquitaine")
    assert "Sur quel thème" in chat.text
    chat.send("qui finance ?")  # no subject and no theme: a list, and how to be precise
    assert "Réponse :" not in chat.text
    assert "nommez votre sujet" in chat.text
    roubaix = Chat(chat.engine, user_id="2222")
    walk_roubaix(roubaix)
    roubaix.send("qui contacter ?")  # with themes: the CRESS, then the themes' contacts
    lines = roubaix.text.splitlines()
    assert lines[0].startswith("Pour vos thèmes (Emploi et insertion, Mobilité)")
    assert lines[1] == "1. CRESS Hauts-de-France"
    assert not any(line.startswith(("2. CRESS", "3. CRESS")) for line in lines)


def test_who_funds_the_economie_circulaire_is_answered_for_a_region():
    profiled = run_essbot(["ask", "qui finance ?", "--json", "--type", "region", "--region",
                           "Occitanie", "--themes", "economie-circulaire"])
    assert profiled.returncode == 0, profiled.stderr
    kinds = [hit["kind"] for hit in json.loads(profiled.stdout)]
    assert "funding" in kinds  # not « je ne sais pas » (a déchèterie is not the déchets)
    alone = run_essbot(["ask", "quels financements pour l'économie circulaire ?"])
    assert "Je n'ai pas trouvé" not in alone.stdout
    refused = run_essbot(["ask", "horaires de la déchèterie de Guéret"])
    assert "Je n'ai pas trouvé" in refused.stdout


def test_a_subject_the_agent_names_is_never_replaced_by_the_themes(chat: Chat, engine):
    stranger = Chat(engine, user_id="1111")
    stranger.send("/start")
    stranger.send("c'est quoi une SCIC ?")
    walk_roubaix(chat)
    chat.send("c'est quoi une SCIC ?")
    assert chat.text.splitlines()[0] == stranger.text.splitlines()[0]
    assert chat.text.splitlines()[0].startswith("Réponse : Coopérative qui réunit")
    assert "mobilité" not in chat.text.casefold()


def test_an_example_of_another_region_and_context_gives_way_to_what_fits(chat: Chat,
                                                                          engine):
    urban = Chat(engine, user_id="1111")
    walk_roubaix(urban)  # urbain: the Strasbourg example still fits one count of two
    urban.send("c koi un PTCE")
    assert "Eurométropole de Strasbourg" in urban.text
    walk_bourganeuf(chat)  # a rural village of the Creuse: its CRESS before Strasbourg
    chat.send("c koi un PTCE")
    assert chat.text.startswith("Réponse : Regroupement, sur un territoire")
    assert "Eurométropole de Strasbourg" not in chat.text
    assert "CRESS Nouvelle-Aquitaine" in chat.text


def test_off_topic_and_small_talk_stay_what_they_are_in_the_middle_of_the_parcours(
        chat: Chat):
    walk_roubaix(chat)
    chat.send("quelle météo demain ?")
    assert "Je n'ai pas trouvé de réponse sûre" in chat.text
    assert "CRESS Hauts-de-France" in chat.text
    for small_talk in ["merci", "hein ?"]:
        chat.send(small_talk)
        assert "Voici ce que j'ai trouvé" not in chat.text and "Réponse :" not in chat.text
        assert "Où en est votre collectivité" in chat.text


def test_a_restart_mid_conversation_keeps_the_profile_the_questions_read(tmp_path):
    env = {"ESSBOT_DB": str(tmp_path / "bot.db")}
    first = run_essbot(["chat"], "/start\nCommencer\nBourganeuf\nOui\nOui, c'est juste\n"
                                 "Continuer\nAlimentation\nContinuer\n", env)
    assert first.returncode == 0, first.stderr
    assert "Où en est votre collectivité" in first.stdout
    second = run_essbot(["chat"], "qui finance ?\n", env)  # a new process
    assert second.returncode == 0, second.stderr
    assert "Mieux manger pour tous" in second.stdout or "alimentaire" in second.stdout
    assert "Financement participatif" not in second.stdout
    assert "Où en est votre collectivité" in second.stdout


def test_essbot_ask_takes_the_same_profile_as_options():
    alone = run_essbot(["ask", "qui finance ?", "--json"])
    assert alone.returncode == 0, alone.stderr
    assert json.loads(alone.stdout)[0]["id"] == "financement_participatif"
    profiled = run_essbot(["ask", "qui finance ?", "--json", "--type", "commune",
                           "--region", "Nouvelle-Aquitaine", "--context", "rural",
                           "--themes", "alimentation"])
    assert profiled.returncode == 0, profiled.stderr
    ids = [hit["id"] for hit in json.loads(profiled.stdout)]
    assert "financement_participatif" not in ids
    assert {"mieux_manger_pour_tous", "appel_projets_pna_pat"} & set(ids)
    wrong = run_essbot(["ask", "qui finance ?", "--themes", "cuisine"])
    assert wrong.returncode == 2 and "--themes" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_the_context_keeps_only_what_the_taxonomy_knows():
    knowledge, _ = load_knowledge(PROJECT_ROOT / "content")
    context = ask_context(knowledge, "commune", "32", ["qpv", "lunaire"],
                          ["mobilite", "cuisine", "emploi-insertion"])
    assert context.collectivite == "commune" and context.region == "32"
    assert context.contexts == {"qpv"}
    assert context.themes == ("mobilite", "emploi-insertion")
    assert context.theme_words == ("Mobilité", "Emploi et insertion")
    assert not ask_context(knowledge, None, "99", [], None)


def test_an_item_for_the_outre_mer_only_gives_way_for_a_region_of_the_hexagone():
    """A région of the Hexagone that picked no context (« Aucun de ces cas ») is still not
    overseas: the Fonds exceptionnel d'investissement outre-mer is not among its answers."""
    # five answers: the ADEME's circular-economy support, the PLPDMA lever and the national
    # funds come first for either région (content34)
    hexagone = run_essbot(["ask", "qui finance ?", "--json", "--top", "5", "--type", "region",
                           "--region", "Occitanie", "--themes", "economie-circulaire"])
    assert hexagone.returncode == 0, hexagone.stderr
    assert "fei_outre_mer" not in [hit["id"] for hit in json.loads(hexagone.stdout)]
    overseas = run_essbot(["ask", "qui finance ?", "--json", "--top", "5", "--type", "region",
                           "--region", "La Réunion", "--themes", "economie-circulaire"])
    assert "fei_outre_mer" in [hit["id"] for hit in json.loads(overseas.stdout)]


def test_the_themes_a_question_was_read_with_are_named_in_the_agents_language(engine):
    english = Chat(engine, user_id="3333", locale="en")
    for text in ["/start", "Start", "roubaix 59100", "Yes", "Yes, that's right", "Continue",
                 "Yes", "Employment and integration", "Mobility", "Continue"]:
        english.send(text)
    assert "Where does your authority stand" in english.text
    english.send("qui finance ?")
    assert english.text.startswith(
        "For your themes (Employment and integration, Mobility), here is what I found")
    assert "Where does your authority stand" in english.text
