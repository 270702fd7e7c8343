"""Direct answers: the 1-3 sentences shown first, before the items that explain more.

Two sources, both tied to an item and carrying that item's (or their own) sources:

- ``content/faq.yaml`` (:class:`~bot.knowledge.model.Answer`): written for the recurring
  questions of an item (« le DLA est-il payant ? » → « Non, gratuit pour la structure... »);
- the item's summary, which says what it is (« c'est quoi... », or a question that asks
  nothing more precise);
- the item's own fields, which already answer a question: its legal basis (« quelle
  loi ? »), who may use it (``audience``), how to reach it (``how_to_reach``), who carries
  it in the collectivité (``carried_by``) and its cost (``cost``).

A question gets the direct answer whose item matches its subject and whose questions
match its aspect (:mod:`bot.qa.aspects`): « qui délivre l'agrément ESUS » → the answer to
« qui délivre... », not the one to « combien de temps dure... ».
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot.i18n import N_, Translator
from bot.knowledge.freshness import overdue, with_caution
from bot.knowledge.model import Answer, Item, KnowledgeBase, Source
from bot.qa.aspects import aspects_of
from bot.qa.index import Index, fields_by_item
from bot.qa.normalize import words

# field of an item -> (the questions it answers, the label shown before it)
FIELD_ANSWERS: dict[str, tuple[tuple[str, ...], str]] = {
    "legal_basis": (("quelle est la base légale, quel texte de loi, quel article, quel "
                     "décret, quel cadre juridique",), N_("Base légale : {text}")),
    "audience": (("qui peut en bénéficier, pour qui, à quel public, éligible, "
                  "éligibilité, concerné",), N_("Pour qui : {text}")),
    "how_to_reach": (("comment y accéder, comment faire la demande, qui contacter, "
                      "comment candidater, démarche, comment contacter, coordonnées",),
                     N_("Comment y accéder : {text}")),
    "carried_by": (("en interne, dans nos services, quelle direction, quel élu",),
                   N_("Qui le porte : {text}")),
    "cost": (("combien ça coûte, quel coût, quel budget, quel montant",),
             N_("Coût indicatif : {text}")),
}
# The summary of every item (one or two sentences, 300 characters at most: docs/content.md)
# answers what the item is or does, and a question that asks nothing more precise.
SUMMARY_QUESTIONS = ("c'est quoi, qu'est-ce que c'est, définition, à quoi ça sert, que fait",)
SUMMARY_ASPECTS = frozenset({"definition", "role"})
# An example's summary says who did what, and where (« qui fait ça ? »); a contact's says
# who it is, when it is all the question asks about (bot.qa.search).
WHO_SUMMARY_ASPECTS = frozenset({"who"})
# What a sentence holds when it answers an aspect (tried on the sentence as written).
ASPECT_CLUES: dict[str, re.Pattern[str]] = {
    "howmuch": re.compile(r"\d[\d\s ,.]*\s*(?:%|€|M€|Md€|millions?|milliards?|places?|"
                          r"heures?|habitants|lauréats|territoires|structures|projets|"
                          r"communes|salariés|emplois)|\b\d{2,}\b|"
                          # a rate of zero is a rate: « à taux zéro », « sans intérêt »
                          r"\btaux zéro\b|\bsans intérêts?\b"),
    "howlong": re.compile(r"\b(?:19|20)\d\d\b|\b\d+\s*(?:ans?|mois|années?)\b|"
                          # a duration in words: « pendant deux mois », « trois ans »
                          r"\b(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|"
                          r"quinze|vingt|trente) (?:ans?|mois|années?|semaines?|jours?)\b|"
                          r"\bjusqu'|\bdurée\b|\btous les\b"),
    "legal": re.compile(r"\b(?:loi|décret|article|art\.|code|règlement|ordonnance|"
                        r"circulaire|directive)\b|\bL\s?\d{3,4}"),
    "who": re.compile(r"\b(?:par|auprès|préfet|région|département|commune|État|ministère|"
                      r"conseil|agence)\b"),
    "free": re.compile(r"\b(?:gratuit\w*|payant\w*|coût\w*|prix)\b"),
    "compatible": re.compile(r"\b(?:cumul\w*|à la fois|combin\w*|compatible\w*|"
                             r"s'ajoute\w*)\b"),
    "obligation": re.compile(r"\b(?:obligatoire\w*|oblig\w*|doi\w+|impos\w+)\b"),
    "eligibility": re.compile(r"\b(?:s'adresse\w*|réservé\w*|éligible\w*|"
                              r"bénéficiaires?|ouvert\w*)\b"),
}
# What gives a share (a rate asked: « quel taux », « quel % »): a percentage, or a rate of zero
SHARE = re.compile(r"%|‰|\bpour ?cent\b|\btaux zéro\b|\bsans intérêts?\b")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÀ-ÝÉ«(0-9])")
MAX_SENTENCE = 400


def item_sentences(item: Item) -> list[str]:
    """The sentences of an item's summary and body, each an answer candidate."""
    found = []
    for text in (item.summary, item.body):
        for sentence in _SENTENCE.split(" ".join(text.split())):
            sentence = sentence.strip()
            if 30 <= len(sentence) <= MAX_SENTENCE:
                found.append(sentence)
    return found


