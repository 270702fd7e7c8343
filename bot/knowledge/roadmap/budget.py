"""The budget cycle in the feuille de route's calendar (plan32): a plan whose twelve months
ignore the vote of the budget and the débat d'orientation budgétaire (DOB) leaves the élu and
the DGS without the moment when its actions get their credits. The facts and their source
are the glossary item ``glossaire_dob`` (CGCT, art. L1612-2, L2312-1, L3312-1, L4312-1 and
L5211-36); the calendar cites it on these lines."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Translator
from bot.knowledge.partners import OVERSEAS_COLLECTIVITES, SMALL_COMMUNE_SIZE

BUDGET_ITEM = "glossaire_dob"
# the budget is voted by 15 April (CGCT, art. L1612-2): the quarter holding January to April
# of a year is the one of its vote; the one holding October to December prepares the next
VOTE_MONTHS = range(1, 5)
PREPARE_MONTHS = range(10, 13)
# the communes' councils are renewed every six years (2020, 2026, 2032): that year the budget
# may be voted until 30 April (L1612-2), the EPCI's councils being renewed with them
MUNICIPAL_TERM = 6
MUNICIPAL_RENEWAL = 2026
COMMUNAL = frozenset({"commune", "epci", "ept"})
GROUPINGS = frozenset({"epci", "ept"})


def has_budget_cycle(departement_code: str | None, kind: str | None) -> bool:
    """The CGCT's budget calendar is the one of the communes, intercommunalités, départements
    and régions; a collectivité d'outre-mer or the Nouvelle-Calédonie has its own statute,
    not checked here: no budget line there rather than a wrong date."""
    return kind != "com" and departement_code not in OVERSEAS_COLLECTIVITES


def budget_lines(quarters: list[list[dt.date]], kind: str | None, size: str | None,
                 t: Translator) -> list[tuple[int, str]]:
    """(quarter index, line) for the budget moments the quarters hold: the preparation of
    next year's budget (its DOB where the law asks for one) in the quarter holding October to
    December, the vote of the year's budget in the one holding January to April."""
    small = kind == "commune" and size == SMALL_COMMUNE_SIZE
    # a commune whose size is unknown may be under 3,500 inhabitants: its DOB is conditional
    unknown = kind == "commune" and size is None
    lines: list[tuple[int, str]] = []
    prepared: set[int] = set()
    voted: set[int] = set()
    for n, months in enumerate(quarters):
        vote = next((d.year for d in months if d.month in VOTE_MONTHS), None)
        prepare = next((d.year + 1 for d in months if d.month in PREPARE_MONTHS), None)
        if prepare is not None and prepare not in prepared and prepare != vote:
            prepared.add(prepare)
            lines.append((n, _prepare(prepare, kind, small, unknown, t)))
        if vote is not None and vote not in voted:
            voted.add(vote)
            lines.append((n, _vote(vote, kind, small, unknown, vote in prepared, t)))
    return lines


def _dob(kind: str | None, small: bool, unknown: bool, t: Translator) -> str | None:
    """« le débat d'orientation budgétaire (DOB) », with its condition for an
    intercommunalité or a commune whose size is unknown (plan33: not told it applies as if
    certain); None where the law asks for none (a commune under 3,500 inhabitants) or the
    kind is unknown."""
    if unknown:
        return t._("le débat d'orientation budgétaire (DOB ; obligatoire dans les communes de "
                   "3 500 habitants ou plus)")
    if kind in GROUPINGS:
        return t._("le débat d'orientation budgétaire (DOB ; obligatoire dès qu'une commune "
                   "membre compte 3 500 habitants ou plus)")
    if kind in ("departement", "region") or (kind == "commune" and not small):
        return t._("le débat d'orientation budgétaire (DOB)")
    return None


def _prepare(year: int, kind: str | None, small: bool, unknown: bool, t: Translator) -> str:
    dob = _dob(kind, small, unknown, t)
    if dob:
        return t._("Budget {year} : présenter au {dob} les moyens de l'ESS pour {year}, à "
                   "partir du bilan de l'année (subventions pluriannuelles, achats, temps "
                   "d'agent).").format(year=year, dob=dob.removeprefix("le "))
    if small:
        return t._("Budget {year} : chiffrer avec le secrétariat de mairie les moyens de l'ESS "
                   "pour {year} (subventions, achats) avant le vote du budget primitif.").format(
            year=year)
    return t._("Budget {year} : chiffrer les moyens de l'ESS pour {year} (subventions, achats, "
               "temps d'agent) avant le vote du budget primitif.").format(year=year)


def _vote(year: int, kind: str | None, small: bool, unknown: bool, prepared: bool,
          t: Translator) -> str:
    if kind in COMMUNAL and year % MUNICIPAL_TERM == MUNICIPAL_RENEWAL % MUNICIPAL_TERM:
        deadline = t._("le 30 avril {year}, année du renouvellement des conseils "
                       "municipaux").format(year=year)
    elif kind in ("departement", "region"):
        deadline = t._("le 15 avril {year} (le 30 avril si l'assemblée est renouvelée cette "
                       "année-là)").format(year=year)
    else:
        deadline = t._("le 15 avril {year}").format(year=year)
    dob = None if prepared else _dob(kind, small, unknown, t)
    after = t._("après {dob}, ").format(dob=dob) if dob else ""
    return t._("Budget {year} : {after}inscrire les crédits des actions prioritaires "
               "(subventions, études, temps d'agent) au budget primitif, voté au plus tard "
               "{deadline} ; s'il est déjà voté, les ouvrir par une décision modificative.").format(
        year=year, after=after, deadline=deadline)
