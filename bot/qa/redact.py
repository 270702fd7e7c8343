"""Remove personal data from a question before it is stored for administrators.

An unanswered question is kept so that the content can grow, never to know who asked.
What could identify someone is replaced by a placeholder: e-mail addresses, URLs,
@handles, IBAN-like strings, phone numbers, numbers longer than four digits, codes that
mix letters and digits, and capitalised words that are neither in the knowledge base nor
in the list of common words (a name: « Marie Dupont », « Trifouilly-les-Oies »).
Redaction errs on the side of removing too much.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.qa.normalize import STOP_WORDS, fold, stem

MAX_STORED = 300  # characters kept of a question

# (pattern, placeholder), applied in this order: longer, more specific shapes first.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:https?://|www\.)\S+", re.I), "[lien]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\w)@\w+"), "[pseudo]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.I),
     "[iban]"),
    (re.compile(r"(?<!\w)(?:\+|00)\d{2,3}[\s.-]?\d(?:[\s.-]?\d{2}){4}\b"), "[téléphone]"),
    (re.compile(r"\b0\d(?:[\s.-]?\d{2}){4}\b"), "[téléphone]"),
    (re.compile(r"\b\d(?:[\s.-]?\d){7,}\b"), "[numéro]"),  # long numbers written in groups
    (re.compile(r"\b\d{5,}\b"), "[nombre]"),
    (re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{5,}\b"), "[code]"),
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
NAME = "[nom]"
HONORIFICS = frozenset({"m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "dr",
                        "docteur", "maitre", "me", "appelle"})

# Common words that may start a sentence with a capital and are not in the content.
COMMON_WORDS = frozenset("""
bonjour bonsoir salut hello merci madame monsieur mme mr m svp stp oui non ok alors donc
est-ce estce quel quelle quels quelles comment pourquoi combien quand ou qui que quoi
je j tu il elle nous vous ils elles on le la les un une des du de ce cette ces mon ma mes
notre nos votre vos leur leurs et mais ou puis aussi peut-on peut pouvez pourriez est y a
existe-t-il est-il faut-il dois-je puis-je avez-vous pouvez-vous savez-vous
quelqu'un quelque chose question aide besoin urgent merci d'avance cordialement
""".split())  # noqa: SIM905


def is_known(word: str, vocabulary: Callable[[str], bool]) -> bool:
    folded = fold(word)
    if folded in STOP_WORDS or folded in COMMON_WORDS or vocabulary(folded):
        return True
    parts = re.split(r"[-'’]", folded)
    return all(p in STOP_WORDS or p in COMMON_WORDS or vocabulary(p) or vocabulary(stem(p))
               for p in parts if p)


def _capitalised(word: str) -> bool:
    return any(c.isupper() for c in word)


def redact(text: str, vocabulary: Callable[[str], bool] | Iterable[str] = ()) -> str:
    """The question with personal data replaced by placeholders, at most MAX_STORED long.

    ``vocabulary`` tells whether a folded word (or stem) is known: a capitalised word that
    is not is treated as a name.
    """
    if not callable(vocabulary):
        known_words = frozenset(vocabulary)
        vocabulary = known_words.__contains__
    text = " ".join(text.split())
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)

    # Words and what separates them; a capitalised unknown word is a name, and so is a
    # capitalised word right beside a name or after « M. », « Mme »... (« Jean Martin »).
    pieces = re.split(f"({_WORD.pattern})", text)
    words_at = range(1, len(pieces), 2)
    names = {i for i in words_at if _capitalised(pieces[i])
             and not is_known(pieces[i], vocabulary)}
    changed = True
    while changed:
        changed = False
        for i in words_at:
            word = fold(pieces[i])
            if (i in names or not _capitalised(pieces[i]) or pieces[i].isupper()
                    or word in STOP_WORDS or word in COMMON_WORDS):
                continue
            before, after = i - 2, i + 2
            beside = ((before in names and pieces[i - 1] in (" ", "-"))
                      or (after in names and pieces[i + 1] in (" ", "-"))
                      or (before >= 1 and re.split(r"['’]", fold(pieces[before]))[-1]
                          in HONORIFICS))
            if beside:
                names.add(i)
                changed = True
    for i in names:
        pieces[i] = NAME
    text = re.sub(r"\[nom\](?:[\s-]*\[nom\])+", NAME, "".join(pieces)).strip()
    return text[:MAX_STORED]
