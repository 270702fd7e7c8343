"""A lever as one collectivité acts on it: the wording of its level, its size and its place.

The content writes a lever once for every collectivité, with variants where the level or the
size changes who acts (``first_action_small``, ``how_to_region``…) and bracketed notes for one
level (« (pour une région, à son propre service Europe) »). :func:`acted_here` reads a lever
as the profile's collectivité would: the chat's cards, lists and « Détails » and the feuille
de route go through it, so the two say the same thing (plan26 found the chat still giving a
village the step of a city's « service de restauration » that its feuille de route had
rewritten). French, like the content it rewrites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.knowledge.model import Item, KnowledgeBase
from bot.knowledge.partners import (
    SMALL_COMMUNE_SIZE,
    at_small_commune_scale,
    small_commune_carrier,
    small_commune_words,
)
from bot.knowledge.scoring import Profile

if TYPE_CHECKING:  # the roadmap package imports this module
    from bot.knowledge.roadmap.local import LocalNames

QPV = "qpv"


@dataclass(frozen=True, slots=True)
class Here:
    """What of the collectivité changes a lever's wording: its type and size, whether it has
    quartiers prioritaires, whether it is (in) an EPT, its intercommunalité (for a commune),
    and the labels of its chosen themes, in the language of the text."""

    type: str | None
    size: str | None = None
    quartiers: bool = False
    in_ept: bool = False
    groupement: str | None = None
    theme_labels: tuple[str, ...] = ()
    # the levels whose competences it exercises besides its type's (Profile.other_levels)
    also: frozenset[str] = frozenset()

    @property
    def small_commune(self) -> bool:
        return self.type == "commune" and self.size == SMALL_COMMUNE_SIZE


def here_for(kb: KnowledgeBase, profile: Profile, names: LocalNames | None, t: Translator
             ) -> Here:
    """:class:`Here` for a profile, with the names around its territory if known."""
    return Here(profile.type, profile.size, QPV in profile.contexts,
                profile.type == "ept" or (names is not None and names.in_ept),
                names.groupement if names else None,
                tuple(kb.label("themes", theme, t) for theme in sorted(profile.themes)),
                profile.other_levels)


def acted_here(item: Item, here: Here) -> Item:
    """The lever as ``here`` acts on it: a village's and a région's own steps where the
    content gives them, a village's secrétariat de mairie for « vos services », the bracketed
    note of its level kept as « ici, … » and those of other levels left out, the steps bound
    to another size of commune or to quartiers it does not have left out, and its chosen
    theme picked where a step offers a choice. Items of other kinds are left as they are."""
    if item.kind != "lever":
        return item
    if here.small_commune:
        item = at_small_commune_scale(item)
    if here.type == "region":
        item = at_region_scale(item)
    steps, first, carrier = list(item.how_to), item.first_action, item.carried_by
    if here.small_commune:
        steps = [small_commune_words(step, here.groupement) for step in steps]
        first = small_commune_words(first, here.groupement) if first else first
        carrier = small_commune_carrier(carrier, here.groupement) if carrier else carrier

    def words(text: str) -> str:
        text = level_words(ept_words(text, here.in_ept), here.type, here.also)
        text = size_words(text, here.type, here.size)
        return text if here.quartiers else without_quartiers(text)

    steps = [step for step in map(words, steps) if step]
    first = (words(first) or None) if first else first
    if here.theme_labels:
        themes = list(here.theme_labels)
        steps = [chosen_theme_words(step, themes) for step in steps]
        first = chosen_theme_words(first, themes) if first else first
    return replace(item, summary=words(item.summary), how_to=tuple(steps), first_action=first,
                   carried_by=carrier)


def at_region_scale(item: Item) -> Item:
    """The lever as a région acts on it: its ``first_action_region`` and ``how_to_region``
    when the content gives them (plan23: the Grand Est's third action was « Choisir une
    filière prioritaire … autour de la cartographie », an intercommunalité's step; a région
    chooses its filières with its SRDEII, funds them and contracts with the EPCI)."""
    if not (item.first_action_region or item.how_to_region):
        return item
    return replace(item, first_action=item.first_action_region or item.first_action,
                   how_to=item.how_to_region or item.how_to)


# a closing clause, or an item of a list of services, that only a territory with quartiers
# prioritaires has (« …, en lien avec le contrat de ville dans les quartiers prioritaires. »)
_QUARTIERS_CLAUSE = re.compile(r",[^,;.()]*\b(?:contrat de ville|quartiers prioritaires|"
                               r"renouvellement urbain)\b[^,;.()]*(?=\.?$)")
_QUARTIERS_SERVICE = re.compile(r", politique de la ville(?=\))")


def without_quartiers(text: str) -> str:
    """A step written for every territory, as read where there is no quartier prioritaire:
    its closing clause on the contrat de ville or the quartiers and « politique de la
    ville » among the services to ask are left out (plan23: « Financer ces actions par des
    conventions pluriannuelles, en lien avec le contrat de ville dans les quartiers
    prioritaires » for the rural CC de la Thiérache du Centre)."""
    return _QUARTIERS_SERVICE.sub("", _QUARTIERS_CLAUSE.sub("", text.strip()))


_OR_EPT = re.compile(r"(\bl'intercommunalité) \(ou l'EPT\)")


def ept_words(text: str, in_ept: bool) -> str:
    """Content written for every intercommunalité says « l'intercommunalité (ou l'EPT) »: a
    document names the one the territory has, « l'EPT » in the Grand Paris and
    « l'intercommunalité » elsewhere (plan23: « (ou l'EPT) » in Carcassonne Agglo's plan)."""
    return _OR_EPT.sub("l'EPT" if in_ept else r"\1", text)


