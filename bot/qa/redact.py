"""Remove personal data from a question before it is stored for administrators.

An unanswered question is kept so that the content can grow, never to know who asked.
People type their name, phone, e-mail, address, health or family situation into free
text, in lower case as often as not; what could identify someone, or reveal data of a
special category (GDPR art. 9: health, religion, opinions, union membership, sexual
orientation, origin) or a social situation, is replaced by a placeholder:

- signatures: everything after « cordialement », « bien à vous », « signé »...;
- links, e-mail addresses in every written form (« jeanne point dupont arobase
  laposte point net », « x (at) y (dot) fr »), @handles and Matrix ids;
- phone numbers in every French form (06 12 34 56 78, 06.12.34.56.78, 0612345678,
  +33 (0)6..., 0033..., digit by digit, in words), IBAN, social security and SIRET
  numbers, any run of seven digits or more, numbers of five digits (postal codes),
  dates, licence plates, codes that mix letters and digits;
- street addresses (« 12 rue des lilas », « impasse des tilleuls », « BP 42 »,
  « appartement 12 ») and the commune after an elected role (« maire de Lanvéoc »);
- first names from the INSEE *fichier des prénoms* (``bot/qa/data/prenoms.txt``, see
  ``bot/qa/data/SOURCE.md``), whatever their case; the words that follow a name or an
  honorific (surnames: « jeanne dupont », « mme leroy », « le goff »); capitalised words
  that the knowledge base does not know;
- health, special-category and social-situation terms, by category (``[santé]``,
  ``[donnée sensible]``, ``[situation]``), so that the topic stays readable.

First names that are also ordinary words (« rose », « pierre », « france ») are removed
only where they are used as names (after « je m'appelle », an honorific, a person noun,
capitalised in a sentence, or next to another name). Redaction errs on the side of
removing too much; ``tests/test_redaction.py`` measures what survives on a corpus of
messages written for that purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from bot.qa.normalize import STOP_WORDS, fold, stem

MAX_STORED = 300  # characters kept of a question
NAME = "[nom]"
FIRST_NAMES_FILE = Path(__file__).parent / "data" / "prenoms.txt"

# -- patterns on the folded text (lower case, no accents): (pattern, placeholder) ------------

_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@|arobase|arobas)\s*[\])}>]\s*|\s+(?:at|arobase|arobas)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*(?:\.|dot|point)\s*[\])}>]\s*|\s+(?:dot|point)\s+)"
_LABEL = r"[a-z0-9_+%-]+"
_EMAIL = (rf"(?:mailto:)?{_LABEL}(?:{_DOT}{_LABEL})*{_AT}{_LABEL}(?:{_DOT}{_LABEL})*"
          rf"{_DOT}[a-z]{{2,12}}\b")
_TLD = r"(?:fr|com|org|net|eu|bzh|re|yt|gp|mq|gf|nc|pf|info|io|be|ch|ca|gouv\.fr)"
_NUMBER_WORD = (r"(?:zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                r"treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|"
                r"cent|et)")
_STREET = (r"(?:rue|ruelle|avenue|av|bd|boulevard|impasse|allee|quai|square|sq|faubourg|fbg|"
           r"lieu[ -]dit|lotissement|residence|hameau|venelle|chaussee|esplanade|parvis|"
           r"rond[ -]point|sentier|traverse|cite|villa|clos)")
_STREET_NUMBERED = (rf"(?:{_STREET}|place|pl|route|rte|chemin|ch|cours|passage|voie|mail|"
                    r"montee|promenade|domaine)")
# Words that end a street name: what follows is the sentence again.
_AFTER_STREET = (r"(?:a|au|aux|et|ou|pour|mais|je|j|on|nous|il|elle|ils|elles|qui|que|qu|svp|"
                 r"merci|depuis|avec|sur|dans|chez|en|est|sont|ce|c|mon|ma|mes|on|y|ne|n|"
                 r"cherche|voudrais|veux|habite|vis|tel|mail|mais)")
_STREET_NAME = rf"(?:\s+(?!{_AFTER_STREET}\b)[a-z0-9'-]+){{1,6}}"
_ROLE = (r"(?:maire|adjointe?s?(?:\s+au\s+maire)?|secretaire\s+de\s+mairie|dgs|dga|elue?s?|"
         r"conseill(?:er|ere)s?\s+(?:municipa(?:l|le|ux|les)|delegue?e?)|mairie|ccas)")
_PLACE_START = r"(?:(?:saint|sainte|st|ste|pont|port|mont|la|le|les|l')[ '-]*)?"
_PLACE = (rf"{_PLACE_START}[a-z][a-z'-]*(?:\s+(?:(?:sur|sous|en|de|du|des|la|le|les|les|lez)\s+)+"
          r"[a-z][a-z'-]*)*")

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), placeholder) for pattern, placeholder in (
        (_EMAIL, "[email]"),
        (r"@[a-z0-9._=/+-]+:[a-z0-9.-]+\.[a-z]{2,}", "[pseudo]"),  # a Matrix id
        (r"\b(?:https?://|www\.)\S+", "[lien]"),
        (rf"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.{_TLD}(?:/\S*)?", "[lien]"),
        (r"(?<![\w@])@\w+", "[pseudo]"),
        (r"\b[a-z]{2}\d{2}(?:[ -]?[a-z0-9]{4}){2,7}(?:[ -]?[a-z0-9]{1,4})?\b", "[iban]"),
        # A social security number (NIR): sex, year, month, place, order, key.
        (r"\b[12][\s.]*\d{2}[\s.]*(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]*(?:\d{2}|2a|2b)[\s.]*\d{3}"
         r"[\s.]*\d{3}(?:[\s.]*\d{2})?\b", "[numéro]"),
        (r"(?<![\w+])(?:\+|00)\s*\d{1,3}[\s./-]*(?:\(\s*0\s*\)[\s./-]*)?\d(?:[\s./()-]*\d){5,12}",
         "[téléphone]"),
        (r"(?<!\w)0\s*[1-9](?:[\s./-]*\d){8}(?!\w)", "[téléphone]"),
        (rf"\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD}){{4,}}\b", "[téléphone]"),
        (r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b", "[date]"),
        (r"\b\d{1,2}(?:er)?\s+(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|"
         r"octobre|novembre|decembre)\s+\d{4}\b", "[date]"),
        (r"\b\d(?:[\s./-]?\d){6,}\b", "[numéro]"),
        (r"\b\d{5,}\b", "[nombre]"),
        (r"\b[a-z]{2}[ -]\d{3}[ -][a-z]{2}\b", "[immatriculation]"),
        (rf"\b\d{{1,4}}(?:\s*(?:bis|ter|quater|[a-d]))?\s*,?\s+{_STREET_NUMBERED}\b\.?{_STREET_NAME}",
         "[adresse]"),
        (rf"\b{_STREET}\b\.?{_STREET_NAME}", "[adresse]"),
        (r"\b(?:bp|cs|tsa|appartement|appt|apt|batiment|bat|etage|escalier)\b\.?\s*[a-z0-9]{1,5}\b",
         "[adresse]"),
        (rf"\b{_ROLE}\s+(?:de|du|a|d')\s*(?:(?:la\s+)?(?:commune|ville|mairie)\s+(?:de|d')\s*)?"
         rf"(?P<x>{_PLACE})", "[lieu]"),
        (r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{5,}\b", "[code]"),
    ))

# Special categories and social situations, by category: (stems or phrases) -> placeholder.
HEALTH = "[santé]"
SENSITIVE = "[donnée sensible]"
SITUATION = "[situation]"
_TERMS: tuple[tuple[str, str], ...] = (
    (HEALTH, r"diabet\w*|cancer\w*(?:\s+du\s+\w+)?|leucemi\w*|tumeur\w*|chimio\w*|malad\w*|"
             r"handicap\w*(?:\s+mental)?|rqth|aah|mdph|autis\w*|trisomi\w*|seropositi\w*|vih|sida|"
             r"hepatite\w*|depress\w*|antidepress\w*|burn[ -]?out|bipolaire\w*|schizophren\w*|"
             r"psychiatri\w*|psychose\w*|alzheimer|parkinson|demence\w*|"
             r"sclerose\w*(?:\s+(?:en\s+plaques|laterale))?|mucoviscidose|myopathi\w*|epilep\w*|"
             r"avc|infarctus|opere\w*\s+du\s+coeur|dialyse\w*|enceinte\w*|grossesse\w*|"
             r"fausse[ -]couche\w*|ivg|sterile\w*|infertil\w*|anorex\w*|boulim\w*|obese\w*|"
             r"obesite|alcooli\w*|toxicoman\w*|addict\w*|hospitalis\w*|hopital\s+psychiatrique|"
             r"suicid\w*|covid(?:\s+long)?|inaptitude(?:\s+medicale)?|invalidite\w*|"
             r"therapeuti\w*|aveugle\w*|malvoyant\w*|sourde?s?|malentendant\w*|"
             r"fauteuil(?:\s+roulant)?|paralys\w*|hyperacti\w*|tdah|asthm\w*|"
             r"arret\s+(?:de\s+travail|maladie)|accident\s+du\s+travail"),
    (SENSITIVE, r"musulman\w*|islam\w*|juif|juifs|juive\w*|judaisme|chretien\w*|catholique\w*|"
                r"protestant\w*|evangeli\w*|bouddhist\w*|hindou\w*|athee\w*|ramadan|"
                r"(?:porte|porter|portant)\s+le\s+voile|voilee\w*|franc[ -]macon\w*|"
                r"syndiqu\w*|syndical\w*|cgt|cfdt|cftc|fo|unsa|fsu|sud\s+rail|"
                r"parti\s+socialiste|lfi|insoumis\w*|rn|rassemblement\s+national|"
                r"front\s+national|reconquete|eelv|communiste\w*|macroniste\w*|"
                r"homosexu\w*|gay|gays|lesbienne\w*|bisexu\w*|transgenre\w*|lgbt\w*|queer|"
                r"roms?|gitan\w*|tsigane\w*|maghrebin\w*|algerien\w*|marocain\w*|tunisien\w*|"
                r"malien\w*|senegalais\w*|guineen\w*|afghane?s?|syrien\w*|vietnamien\w*|"
                r"comorien\w*|franco[ -]\w+|d'origine\s+\w+|sans[ -]papiers|"
                r"demandeu\w*\s+d'asile|refugie\w*|immigre\w*"),
    (SITUATION, r"rsa|apl|chomage|chomeu\w*|sans\s+(?:emploi|revenus?|ressources?)|"
                r"surendett\w*|sdf|sans[ -]abri\w*|sans\s+domicile(?:\s+fixe)?|squat\w*|"
                r"expuls\w*|licenci\w*|divorc\w*|veuf|veuve\w*|curatelle|sous\s+tutelle|tutelle|"
                r"prison\w*|detenu\w*|incarcer\w*|condamn\w*|casier(?:\s+judiciaire)?|"
                r"garde\s+a\s+vue|porte\s+plainte|porter\s+plainte|violen(?:ce|t)\w*(?:\s+conjugales)?|"
                r"viol|viole|violee|(?:me|nous|la|le)\s+bat"),
)
TERMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), placeholder) for placeholder, pattern in _TERMS)

# A signature: what follows is a name, a role, a phone number.
SIGNATURE = re.compile(r"\b(?:bien\s+)?cordialement\b|\bbien\s+a\s+vous\b|\bsigne\s*:|"
                       r"\bsincere\w*\s+salutations\b|\bsalutations\s+distinguees\b")

# Words after which the next word is a name, whatever it is.
NAME_TRIGGERS = frozenset({"appelle", "appele", "appelee", "nom", "prenom", "m", "mr", "mme",
                           "mlle", "monsieur", "madame", "mademoiselle", "dr", "docteur",
                           "maitre", "me", "signe", "ici"})
# What introduces oneself: « c'est X », « je suis X », « moi c'est X ».
INTRODUCTIONS = frozenset({"est", "suis", "c"})
# Nouns of a person after which a first name that is also a word is a name (« ma collègue
# marine »), and which are not surnames themselves.
PERSON_NOUNS = frozenset("""
collegue collegues voisin voisine fils fille filles mari femme epoux epouse mere pere frere
soeur cousin cousine oncle tante neveu niece compagnon compagne ami amie enfant enfants maman
papa ex conjoint conjointe animatrice animateur secretaire directrice directeur presidente
president tresorier tresoriere stagiaire benevole agent agente adjoint adjointe maire
""".split())  # noqa: SIM905
# Particles of surnames: « le goff », « ben salah », « van thanh », « da silva », « de la tour ».
PARTICLES = frozenset({"le", "la", "de", "du", "des", "da", "dos", "van", "von", "ben", "el",
                       "al", "ould", "ait", "di", "mac", "mc", "bin", "abd"})
# Common words that are not surnames although they may follow a name.
COMMON_WORDS = frozenset("""
bonjour bonsoir salut slt bjr hello merci madame monsieur mme mr m svp stp oui non ok alors
donc est-ce estce quel quelle quels quelles comment pourquoi combien quand ou qui que quoi
je j tu il elle nous vous ils elles on le la les un une des du de ce cette ces mon ma mes
notre nos votre vos leur leurs et mais ou puis aussi peut-on peut pouvez pourriez est y a
existe-t-il est-il faut-il dois-je puis-je avez-vous pouvez-vous savez-vous
quelqu'un quelque chose question aide besoin urgent merci d'avance cordialement c'est c
souhaite souhaitent voudrait voudraient veut veulent demande demandent cherche cherchent
aimerait travaille travaillent habite vit gere dirige porte a ont sont etait sera fait
nous accueillons voici voila ans age agee age retraite retraitee
""".split()) | PERSON_NOUNS  # noqa: SIM905
# First names that are ordinary words too: names only where used as names.
AMBIGUOUS_NAMES = frozenset("""
le la les si ben saint sainte mai janvier avril juin juillet automne urbain urbaine esprit
grace ami amie aura azur dune chance prudence modeste remise conception court don job lie
lies marine rose pierre france claire paris ange victoire aube olive fleur espoir constance
clemence noel pascal fidele placide clement prosper desire aime aimee etoile perle lune
soleil ocean capucine violette iris ambre jade cerise prune marguerite colombe flore reine
prince loyal honore bienvenu parfait constant innocent juste gentil max can may will many
any else come even ever just line mark loan alone geo nonce my channel eli jo guy lola
sylvain pacome soline sage ciel mer chantal aurore genie lys lois aude ademe aura
brittany mel
""".split())  # noqa: SIM905

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\[[^\[\]]{2,20}\]")


@cache
def first_names() -> frozenset[str]:
    """The folded first names of the INSEE list (given 100 times or more since 1900)."""
    return frozenset(FIRST_NAMES_FILE.read_text(encoding="utf-8").split())


def _fold_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index it comes from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _substitute(text: str, pattern: re.Pattern[str], placeholder: str) -> str:
    """Replace the matches of ``pattern`` on the folded text, in the original text."""
    folded, origin = _fold_map(text)
    pieces, last = [], 0
    group = "x" if "x" in pattern.groupindex else 0
    for match in pattern.finditer(folded):
        if match.end(group) <= match.start(group):
            continue
        start, end = origin[match.start(group)], origin[match.end(group) - 1] + 1
        if start < last or _PLACEHOLDER.fullmatch(text[start:end]):
            continue
        pieces += [text[last:start], placeholder]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def is_known(word: str, vocabulary: Callable[[str], bool]) -> bool:
    """A word of the knowledge base, a stop word or a common word."""
    folded = fold(word)
    if folded in STOP_WORDS or folded in COMMON_WORDS or vocabulary(folded):
        return True
    parts = [p for p in re.split(r"[-'’]", folded) if p]
    return bool(parts) and all(p in STOP_WORDS or p in COMMON_WORDS or vocabulary(p)
                               or vocabulary(stem(p)) for p in parts)


def _capitalised(word: str) -> bool:
    return any(c.isupper() for c in word)


class _Words:
    """The words of a text and what separates them, to mark names in place."""

    def __init__(self, text: str):
        self.pieces = re.split(f"({_WORD.pattern})", text)
        # The words of the placeholders put so far (« [email] ») are not words of the text.
        self.at = [i for i in range(1, len(self.pieces), 2)
                   if not (self.pieces[i - 1].endswith("[")
                           and self.pieces[i + 1].startswith("]"))]
        self.folded = {i: fold(self.pieces[i]).replace("’", "'")
                       for i in range(1, len(self.pieces), 2)}
        self.names: set[int] = set()

    def joined(self, i: int, j: int) -> bool:
        """Words i and j (j = i + 2) are side by side (a space or a hyphen between)."""
        return (i >= 1 and j < len(self.pieces) and self.pieces[i + 1] in (" ", "-")
                and i in self.folded and j in self.folded)

    def sentence_start(self, i: int) -> bool:
        """Word i starts the text, a sentence, or what follows a placeholder."""
        before = "".join(self.pieces[:i]).rstrip()
        return not before or before[-1] in ".!?:;\n—–-(]"

    def last_part(self, i: int) -> str:
        return re.split(r"['’]", self.folded[i])[-1]


def _ends_clause(pieces: list[str], i: int) -> bool:
    """Word i ends a clause: punctuation or the end of the text follows it."""
    after = pieces[i + 1] if i + 1 < len(pieces) else ""
    return (i + 1 >= len(pieces) - 1 and not after.strip()) or after.lstrip()[:1] in (",", ".",
                                                                                    "!", "?",
                                                                                    ";", ":",
                                                                                    "(", "-")


def _is_first_name(folded: str, names: frozenset[str]) -> bool:
    parts = [p for p in re.split(r"['’]", folded)[-1:][0].split("-") if p]
    return bool(parts) and any(p in names for p in parts) and all(
        p in names or p in PARTICLES for p in parts)


def _mark_names(words: _Words, vocabulary: Callable[[str], bool]) -> None:
    names = first_names()
    pieces, folded = words.pieces, words.folded
    for i in words.at:
        word, low = pieces[i], words.last_part(i)
        previous = words.last_part(i - 2) if i >= 3 else ""
        after_trigger = previous in NAME_TRIGGERS and i >= 3 and pieces[i - 1].strip(" .") == ""
        if after_trigger and low not in STOP_WORDS and low not in COMMON_WORDS:
            words.names.add(i)  # « je m'appelle X », « mme X », « monsieur petit »
        elif low not in STOP_WORDS and low not in COMMON_WORDS and _is_first_name(low, names):
            if low not in AMBIGUOUS_NAMES:
                words.names.add(i)
            elif previous in PERSON_NOUNS and words.joined(i - 2, i):
                words.names.add(i)  # « ma collègue marine »
            elif previous in INTRODUCTIONS and _ends_clause(pieces, i):
                words.names.add(i)  # « c'est clémence, ... », « je suis guy, ... »
            elif _capitalised(word) and not word.isupper() and not words.sentence_start(i):
                words.names.add(i)  # « Je suis Pierre »
        elif _capitalised(word) and not is_known(word, vocabulary):
            words.names.add(i)  # a capitalised word nothing knows: a name or a place
    # Beside a name: a surname (« jeanne dupont »), an ambiguous first name (« marine et
    # rose » stays, « marine leroy » goes), particles (« le goff », « ben salah »).
    changed = True
    while changed:
        changed = False
        for i in words.at:
            if i in words.names:
                continue
            low = folded[i]
            left = i - 2 in words.names and words.joined(i - 2, i)
            right = i + 2 in words.names and words.joined(i, i + 2)
            if not (left or right):
                continue
            if low in PARTICLES and i + 2 < len(pieces) and words.joined(i, i + 2) and left:
                nxt = folded[i + 2]
                if (nxt not in STOP_WORDS and nxt not in COMMON_WORDS) or nxt in PARTICLES:
                    words.names.update((i, i + 2))
                    changed = True
                continue
            if low in STOP_WORDS or low in COMMON_WORDS:
                continue
            after_first_name = left and _is_first_name(words.last_part(i - 2), first_names()) \
                and words.last_part(i - 2) not in AMBIGUOUS_NAMES
            a_name = _is_first_name(low, first_names()) or _capitalised(pieces[i])
            surname = left and (after_first_name or a_name
                                or not is_known(pieces[i], vocabulary))
            if surname or (right and a_name):
                words.names.add(i)
                changed = True


def redact(text: str, vocabulary: Callable[[str], bool] | Iterable[str] = ()) -> str:
    """The question with personal data replaced by placeholders, at most MAX_STORED long.

    ``vocabulary`` tells whether a folded word is known to the knowledge base: a
    capitalised word that is not is treated as a name, and a first name that is known is
    removed only where it is used as a name.
    """
    if not callable(vocabulary):
        known_words = frozenset(vocabulary)
        vocabulary = known_words.__contains__
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    folded, origin = _fold_map(text)
    signature = SIGNATURE.search(folded)
    if signature:
        text = text[:origin[signature.start()]].rstrip(" ,;-–—") + " [signature]"
    for pattern, placeholder in PATTERNS:
        text = _substitute(text, pattern, placeholder)
    for pattern, placeholder in TERMS:
        text = _substitute(text, pattern, placeholder)
    words = _Words(text)
    _mark_names(words, vocabulary)
    for i in words.names:
        words.pieces[i] = NAME
    text = re.sub(r"\[nom\](?:[\s-]*\[nom\])+", NAME, "".join(words.pieces)).strip()
    return text[:MAX_STORED]
