"""From text to search terms: folding, tokens, stop words and a light French stemmer.

Town hall agents type as they speak (« c koi un PTCE », « la comcom peut... »): the
pipeline folds case and accents, drops elisions (« l' », « d' », « qu' »), splits words,
removes stop words, then reduces each word to a stem with the suffix rules below, so that
« associations », « associatif » and « associative » meet. The rules are data, tried in
order; the first that applies wins. A rule only applies when the stem left is long enough.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "`": "'", "ʼ": "'"})
_TOKEN = re.compile(r"[a-z0-9]+")
_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f.](?=\d{3}\b)")  # « 23 000 » -> « 23000 »
_KILO = re.compile(r"\b(\d+)\s?k(?:€|e|eur|euros?)?(?!\w)")  # « 23k », « 23 k€ » -> « 23000 »
_DIGIT = re.compile(r"\d")
# « quel % », « le % de femmes » (not « 80 % », a figure): the word for what is asked
_PERCENT = re.compile(r"(?<!\d)(?<!\d\s)%")
# Elided articles and pronouns: « l'ESS » -> « ess », « qu'est-ce » -> « est ce ».
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|lorsqu|puisqu|quoiqu)'")

# Words that say what kind of answer is wanted (they are stop words for the topic):
# a definition (the glossary first), an example, a contact.
INTENTS: dict[str, frozenset[str]] = {
    "glossary": frozenset({"quoi", "definition", "definir", "signifie", "signifient",
                           "signification", "sigle", "acronyme", "what", "meaning",
                           "means", "mean", "kesako"}),
    "example": frozenset({"exemple", "exemples", "example", "examples", "cas"}),
    "contact": frozenset({"contact", "contacts", "contacter", "joindre", "appeler", "telephone",
                          "tel", "mail", "email", "adresse", "coordonnees", "numero",
                          "interlocuteur", "interlocutrice", "interlocuteurs"}),
}
# Function words and question scaffolding: they say nothing about the topic.
STOP_WORDS = frozenset("""
probleme problemes souci soucis sommes sera serons serez seront serait seraient avait avaient
aurait
a ai aie aient aies ait alors as au aucun aucune aupres aussi autre autres aux avec avez avoir
avons ayant bah ben bien bon bonjour bonsoir c ca car ce ceci cela celle celles celui cependant
ces cet cette ceux chaque chez ci coucou comme comment d dans de des deja depuis doit doivent
donc dont du elle elles en encore est et etaient etais etait etant ete etes etre eu eux faire
fais fait faut hein hello ici il ils j je jusqu l la le les leur leurs lui m ma mais me meme
merci mes moi mon n ne ni non nos notre nous o on ont ou oui par parce pas peu peut peuvent peux
plait plus pour pourquoi pourrait pouvons pouvez pouvoir puis puisque qu quand que quel quelle
quelles quels qui quoi s sa sais sait sans savoir se selon ses si sil soit son sont suis sur svp
t ta te tes toi ton tous tout toute toutes tres trop tu un une unes uns vers veux voila vos
votre vous vu y dire dit sert servir fonctionne exactement combien cb ki koi aujourd hui
dure durent duree svp stp faudrait fallait voudrait voudraient voudrions veut
connais connait connaissez connaissons connaissent
souhaite souhaitons aimerait aimerions aller va vont allons prendre
competent competente competents competentes veulent voulons voulez voulait voulaient
voudrais voudrions pouvait pourraient pourrions devons devez devrait devraient
mettre faire fait trouver trouve nombre bjr slt salut concretement quoi
lequel laquelle lesquels lesquelles duquel auquel auxquels auxquelles desquels desquelles
pareil pareille pareils pareilles
avant apres pendant durant entre pres lors afin ainsi environ toujours jamais parmi
quelques certains certaines beaucoup autant tant ancien ancienne anciens anciennes
nouveau nouvel nouvelle nouveaux nouvelles existe existent exister existait existaient
plutot autrement vraiment reellement surtout notamment egalement seulement simplement justement
enfin ensuite souvent parfois assez davantage presque tellement ailleurs dela quelque quelqu
chose choses truc trucs possible possibles vrai vraie vrais vraies dernier derniere derniers
dernieres actuel actuelle actuels actuelles sous via rien malgre plusieurs memes
question questions test tests essai
appuyer appuie appuient appuyant
lundi mardi mercredi jeudi vendredi samedi dimanche
what is the a an of to do does can how for in on and or what's whats which who why with
much many my our your their it its are be there this that these those off up out
we us i me has have had was were been will would could should may might any some from at by
as if so than also just only get gets got back want wants wanted small
""".split()) | frozenset().union(*INTENTS.values())  # noqa: SIM905

# Numbers written in words (« pendant trois ans », « après six ans »): like digits, they say
# who asks or the setting, not what is asked. « neuf » (new) and « un » are left out.
NUMBER_WORDS = frozenset("""
deux trois quatre cinq six sept huit dix onze douze treize quatorze quinze seize vingt
trente quarante cinquante soixante cent cents mille
""".split())  # noqa: SIM905

# Suffix rules on folded words: (suffix, replacement, shortest stem kept).
# Plurals first, then the derivational endings, longest first.
PLURAL_RULES: tuple[tuple[str, str, int], ...] = (
    ("eaux", "eau", 3), ("aux", "al", 3), ("s", "", 3), ("x", "", 3),
)
SUFFIX_RULES: tuple[tuple[str, str, int], ...] = (
    ("issements", "", 3), ("issement", "", 3), ("atrices", "", 3), ("ateurs", "", 3),
    ("ationnelle", "", 3), ("ationnel", "", 3), ("atrice", "", 3), ("ateur", "", 3),
    ("tionnements", "", 3), ("tionnement", "", 3), ("tionner", "", 3), ("tionnes", "", 3),
    ("tionnee", "", 3), ("tionne", "", 3), ("ations", "", 3), ("ation", "", 3),
    ("itions", "", 3), ("ition", "", 3),
    ("tions", "", 3), ("tion", "", 3),
    ("airement", "ar", 3), ("oirement", "or", 4),  # « provisoirement » is « provisoire »
    ("ements", "", 4), ("ement", "", 4), ("ments", "", 4), ("ment", "", 4),
    ("atives", "", 3), ("ative", "", 3), ("atifs", "", 3), ("atif", "", 3),
    ("ites", "", 3), ("ite", "", 3), ("istes", "", 3), ("iste", "", 3), ("isme", "", 3),
    ("iques", "", 3), ("ique", "", 3), ("ic", "", 3), ("aire", "ar", 3), ("oire", "or", 4),
    ("iales", "", 4), ("iale", "", 4), ("ial", "", 4), ("ales", "", 4), ("ale", "", 4),
    ("al", "", 4), ("ie", "", 4), ("ables", "", 3), ("able", "", 3), ("ibles", "", 3),
    ("ible", "", 3), ("euses", "", 3), ("euse", "", 3), ("eurs", "", 3), ("eur", "", 3),
    ("ieres", "", 3), ("iere", "", 3), ("iers", "", 3), ("ier", "", 3),
    ("ives", "", 3), ("ive", "", 3), ("ifs", "", 3), ("if", "", 3),
    ("elles", "", 3), ("elle", "", 3), ("els", "", 3), ("el", "", 4),
    ("iennes", "", 3), ("ienne", "", 3), ("iens", "", 3), ("ien", "", 3),
    ("ennes", "en", 3), ("enne", "en", 3),  # « européenne » is « européen »
    ("antes", "", 4), ("ante", "", 4), ("ants", "", 4), ("ant", "", 4),
    ("ances", "", 4), ("ance", "", 4), ("ences", "", 4), ("ence", "", 4),
    ("ions", "", 4), ("ion", "", 4),
    ("erions", "", 3), ("erons", "", 3), ("erez", "", 3), ("eront", "", 3), ("era", "", 3),
    ("ees", "", 3), ("ee", "", 3), ("es", "", 3), ("ez", "", 3), ("er", "", 3),
    ("ir", "", 4), ("e", "", 3),
)


class _Unaccented(dict):
    """Character -> the same without accents, filled as characters are met: folding is done
    character by character (NFKD, combining marks dropped), so one ``str.translate`` does
    it, much faster than decomposing whole texts."""

    def __missing__(self, code: int) -> str:
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code))
                       if not unicodedata.combining(c))
        self[code] = base
        return base


# One table for both: the ligatures' replacements are plain ASCII, which the accents' table
# leaves as they are, so one pass gives what the two did in turn.
_UNACCENTED = _Unaccented(_LIGATURES)


# Runs of the characters folding may change (not ASCII, or « ` »): ``str.translate`` is
# slow on a text that is not all ASCII, so only these runs go through it.
_FOLDABLE = re.compile(r"[^\x00-\x5f\x61-\x7f]+")


def _unaccented(run: re.Match[str]) -> str:
    return run.group().translate(_UNACCENTED)


def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out, typographic apostrophes made plain."""
    text = text.casefold()
    if text.isascii() and "`" not in text:
        return text
    return _FOLDABLE.sub(_unaccented, text)