def sentence_answers(kb: KnowledgeBase) -> list[DirectAnswer]:
    """Every sentence of the items as a possible direct answer (the item's own words, under
    its own sources): used when no written answer fits a question that asks a fact."""
    found = []
    for item in sorted(kb.items.values(), key=lambda it: it.id):
        for number, sentence in enumerate(item_sentences(item)):
            aspects = frozenset(a for a, clue in ASPECT_CLUES.items() if clue.search(sentence))
            if aspects:
                found.append(DirectAnswer(f"{item.id}#{number}", item, (), sentence,
                                          item.sources, None, aspects))
    return found


def sentence_index(answers: list[DirectAnswer]) -> Index:
    return Index.of_documents(answers, lambda a: {"text": a.text}, {"text": (3.0, 0.3)})


# Fields of a direct answer document and their weights (see bot.qa.index.FIELDS)
ANSWER_FIELDS: dict[str, tuple[float, float]] = {
    "questions": (3.0, 0.3),
    "text": (1.0, 0.5),
    "item": (2.0, 0.3),  # the keywords and title of the item it belongs to
}


@dataclass(frozen=True, slots=True)
class DirectAnswer:
    id: str
    item: Item
    questions: tuple[str, ...]
    text: str  # as written in the content (French)
    sources: tuple[Source, ...]
    label: str | None = None  # for an answer drawn from a field: « Base légale : {text} »
    aspects: frozenset[str] = frozenset()
    general: bool = False  # the item's summary: answers what it is, not a side fact
    holds: frozenset[str] = frozenset()  # the kinds of fact its text gives (HELD_ASPECTS)
    written_for: frozenset[str] = frozenset()  # the aspects its own questions ask (not
                                                # those its words only hint: « gérés par »)
    entry: Answer | None = None  # the faq.yaml entry it comes from (its own review_by)

    def render(self, t: Translator) -> str:
        """The answer as shown: its label (if any) in the user's language, and a caution
        when its own or its item's time-bound facts are past their review date."""
        text = t._(self.label).format(text=self.text) if self.label else self.text
        if self.entry is not None and overdue(self.entry) and not overdue(self.item):
            return with_caution(text, self.entry, t)
        return with_caution(text, self.item, t)


def direct_answers(kb: KnowledgeBase) -> list[DirectAnswer]:
    """Every direct answer of a knowledge base: faq.yaml's, then the items' fields."""
    found: list[DirectAnswer] = []
    for answer in kb.answers.values():
        item = kb.items.get(answer.item)
        if item is None:
            continue
        asked = _aspects(answer.questions)
        found.append(DirectAnswer(answer.id, item, answer.questions, answer.text,
                                  answer.sources or item.sources, None,
                                  asked | text_aspects(answer.text),
                                  holds=held(answer.text), written_for=asked,
                                  entry=answer))
    for item in kb.items.values():
        aspects = SUMMARY_ASPECTS | (WHO_SUMMARY_ASPECTS if item.kind == "example"
                                     else frozenset())
        found.append(DirectAnswer(f"{item.id}:summary", item, SUMMARY_QUESTIONS, item.summary,
                                  item.sources, None, aspects, general=True))
        for name, (questions, label) in FIELD_ANSWERS.items():
            value = getattr(item, name)
            if value and item.kind != "example":
                asked = _aspects(questions)
                found.append(DirectAnswer(f"{item.id}:{name}", item, questions, value,
                                          item.sources, label, asked, holds=held(value),
                                          written_for=asked))
    return found


