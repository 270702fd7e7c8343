"""What the detected contexts rest on, in one sentence for the agent: the density level of a
commune, the share of a grouping's population in rural communes, its communes with a QPV,
and who pays the RSA where the State does.

« Urbain » alone reads oddly for Corte or the Chamonix valley: in INSEE's grille communale de
densité (7 levels), a « petite ville » is urban; saying so lets the agent judge the reading
rather than trust a bare word. A grouping is never described by one word as if it were one
place: the share is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.knowledge.territory_model import DENSITY_LABELS, RURAL_LEVELS, TerritoryContext

PETITE_VILLE = 4  # the level of the grille whose « urbain » surprises (Corte, Chamonix)

if TYPE_CHECKING:
    from bot.i18n import Translator
    from bot.knowledge.rsa_state import StateRsa


def _percent(share: float, t: Translator) -> str:
    """« 43 % » (a no-break space before the sign)."""
    return f"{t.format_number(round(share * 100))}\u00a0%"


def context_reading(kind: str, context: TerritoryContext, t: Translator,
                    given: frozenset[str] = frozenset()) -> str | None:
    """« Lecture du territoire » for the profile: None when the data say nothing. ``given``:
    the contexts the agent already chose (no need to ask for « montagne » again)."""
    parts: list[str] = []
    if kind == "commune" and context.density:
        level, n = DENSITY_LABELS[context.density], context.density
        if context.density in RURAL_LEVELS:
            parts.append(t._("commune rurale au sens de l'Insee ({level}, niveau {n} sur 7 "
                             "de la grille communale de densité)").format(level=level, n=n))
        elif context.density == PETITE_VILLE:
            parts.append(t._("commune urbaine au sens de l'Insee ({level}, niveau {n} sur 7 "
                             "de la grille communale de densité ; les petites villes y "
                             "comptent parmi les communes urbaines)").format(level=level, n=n))
        else:
            parts.append(t._("commune urbaine au sens de l'Insee ({level}, niveau {n} sur 7 "
                             "de la grille communale de densité)").format(level=level, n=n))
    elif kind != "commune" and context.rural_share is not None:
        if context.rural_share in (0, 1):  # not « 0 % de la population vit… »
            parts.append(t._("toutes ses communes sont rurales au sens de l'Insee (grille "
                             "communale de densité)") if context.rural_share else
                         t._("toutes ses communes sont urbaines au sens de l'Insee (grille "
                             "communale de densité)"))
        else:
            parts.append(t._("{share} de la population vit dans une commune rurale au sens "
                             "de l'Insee (grille communale de densité, où les petites villes "
                             "sont urbaines)").format(share=_percent(context.rural_share, t)))
    if kind != "commune" and context.qpv_communes:
        parts.append(_qpv_clause(kind, context, t))
    massif = _massif_note(kind, context, t) if "montagne" not in given else None
    if massif:
        parts.append(massif)
    if context.state_rsa is not None:
        parts.append(state_rsa_clause(context.state_rsa, t))
    return " ; ".join(parts) or None


def _qpv_clause(kind: str, context: TerritoryContext, t: Translator) -> str:
    """« 17 communes comptent un quartier prioritaire (QPV), où vit 42 % de la population… »;
    where every commune has one, said so: « où vit 100 % de la population » reads as if all
    of Mayotte lived in a QPV."""
    n = context.qpv_communes
    share = context.qpv_population_share
    if share is not None and share >= 0.995 and n > 1:
        return t._("ses {n} communes comptent toutes un quartier prioritaire (QPV)").format(n=n)
    text = t.ngettext("{n} commune compte un quartier prioritaire (QPV)",
                      "{n} communes comptent un quartier prioritaire (QPV)", n).format(n=n)
    if share is not None and kind in ("departement", "region", "com"):
        text += t._(", où vit {share} de la population (des quartiers et du reste "
                    "de ces communes)").format(share=_percent(share, t))
    return text


def state_rsa_clause(state: StateRsa, t: Translator) -> str:
    """« le RSA y est versé par l'État (recentralisation, expérimentation depuis 2023) ; le
    département garde l'insertion »: a lever on the RSA is not for a département that pays
    it there (blind rating 2026-12-01, the Ariège). Overseas, where a collectivité unique
    (Guyane, Mayotte) holds the département's competences, the insertion is said to stay a
    départemental competence rather than « le département »'s."""
    if state.experiment:
        return t._("le RSA y est versé par l'État (recentralisation, expérimentation depuis "
                   "{year}) ; le département garde l'insertion").format(year=state.since)
    return t._("le RSA y est versé par l'État (recentralisation depuis {year}) ; "
               "l'insertion reste une compétence départementale").format(year=state.since)


