"""The engine, driven through its public entry point as a channel would."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Extension, Incoming
from bot.engine.turn import MAX_TEXT_LENGTH
from tests.conftest import Chat


def walk_to_themes(chat: Chat) -> None:
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Vitré Communauté")
    chat.press("Oui")
    # 65 % of its people in rural communes, a third in Vitré: both readings
    assert "caractéristiques : Rural, Urbain. Ce sont" in chat.text, \
        "what open data suggests is shown"
    assert "\nLecture du territoire : 65" in chat.text, "and what it rests on"
    chat.press("Oui, c'est juste")
    assert "listes publiées : Action cœur de ville, Petites villes de demain" in chat.text
    chat.press("Continuer")


READING = ("Lecture du territoire : 65\u00a0% de la population vit dans une commune rurale au "
           "sens de l'Insee (grille communale de densité, où les petites villes sont urbaines).")
READING_EN = ("Reading of the area: 65\u00a0% of the population lives in a rural commune as "
              "INSEE defines it (grille communale de densité, in which small towns are urban).")


def walk_to_collectivite(chat: Chat) -> None:
    """The parcours without a territory: the type of collectivité is asked."""
    chat.send("/start")
    chat.press("Commencer")
    chat.press("Passer cette question")


def test_first_message_gets_the_welcome_and_choices(chat: Chat):
    chat.send("bonjour")
    assert "économie sociale et solidaire" in chat.text
    assert chat.labels == ["Commencer", "Comment se déroule le parcours ?"]
    assert chat.conversation.state == "accueil"


def test_whole_parcours_by_buttons_gives_sourced_recommendations(chat: Chat):
    walk_to_themes(chat)
    assert chat.conversation.state == "themes"
    chat.press("Alimentation")
    assert "Thèmes retenus : Alimentation" in chat.text
    chat.press("Économie circulaire")
    assert "Alimentation, Économie circulaire" in chat.text
    chat.press("Continuer")
    chat.press("Nous débutons")
    text = chat.text
    assert "Intercommunalité (EPCI) — CA Vitré Communauté (CA, 35)" in text
    # Short cards with a first step, then the buttons: details, lists, the feuille de route.
    assert "1. " in text and "➜ " in text and "https://" not in text
    assert len(text) + sum(len(label) for label in chat.labels) <= 2500
    assert [label for label in chat.labels if label.startswith("Détails : ")]
    assert {"Autres leviers", "Financements", "Contacts", "Exemples", "Ma feuille de route",
            "Terminer"} <= set(chat.labels)
    conversation = chat.conversation
    assert conversation.state == "suite_identifier"
    assert conversation.slots == {"collectivite": "epci",
                                  "territoire": "CA Vitré Communauté (CA, 35)",
                                  "region": "53", "taille": "grande",
                                  "contexte": ["rural", "urbain"],
                                  "themes": ["alimentation",
                                                                    "economie-circulaire"],
                                  "programmes": ["acv", "pvd", "villages-avenir",
                                                 "territoires-industrie"],
                                  # the same, as the lists name them (chat35)
                                  "programmes_listes": ["acv", "pvd", "villages-avenir",
                                                        "territoires-industrie"],
                                  "groupement": "CA Vitré Communauté",
                                  "conseil_departemental":
                                      "le conseil départemental d'Ille-et-Vilaine",
                                  "conseil_regional": "le conseil régional de Bretagne",
                                  "partenaires": "le conseil départemental d'Ille-et-Vilaine "
                                                 "et le conseil régional de Bretagne",
                                  "partenaires_en": "le conseil départemental "
                                                    "d'Ille-et-Vilaine and le conseil "
                                                    "régional de Bretagne",
                                  "lieux": ["200039022"],
                                  "competences": ["epci"],
                                  "etape_choisie": "oui",
                                  "zones": ["departement|35|le conseil départemental "
                                            "d'Ille-et-Vilaine",
                                            "region|53|le conseil régional de Bretagne"],
                                  "lecture_territoire": READING,
                                  "lecture_territoire_en": READING_EN,
                                  # the programmes found, worded (« a, b et c »)
                                  "programmes_lecture": "Action cœur de ville, Petites villes "
                                                        "de demain, Villages d'avenir et "
                                                        "Territoires d'industrie",
                                  "programmes_lecture_en": "Action cœur de ville (town "
                                  "centres), Petites villes de demain (small towns), Villages "
                                  "d'avenir (villages) and Territoires d'industrie (industrial "
                                  "areas)",
                                  "etape": "identifier"}
    chat.press("Contacts")
    assert "CRESS Bretagne" in chat.text, "the CRESS of the territory's region is recommended"
    chat.press("Ma feuille de route")
    documents = [reply.document for reply in chat.replies if reply.document]
    assert [d.media_type for d in documents] == ["application/pdf", "text/html"]
    assert documents[0].data.startswith(b"%PDF-")
    assert "<h1>Feuille de route ESS — CA Vitré Communauté</h1>" in documents[1].data.decode()
    assert chat.conversation.state == "suite_identifier", "the buttons leave the flow alone"
    # Every recommended lever fits the chosen step.
    events = chat.engine.store.events(conversation.key)
    recommended = [e for e in events if e["kind"] == "recommended"]
    assert recommended, "the recommendations are logged"
    assert any(e["kind"] == "completed" for e in events)


def test_the_same_parcours_by_typed_text(chat: Chat):
    for line in ["/start", "commencer", "Vitré", "oui", "rural", "continuer", "continuer",
                 "alimentation", "continuer", "3"]:
        chat.send(line)
    assert chat.conversation.state == "suite_ancrer"
    assert chat.conversation.slots["etape"] == "ancrer"
    assert any(label.startswith("Détails : ") for label in chat.labels)


def test_conditional_transition_on_a_multiple_slot(chat: Chat):
    walk_to_themes(chat)
    chat.send("/retour")  # back to the programmes, then to the context question
    chat.send("/retour")
    assert chat.conversation.state == "contexte_repere"
    chat.press("Quartiers prioritaires")
    chat.press("Continuer")
    chat.press("Continuer")
    assert chat.conversation.state == "contrat_ville"
    chat.press("Non")
    chat.press("Emploi")
    chat.press("Continuer")
    chat.press("Nous connaissons")
    # QPV without a city contract: the contract itself is shown before the recommendations.
    assert "Avant tout, pour vos quartiers prioritaires" in chat.text
    assert chat.text.index("contrat de ville « Engagements") < chat.text.index("1. ")


def test_free_text_where_a_choice_is_expected_reprompts_without_moving(chat: Chat):
    walk_to_collectivite(chat)
    chat.send("je ne sais pas trop")
    assert "Je n'ai pas compris votre réponse" in chat.text
    assert chat.labels[0] == "Commune"
    assert chat.conversation.state == "collectivite"


@pytest.mark.parametrize("payload,message", [
    ("c:collectivite:metropole", "Ce choix n'est pas proposé ici."),
    ("c:collectivite", "Je n'ai pas reconnu ce choix."),
    ("<script>", "Je n'ai pas reconnu ce choix."),
    ("c:accueil:commencer", "question précédente"),
    ("s:pick:0", "n'est plus valable"),
    ("s:forget:yes", "n'est plus valable"),
    ("s:lang:de", "n'est plus valable"),
])
def test_forged_or_stale_payloads_change_nothing(chat: Chat, payload: str, message: str):
    walk_to_collectivite(chat)
    before = chat.conversation
    chat.press(payload)
    assert message in chat.text
    assert chat.labels[0] == "Commune", "the current question is asked again"
    after = chat.conversation
    assert (after.state, after.slots, after.back) == (before.state, before.slots, before.back)


def test_an_old_button_of_a_multiple_choice_cannot_add_twice(chat: Chat):
    walk_to_themes(chat)
    chat.press("Alimentation")
    chat.press("c:themes_suite:alimentation")  # already chosen: not offered any more
    assert "Ce choix n'est pas proposé ici." in chat.text
    assert chat.conversation.slots["themes"] == ["alimentation"]


def test_input_validation_reprompts_with_the_flow_error(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("<b>DROP TABLE</b>;")
    assert "Je ne trouve pas ce territoire" in chat.text
    assert chat.conversation.state == "territoire"
    chat.send("x")
    assert chat.conversation.state == "territoire"
    chat.send("Zzyzxville")
    assert "Je ne trouve pas ce territoire" in chat.text
    assert chat.conversation.state == "territoire"
    chat.send("Saint-Jean-de-Luz")
    assert chat.conversation.state == "territoire_trouve"
    assert "J'ai trouvé : Saint-Jean-de-Luz (64, Pyrénées-Atlantiques)" in chat.text
    assert "Commune, De 3 500 à 49 999 habitants, région Nouvelle-Aquitaine" in chat.text


def test_an_overseas_commune_is_told_its_collectivite_unique_once(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Koungou")
    assert chat.conversation.state == "territoire_trouve"
    assert ("vos partenaires publics sont notamment le Département de Mayotte (qui exerce les "
            "compétences du département et de la région).") in chat.text
    assert chat.text.count("Département de Mayotte") == 1


def test_a_commune_deleguee_typed_is_told_which_commune_it_is_part_of(chat: Chat):
    """« Saint-Dizier-Leyrenne » has been part of Saint-Dizier-Masbaraud since their merger:
    the agent who types the old name is told why another name comes back; another territory
    then typed is found without the note."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Saint-Dizier-Leyrenne")
    assert chat.conversation.state == "territoire_trouve_ancien"
    assert ("J'ai trouvé : Saint-Dizier-Masbaraud (23, Creuse), la commune dont "
            "Saint-Dizier-Leyrenne fait désormais partie, intercommunalité CC Creuse Sud "
            "Ouest.") in chat.text
    chat.press("Chercher un autre territoire")
    chat.send("Saint-Dizier-Masbaraud")
    assert chat.conversation.state == "territoire_trouve"
    assert "fait désormais partie" not in chat.text