# What a written answer's own words plainly give, whatever questions it was written for:
# « financé par l'État », « délivré par le préfet » say who. (Laws and figures are cited in
# passing by too many answers to say that an answer is about them.)
TEXT_CLUES: dict[str, re.Pattern[str]] = {
    "who": re.compile(r"\b(?:financée?s? par|portée?s? par|gérée?s? par|pilotée?s? par|"
                      r"délivrée?s? par|attribuée?s? par|instruite?s? par|organisée?s? par|"
                      r"animée?s? par|versée?s? par|signée?s? par|décidée?s? par)\b"
                      # « elle coorganise avec l'agence régionale… »
                      r"|\bco-?organis\w* avec\b"
                      # « le département peut cofinancer… », « l'État finance… »
                      r"|\b(?:l'État|le département|les départements|la région|les régions|"
                      r"la commune|les communes|l'intercommunalité|la CAF|l'Union européenne)"
                      r"(?: peut| peuvent)? (?:co)?financ"),
}


# The facts a text plainly gives: a figure, a date or a duration, a law. An answer written
# for another question that gives the fact asked (« le décret n° 2023-608 » in the answer to
# « depuis quand ? ») still answers « quel décret ? », if less surely.
HELD_ASPECTS = ("howmuch", "howlong", "legal")


# The number of a text or an article (« loi n° 2000-321, art. 10 », « L2251-3 »): a law,
# neither a figure nor a date.
_REFERENCE = re.compile(r"\bn°\s*\d[\d\-‑/.]*|\b(?:19|20)\d\d[-‑]\d+\b|"
                        r"\b(?:art\.|articles?)\s+(?:[LRD]\.?\s?)?\d[\d\-‑]*\b|"
                        r"\b[LRD]\.?\s?\d{3,4}(?:[-‑]\d+)*\b")


def held(text: str) -> frozenset[str]:
    unreferenced = _REFERENCE.sub(" ", text)
    return frozenset(a for a in HELD_ASPECTS if ASPECT_CLUES[a].search(
        text if a == "legal" else unreferenced))


def text_aspects(text: str) -> frozenset[str]:
    return frozenset(a for a, clue in TEXT_CLUES.items() if clue.search(text))


# « qui contacter… ? » asks whom to turn to: the contact aspect, not who decides or runs it
WHOM_TO_CONTACT = frozenset({"who", "contact"})


@lru_cache(maxsize=1024)  # the fields' answers share a few constant questions
def _aspects(questions: tuple[str, ...]) -> frozenset[str]:
    """The aspects a written answer's questions ask; « qui contacter pour… ? » asks whom to
    turn to (a contact), not who decides or runs the thing."""
    found: frozenset[str] = frozenset()
    for question in questions:
        asked = aspects_of(words(question))
        if asked >= WHOM_TO_CONTACT:
            asked = asked - {"who"}
        found |= asked
    return found


def answer_index(kb: KnowledgeBase, answers: list[DirectAnswer],
                 texts: Mapping[str, dict[str, str]] | None = None) -> Index:
    """The index of direct answers: their questions, text, and their item's name;
    ``texts``: the items' fields, when the caller has made them once."""
    keys: dict[str, str] = {}
    texts = fields_by_item(kb) if texts is None else texts

    def fields(answer: DirectAnswer) -> dict[str, str]:
        item = answer.item
        if item.id not in keys:
            own = texts[item.id]
            keys[item.id] = own["keywords"] + " " + own["title"]
        return {"questions": " ".join(answer.questions),
                "text": answer.text,
                "item": keys[item.id]}

    return Index.of_documents(answers, fields, ANSWER_FIELDS)