# « côté mairie », « du côté de Grenoble »: where, not what (before folding, which would
# make it the « côte » of Côte-d'Or and Côte d'Azur).
_SIDE = re.compile(r"\bcôtés?\b", re.IGNORECASE)


# A word typed in capitals with a lower-case end (« la loi NOTRe »): the name of a law or
# a body, not the stop word its letters spell (« notre », possessive).
_CAPITALS_THEN_LOWER = re.compile(r"\b[A-Z]{2,}[a-z]+\b")
NAME_MARK = "0"  # appended to such a name when it spells a stop word: « notre0 » is kept


def _named(match: re.Match[str]) -> str:
    word = match.group()
    folded = word.casefold()
    return folded + NAME_MARK if folded in STOP_WORDS else word


# Names of which a word is a stop word elsewhere: a « commune nouvelle » (CGCT, art.
# L2113-1) is a kind of commune, not a « nouvelle commune » of any kind; its « nouvelle »
# is kept, marked as a name's word (« nouvelle0 »), in the questions and in the content
# alike, so that « c'est quoi une commune nouvelle ? » has a subject besides « commune »,
# a context word.
_NAMES_WITH_STOP_WORDS = re.compile(r"\b(communes?[\s-]+)(nouvelles?)\b")


def words(text: str) -> list[str]:
    """Folded words, elisions removed: « L'entrée d'une SCIC » -> [entree, une, scic]; a
    stop word typed as a name (« NOTRe ») or said in a name (« commune nouvelle ») is
    kept, marked (« notre0 », « nouvelle0 »)."""
    if "ô" in text or "Ô" in text:
        text = _SIDE.sub(" ", text)
    if not text.isupper():  # « LA LOI NOTRE » typed in capitals says nothing of names
        text = _CAPITALS_THEN_LOWER.sub(_named, text)
    text = fold(text)
    if "nouvel" in text:
        text = _NAMES_WITH_STOP_WORDS.sub(r"\g<1>nouvelle" + NAME_MARK, text)
    if _DIGIT.search(text):  # the figures' rules, only where there are figures
        text = _KILO.sub(r"\g<1>000", _THOUSANDS.sub("", text))
    if "%" in text:
        text = _PERCENT.sub(" pourcentage ", text)
    return _TOKEN.findall(_ELISION.sub(" ", text))


