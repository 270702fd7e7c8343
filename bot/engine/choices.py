"""The one matcher of typed answers: a number, a label or a word picks an offered choice.

The engine remembers, in the conversation, the choices of the last message that had
some (:class:`Offered`). Whatever the channel (buttons on Telegram, a numbered list on
Matrix and in the terminal) and whatever asked (a flow state, a homonym list, a
feature's dialog), typed text is matched here, turned into the choice's payload, and
handled exactly like a pressed button.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.engine.messages import Choice

NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
MIN_PARTIAL = 3  # letters a part of a label needs to pick it ("emploi" for "Emploi et ...")
MIN_TYPO = 5  # letters a mistyped answer needs before it is read as a label ("alimentaton")
TYPO_RATIO = 0.85  # how alike (difflib ratio) a mistyped answer and a label or word must be
# « ok », « c bon », « d'accord » (normalized) say yes to the question, or go on where nothing
# is asked yes or no: the choice whose label starts with « Oui » / « Yes », else the one that
# ends with « continuer » / « continue ».
AGREEING = frozenset({"ok", "okay", "oki", "okk", "ok ok", "ouais", "ouai", "d accord", "dac",
                      "dacc", "daccord", "ca marche", "c bon", "c est bon", "cest bon", "c ok",
                      "parfait", "yes", "yep", "yeah", "sure", "fine", "wi", "ui", "ouii",
                      "ouiii", "oui oui", "c est ca", "cest ca", "c ca", "c est bien ca",
                      "exact", "exactement", "tout a fait", "c est juste", "that s right",
                      "right", "correct"})
YES_WORDS = frozenset({"oui", "yes"})
# What may open an agreeing reply before more of it (« oui c bon », « ok merci », « wi ok »).
_AGREEING_LEADS = YES_WORDS | {"ok", "okay", "ouais", "wi", "ui", "ouii"}
_AGREEING_TAILS = AGREEING | _AGREEING_LEADS | {"merci", "merci beaucoup", "thanks"}
GO_ON_LABELS = frozenset({"continuer", "continue"})
# « jsp » and other ways of saying it, for the choice « Je ne sais pas » / « I don't know ».
NOT_KNOWING = frozenset({"jsp", "jsais pas", "j sais pas", "je sais pas", "sais pas",
                         "chais pas", "aucune idee", "idk", "dunno", "not sure"})
NOT_KNOWING_LABELS = frozenset({"je ne sais pas", "i don t know"})
# « non », « aucun », « c'est tout » where the bot asks for another one (« Un autre thème, ou
# « Continuer » ? », « … d'un autre de ces programmes ? ») and no label says no: go on.
DECLINING = frozenset({"non", "no", "aucun", "aucune", "aucun continuer", "none", "nope",
                       "rien", "non merci", "no thanks", "c tout", "c est tout", "cest tout",
                       "non c est tout", "non cest tout", "pas d autre", "none continue",
                       "c tt", "c est tt", "cest tt", "non c tt",
                       "that s all"})
ENGINE_PAYLOAD = "s:"  # the engine's own questions (« Oui, tout effacer »): never by « ok »


def normalize_answer(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to match typed answers."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


def typed_number(text: str) -> int | None:
    """« 2 », « 2. », « 2) » -> 2; anything else -> None."""
    match = NUMBER.match(text)
    return int(match.group(1)) if match else None


def choice_key(payload: str) -> str | None:
    """The short name a payload ends with (« continuer » of ``c:themes:continuer``).

    Typing it picks the choice, as typing its label does; numeric ends (list indexes)
    are not names.
    """
    key = payload.rsplit(":", 1)[-1]
    return None if not key or key.isdigit() else normalize_answer(key)


@dataclass(frozen=True, slots=True)
class Offered:
    """The choices the user sees last, and how typed text may pick one of them.

    ``free_text``: the question also takes typed text (a territory, a title), so a part of
    a label is an answer of its own; only a whole label picks a choice, and a number does
    only when ``numbers`` says so (« 1 » skips the territory question, but is a title).
    """

    choices: tuple[Choice, ...] = ()
    free_text: bool = False
    numbers: bool = True
    # The choices of the turn's earlier messages (« Détails : … » under an answer given in
    # the middle of a question). Text channels number only the last list: these are picked
    # by their whole label, or by its lead and a rank or words (« détails 2 »).
    asides: tuple[Choice, ...] = ()

    def to_json(self) -> dict:
        return {"c": [[c.payload, c.label] for c in self.choices], "free": self.free_text,
                "n": self.numbers, "a": [[c.payload, c.label] for c in self.asides]}

    @classmethod
    def from_json(cls, value: object) -> Offered:
        if not isinstance(value, dict):
            return cls()

        def read(pairs: object) -> tuple[Choice, ...]:
            return tuple(Choice(str(pair[0]), str(pair[1]))
                         for pair in (pairs if isinstance(pairs, list) else ())
                         if isinstance(pair, list | tuple) and len(pair) == 2)

        return cls(read(value.get("c")), bool(value.get("free")), bool(value.get("n", True)),
                   read(value.get("a")))

    @classmethod
    def last_of(cls, messages: Iterable, free_text: bool = False,
                numbers: bool = True) -> Offered:
        """The choices of the last message that has some (none: nothing is offered), and
        those of the messages before it as asides."""
        lists = [message.choices for message in messages if message.choices]
        if not lists:
            return cls()
        last = lists[-1]
        own = {choice.payload for choice in last}
        asides = tuple(choice for choices in lists[:-1] for choice in choices
                       if choice.payload not in own)
        return cls(last, free_text, numbers, asides)

    def match(self, text: str) -> Choice | None:
        """The offered choice that typed text stands for, or None."""
        choices = self.choices
        if not choices:
            return None
        number = typed_number(text) if self.numbers else None
        if number is not None and 1 <= number <= len(choices):
            return choices[number - 1]
        wanted = normalize_answer(text)
        if not wanted:
            return None
        labels = [(choice, normalize_answer(choice.label)) for choice in choices]
        for choice, label in labels:
            if wanted == label or wanted == choice_key(choice.payload):
                return choice
        # « détails 2 »: an aside first (the answer just above the list), else the list's own.
        by_lead = _aside(wanted, self.asides) or _aside(wanted, choices)
        if by_lead is not None:
            return by_lead
        if self.free_text:
            return None
        colloquial = _colloquial_choice(wanted, labels)
        if colloquial is not None:
            return colloquial
        if len(wanted) < MIN_PARTIAL:
            return None
        partial = [choice for choice, label in labels if f" {wanted} " in f" {label} "]
        if partial:
            return partial[0] if len(partial) == 1 else None
        if wanted in DECLINING:
            return _go_on(labels)
        return _close_choice(wanted, labels)


def _lead(label: str) -> tuple[str, str]:
    """A label's lead and the rest, normalized (« details », « villages vivants… » of
    « Détails : Villages Vivants… »); no lead without a colon."""
    lead, colon, rest = label.partition(":")
    return (normalize_answer(lead), normalize_answer(rest)) if colon else ("", "")


def _aside(wanted: str, asides: tuple[Choice, ...]) -> Choice | None:
    """The aside that typed text names: its whole label, or its lead followed by its rank
    among the asides with that lead (« details 2 ») or by words of the rest, or the start
    of it (« details villages vivants »); None when none or several fit."""
    for choice in asides:
        if wanted == normalize_answer(choice.label):
            return choice
    for choice in asides:
        lead, _ = _lead(choice.label)
        if not lead or not wanted.startswith(lead + " "):
            continue
        tail = wanted[len(lead) + 1:]
        same_lead = [c for c in asides if _lead(c.label)[0] == lead]
        number = typed_number(tail)
        if number is not None:
            return same_lead[number - 1] if 1 <= number <= len(same_lead) else None
        if len(tail) < MIN_PARTIAL:
            return None
        return _only([c for c in same_lead
                      if f" {tail} " in f" {_lead(c.label)[1]} "
                      or f" {_lead(c.label)[1]}".startswith(f" {tail}")
                      or tail.startswith(_lead(c.label)[1])])
    return None


def _close_choice(wanted: str, labels: list[tuple[Choice, str]]) -> Choice | None:
    """The one choice whose label, or a word of it, is a slip of the keyboard away from
    ``wanted`` (« alimentaton », « mobilite »); None when none or several are that close."""
    if len(wanted) < MIN_TYPO:
        return None
    close = []
    for choice, label in labels:
        candidates = [label, *(word for word in label.split() if len(word) >= MIN_TYPO)]
        if any(SequenceMatcher(None, wanted, candidate).ratio() >= TYPO_RATIO
               for candidate in candidates):
            close.append(choice)
    return close[0] if len(close) == 1 else None


def _colloquial_choice(wanted: str, labels: list[tuple[Choice, str]]) -> Choice | None:
    """The one choice that « ok », « c bon » (yes, else go on) or « jsp » (« Je ne sais
    pas ») stands for; None when the words are not such or no single choice fits."""
    flow_labels = [(c, label) for c, label in labels if not c.payload.startswith(ENGINE_PAYLOAD)]
    if wanted in NOT_KNOWING:
        return _only([c for c, label in flow_labels if label in NOT_KNOWING_LABELS])
    if not agreeing(wanted):
        return None
    yes = [c for c, label in flow_labels if label.split()[:1] and label.split()[0] in YES_WORDS]
    if yes:
        return _only(yes)
    return _go_on(labels)


def agreeing(wanted: str) -> bool:
    """Whether normalized text says yes or « go on » as a whole (« ok », « c bon », « wi »),
    or as a yes and more of it (« oui c bon », « ok merci »); « oui » alone is not: it picks
    a label that says it, and where none does it answers nothing."""
    if wanted in AGREEING:
        return True
    lead, _, rest = wanted.partition(" ")
    return lead in _AGREEING_LEADS and rest in _AGREEING_TAILS


def _go_on(labels: list[tuple[Choice, str]]) -> Choice | None:
    """The one flow choice that goes on: « Continuer », « Aucun, continuer », « Continue »."""
    return _only([c for c, label in labels if not c.payload.startswith(ENGINE_PAYLOAD)
                  and label.split()[-1:] and label.split()[-1] in GO_ON_LABELS])


def _only(found: list[Choice]) -> Choice | None:
    """The one choice found, or None when there are none or several."""
    return found[0] if len(found) == 1 else None


def says_words(text: str, words: str) -> bool:
    """Whether typed text holds one of ``words`` (comma-separated; a trailing * matches any
    ending: « structur* » in « structurer », « structuration »), case and accents aside."""
    said = f" {normalize_answer(text)} "
    for entry in words.split(","):
        stem = entry.strip().endswith("*")
        wanted = normalize_answer(entry)
        if wanted and (f" {wanted}" if stem else f" {wanted} ") in said:
            return True
    return False


def opens_with_words(text: str, words: str) -> bool:
    """Whether typed text opens with one of ``words`` (comma-separated, a trailing * for any
    ending, as in :func:`says_words`): « comment structurer » opens with « comment »."""
    said = f"{normalize_answer(text)} "
    for entry in words.split(","):
        stem = entry.strip().endswith("*")
        wanted = normalize_answer(entry)
        if wanted and said.startswith(wanted if stem else f"{wanted} "):
            return True
    return False
