"""Free-text questions in the conversation: answers, detail buttons, the honest « I don't
know ».

For a question, the bot shows the direct answer first when the base holds one (1-3
sentences with their source), then the best items (title, summary, source) with a
« Détails » button each and a « Reprendre le parcours » button; the current question of
the flow is then asked again, so the parcours is exactly where it was. The buttons'
payloads start with ``q:`` and never change the conversation.

When nothing is relevant, the bot says so, lists the closest topics, names the CRESS of
the région the question names, else of the user's région (or RTES and ESS France), and
records the question, redacted, for the administrators (``essbot questions
unanswered``).

The question index is part of the served snapshot: it is rebuilt with the content, on
every live reload, and never answers from another version than the flows.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from bot.engine.extension import Command, FreeText
from bot.engine.messages import Choice, Outgoing
from bot.engine.turn import Turn
from bot.feature import Content, Contribution, Feature
from bot.i18n import N_, Translator
from bot.knowledge.cards import short
from bot.knowledge.model import Item, KnowledgeBase
from bot.knowledge.recommend import describe_item
from bot.qa import build_searcher
from bot.qa.context import SLOTS, AskContext, from_slots
from bot.qa.normalize import STOP_WORDS, words
from bot.qa.redact import redact
from bot.qa.search import RELEVANT, Direct, Hit, Result, Searcher
from bot.qa.storage import MIGRATIONS, forget_unanswered, purge_unanswered, record_unanswered
from bot.store import Transaction

log = logging.getLogger(__name__)

PREFIX = "q:"
DETAIL = PREFIX + "d:"  # + item id
RESUME = PREFIX + "resume"
TOP = 3
MAX_PAYLOAD = 64  # bytes (Telegram's callback data)
LABEL_LENGTH = 40
NATIONAL_CONTACTS = ("rtes", "ess_france")
QUESTION_WORDS = frozenset({"comment", "quel", "quelle", "quels", "quelles", "qui", "quoi",
                            "pourquoi", "combien", "ou", "quand", "est", "peut", "peux",
                            "faut", "doit", "what", "how", "which", "who", "why", "can"})


@dataclass(frozen=True, slots=True)
class QuestionIndex:
    """The part of a snapshot this feature uses: the knowledge base and its index."""

    knowledge: KnowledgeBase
    searcher: Searcher

    def ask(self, text: str, top: int = TOP, region: str | None = None,
            context: AskContext | None = None) -> Result:
        """The answer to a question: direct answer, relevant items, or close topics."""
        return self.searcher.ask(text, top, region, context)

    def search(self, text: str, top: int = TOP, region: str | None = None) -> list[Hit]:
        """The relevant items only (score at or above RELEVANT), best first."""
        return [h for h in self.searcher.search(text, top, region) if h.score >= RELEVANT]

    def known_word(self, word: str) -> bool:
        index = self.searcher.index
        return word in index.surface or word in index.postings


def looks_like_a_question(text: str) -> bool:
    """Free text worth an honest « I don't know » (and a record), not just a stray word."""
    folded = words(text)
    meaningful = [w for w in folded if w not in STOP_WORDS]
    if not meaningful:
        return False
    return "?" in text or (folded[0] in QUESTION_WORDS) or len(meaningful) >= 3


def source_line(item: Item) -> str:
    if not item.sources:
        return ""
    first = item.sources[0]
    return first.title + (f" — {first.url}" if first.url else "")