# « 25 000 € », « 30000 euros », « 23k€ »: a figure said as a sum of money
_SUM = re.compile(r"\b(\d+)\s?(?:€|euros?\b|eur\b)")
_KILO_SUM = re.compile(r"\b(\d+)\s?k(?:€|e|eur|euros?)?(?!\w)")


def sums(text: str) -> frozenset[str]:
    """The figures of a text said as sums of money, as words() gives them: « touchera
    25 000 € » -> {« 25000 »}; « 23k » too; not a year or a count (« en 2024 », « 800
    habitants »)."""
    if not _DIGIT.search(text):
        return frozenset()
    text = _THOUSANDS.sub("", fold(text))
    return frozenset({m.group(1) for m in _SUM.finditer(text)}
                     | {m.group(1) + "000" for m in _KILO_SUM.finditer(text)})


Rules = tuple[tuple[str, str, int], ...]


def _by_last_letter(rules: Rules) -> dict[str, Rules]:
    """The rules grouped by the last letter of their suffix, each group in the rules' order:
    only those can apply to a word, so the first that applies is the same, found sooner."""
    grouped: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for rule in rules:
        grouped[rule[0][-1]].append(rule)
    return {letter: tuple(group) for letter, group in grouped.items()}


def _apply(word: str, rules: dict[str, Rules]) -> str:
    for suffix, replacement, shortest in rules.get(word[-1:], ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            return word[: len(word) - len(suffix)] + replacement
    return word


_PLURALS = _by_last_letter(PLURAL_RULES)
_SUFFIXES = _by_last_letter(SUFFIX_RULES)


# Words the suffix rules would merge with unrelated ones (« montant » is not « monter »,
# an « énergie renouvelable » is not an agrément « à renouveler », a « déchèterie », the
# place whose opening hours are asked, is not the « déchets » of the économie circulaire).
EXCEPTIONS = {"decheterie": "decheteri", "decheteries": "decheteri",
              "dechetterie": "decheteri", "dechetteries": "decheteri", "montant": "montant",
              "montants": "montant", "aider": "aide", "aidez": "aide",
              "aident": "aide", "aidons": "aide", "valable": "valabl", "valables": "valabl",
              "renouvelable": "renouvelabl", "renouvelables": "renouvelabl"}
# Words the suffix rules merge with an unrelated word of the base: the « repair café » is
# not a « repas », the « loisirs » are not « lois », the Seine and the Maine not « au sein
# de » or a « main », the « foncier » not the « fonctionnement », a « développement
# durable » not what « dure », a « comité » not the COM (collectivités d'outre-mer). Each
# is kept whole (one stem for its inflections).
_KEPT_WHOLE = {"repair": ("repair",), "loisir": ("loisir", "loisirs"),
               "seine": ("seine",), "maine": ("maine",),
               "foncier": ("foncier", "fonciere", "foncieres", "fonciers"),
               "durabl": ("durable", "durables"), "animal": ("animal", "animale",
                                                             "animales", "animaux"),
               "avenant": ("avenant", "avenants"), "metier": ("metier", "metiers"),
               "travers": ("travers",), "pension": ("pension", "pensions"),
               "comite": ("comite", "comites")}
EXCEPTIONS.update({word: kept for kept, forms in _KEPT_WHOLE.items() for word in forms})


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one folded word; numbers and words of four letters are kept as they are.

    Short words are mostly acronyms (PTCE, SCIC, SIAE): cutting their last letter would
    merge unrelated ones. Two passes: « intercommunalité » -> « intercommunal » -> « intercommun ».
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    word = _apply(word, _PLURALS)
    if len(word) <= 4:
        return word
    once = _apply(word, _SUFFIXES)
    return _apply(once, _SUFFIXES) if once != word and len(once) > 6 else once


def terms(text: str) -> list[str]:
    """Stems of the words of ``text`` that carry meaning (stop words left out)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]