# « (pour une région, à son propre service) », « (ou, pour une commune, à son
# intercommunalité) », « (pour un département : ses services de l'insertion) »
_FOR_LEVEL = re.compile(r" \((ou, )?pour une? (commune|intercommunalité|département|région)"
                        r"(?:, | : )([^()]*)\)")
_LEVELS = {"commune": ("commune",), "intercommunalité": ("epci", "ept"),
           "département": ("departement",), "région": ("region",)}
_YOURS = ((re.compile(r"\bson\b"), "votre"), (re.compile(r"\bsa\b"), "votre"),
          (re.compile(r"\bses\b"), "vos"))


def level_words(text: str, kind: str | None, also: frozenset[str] = frozenset()) -> str:
    """Content written for every level notes in brackets what one level does instead
    (« Demander au service Europe de la région (pour une région, à son propre service
    Europe) »): a document keeps the note, as « ici, à votre propre service Europe », for
    that level, and drops it for the others (plan23: « (pour un département : ses services
    de l'insertion) » in the Ariège's calendar). A collectivité that exercises another
    level's competences too (``also``: the CTG, a département's) keeps that level's note.
    Unknown level: the text stays."""
    if kind is None:
        return text

    def here(match: re.Match[str]) -> str:
        if not {kind, *also} & set(_LEVELS[match.group(2)]):
            return ""
        words = match.group(3)
        for pattern, yours in _YOURS:
            words = pattern.sub(yours, words)
        return f" ({match.group(1) or ''}ici, {words})"
    return _FOR_LEVEL.sub(here, text)


# « Pour une commune de plus de 3 500 habitants, inscrire… »: a step the content writes for
# one size of commune (3,500 inhabitants: the « petite » size of content/scoring.yaml)
_FOR_SIZE = re.compile(r"^Pour une commune de (plus|moins) de 3 500 habitants, (\w)")


def size_words(text: str, kind: str | None, size: str | None) -> str:
    """A step written for one size of commune, as the commune reads it (plan26: Koungou,
    32,000 inhabitants, read « Pour une commune de plus de 3 500 habitants, inscrire… »):
    the condition is left out where it holds, and the whole step (an empty text) where it
    does not. Another level, or an unknown size: the text stays."""
    match = _FOR_SIZE.match(text)
    if match is None or kind != "commune" or size is None:
        return text
    small = size == SMALL_COMMUNE_SIZE
    if small != (match.group(1) == "moins"):
        return ""
    return match.group(2).upper() + text[match.end():]


_CHOICE = re.compile(r"\bChoisir une (\w+) prioritaire \(([^)]*)\)")


def chosen_theme_words(text: str, themes: list[str]) -> str:
    """« Choisir une filière prioritaire (alimentation, réemploi, numérique) » when the theme
    is chosen: « Partir de la filière alimentation, votre thème prioritaire, » — the choice
    is made (plan21); an option that starts with the theme's label names it too (plan26:
    « économie circulaire et réemploi » for the économie circulaire). ``themes`` are the
    labels of the chosen themes; no option among them: the text stays."""
    def chosen(match: re.Match[str]) -> str:
        options = [o.strip() for o in match.group(2).split(",")]
        picked = [o for o in options
                  if any(label.lower().startswith(o.lower())
                         or o.lower().startswith(label.lower()) for label in themes)]
        if not picked:
            return match.group(0)
        yours = "votre thème prioritaire" if len(picked) == 1 else "vos thèmes prioritaires"
        return f"Partir de la {match.group(1)} {' ou '.join(picked)}, {yours},"
    return _CHOICE.sub(chosen, text)