class QuestionsFeature(Feature):
    name = "q"
    commands = (Command("question", "question", "ask", N_("poser une question sur l'ESS")),)
    # The profile a question asked mid-flow is read in (bot.qa.context: type of collectivité,
    # région, contexts, themes); the région also names the CRESS when there is no answer.
    required_slots: ClassVar[Mapping[str, str | None]] = dict(SLOTS)
    migrations = MIGRATIONS

    def __init__(self, retention_days: int = 90):
        self.retention_days = retention_days  # of the unanswered-question log

    def load(self, content: Content) -> Contribution:
        searcher, problems = build_searcher(content.knowledge, content.directory, content.root)
        return Contribution(part=QuestionIndex(content.knowledge, searcher), problems=problems)

    def purge(self, tx: Transaction, cutoff: str, dry_run: bool) -> int:
        return purge_unanswered(tx, cutoff, dry_run, self.retention_days)

    def forget(self, tx: Transaction, key: str) -> int:
        return forget_unanswered(tx, key)

    # -- in a turn --------------------------------------------------------------------------

    def on_command(self, turn: Turn, command: Command, args: str) -> None:
        """``/question ...``: always answered here, whatever the current state expects."""
        t = turn.t
        if not args:
            turn.say(t._("Posez votre question après la commande, par exemple : /question "
                          "c'est quoi un PTCE ?"))
        elif not self.on_free_text(turn, args, FreeText.EXPLICIT):
            turn.say(t._("Je n'ai pas de réponse à cette question. Tapez /aide pour voir ce "
                          "que je sais faire."))
            turn.prompt()

    def on_free_text(self, turn: Turn, text: str, why: FreeText) -> bool:
        index: QuestionIndex = turn.part(self.name)
        context = from_slots(index.knowledge, turn.slots)
        region = context.region
        result = index.ask(text, TOP, region, context or None)
        t = turn.t
        if result.hits:
            about = result.about
            if about:  # the themes' labels, in the agent's language
                themes = index.knowledge.vocabularies["themes"]
                about = tuple((themes[theme].texts or {}).get(turn.language)
                              or (themes[theme].texts or {}).get("fr") or theme
                              for theme in about)
            reply = self.answer(result.hits, t, result.direct, about)
        elif why is FreeText.SURE_ONLY:
            return False
        elif why is FreeText.UNEXPECTED and not looks_like_a_question(text):
            return False  # not a question: the engine asks the user to rephrase
        else:
            self.record(turn, index, text)
            reply = self.no_answer(index.knowledge, result.nearby, result.region or region, t)
        turn.event("question", state=turn.conv.state)
        turn.reply(reply)
        turn.prompt()
        return True

    def on_payload(self, turn: Turn, payload: str) -> bool:
        """« Détails » shows an item in full; « Reprendre » only asks the current question."""
        if payload == RESUME:
            turn.prompt()
            return True
        if payload.startswith(DETAIL):
            index: QuestionIndex = turn.part(self.name)
            item = index.knowledge.items.get(payload.removeprefix(DETAIL))
            if item is not None:
                turn.reply(Outgoing(describe_item(item, turn.t, with_body=True)))
                turn.prompt()
                return True
        return False

    # -- the replies ------------------------------------------------------------------------

    def answer(self, hits: list[Hit], t: Translator, direct: Direct | None = None,
               about: tuple[str, ...] | None = None) -> Outgoing:
        lines = []
        answer_source = None
        if direct is not None:
            answer = direct.answer
            lines.append(t._("Réponse : {text}").format(text=answer.render(t)))
            if answer.sources:
                first = answer.sources[0]
                answer_source = first.title + (f" — {first.url}" if first.url else "")
                lines.append(t._("Source : {text}").format(text=answer_source))
            lines.append("")
            lines.append(t._("Pour aller plus loin :"))
        elif about:  # a question with no subject of its own, read with the agent's themes
            lines.append(t._("Pour vos thèmes ({themes}), voici ce que j'ai trouvé :").format(
                themes=", ".join(about)))
        else:
            lines.append(t._("Voici ce que j'ai trouvé :"))
        for number, hit in enumerate(hits, 1):
            item = hit.item
            lines.append(f"{number}. {item.title}")
            is_answer = direct is not None and direct.answer.text == item.summary
            if not is_answer:  # the answer's own item: its summary and source are above
                lines.append(f"   {item.summary}")
            source = source_line(item)
            if source and not (is_answer and source == answer_source):
                lines.append("   " + t._("Source : {text}").format(text=source))
        if about is not None and not about:  # no subject, and no themes chosen yet
            lines.append(t._("Pour une réponse plus précise, nommez votre sujet : « qui finance "
                             "une ressourcerie ? », « qui contacter pour un tiers-lieu ? »."))
        buttons = self.buttons([h.item for h in hits], t)
        if len(buttons) == len(hits) + 1:  # one « Détails » per numbered item, in order
            # Text channels number only the question's list, shown next: the engine reads
            # « détails 2 » typed (bot.engine.choices), on every channel.
            lines.append(t._("Pour lire un point en entier, tapez « détails » et son numéro "
                             "(par exemple : détails 1)."))
        return Outgoing("\n".join(lines), buttons)

    def no_answer(self, knowledge: KnowledgeBase, nearby: list[Hit], region: str | None,
                  t: Translator) -> Outgoing:
        lines = [t._("Je n'ai pas trouvé de réponse sûre à votre question dans ma base de "
                     "connaissances, et je préfère ne pas inventer.")]
        if nearby:
            lines.append(t._("Sujets proches :"))
            lines += [f"– {hit.item.title}" for hit in nearby]
        contacts = self.contacts(knowledge, region)
        if contacts:
            lines.append(t._("Pour une réponse adaptée à votre situation, contactez :"))
            for item in contacts:
                reach = f" — {item.how_to_reach}" if item.how_to_reach else ""
                lines.append(f"– {item.title}{reach}")
        lines.append(t._("Votre question est transmise, sans données personnelles, à l'équipe "
                         "qui enrichit la base."))
        items = [h.item for h in nearby] + contacts
        return Outgoing("\n".join(lines), self.buttons(items, t))

    @staticmethod
    def contacts(knowledge: KnowledgeBase, region: str | None) -> list[Item]:
        """The CRESS of the user's region if known, else the national networks."""
        items = knowledge.items
        if region:
            cress = [i for i in knowledge.of_kind("contact") if i.region == region]
            if cress:
                return cress[:1]
        return [items[i] for i in NATIONAL_CONTACTS if i in items]

    @staticmethod
    def buttons(items: list[Item], t: Translator) -> tuple[Choice, ...]:
        choices = [Choice(DETAIL + item.id, t._("Détails : {title}").format(
                       title=short(item.title, LABEL_LENGTH)))
                   for item in items if len((DETAIL + item.id).encode()) <= MAX_PAYLOAD]
        choices.append(Choice(RESUME, t._("Reprendre le parcours")))
        return tuple(choices)

    # -- unanswered questions ---------------------------------------------------------------

    @staticmethod
    def record(turn: Turn, index: QuestionIndex, text: str) -> None:
        """Keep the question, redacted, for the administrators, in the turn's transaction,
        tied to the asker's pseudonym so that ``/oublier`` erases it."""
        question = redact(text, index.known_word)
        normalized = " ".join(words(question))
        if not normalized:
            return
        language, asker = turn.language, turn.key

        def write(db: Transaction) -> None:
            try:
                record_unanswered(db, question, normalized, language, asker)
            except sqlite3.Error:  # the user still gets the answer; the log says what failed
                log.exception("could not record an unanswered question")

        turn.write(write)