# The zone de montagne (communes classées, loi Montagne) is not in the data: no open list was
# found (docs/territories.md). A massif perimeter is wider than it, so it never suggests
# « montagne »; but it tells the agent that the question is worth asking (blind rating
# 2026-11-30: Royère, the Haut-Jura, the Cantal read without « montagne » and nothing said
# why). Communes and groupings only: a département or a région is not classed as a whole.
_MASSIF_KINDS = ("commune", "epci", "ept")


def _massif_note(kind: str, context: TerritoryContext, t: Translator) -> str | None:
    """« dans un périmètre de massif (Massif central, loi Montagne) : … », or None."""
    # a littoral commune of a massif's perimeter (Port-Vendres, Le Port) is a port first: the
    # question is noise there (blind rating 2026-12-01)
    if kind not in _MASSIF_KINDS or not context.massifs or "montagne" in context.contexts \
            or (kind == "commune" and "littoral" in context.contexts):
        return None
    massifs = t.join(list(context.massifs))
    if kind == "commune":
        return t._("dans un périmètre de massif ({massifs}, loi Montagne) ; si votre commune "
                   "est classée en zone de montagne, ce que nos données ne disent pas, ajoutez "
                   "le contexte « Montagne »").format(massifs=massifs)
    return t._("des communes dans un périmètre de massif ({massifs}, loi Montagne) ; si la "
               "plupart sont classées en zone de montagne, ce que nos données ne disent pas, "
               "ajoutez le contexte « Montagne »").format(massifs=massifs)


def context_sentence(kind: str, context: TerritoryContext, t: Translator,
                     given: frozenset[str] = frozenset()) -> str:
    """The reading as a sentence: « Lecture du territoire : … . », and whose programme a
    commune is in through its intercommunalité (:func:`grouping_sentence`)."""
    reading = context_reading(kind, context, t, given)
    if not reading:  # the collectivités d'outre-mer of the Pacific, the TAAF
        text = t._("La grille de densité de l'Insee ne couvre pas ce territoire.")
    else:
        text = t._("Lecture du territoire : {reading}.").format(reading=reading)
    held = grouping_sentence(context, t)
    return f"{text} {held}" if held else text


def grouping_sentence(context: TerritoryContext, t: Translator) -> str | None:
    """« Votre intercommunalité, CC Val Eyrieux, est Territoire d'industrie… »: a programme
    listed by grouping is not the commune's own, and the agent should know whose it is."""
    if "territoires-industrie" not in context.grouping_programmes or not context.grouping:
        return None
    return t._("Votre intercommunalité, {grouping}, est Territoire d'industrie : ce programme "
               "est le sien, et votre commune en relève comme membre.").format(
        grouping=context.grouping)


def within_parentheses(name: str) -> str:
    """A name written inside parentheses, its own in brackets as French typography has them:
    « (… CA Intercommunale de la Réunion Est [CIREST]) », not « (… (CIREST)) »."""
    return name.replace("(", "[").replace(")", "]")


def programme_label(label: str, value: str, held: tuple[str, ...] | list[str],
                    grouping: str | None, t: Translator) -> str:
    """A programme's label in a list, with whose it is when the commune holds it through its
    intercommunalité: « Territoires d'industrie (programme de votre intercommunalité, CC Val
    Eyrieux) »."""
    if value in held and grouping:
        return t._("{programme} (programme de votre intercommunalité, {grouping})").format(
            programme=label, grouping=within_parentheses(grouping))
    return label
