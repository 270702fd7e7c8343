"""The headings and labels of the feuille de route, in the reader's language, shared by
every format."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from bot.i18n import Translator


class Texts:
    def __init__(self, t: Translator):
        _ = t._
        self.colon = _(" :")  # French puts a space before a colon
        self.summary = _("L'essentiel")
        self.territory = _("Votre territoire")
        self.priorities = _("Trois actions prioritaires")
        self.first_funding = _("Pour financer ces premières actions")
        self.first_calls = _("Qui appeler en premier")
        self.reach = _("Comment les joindre")
        self.lever = _("levier")
        self.no_lever = _("Aucun levier ne correspond à ce profil : contactez votre CRESS.")
        self.calendar = _("Calendrier sur douze mois")
        self.calendar_intro = _("Un calendrier indicatif, trimestre par trimestre, à partir des "
                                "actions prioritaires et de l'étape où vous en êtes : à adapter "
                                "à vos instances et à vos budgets.")
        self.levers = _("Vos leviers, un par un")
        self.why = _("Pourquoi pour vous")
        self.how = _("Comment faire")
        self.practice = _("En pratique")
        self.first_action = _("Pour commencer")
        self.carried_by = _("Qui porte")
        self.cost = _("Coût indicatif")
        self.legal_basis = _("Base légale")
        self.indicators = _("Indicateurs à suivre")
        self.funding_fit = _("Financements à étudier")
        self.next_step = _("Pour préparer l'étape suivante : {step}")
        self.funding = _("Financements et appuis")
        self.funding_columns = (_("Outil"), _("Ce qu'il finance"), _("Pour qui"),
                                _("Comment candidater"), _("Lien"))
        self.funding_caption = _("Les financements et appuis qui correspondent à votre profil "
                                 "et à vos leviers.")
        self.contacts = _("Autres contacts utiles")
        self.examples = _("Exemples dont s'inspirer")
        self.method = _("Comment cette feuille de route a été établie")
        self.method_text = _("Les leviers, financements, contacts et exemples sont choisis et "
                             "classés selon le profil ci-dessous, avec les règles publiées de "
                             "l'outil ; chaque fait renvoie à ses sources. Vérifiez les "
                             "montants et les dates limites auprès des organismes avant tout "
                             "engagement.")
        self.sources = _("Annexe : les sources")
        # the annex: each source numbered once, official ones first (official_range)
        self.sources_intro = _("Chaque source est numérotée une fois ; le document renvoie à "
                               "ces numéros. Les sources officielles (État, Légifrance, Union "
                               "européenne) d'abord, puis les autres, dans l'ordre où le "
                               "document les cite. Entre parenthèses, la date de la dernière "
                               "vérification.")
        self.official_range = _("Sources officielles : n° 1 à {last}.")
        self.page = _("Page")
        self.of = _("sur")
        self.sources_link = _("Aller à la source {n}")


def domain(url: str) -> str:
    """« https://www.avise.org/a/b » -> « avise.org »: a link's text on paper."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def number_runs(numbers: list[int]) -> list[tuple[list[int], str]]:
    """[7, 29, 30, 31, 32] -> [([7], "7"), ([29, 30, 31, 32], "29–32")]; two in a row stay
    apart (« 4, 5 »)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    result: list[tuple[list[int], str]] = []
    for run in runs:
        if len(run) > 2:
            result.append((run, f"{run[0]}–{run[-1]}"))
        else:
            result += [([n], str(n)) for n in run]
    return result


def compact_numbers(numbers: list[int]) -> str:
    """[7, 29, 30, 31, 32] -> « 7, 29–32 »: source references that do not crowd a line."""
    return ", ".join(text for _, text in number_runs(numbers))


def short_date(day: dt.date, t: Translator) -> str:
    """« 30/11/2026 »: a source's check date in the annex, where a long one on each of sixty
    lines made a page of its own."""
    from babel.dates import format_date

    return format_date(day, "short", locale=t.language)


def source_intro(official: int, x: Texts) -> str:
    """The annex's introduction, with how many of its sources are official ones."""
    return x.sources_intro + (" " + x.official_range.format(last=official) if official else "")
