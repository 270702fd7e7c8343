"""Answer a question from the index: analyse it into concepts, rank items (BM25F), pick a
direct answer, or abstain.

A question becomes a list of *concepts*. A concept is one meaningful word, or a phrase of
``synonymes.yaml``, with its alternatives: the synonyms of its group, and for a word the
index does not know, its likely spellings (edit distance) and completions (« interco »).
An item earns, for each concept, the best of its alternatives (not their sum: three
synonyms of one idea must not outweigh two ideas), weighted by the concept's rarity (idf).
Context concepts (« notre EPCI », « 8 000 habitants », a place name) weigh little, so
that the context of a long question does not drown its subject.

The score of an item is the share of the question's weight it covers, between 0 and 1.
A question is answered when its best item reaches ``RELEVANT`` — or ``FACTUAL`` when it
asks for a fact (who, how much, which law, how long) that no direct answer holds, so that
« budget de la CRESS Occitanie » is not answered with the CRESS's address. Thresholds
were calibrated on the dev part of tests/data/questions_eval.yaml (docs/questions.md).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import pairwise

from bot.knowledge.collectivites import COM_REGION_CODES
from bot.knowledge.model import Item
from bot.qa.answers import HELD_ASPECTS, SHARE, WHO_SUMMARY_ASPECTS, DirectAnswer
from bot.qa.aspects import (
    FACTUAL,
    asks_for_funding,
    aspect_words,
    aspects_of,
    drop_aspect_phrases,
    edition_date,
    is_actor,
    names_two_actors,
    opening_words,
    refers_back,
    specific_words,
)
from bot.qa.context import AskContext
from bot.qa.index import Index, item_names, pairs_around, trigrams
from bot.qa.lexicon import is_verb_form, is_word
from bot.qa.normalize import INTENTS, NUMBER_WORDS, STOP_WORDS, fold, stem, sums, terms, words
from bot.qa.personal import counts_named_now, counts_ours, named_people, private_matter
from bot.qa.places import Gazetteer, Place
from bot.qa.synonyms import Phrase, Synonyms

RELEVANT = 0.30  # an item at or above this answers the question (calibrated: docs)
FACTUAL_RELEVANT = 0.45  # the same for a factual question without a direct answer
NUMBER_RELEVANT = 0.75  # ... asking for a number (« combien... ») without a direct answer
NEARBY = 0.12  # below RELEVANT, an item above this is a « close topic »
DIRECT = 0.5  # a direct answer is shown from this score
DIRECT_LONG = 0.425  # ... in a long question, whose context dilutes the answer's coverage
DIRECT_LEAD = 0.35  # ... written for the aspect asked, of a best item that leads clearly
LEAD = 1.2  # the best item leads clearly from this ratio to the next one's score
SYNONYM_WEIGHT = 0.9
PHRASE_APART = 0.4  # an item that has the words of a phrase, never side by side
COMPLETION_WEIGHT = 0.7
TYPO_WEIGHTS = {1: 0.75, 2: 0.55}
CORRECTED = 5  # shorter words are not corrected (« mère » is not « même »)
SLIP_WEIGHT = 0.8  # a word typed with a common slip (« monaie »): surer than any typo
_DOUBLED = frozenset("cflmnprst")  # consonants French doubles (« monnaie », « accepter »)
_ELIDED = frozenset("dljnsmtc")  # articles and pronouns elided before a vowel (« d'insertion »)
_VOWELS = frozenset("aeiouyh")
_DROPPED = "aeiou"  # vowels left out between two consonants (« mobilté »)
INTENT_BOOST = 1.3  # « c'est quoi... »: the glossary first; « exemple de... »: examples
FUNDING_BOOST = 1.3  # « quelles aides pour... »: funding tools first
HOWTO_EXAMPLE = 0.9  # an example, for a question asking how to (the lever says how)
MATCHED = 0.3  # an item "has" a concept when it matches at least this much (for its idf)
UNKNOWN_SHARE = 0.8  # weight of a word nothing matches, relative to the rarest word
ANCHORED_UNKNOWN = 0.35  # ... in a question that names an item (« le SIEG au juste »)
CONTEXT_SHARE = 0.25  # weight of a context word (place, « notre EPCI »), relative to others
VERB_SHARE = 0.5  # ... and of a verb form no item's name, title or questions has (« devenue »)
ASPECT_SHARE = 0.25  # ... and of a word that only says what is asked (« pourcentage »)
ANCHOR = 0.5  # a concept matching an item's name, title or questions this well anchors
NAME_FLOOR = 2.0  # least weight of a word that names an item (« ESS », in every item)
SHORT_NAME = 4  # a word of an id this short, that its title does not say, is an abbreviation
NAMED = 0.5  # an item is named when the question has this share of its name's words
RARE_NAME_WORD = 0.1  # a word of a name in at most this share of items names it partly
NEAR_TIE = 0.99  # an item the question names whole goes before one this close above it
COMPARED = 3  # at most this many things compared come first,
COMPARED_LEAD = 0.001  # ... each this share above the best score, in their order
NAME_BOOST = 1.15  # an item whose whole name the question says (« c'est quoi l'ESS »)
LONGER_NAMED = 0.99  # ... not when it is said inside a longer name (« ESS France »)
LONE_NAME_CONTEXT = 1  # « SCIC ? », « une SCIC à Lyon ? » ask what it is; not a name
                       # among three lines of context (« 3 agents à la mairie, l'ESS… »)
LONG = 5  # concepts from which a question is long: words only in items' bodies weigh less
PERIPHERAL_SHARE = 0.5
KEEP = 4  # in a long question, the concepts kept whole: the rarest found in names, titles...
REDUCED = 0.4  # ... and the weight of the others
OFF_TOPIC_MIN = 0.3  # a question this close to a topic of « hors_champ »...
OFF_TOPIC_RATIO = 0.8  # ... and at least this close relative to its best item is refused
OTHER_REGION = 0.5  # a contact of another region than the user's
OWN_REGION = 1.2
NAMED_REGION = 1.5  # a contact of the region the question names
# The asker's profile (bot.qa.context): an item that does not apply to it gives way, in the
# order only, to one this much weaker that does, on each count (another type of collectivité,
# a context the territory is not in, an example of another région)
OTHER_PROFILE = 0.7
ASPECT_MISMATCH = 0.6  # a direct answer to another aspect than the question's
ASPECT_HELD = 0.85  # ... whose text still gives the kind of fact asked (a law, a figure)
HOLDS_BONUS = 0.05  # an answer written for the aspect asked that gives that kind of fact
WRITTEN_BONUS = 0.01  # ... and one written for it, before one whose words only hint at it
NO_ASPECT = 0.9  # a direct answer when the question names no aspect
# Whom to turn to in a place (« à qui s'adresser à Mamoudzou ? »): answered by the summary of
# the contact of the région named, when it is the best item (« a qui » is also « for whom »).
PLACE_CONTACT_ASKED = frozenset({"who", "contact"})  # both: not « leur site ? » (how to reach
                                                    # it), nor « qui l'a co-organisée ? »
PLACE_CONTACT_ASPECTS = frozenset({"who", "contact", "eligibility"})
PLACE_CONTACT_FIRST = 1.0  # whom to turn to in a place: its contact's answer, before any other
DIRECT_TOP = 0.1  # bonus of a direct answer about the best item
DIRECT_ITEM_SHARE = 0.8  # a direct answer's item scores at least this share of the best
EXTRACT = 0.45  # a sentence of an item answers a factual question from this score
SPECIFIC_ITEMS = 3  # a word in the names, titles or questions of at most this many items
UNKNOWN_LENGTH = 3  # shorter unknown words (« i », « we ») say nothing of the subject
_LETTERS = re.compile(r"[^\W\d_]+")
# An item's own acronym, in brackets after its words: « projet alimentaire territorial (PAT) »
_OWN_ACRONYM = re.compile(r"\(([A-ZÉ][A-ZÉ0-9]{1,9})\)")
# Words that point back to a place said before (« combien y en a-t-il ? », « chez nous »)
_HERE = re.compile(r"\b(?:y|ici|la bas|chez nous|sur place|localement|notre|nos|du coin|"
                   r"dans le coin|sur le territoire|sur notre territoire)\b")
# ... and that say the place is the asker's (« on est une commune du Cantal. Combien… »)
_OURS = frozenset({"on", "nous", "notre", "nos", "je", "j", "mon", "ma", "mes", "m"})
# ... and that count things, which are the asker's place's (« combien de SCIC ? »), not a sum
_COUNTING = re.compile(r"\b(?:combien de|combien d|combien y|nombre de|nombre d|how many)\b")
_CLAUSES = re.compile(r"[.:;!?\n]+")  # where a clause of a question ends
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")  # where a sentence ends
# « depuis 2 ans », « dans cinq ans », « 3 mois »: a time said with its number tells the
# situation, as the number does
_DURATION_UNITS = frozenset(stem(w) for w in ("an", "ans", "annee", "annees", "mois", "semaine",
                                               "semaines", "jour", "jours"))
NARRATIVE_SHARE = 0.4  # weight of a word said only in a sentence that asks nothing
_WHO_ELIDED = re.compile(r"\b(?:qui|ki) l['’]", re.IGNORECASE)
# « peut-on subventionner… », « la mairie a-t-elle le droit de financer… »: whether it may.
_MAY = re.compile(r"\b(?:peut|peuvent|pouvons|pouvez|peux|possible|autorise|autorisee|"
                  r"le droit)\b")
_WHAT = frozenset({"quoi", "koi"})
# « le club touchera 25 000 € », « on lui verse 30 000 € », « l'asso demande 30 000 € »: a sum
# paid to or asked by a structure is a subsidy, said with a verb (folded words; not « donner »,
# a gift, which is mécénat)
_GRANTED = re.compile(r"(?:vers(?:e|a|o)|touch|rec(?:oi|ev|u)|perc(?:oi|ev|u)|attribu|accord|"
                      r"octro|allou|demand|sollicit|obten|obtien)\w*")
_SUBSIDY = ("subven",)
# « à Rodez, quelle CRESS ? »: which one, for the place named; not what a CRESS is
_WHICH = frozenset(stem(w) for w in ("quel", "quelle", "quels", "quelles"))
# The words after which « quoi » asks what a thing is: « c'est quoi », « ça veut dire
# quoi », « ça recouvre quoi », « en quoi consiste », « de quoi parle-t-on »
_DEFINING = frozenset({"est", "c", "ce", "dire", "signifie", "signifient", "veut", "veulent",
                       "recouvre", "recouvrent", "designe", "designent", "consiste", "agit",
                       "parle", "parlent", "en", "de"})
_WHO = re.compile(r"\b(?:qui|ki|who)\b")
# « la différence entre une SCOP et une SCIC », « comparer X et Y », « X vs Y »: each thing
# compared is a subject
_COMPARES = re.compile(r"\b(?:differences?|differencier|distinguer|distingue|comparer|compare|"
                       r"comparaison|versus|vs|difference)\b")
_JOINS = frozenset({"et", "ou", "vs", "versu", "contre"})  # « X et Y », « X vs Y »
# A question that can be answered « oui » or « non » (« peut-on… », « faut-il… », « est-ce
# que… », « c'est légal ? »); « qui… ? » cannot, whatever answer its words match.
_CLOSED = re.compile(r"\b(?:est ce|t il|t elle|t on|t ils|t elles|peut on|peut il|peut elle|"
                     r"peuvent ils|peuvent elles|on peut|doit on|faut il|possible|legal|"
                     r"legale|le droit|est il|est elle|sont ils|sont elles)\b")
# « que finance la région ? », « les aides du département », « que peut financer un conseil
# départemental ? »: the collectivité named is the funder asked about (its subject), not the
# asker's context; what it funds is told by the levers about it, not by other funders (but
# « le département peut-il financer… ? » asks whether it may: :data:`_MAY_IT`)
_FUNDER = r"(?:la |le |un |une )?(?:region|departement|conseil (?:regional|departemental))"
_FUNDS = (r"(?:peut |peuvent |pourrait )?(?:finance|financer|subventionne|subventionner|cofinance|"
          r"cofinancer|soutient|soutenir|paie|paye|payer)")
_COLLECTIVITE_FUNDS = re.compile(
    r"\b(?:que|qu est ce que|quoi|qu) " + _FUNDS + " " + _FUNDER + r"\b"
    r"|\baides? (?:de la region|du departement|du conseil (?:regional|departemental))\b"
    r"|\b" + _FUNDER + r" (?:" + _FUNDS + r"|peut (?:il |elle )?(?:financer|subventionner|"
    r"aider|soutenir))\b")
_MAY_IT = re.compile(r"\b(?:peut|peuvent|pourrait|pourraient) (?:il|elle|ils|elles)\b|"
                     r"\best ce que " + _FUNDER + r" (?:peut|peuvent|pourrait)\b")
_FUNDER_STEMS = frozenset({"region", "depart", "conseil region", "conseil depart"})
_YES = re.compile(r"Oui\s*:\s*")  # « Oui : les collectivités… peuvent… »
# « qui peut financer une crèche ? », « combien touche… ? », « comment… ? »: asked openly
# (unless also closed: « une asso qui… peut-elle… ? »), never answered « oui »
_OPEN = re.compile(r"\b(?:qui|ki|quel|quels|quelle|quelles|kel|kels|kelle|combien|cb|comment|"
                   r"cmt|quand|qd|pourquoi)\b")
OPEN_ASPECTS = frozenset({"who", "role"})  # asked openly, not answered « oui »
# « un département a-t-il déjà… », « qui a déjà fait… », « qui fait ça ? »: asks who did
# it, an example.
# « il existe un réseau qui fait ça ? », « quel réseau les accompagne ? »: a network asked
_NETWORK = re.compile(r"\b(?:quel|quels|un|des|existe t il un|y a t il un) reseaux?\b"
                      r"(?! de chaleur| des)")
_DONE_BEFORE = re.compile(r"\bqui (?:fait|font|a fait|ont fait) (?:ca|cela)\b|"
                          r"\bqui (?:le fait|le font)\b|"
                          r"\b(?:a t il|a t elle|ont ils|ont elles|qui a|quelqu un a|"
                          r"quelqu un qui a|d autres (?:communes|collectivites|villes|"
                          r"departements|regions) ont) deja\b|\bdeja (?:fait|mis en place|"
                          r"lance|teste|experimente)\b|"
                          # « comment ils ont monté ça ? », « comment ont-elles fait ? »
                          r"\bcomment (?:ils|elles) (?:l |y )?(?:ont|avaient|s y sont)\b|"
                          r"\bcomment (?:ont|avaient) (?:ils|elles)\b")
# « une comcom qui a pris des parts… ? », « vous connaissez une agglo qui… ? »: asks for
# a collectivité that did it, an example.
_ONE_WHO = re.compile(r"^(?:(?:vous )?(?:connaissez vous|connaissez|avez vous|avez) )?"
                      r"(?:un|une|des) (?:commune|ville|village|departement|region|epci|"
                      r"intercommunalite|communaute de communes|communaute|agglomeration|"
                      r"metropole|collectivite|territoire|mairie)s? (?:\w+ ){0,4}?qui\b|"
                      r"\b(?:vous connaissez|connaissez vous|vous avez un cas|avez vous un cas|"
                      r"un cas concret|des cas concrets)\b")
# The régions of the outre-mer (INSEE codes), whose figures the content gives as a whole:
# « en Martinique, quel taux ? » is answered by « 85 % dans les départements d'outre-mer ».
OVERSEAS = frozenset({"01", "02", "03", "04", "06"})
# ... and the collectivités d'outre-mer a question may name (their INSEE codes)
OVERSEAS_PLACES = OVERSEAS | {"975", "977", "978", "984", "986", "987", "988"}
_OVERSEAS = re.compile(r"\boutre[- ]mer\b|\bdrom?\b")
# An answer all of whose questions name the outre-mer or one of its places is written for it
# (on the folded text; La Réunion on the text as written, not « une réunion »).
_OVERSEAS_PLACE = re.compile(
    _OVERSEAS.pattern + r"|\bultramarin|\bguadeloupe|\bmartinique|\bguyane|"
    r"\bmayotte|\bsaint[- ]martin\b|\bmiquelon|\bsaint[- ]barthelemy|"
    r"\bpolynesie|\bcaledonie|\bwallis")
_LA_REUNION = re.compile(r"\bRéunion\b")


def written_for_the_outre_mer(question: str) -> bool:
    """Whether a question an answer was written for names the outre-mer or one of its places."""
    return bool(_OVERSEAS_PLACE.search(fold(question)) or _LA_REUNION.search(question))
RULE_ASPECTS = frozenset({"obligation", "legal"})  # a funding word here asks the rule
FUNDING_REQUEST_ASPECTS = frozenset({"who", "eligibility", "howto"})
# Verbs whose subject, asked by « qui », is a funder (« qui finance… », « qui subventionne… »).
_FUNDING_VERBS = frozenset(stem(w) for w in (
    "finance", "financent", "financera", "cofinance", "cofinancent", "subventionne",
    "subventionnent", "paie", "paient", "paye", "payent"))
FUNDING_FIRST = 0.75  # a funding tool this close to the best item comes first in a request
FUNDING_FIRST_AMONG = 5  # ... when it is among these first: the list shows the same items
EXTRACTED_ASPECTS = frozenset({"howmuch", "howlong", "legal", "who", "free", "compatible",
                               "obligation", "eligibility"})
# « combien ça coûte d'adhérer… », « quel tarif… »: a price, which an answer gives in money,
# as a share of a cost, or says free; not with a year or a count (« créée en 2014… les 18
# CRESS »)
_PRICE = frozenset(stem(w) for w in ("cout", "couts", "coute", "coutent", "prix", "tarif",
                                     "tarifs", "cotisation", "cotisations"))
# « comment l'État finance-t-il… », « comment subventionner… »: the verb, not the name of a
# tool (« comment lancer un financement participatif ? » asks how to do it)
_FUNDS_HOW = re.compile(r"\b(?:co)?financ(?:e|ent|er|ez|ons)\b|\bsubventionn\w*")
# « quel taux… », « cb % » (read « pourcentage »): a share, that a sum or a count does not give
_RATE = frozenset(stem(w) for w in ("taux", "tx", "pourcentage", "pourcentages"))
# ... and asked as a percentage (« cb % »): a per-mille is another share (« 5 ‰ du chiffre
# d'affaires » is the ceiling of a gift, not the rate of its tax reduction)
_PERCENTAGE = frozenset(stem(w) for w in ("pourcentage", "pourcentages"))
_PER_CENT = re.compile(r"%|\bpour ?cent\b|\btaux zéro\b|\bsans intérêts?\b")
_MONEY = re.compile(r"€|%|\beuros?\b|\bgratuit\w*|\bpayant\w*|\bsans frais\b|"
                    r"\btaux zéro\b|\bsans intérêts?\b", re.IGNORECASE)


# « le sigle ACI », « l'acronyme CTG »: the name that follows is what is asked.
_SPELT = frozenset({"sigl", "acronym", "abrevi"})


# A sentence that says who asks: « Je suis maire-adjoint… », « Bonjour, nous sommes… »
_PRESENTING = re.compile(r"\W*(?:bonjour\W+)?(?:je suis|nous sommes)\b")


@dataclass(frozen=True, slots=True)
class Hit:
    item: Item
    score: float  # the share of the question's weight the item covers, 0..1


@dataclass
class Concept:
    typed: str
    importance: float
    alternatives: list[tuple[Phrase, float]] = field(default_factory=list)
    context: bool = False  # describes who asks, not what is asked
    aspect: bool = False  # only says what is asked about the subject (« taux », « article »)
    names: bool = False  # names an item (its id, term or acronym): set when ranked
    full_name: bool = False  # ... whose whole name the question says (« RSA », « SCIC »)
    unknown: bool = False  # a word no item, synonym or spelling has, and not a verb form
    verb: bool = False  # a verb form (« je cherche »): never says which item
    specific: bool = False  # says which item: its whole name, or a word few names or titles
                            # have (set when ranked)
    acronym: bool = False  # typed in capitals (« FONJEP »): the name of something
    common_of: str | None = None  # the région of a place this common word names only with
                                  # a capital (« une grande réunion » is not La Réunion)
    narrative: bool = False  # said only in a sentence that asks nothing (the situation)
    off_topic: float = 0.0  # the share it has of a phrase of « hors_champ » said whole that no
                            # item says (« état civil »: ½ each)


@dataclass
class Analysis:
    concepts: list[Concept]
    intents: frozenset[str]  # kinds of item the wording asks for (glossary, example...)
    aspects: frozenset[str] = frozenset()  # what it asks about its subject (bot.qa.aspects)
    funding: bool = False  # asks for money: funding tools first
    region: str | None = None  # the région of the places it names
    regions: frozenset[str] = frozenset()  # ... every one, when they do not agree on one
    local: tuple[str, ...] = ()  # stems of the communes or départements it names
    placed: tuple[str, ...] = ()  # ... and of the régions
    outside: frozenset[str] = frozenset()  # programmes the commune it names is not in
    named: dict[int, float] = field(default_factory=dict)  # item -> share of its name said
    private: bool = False  # about the asker's own affairs (bot.qa.personal)
    counts_ours: bool = False  # counts something of the asker's own territory (« combien
                               # d'habitants de notre QPV ») or, today, of one named body
    people: tuple[str, ...] = ()  # surnames of people it names that the content does not
    facts: frozenset[str] = frozenset()  # stems of the facts of one organisation it asks
    closed: bool = False  # may be answered « oui » or « non »
    open: bool = False  # asks who, which, how much, how, when or why
    may_fund: bool = False  # asks whether something may be funded (« peut-on subventionner
                            # une monnaie locale ? »), not who funds it
    either: bool = False  # asks which of two actors it names (« la commune ou l'interco ? »)
    funder_named: bool = False  # asks what a région or département funds (its levers)
    compares: bool = False  # compares things it names (« différence entre SCOP et SCIC »)
    themed: bool = False  # has no subject of its own: asked about the asker's themes
    total: float = 0.0  # the sum of the concepts' importance, once ranked
    reduced: float = 0.0  # ... of which the concepts a long question's reduction set aside
    sequence: tuple[str, ...] = ()  # the stems of all its words, in order (names said whole)
    meaningful: tuple[str, ...] = ()  # ... of its words but stop words
    capitalised: frozenset[str] = frozenset()  # ... of those typed with a capital, but the
                                               # first (« ESS France », « France Tiers-Lieux »)


@dataclass(frozen=True, slots=True)
class Direct:
    answer: DirectAnswer
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    """What a question gets: relevant items (the direct answer's first), or nothing and
    the close topics."""

    hits: list[Hit]
    nearby: list[Hit]
    direct: Direct | None
    region: str | None  # named in the question
    aspects: frozenset[str]
    # A question with no subject of its own, asked with a profile (bot.qa.context): the
    # themes it was read with (their ids; empty when the profile has none); None otherwise.
    about: tuple[str, ...] | None = None


_EACH = frozenset(stem(w) for w in ("par", "chaque", "per", "each"))


def _per_unit(sequence: tuple[str, ...]) -> set[str]:
    """The things a figure is asked per (« par place », « pour chaque nouvelle place »,
    « par poste »): the stems of the two words after « par » or « chaque », but stop words
    and units of time (« par an » is also how a local total is asked)."""
    return {sequence[at] for here, said in enumerate(sequence) if said in _EACH
            for at in (here + 1, here + 2)
            if at < len(sequence) and sequence[at] not in STOP_WORDS
            and sequence[at] not in _DURATION_UNITS and not sequence[at].isdigit()}


# « on doit atteindre combien », « faut-il au minimum », « jusqu'où / jusqu'à quel % peut-on… »:
# the figure of a rule (a floor, a ceiling, a duty, a deadline), the same in every place the
# question names
_RULE = frozenset(stem(w) for w in ("doit", "doivent", "devons", "devez", "dois", "faut",
                                    "minimum", "maximum", "plafond", "plafonds"))


def _asks_rule(sequence: tuple[str, ...]) -> bool:
    """Whether a question asks the figure of a rule (:data:`_RULE`, « jusqu'où »,
    « jusqu'à »)."""
    return bool(_RULE.intersection(sequence)) or any(
        a == "jusqu" and b in ("ou", "a") for a, b in pairwise(sequence))


def _asks_price(aspects: frozenset[str], analysis: Analysis) -> bool:
    """« combien ça coûte… », « quel tarif… »: how much, said with a word of price."""
    return "howmuch" in aspects and bool(_PRICE & set(analysis.sequence))


def _asks_rate(aspects: frozenset[str], analysis: Analysis) -> bool:
    """« quel taux pour… », « mécénat cb % »: how much, said as a share."""
    return "howmuch" in aspects and bool(_RATE & set(analysis.sequence))


def _gives_rate(text: str, analysis: Analysis) -> bool:
    """Whether an answer gives the share asked: a percentage when the question says one
    (« cb % »), any share otherwise (« quel taux »)."""
    share = _PER_CENT if _PERCENTAGE & set(analysis.sequence) else SHARE
    return bool(share.search(text))


def contains(sequence: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` is a run of ``sequence``."""
    return any(sequence[at:at + len(phrase)] == phrase for at in range(len(sequence)))


def osa_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit + 1 beyond it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Searcher:
    """Searches one index with one set of synonyms; immutable once built (thread-safe)."""

    def __init__(self, index: Index, synonyms: Synonyms, answers: Index | None = None,
                 places: Gazetteer | None = None, strong: Index | None = None,
                 names: Index | None = None, sentences: Index | None = None):
        self.index = index
        self.synonyms = synonyms
        self.answers = answers  # index of DirectAnswer documents
        self.places = places
        self.strong = strong  # the same items, their names, titles and questions only
        self.names = names  # the same items, their names only (id, term, acronyms)
        self.sentences = sentences  # the items' sentences that hold a fact (answers.py)
        # The direct answers written for the outre-mer: each of their questions names it or
        # one of its places.
        self.for_the_outre_mer = frozenset(
            number for number, answer in enumerate(answers.items if answers else ())
            if answer.questions and all(map(written_for_the_outre_mer, answer.questions)))
        # ... and, of those, the places each is written for, where all its questions name
        # one (« Qui gère les fonds européens à Saint-Martin ? »: 978): not the answer for
        # another overseas place (« le FEDER en Guadeloupe ? »), whose rules differ
        self.written_for: dict[int, frozenset[str]] = {}
        if places and answers:
            for number in self.for_the_outre_mer:
                named = [frozenset(place.region for place in places.find(question))
                         & OVERSEAS_PLACES for question in answers.items[number].questions]
                if common := frozenset.intersection(*named):  # named by every question
                    self.written_for[number] = common
        self.name_stems: list[set[str]] = [set() for _ in index.items]
        self.number_of = {item.id: number for number, item in enumerate(index.items)}
        item_regions = places.item_regions if places else {}
        self.item_region = [item.region or item_regions.get(item.id) for item in index.items]
        for stem_, postings in (names.postings.items() if names else ()):
            for number, _ in postings:
                self.name_stems[number].add(stem_)
        # Words of names that name partly only if rare: « territoires » alone does not name
        # « Banque des territoires », nor « nouvelle » the CRESS Nouvelle-Aquitaine.
        rare = RARE_NAME_WORD * len(index.items)
        self.rare_names = {s for name in self.name_stems for s in name
                           if len(index.postings.get(s, ())) <= rare}
        # An item's own rare acronym is a whole name by itself: « PAT » names the projet
        # alimentaire territorial, whose name also has « projet », « territorial »…
        # The names as phrases, in order: the id's words (« ess france »), and a glossary
        # entry's term. A longer name said as one phrase is the one meant (below).
        self.name_phrases: list[list[tuple[str, ...]]] = [
            [tuple(stem(w) for w in words(name)) for name in item_names(item)]
            for item in index.items]
        self.name_terms: list[list[tuple[str, ...]]] = [
            [tuple(terms(name)) for name in item_names(item)] for item in index.items]
        # The short words of ids (« mel », « cpo ») that their item's title does not say
        self.id_abbreviations = {
            s for number, item in enumerate(index.items)
            for s in self.name_stems[number] - set(terms(item.title)) if len(s) <= SHORT_NAME}
        self.acronyms: list[set[str]] = [
            {stem(fold(a)) for a in _OWN_ACRONYM.findall(item.title)} & self.rare_names
            & self.name_stems[number] for number, item in enumerate(index.items)]
        examples = dict(synonyms.off_topics)
        self.off_topics = Index.of_documents(
            list(examples), lambda topic: {"examples": " ".join(examples[topic])},
            {"examples": (8.0, 0.0)})
        self.group_of: dict[Phrase, int] = {}
        for number, group in enumerate(synonyms.groups):
            for phrase in group:
                self.group_of.setdefault(phrase, number)
        self.phrases = set(self.group_of) | set(synonyms.context)
        # the phrases of « hors_champ » no item says as such (fixed once the index is built)
        self.off_topic_phrases = frozenset(p for p in synonyms.off_topic_phrases
                                           if not index.adjacent.get(p))
        self.longest_phrase = max((len(p) for p in self.phrases), default=1)
        # Stems typos may be corrected into: the index's, and the one-word synonyms.
        self.known = (set(index.postings) | set(self.off_topics.postings)
                      | {p[0] for p in self.group_of if len(p) == 1})
        self.known_sorted = sorted(self.known)  # for completions by prefix
        self.grams: dict[str, set[str]] = defaultdict(set, {g: set(t) for g, t in
                                                            index.grams.items()})
        for gram, stems in self.off_topics.grams.items():
            self.grams[gram] |= stems
        for phrase in self.group_of:
            if len(phrase) == 1 and phrase[0].isalpha() and len(phrase[0]) >= 3:
                for gram in trigrams(phrase[0]):
                    self.grams[gram].add(phrase[0])
        # Words as written in the content, for typos the stemmer reduces differently from
        # the word meant (« participatf » is not stemmed like « participatif »).
        self.surface_grams: dict[str, set[str]] = defaultdict(set)
        for word in index.surface | self.off_topics.surface:
            if word.isalpha() and len(word) > CORRECTED and stem(word) in self.known:
                for gram in trigrams(word):
                    self.surface_grams[gram].add(word)

    # -- analysis ---------------------------------------------------------------------------

    def expand(self, phrase: Phrase, weight: float) -> list[tuple[Phrase, float]]:
        """A phrase and, if it belongs to a synonym group, the rest of its group."""
        group = self.group_of.get(phrase)
        if group is None:
            return [(phrase, weight)]
        return [(other, weight if other == phrase else weight * SYNONYM_WEIGHT)
                for other in self.synonyms.groups[group]]

    def corrections(self, term: str, typed: str = "",
                    spelt: bool = False) -> list[tuple[str, float]]:
        """Likely meant stems for a stem nobody wrote: close spellings and completions.

        ``typed`` is the word as typed (folded): in words of up to seven letters only a
        wrong or swapped letter is corrected, not a missing or extra one (« garbage » is
        not « garage »). When no stem is close, the typed word is compared with the words
        of the content as written. A word of the French dictionary (``spelt``: « entrepôt »)
        is no typo: only completed, never corrected into another word (« entretien »).
        """
        if not spelt and len(typed) >= CORRECTED and typed.isalpha():
            meant = self.slips(typed)
            if meant:
                return [(candidate, SLIP_WEIGHT) for candidate in meant]
        if len(term) < CORRECTED or not term.isalpha():
            return []
        found = self.close(term, len(typed), self.grams, completions=True, typos=not spelt)
        if not found and len(typed) > CORRECTED and not spelt:
            # several written words may share a stem: it takes the best of their weights
            # (the last one seen depended on the order of a set, so on the hash seed)
            for word, weight in self.close(typed, len(typed), self.surface_grams).items():
                found[stem(word)] = max(weight, found.get(stem(word), 0.0))
        # ties by the stem itself: the candidates come from sets, whose order changes with
        # the process's hash seed, and only six are kept
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        return best[:6]

    def slips(self, typed: str) -> list[str]:
        """The stems of the words a typed word most likely slipped from, by the commonest
        slips of French typing: a doubled consonant typed once (« monaie », « acepté »),
        the mute final « e » left out (« obligatoir », « territoir »), an elided article
        glued to its word (« dinsertion », « lentreprise »), a vowel dropped between two
        consonants (« mobilté »)."""
        variants = [typed + "e"]
        variants += [typed[:at] + typed[at] + typed[at:] for at in range(1, len(typed) - 1)
                     if typed[at] in _DOUBLED and typed[at - 1] != typed[at] != typed[at + 1]]
        variants += [typed[:at] + vowel + typed[at:] for at in range(2, len(typed) - 1)
                     if typed[at - 1] not in _VOWELS and typed[at] not in _VOWELS
                     for vowel in _DROPPED]
        if typed[0] in _ELIDED and typed[1] in _VOWELS:
            variants.append(typed[1:])
        elif typed.startswith("qu") and typed[2] in _VOWELS:
            variants.append(typed[2:])
        meant = {stem(v) for v in variants if len(v) > CORRECTED}
        return sorted(m for m in meant if m in self.index.postings)

    def close(self, term: str, typed_length: int, grams: dict[str, set[str]],
              completions: bool = False, typos: bool = True) -> dict[str, float]:
        """Candidates of ``grams`` within edit distance of ``term`` (and its completions)."""
        found: dict[str, float] = {}
        if completions:
            start = bisect_left(self.known_sorted, term)
            end = bisect_left(self.known_sorted, term + "\uffff", start)
            longer = [t for t in self.known_sorted[start:end] if len(t) > len(term)]
            longer.sort(key=lambda t: (-len(self.index.postings.get(t, ())), t))
            for candidate in longer[:4]:
                found[candidate] = COMPLETION_WEIGHT
        if not typos:
            return found
        limit = 1 if len(term) <= 7 else 2
        shared: dict[str, int] = defaultdict(int)
        for gram in trigrams(term):
            for candidate in grams.get(gram, ()):
                shared[candidate] += 1
        needed = max(1, len(term) - 1 - 3 * limit)
        for candidate, count in shared.items():
            if (count < needed or candidate in found or candidate[0] != term[0]
                    or len(candidate) < CORRECTED):
                continue  # short stems are acronyms or function words (« autr »)
            if max(typed_length, len(term)) <= 7 and len(candidate) != len(term):
                continue  # short words: a swapped or wrong letter, not a missing one
            distance = osa_distance(term, candidate, limit)
            if distance <= limit:
                found[candidate] = TYPO_WEIGHTS[distance]
        return found

    def analyse(self, text: str) -> Analysis:
        typed_words = words(text)  # read once: the analyses below all start from them
        sequence = tuple(stem(w) for w in typed_words)
        said_terms = tuple(terms(text))
        letters = _LETTERS.findall(text)
        capitalised_stems = frozenset(stem(fold(w)) for w in letters[1:] if w[0].isupper())
        folded = self.synonyms.rewrite(list(typed_words))
        accented = {fold(w): w for w in _LETTERS.findall(text.casefold())}
        capitalised = {fold(w) for w in letters if w[0].isupper()}
        acronyms = {fold(w) for w in letters if len(w) > 1 and w.isupper()}
        # Per clause: « mayotte : qui finance… » asks who; the « qui » after a noun of the
        # same clause is a relative (« une coopérative qui rachète… »).
        # « qui l'a organisée ? »: the elided object pronoun is kept, it makes « qui » ask.
        aspects = self.aspects_of(text)
        asking_part = self.asking_part(text)
        if "specific" in aspects and asking_part != text and not refers_back(words(asking_part)):
            # the facts of one organisation, which refuse the question, are what it asks,
            # not who asks (« Je suis agriculteur et adjoint. … qui peut nous aider ? »)
            aspects -= {"specific"} - self.aspects_of(asking_part)
        opening = opening_words(folded)
        if opening or edition_date(folded):
            aspects |= {"specific"}  # one place's opening hours, one call's calendar
        if "howmuch" in aspects and asking_part != text:
            # a sum told in the situation (« l'association que nous aidons à hauteur de
            # 15 000 € ») is not the figure asked, when the sentences that ask ask something
            asked = self.aspects_of(asking_part)
            if asked and "howmuch" not in asked:
                aspects -= {"howmuch"}
        asking = aspect_words(folded)
        folded = drop_aspect_phrases(folded)
        said = " ".join(folded)  # read by the patterns below
        intents = frozenset(kind for kind, marks in INTENTS.items()
                            if any(w in marks and not self.open_what(folded, at)
                                   for at, w in enumerate(folded)))
        if "definition" in aspects:  # « qu'est-ce qu'un... »
            intents |= {"glossary"}
        if _NETWORK.search(said):
            intents |= {"contact"}  # « il existe un réseau qui fait ça ? »: whom to turn to,
                                    # not a place that did it
        elif (_DONE_BEFORE.search(said)  # « un département a-t-il déjà… »
                or _ONE_WHO.search(said)):  # « une comcom qui a… ? »
            intents |= {"example"}
        places = self.places.find(text) if self.places else []
        place_words = {w for place in places for w in place.words}
        regions = {place.region for place in places}
        meaningful = [w for w in folded if w not in STOP_WORDS]
        stems = [stem(w) for w in meaningful]
        concepts: list[Concept] = []
        seen: set[Phrase] = set()
        money = sums(text)
        either = any(names_two_actors(self.synonyms.rewrite(words(clause)))
                     for clause in _CLAUSES.split(text))
        i = 0
        while i < len(stems):
            if (i + 2 < len(stems) and (stems[i], stems[i + 1]) not in self.phrases
                    and (stems[i], stems[i + 2]) in self.phrases
                    and not any({stems[i + 1], stems[i + 2]} <= name
                                for name in self.name_stems)):
                # « garage associatif solidaire »: a phrase with one word inside it (not
                # the name of an item: « aides projet alimentaire [territorial] »)
                for seq in (stems, meaningful):
                    seq[i + 1], seq[i + 2] = seq[i + 2], seq[i + 1]
            for size in range(min(self.longest_phrase, len(stems) - i), 0, -1):
                phrase = tuple(stems[i:i + size])
                if phrase in self.phrases:
                    break
            else:
                size, phrase = 1, (stems[i],)
            typed = meaningful[i:i + size]
            i += size
            if phrase in seen:
                continue
            seen.add(phrase)
            place = all(w in place_words for w in typed)
            if place and phrase[0] not in self.index:
                continue  # a place no item names: its région is what counts
            context = (phrase in self.synonyms.context or place
                       or (phrase[0].isdigit() and not self.telling_number(stems, i - size))
                       or (size == 1 and typed[0] in NUMBER_WORDS)
                       or (size == 1 and phrase[0] in _DURATION_UNITS and i >= 2
                           and (stems[i - 2].isdigit() or meaningful[i - 2] in NUMBER_WORDS)))
            if (phrase in self.group_of or phrase[0] in self.index
                    or phrase[0] in self.off_topics):
                alternatives = self.expand(phrase, 1.0)
            elif context:
                alternatives = [(phrase, 1.0)]
            else:
                alternatives = []
                spelt = is_word(accented.get(typed[0], ""))
                for candidate, weight in self.corrections(phrase[0], typed[0], spelt):
                    alternatives += self.expand((candidate,), weight)
            # « c'est la région ou la préfecture qui… ? »: the two actors are the choices
            # of the answer, what is asked, not its subject
            aspect = (all(w in asking for w in typed)
                      or (either and is_actor(" ".join(typed))))
            unknown = not alternatives and not context and not aspect
            verb = (size == 1 and typed[0] not in acronyms  # « PLU » is no form of « plaire »
                    and is_verb_form(accented.get(typed[0], typed[0])))
            if unknown and (len(typed[0]) < UNKNOWN_LENGTH or not typed[0].isalpha() or verb):
                continue  # « nous voulons », « ils parlent »: nothing about the subject
            concepts.append(Concept(" ".join(phrase), 0.0, alternatives, context,
                                    aspect=aspect, unknown=unknown, verb=verb,
                                    acronym=size == 1 and typed[0] in acronyms
                                    and not text.isupper(),  # not a question in capitals
                                    common_of=self.common_place(typed, capitalised)))
        granted: Concept | None = None
        if self.sum_granted(list(typed_words), money):
            # « le club touchera 25 000 € »: the verb that pays the sum says « subvention »,
            # which stands for it; it weighs nothing of its own
            granting = {stem(w) for w in typed_words if _GRANTED.fullmatch(w)}
            for concept in concepts:
                if concept.verb and concept.typed in granting:
                    concept.context = True
            if _SUBSIDY not in seen:
                granted = Concept(_SUBSIDY[0], 0.0, self.expand(_SUBSIDY, SYNONYM_WEIGHT))
                concepts.append(granted)
        # (not « le département peut-il financer une ressourcerie ? »: whether it may, about
        # that money, answered as any such question)
        funder_named = bool(_COLLECTIVITE_FUNDS.search(said)
                            and not _MAY_IT.search(said))
        if funder_named:
            for concept in concepts:
                if concept.typed in _FUNDER_STEMS:
                    concept.context = False
        self.mark_off_topic(concepts, stems)
        self.mark_narrative(text, concepts)
        if granted is not None:
            granted.narrative = False  # « une asso nous demande 30 000 €. Faut-il une
                                       # convention ? »: the sum told is what the rule asked
                                       # depends on
        # « faut-il une convention pour une subvention ? »: what the rule requires, not money;
        # « la différence entre TZCLD et le fonds ETCLD »: what tells them apart
        compares = bool(_COMPARES.search(" ".join(typed_words)))
        funding = asks_for_funding(folded) and not aspects & RULE_ASPECTS and not compares
        every_region = frozenset(regions)
        return Analysis(concepts, intents, aspects, funding,
                        regions.pop() if len(regions) == 1 else None,
                        regions=every_region,
                        local=tuple(stem(w) for place in places if place.level != "region"
                                    for w in place.words),
                        placed=tuple(stem(w) for place in self.figure_places(text, places)
                                     for w in place.words),
                        outside=self.programmes_outside(places),
                        private=private_matter(folded),
                        counts_ours=counts_ours(folded) or counts_named_now(text, folded),
                        facts=frozenset(stem(w) for w in specific_words(folded) | opening),
                        closed=bool(_CLOSED.search(said)),
                        open=bool(_OPEN.search(said)),
                        either=either, funder_named=funder_named,
                        compares=compares, sequence=sequence, meaningful=said_terms,
                        capitalised=capitalised_stems,
                        may_fund=bool(_MAY.search(said)
                                      and not _WHO.search(said)),
                        people=tuple(p for p in named_people(text, place_words) if not any(
                                     part in self.index.surface or part in place_words
                                     for part in p.split("-"))))

    @staticmethod
    def sum_granted(typed: list[str], money: frozenset[str]) -> bool:
        """Whether a sum of money is said as paid to, received or asked by someone (« le
        club touchera 25 000 € », « on verse 30 000 € à l'asso »): the verb just before
        it, or one word before that (« recevra environ 25 000 € »)."""
        return any(said in money and any(_GRANTED.fullmatch(typed[before])
                                         for before in range(max(at - 2, 0), at))
                   for at, said in enumerate(typed))

    def aspects_of(self, text: str) -> frozenset[str]:
        """What a text asks about its subject, clause by clause."""
        return frozenset().union(*(
            # « il récupère quel % ? » asks how much: words() reads a bare « % » as
            # « pourcentage »
            aspects_of(self.synonyms.rewrite(words(_WHO_ELIDED.sub("qui le ", clause))))
            for clause in _CLAUSES.split(text)))

    def figure_places(self, text: str, places: list[Place]) -> list[Place]:
        """The places of the figure a question asks: those of its clauses that ask how much,
        or that say nothing but a place (« Cantal : combien de SCIC ? »); not those of a
        clause telling the situation (« la MJC de Langres obtient un poste Fonjep : ça
        couvre quelle somme ? » asks the sum of a Fonjep post, the same everywhere)."""
        clauses = [c for c in _CLAUSES.split(text) if c.strip()]
        if len(clauses) < 2 or not self.places:
            return places
        found: list[Place] = []
        counting = any(_COUNTING.search(" ".join(words(clause))) for clause in clauses
                       if "howmuch" in self.aspects_of(clause))
        for clause in clauses:
            own = self.places.find(clause)
            said = {w for place in own for w in place.words}
            if "howmuch" in self.aspects_of(clause):
                if _HERE.search(" ".join(words(clause))):
                    return places  # « … dans la Creuse. Combien de SCIC y a-t-il ? »
                found += own
            elif (not [w for w in words(clause) if w not in STOP_WORDS and w not in said]
                  or (counting and _OURS.intersection(words(clause)))):
                found += own  # « Cantal : … », « on est une commune du Cantal. Combien
                              # de… ? » (not « notre France Services à Sada : l'État nous
                              # verse quelle somme ? », the sum of any France Services)
        return found

    @staticmethod
    def asking_part(text: str) -> str:
        """The sentences of a question that ask (end with « ? »), when others tell the
        situation (« Je suis agriculteur et adjoint. »); the whole text otherwise."""
        sentences = [s for s in _SENTENCES.split(text.strip()) if s]
        asking = [s for s in sentences if s.rstrip().endswith("?")]
        if len(sentences) < 2 or not asking or len(asking) == len(sentences):
            return text
        return " ".join(asking)

    def mark_narrative(self, text: str, concepts: list[Concept]) -> None:
        """In a question of several sentences, the words said only in those that ask
        nothing (« Le conseil veut aider les habitants… ») tell the situation; the subject
        is in the sentence that asks (« Existe-t-il des solutions de mobilité… ? »)."""
        sentences = [s for s in _SENTENCES.split(text.strip()) if s]
        asking = [s for s in sentences if s.rstrip().endswith("?")]
        if len(sentences) < 2 or not asking or len(asking) == len(sentences):
            return
        asked = {stem(w) for s in asking for w in self.synonyms.rewrite(words(s))}
        topical = [c for c in concepts if not c.context and not c.aspect]
        if not any(asked & set(c.typed.split()) for c in topical):
            return  # « … jusqu'à combien. Réponse ? »: the subject is told before
        for concept in topical:
            concept.narrative = not asked & set(concept.typed.split())
        # « Je suis maire-adjoint, ancien professeur des écoles… »: who asks, said in a
        # sentence of its own, is context, even a word that names an item
        presenting = [s for s in sentences if s not in asking and _PRESENTING.match(fold(s))]
        if not presenting:
            return
        told = {stem(w) for s in sentences if s not in presenting
                for w in self.synonyms.rewrite(words(s))}
        for concept in topical:
            if not told & set(concept.typed.split()):
                concept.context = True

    def mark_off_topic(self, concepts: list[Concept], stems: list[str]) -> None:
        """Marks the concepts of a phrase of « hors_champ » the question says whole, in order,
        and no item says as such (« changement de prénom à l'état civil »): its subject is
        that phrase, whatever the weight of its words apart in the knowledge base (« état »
        is the State there, and weighs little)."""
        said = tuple(stems)
        for phrase in self.off_topic_phrases:
            if not contains(said, phrase):
                continue
            for concept in concepts:
                own = concept.typed.split()
                if set(own) <= set(phrase):
                    concept.off_topic = max(concept.off_topic, len(own) / len(phrase))

    def common_place(self, typed: list[str], capitalised: set[str]) -> str | None:
        """The région of the place a lower-case word would name with a capital (« réunion »,
        « centre », « gard » in « a gardé »): as the places module reads it, the common
        word, which names no item of that place."""
        key = tuple(typed)
        if (self.places is None or key not in self.places.needs_capital
                or typed[0] in capitalised):
            return None
        return self.places.names[key][0]

    def common_word_matches(self, concept: Concept, matches: dict[int, float],
                            others: set[str]) -> dict[int, float]:
        """A concept's matches without the items of the place its common word would name,
        when their names hold it (« une grande réunion » does not match La Réunion's
        CRESS, which it matches by its name only) — unless ``others``, the question's other
        words, say the rest of the name (« cress reunion »)."""
        if concept.common_of is None:
            return matches
        said = {s for phrase, _ in concept.alternatives for s in phrase}
        return {n: v for n, v in matches.items() if not self.common_word_of(concept, said,
                                                                         others, n)}

    def common_word_of(self, concept: Concept, said: set[str], others: set[str],
                       number: int) -> bool:
        """Whether a concept is the common word that an item's name holds as a place
        (« réunion » and the CRESS of La Réunion): not when the question says the rest of
        the name, which the place completes (« cress reunion »)."""
        name = self.name_stems[number]
        return (concept.common_of is not None and self.item_region[number] == concept.common_of
                and bool(said & name) and not name - said <= others)

    @staticmethod
    def open_what(folded: list[str], at: int) -> bool:
        """Whether the « quoi » at ``at`` is the object of an action (« ça avait donné
        quoi ? », « on commence par quoi ? », « ça finance quoi ? »), not a request for
        what a thing is (« c'est quoi », « veut dire quoi », « en quoi consiste »)."""
        return (folded[at] in _WHAT and at > 0 and folded[at - 1] not in _DEFINING)

    def programmes_outside(self, places: list[Place]) -> frozenset[str]:
        """The programmes whose members are known that the one commune a question names
        is not in (« une épicerie solidaire à Roubaix »: not Petites villes de demain)."""
        communes = [p for p in places if p.programmes is not None]
        if len(communes) != 1 or self.places is None:
            return frozenset()
        return self.places.programmes - (communes[0].programmes or frozenset())

    def telling_number(self, stems: list[str], at: int) -> bool:
        """Whether a number says what is asked (« plus de 23k », a threshold few items
        give), rather than who asks (« 800 habitants », « 400 âmes »)."""
        having = len(self.index.postings.get(stems[at], ()))
        after = tuple(stems[at + 1:at + 2])
        return 0 < having <= SPECIFIC_ITEMS and after not in self.synonyms.context

    # -- ranking ----------------------------------------------------------------------------

    def search(self, text: str, top: int | None = None, region: str | None = None) -> list[Hit]:
        """Items matching the question, best first, with their score (0..1)."""
        hits = self.rank(self.analyse(text), region)
        return hits[:top] if top else hits

    def rank(self, analysis: Analysis, region: str | None = None,
             context: AskContext | None = None) -> list[Hit]:
        """Every matching item with its score; sets the concepts' importance. With the
        asker's context, items that apply to it go first (the scores do not change)."""
        scores = self.weigh(analysis)
        if not scores:
            return []
        named = analysis.region
        region = named or region or (context.region if context else None)
        hits: list[tuple[float, Item]] = []
        preference: dict[str, float] = {}
        whole = {self.index.items[n].id for n, share in analysis.named.items() if share == 1.0}
        for number, score in scores.items():
            item = self.index.items[number]
            programmes = item.restricts("programmes")
            if programmes and programmes <= analysis.outside:
                continue  # a programme the commune named is not in
            if analysis.named.get(number) == 1.0:
                score *= NAME_BOOST
            if item.kind in analysis.intents:
                score *= INTENT_BOOST
            elif (item.kind == "example" and "howto" in analysis.aspects
                  and not analysis.intents):
                score *= HOWTO_EXAMPLE  # « comment mettre des clauses… »: the lever first
            if analysis.funding and item.kind == "funding":
                score *= FUNDING_BOOST
            if region and item.region:
                if item.region == region:
                    score *= NAMED_REGION if named else OWN_REGION
                else:
                    score *= OTHER_REGION
            elif item.region in COM_REGION_CODES and item.region not in analysis.regions:
                # a collectivité d'outre-mer's own contact (Saint-Martin's préfecture and
                # DEETS) answers a question of that place, not one that names none
                score *= OTHER_REGION
            elif named and self.places and self.places.item_regions.get(item.id) == named:
                score *= OWN_REGION  # an example of the région the question names
            if context and (misfits := self.misfits(item, number, context, region)):
                preference[item.id] = OTHER_PROFILE ** misfits
            hits.append((score, item))
        # Sorted before the score is capped at 1, so that boosts still order the best; at
        # the same shown score, an item the question names whole first.
        hits.sort(key=lambda h: (-round(h[0] * preference.get(h[1].id, 1.0), 4),
                                 h[1].id not in whole, h[1].kind != "glossary", h[1].id))
        # A near tie (within 1 %) is the noise of field lengths: the item named whole first.
        for at in range(1, len(hits)):
            if (hits[at][1].id in whole and hits[at - 1][1].id not in whole
                    and hits[at][0] >= NEAR_TIE * hits[at - 1][0]):
                hits[at - 1], hits[at] = hits[at], hits[at - 1]
        if analysis.compares:
            hits = self.compared_first(hits, whole, analysis)
        return [Hit(item, round(min(score, 1.0), 4)) for score, item in hits]

    def misfits(self, item: Item, number: int, context: AskContext, region: str | None) -> int:
        """On how many counts an item does not apply to the asker's profile, as far as the
        profile says: another type of collectivité (not one whose competences it exercises:
        the CTG's RSA is a département's), a context the territory is not in (or one it is
        excluded from), an example of another région."""
        count = 0
        kinds = item.restricts("collectivites")
        if kinds and not context.fits(kinds):
            count += 1
        contexts = item.restricts("contexts")
        if context.contexts and (context.contexts & (item.restricts("not_contexts") or set())
                                 or (contexts and not contexts & context.contexts)):
            count += 1
        elif context.hexagone and contexts == frozenset({"outre-mer"}):
            count += 1  # a région of the Hexagone that picked no context
        place = self.item_region[number]
        if item.kind == "example" and region and place and place != region:
            count += 1
        return count

    def subjectless(self, text: str, analysis: Analysis) -> bool:
        """Whether a question asks something but has no subject of its own (« qui finance ? »,
        « quelles aides ? », « et pour les assos ? »): short, naming no item nor a word of
        few items, nothing the base does not know, no place, no one. « merci », « hein ? » ask
        nothing. The analysis must have been ranked (that marks the concepts naming items)."""
        topical = [c for c in analysis.concepts if not c.context]
        asks = analysis.aspects or analysis.funding or analysis.intents
        if not (asks or ("?" in text and topical)):
            return False  # « merci », « hein ? »
        if (self.is_long(analysis) or analysis.region or analysis.private or analysis.people
                or analysis.compares or analysis.named):
            return False
        # A word of « hors_champ » no item has (« météo ») is a subject, elsewhere; a generic
        # word both have (« aides », « assos ») is not: the profile says which ones are meant.
        return not any(c.names or c.specific or c.unknown
                       or (self.off_topics_only(c) and self.best_match(self.index, c) < MATCHED)
                       for c in topical)

    @staticmethod
    def completed(text: str, context: AskContext) -> str:
        """The question as if the agent had named their themes: « qui finance ? » →
        « qui finance pour emploi et insertion, mobilité ? »."""
        return (text.rstrip(" ?!.…") + " pour " + ", ".join(context.theme_words).casefold()
                + " ?")

    def compared_first(self, hits: list[tuple[float, Item]], whole: set[str],
                       analysis: Analysis) -> list[tuple[float, Item]]:
        """A comparison names its subjects: an item for each thing named whole comes first,
        its glossary entry if it has one (« la différence entre une SCOP et une SCIC »: the
        SCOP's entry and the SCIC's, though the SCOP's alone says both words)."""
        concepts = [{s for phrase, _ in c.alternatives for s in phrase}
                    for c in analysis.concepts]
        subjects: set[int] = set()  # the concepts whose thing has its item first
        compared: list[tuple[float, Item]] = []
        # what tells things apart is first their definitions: the glossary's entries first
        for score, item in sorted(hits, key=lambda hit: hit[1].kind != "glossary"):
            if item.id not in whole or len(compared) == COMPARED:
                continue
            number = self.number_of[item.id]
            name = self.name_stems[number] | self.acronyms[number]
            subject = next((at for at, said in enumerate(concepts) if said & name), None)
            if subject is not None and subject not in subjects:
                subjects.add(subject)
                compared.append((score, item))
        if len(compared) < 2:
            return hits  # one thing named: nothing compared
        best = hits[0][0]
        ids = {item.id for _, item in compared}
        return ([(best * (1 + COMPARED_LEAD * (COMPARED - at)), item)
                 for at, (_, item) in enumerate(compared)]
                + [hit for hit in hits if hit[1].id not in ids])

    @staticmethod
    def funds_how(answer: DirectAnswer) -> bool:
        """Whether every question a written answer answers « comment » asks how it is
        funded (« comment l'État finance-t-il les PTCE ? »): how money comes, not how to
        do or start the thing."""
        how = [q for q in answer.questions if "howto" in aspects_of(words(q))]
        return bool(how) and all(_FUNDS_HOW.search(" ".join(words(q))) for q in how)

    def answer_says(self, number: int, concept: Concept) -> bool:
        """Whether a direct answer's own questions or text say a concept (not only its
        item's keywords: « qui représente les SCOP ? » says nothing of associations)."""
        assert self.answers is not None
        answer: DirectAnswer = self.answers.items[number]
        said = set(terms(" ".join(answer.questions) + " " + answer.text))
        return any(phrase and set(phrase) <= said for phrase, _ in concept.alternatives)

    @staticmethod
    def compared_things(analysis: Analysis) -> list[Concept]:
        """The two things a comparison joins (« entre une SCIC et une asso », « SEM ou SCIC
        pour gérer un service… »): the subjects said next to its first « et », « ou » or
        « vs », not the rest of the sentence."""
        if not analysis.compares:
            return []
        located: list[tuple[int, Concept]] = []
        for concept in analysis.concepts:
            if concept.context or concept.aspect or not concept.alternatives:
                continue
            firsts = {phrase[0] for phrase, _ in concept.alternatives if phrase}
            firsts.add(concept.typed.split()[0])
            at = next((i for i, s in enumerate(analysis.sequence) if s in firsts), None)
            if at is not None:
                located.append((at, concept))
        for joint, said in enumerate(analysis.sequence):
            if said not in _JOINS:
                continue
            before = [pair for pair in located if pair[0] < joint]
            after = [pair for pair in located if pair[0] > joint]
            if before and after:
                return [max(before, key=lambda pair: pair[0])[1],
                        min(after, key=lambda pair: pair[0])[1]]
        return []

    def weigh(self, analysis: Analysis) -> dict[int, float]:
        """The share of the question's weight each item covers (0..1).

        A concept weighs what it discriminates: the idf of the items that have it, so that
        « mairie », whose synonyms are everywhere, weighs as little as « commune ». A word
        no item has weighs much (a question about something else), less when another word
        of the question names an item. Context words weigh little; in a long question, so
        do words found only in the body of items.
        """
        index = self.index
        n = len(index.items)
        stems_of = [{s for phrase, _ in c.alternatives for s in phrase}
                    for c in analysis.concepts]
        others = [set().union(*(stems for at, stems in enumerate(stems_of) if at != here))
                  for here in range(len(stems_of))]
        matches = [self.common_word_matches(c, self.concept_matches(index, c), rest)
                   for c, rest in zip(analysis.concepts, others, strict=True)]
        strong_matches = [self.common_word_matches(c, self.concept_matches(self.strong, c), rest)
                          if self.strong else {}
                          for c, rest in zip(analysis.concepts, others, strict=True)]
        strength = [max(m.values(), default=0.0) if self.strong else 1.0
                    for m in strong_matches]
        self.name_items(analysis)
        self.mark_spelt(analysis)
        for concept, strong_match in zip(analysis.concepts, strong_matches, strict=True):
            few = sum(1 for value in strong_match.values() if value >= ANCHOR)
            concept.specific |= 0 < few <= SPECIFIC_ITEMS and not concept.verb
        topical = [c for c in analysis.concepts if not c.context]
        if (not analysis.aspects and len(topical) == 1 and topical[0].names
                and len(analysis.concepts) - len(topical) <= LONE_NAME_CONTEXT
                and not (analysis.region is not None
                         and (_WHICH.intersection(analysis.sequence)
                              or self.names_place_contact(analysis, matches[
                                  analysis.concepts.index(topical[0])])))):
            analysis.aspects = frozenset({"definition"})  # « SCIC ? »: what it is
            analysis.intents |= {"glossary"}
        if all(c.context for c in analysis.concepts):
            for concept in analysis.concepts:  # « EPCI définition »: the context is the subject
                said = {s for phrase, _ in concept.alternatives for s in phrase}
                # (a name of its own, said whole: « c'est quoi une commune nouvelle ? »)
                concept.context = not any(name and name <= said for name in self.name_stems)
                concept.context &= not any(own and set(own) <= said and len(own) > 1
                                           for names in self.name_terms for own in names)
        topical = [c for c in analysis.concepts if not c.context]
        anchored = any(s >= ANCHOR for c, s in zip(analysis.concepts, strength, strict=True)
                       if not c.context)
        long = len(topical) >= LONG
        scores: dict[int, float] = defaultdict(float)
        total = 0.0
        for concept, best, strong in zip(analysis.concepts, matches, strength, strict=True):
            having = sum(1 for value in best.values() if value >= MATCHED)
            if having:
                concept.importance = math.log(1 + (n - having + 0.5) / (having + 0.5))
                if concept.names:
                    concept.importance = max(concept.importance, NAME_FLOOR)
                elif (long or anchored) and strong < MATCHED and not concept.off_topic:
                    # (a word of a phrase of « hors_champ » said whole is the subject, not
                    # the periphery: « rupture », said once in an item's body)
                    concept.importance *= PERIPHERAL_SHARE
            else:
                concept.importance = UNKNOWN_SHARE * index.max_idf
                if anchored and not self.off_topics_only(concept):
                    concept.importance *= ANCHORED_UNKNOWN
            if concept.narrative and not concept.names:
                concept.importance *= NARRATIVE_SHARE
            if concept.context:
                concept.importance *= CONTEXT_SHARE
            elif concept.aspect and not concept.names:
                concept.importance *= ASPECT_SHARE
            elif concept.verb and not concept.names and strong < ANCHOR:
                concept.importance *= VERB_SHARE
            if concept.off_topic and not concept.names:
                # a phrase of « hors_champ » no item says weighs as a word no item has,
                # shared among its words: not what their idf makes of them apart
                concept.importance = max(concept.importance,
                                         concept.off_topic * UNKNOWN_SHARE * index.max_idf)
        analysis.reduced = 0.0
        if long:  # query reduction: the subject of a long question is in the knowledge base
            key = sorted((c for c in analysis.concepts if not c.context),
                         key=lambda c: -c.importance * strength[analysis.concepts.index(c)])
            for concept in key[KEEP:]:
                if not concept.off_topic:  # the subject, when it is what the bot is not for
                    concept.importance *= REDUCED
                    analysis.reduced += concept.importance
        for concept, best in zip(analysis.concepts, matches, strict=True):
            total += concept.importance
            for number, value in best.items():
                scores[number] += concept.importance * value
        analysis.total = total
        if total <= 0:
            return {}
        return {number: raw / total for number, raw in scores.items()}

    @staticmethod
    def mark_spelt(analysis: Analysis) -> None:
        """« le sigle ACI dans le compte rendu du comité…, ça désigne quoi ? »: the name
        after « sigle », « acronyme » is what is asked; the other words tell where it was
        read, and weigh as the situation told (not the « compte rendu » of a subsidy)."""
        sequence = analysis.sequence
        spelt = {sequence[at + 1] for at, said in enumerate(sequence[:-1]) if said in _SPELT}
        if not spelt:
            return
        named = [c for c in analysis.concepts if c.full_name and spelt & set(c.typed.split())]
        if not named:
            return
        for concept in analysis.concepts:
            if not concept.context and not concept.aspect and concept not in named:
                concept.narrative = True

    def names_place_contact(self, analysis: Analysis, matches: dict[int, float]) -> bool:
        """Whether the lone name a question says is the name of the contact of the région
        its place is in (« au Lamentin, la CRESS ? » asks for the CRESS of Martinique, not
        what a CRESS is)."""
        return any(value >= MATCHED and self.index.items[number].kind == "contact"
                   and self.index.items[number].region == analysis.region
                   for number, value in matches.items())

    def off_topics_only(self, concept: Concept) -> bool:
        """Whether a concept is a word of « hors_champ » that no item has (« tennis »): it
        keeps its whole weight, being about something else for sure."""
        return any(phrase[0] in self.off_topics for phrase, _ in concept.alternatives)

    def name_items(self, analysis: Analysis) -> None:
        """The items the question names (most of the words of their id, term or acronym),
        and the concepts that name them."""
        said = [{s for phrase, _ in c.alternatives for s in phrase} for c in analysis.concepts]
        # a verb form names nothing by the short word of an id its title does not say
        # (« s'en mêler » is not the MEL, the Métropole européenne de Lille)
        naming = [stems - self.id_abbreviations if c.verb else stems
                  for c, stems in zip(analysis.concepts, said, strict=True)]
        everything = set().union(*naming) if naming else set()
        # « une grande réunion »: a common word names no item of the place it would name
        commons = [(c, stems, everything - stems) for c, stems in zip(analysis.concepts, said,
                                                                      strict=True)
                   if c.common_of]
        analysis.named = {}
        whole: dict[int, set[str]] = {}  # item -> the stems of the name said whole
        for number, name in enumerate(self.name_stems):
            if name:
                shared = name & everything
                for concept, stems, others in commons:
                    if self.common_word_of(concept, stems, others, number):
                        shared = shared - stems
                share = len(shared) / len(name)
                # « l'aide à la vie partagée » says one whole name of the AVP, as one phrase
                said_name = next((set(own) for own in self.name_terms[number]
                                  if own and contains(analysis.meaningful, own)), None)
                if share < 1.0 and said_name is not None:
                    share, name = 1.0, said_name
                if share >= NAMED and (share == 1.0 or shared & self.rare_names):
                    analysis.named[number] = share
                if share == 1.0:
                    whole[number] = name
                elif self.acronyms[number] & everything:  # « PAT »
                    analysis.named[number] = 1.0
                    whole[number] = self.acronyms[number] & everything
        # « Qu'est-ce que France Tiers-Lieux ? » names France Tiers-Lieux, not the tiers-lieu
        # whose name is inside it: a name said whole inside a longer proper name (its other
        # words capitalised) said as one phrase is not named whole (« l'ESS en France »
        # still names the ESS, « l'agrément ESUS » the ESUS entry)
        for number, name in list(whole.items()):
            if any(name < longer and longer - name <= analysis.capitalised
                   and self.phrase_said(other, analysis.sequence)
                   for other, longer in whole.items() if other != number):
                del whole[number]
                analysis.named[number] = min(analysis.named[number], LONGER_NAMED)
        for concept, stems in zip(analysis.concepts, said, strict=True):
            concept.names = any(stems & self.name_stems[n] for n in analysis.named)
            concept.full_name = any(stems & name for name in whole.values())
            concept.specific = concept.full_name

    def asks_which(self, analysis: Analysis, item: Item) -> bool:
        """Whether the question asks which one of the kind an item's name says (« Valence,
        quelle CRESS nous couvre ? », « on s'adresse à quelle chambre régionale ? »): « quel »
        before a word that names it."""
        name = self.name_stems[self.number_of[item.id]]
        after = {analysis.sequence[at + 1] for at, said in enumerate(analysis.sequence[:-1])
                 if said in _WHICH}
        return any(concept.typed.split()[0] in after
                   and any(set(phrase) & name for phrase, _ in concept.alternatives)
                   for concept in analysis.concepts if concept.typed)

    def phrase_said(self, number: int, sequence: tuple[str, ...]) -> bool:
        """Whether one of an item's names of two words or more is said as one phrase."""
        return any(len(phrase) >= 2 and contains(sequence, phrase)
                   for phrase in self.name_phrases[number])

    def only_names(self, analysis: Analysis, item: Item) -> bool:
        """Whether a question asks about nothing but this item: each of its topical words
        is a word of the item's name (« la CRESS compétente c'est laquelle ? » at Guéret)."""
        name = self.name_stems[self.number_of[item.id]]
        topical = [c for c in analysis.concepts if not c.context and not c.aspect]
        return bool(topical) and all(
            any(set(phrase) <= name for phrase, _ in c.alternatives) for c in topical)

    @staticmethod
    def is_long(analysis: Analysis) -> bool:
        """Whether a question is long: its context and details dilute every score."""
        return sum(1 for c in analysis.concepts if not c.context) >= LONG

    def rare(self, concept: Concept) -> bool:
        """Whether a concept says a rare word of a name (« PTCE », not « ESS », which every
        item has)."""
        return any(s in self.rare_names for phrase, _ in concept.alternatives for s in phrase)

    def best_match(self, index: Index | None, concept: Concept) -> float:
        if index is None:
            return 1.0
        return max(self.concept_matches(index, concept).values(), default=0.0)

    def off_topic(self, analysis: Analysis) -> float:
        """How much of the question a topic of « hors_champ » covers (0..1)."""
        if not self.off_topics.items or not analysis.total:
            return 0.0
        covered: dict[int, float] = defaultdict(float)
        for concept in analysis.concepts:
            if concept.names or self.said_with_the_rest(analysis, concept):
                continue  # a question naming an item is about the knowledge base
            for number, value in self.concept_matches(self.off_topics, concept).items():
                covered[number] += concept.importance * value
        return max(covered.values(), default=0.0) / analysis.total

    def said_with_the_rest(self, analysis: Analysis, concept: Concept) -> bool:
        """Whether an item says this word next to a word the question has next to it, and
        every other word of the question (« la loi d'urgence pour Mayotte »: one says « loi
        d'urgence » and « Mayotte »): a word of « hors_champ » (« urgences ») is then said in
        the base's sense, not the off-topic one. Only with another word that is not who
        asks (« les urgences à Mayotte » is still health), one that names an item (« quelle
        loi pour les urgences ? » is not about one) and none the base lacks."""
        others = [c for c in analysis.concepts if c is not concept and not c.verb]
        if (concept.context or not any(not c.context for c in others)
                or not any(c.names for c in others) or any(c.unknown for c in others)):
            return False
        said = analysis.meaningful
        own = set(concept.typed.split())
        together: set[int] = set()
        for at, word in enumerate(said):
            if word in own:
                for pair in pairs_around(said, at):
                    together |= self.index.adjacent.get(pair, set())
        for other in [concept, *others]:
            together &= self.saying(self.index, other)
            if not together:
                return False
        return True

    @staticmethod
    def saying(index: Index, concept: Concept) -> set[int]:
        """The documents that say the concept: every word of one of its alternatives
        (« allocataires du RSA » for « bénéficiaires du RSA »), however often."""
        found: set[int] = set()
        for phrase, _ in concept.alternatives:
            having = [{n for n, _ in index.postings.get(s, ())} for s in phrase]
            found |= set.intersection(*having) if having else set()
        return found

    def saying_spelt_out(self, concept: Concept) -> set[int]:
        """The direct answers that spell out the name of the item whose own acronym the
        concept is (« PAT »: « l'île d'Oléron… son projet alimentaire territorial »)."""
        assert self.answers is not None
        said = {s for phrase, _ in concept.alternatives for s in phrase}
        found: set[int] = set()
        for number, acronyms in enumerate(self.acronyms):
            if not acronyms & said:
                continue
            for name in self.name_terms[number]:
                if len(name) > 1 and not acronyms & set(name):
                    found |= self.saying(self.answers, Concept(" ".join(name), 0.0,
                                                               [(name, 1.0)]))
        return found

    @staticmethod
    def concept_matches(index: Index, concept: Concept) -> dict[int, float]:
        """For each document, how well its best alternative of the concept matches (0..1)."""
        idf, postings, unknown = index.idf, index.postings, index.max_idf
        best: dict[int, float] = {}
        for phrase, weight in concept.alternatives:
            phrase_idf = sum(idf.get(s, unknown) for s in phrase)
            matched: dict[int, float] = defaultdict(float)
            for s in phrase:
                for number, saturation in postings.get(s, ()):
                    matched[number] += idf[s] * saturation
            together = index.adjacent.get(phrase)  # where the phrase is said as such
            for number, value in matched.items():
                value = weight * value / phrase_idf
                if together is not None and number not in together:
                    value *= PHRASE_APART  # its words here and there, not the phrase
                if value > best.get(number, 0.0):
                    best[number] = value
        return best

    # -- the whole answer -------------------------------------------------------------------

    def ask(self, text: str, top: int = 3, region: str | None = None,
            context: AskContext | None = None) -> Result:
        """Relevant items (best first, the direct answer's item first), a direct answer if
        one fits, or no item and the close topics. With the asker's context (bot.qa.context),
        a question with no subject of its own is asked about their themes, and what applies
        to their profile goes first."""
        if context is None:
            return self.answer(self.analyse(text), top, region)
        analysis = self.analyse(text)
        self.rank(analysis, region)  # marks the concepts that name items
        if not self.subjectless(text, analysis):
            return self.answer(self.analyse(text), top, region, context)
        themed = bool(context.theme_words)
        if themed:
            text = self.completed(text, context)  # the profile's themes are its subject
        completed = self.analyse(text)
        completed.themed = themed
        result = self.answer(completed, top, region, context)
        return self.about_profile(result, "contact" in analysis.intents, top, context)

    def about_profile(self, result: Result, contact: bool, top: int,
                      context: AskContext) -> Result:
        """The answer to a question with no subject of its own: no direct answer (the one
        found would answer a question the agent did not ask: « qui finance ? » is not « who
        takes part in the mobility plan »), and, for whom to contact, the CRESS of the
        agent's région first."""
        hits = result.hits
        if contact and context.region:
            cress = next((item for item in self.index.items
                          if item.kind == "contact" and item.region == context.region), None)
            if cress is not None:
                best = max((h.score for h in hits), default=RELEVANT)
                hits = [Hit(cress, best)] + [h for h in hits if h.item.id != cress.id]
        return Result(hits[:top], [] if hits else result.nearby, None, result.region,
                      result.aspects, context.themes)

    def answer(self, analysis: Analysis, top: int, region: str | None = None,
               context: AskContext | None = None) -> Result:
        """The result of an analysed question (see :meth:`ask`)."""
        ranked = self.rank(analysis, region, context)
        direct = self.direct_answer(analysis, ranked) or self.extract(analysis, ranked)
        best = max((h.score for h in ranked), default=0.0)
        factual = bool(analysis.aspects & FACTUAL)
        needed = RELEVANT
        if direct is None and "howmuch" in analysis.aspects:
            needed = NUMBER_RELEVANT  # numbers come from direct answers, not from guesses
        elif (direct is None and factual and not analysis.either
              and not (ranked and self.named_whole(analysis, ranked[0]))):
            needed = FACTUAL_RELEVANT
        off = self.off_topic(analysis)
        evidence = max(best, direct.score if direct else 0.0)
        if off >= OFF_TOPIC_MIN and off >= OFF_TOPIC_RATIO * evidence:
            direct, best = None, 0.0  # closer to what the bot is not for
        if "howmuch" in analysis.aspects and analysis.placed and not self.figure_of(
                direct, analysis):
            direct, best = None, 0.0  # a local figure (« combien de SCIC dans le Cantal »)
        if "specific" in analysis.aspects and not self.holds_specific(analysis, direct):
            direct, best = None, 0.0  # the budget, phone number or head of one organisation
        if "address" in analysis.aspects and not self.holds_specific(analysis, direct,
                                                                     address=True):
            direct, best = None, 0.0  # « adresse de l'épicerie solidaire de Roubaix »
        if ("howmuch" in analysis.aspects and analysis.counts_ours
                and not (direct and "specific" in direct.answer.aspects)):
            direct, best = None, 0.0  # « combien d'habitants de notre QPV... »: our figure
        if all(c.context for c in analysis.concepts):
            direct, best = None, 0.0  # only who asks, nothing asked (« le maire de Lyon »)
        if analysis.private or analysis.people:
            direct, best = None, 0.0  # « mon passeport », « que pense Jean Dupont »
        topical = [c for c in analysis.concepts if not c.context]
        if any(c.unknown for c in topical) and not any(c.specific for c in topical):
            direct, best = None, 0.0  # « financer une zorglubienne »: another subject
        if (any(c.unknown and c.acronym for c in topical)
                and not any(c.full_name or (c.names and (c.acronym or (
                    c.specific and self.proper_name(c.typed)))) for c in topical)):
            direct, best = None, 0.0  # « FONJEP : combien par poste ? »: a name the base
                                      # does not know, and none it knows (« PDI… du
                                      # CASF »: an acronym it knows is one; so is a rare
                                      # name of an item that no dictionary has, « la
                                      # MJC… touche un Fonjep », not « RIFSEEP d'un
                                      # adjoint »)
        relevant = RELEVANT
        if self.is_long(analysis) and not any(c.unknown for c in topical):
            kept = (analysis.total - analysis.reduced) / analysis.total
            needed, relevant = needed * kept, relevant * kept
        if (direct is None and best < needed) or not ranked:
            nearby = [h for h in ranked[:top] if h.score >= NEARBY]
            return Result([], nearby, None, analysis.region, analysis.aspects)
        hits = [h for h in ranked if h.score >= relevant]
        if (self.funding_request(analysis) and not analysis.funder_named
                and "example" not in analysis.intents):
            hits = self.funding_first(hits)  # (« exemple de cantine financée par la
                                             # DETR » asks for a place that did it)
        if (direct is not None and (analysis.aspects & OPEN_ASPECTS or analysis.open)
                and not analysis.closed and _YES.match(direct.answer.text)):
            # « qui peut entrer au capital ? », « quel rôle pour le département ? », « qui
            # peut financer une crèche associative ? » are not answered « Oui : … »
            text = _YES.sub("", direct.answer.text, count=1)
            direct = Direct(replace(direct.answer, text=text[:1].upper() + text[1:]),
                            direct.score)
        if direct is not None:
            own = next((h for h in ranked if h.item.id == direct.answer.item.id),
                       Hit(direct.answer.item, direct.score))
            hits = [own] + [h for h in hits if h.item.id != own.item.id]
        return Result(hits[:top], [], direct, analysis.region, analysis.aspects)

    def named_whole(self, analysis: Analysis, hit: Hit) -> bool:
        """Whether the question says this item's whole name (« c'est qui l'ANCT ? »): a
        factual question about it needs no more than :data:`RELEVANT` to be answered by it."""
        return (analysis.named.get(self.number_of[hit.item.id]) == 1.0
                and any(c.full_name for c in analysis.concepts))

    @staticmethod
    def proper_name(term: str) -> bool:
        """Whether a stem is a name rather than a French word (« fonjep », not « adjoint »):
        no dictionary has it and the suffix rules leave it whole."""
        return " " not in term and stem(term) == term and not is_word(term)

    @staticmethod
    def funding_request(analysis: Analysis) -> bool:
        """Whether a question asks who funds its subject (« quels fonds pour... », « qui peut
        mettre de l'argent ? », « comment financer... »), nothing more precise."""
        return analysis.funding and analysis.aspects <= FUNDING_REQUEST_ASPECTS

    @staticmethod
    def asks_who_funds(analysis: Analysis) -> bool:
        """« qui finance… », « qui subventionne… »: the « who » is the funder (not « qui est
        compétent pour les aides… », who acts, nor a question on a body it names whole, nor
        a bare « qui finance ? » asked about the asker's themes, which shows each theme)."""
        return (analysis.funding and not analysis.themed
                and not any(share == 1.0 for share in analysis.named.values())
                and any(a in ("qui", "ki") and b in _FUNDING_VERBS
                        for a, b in zip(analysis.sequence, analysis.sequence[1:],
                                        strict=False)))

    @staticmethod
    def funding_first(hits: list[Hit]) -> list[Hit]:
        """The best funding tool first when it is near the best item, among the first three:
        a request for money gets who gives it, then what explains the subject."""
        if not hits or hits[0].item.kind == "funding":
            return hits
        funding = next((h for h in hits[:FUNDING_FIRST_AMONG] if h.item.kind == "funding"), None)
        if funding is None or funding.score < FUNDING_FIRST * hits[0].score:
            return hits
        return [funding] + [h for h in hits if h is not funding]

    def figure_of(self, direct: Direct | None, analysis: Analysis) -> bool:
        """Whether a direct answer gives the figure of the places a question names: its
        item names them, or it gives the figure of the outre-mer for a région of it, or
        it gives a sum for the thing the question asks a rate per, the same everywhere
        (« à Guéret : l'aide de la CAF pour chaque nouvelle place » — « 2 600 à 3 600 €
        par an pour une place nouvelle »). An item made for the outre-mer as a whole (its
        title says so: « Fonds exceptionnel d'investissement outre-mer ») gives the figure
        of every région of the outre-mer (« le FEI… une école à Saint-Laurent-du-Maroni »)."""
        if direct is None:
            return False
        if _asks_rule(analysis.sequence):
            return True  # « on doit atteindre combien en bio ? »: a rule, the same everywhere
        if analysis.region in OVERSEAS and (_OVERSEAS.search(fold(direct.answer.text))
                                            or _OVERSEAS.search(fold(direct.answer.item.title))):
            return True
        if (_per_unit(analysis.sequence) & set(terms(direct.answer.text))
                and _MONEY.search(direct.answer.text)):
            return True
        return self.speaks_of(direct, analysis.placed)

    def speaks_of(self, direct: Direct | None, stems: tuple[str, ...]) -> bool:
        """Whether the item of a direct answer names these places (« à Rennes »)."""
        if direct is None:
            return False
        numbers = {n for s in stems for n, _ in self.index.postings.get(s, ())}
        return any(self.index.items[n].id == direct.answer.item.id for n in numbers)

    def holds_specific(self, analysis: Analysis, direct: Direct | None,
                       address: bool = False) -> bool:
        """Whether a direct answer holds the fact of one organisation the question asks:
        an answer written for it, or, for where to write (``address``), how to reach a
        contact the question names (« adresse de la CRESS Bretagne »), not any item near
        the subject. The base holds no phone number, budget or head of an organisation."""
        if direct is None:
            return False
        if "specific" in direct.answer.aspects:
            # the fact asked must be one its questions ask: its text may name it in passing
            # (the bodies « qui ont reçu plus de 75 000 € » listed in the commune's budget
            # do not give what one association received)
            said = set(terms(" ".join(direct.answer.questions)))
            return address or not analysis.facts or bool(analysis.facts & said)
        item = direct.answer.item
        if not address or item.kind != "contact":
            return False
        if analysis.region and item.region == analysis.region:
            # « l'adresse de la CRESS AURA »: the contact of the région it names, by kind
            number = next(n for n, i in enumerate(self.index.items) if i.id == item.id)
            said = {s for c in analysis.concepts if not c.context
                    for phrase, _ in c.alternatives for s in phrase}
            if self.name_stems[number] & said:
                return True
        return any(self.index.items[n].id == item.id and share == 1.0
                   for n, share in analysis.named.items())

    def extract(self, analysis: Analysis, ranked: list[Hit]) -> Direct | None:
        """When no written answer fits a factual question, the sentence of one of the best
        items that holds that kind of fact (a figure, a date, a law) and matches the
        question best: the item's own words, under its sources."""
        asked = analysis.aspects & EXTRACTED_ASPECTS
        if self.sentences is None or not asked or not ranked or not analysis.total:
            return None
        items = {h.item.id: h.score for h in ranked[:3]
                 if h.score >= DIRECT_ITEM_SHARE * ranked[0].score}
        price = _asks_price(asked, analysis)
        rate = _asks_rate(asked, analysis)
        coverage: dict[int, float] = defaultdict(float)
        for concept in analysis.concepts:
            for number, value in self.concept_matches(self.sentences, concept).items():
                coverage[number] += concept.importance * value
        best: Direct | None = None
        for number, covered in coverage.items():
            answer: DirectAnswer = self.sentences.items[number]
            item_score = items.get(answer.item.id)
            if item_score is None or not answer.aspects & asked:
                continue
            if price and not _MONEY.search(answer.text):
                continue  # a year or a count is no price
            if rate and not _gives_rate(answer.text, analysis):
                continue  # nor is it a rate
            score = 0.5 * item_score + 0.5 * min(covered / analysis.total, 1.0)
            if best is None or score > best.score:
                best = Direct(answer, round(score, 4))
        return best if best is not None and best.score >= EXTRACT else None

    @staticmethod
    def may_answer(answer: DirectAnswer, analysis: Analysis) -> bool:
        """A field's answer (legal basis, audience...) only for the aspect it is for."""
        return not answer.label or bool(analysis.aspects & answer.aspects)

    def direct_answer(self, analysis: Analysis, ranked: list[Hit]) -> Direct | None:
        """The direct answer that best fits the question's subject and aspect, if any."""
        if self.answers is None or not analysis.concepts or not ranked:
            return None
        # Only about the best items: the answer must speak of what the list shows.
        item_scores = {h.item.id: h.score for h in ranked[:10]
                       if h.score >= DIRECT_ITEM_SHARE * ranked[0].score}
        total = sum(c.importance for c in analysis.concepts)
        if total <= 0:
            return None
        coverage: dict[int, float] = defaultdict(float)
        required: list[set[int]] = []  # a direct answer speaks of what the question names
        compared: list[set[int]] = []  # ... and of each thing a comparison names
        things = self.compared_things(analysis)
        price = _asks_price(analysis.aspects, analysis)
        rate = _asks_rate(analysis.aspects, analysis)
        for concept in analysis.concepts:
            matched = self.concept_matches(self.answers, concept)
            for number, value in matched.items():
                coverage[number] += concept.importance * value
            if any(concept is thing for thing in things):
                compared.append({n for n, value in matched.items()
                                 if value > 0 and self.answer_says(n, concept)})
            if (concept.full_name and not concept.context and not concept.narrative
                    and self.rare(concept)):  # (not a name said only in the situation
                                              # told: « Au CCAS de Maubeuge, on a… »)
                required.append(self.saying(self.answers, concept)
                                | self.saying_spelt_out(concept))
        # Every name said, or, when no answer about the best items that may be shown speaks
        # of them all (« l'agrément ESUS pour une SCIC »), one of them at least. (A field's
        # answer says its item's names but answers only the aspect it is for: « l'AVP vient
        # de quelle collectivité ? » is not answered by the AVP's legal basis.)
        speaks = set.intersection(*required) if required else set()
        if required and not any(self.answers.items[n].item.id in item_scores
                                and self.may_answer(self.answers.items[n], analysis)
                                for n in speaks):
            speaks = set.union(*required)
            if not any(self.answers.items[n].item.id in item_scores
                       and self.may_answer(self.answers.items[n], analysis) for n in speaks):
                required = []  # none of the names said is what the best items are about
        best: Direct | None = None
        best_preference = 0.0
        # « quelles aides pour monter une épicerie ? »: « monter » says what the money is
        # for; not when the question names an item whole (« créer un fonds de dotation »)
        funding_request = ({"eligibility"} if any(share == 1.0 for share in
                                                  analysis.named.values())
                           else {"eligibility", "howto"})
        if self.asks_who_funds(analysis):
            funding_request = funding_request | {"who"}  # « qui finance une épicerie ? »:
                                                         # a funder, not who may join
        for number, covered in coverage.items():
            answer: DirectAnswer = self.answers.items[number]
            item_score = item_scores.get(answer.item.id)
            if item_score is None or (required and number not in speaks):
                continue
            if price and not answer.id.endswith(":cost") and not _MONEY.search(answer.text):
                continue  # « l'adhésion à la CRESS, c'est combien ? »: not how many CRESS
            if rate and not _gives_rate(answer.text, analysis):
                continue  # « mécénat, quel taux ? »: not the ceiling in euros, nor, asked
                          # « cb % », in per-mille of the turnover
            if len(compared) > 1 and not all(number in said for said in compared):
                continue  # « différence entre une SCIC et une asso »: not SEM against SCIC
            score = 0.5 * item_score + 0.5 * min(covered / total, 1.0)
            if (item_score >= 0.9 * ranked[0].score
                    or analysis.named.get(self.number_of[answer.item.id]) == 1.0):
                score += DIRECT_TOP  # about the best item, or one the question names
            if (number in self.for_the_outre_mer and analysis.region is not None
                    and analysis.region not in OVERSEAS_PLACES):
                continue  # written for the outre-mer: « … de l'Orne, combien en bio ? » is
                          # not answered with the thresholds of Mayotte
            if (analysis.regions and number in self.written_for
                    and not analysis.regions & self.written_for[number]):
                continue  # « le FEDER en Guadeloupe ? » is not answered for Saint-Martin
            if not self.may_answer(answer, analysis):
                continue  # a field (legal basis, audience...) answers only when asked
            answered = answer.aspects
            if ("howto" in answered and "howto" in analysis.aspects and not analysis.funding
                    and self.funds_how(answer)):
                answered = answered - {"howto"}  # « cmt on fait un PTCE » is not « comment
                                                 # l'État finance-t-il les PTCE ? »
            if answer.general and answer.item.kind == "contact" and self.only_names(
                    analysis, answer.item):
                answered = answered | WHO_SUMMARY_ASPECTS  # « c'est qui la CRESS à Mayotte »
            # the summary of the contact of the région named (its CRESS)
            place_contact = (answer.general and answer.item.kind == "contact"
                             and analysis.region is not None
                             and answer.item.region == analysis.region)
            which = (place_contact and analysis.aspects <= PLACE_CONTACT_ASPECTS
                     and self.asks_which(analysis, answer.item))
            asked_of_place = place_contact and analysis.aspects >= PLACE_CONTACT_ASKED
            if asked_of_place or which:
                answered = answered | PLACE_CONTACT_ASPECTS  # « qui contacter… pour le
                                                             # Cantal ? »: the contact of the
                                                             # région named says who it is
            if (answer.general and answer.item.kind == "example"
                    and "example" in analysis.intents):
                answered = answered | {"howto"}  # « comment ils ont monté ça ? »: what they did
            if answer.general and (analysis.aspects - answered
                                   or answer.item.id != ranked[0].item.id):
                continue  # the best item's summary says what it is, not how much, who...
            if (analysis.funding and analysis.aspects <= funding_request
                    and answer.item.kind != "funding" and not analysis.may_fund
                    and not analysis.funder_named
                    and "example" not in analysis.intents):
                continue  # « financement pour une épicerie solidaire »: who funds, first
            if answer.general and (answer.item.kind == "example" or (
                    answer.item.kind == "contact" and (
                        (analysis.aspects <= WHO_SUMMARY_ASPECTS
                         and self.only_names(analysis, answer.item))
                        or ((not analysis.aspects or analysis.aspects >= PLACE_CONTACT_ASKED)
                            and place_contact) or which))):
                score += DIRECT_TOP  # an example's summary says who did what, and where; a
                                     # contact's who it is (« c'est qui la CRESS à Mayotte »),
                                     # and for the place named (« Lozère, réseau de l'ESS ? »,
                                     # « à qui s'adresser à Mamoudzou ? »)
            if (answer.general and "definition" in analysis.aspects
                    and answer.item.id == ranked[0].item.id
                    and analysis.named.get(self.number_of[answer.item.id]) == 1.0):
                score = max(score, DIRECT)  # « c'est quoi une CAE, genre… ? »: the entry
                                            # named says what it is, whatever follows
            if analysis.aspects:
                if ("definition" in analysis.aspects - answered
                        and not analysis.aspects & answered):
                    continue  # « c'est quoi... »: the entry's own summary answers
                if not analysis.aspects & answered:
                    score *= (ASPECT_HELD if analysis.aspects & answer.holds
                              else ASPECT_MISMATCH)
            elif not place_contact:
                score *= NO_ASPECT  # (not the contact of the région named: « Valence, quelle
                                    # CRESS nous couvre ? », « Nantes Métropole cherche la
                                    # CRESS de sa région » ask for it, and its summary says it)
            # Written for the aspect asked and giving that kind of fact: chosen first among
            # the answers about the subject, with no more right to be shown.
            # (Or written for one aspect asked and giving the fact of another: « obligatoire
            # depuis quand ? » is answered by the answer on the obligation that dates it.)
            preference = score + (HOLDS_BONUS if analysis.aspects & answered
                                  and analysis.aspects & answer.holds else 0.0) + (
                WRITTEN_BONUS if analysis.aspects & answer.written_for & answered else 0.0)
            if asked_of_place:
                preference += PLACE_CONTACT_FIRST  # « interlocuteur ESS dans le 35 »: the
                                                   # contact of the place named, not ESS
                                                   # France's history
            if best is None or preference > best_preference:
                best, best_preference = Direct(answer, round(score, 4)), preference
        # A long question dilutes the answer's coverage; so does « la commune ou l'interco ? »,
        # whose « who » is said by two actors' names, not by the words of the answer's
        # questions (« qui pilote… »).
        needed = DIRECT_LONG if (self.is_long(analysis) or analysis.either
                                 or (best is not None and self.answers_surely(best, analysis,
                                                                              ranked))) else DIRECT
        if best is not None and self.answers_the_lead(best, analysis, ranked):
            needed = min(needed, DIRECT_LEAD)
        return best if best is not None and best.score >= needed else None

    def answers_the_lead(self, direct: Direct, analysis: Analysis, ranked: list[Hit]) -> bool:
        """In a long question (a situation told, then the question), an answer written for
        an aspect asked, of the best item when it leads the next one clearly: the situation
        dilutes its coverage more than a short question's words would (« La MJC nous demande
        30 000 euros… Faut-il une convention ? » → the 23 000 € threshold)."""
        answer = direct.answer
        return (self.is_long(analysis) and not answer.general
                and bool(analysis.aspects & answer.written_for)
                and answer.item.id == ranked[0].item.id and ranked[0].score >= RELEVANT
                and (len(ranked) < 2 or ranked[0].score >= LEAD * ranked[1].score))

    @staticmethod
    def answers_surely(direct: Direct, analysis: Analysis, ranked: list[Hit]) -> bool:
        """An answer of the best item, written for the fact asked and giving that kind of
        fact (« l'agrément ESUS, à renouveler quand ? » → « il vaut cinq ans »): the words
        of the situation told around it (« obtenu en 2024 par la régie ») dilute it; when
        the item itself would answer a factual question without it."""
        answer = direct.answer
        asked = analysis.aspects & frozenset(HELD_ASPECTS)
        return (bool(asked) and answer.item.id == ranked[0].item.id
                and ranked[0].score >= FACTUAL_RELEVANT
                and bool(asked & answer.written_for & answer.holds))
