"""The one matcher of typed answers (bot/engine/choices.py), whatever the channel."""

from __future__ import annotations

from bot.engine.choices import Offered
from bot.engine.messages import Choice, Outgoing

CHOICES = (Choice("c:themes:eco", "Économie circulaire"),
           Choice("c:themes:epci", "Intercommunalité (EPCI)"),
           Choice("c:themes:continuer", "✓ Continuer"))


def picked(offered: Offered, text: str) -> str | None:
    choice = offered.match(text)
    return choice.payload if choice else None


def test_a_number_a_label_a_part_or_a_name_picks_a_choice():
    offered = Offered(CHOICES)
    assert picked(offered, "2") == "c:themes:epci"
    assert picked(offered, " 1. ") == "c:themes:eco"
    assert picked(offered, "economie CIRCULAIRE") == "c:themes:eco"
    assert picked(offered, "intercommunalite (epci)") == "c:themes:epci"
    assert picked(offered, "continuer") == "c:themes:continuer"  # the ✓ mark is no part
    assert picked(offered, "économie") == "c:themes:eco"  # a part of one label only
    assert picked(offered, "4") is None
    assert picked(offered, "Pont-Aven") is None
    assert picked(offered, "ec") is None  # too short to be a part


def test_where_text_is_an_answer_only_a_whole_label_picks():
    free = Offered(CHOICES, free_text=True, numbers=False)
    assert picked(free, "1") is None  # « 1 » is a title here, not the first button
    assert picked(free, "économie") is None
    assert picked(free, "Économie circulaire") == "c:themes:eco"
    numbered = Offered(CHOICES, free_text=True, numbers=True)  # « 1. Passer cette question »
    assert picked(numbered, "1") == "c:themes:eco"
    assert picked(numbered, "23") is None  # a département number stays an answer


def test_the_offer_survives_storage():
    offered = Offered(CHOICES, free_text=True, numbers=False)
    assert Offered.from_json(offered.to_json()) == offered
    assert Offered.from_json(None) == Offered()
    assert Offered.from_json({"c": [["x"]], "free": 1}) == Offered((), True)


def test_ok_c_bon_and_jsp_pick_yes_go_on_or_i_dont_know():
    """Review 2026-12-01 (third): an agent of Sada typed « ok » to « Est-ce bien pour cette
    collectivité ? » and got « Je n'ai pas compris » until she typed « 1 »."""
    confirm = Offered((Choice("c:territoire_trouve:oui", "Oui, c'est bien ça"),
                       Choice("c:territoire_trouve:corriger", "Non, corriger le type"),
                       Choice("c:territoire_trouve:autre", "Chercher un autre territoire")))
    for text in ["ok", "OK", "Ok.", "c bon", "d'accord", "ouais"]:
        assert picked(confirm, text) == "c:territoire_trouve:oui", text
    assert picked(Offered(CHOICES), "c bon") == "c:themes:continuer"  # no yes: go on
    asked = Offered((Choice("c:cv:oui", "Oui"), Choice("c:cv:non", "Non"),
                     Choice("c:cv:ne_sait_pas", "Je ne sais pas")))
    assert picked(asked, "jsp") == "c:cv:ne_sait_pas"
    assert picked(asked, "je sais pas") == "c:cv:ne_sait_pas"
    assert picked(Offered(CHOICES), "jsp") is None
    # never the engine's own confirmation (erasing everything) on a casual « ok »
    forget = Offered((Choice("s:forget:yes", "Oui, tout effacer"),
                      Choice("s:forget:no", "Non, garder")))
    assert picked(forget, "ok") is None
    assert picked(Offered(CHOICES, free_text=True), "ok") is None  # « ok » may be a name there


def test_no_goes_on_only_where_no_label_says_no():
    assert picked(Offered(CHOICES), "non") == "c:themes:continuer"
    assert picked(Offered(CHOICES), "Aucun, continuer") == "c:themes:continuer"
    corrected = Offered((Choice("c:r:juste", "Oui, c'est juste"),
                         Choice("c:r:corriger", "Non, je corrige"),
                         Choice("c:r:continuer", "Continuer")))
    assert picked(corrected, "non") == "c:r:corriger"  # a label says it
    results = Offered((Choice("c:s:terminer", "Terminer"), Choice("c:s:sigles", "Sigles")))
    assert picked(results, "non") is None  # nothing goes on: not understood, as before


def test_the_same_words_in_english():
    confirm = Offered((Choice("c:t:oui", "Yes, that's right"), Choice("c:t:autre", "Look again")))
    assert picked(confirm, "ok") == "c:t:oui"
    asked = Offered((Choice("c:cv:oui", "Yes"), Choice("c:cv:non", "No"),
                     Choice("c:cv:ne_sait_pas", "I don't know")))
    assert picked(asked, "not sure") == "c:cv:ne_sait_pas"
    assert picked(Offered((Choice("c:s:more", "Food"), Choice("c:s:go", "Continue"))),
                  "that's all") == "c:s:go"


def test_the_choices_of_an_earlier_message_are_picked_by_their_lead_and_rank_or_words():
    """Text channels number only the last list of a turn: the « Détails » of an answer shown
    above the question are read from « détails 2 » or « détails » and words of the title."""
    answer = Outgoing("Voici ce que j'ai trouvé : 1. … 2. …", (
        Choice("q:d:a", "Détails : Villages Vivants, coopérative foncière"),
        Choice("q:d:b", "Détails : Ce que doit rendre une association…"),
        Choice("q:resume", "Reprendre le parcours")))
    offered = Offered.last_of([answer, Outgoing("Sur quel thème ?", CHOICES)])
    assert offered.choices == CHOICES and len(offered.asides) == 3
    assert picked(offered, "1") == "c:themes:eco", "a number is the last list's"
    assert picked(offered, "détails 2") == "q:d:b"
    assert picked(offered, "Details 1.") == "q:d:a"
    assert picked(offered, "détails villages vivants") == "q:d:a"
    assert picked(offered, "détails ce que doit rendre une association subventionnée") == "q:d:b"
    assert picked(offered, "détails 3") is None, "only two « Détails »"
    assert picked(offered, "reprendre le parcours") == "q:resume"
    assert picked(offered, "villages vivants") is None, "words alone answer the question"
    assert Offered.from_json(offered.to_json()) == offered
    alone = Offered.last_of([answer])  # no question list after it: the answer's list
    assert picked(alone, "détails 2") == "q:d:b" and picked(alone, "2") == "q:d:b"
