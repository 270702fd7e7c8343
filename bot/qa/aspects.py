"""What a question asks *about* its subject: who, how much, which law, how long...

« qui délivre l'agrément ESUS » and « l'agrément ESUS dure combien de temps » share their
subject and differ by their *aspect*. Aspect words are not topic words (they are stop
words for the ranking); they choose the direct answer (:mod:`bot.qa.answers`) and say
when a question asks for a fact the base may not hold (:mod:`bot.qa.search`).

The patterns are data: tried on the folded words of the question (accents, case and
elided words removed — « c'est quoi » is « est quoi » —, abbreviations of
``synonymes.yaml`` already rewritten), each a phrase that must appear as whole words.
"""

from __future__ import annotations

import re

ASPECTS: dict[str, tuple[str, ...]] = {
    "who": ("qui", "ki", "who", "whom", "competent", "competente", "competents",
            "competentes", "quel organisme", "quelle autorite", "quel service",
            "quel acteur", "quels acteurs", "quelle structure", "quel interlocuteur",
            "autorite de gestion", "which body", "which authority"),
    "howmuch": ("combien", "cb", "montant", "montants", "taux", "tx", "pourcentage", "plafond",
                "seuil", "how much", "how many", "nombre", "prix", "cout",
                "coute", "coutent", "proportion", "maximum", "max", "minimum", "budget",
                "above which", "a partir de quel", "a partir de quelle", "jusqu ou",
                "enveloppe", "percentage", "rate", "amount", "what share", "quelle part",
                "quelle somme", "jusqu a combien", "minimal", "minimale", "maximal",
                "maximale", "plafonne", "plafonnee"),
    "free": ("gratuit", "gratuite", "payant", "payante", "payer", "free of charge",
             "paying", "cost"),
    "legal": ("base legale", "base juridique", "fondement juridique", "fondement", "loi",
              "decret", "article", "texte", "cadre juridique", "cadre legal", "legal",
              "legalement", "law", "code", "reglement", "juridique", "juridiquement",
              "le droit", "a le droit", "droit de", "legal basis"),
    "howlong": ("combien de temps", "duree", "dure", "durent", "jusqu a quand",
                "depuis quand", "tous les combien", "how long", "until when",
                "tps", "delai", "delais", "periode", "echeance", "a partir de quand",
                "en quelle annee", "depuis combien", "valable", "valables", "validite",
                "expire", "expiration", "quand", "quelle date", "a quelle date",
                "quel mois", "quelle annee", "when"),
    "howto": ("comment", "cmt", "demarche", "demarches", "etapes", "candidater",
              "candidature", "postuler", "how to", "how do", "how can", "procedure",
              "y prendre", "obtenir", "monter", "faire pour", "par quoi je commence",
              "apply"),
    "compatible": ("cumuler", "cumul", "cumulable", "cumulables", "compatible",
                   "compatibles", "a la fois", "en meme temps", "combine", "combiner"),
    "eligibility": ("qui peut", "ki peut", "pour qui", "a qui", "beneficier", "eligible",
                    "eligibles", "eligibilite", "concerne", "concernes", "concernees",
                    "pour quels", "pour quelles", "quelles communes", "quels territoires",
                    "droit a", "who can", "reserve a", "reserves a", "ouvert a"),
    "obligation": ("obligatoire", "obligatoires", "obligation", "obligations", "oblige",
                   "obligee", "doit on", "faut il", "mandatory", "required", "impose"),
    "definition": ("definition", "definir", "signifie", "veut dire",
                   "sigle", "est quoi", "est ce un", "est ce une", "est ce le", "est ce la",
                   "est ce les", "est ce des", "est ce que est",
                   "what is", "what s", "kesako", "explication", "de quoi parle t on",
                   "appelle t on"),
    # What something is for, what an organisation does: its written answer, not the entry.
    "role": ("que fait", "a quoi sert", "a quoi servent", "sert a quoi", "role de",
             "role du", "what does"),
    "contact": ("contact", "contacter", "joindre", "coordonnees", "telephone", "mail",
                "adresse", "interlocuteur", "adresser"),
    # Facts of one organisation or one person, which the base does not hold: asked without
    # a direct answer that holds them, the question is not answered.
    "specific": ("budget", "salaire", "salaires", "remuneration", "telephone de",
                 "telephone du", "numero de", "numero du", "tel de", "tel du", "horaires",
                 "horaire", "nom du", "nom de la",
                 "president", "presidente", "adjoint", "adjointe", "gerant", "gerante",
                 "directeur", "directrice", "chiffre affaires", "bilan comptable",
                 "montant exact"),
    # Where to write to one organisation: answered by how to reach a contact the question
    # names (« adresse de la CRESS Bretagne »), not by any item near the subject.
    "address": ("adresse de", "adresse du", "adresse de la", "mail du", "mail de",
                "email de", "email du", "courriel de", "courriel du"),
}
# Factual aspects: a question asking one of these wants a fact; without a direct answer
# holding it, an item is shown only if it matches the subject very well.
FACTUAL = frozenset({"who", "howmuch", "howlong", "legal"})
# Words that ask for money: « quelles aides pour... » shows funding tools first.
FUNDING_WORDS = ("aide", "aides", "financement", "financements", "financer", "finance",
                 "subvention", "subventions", "subventionner", "garant", "garantie",
                 "pret", "prets", "funding", "fund", "grant", "grants", "cofinancer",
                 "cofinancement")

_PATTERNS = {aspect: re.compile(r"\b(?:" + "|".join(re.escape(p) for p in
                                                     sorted(phrases, key=len, reverse=True))
                                + r")\b")
             for aspect, phrases in ASPECTS.items()}
_FUNDING = re.compile(r"\b(?:" + "|".join(FUNDING_WORDS) + r")\b")


def aspects_of(folded_words: list[str]) -> frozenset[str]:
    """The aspects a question asks (see ASPECTS); « combien de temps » is how long, not
    how much."""
    text = " ".join(folded_words)
    found = {aspect for aspect, pattern in _PATTERNS.items() if pattern.search(text)}
    if "howlong" in found and re.search(r"\bcombien de temps\b|\btous les combien\b", text):
        found.discard("howmuch")
    if "eligibility" in found:
        rest = re.sub(r"\b(?:qui peut|ki peut|pour qui|a qui)\b", " ", text)
        if not re.search(r"\b(?:qui|ki)\b", rest):
            found.discard("who")  # « qui peut en bénéficier » asks for whom, not who acts
    return frozenset(found)


def asks_for_funding(folded_words: list[str]) -> bool:
    return bool(_FUNDING.search(" ".join(folded_words)))


# Phrases that only say what is asked (« combien de temps »): not topic words.
_ASPECT_PHRASES = (("combien", "de", "temps"), ("tous", "les", "combien"),
                   ("jusqu", "a", "quand"), ("depuis", "quand"), ("how", "long"),
                   # fillers of spoken French
                   ("en", "train", "de"), ("au", "juste"), ("en", "gros"), ("du", "coup"),
                   ("a", "priori"), ("par", "rapport", "a"), ("en", "fait"))


def drop_aspect_phrases(folded_words: list[str]) -> list[str]:
    """The words without the phrases that only say what is asked (« combien de temps »)."""
    out: list[str] = []
    i = 0
    while i < len(folded_words):
        for phrase in _ASPECT_PHRASES:
            if tuple(folded_words[i:i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(folded_words[i])
            i += 1
    return out
