"""Page 1's « À décider d'abord » (plan33): the three priority actions are steps for the
services (« Demander… », « Lister… »); the élu reading page 1 also needs the first decision to
put to the executive and the assembly, and its place in the budget and, for the communes and
their intercommunalités, in the 2026-2032 municipal term. It is derived from the level, the
size and the budget cycle (``budget.py``), never from a lever's name."""

from __future__ import annotations

import datetime as dt

from bot.i18n import N_, Translator
from bot.knowledge.partners import SMALL_COMMUNE_SIZE
from bot.knowledge.roadmap.budget import (
    COMMUNAL,
    GROUPINGS,
    MUNICIPAL_RENEWAL,
    MUNICIPAL_TERM,
    VOTE_MONTHS,
)

PACT_ITEM = "glossaire_pacte_gouvernance"


def budget_year(today: dt.date) -> int:
    """The first budget whose vote the calendar holds: the year of the first January to April
    in the twelve months from the month after ``today``."""
    for offset in range(1, 13):
        index = today.month - 1 + offset
        year, month = today.year + index // 12, index % 12 + 1
        if month in VOTE_MONTHS:
            return year
    return today.year + 1  # not reached: every twelve months hold an April


def term_of(year: int) -> tuple[int, int]:
    """The municipal term (its first and last year) in which a budget year falls."""
    start = year - (year - MUNICIPAL_RENEWAL) % MUNICIPAL_TERM
    return start, start + MUNICIPAL_TERM


# A collectivité holding two levels' competences has its own bodies (plan36, blind rating
# fresh7): « président et conseil régional » is not the Assemblée de Martinique's label.
# CGCT: L2512-1 (Paris), L3631-1 (Lyon), L4422-1 (Corse), L7121-1 (Guyane), L7221-1 and
# L7224-1 (Martinique); Mayotte is a département and keeps its label.
_STATUS_DECIDERS = {
    "ville-de-paris": N_("maire et Conseil de Paris"),
    "metropole-de-lyon": N_("président et conseil de la Métropole"),
    "collectivite-de-corse": N_("président du conseil exécutif et Assemblée de Corse"),
    "collectivite-territoriale-de-guyane": N_("président et Assemblée de Guyane"),
    "collectivite-territoriale-de-martinique": N_("président du conseil exécutif et "
                                                  "Assemblée de Martinique"),
}


def who_decides(kind: str | None, t: Translator, status: str | None = None) -> str:
    """The executive and the assembly of the level, as the label of the line; those of the
    collectivité itself when its ``status`` gives it its own bodies."""
    if status in _STATUS_DECIDERS:
        return t._(_STATUS_DECIDERS[status])
    if kind == "commune":
        return t._("maire et conseil municipal")
    if kind == "ept":
        return t._("président, bureau et conseil de territoire")
    if kind == "epci":
        return t._("président, bureau et conseil communautaire")
    if kind == "departement":
        return t._("président et assemblée départementale")
    if kind == "region":
        return t._("président et conseil régional")
    return t._("exécutif et assemblée de la collectivité")


def first_decision(kind: str | None, size: str | None, budget_cycle: bool, today: dt.date,
                   t: Translator) -> str:
    """« désigner l'élu référent ESS… ; inscrire leurs crédits au budget 2027… »: who carries
    the actions, and their credits. With the budget cycle of the CGCT, the budget year and
    its deadline; for a commune or an intercommunalité, the budget's place in the term (the
    first one prepared entirely by the councils elected at the renewal)."""
    small = kind == "commune" and size == SMALL_COMMUNE_SIZE
    if small:
        who = t._("choisir l'élu qui suit ces actions")
    elif kind in GROUPINGS:
        who = t._("nommer un vice-président référent ESS et un service pilote")
    else:
        who = t._("nommer un élu référent ESS et un service pilote")
    if not budget_cycle:
        # a collectivité d'outre-mer: its budget calendar was not checked (budget.py)
        return t._("{who} ; prévoir les crédits de ces actions au prochain budget.").format(
            who=who)
    year = budget_year(today)
    start, end = term_of(year)
    if small:
        money = t._("prévoir leurs crédits au budget {year}").format(year=year)
    else:
        money = t._("voter les crédits de ces actions au budget primitif {year}").format(
            year=year)
    if kind in COMMUNAL and year == start + 1:
        # the first budget whose DOB and vote fall wholly in the term
        money += t._(", le premier du mandat {start}-{end} préparé en entier").format(
            start=start, end=end)
    else:
        money += t._(" (en avril au plus tard)")
    return t._("{who} ; {money}.").format(who=who, money=money)


def decision_label(kind: str | None, t: Translator, status: str | None = None) -> str:
    """« À décider d'abord (maire et conseil municipal) »."""
    return t._("À décider d'abord ({deciders})").format(
        deciders=who_decides(kind, t, status))


def pact_line(kind: str | None, today: dt.date, t: Translator) -> str | None:
    """For an intercommunalité, in the first two years of a municipal term: the bodies of the
    pacte de gouvernance with its communes (CGCT, art. L5211-11-2), if it adopted one within
    the nine months after the renewal, as the place where the mayors say which ESS actions
    their communes carry. The calendar starts after that window (January 2027 for a plan of
    December 2026): the line speaks of a pacte adopted, not to adopt. The EPT are left out:
    the article speaks of the EPCI with their own taxation."""
    if kind != "epci" or (today.year - MUNICIPAL_RENEWAL) % MUNICIPAL_TERM > 1:
        return None
    start, end = term_of(today.year)
    return t._("Mandat {start}-{end} : présenter ces actions aux maires dans les instances "
               "que prévoit le pacte de gouvernance adopté après le renouvellement de mars "
               "{start}, s'il y en a un (commissions, conférences territoriales des maires), "
               "pour convenir de celles que les communes portent avec l'intercommunalité."
               ).format(start=start, end=end)
