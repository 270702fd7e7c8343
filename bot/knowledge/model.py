"""Knowledge items (levers, funding tools, contacts, examples, glossary) and their sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.flow import LocalText
from bot.yamlsrc import Position

if TYPE_CHECKING:
    from bot.i18n import Translator
    from bot.knowledge.scoring import Profile, Ranked, ScoringRules

RANKING_CACHE = 2048  # profiles x kinds kept

# The kinds of knowledge item: the four the ranking recommends, then the glossary (answers only).
RECOMMENDED_KINDS = ("lever", "funding", "contact", "example")
KINDS = (*RECOMMENDED_KINDS, "glossary")
# The three steps of the seed documents, in their order (the feuille de route's "next step"
# follows it); content/taxonomy.yaml's `steps` vocabulary must list exactly these.
STEPS = ("identifier", "soutenir", "ancrer")
# applies_to key -> the taxonomy vocabulary its values come from. `not_contexts` is the one
# exclusion: an item for the Hexagone only (`not_contexts: [outre-mer]`) never reaches a
# territory with one of them. `preferred_collectivites` restricts nothing: an item for every
# type of collectivité fits these above all (the régions manage the European funds);
# `preferred_programmes` likewise: an item for every territory fits above all those in one
# of these national programmes (the lever that inscribes the ESS in them); `preferred_themes`
# likewise: a tool for every project fits above all these themes (the DETR, for the services
# kept in rural communes), and scores a match with them as a theme; `preferred_contexts`
# likewise: an item for every place fits above all these contexts (the European funds in the
# outermost regions), and scores them as a tool meant for them would, at `preferred_context`.
APPLICABILITY = {"collectivites": "collectivites", "contexts": "contexts",
                 "not_contexts": "contexts", "themes": "themes", "steps": "steps",
                 "sizes": "sizes", "programmes": "programmes",
                 "preferred_collectivites": "collectivites",
                 "preferred_programmes": "programmes",
                 "preferred_themes": "themes",
                 "preferred_contexts": "contexts",
                 # INSEE region codes: an item about one or two régions' own matter (the
                 # chlordécone of Guadeloupe and Martinique), not shown elsewhere
                 "regions": "regions"}
GENDERS = ("f", "m")  # grammatical gender of an item's subject, for reason sentences


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None
    document: str | None = None  # id of a source document in content/sources.yaml


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: str
    title: str
    summary: str
    sources: tuple[Source, ...]
    last_checked: dt.date
    position: Position
    body: str = ""
    applies_to: Mapping[str, frozenset[str]] = field(default_factory=dict)
    legal_basis: str | None = None
    how_to_reach: str | None = None
    url: str | None = None
    region: str | None = None
    audience: str | None = None  # who a funding tool or contact serves
    priority: int = 0  # 0-3: how central the item is to its steps in the source documents
    # For the feuille de route and the chat cards (docs/content.md, "Acting on an item"):
    how_to: tuple[str, ...] = ()  # the steps to carry it out, in order
    first_action: str | None = None  # one concrete thing to do this month
    carried_by: str | None = None  # who carries it in the collectivité (service, élu)
    # For a commune under 3,500 inhabitants, when the lever's scale is the intercommunalité,
    # the PETR or the pays (a PAT): what the commune itself does first, and its steps.
    first_action_small: str | None = None
    how_to_small: tuple[str, ...] = ()
    # For a région, when the lever's first action and steps are written for a commune or an
    # intercommunalité (« choisir une filière… autour de la cartographie »): the région's own.
    first_action_region: str | None = None
    how_to_region: tuple[str, ...] = ()
    cost: str | None = None  # indicative cost or order of magnitude, as a source gives it
    indicators: tuple[str, ...] = ()  # what to follow to know it works
    family: str | None = None  # near-duplicates share a family: one slot in a top list
    gender: str | None = None  # "f" or "m": « elle agit » / « il agit » in reasons
    plural: bool = False  # « ils agissent »
    # A funding tool whose calls are closed (Avenir Montagnes): kept for its relays and the
    # projects it started, never named in the feuille de route to fund an action
    closed: bool = False
    review_by: dt.date | None = None  # a time-bound fact must be re-checked by this date
    # "lourd" when the item's own text says it is heavy to set up (a contrat à impact:
    # investors, an evaluator, a legal set-up): it comes after the tools that fit as well
    effort: str | None = None
    # A lever that works through the collectivité's own purchases (a clause d'insertion, a
    # reserved contract, a SPASER): the contract pays for the work, so the feuille de route
    # names no funding tool for it (plan32 review: the contrats à impact offered to fund the
    # Nièvre's clause d'insertion)
    own_purchases: bool = False
    # A European structural or investment fund, or a lever that mobilises them (the FEDER,
    # the FSE+, LEADER, the DLAL FEAMPA): they do not apply in the pays et territoires
    # d'outre-mer, outside the Union's territory (TFUE annex II: Saint-Pierre-et-Miquelon,
    # Saint-Barthélemy, the Pacific collectivités), which the ranking leaves them out of
    eu_funds: bool = False
    # What a funding tool pays for, and what a lever's work costs: « investissement » (works,
    # equipment), « fonctionnement » (running a service or a structure), « pilotage » (the
    # collectivité's own steering: a contract, a strategy, a coordination). A lever that says
    # it is funded only by a tool that says it pays for one of them (plan39, review39: the
    # DETR offered for a CTG, the ANRU for a Cité de l'emploi); empty: not said
    expenses: frozenset[str] = frozenset()
    # Examples: the codes of the collectivités whose own project it is (INSEE code of a
    # commune, département or région, SIREN of an intercommunalité): not shown to them.
    # A code may say its level (« region:32 »): read them with :func:`place_level_code`.
    places: frozenset[str] = frozenset()

    def restricts(self, dimension: str) -> frozenset[str] | None:
        """The values this item is limited to on one dimension, or None for 'all'."""
        return self.applies_to.get(dimension) or None


@dataclass(frozen=True, slots=True)
class Answer:
    """A direct answer (``content/faq.yaml``): 1-3 sentences to a recurring question about
    one item, with its own sources; the item explains more."""

    id: str
    item: str  # id of the item it belongs to
    questions: tuple[str, ...]  # how agents ask it (searched; never shown as the answer)
    text: str
    sources: tuple[Source, ...]
    last_checked: dt.date
    position: Position
    review_by: dt.date | None = None  # its time-bound fact must be re-checked by this date


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    items: Mapping[str, Item]
    vocabularies: Mapping[str, Mapping[str, LocalText]]  # from content/taxonomy.yaml
    documents: Mapping[str, str]  # source document id -> title
    scoring: ScoringRules | None = None  # from content/scoring.yaml; None if it is broken
    answers: Mapping[str, Answer] = field(default_factory=dict)  # content/faq.yaml, by id
    _by_kind: Mapping[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False,
                                                     default_factory=dict)
    # Rankings already computed, per (kind, profile): many users share a profile, and a turn
    # ranks the same profile several times (chat, feuille de route). Bounded.
    _ranked: dict[tuple[str, Profile, dt.date], list[Ranked]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_kind: dict[str, tuple[Item, ...]] = {}
        for item in self.items.values():  # ranking asks for a kind at every recommendation
            by_kind[item.kind] = (*by_kind.get(item.kind, ()), item)
        object.__setattr__(self, "_by_kind", by_kind)

    def of_kind(self, kind: str) -> list[Item]:
        return list(self._by_kind.get(kind, ()))

    @property
    def rules(self) -> ScoringRules:
        """The ranking rules; a version whose scoring.yaml did not load is never served."""
        if self.scoring is None:
            raise RuntimeError("the ranking rules (content/scoring.yaml) did not load")
        return self.scoring

    def ranked(self, kind: str, profile: Profile) -> list[Ranked]:
        """Every item of ``kind`` that fits ``profile``, best first (see ScoringRules)."""
        key = (kind, profile, dt.date.today())  # review dates are read against today
        found = self._ranked.get(key)
        if found is None:
            found = self.rules.ranked(self._by_kind.get(kind, ()), profile)
            if len(self._ranked) >= RANKING_CACHE:
                self._ranked.clear()
            self._ranked[key] = found
        return list(found)

    def label(self, vocabulary: str, value: str, t: Translator) -> str:
        """The label of a value of a taxonomy vocabulary; the value itself if unknown."""
        text = self.vocabularies.get(vocabulary, {}).get(value)
        return text.render(t) if text else value


def place_level_code(place: str) -> tuple[str | None, str]:
    """An item's ``places`` entry as (level, code): « region:32 » -> ("region", "32"),
    « 23176 » -> (None, "23176"). INSEE numbers départements and régions apart (32 is the
    Gers and the Hauts-de-France), so a short code may say which level it is."""
    level, _, code = place.rpartition(":")
    return level or None, code
