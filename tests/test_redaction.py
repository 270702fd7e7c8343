"""Personal data in free text: what the redaction removes, measured on a corpus.

The corpus (tests/data/personal_data_corpus.yaml) was written before the redaction ran
on it. The figure is printed (pytest -s) and bounded: a change that lets more through
fails here.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from bot.app import load_content
from bot.config import PROJECT_ROOT
from bot.qa import build_searcher
from bot.qa.feature import QuestionIndex
from bot.qa.normalize import fold
from bot.qa.redact import redact

DATA = PROJECT_ROOT / "tests" / "data"
# Measured when the corpus was first run (issue 19): first names that are also ordinary
# words and come with no sign that they are names (« pascal (le maire) », « marine et rose
# sont mes filles », « Claire (secrétariat) »), and a surname after « les ».
SURVIVING_FRAGMENTS = 5


@cache
def vocabulary():
    knowledge, _ = load_content(PROJECT_ROOT / "content", PROJECT_ROOT)
    searcher, _ = build_searcher(knowledge, PROJECT_ROOT / "content", PROJECT_ROOT)
    return QuestionIndex(knowledge, searcher).known_word


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def survives(fragment: str, text: str) -> bool:
    """All the words of ``fragment`` are still in ``text``, in order and side by side."""
    wanted, have = tokens(fragment), tokens(text)
    return any(have[i:i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def test_the_corpus_keeps_nothing_identifying_but_the_known_cases():
    corpus = yaml.safe_load((DATA / "personal_data_corpus.yaml").read_text(encoding="utf-8"))
    assert len(corpus) >= 200
    fragments = sum(len(entry["p"]) for entry in corpus)
    surviving = []
    for entry in corpus:
        stored = redact(entry["t"], vocabulary())
        surviving += [(fragment, stored) for fragment in entry["p"]
                      if survives(str(fragment), stored)]
    messages = len({stored for _, stored in surviving})
    print(f"\npersonal-data corpus: {len(surviving)}/{fragments} fragments survive, in "
          f"{messages}/{len(corpus)} messages")
    for fragment, stored in surviving:
        print(f"  {fragment!r} in {stored!r}")
    assert len(surviving) <= SURVIVING_FRAGMENTS


def test_clean_questions_stay_readable():
    clean = yaml.safe_load((DATA / "clean_questions.yaml").read_text(encoding="utf-8"))
    lost = [(word, redact(entry["t"], vocabulary())) for entry in clean for word in entry["w"]
            if not survives(word, redact(entry["t"], vocabulary()))]
    assert lost == []


@pytest.mark.parametrize("text", [
    "jeanne.dupont@gmail.com", "JEANNE.DUPONT@GMAIL.COM",
    "jeanne point dupont arobase gmail point com",
    "jeanne.dupont (at) gmail (dot) com", "jeanne.dupont[at]gmail[.]com",
    "jeanne dot dupont at gmail dot com", "jeanne.dupont @ gmail . com",
    "mailto:jeanne.dupont@gmail.com"])
def test_emails_in_every_written_form(text):
    stored = redact(f"écrivez à {text} svp")
    assert stored == "écrivez à [email] svp", stored


@pytest.mark.parametrize("phone", [
    "0612345678", "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "06/12/34/56/78",
    "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78",
    "0 6 1 2 3 4 5 6 7 8", "06 123 456 78", "0639 12 34 56", "+262 692 12 34 56",
    "zéro six douze trente-quatre cinquante-six soixante-dix-huit"])
def test_french_phone_numbers_in_every_form(phone):
    stored = redact(f"rappelez-moi au {phone} merci")
    assert stored == "rappelez-moi au [téléphone] merci", stored


def test_names_whatever_their_case():
    for text in ("je m'appelle jeanne dupont", "je m'appelle Jeanne Dupont",
                 "JE M'APPELLE JEANNE DUPONT"):
        assert tokens(redact(text, vocabulary()))[-1:] == ["nom"], redact(text)
        assert not survives("jeanne", redact(text, vocabulary()))
        assert not survives("dupont", redact(text, vocabulary()))
    assert redact("mme leroy et monsieur petit", vocabulary()) == "mme [nom] et monsieur [nom]"
    # A first name that is also a word is a name only where it is used as one.
    assert redact("une rose des vents", vocabulary()) == "une rose des vents"
    assert redact("je m'appelle rose", vocabulary()) == "je m'appelle [nom]"


def test_addresses_and_special_categories():
    stored = redact("je suis diabétique et j'habite 12 rue des lilas à pont-aven",
                    vocabulary())
    assert stored == "je suis [santé] et j'habite [adresse] à pont-aven"
    assert redact("je suis au rsa", vocabulary()) == "je suis au [situation]"
    assert redact("je suis musulman", vocabulary()) == "je suis [donnée sensible]"
    assert redact("maire de Saint-Julien-le-Petit, je cherche", vocabulary()) \
        == "maire de [lieu], je cherche"
    assert redact("Cordialement, Hélène Garcia, 05 55 64 12 34", vocabulary()) == "[signature]"
