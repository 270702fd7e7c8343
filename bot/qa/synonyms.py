"""``content/synonymes.yaml``: the vocabulary of questions, kept by administrators.

Four sections:

``synonymes``
    groups of equivalent words or phrases (« commande publique », « marchés publics »,
    « achats »): a question naming one of them also looks for the others.
``abreviations``
    one-way rewrites of what people type into what they mean (« c koi » -> « c'est
    quoi », « asso » -> « association »), applied before anything else.
``contexte``
    words that describe who asks rather than what is asked (« notre EPCI », « commune
    rurale », « habitants »): they count little in a question, so that a long question's
    context does not drown its subject.
``hors_champ``
    what the bot is not for, by topic, with example questions (« météo », « état
    civil »...): a question closer to one of them than to any item is refused honestly.

Every problem names ``file:line:column``, like the rest of the content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bot.engine.conditions import suggest
from bot.qa.normalize import STOP_WORDS, stem, terms, words
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    display_name,
    load_marked_file,
)

SYNONYMS_FILE = "synonymes.yaml"
_Section = TypeVar("_Section", MarkedDict, MarkedList)
SECTIONS = ("synonymes", "abreviations", "contexte", "hors_champ")

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Rewrites on folded words; groups of equivalent phrases on stems."""

    rewrites: dict[Phrase, Phrase] = field(default_factory=dict)
    groups: tuple[tuple[Phrase, ...], ...] = ()
    context: frozenset[Phrase] = frozenset()  # stems of context words and phrases
    off_topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic, example questions)

    singular_rewrites: dict[Phrase, Phrase] = field(init=False, repr=False, compare=False)
    longest_rewrite: int = field(init=False, repr=False, compare=False)  # in words
    _examples_read: tuple[Phrase, ...] | None = field(init=False, default=None, repr=False,
                                                      compare=False)

    def __post_init__(self) -> None:
        # « petits prix » is the « petit prix » of the rewrites: a phrase typed in the
        # plural, each word in the singular (a rewrite's own plural, written, comes first)
        object.__setattr__(self, "singular_rewrites", {
            singular: meaning for key, meaning in self.rewrites.items()
            if len(key) > 1 and (singular := _singular(key)) not in self.rewrites})
        # read at every rewrite, so measured once (the rewrites never change)
        object.__setattr__(self, "longest_rewrite",
                           max((len(k) for k in self.rewrites), default=0))

    def rewrite(self, folded_words: list[str]) -> list[str]:
        """Replace typed forms by what they mean, longest match first; a phrase of several
        words also in the plural (« petits prix »)."""
        if not self.rewrites:
            return folded_words
        out: list[str] = []
        i, longest = 0, self.longest_rewrite
        while i < len(folded_words):
            for size in range(min(longest, len(folded_words) - i), 0, -1):
                typed = tuple(folded_words[i:i + size])
                meaning = self.rewrites.get(typed)
                if meaning is None and size > 1 and self.singular_rewrites:
                    meaning = self.singular_rewrites.get(_singular(typed))
                if meaning is not None:
                    out.extend(meaning)
                    i += size
                    break
            else:
                out.append(folded_words[i])
                i += 1
        return out

    @property
    def off_topic_phrases(self) -> frozenset[Phrase]:
        """The examples of « hors_champ » of two words or more, as a question's stems read
        them (« état civil », « modification du PLU »): said whole, they say its subject."""
        return frozenset(p for p in self._off_topic_examples if len(p) > 1)

    @property
    def off_topic_stems(self) -> frozenset[str]:
        """Every stem of the examples of « hors_champ » (« urgenc »): where the knowledge
        base says one, the words next to it tell in which sense."""
        return frozenset(w for example in self._off_topic_examples for w in example)

    @property
    def _off_topic_examples(self) -> tuple[Phrase, ...]:
        """The stems of each example of « hors_champ », read once (two properties and the
        searcher read them; the lemmatiser is not needed before)."""
        read = self._examples_read
        if read is None:
            read = tuple(
                tuple(stem(w) for w in self.rewrite(words(example)) if w not in STOP_WORDS)
                for _, examples in self.off_topics for example in examples)
            object.__setattr__(self, "_examples_read", read)
        return read


PLURAL_ENDINGS = ("s", "x")
SHORTEST_PLURAL = 4  # « as », « ans », « pas », « cas » are no plurals to cut


def _singular(phrase: Phrase) -> Phrase:
    """Each word of a folded phrase without a final « s » or « x »: the key under which
    « petits prix » and « petit prix » meet (both give « petit pri »)."""
    return tuple(w[:-1] if len(w) >= SHORTEST_PLURAL and w.endswith(PLURAL_ENDINGS) else w
                 for w in phrase)


def _listed(node: MarkedList | None) -> list[tuple[Position, object]]:
    """The items of an optional list, each with its position."""
    return [(node.at(i), item) for i, item in enumerate(node)] if node is not None else []


def _mapped(node: MarkedDict | None) -> list[tuple[object, object, Position, Position]]:
    """The entries of an optional mapping, each with the positions of its key and value."""
    if node is None:
        return []
    return [(key, value, node.key_positions[key], node.at(key)) for key, value in node.items()]


def _text(value: object, where: Position, what: str, problems: list[Problem]) -> str | None:
    if isinstance(value, bool) or value is None or not isinstance(value, str | int | float):
        problems.append(Problem(where, f"{what} must be a word or a phrase in quotes"))
        return None
    text = str(value).strip()
    if not text:
        problems.append(Problem(where, f"{what} is empty"))
        return None
    return text


