"""The engine's question hook: answers, detail buttons, and the honest « I don't know ».

For a question, the bot shows the best items (title, summary, source) with a « Détails »
button each and a « Reprendre le parcours » button; the engine then asks the current
question again, so the parcours is exactly where it was. The buttons' payloads start with
:data:`PREFIX` and are routed back here by the engine (``Engine.route_payloads``); they
never change the conversation.

When nothing is relevant, the bot says so, lists the closest topics, names the CRESS of
the user's region (or RTES and ESS France), and records the question, redacted, for the
administrators (``essbot questions unanswered``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.engine.engine import QuestionContext
from bot.engine.messages import Choice, Outgoing
from bot.i18n import Translator
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Item, KnowledgeBase
from bot.knowledge.recommend import describe_item
from bot.qa import build_searcher
from bot.qa.normalize import STOP_WORDS, words
from bot.qa.redact import redact
from bot.qa.search import NEARBY, RELEVANT, Hit, Searcher
from bot.store import Store

log = logging.getLogger(__name__)

PREFIX = "q:"
DETAIL = PREFIX + "d:"  # + item id
RESUME = PREFIX + "resume"
TOP = 3
MAX_PAYLOAD = 64  # bytes (Telegram's callback data)
LABEL_LENGTH = 40
REFRESH_EVERY = 2.0  # seconds between two looks at the content folder
NATIONAL_CONTACTS = ("rtes", "ess_france")
QUESTION_WORDS = frozenset({"comment", "quel", "quelle", "quels", "quelles", "qui", "quoi",
                            "pourquoi", "combien", "ou", "quand", "est", "peut", "peux",
                            "faut", "doit", "what", "how", "which", "who", "why", "can"})


@dataclass(frozen=True, slots=True)
class _Live:
    knowledge: KnowledgeBase
    searcher: Searcher


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


def _short(title: str) -> str:
    return title if len(title) <= LABEL_LENGTH else title[:LABEL_LENGTH - 1].rstrip() + "…"


class QuestionService:
    """Callable as the engine's question hook; ``on_payload`` answers its buttons."""

    prefix = PREFIX

    def __init__(self, knowledge: KnowledgeBase, searcher: Searcher, store: Store | None = None,
                 content_dir: Path | None = None, root: Path | None = None):
        self._live = _Live(knowledge, searcher)
        self.store = store
        self.content_dir = content_dir
        self.root = root
        self._signature = self._content_signature()
        self._checked = time.monotonic()
        self._refresh_lock = threading.Lock()

    @classmethod
    def create(cls, knowledge: KnowledgeBase, content_dir: Path, store: Store | None = None,
               root: Path | None = None) -> QuestionService:
        searcher, _ = build_searcher(knowledge, content_dir, root)
        return cls(knowledge, searcher, store, content_dir, root)

    # -- live content ---------------------------------------------------------------------

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._live.knowledge

    @property
    def searcher(self) -> Searcher:
        return self._live.searcher

    def reload(self, knowledge: KnowledgeBase, searcher: Searcher | None = None) -> None:
        """Serve another version of the content (the index is rebuilt unless given)."""
        if searcher is None and self.content_dir is not None:
            searcher, _ = build_searcher(knowledge, self.content_dir, self.root)
        elif searcher is None:
            searcher = Searcher(type(self.searcher.index).build(knowledge),
                                self.searcher.synonyms)
        self._live = _Live(knowledge, searcher)

    def _content_signature(self) -> tuple:
        if self.content_dir is None or not self.content_dir.is_dir():
            return ()
        signature = []
        for path in self.content_dir.glob("*.yaml"):
            try:  # a file removed while we look is simply not part of the signature
                st = path.stat()
            except OSError:
                continue
            signature.append((path.name, st.st_mtime_ns, st.st_size))
        return tuple(sorted(signature))

    def refresh_if_changed(self) -> None:
        """Rebuild the index when a content file changed; keep the old one if it is broken."""
        if self.content_dir is None or time.monotonic() - self._checked < REFRESH_EVERY:
            return
        if not self._refresh_lock.acquire(blocking=False):
            return  # another thread is looking
        try:
            self._checked = time.monotonic()
            signature = self._content_signature()
            if signature == self._signature:
                return
            self._signature = signature
            knowledge, problems = load_knowledge(self.content_dir, self.root)
            searcher, synonym_problems = build_searcher(knowledge, self.content_dir, self.root)
            errors = [p for p in problems + synonym_problems if p.severity == "error"]
            if errors:
                log.warning("content changed but has %d error(s): questions keep the previous "
                            "version (essbot content validate)", len(errors))
                return
            self._live = _Live(knowledge, searcher)
            log.info("question index rebuilt: %d items", len(knowledge.items))
        finally:
            self._refresh_lock.release()

    # -- search ---------------------------------------------------------------------------

    def search(self, text: str, top: int = TOP, region: str | None = None) -> list[Hit]:
        """The relevant items only (score at or above RELEVANT), best first."""
        self.refresh_if_changed()
        return [h for h in self.searcher.search(text, top, region) if h.score >= RELEVANT]

    # -- the hook -------------------------------------------------------------------------

    def __call__(self, text: str, context: QuestionContext) -> list[Outgoing] | None:
        self.refresh_if_changed()
        region = context.slots.get("region")
        region = region if isinstance(region, str) else None
        hits = self.searcher.search(text, TOP, region)
        relevant = [h for h in hits if h.score >= RELEVANT]
        t = context.translator
        if relevant:
            return [self.answer(relevant, t)]
        if context.only_if_relevant:
            return None
        if not context.explicit and not looks_like_a_question(text):
            return None  # not a question: the engine asks the user to rephrase
        nearby = [h for h in hits if h.score >= NEARBY]
        self.record(text, t.language)
        return [self.no_answer(nearby, region, t)]

    def answer(self, hits: list[Hit], t: Translator) -> Outgoing:
        lines = [t._("Voici ce que j'ai trouvé :")]
        for number, hit in enumerate(hits, 1):
            item = hit.item
            lines.append(f"{number}. {item.title}")
            lines.append(f"   {item.summary}")
            source = source_line(item)
            if source:
                lines.append("   " + t._("Source : {text}").format(text=source))
        return Outgoing("\n".join(lines), self.buttons([h.item for h in hits], t))

    def no_answer(self, nearby: list[Hit], region: str | None, t: Translator) -> Outgoing:
        lines = [t._("Je n'ai pas trouvé de réponse sûre à votre question dans ma base de "
                     "connaissances, et je préfère ne pas inventer.")]
        if nearby:
            lines.append(t._("Sujets proches :"))
            lines += [f"– {hit.item.title}" for hit in nearby]
        contacts = self.contacts(region)
        if contacts:
            lines.append(t._("Pour une réponse adaptée à votre situation, contactez :"))
            for item in contacts:
                reach = f" — {item.how_to_reach}" if item.how_to_reach else ""
                lines.append(f"– {item.title}{reach}")
        lines.append(t._("Votre question est transmise, sans données personnelles, à l'équipe "
                         "qui enrichit la base."))
        items = [h.item for h in nearby] + contacts
        return Outgoing("\n".join(lines), self.buttons(items, t))

    def contacts(self, region: str | None) -> list[Item]:
        """The CRESS of the user's region if known, else the national networks."""
        items = self.knowledge.items
        if region:
            cress = [i for i in items.values() if i.kind == "contact" and i.region == region]
            if cress:
                return cress[:1]
        return [items[i] for i in NATIONAL_CONTACTS if i in items]

    def buttons(self, items: list[Item], t: Translator) -> tuple[Choice, ...]:
        choices = [Choice(DETAIL + item.id, t._("Détails : {title}").format(
                       title=_short(item.title)))
                   for item in items if len((DETAIL + item.id).encode()) <= MAX_PAYLOAD]
        choices.append(Choice(RESUME, t._("Reprendre le parcours")))
        return tuple(choices)

    # -- buttons --------------------------------------------------------------------------

    def on_payload(self, payload: str, context: QuestionContext) -> list[Outgoing] | None:
        """« Détails » shows an item in full; « Reprendre » shows nothing (the engine then asks
        the current question again). Anything else is not ours: None."""
        if payload == RESUME:
            return []
        if payload.startswith(DETAIL):
            self.refresh_if_changed()
            item = self.knowledge.items.get(payload.removeprefix(DETAIL))
            if item is not None:
                return [Outgoing(describe_item(item, context.translator, with_body=True))]
        return None

    # -- unanswered questions -------------------------------------------------------------

    def known_word(self, word: str) -> bool:
        index = self.searcher.index
        return word in index.surface or word in index.postings

    def record(self, text: str, language: str) -> None:
        """Keep the question, redacted, for the administrators; never fails the answer."""
        if self.store is None:
            return
        question = redact(text, self.known_word)
        normalized = " ".join(words(question))
        if not normalized:
            return
        try:
            self.store.record_unanswered(question, normalized, language)
        except Exception:  # the user still gets the answer; the log says what went wrong
            log.exception("could not record an unanswered question")