def test_a_territory_prefills_the_profile_and_can_be_corrected(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Pont-Aven")  # 2,777 inhabitants, in Brittany
    slots = chat.conversation.slots
    assert (slots["collectivite"], slots["taille"], slots["region"]) == ("commune", "petite",
                                                                       "53")
    chat.press("Non, corriger")
    assert chat.conversation.state == "collectivite"
    chat.press("Intercommunalité")
    assert chat.conversation.state == "taille", "the size of the EPCI is asked"
    chat.press("De 3 500")
    assert chat.conversation.state == "contexte_repere", "the region is known from the territory"
    assert chat.conversation.slots["collectivite"] == "epci"
    assert chat.conversation.slots["taille"] == "moyenne"


def test_without_a_territory_the_region_is_asked(chat: Chat):
    walk_to_collectivite(chat)
    chat.press("Département")
    assert chat.conversation.state == "region", "a département has no size question"
    chat.press("Occitanie")
    assert chat.conversation.state == "contexte"
    assert chat.conversation.slots["region"] == "76"


def test_homonyms_are_offered_as_choices(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Saint-Denis")
    assert "Plusieurs réponses correspondent" in chat.text
    assert chat.labels == ["Saint-Denis (974, La Réunion)", "Saint-Denis (93, Seine-Saint-Denis)",
                           "Saint-Denis (11, Aude)", "Saint-Denis (30, Gard)",
                           "Aucune : je retape"]
    assert chat.conversation.state == "territoire"
    chat.press("Saint-Denis (93")
    assert chat.conversation.state == "territoire_trouve"
    assert chat.conversation.slots["region"] == "11"
    assert chat.conversation.slots["territoire"] == "Saint-Denis (93, Seine-Saint-Denis)"
    chat.press("s:pick:1")  # the old list is gone: a stale button changes nothing
    assert "n'est plus valable" in chat.text
    assert chat.conversation.state == "territoire_trouve"


def test_homonyms_by_typed_number_label_or_a_new_name(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Saint-Denis")
    chat.send("3")
    assert chat.conversation.slots["territoire"] == "Saint-Denis (11, Aude)"
    chat.press("Chercher un autre")
    chat.send("Saint-Denis")
    chat.send("saint-denis (30, gard)")
    assert chat.conversation.slots["territoire"] == "Saint-Denis (30, Gard)"
    chat.press("Chercher un autre")
    chat.send("Saint-Denis")
    chat.send("Aucune : je retape")
    assert chat.conversation.state == "territoire" and "Quel est votre territoire" in chat.text
    chat.send("Saint-Denis")
    chat.send("Rennes")  # neither a number nor a label: a new search
    assert chat.conversation.slots["territoire"] == "Rennes (35, Ille-et-Vilaine)"
    chat.press("Chercher un autre")
    chat.send("Saint-Denis")
    chat.press("s:pick:99")  # forged
    assert "n'est plus valable" in chat.text and chat.conversation.state == "territoire"


def test_too_long_and_binary_input_is_refused_politely(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("a" * (MAX_TEXT_LENGTH + 1))
    assert "trop long" in chat.text and "4\u202f096" in chat.text  # Babel's French format
    chat.send("\x00\x01\x02\ufffe")
    assert chat.conversation.state == "territoire"
    chat.send("\x00Vitré\x07")  # control characters are dropped, the answer stands
    assert chat.conversation.state == "territoire_trouve"


def test_help_lists_every_command_in_the_users_language(chat: Chat):
    chat.send("/start")
    chat.send("/aide")
    for command in ["/start", "/aide", "/retour", "/recommencer", "/langue", "/oublier"]:
        assert command in chat.text
    assert chat.labels == ["Commencer", "Comment se déroule le parcours ?"]
    chat.send("/help@essbot")
    assert "/retour" in chat.text


def test_english_aliases_and_english_help(engine):
    chat = Chat(engine, locale="en-GB")
    chat.send("/start")
    assert "Hello!" in chat.text
    assert chat.labels[0] == "Start"
    chat.send("/help")
    for command in ["/help", "/back", "/restart", "/lang", "/forget"]:
        assert command in chat.text


def test_back_restores_the_previous_question_and_answers(chat: Chat):
    walk_to_themes(chat)
    chat.press("Alimentation")
    assert chat.conversation.slots["themes"] == ["alimentation"]
    chat.send("/retour")
    assert chat.conversation.state == "themes"
    assert "themes" not in chat.conversation.slots
    for _ in range(10):
        chat.send("/back")
    assert "déjà au début" in chat.text
    assert chat.conversation.state == "accueil"


def test_restart_clears_answers_and_start_resumes(chat: Chat):
    walk_to_themes(chat)
    chat.send("/start")
    assert "Reprenons où vous en étiez" in chat.text
    assert chat.conversation.state == "themes"
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text, "its own question"
    chat.send("/recommencer")
    assert chat.conversation.state == "accueil"
    assert chat.conversation.slots == {}
    assert chat.conversation.back == []


def test_language_switch_by_button_and_by_argument(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("/langue")
    assert [c.label for c in chat.choices] == ["Français", "English"]
    chat.press("English")
    assert "I will speak English" in chat.text
    assert chat.labels[0] == "Skip this question"
    assert chat.conversation.language == "en"
    chat.send("/lang fr")
    assert "je vous parle désormais en français" in chat.text
    chat.send("/langue")
    chat.send("english")
    assert chat.conversation.language == "en"


def test_the_stored_language_wins_over_the_channel_locale(engine):
    chat = Chat(engine, locale="fr")
    chat.send("/start")
    chat.send("/lang en")
    chat.locale = "fr-FR"
    chat.send("/help")
    assert "These commands work at any time" in chat.text


def test_forget_asks_first_then_erases_everything(chat: Chat):
    walk_to_themes(chat)
    store = chat.engine.store
    key = chat.conversation.key
    chat.send("/oublier")
    assert "C'est définitif" in chat.text
    chat.press("Non, garder")
    assert "rien n'a été effacé" in chat.text
    assert chat.conversation.state == "themes"
    chat.send("/oublier")
    chat.send("oui")
    assert "a été effacé" in chat.text
    assert store.load_conversation(key) is None
    assert store.events(key) == []
    chat.send("/oublier")
    assert "rien à effacer" in chat.text
    chat.send("/start")
    assert chat.conversation.state == "accueil"


def test_a_command_abandons_a_pending_confirmation(chat: Chat):
    chat.send("/start")
    chat.send("/oublier")
    chat.send("/aide")
    chat.press("s:forget:yes")  # the old confirmation button no longer erases anything
    assert chat.conversation is not None


def test_unknown_command(chat: Chat):
    chat.send("/start")
    chat.send("/supprimer_tout")
    assert "Je ne connais pas la commande /supprimer_tout" in chat.text
    assert chat.conversation.state == "accueil"


def test_an_internal_error_rolls_back_and_answers(engine, chat: Chat, monkeypatch):
    walk_to_themes(chat)
    chat.press("Alimentation")
    chat.press("Continuer")
    before = chat.conversation

    def broken(context, args):
        raise RuntimeError("boom")

    spec = engine.snapshot.actions["recommend"]
    monkeypatch.setitem(engine.snapshot.actions, "recommend",
                        type(spec)(spec.name, broken, spec.params, spec.required))
    chat.press("Nous débutons")
    assert "erreur interne" in chat.text
    after = chat.conversation
    assert (after.state, after.slots) == (before.state, before.slots)
    errors = [e for e in engine.store.events(before.key) if e["kind"] == "error"]
    assert errors and errors[-1]["detail"] == "RuntimeError"
    monkeypatch.undo()
    chat.press("Nous débutons")
    assert "Ma feuille de route" in chat.labels


def test_an_extension_answers_free_text_and_keeps_the_state(engine):
    seen = []

    class Answers(Extension):
        name = "answers"

        def on_free_text(self, turn, text, why):
            seen.append((text, turn.conv.state))
            if "météo" in text:
                return False
            turn.say(f"Réponse à : {text}")
            turn.prompt()
            return True

    chat = Chat(Engine(engine.snapshot, engine.store, engine.pseudonymize, [Answers()]))
    walk_to_collectivite(chat)
    chat.send("c'est quoi une SCIC ?")
    assert "Réponse à : c'est quoi une SCIC ?" in chat.text
    assert chat.labels[0] == "Commune", "then the current question comes back"
    assert chat.conversation.state == "collectivite"
    chat.send("quel temps fait-il ? météo")
    assert "Je n'ai pas compris" in chat.text
    assert seen == [("c'est quoi une SCIC ?", "collectivite"),
                    ("quel temps fait-il ? météo", "collectivite")]


def test_users_do_not_share_conversations(engine):
    alice, bob = Chat(engine, user_id="1"), Chat(engine, user_id="2")
    alice.send("/start")
    alice.press("Commencer")
    bob.send("/start")
    assert alice.conversation.state == "territoire"
    assert bob.conversation.state == "accueil"
    same_id_other_channel = Chat(engine, user_id="1", channel="other")
    same_id_other_channel.send("/start")
    assert same_id_other_channel.conversation.key != alice.conversation.key


def test_empty_text_reprompts(chat: Chat):
    chat.send("/start")
    chat.engine.handle(Incoming.text_message("test", chat.user_id, "   "))
    assert chat.conversation.state == "accueil"


def test_a_long_explanation_is_not_repeated_when_the_question_comes_back(chat: Chat):
    chat.send("/start")
    chat.press("Comment se déroule")
    assert "Le parcours suit les trois étapes" in chat.text
    chat.send("hein ?")
    assert "Le parcours suit les trois étapes" not in chat.text
    assert "Je n'ai pas compris" in chat.text and chat.labels == ["Commencer"]


def test_a_question_typed_where_a_territory_is_expected_is_answered(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("c'est quoi une SCIC ?")
    assert "Réponse : Coopérative" in chat.text and "SCIC" in chat.text  # the entry's summary
    assert chat.conversation.state == "territoire"
    assert "Quel est votre territoire" in chat.text, "then the question comes back"
    chat.send("Zzyzxville")  # neither a territory nor a question
    assert "Je ne trouve pas ce territoire" in chat.text


# -- what the chat13 review of three agents' conversations found --------------------------


def walk_to_recommendations(chat: Chat) -> None:
    walk_to_themes(chat)
    chat.press("Alimentation")
    chat.press("Continuer")
    chat.press("Nous débutons")


def test_a_mistyped_theme_is_read_as_the_theme_not_as_a_question(chat: Chat):
    walk_to_themes(chat)
    chat.send("alimentaton")  # a secrétaire de mairie's typo
    assert "Thèmes retenus : Alimentation" in chat.text
    assert "Réponse" not in chat.text and "Voici ce que j'ai trouvé" not in chat.text
    assert chat.conversation.slots["themes"] == ["alimentation"]


def test_a_choice_of_another_question_says_so_instead_of_searching(chat: Chat):
    walk_to_themes(chat)  # the first theme question has no « Continuer »
    chat.send("continuer")
    assert "« Continuer » ne répond pas à cette question" in chat.text
    assert "Voici ce que j'ai trouvé" not in chat.text
    assert chat.conversation.state == "themes"
    assert "Alimentation" in chat.labels


def test_a_territory_in_no_published_list_is_told_so_plainly(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Nîmes")
    chat.press("Oui")
    chat.press("Oui, c'est juste")
    assert "ne figure dans aucune des listes publiées" in chat.text
    assert ": —" not in chat.text
    assert chat.labels[0] == "Aucun, continuer"
    chat.press("Aucun, continuer")
    assert "contrat de ville" in chat.text  # Nîmes has quartiers prioritaires


def test_a_question_asked_on_the_results_keeps_their_menu(chat: Chat):
    walk_to_recommendations(chat)
    menu = chat.labels
    assert "Financements" in menu and "Ma feuille de route" in menu
    chat.send("c koi un PTCE")
    assert "Réponse : " in chat.text
    assert chat.labels[-len(menu):] == menu, "the results' menu comes back, whole"
    chat.send(str(menu.index("Financements") + 1))  # its number still means « Financements »
    assert "Financements" not in chat.labels and "1." in chat.text


def test_english_partners_and_answers_say_what_is_left_in_french(chat: Chat):
    chat.locale = "en"
    chat.send("/start")
    chat.press("Start")
    chat.send("Koungou")
    assert ("your public partners include le Département de Mayotte (which holds the powers "
            "of both a département and a région)") in chat.text
    assert "qui exerce" not in chat.text
    chat.send("Roubaix")  # nothing is asked that takes a territory: a question, or a slip
    chat.press("Look for another area")
    chat.send("Roubaix")
    assert "le conseil départemental du Nord and le conseil régional" in chat.text
    chat.send("c'est quoi une SCIC ?")
    assert chat.text.startswith("Answer (in French): ")
    # the answer's own entry is listed without repeating its summary and its source
    assert "\n1. SCIC – société coopérative d'intérêt collectif\n2. " in chat.text


def test_the_words_of_a_command_typed_alone_run_it_wherever_the_agent_is(chat: Chat):
    """« feuille de route », what the results' button says, typed at another question: the
    command, not a question search (it found a Martinique example's « feuille de route »)."""
    for text in ["/start", "Commencer", "Bourganeuf", "Oui", "Oui, c'est juste", "Continuer"]:
        chat.send(text)
    assert "Sur quel thème" in chat.text
    chat.send("feuille de route")
    assert "Votre feuille de route sera prête à la fin du parcours" in chat.text
    assert "Martinique" not in chat.text and "Réponse :" not in chat.text
    assert "Sur quel thème" in chat.text and chat.conversation.state == "themes"
    chat.send("une feuille de route pour la Martinique ?")  # a question that says more
    assert "Votre feuille de route sera prête" not in chat.text


def test_a_greeting_or_thanks_typed_alone_gets_a_word_back_and_the_question(chat: Chat):
    chat.send("/start")
    chat.send("bjr")  # SMS style, at the welcome's buttons
    # Review 2026-12-02 (Matrix): the whole welcome again, word for word, read as a duplicate.
    assert chat.text == "Bonjour ! Choisissez une option ci-dessous : son numéro ou son nom."
    assert chat.labels == ["Commencer", "Comment se déroule le parcours ?"]
    chat.send("1")  # the list shown after the greeting is the one a number picks from
    assert chat.conversation.state != "accueil"
    chat.send("/retour")
    chat.send("Commencer")
    chat.send("Bourganeuf")
    chat.send("merci")
    assert chat.text.startswith("Avec plaisir !")
    assert "Est-ce bien pour cette collectivité" in chat.text
    chat.send("Oui, c'est bien ça")
    chat.send("bonjour, c koi un PTCE ?")  # more than a greeting: a question
    assert "Regroupement, sur un territoire" in chat.text


def test_none_of_the_suggested_contexts_can_be_said_at_once(chat: Chat):
    """A région is found QPV, urbain and littoral somewhere: its agent says « aucun de ces
    cas » where the suggestions are shown, not only after « Non, je corrige »."""
    for text in ["/start", "Commencer", "Occitanie", "Oui, c'est bien ça"]:
        chat.send(text)
    assert "D'après les données publiques" in chat.text
    chat.send("Aucun de ces cas")
    assert "ne répond pas à cette question" not in chat.text
    assert "Sur quel thème" in chat.text
    assert not chat.conversation.slots.get("contexte")


def test_the_ars_answer_is_sourced_nationally_not_by_another_region(chat: Chat):
    """Review 2026-11-30 (second), fault 14: an agent of Occitanie got the ARS
    Provence-Alpes-Côte d'Azur's page as the source of the ARS's role."""
    chat.send("/start")
    chat.send("Que peut faire l'ARS pour une commune qui manque de médecins ?")
    text = chat.text
    assert "Réponse : Passez par la délégation départementale de l'ARS de votre région" in text
    assert "(coordonnées sur son site, « nom-de-la-region.ars.sante.fr »)" in text
    assert "Source : Légifrance — loi n° 2009-879 du 21 juillet 2009 (HPST" in text
    assert "Provence" not in text and "paca.ars" not in text


@pytest.mark.parametrize("locale,words,line", [
    ("fr", ["Commencer", "Occitanie", "Oui, c'est bien ça", "Aucun de ces cas",
            "Économie circulaire", "Continuer", "Nous débutons"],
     "territoire : aucun contexte particulier, thèmes : Économie circulaire"),
    ("en-GB", ["Start", "Occitanie", "Yes, that's right", "None of these",
               "Circular economy", "Continue", "We are starting"],
     "area: no particular context, themes: Circular economy"),
])
def test_the_profile_line_says_plainly_that_no_context_applies(engine, locale: str,
                                                               words: list[str], line: str):
    """Review 2026-11-30 (second), fault 18: « territoire : — » in the profile line."""
    chat = Chat(engine, locale=locale)
    chat.send("/start")
    for word in words:
        chat.send(word)
    assert line in chat.text
    assert ": —" not in chat.text


def test_retour_typed_alone_goes_back_like_the_command(chat: Chat):
    """Review 2026-12-01 (third): « retour » typed on the results was searched as a question
    (« Stains et Plaine Commune : structurer la mécanique de rue »), then « 2 » picked the
    second button of the last list instead of step 2."""
    for text in ["/start", "Commencer", "Bourganeuf", "Oui", "Oui, c'est juste", "Continuer",
                 "Services de proximité", "Continuer", "1"]:
        chat.send(text)
    assert chat.text.startswith("Voici mes recommandations")
    chat.send("retour")
    assert "Voici ce que j'ai trouvé" not in chat.text and "Stains" not in chat.text
    assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text
    assert chat.conversation.state == "etape"
    chat.send("2")
    assert "étape : 2. Soutenir et structurer les initiatives" in chat.text
    chat.send("Revenir en arrière")
    assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text
    for text in ["/recommencer", "Commencer"]:
        chat.send(text)
    assert "Quel est votre territoire ?" in chat.text
    chat.send("retour")  # where a name is typed: not the commune of Retournac
    assert "Retournac" not in chat.text and chat.conversation.state == "accueil"


def test_sms_yes_and_i_dont_know_are_understood_in_the_parcours(chat: Chat):
    """Review 2026-12-01 (third): « ok » at the territory's confirmation was « Je n'ai pas
    compris votre réponse » (four times in a row for an agent of Sada, Mayotte)."""
    for text in ["/start", "Commencer", "sada"]:
        chat.send(text)
    assert "J'ai trouvé : Sada (976, Mayotte)" in chat.text
    chat.send("ok")
    assert "compris" not in chat.text
    assert "D'après les données publiques" in chat.text
    chat.send("ok")  # the suggested contexts
    assert "Programmes" in chat.text or "programmes" in chat.text
    chat.send("c bon")
    assert "Un contrat de ville" in chat.text
    chat.send("jsp")
    assert chat.conversation.slots.get("contrat_ville") == "ne_sait_pas"
    assert "Sur quel thème" in chat.text


def test_a_place_typed_one_question_early_is_taken_as_the_territory(chat: Chat):
    """Review 2026-12-01 (third): « faux la montagne » typed at the welcome's buttons got a
    « Réponse : » on Avenir Montagnes; the village's name, one question early, is the answer
    the next question wants."""
    chat.send("/start")
    chat.send("faux la montagne")
    assert "Réponse :" not in chat.text and "Avenir Montagnes" not in chat.text
    assert chat.text.startswith("J'ai trouvé : Faux-la-Montagne (23, Creuse)")
    assert "Quel est votre territoire ?" not in chat.text
    assert chat.conversation.state == "territoire_trouve"
    chat.send("Bourganeuf")  # another place where the confirmation is asked
    assert chat.text.startswith("J'ai trouvé : Bourganeuf (23, Creuse)")
    chat.send("/retour")  # back to the question the place answered
    assert "Quel est votre territoire ?" in chat.text
    chat.send("/recommencer")
    chat.send("cress")  # a word that only sounds like places: still a question
    assert "J'ai trouvé" not in chat.text
    assert "chambre régionale de l'économie sociale et solidaire" in chat.text.lower() \
        or "CRESS" in chat.text


def test_no_or_none_goes_on_where_the_bot_asks_for_another_one(chat: Chat):
    """Review 2026-12-01 (third): at Mons-en-Barœul's programmes (« Cités de l'emploi » found;
    « Votre territoire fait-il partie d'un autre de ces programmes ? »), « Aucun, continuer »
    got « ne répond pas à cette question », and so would « non »."""
    for text in ["/start", "Commencer", "Mons-en-Barœul", "Oui, c'est bien ça",
                 "Oui, c'est juste"]:
        chat.send(text)
    assert "listes publiées : Cités de l'emploi" in chat.text
    chat.send("Aucun, continuer")
    assert "ne répond pas" not in chat.text and "Un contrat de ville" in chat.text
    chat.send("/retour")
    chat.send("non")
    assert "ne répond pas" not in chat.text and "Un contrat de ville" in chat.text
    chat.send("non")  # here « Non » is an answer of its own
    assert chat.conversation.slots.get("contrat_ville") == "non"
    chat.send("Emploi et insertion")
    chat.send("non, c'est tout")  # « Un autre thème, ou « Continuer » ? »
    assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text


def test_a_territory_typed_on_the_results_says_how_to_change_territory(chat: Chat):
    """Review 2026-12-01 (third), fault 13: « Tourcoing » typed on Mons-en-Barœul's results got
    a bare « Je n'ai pas compris votre réponse », with no hint of how to change territory."""
    walk_to_themes(chat)
    for text in ["Alimentation", "Continuer", "Nous débutons"]:
        chat.press(text)
    slots = chat.conversation.slots
    chat.send("Tourcoing")
    assert chat.text.startswith("« Tourcoing » est un nom de territoire. Pour travailler sur un "
                                "autre territoire, tapez /recommencer puis « Tourcoing »")
    assert "Je n'ai pas compris" not in chat.text
    assert chat.conversation.state == "suite_identifier" and chat.conversation.slots == slots
    assert "Terminer" in chat.labels, "the menu again"
    chat.send("saint denis")  # homonyms: a territory's name all the same
    assert "« saint denis » est un nom de territoire" in chat.text
    chat.send("blabla")
    assert "Je n'ai pas compris" in chat.text and "nom de territoire" not in chat.text
    chat.send("/recommencer")  # the hint followed: the new territory is taken
    chat.send("Tourcoing")
    assert chat.text.startswith("J'ai trouvé : Tourcoing (59, Nord)")


def test_a_greeting_and_the_town_hall_s_name_at_the_welcome_start_the_parcours(chat: Chat):
    """Review 2026-12-01 (third), fault 5: « bjr je sui a la mairie de sada » at the welcome got
    « Je n'ai pas trouvé de réponse sûre à votre question »; the commune is the territory."""
    chat.send("/start")
    chat.send("bjr je sui a la mairie de sada")
    assert chat.text.startswith("J'ai trouvé : Sada (976, Mayotte)")
    assert "réponse sûre" not in chat.text
    assert chat.conversation.state == "territoire_trouve"
    chat.send("/retour")  # back to the question the name answered
    assert "Quel est votre territoire ?" in chat.text
    chat.send("Bonjour, je travaille à la mairie de Faux-la-Montagne")  # at the question itself
    assert chat.text.startswith("J'ai trouvé : Faux-la-Montagne (23, Creuse)")
    chat.send("/recommencer")
    chat.send("je suis à la mairie de Sada, c'est quoi une cress ?")  # a real question
    assert "J'ai trouvé" not in chat.text and "CRESS" in chat.text
    assert chat.conversation.state == "accueil"
    chat.send("je suis à la recherche de financements")  # no territory after the words
    assert "J'ai trouvé" not in chat.text and chat.conversation.state == "accueil"


def test_a_sentence_with_the_words_of_one_step_answers_the_step_question(chat: Chat):
    """Review 2026-12-01 (third), fault 14: « on connait deja les structures, on veut les
    soutenir » at the step question got the IAE networks, then the question again."""
    walk_to_themes(chat)
    chat.press("Alimentation")
    chat.press("Continuer")
    assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text
    for sentence, step in [("on connait deja les structures, on veut les soutenir", "soutenir"),
                           ("on commence", "identifier"), ("c'est déjà ancré", "ancrer")]:
        chat.send(sentence)
        assert chat.conversation.slots.get("etape") == step, sentence
        assert chat.text.startswith("Voici mes recommandations pour votre profil")
        chat.send("/retour")
        assert "Où en est votre collectivité" in chat.text
    chat.send("on veut identifier puis soutenir les acteurs")  # two steps: not read
    assert "etape" not in chat.conversation.slots
    chat.send("comment les soutenir ?")  # a question, answered as one
    assert "etape" not in chat.conversation.slots
    assert "Où en est votre collectivité" in chat.text


def test_a_word_that_only_begins_a_territory_s_name_is_not_a_territory(chat: Chat):
    """« bon » typed on the results was told « « bon » est un nom de territoire » (Bon-Encontre,
    Bon-Repos-sur-Blavet begin with it): only a whole name, before its « (47, …) », counts."""
    walk_to_themes(chat)
    for text in ["Alimentation", "Continuer", "Nous débutons"]:
        chat.press(text)
    chat.send("bon")
    assert "nom de territoire" not in chat.text
    chat.send("Bourganeuf")
    assert chat.text.startswith("« Bourganeuf » est un nom de territoire")


def test_error_texts_name_no_button_a_text_channel_does_not_have(chat: Chat):
    """Review 2026-12-02 (Matrix): « Touchez un bouton » was said on channels without buttons;
    the errors now point at the options in words every channel fits."""
    walk_to_themes(chat)
    chat.send("continuer")
    assert "Choisissez une option ci-dessous : son numéro ou son nom." in chat.text
    walk_to_collectivite(chat)
    chat.send("je ne sais pas trop")
    assert "Je n'ai pas compris votre réponse. Choisissez une option ci-dessous" in chat.text
    chat.send("/aide")
    assert "choisissez une option de la question en cours : son numéro ou son nom" in chat.text
    english = Chat(chat.engine, user_id="4343", locale="en")
    english.send("/start")
    english.send("continue")  # a choice of another question
    assert "Pick an option below: its number or its name." in english.text
    for text in (chat.text, english.text):
        assert "ouchez" not in text and "Tap a button" not in text


def test_the_details_of_an_answer_mid_question_can_be_typed(chat: Chat):
    """Review 2026-12-02 (Matrix): text channels number only the last list of a turn, so the
    « Détails » of an answer given in the middle of a question could not be picked there
    (« 1 » took the first theme). « détails 2 » typed, or « détails » and words of the title,
    opens the answer's second item; the question's own numbers are unchanged."""
    walk_to_themes(chat)
    chat.send("c koi la cress")
    answer, question = chat.replies[0], chat.replies[-1]
    assert "Pour lire un point en entier, tapez « détails » et son numéro" in answer.text
    details = [c for c in answer.choices if c.label.startswith("Détails : ")]
    assert len(details) >= 2
    second = details[1].label.removeprefix("Détails : ").rstrip("…")
    assert "Alimentation" in [c.label for c in question.choices]
    chat.send("détails 2")
    assert chat.text.startswith(second), "the second item, in full"
    assert chat.conversation.state == "themes" and not chat.conversation.slots.get("themes")
    chat.send("c koi la cress")
    chat.send("Détails " + " ".join(second.split()[:3]))
    assert chat.text.startswith(second)
    chat.send("c koi la cress")
    chat.send("1")  # a number is the question's, as on every channel
    assert "Thèmes retenus" in chat.text and chat.conversation.slots["themes"]


def test_the_feuille_de_route_asked_too_early_says_how_far_the_end_is(chat: Chat):
    """Review 2026-12-02 (Matrix): « Ma feuille de route » at the themes question got « sera
    prête à la fin du parcours » without how far that is. The flow's guard says how many
    questions remain, counted on the flow (themes, « Continuer », the step), and asks again."""
    walk_to_themes(chat)
    chat.send("Ma feuille de route")
    assert chat.text.startswith("Votre feuille de route sera prête à la fin du parcours. "
                                "Questions restantes : 3, à commencer par celle-ci.")
    assert "Sur quel thème" in chat.text and chat.conversation.state == "themes"
    assert not any(reply.document for reply in chat.replies)
    chat.press("Alimentation")
    chat.send("/feuille")
    assert "Questions restantes : 2, à commencer par celle-ci." in chat.text
    chat.press("Continuer")
    chat.press("Nous débutons")
    chat.send("/feuille")
    assert [reply.document.media_type for reply in chat.replies if reply.document] == [
        "application/pdf", "text/html"]