def _section(document: MarkedDict, key: str, kind: type[_Section], problems: list[Problem],
             message: str) -> _Section | None:
    """A section of the file if it has the shape it must have; else reported, and None."""
    raw = document.get(key)
    if raw is not None and not isinstance(raw, kind):
        problems.append(Problem(document.at(key), message))
        return None
    return raw


def parse_synonyms(document: object, path_name: str) -> tuple[Synonyms, list[Problem]]:
    """Check a parsed synonyms document; bad entries are left out and reported."""
    problems: list[Problem] = []
    start = Position(path_name, 1, 1)
    if document is None:
        return Synonyms(), problems
    if not isinstance(document, MarkedDict):
        problems.append(Problem(start, "synonymes.yaml must be a mapping with 'synonymes:' "
                                       "(a list of groups) and 'abreviations:' (a mapping)"))
        return Synonyms(), problems
    for key in document:
        if key not in SECTIONS:
            problems.append(Problem(document.key_positions[key],
                                    suggest("section", key, SECTIONS)
                                    + f" Sections: {', '.join(SECTIONS)}."))
    rewrites: dict[Phrase, Phrase] = {}
    raw_rewrites = _section(document, "abreviations", MarkedDict, problems,
                            "'abreviations' must be a mapping: « ce qui est tapé: ce que "
                            "cela veut dire »")
    for typed, meaning, at_key, at_value in _mapped(raw_rewrites):
        typed_text = _text(typed, at_key, "an abbreviation", problems)
        meaning_text = _text(meaning, at_value, f"the meaning of '{typed}'", problems)
        if typed_text is None or meaning_text is None:
            continue
        typed_words, meaning_words = tuple(words(typed_text)), tuple(words(meaning_text))
        if not typed_words or not meaning_words:
            problems.append(Problem(at_key, f"'{typed_text}' or its meaning has no letters "
                                            "or digits"))
            continue
        if typed_words in rewrites:
            problems.append(Problem(at_key, f"'{typed_text}' is rewritten twice (the same "
                                            "once accents and case are ignored)"))
            continue
        rewrites[typed_words] = meaning_words
    rewriter = Synonyms(rewrites)
    groups: list[tuple[Phrase, ...]] = []
    seen: dict[Phrase, tuple[Position, int]] = {}
    raw_groups = _section(document, "synonymes", MarkedList, problems,
                          "'synonymes' must be a list of groups, each written [mot, autre "
                          "mot, ...]")
    for where, group in _listed(raw_groups):
        if not isinstance(group, MarkedList) or len(group) < 2:
            problems.append(Problem(where, "a group of synonyms is a list of at least two "
                                           "words or phrases: [marchés publics, commande "
                                           "publique]"))
            continue
        phrases: list[Phrase] = []
        for j, entry in enumerate(group):
            at = group.at(j)
            text = _text(entry, at, "a synonym", problems)
            if text is None:
                continue
            stems = tuple(terms(text))
            if not stems:
                problems.append(Problem(at, f"'{text}' has only common words (le, de, quoi...) "
                                            "and cannot be searched: write a more specific "
                                            "word"))
                continue
            if stems in seen:
                first, group_number = seen[stems]
                if group_number != len(groups):  # another spelling in the same group is fine
                    problems.append(Problem(at, f"'{text}' is already in the group at line "
                                                f"{first.line}: merge the two groups",
                                            severity="warning"))
                continue
            seen[stems] = (at, len(groups))
            phrases.append(stems)
            # ... and a phrase as a question says it once rewritten: « food bank » is the
            # « alimentation bank » of a question (« food » is rewritten); a word rewritten
            # alone is found by what it means
            asked = tuple(stem(w) for w in rewriter.rewrite(words(text)) if w not in STOP_WORDS)
            if len(stems) > 1 and asked and asked not in seen:
                seen[asked] = (at, len(groups))
                phrases.append(asked)
        if len(phrases) >= 2:
            groups.append(tuple(phrases))
    context: set[Phrase] = set()
    raw_context = _section(document, "contexte", MarkedList, problems,
                           "'contexte' must be a list of words or phrases: [commune, "
                           "habitants, zone rurale]")
    for where, entry in _listed(raw_context):
        text = _text(entry, where, "a context word", problems)
        if text is None:
            continue
        stems = tuple(terms(text))
        if not stems:
            problems.append(Problem(where, f"'{text}' has only common words and "
                                           "is already ignored"))
            continue
        context.add(stems)
    off_topics: list[tuple[str, tuple[str, ...]]] = []
    raw_topics = _section(document, "hors_champ", MarkedDict, problems,
                          "'hors_champ' must map a topic to example questions: « météo: "
                          "[quel temps demain, ...] »")
    for topic, examples, _at_key, at in _mapped(raw_topics):
        if not isinstance(examples, MarkedList) or not examples:
            problems.append(Problem(at, f"the topic '{topic}' needs a list of example "
                                        "questions: [question, autre question]"))
            continue
        texts = [_text(e, examples.at(i), "an example question", problems)
                 for i, e in enumerate(examples)]
        off_topics.append((str(topic), tuple(t for t in texts if t)))
    return Synonyms(rewrites, tuple(groups), frozenset(context), tuple(off_topics)), problems


def load_synonyms(path: Path, root: Path | None = None) -> tuple[Synonyms, list[Problem]]:
    """Load a synonyms file; a missing file is no synonyms, not an error."""
    if not path.exists():
        return Synonyms(), []
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        return Synonyms(), [problem]
    return parse_synonyms(document, display_name(path, root))


__all__ = ["STOP_WORDS", "SYNONYMS_FILE", "Synonyms", "load_synonyms", "parse_synonyms"]
