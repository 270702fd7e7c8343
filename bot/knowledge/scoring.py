"""Ranking rules (``content/scoring.yaml``): weights, limits, size classes and reasons.

The rules are data so that an administrator can read and tune them; this
module only validates them and applies them. The same profile always gives the
same ranking: scores are sums of fixed weights, and ties are broken by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.engine.conditions import suggest
from bot.engine.flow import LocalText
from bot.i18n import SUPPORTED_LANGUAGES, Translator
from bot.knowledge.model import RECOMMENDED_KINDS, STEPS, Item, place_level_code
from bot.yamlsrc import MarkedDict, Position, Problem, load_marked_file

WEIGHTS = ("step", "theme", "generic_theme", "other_themes", "other_place", "broad_themes",
           "context", "broad_context", "distinct_context", "place_only", "preferred_context",
           "other_step", "type", "few_types", "example_type", "other_level", "competence",
           "size", "region",
           "priority", "programme", "effort", "closed")
LIMIT_SETS = ("chat", "full")
STEP_ONLY_SHARE = 0.6  # of a top list, at most, for items that share only the step
# of a top list, at most, for items that another level whose competences the collectivité
# exercises brings and that share none of its themes (Ranked.by_other_level)
OTHER_LEVEL_PLACES = 1
# The pays et territoires d'outre-mer (PTOM) of the TFUE's annex II, by their region code:
# Saint-Pierre-et-Miquelon, Saint-Barthélemy (a PTOM since 1 January 2012, decision
# 2010/718/UE), Wallis-et-Futuna, the Polynésie française and the Nouvelle-Calédonie. They
# are not part of the Union's territory and its law does not apply there (EUR-Lex summary of
# decision (UE) 2021/1764): an item of the European funds (``eu_funds: true``) is not for
# them. Saint-Martin, an outermost region, keeps them.
OUTSIDE_EU_REGIONS = frozenset({"975", "977", "986", "987", "988"})
# reasons: dimension -> the taxonomy vocabulary of its values, in the order of the phrases
# (the programmes after the contexts: both describe the territory, one subject for both)
REASON_DIMENSIONS = {"collectivites": "collectivites", "competences": "collectivites",
                     "contexts": "contexts",
                     "programmes": "programmes", "themes": "themes", "steps": "steps",
                     "sizes": "sizes", "regions": "regions"}
_REASON_ORDER = {dimension: n for n, dimension in enumerate(REASON_DIMENSIONS)}  # in reasons
REASON_TEXTS = ("sentence", "and", "and_also")
# optional, after the reason of an example: one carried by the profile's département or région
# (its council in {council}), one done by other types of collectivité only (in {values})
OPTIONAL_REASON_TEXTS = {"area": "{council}", "other_level": "{values}"}
# optional, the joints of clauses when a clause says « et » itself: « parce que A, que B et
# que C » rather than « parce que A et B et C » (no placeholder)
OPTIONAL_CLAUSE_TEXTS = ("that", "and_that")
# optional, the size clause of a profile whose type sets its size class (``type_sizes:``: a
# région, a département, an EPT, above any threshold by nature), instead of « votre
# collectivité compte 50 000 habitants ou plus » (no placeholder)
OPTIONAL_PLAIN_TEXTS = ("type_size",)
# The forms of a reason phrase whose subject is the item: masculine singular (the template),
# feminine, masculine plural, feminine plural (« il agit », « elle agit », « ils agissent »).
FORMS = ("f", "mp", "fp")
# regions use the taxonomy labels; every other dimension needs a phrase per value
PHRASES_FROM_TAXONOMY = ("regions",)
# dimensions a scoring.yaml may leave out: its clause is then not said (the levels whose
# competences a collectivité exercises besides its type's, « vous exercez les compétences
# d'un département »)
OPTIONAL_DIMENSIONS = ("competences",)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the bot knows of the collectivité; every field is optional."""

    type: str | None = None
    contexts: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    step: str | None = None
    region: str | None = None
    size: str | None = None
    territory: str | None = None  # the territory's display name, for documents only
    programmes: frozenset[str] = frozenset()  # national programmes the territory belongs to
    places: frozenset[str] = frozenset()  # the collectivité's own codes: its own projects are
    # not shown to it as examples (it knows them)
    # the larger collectivités the territory lies in, nearest first: (level, code, council),
    # e.g. ("departement", "59", "le conseil départemental du Nord"); an example of theirs is
    # labelled as such
    areas: tuple[tuple[str, str, str], ...] = ()
    # the levels of collectivité whose competences it exercises (``collectivites`` values),
    # as the territory's status says: the Collectivité territoriale de Guyane those of a
    # région and of a département, the Métropole de Lyon those of a métropole and of the
    # département, the Ville de Paris those of a commune and of a département
    competences: frozenset[str] = frozenset()

    @property
    def other_levels(self) -> frozenset[str]:
        """The levels whose competences the collectivité exercises besides its type's: an
        item meant for one of them applies to it (the département's insertion levers for the
        CTG). None when the type is not one of its levels (the agent corrected the type: it
        works for another collectivité than the one the territory's status describes)."""
        if self.type is None or self.type not in self.competences:
            return frozenset()
        return self.competences - {self.type}

    def exercises(self, types: Iterable[str]) -> bool:
        """The collectivité is of one of these types, or exercises one's competences."""
        wanted = set(types)
        return self.type in wanted or bool(self.other_levels & wanted)


@dataclass(frozen=True, slots=True)
class Ranked:
    """An item chosen for a profile, with its score and what it matched."""

    item: Item
    score: float
    matched: tuple[tuple[str, tuple[str, ...]], ...]  # (reason dimension, values)
    off_theme: bool = False  # meant only for other themes than the profile's
    elsewhere: bool = False  # an example from another kind of place than the profile's
    area: str | None = None  # the council of the profile's département or région whose
    # project the example is (« le conseil départemental du Nord »)
    levels: tuple[str, ...] = ()  # an example done only by these other types of collectivité
    typed_size: bool = False  # its size class is the profile's type's (``type_sizes:``)

    @property
    def step_only(self) -> bool:
        """It shares nothing with the profile but the step."""
        return all(dimension == "steps" for dimension, _ in self.matched)

    @property
    def only_who(self) -> bool:
        """It shares with the profile only the type or size of collectivité it is for: not
        the step, nor a theme, a context or a programme."""
        return all(dimension in ("collectivites", "competences", "sizes")
                   for dimension, _ in self.matched)

    @property
    def step_and_size_only(self) -> bool:
        """It shares with the profile only the step, and the size class it is for: a lever for
        every theme, type and place (mapping the actors, a co-built plan, a diagnostic)."""
        return bool(self.matched) and all(dimension in ("steps", "sizes")
                                          for dimension, _ in self.matched) \
            and not self.item.restricts("themes")

    @property
    def by_other_level(self) -> bool:
        """It applies through a level whose competences the collectivité exercises besides
        its type's (``Profile.other_levels``), and shares none of the profile's themes: the
        région's strategy and economic aids for the Département de Mayotte on childcare."""
        dimensions = dict(self.matched)
        return "competences" in dimensions and "themes" not in dimensions

    @property
    def step_fit(self) -> float:
        """How well the item's steps fit the profile's, to break a tie. A lever is an action:
        the one meant for this step alone is this step's own (1 for one step, 1/3 for all);
        so is an example of this step.
        A contact is a relationship: the one who also serves the steps after the profile's
        stays useful on the way (one point per later step). 0 when the step is not shared."""
        steps = dict(self.matched).get("steps")
        if not steps:
            return 0.0
        meant = self.item.restricts("steps") or frozenset(STEPS)
        if self.item.kind in ("lever", "example"):
            # an example of the profile's step shows the stage the agent is at: VRAC's
            # buying groups (« soutenir ») before Oléron's food strategy (« identifier »,
            # « ancrer ») for a métropole at « soutenir », not the alphabet (blind rating
            # 2026-12-03)
            return 1 / len(meant)
        if self.item.kind == "contact":
            return float(len(meant & set(STEPS[STEPS.index(steps[0]) + 1:])))
        return 0.0

    def sort_key(self) -> tuple:
        """Best first: score, then an example from a place like the profile's before one
        from another kind of place (`other_place`), then an item that shares a theme with
        the profile before one that does not, then the number of dimensions matched,
        then precision (an item for the profile's themes only before one for many themes),
        then how central the item is, then how its steps fit (:attr:`step_fit`), then an
        item meant above all for another type of collectivité (`preferred_collectivites`:
        the FEDER, the régions' programme, for a département) after one for every type; the
        id only when nothing else tells them apart."""
        dimensions = sum(len(values) for _, values in self.matched)
        themes = self.item.restricts("themes")
        shared = next((len(v) for d, v in self.matched if d == "themes"), 0)
        precision = shared / len(themes) if themes else 0.0
        other_type = bool(self.item.restricts("preferred_collectivites")) and \
            not {"collectivites", "competences"} & set(dict(self.matched))
        # an item that shares a theme before one that does not (issue 15 §3: a theme weighs
        # at least as much as what lifted the other to the same score: its type, its place)
        return (-self.score, self.elsewhere, not shared, -dimensions, -precision,
                -self.item.priority,
                -self.step_fit, other_type, self.item.id)


@dataclass(frozen=True, slots=True)
class ReasonTexts:
    template: LocalText
    values: Mapping[str, LocalText]
    forms: Mapping[str, LocalText] = field(default_factory=dict)  # f, mp, fp


@dataclass(frozen=True, slots=True)
class RepeatedTheme:
    """``repeated_theme:``: items of these kinds beyond ``served`` per theme lose ``weight``."""

    kinds: frozenset[str]
    served: int
    weight: float


@dataclass(frozen=True, slots=True)
class ThemeShare:
    """``theme_share:``: with several themes in the profile, items of these kinds that share
    one theme only take at most ``share`` of a top list for that theme."""

    kinds: frozenset[str]
    share: float


@dataclass(frozen=True, slots=True)
class GenericTools:
    """``generic_tools:``: of these kinds, a tool that shares only the step with a profile
    that has themes or contexts, and whose ``priority`` is below ``central``, takes neither
    the first place nor two places in a row while a tool that shares a theme, a context or
    a programme waits."""

    kinds: frozenset[str]
    central: int


@dataclass(frozen=True, slots=True)
class GenericBlock:
    """``generic_block:``: at these steps, for a profile that names themes, the items of
    these kinds that share only the step and size with it (``Ranked.step_and_size_only``)
    beyond ``places`` in a top list give way to a theme of the profile that no item of the
    list serves, with its best item of the step or a neighbouring one."""

    kinds: frozenset[str]
    steps: frozenset[str]
    places: int


@dataclass(frozen=True, slots=True)
class Expiring:
    """``expiring:``: an item whose facts must be checked again within ``days`` (a legal
    basis that ends, a call that closes), or whose review date is past, loses ``weight``."""

    days: int
    weight: float


@dataclass(frozen=True, slots=True)
class ScoringRules:
    weights: Mapping[str, float]
    limits: Mapping[str, Mapping[str, int]]  # "chat" | "full" -> kind -> count
    sizes: tuple[tuple[str, int | None, int | None], ...]  # (class, min, max)
    texts: Mapping[str, LocalText]  # sentence, and, and_also
    reasons: Mapping[str, ReasonTexts] = field(default_factory=dict)
    region_labels: Mapping[str, LocalText] = field(default_factory=dict)
    broad_contexts: frozenset[str] = frozenset()  # contexts of much of the country
    # contexts that set a territory apart in law and institutions (the outre-mer)
    distinct_contexts: frozenset[str] = frozenset()
    type_sizes: Mapping[str, str] = field(default_factory=dict)  # type -> its size class
    repeated_theme: RepeatedTheme | None = None
    theme_share: ThemeShare | None = None
    # kinds whose theme match, like their place, keeps `other_step` of it for an item meant
    # for other steps than the profile's (``stage_bound:``)
    stage_bound: frozenset[str] = frozenset()
    expiring: Expiring | None = None
    generic_tools: GenericTools | None = None
    # kinds in which a tool that fits only the place comes after one that shares a theme and
    # the step (``theme_before_place:``)
    theme_before_place: frozenset[str] = frozenset()
    # kinds in which each of a profile's several themes that has a fitting item of its own
    # gets a place in a top list (``theme_cover:``)
    theme_cover: frozenset[str] = frozenset()
    today: dt.date | None = None  # the date review dates are read against; None: today
    # contexts whose own frame an item meant only for them rests on (the quartiers
    # prioritaires: the contrat de ville, the NPNRU, the bailleurs of the quartier): such an
    # item, an example too, is shown only to a territory that has one of them
    bound_contexts: frozenset[str] = frozenset()
    generic_block: GenericBlock | None = None

    # -- profile ------------------------------------------------------------------------

    def size_class(self, population: int | None) -> str | None:
        if population is None:
            return None
        for name, low, high in self.sizes:
            if (low is None or population >= low) and (high is None or population <= high):
                return name
        return None

    # -- ranking ------------------------------------------------------------------------

    def score(self, item: Item, profile: Profile) -> Ranked | None:
        """How well an item fits a profile; None when it does not apply at all."""
        w = self.weights
        matched: list[tuple[str, tuple[str, ...]]] = []
        # An example shows what others did: it is better from the same type of collectivité,
        # but not only for it (its lesson travels). Its size class is a bound: an example
        # tagged for one (the « 1000 cafés » of communes under 3 500 inhabitants, a big
        # city's ESS council) rests on a scheme or means of that size only.
        preference_only = item.kind == "example"
        types = item.restricts("collectivites")
        # An item meant for a level whose competences the collectivité also exercises (the
        # département's insertion levers for the CTG, a commune's for the Ville de Paris)
        # applies to it; it weighs `competence` of what its own type's would (below).
        held = types & profile.other_levels if types and profile.type not in types \
            else frozenset()
        if types and profile.type and profile.type not in types and not held \
                and not preference_only:
            return None
        contexts = item.restricts("contexts") or frozenset()
        themes = item.restricts("themes") or frozenset()
        # A tool for every project that fits above all some themes (`preferred_themes`: the
        # DETR for the services kept in rural communes) matches them as a theme would.
        favoured = frozenset() if themes else item.restricts("preferred_themes") or frozenset()
        if contexts and not contexts & profile.contexts and not preference_only:
            return None  # a tool for other places does not apply there
        # An example from another kind of place: it shares none of the territory's contexts,
        # or the territory is of a distinct context (the outre-mer) and the example is not (a
        # rural village of the Creuse is not a rural commune of Martinique).
        elsewhere = preference_only and bool(contexts) and (
            not contexts & profile.contexts
            or bool(profile.contexts & self.distinct_contexts - contexts))
        if elsewhere and (contexts & self.distinct_contexts - profile.contexts
                          or not themes & profile.themes):
            # Its place is a preference: its lesson travels for the theme it shares (a
            # crèche coopérative of the countryside for a town), but not from the outre-mer
            # to the Hexagone, nor for its place alone.
            return None
        if preference_only and contexts and contexts <= self.bound_contexts \
                and not contexts & profile.contexts:
            # An example set in a quartier prioritaire alone rests on its frame (the contrat
            # de ville, the bailleur, the renouvellement urbain): not shown to a territory
            # without one, as a tool meant for it is not (blind rating 2026-12-01: Île
            # d'Yeu's third example was Saint-Jean-de-Braye's pôle ESS in a QPV).
            return None
        if (item.restricts("not_contexts") or frozenset()) & profile.contexts:
            return None  # an item for the Hexagone only, for an overseas territory...
        if item.eu_funds and profile.region in OUTSIDE_EU_REGIONS:
            return None  # a European fund, for a PTOM outside the Union's territory
        sizes = item.restricts("sizes")
        size = profile.size or self.type_sizes.get(profile.type or "")
        if sizes and size and size not in sizes:
            return None  # another size class: for an example too (above)
        if item.region is not None and item.region != profile.region:
            return None
        regions = item.restricts("regions")
        if regions and profile.region not in regions:
            return None  # another région's own matter (the Antilles' chlordécone), or unknown
        own = _own_places(profile)
        if any(_names(item, own, level) for level in (profile.type, *profile.other_levels)):
            return None  # the collectivité's own project: it knows it
        area = next((council for level, code, council in profile.areas
                     if _names(item, frozenset({code}), level)), None)
        programmes = item.restricts("programmes")
        if programmes and not programmes & profile.programmes:
            return None
        total = 0.0
        # What the type and size of a lever, funding tool or contact, and the place and the
        # programmes of any item add: for an item that shares none of the themes of a
        # profile that names some, at most what a theme adds over an item for every theme
        # (below). An example's type and size are its lesson's level: they count in full.
        place_lift = 0.0
        level_lift = 0.0  # what another level whose competences it exercises adds (below)
        levels: tuple[str, ...] = ()
        steps = item.restricts("steps")
        if steps and profile.step in steps:
            # A lever of another step may still fit the profile's themes: the step adds to
            # the score, it does not exclude (issue 15: the theme weighs as much).
            total += w["step"]
            matched.append(("steps", (profile.step,)))
        preferred = item.restricts("preferred_collectivites") if not types else None
        if types and profile.type in types and (len(types) <= w["few_types"] or preference_only):
            # A tool for one type only is that type's own (the RSA for a département, the
            # SRDEII for a région); a tool shared by two types or more (the bloc communal,
            # communes and départements) says only who may use it, not that it fits this
            # collectivité better. An example's types say who did it: its lesson suits the
            # same type best, however many types took part.
            # An example from the same type of collectivité is the one the agent can follow
            # (an EPT's for an EPT, a département's for a département): it weighs as much
            # as a theme, above the type of a tool.
            if preference_only:
                total += w["example_type"] / len(types)
            else:
                place_lift += w["type"] / len(types)
            matched.append(("collectivites", (profile.type,)))
        elif held and types and (len(types) <= w["few_types"] or preference_only):
            # Meant for another level whose competences the collectivité exercises too: it
            # applies, but its own level's instruments keep the lead at equal fit (the
            # Métropole de Lyon's EPCI levers before the département's, the CTG's SRDEII
            # before a département's schéma): `competence` of the type's weight.
            level_lift = (w["example_type"] if preference_only else w["type"]) \
                * w["competence"] / len(types)
            matched.append(("competences", tuple(sorted(held))))
        elif preference_only and types and profile.type and area is None and not held:
            # An example done by another level of collectivité (a département's schéma for
            # a commune, an agglomeration's strategy for a village, a city's council for a
            # région) rests on competences and means the agent does not have: it comes
            # after one of the profile's level that fits as well. Not the project of the
            # territory's own département or région: it is the frame the agent acts in.
            total -= w["other_level"]
            levels = tuple(sorted(types))
        elif preferred and profile.type in preferred:
            # For every type, but above all for this one: as if it were meant for it.
            place_lift += w["type"] / len(preferred)
            matched.append(("collectivites", (profile.type,)))
        if sizes and size in sizes:
            if preference_only:
                total += w["size"]
            else:
                place_lift += w["size"]
            matched.append(("sizes", (size,)))
        if elsewhere:
            total -= w["other_place"]  # after the examples of a place like the profile's
        # A tool for every place that fits above all some contexts (`preferred_contexts`: the
        # European funds in the outermost regions) scores them as a tool meant for them.
        placed = contexts or (frozenset() if preference_only
                              else item.restricts("preferred_contexts") or frozenset())
        shared_contexts = tuple(sorted(placed & profile.contexts)) if placed else ()
        if placed and shared_contexts and not elsewhere:
            # An item for one context only (outre-mer) says more than one for three. For a
            # tool, a context of much of the country (rural, urbain) says less than the QPV,
            # and a tool for every theme fits the place, not the project (LEADER, a fund for
            # urban areas): it does not outrank one for the theme. An example is chosen for
            # a place like the profile's, so its context counts in full.
            fit = sum(self._context_fit(c, preference_only) for c in shared_contexts)
            share = w["context"] * fit / len(placed)
            if not contexts:
                share *= w["preferred_context"]
            # A tool reserved to a distinct context (the outre-mer: its own funders) is not
            # a tool of a place shared by much of the country: its place counts in full.
            reserved = bool(contexts) and set(shared_contexts) <= self.distinct_contexts
            if not themes and profile.themes and not preference_only \
                    and not favoured & profile.themes and not reserved:
                share *= w["place_only"]
            if steps and profile.step and profile.step not in steps and not preference_only:
                # A tool of another step may come for the profile's themes, but the place
                # does not carry it there (NPNRU clauses, an « ancrer » lever, at identifier).
                share *= w["other_step"]
            if not reserved:
                place_lift += share  # capped below when no theme is shared
            else:
                total += share
            matched.append(("contexts", shared_contexts))
        off_theme = False
        if themes:
            shared = tuple(sorted(themes & profile.themes))
            theme_share = _theme_match(w, len(shared), len(themes))
            if item.kind in self.stage_bound and steps and profile.step \
                    and profile.step not in steps:
                # A funding tool pays for a project at a given stage: one meant for the
                # projects already standing (the contrats à impact) does not pay for a
                # first project however well its theme fits (a lever still may come).
                theme_share *= w["other_step"]
            total += theme_share
            if shared:
                matched.append(("themes", shared))
            elif profile.themes:
                # Meant for other themes than the profile's: it is about something else, so
                # it comes after an item that serves every theme, even if its place fits.
                total -= w["other_themes"]
                off_theme = True
        elif favoured & profile.themes:
            # Serves every theme, above all these: the profile's project is the one it fits.
            shared = tuple(sorted(favoured & profile.themes))
            theme_share = _theme_match(w, len(shared), len(favoured))
            if item.kind in self.stage_bound and steps and profile.step \
                    and profile.step not in steps:
                theme_share *= w["other_step"]  # as for a tool's own themes (above)
            total += theme_share
            matched.append(("themes", shared))
        else:
            # Serves every theme, so the profile's too; and when the profile names none, an
            # item for some themes only is a guess where this one is not. An example's lesson
            # is its theme: for a profile that names themes, one for every theme (a council,
            # a plan) does not pass one of the profile's theme for that.
            if not (preference_only and profile.themes):
                total += w["generic_theme"]
        # An item for every territory may fit above all those of some programmes (the lever
        # that inscribes the ESS in them): it scores as if it were meant for them.
        wanted = programmes or item.restricts("preferred_programmes")
        shared_programmes = tuple(sorted(wanted & profile.programmes)) if wanted else ()
        if shared_programmes:
            share = w["programme"] * len(shared_programmes)
            if steps and profile.step and profile.step not in steps and not preference_only:
                share *= w["other_step"]  # as for the place: it does not carry a tool there
            if programmes and not themes:
                # A tool for every theme reserved to a programme the territory is laureate
                # of is its programme's own (the ACV and PVD credits): it keeps its rank.
                total += share
            else:
                if not themes and profile.themes and not preference_only \
                        and not favoured & profile.themes:
                    # A tool for every theme that fits some programmes above all fits the
                    # programme, not the project: as for its place (`place_only`), a PTCE
                    # does not lead a food project's levers only because the
                    # intercommunality is a Territoire d'industrie.
                    share *= w["place_only"]
                place_lift += share
            matched.append(("programmes", shared_programmes))
        if profile.themes and not any(dimension == "themes" for dimension, _ in matched):
            # Issue 15 §3: the place and the programmes weigh in, but they do not lift an
            # item that shares none of the profile's themes above one that shares one at
            # the same step: together they add at most what a theme adds over an item for
            # every theme (`theme` - `generic_theme`), so that Cité de l'emploi does not
            # lead a métropole's food and mobility levers for its QPV and its programme.
            place_lift = min(place_lift, max(0.0, w["theme"] - w["generic_theme"]))
            # nor does another level's: it makes the item applicable, and it is the
            # collectivité's own instrument for that level's themes; for the others it is
            # one tool of the step among many (the région's strategy does not lead the
            # Département de Mayotte's food levers)
            level_lift = 0.0
        total += place_lift + level_lift
        total += w["priority"] * item.priority
        if item.effort is not None:
            # Heavy to set up, by its own text (the contrats à impact: an investor, an
            # evaluator, a legal set-up, « lourd à monter »): an option for a programme
            # already standing, after the tools that fit as well.
            total -= w["effort"]
        if item.closed:
            # Its calls are closed (Avenir Montagnes, the Conseillers numériques' new posts):
            # kept for its relays, it comes after the open tools that fit as well, and does
            # not take one of the first funding places from them (blind rating 2026-12-03).
            total -= w["closed"]
        if self.expires_soon(item):
            # Shown, but it does not lead a list that items of lasting facts fit as well:
            # a plan built on a law that ends next month is not a first priority.
            total -= self.expiring.weight if self.expiring else 0.0
        if item.region is not None:
            total += w["region"]
            matched.append(("regions", (item.region,)))
        if not matched:
            return None  # nothing of the profile in it: never shown « for everyone »
        if preference_only and profile.themes and area is None and not any(
                dimension in ("themes", "contexts", "programmes", "collectivites", "competences")
                for dimension, _ in matched):
            # An example's lesson is its theme or its place: one of another level (or of no
            # level named) that shares neither with a profile that names themes, only the
            # step or the size (an agglomeration's strategy for a village of 510), does not
            # fill a slot; one of the profile's own level still may (a région's for a région).
            return None
        if levels and area is None and [dimension for dimension, _ in matched] == ["themes"] \
                and len(matched[0][1]) == 1 < len(profile.themes):
            # An example done only by another level of collectivité that shares one of the
            # profile's several themes and nothing else (not the step, the place, a
            # programme) is too thin a link to transpose a programme resting on that level's
            # competences: a département's habitat inclusif programme for the elderly is not
            # shown to a mountain commune on seasonal workers' housing and tourism (blind
            # rating 2026-12-02, Barcelonnette). For a profile of that one theme the lesson
            # is the whole project: the Ardèche's crèches AVIP still come to Kourou.
            return None
        matched.sort(key=lambda pair: _REASON_ORDER[pair[0]])
        typed_size = profile.type in self.type_sizes and sizes is not None and size in sizes
        return Ranked(item, total, tuple(matched), off_theme, elsewhere, area, levels,
                      typed_size)

    def expires_soon(self, item: Item) -> bool:
        """Whether the item's time-bound facts are to be checked again within
        ``expiring.days`` (or are past their review date)."""
        if self.expiring is None or item.review_by is None:
            return False
        today = self.today or dt.date.today()
        return item.review_by <= today + dt.timedelta(days=self.expiring.days)

    def _context_fit(self, context: str, example: bool) -> float:
        """How much one shared context counts, as a fraction of ``weights.context``. An
        example is chosen for a place like the profile's: a distinct context (the outre-mer)
        counts `distinct_context`, any other 1. For a tool, a context of much of the country
        (rural, urbain) counts `broad_context`, any other 1: a tool reserved to the outre-mer
        counts its place in full, and is not halved by `place_only` either (the overseas
        funders, the AFD and the FEI, are one family, so that one of them comes)."""
        if example:
            return self.weights["distinct_context"] if context in self.distinct_contexts \
                else 1.0
        return self.weights["broad_context"] if context in self.broad_contexts else 1.0

    def ranked(self, items: Iterable[Item], profile: Profile) -> list[Ranked]:
        """Every item that fits the profile, best first."""
        scored = [r for item in items if (r := self.score(item, profile)) is not None]
        scored.sort(key=Ranked.sort_key)
        return scored

    def rank(self, items: Iterable[Item], profile: Profile, limit: int) -> list[Ranked]:
        """The best ``limit`` items, one per family: near-duplicates (a ``family``, such as
        the tiers-lieux items) share one place; see :meth:`see_also` for the others."""
        return self.rank_with_see_also(items, profile, limit)[0]

    def rank_with_see_also(self, items: Iterable[Item], profile: Profile, limit: int,
                           scored: list[Ranked] | None = None
                           ) -> tuple[list[Ranked], list[Ranked]]:
        """(the best ``limit`` items, one per family; their relatives left out).

        ``scored``: the items already scored and sorted (KnowledgeBase.ranked), if at hand.
        """
        top: list[Ranked] = []
        see_also: list[Ranked] = []
        families: set[str] = set()
        scored = _general_first(scored if scored is not None else self.ranked(items, profile))
        scored = self._varied(scored)
        scored = _like_place_first(scored)
        if profile.themes and scored and scored[0].item.kind in self.theme_before_place:
            scored = _theme_before_place(scored, self.distinct_contexts, self.broad_contexts)
        generic = self.generic_tools
        if generic is not None and scored and scored[0].item.kind in generic.kinds and \
                (profile.themes or profile.contexts):
            scored = _fitting_tools_first(scored, generic.central, self.broad_contexts)
        # A tool whose calls are closed (``closed: true``) is shown for its relays, never first
        # (blind rating 2026-12-02: Conseiller numérique, closed to new posts since 2025, led
        # Villeneuve-sur-Lot's funding list); the first tool one can still apply to leads.
        opened = next((n for n, r in enumerate(scored) if not r.item.closed), None)
        if opened:
            scored = [scored[opened], *scored[:opened], *scored[opened + 1:]]
        # Items that share only the step with the profile take at most this many places
        # when the profile says more (themes, contexts): the step does not outweigh them
        # (issue 15 §3: a theme weighs at least as much as the step).
        # A lever profile with no theme and only a broad context (rural, urbain: much of
        # the country) says nothing the step's levers do not fit: the ways of starting
        # (mapping, plan, a study of the needs) are its answer, not a rural tourism lever
        # that shares the countryside alone (the Perche's young CC « par où commencer »).
        # Funding keeps the share: there the broad place's tools (DETR) are the fit.
        step_only_places = STEP_ONLY_SHARE * limit if profile.themes or profile.contexts \
            else limit
        if not profile.themes and not profile.contexts - self.broad_contexts \
                and scored and scored[0].item.kind == "lever":
            step_only_places = limit
        waiting: list[Ranked] = []
        off_theme: list[Ranked] = []
        # Another level's items that share no theme take OTHER_LEVEL_PLACES: the secondary
        # level does not crowd out the primary one (the Département de Mayotte on childcare
        # keeps its own and its theme's levers beside the région's strategy; the CTG, the
        # région's instruments beside the département's)
        other_level: list[Ranked] = []
        rule = self.theme_share
        # One theme of several does not fill the list: its items take at most this many
        # places, so that the profile's other themes and its place keep one.
        theme_places = rule.share * limit if rule is not None and len(profile.themes) > 1 \
            else limit
        for ranked in scored:
            family = ranked.item.family
            if family is not None and family in families:
                if len(top) < limit or any(r.item.family == family for r in top):
                    see_also.append(ranked)
                continue
            if len(top) >= limit:
                break
            if ranked.step_only and sum(r.step_only for r in top) >= step_only_places:
                waiting.append(ranked)
                continue
            if ranked.by_other_level and \
                    sum(r.by_other_level for r in top) >= OTHER_LEVEL_PLACES:
                other_level.append(ranked)
                continue
            theme = _shared(ranked, "themes")
            if rule is not None and ranked.item.kind in rule.kinds and len(theme) == 1 and \
                    sum(_shared(r, "themes") == theme for r in top) >= theme_places:
                waiting.append(ranked)
                continue
            if ranked.off_theme and ranked.item.kind == "contact":
                # A contact meant only for other themes (the ARS for a culture and habitat
                # project, blind rating 2026-12-01) is noise: two contacts say more than a
                # third one about something else.
                continue
            if ranked.off_theme and ranked.item.kind == "example":
                # An example's lesson is its theme: one about other themes comes after
                # every example that shares one or serves every theme, whatever its place,
                # type or step (a quartier prioritaire's pôle ESS for insertion and local
                # services does not lead the examples of a culture and habitat project).
                off_theme.append(ranked)
                continue
            if (ranked.off_theme or ranked.only_who) and waiting:
                # About something else, or sharing only who may use it: it does not take the
                # place of an item that serves every theme and waits only because of the
                # step-only share.
                off_theme.append(ranked)
                continue
            top.append(ranked)
            if family is not None:
                families.add(family)
        # nothing else fits: the step alone is better, another level's last
        for ranked in waiting + off_theme + other_level:
            if len(top) >= limit:
                break
            family = ranked.item.family
            if family is not None and family in families:
                see_also.append(ranked)
                continue
            top.append(ranked)
            if family is not None:
                families.add(family)
        if top and top[0].item.kind in self.theme_cover and len(profile.themes) > 1:
            top = self._cover_themes(top, scored, profile)
        block = self.generic_block
        if block is not None and top and top[0].item.kind in block.kinds and profile.themes \
                and profile.step in block.steps:
            top = self._open_block(top, scored, profile, block.places)
        return top, [r for r in see_also if any(t.item.family == r.item.family for t in top)]

    def _serves(self, ranked: Ranked, theme: str) -> bool:
        """The item is meant for this theme and a few others at most (``broad_themes``): an
        item for many themes does not stand for each of them."""
        themes = ranked.item.restricts("themes") or frozenset()
        return theme in themes and len(themes) <= self.weights["broad_themes"]

    def _servers(self, top: list[Ranked], scored: list[Ranked], theme: str) -> list[Ranked]:
        """The scored items, in order, that serve a theme (``_serves``) and could join a top
        list: not in it, and of no family an item of it has."""
        families = {r.item.family for r in top if r.item.family is not None}
        return [r for r in scored if r not in top and self._serves(r, theme)
                and (r.item.family is None or r.item.family not in families)]

    def _cover_themes(self, top: list[Ranked], scored: list[Ranked], profile: Profile
                      ) -> list[Ranked]:
        """``theme_cover``: each theme of a profile that names several, that no item of the
        top list serves (``_serves``), gets the best item that does, meant for the profile's
        step (its type and place already let it be scored), in the place of the last item
        that is not the only one to serve one of the profile's themes (issue 15 §3; blind
        rating 2026-12-01: childcare, digital inclusion, care and mobility chosen and given
        no lever in the top five)."""
        top = list(top)
        for theme in sorted(profile.themes):
            if any(self._serves(r, theme) for r in top):
                continue
            candidate = next((r for r in self._servers(top, scored, theme)
                              if _at_step(r.item, profile.step)), None)
            if candidate is None:
                continue
            for place in range(len(top) - 1, -1, -1):
                if not any(self._serves(top[place], t)
                           and sum(self._serves(r, t) for r in top) == 1
                           for t in profile.themes):
                    top[place] = candidate
                    break
        return top

    def _open_block(self, top: list[Ranked], scored: list[Ranked], profile: Profile,
                    places: int) -> list[Ranked]:
        """``generic_block``: beyond ``places`` levers that share only the step and size with
        the profile (mapping the actors, a co-built plan, the transversality of the services,
        a diagnostic: four of five at « identifier »), each one gives way to a theme of the
        profile that no item of the list serves (``_serves``), with the best item that serves
        it meant for the step or a neighbouring one: a housing cooperative or an OFS at
        « identifier » rather than a fourth way of starting (blind rating 2026-12-01: Lodève,
        Le Prêcheur, Mayotte). An item meant for that theme and none the profile left out
        comes before one that serves another project too (the habitat inclusif of the
        elderly for Mayotte's housing after cyclone Chido). The generic lever that gives way
        is the one least the step's own (meant for other steps too: the transversality of the
        services, an « ancrer » item as well), then the least central, then the last: the
        mapping, first at « identifier », stays (issue 15 §3)."""
        top = list(top)
        for theme in sorted(profile.themes):
            generic = [n for n, r in enumerate(top) if r.step_and_size_only]
            if len(generic) <= places:
                break
            if any(self._serves(r, theme) for r in top):
                continue
            fitting = [r for r in self._servers(top, scored, theme)
                       if _near_step(r.item, profile.step)]
            candidate = next((r for r in fitting if (r.item.restricts("themes") or frozenset())
                              <= profile.themes), fitting[0] if fitting else None)
            if candidate is None:
                continue
            del top[min(reversed(generic), key=lambda n: (top[n].step_fit,
                                                           top[n].item.priority))]
            at = next((n for n, r in enumerate(top) if r.sort_key() > candidate.sort_key()),
                      len(top))
            top.insert(at, candidate)
        return top

    def _varied(self, scored: list[Ranked]) -> list[Ranked]:
        """The order in which a top list takes the items: for the kinds of
        ``repeated_theme``, an item whose themes shared with the profile are each served
        already by ``served`` items placed above it loses ``weight`` (funding tools for one
        theme are alternatives for one need: a third one comes after the general tools).
        The European funds (``eu_funds``) of one theme are one route, European cofinancing,
        and count once: overseas the FSE+ of the outermost regions is the national programme
        itself (its text), so the FEDER/FSE+ RUP and the FSE+ do not leave the
        State's insertion funding (the aide au poste) behind the general tools."""
        rule = self.repeated_theme
        if rule is None or not scored or scored[0].item.kind not in rule.kinds:
            return scored
        left = list(scored)
        result: list[Ranked] = []
        served: dict[str, int] = {}
        european: set[str] = set()  # the themes a European fund placed already serves
        families: set[str] = set()
        # A family's general member placed before a narrower one (_general_first) holds the
        # place it took: the score of the items after it, and its rank among them.
        place: dict[int, tuple[float, int]] = {}
        after = float("-inf")
        for rank in range(len(scored) - 1, -1, -1):
            after = max(after, scored[rank].score)
            place[id(scored[rank])] = (after, rank)

        def order(ranked: Ranked) -> tuple:
            themes = _shared(ranked, "themes")
            repeated = bool(themes) and all(served.get(t, 0) >= rule.served for t in themes)
            score, rank = place[id(ranked)]
            return (-(score - (rule.weight if repeated else 0.0)), rank)

        while left:
            best = min(left, key=order)
            left.remove(best)
            result.append(best)
            family = best.item.family
            if family is None or family not in families:  # a relative takes no place
                for theme in _shared(best, "themes"):
                    if best.item.eu_funds:
                        if theme in european:
                            continue  # the same route as a European fund above it
                        european.add(theme)
                    served[theme] = served.get(theme, 0) + 1
            if family is not None:
                families.add(family)
        return result

    # -- explanations -------------------------------------------------------------------

    def reason(self, ranked: Ranked, t: Translator) -> str:
        """« Parce que vous êtes une commune et vous visez l'alimentation. »"""
        conjunction = self.texts["and"].render(t)
        also = self.texts["and_also"].render(t)
        form = _form(ranked.item)
        phrases: list[str] = []
        merged: list[list[str]] = []  # per phrase: its subject and the words joined after it
        for dimension, values in ranked.matched:
            if dimension in ("collectivites", "competences") and \
                    ranked.item.kind == "example" and \
                    len(ranked.item.restricts("collectivites") or ()) > self.weights["few_types"] \
                    and len(ranked.matched) > 1:
                # an example carried jointly by several levels (the Ville de Rennes and Rennes
                # Métropole) is no one level's: « vous êtes une commune » under « Rennes
                # Métropole » reads as a false match (blind rating 2026-12-02); its type still
                # counts in its score, and is said when nothing else is
                continue
            if dimension == "sizes" and ranked.typed_size and "type_size" in self.texts:
                # a région is above any size threshold: « 50 000 habitants ou plus » says
                # nothing of it, and the type's clause already says what it is (« vous êtes
                # une région »); the plain sentence only when nothing else is said
                if len(ranked.matched) > 1:
                    continue
                phrases.append(self.texts["type_size"].render(t))
                merged.append([phrases[-1]])
                continue
            if dimension not in self.reasons:
                continue  # an optional dimension this scoring.yaml does not word
            texts = self.reasons[dimension]
            labels = self.region_labels if dimension in PHRASES_FROM_TAXONOMY else texts.values
            # the values in the order content/scoring.yaml lists them, unknown ones last
            ordered = [v for v in labels if v in values] + [v for v in values if v not in labels]
            words = [labels[v].render(t) if v in labels else v for v in ordered]
            joined = _join(words, conjunction, also)
            template = texts.forms.get(form, texts.template) if form else texts.template
            rendered = template.render(t)
            subject, _, rest = rendered.partition("{values}")
            previous = merged[-1] if merged else None
            if previous and rendered.startswith(previous[0]) and not rest:
                # « votre territoire est rural » and « votre territoire est concerné par
                # PVD »: one subject, « votre territoire est rural et concerné par PVD »
                previous.append(rendered[len(previous[0]):].replace("{values}", joined))
                phrases[-1] = previous[0] + _join(previous[1:], conjunction, also)
                continue
            merged.append([subject, *words] if not rest else [rendered])
            phrases.append(rendered.replace("{values}", joined))
        prefix, _, suffix = self.texts["sentence"].render(t).partition("{reasons}")
        reasons = self._join_clauses(phrases, conjunction, t)
        if t.language == "fr" and prefix.lower().endswith("que ") and \
                reasons[:1].lower() in FRENCH_VOWELS:
            prefix = prefix[:-2] + "'"  # « parce que il » → « parce qu'il »
        note = self.area_note(ranked, t)
        return prefix + reasons + suffix + (" " + note if note else "")

    def _join_clauses(self, phrases: list[str], conjunction: str, t: Translator) -> str:
        """Clauses joined: in French always « A, que B et que C » (``that``, ``and_that``);
        in another language by « and », unless a clause says « and » itself (« urban and with
        priority neighbourhoods »), so that no « and » is read as joining the wrong parts."""
        word = conjunction.strip()
        # French repeats « que » before each clause of « parce que » (plan21: « concerné par
        # Villages d'avenir et vous en êtes… » juxtaposed two subjects without it)
        if len(phrases) <= 1 or "and_that" not in self.texts or (
                t.language != "fr"
                and not any(word in f" {phrase} ".split() for phrase in phrases)):
            return _join(phrases, conjunction)
        that = self.texts.get("that", self.texts["and_that"]).render(t)
        and_that = self.texts["and_that"].render(t)
        joined = phrases[0]
        for n, phrase in enumerate(phrases[1:], start=2):
            joint = and_that if n == len(phrases) else that
            if t.language == "fr" and joint.endswith("que ") and \
                    phrase[:1].lower() in FRENCH_VOWELS:
                joint = joint[:-2] + "'"  # « que il » → « qu'il »
            joined += joint + phrase
        return joined

    def area_note(self, ranked: Ranked, t: Translator) -> str | None:
        """« Projet porté par le Département de Mayotte, dont relève votre territoire… »: for
        an example carried by the profile's département or région (``reasons.area``); « Exemple
        porté par un département : … » for one done by other types of collectivité only
        (``reasons.other_level``), so that the agent knows to transpose it."""
        if ranked.area and "area" in self.texts:
            return self.texts["area"].render(t).replace("{council}", ranked.area)
        if ranked.levels and "other_level" in self.texts and "collectivites" in self.reasons:
            labels = self.reasons["collectivites"].values
            words = [labels[v].render(t) for v in labels if v in ranked.levels]
            joined = _join(words, self.texts["and"].render(t), self.texts["and_also"].render(t))
            return self.texts["other_level"].render(t).replace("{values}", joined)
        return None


def _at_step(item: Item, step: str | None) -> bool:
    """The item is meant for this step (or for every step, or the profile names none)."""
    steps = item.restricts("steps")
    return step is None or not steps or step in steps


def _near_step(item: Item, step: str | None) -> bool:
    """The item is meant for the profile's step or for one next to it (« soutenir » for
    « identifier » and « ancrer », « identifier » and « ancrer » for « soutenir »)."""
    if _at_step(item, step) or step not in STEPS:
        return True
    at = STEPS.index(step)
    return bool((item.restricts("steps") or frozenset()) & set(STEPS[max(0, at - 1):at + 2]))


def _theme_match(w: Mapping[str, float], shared: int, themes: int) -> float:
    """What an item for ``themes`` themes that shares ``shared`` of them with the profile
    adds: ``theme`` for each, up to ``broad_themes`` themes. An item for more says less about
    each (a lever for one theme before a tool for six), and it does not serve each of the
    profile's themes as a specific item does: it counts as serving one of them, at
    ``broad_themes`` / ``themes`` of a theme (issue 15 §3; blind rating 2026-12-01: a SIEG
    mandate for four themes first for the Aveyron on childcare, mobility and care, above the
    département's own levers)."""
    if themes <= w["broad_themes"]:
        return w["theme"] * shared
    return w["theme"] * min(shared, 1) * w["broad_themes"] / themes


def _general_first(scored: list[Ranked]) -> list[Ranked]:
    """The family's general member takes the family's place when it fits as well.

    A family may have one member more central than the others (the highest `priority`: the
    insertion networks as a whole beside the Régies, the FEDER beside its urban strand). A
    narrower member that scores higher because of its place or type does not take the
    family's slot from it when the general one shares every theme and the step that the
    narrower one shares with the profile; it does when it serves a theme or step the
    general one does not. Nor does a general member meant above all for another type of
    collectivité (`preferred_collectivites`: the FEDER, the régions' programme) take the
    place of a member meant for the profile's type: the FEDER's urban strand is a commune's,
    an EPCI's or an EPT's own route to the fund (the integrated territorial investments an
    intercommunality carries).
    """
    heads: dict[str, Ranked] = {}
    for family, members in _by_family(scored).items():
        best = max(members, key=lambda r: r.item.priority)
        if sum(r.item.priority == best.item.priority for r in members) == 1:
            heads[family] = best
    if not heads:
        return scored
    result = list(scored)
    for family, head in heads.items():
        first = next(r for r in result if r.item.family == family)
        if first is head or head.off_theme:
            continue
        if head.item.restricts("preferred_collectivites") \
                and first.item.restricts("collectivites") \
                and not {"collectivites", "competences"} & set(dict(head.matched)):
            continue  # meant above all for another type: the profile's type's member keeps it
        head_themes = _shared(head, "themes") if head.item.restricts("themes") \
            else _shared(first, "themes")  # an item for every theme serves the profile's
        if _shared(first, "themes") <= head_themes and \
                _shared(first, "steps") <= _shared(head, "steps"):
            result.remove(head)
            result.insert(result.index(first), head)
    return result


def _fitting_tools_first(scored: list[Ranked], central: int,
                         broad: frozenset[str] = frozenset()) -> list[Ranked]:
    """A generic tool (one that shares only the step with the profile and is less central
    than ``central``: a search engine of aids, an ingénierie service) comes after a funder
    that shares a theme, a context or a programme, and never two in a row while such a
    funder waits: at the step « identifier », where few funders are meant for the step, the
    tools for every project do not fill the list before the funders of the profile's theme
    or place (issue 15 §3). The central general tools (the DLA, France Active) keep their
    rank. A funder meant for other steps that shares only the place (a context, its type or
    size) is not carried ahead by it: its place alone does not bring it to this step (the
    score keeps `other_step` of it), so it does not lead a generic tool of the step that
    outscores it (the contrat de ville's credits at « identifier »)."""
    def is_generic(ranked: Ranked) -> bool:
        return ranked.step_only and ranked.item.priority < central

    def by_place_alone(ranked: Ranked) -> bool:
        dimensions = {dimension for dimension, _ in ranked.matched}
        return not dimensions & {"steps", "themes", "programmes"}

    result: list[Ranked] = []
    held: list[Ranked] = []
    for ranked in scored:
        if is_generic(ranked):
            if result and not is_generic(result[-1]):
                result.append(ranked)
            else:
                held.append(ranked)
            continue
        if held and (ranked.item.closed or (by_place_alone(ranked)
                                            and _shared(ranked, "contexts")
                                            and _shared(ranked, "contexts") <= broad)):
            # A place shared by much of the country (rural) alone, without the step, a theme
            # or a programme, brings a tool to none of the profile's needs: it waits with
            # the generic tools of the step, in the order of their scores, and does not pass
            # those that outscore it (blind rating 2026-12-03: the Fondation RTE in a rural
            # Département's three funders at « identifier »); nor does a tool whose calls are
            # closed (Avenir Montagnes for Saint-Flour).
            at = next((n for n, r in enumerate(held) if r.score < ranked.score), len(held))
            held.insert(at, ranked)
            continue
        if held and by_place_alone(ranked) and not (result and is_generic(result[-1])):
            result.append(held.pop(0))  # the generic tool of the step, which scores more
        result.append(ranked)
        if held:
            result.append(held.pop(0))
    return result + held


def _theme_before_place(scored: list[Ranked], distinct: frozenset[str],
                        broad: frozenset[str]) -> list[Ranked]:
    """A tool that a context of the profile's place (not a programme) carries does not
    come before the best tool of each of the profile's themes at its step: the contrat de
    ville's credits fit the quartier, the fonds réemploi a circular-economy project at
    « soutenir » (blind rating 2026-12-01, Carcassonne Agglo), the CAF's petite-enfance
    funding a crèche beside an insertion project (La Seyne). A place tool that shares one of
    the themes waits too, also behind the best tool of that theme that no place carries: the
    DLAL FEAMPA, for fishing and aquaculture zones, fits Marseille's coast, not its food
    aid, insertion and childhood project, and comes after the FSE+, the CAF's petite-enfance
    funding and Mieux manger pour tous (blind rating 2026-12-02). A programme the territory
    is laureate of keeps its rank (Villages d'avenir first for a Villages d'avenir village:
    blind rating 2026-12-02, Pesmes).
    A theme already served by a tool above the place tool (a place tool aside) brings none;
    a tool heavy to set up (`effort`) or carried by its place is not brought forward. A tool
    reserved to a distinct context (the outre-mer's own funders) is not a tool of a place
    shared by much of the country and keeps its rank; nor does a tool of a context shared by
    much of the country (rural, urbain) that serves one of the profile's themes: that place
    is the project's ordinary frame, not a narrow place's funder (the DETR and LEADER for a
    village's café: blind rating 2026-12-02, Pesmes).
    A place tool whose family's general member took its place (``_general_first``: placed
    above it though it scores less) holds nothing back: it takes no place, and the tool shown
    in its place is the general one, which no place carries (the Adie, for a fragile
    territory, behind France Active: the Guadeloupe's insertion and digital project kept the
    aide au poste, not France Tiers-Lieux brought before the FSE+)."""
    def by_place(ranked: Ranked) -> bool:
        dimensions = {dimension for dimension, _ in ranked.matched}
        contexts = _shared(ranked, "contexts")
        return bool(contexts) and "programmes" not in dimensions \
            and not dimensions - {"contexts", "steps", "collectivites", "sizes", "themes"} \
            and not contexts & distinct \
            and not (contexts <= broad and _shared(ranked, "themes"))

    def on_project(ranked: Ranked) -> bool:
        return bool(_shared(ranked, "themes")) and bool(_shared(ranked, "steps"))

    def replaced(n: int) -> bool:
        family = scored[n].item.family
        return family is not None and any(r.item.family == family and r.score < scored[n].score
                                          for r in scored[:n])

    done: set[str] = set()
    while True:
        first = next((n for n, r in enumerate(scored)
                      if by_place(r) and r.item.id not in done and not replaced(n)), None)
        if first is None:
            return scored
        done.add(scored[first].item.id)
        served = frozenset().union(*(_shared(r, "themes") for r in scored[:first]
                                     if not by_place(r)))
        ahead: list[Ranked] = []
        for theme in sorted(frozenset().union(*(_shared(r, "themes") for r in scored)) - served):
            best = next((r for r in scored if on_project(r) and theme in _shared(r, "themes")
                         and r.item.effort is None and not by_place(r)), None)
            if best is not None and scored.index(best) > first and \
                    all(best is not a for a in ahead):
                ahead.append(best)
        ahead.sort(key=scored.index)
        result = [r for r in scored if all(r is not a for a in ahead)]
        result[first:first] = ahead
        scored = result


def _like_place_first(scored: list[Ranked]) -> list[Ranked]:
    """An example meant for a context the territory does not have (`elsewhere`: a quartier
    prioritaire's pôle ESS for a small rural town) comes for the theme it shares, but after
    every example of a place like the profile's that shares one of its themes, whatever the
    type or size that raised its score; the other items keep their order."""
    def like_place(ranked: Ranked) -> bool:
        return ranked.item.kind == "example" and not ranked.elsewhere \
            and bool(_shared(ranked, "themes"))

    remaining = sum(like_place(r) for r in scored)
    result: list[Ranked] = []
    held: list[Ranked] = []
    for ranked in scored:
        if _held_example(ranked) and remaining:
            held.append(ranked)
            continue
        result.append(ranked)
        if like_place(ranked):
            remaining -= 1
            if not remaining:
                result.extend(held)
                held = []
    return result + held


def _held_example(ranked: Ranked) -> bool:
    """An example that waits behind those of a place like the profile's sharing its theme:
    one from another kind of place, or one done only by another level of collectivité that
    shares none of the profile's themes (blind rating 2026-12-01: La Réunion's and Mayotte's
    regional strategies shown to a Martinique commune on food, for their overseas context
    alone), unless it is the project of the profile's own département or région."""
    if ranked.item.kind != "example":
        return False
    return ranked.elsewhere or (bool(ranked.levels) and ranked.area is None
                                and not _shared(ranked, "themes"))


def _by_family(scored: list[Ranked]) -> dict[str, list[Ranked]]:
    families: dict[str, list[Ranked]] = {}
    for ranked in scored:
        if ranked.item.family is not None:
            families.setdefault(ranked.item.family, []).append(ranked)
    return families


def _shared(ranked: Ranked, dimension: str) -> frozenset[str]:
    """The values of a dimension that an item shares with the profile."""
    return frozenset(dict(ranked.matched).get(dimension, ()))


# Phrases are written on their own, then joined after « que », which elides before a vowel.
FRENCH_VOWELS = frozenset("aeiouyàâéèêëîïôû")


def _join(words: list[str], conjunction: str, also: str | None = None) -> str:
    """« a, b et c »; « a ainsi que b et c » when a part holds the conjunction itself, so that
    « et » is never doubled (« l'alimentation et la culture et le tourisme »)."""
    if len(words) <= 1:
        return "".join(words)
    last = conjunction
    if also and any(conjunction.strip() in f" {word} ".split() for word in words):
        last = also
    return ", ".join(words[:-1]) + last + words[-1]


AREA_SEPARATOR = "|"  # a slot holds text: an area is "level|code|council"


def areas_from_slot(values: Any) -> tuple[tuple[str, str, str], ...]:
    """The areas a conversation's slot holds (see
    ``bot.knowledge.profile.territory_facts``)."""
    found = []
    for value in values if isinstance(values, list) else [values] if values else []:
        parts = str(value).split(AREA_SEPARATOR, 2)
        if len(parts) == 3:
            found.append((parts[0], parts[1], parts[2]))
    return tuple(found)


def _own_places(profile: Profile) -> frozenset[str]:
    """The collectivité's own codes: those of its territory and, for a région, its region
    code, known even when no territory was named (a région is its region)."""
    if profile.type == "region" and profile.region:
        return profile.places | {profile.region}
    return profile.places


def _names(item: Item, codes: frozenset[str], level: str | None) -> bool:
    """Whether an item's ``places:`` name one of these collectivités, of this level
    (``collectivites`` value). A code of two or three characters is a département's or a
    région's, and INSEE numbers them apart (52 is the Haute-Marne and the Pays de la Loire):
    it names a collectivité of this level only when the item was done by that level (its
    ``collectivites``), or when the code says its level (« region:32 », for an item done by a
    région and départements: the Hauts-de-France are 32, and so is the Gers, which a blind
    rating saw told « projet porté par le conseil départemental du Gers » of a Hauts-de-France
    plan). SIREN and commune codes are unique."""
    types = item.restricts("collectivites")
    for place in item.places:
        said, code = place_level_code(place)
        if code not in codes:
            continue
        if said:
            if level is None or said == level:
                return True
        elif len(code) > 3 or not types or level is None or level in types:
            return True
    return False


def _form(item: Item) -> str | None:
    """The grammatical form of an item as a sentence's subject (None: masculine singular)."""
    if item.plural:
        return "fp" if item.gender == "f" else "mp"
    return "f" if item.gender == "f" else None


# -- loading --------------------------------------------------------------------------


class _ScoringParser:
    def __init__(self, vocabularies: Mapping[str, Mapping[str, LocalText]]):
        self.vocabularies = vocabularies
        self.problems: list[Problem] = []

    def error(self, where: Position, message: str) -> None:
        self.problems.append(Problem(where, message))

    def mapping(self, node: MarkedDict, key: str) -> MarkedDict | None:
        value = node.get(key)
        if not isinstance(value, MarkedDict):
            self.error(node.at(key) if key in node else node.position,
                       f"scoring.yaml needs '{key}:' as a mapping")
            return None
        return value

    def unknown_keys(self, node: MarkedDict, allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                self.error(node.key_positions[key], suggest(f"key in {what}", key, allowed)
                           + f" Allowed: {', '.join(allowed)}.")

    def text(self, node: MarkedDict, key: str, what: str) -> LocalText | None:
        value = node.get(key)
        if not isinstance(value, MarkedDict) or any(
                not isinstance(value.get(lang), str) or not value.get(lang)
                for lang in SUPPORTED_LANGUAGES):
            where = node.at(key) if key in node else node.position
            self.error(where, f"{what} needs a text in every language: "
                              f"{{{', '.join(f'{lang}: ...' for lang in SUPPORTED_LANGUAGES)}}}")
            return None
        return LocalText(texts={lang: value[lang] for lang in SUPPORTED_LANGUAGES})

    def placeholder(self, node: MarkedDict, key: str, text: LocalText | None,
                    placeholder: str) -> None:
        """A reason text must say where its parts go, in every language."""
        if text is None or text.texts is None:
            return
        missing = [lang for lang, value in text.texts.items() if placeholder not in value]
        if missing:
            self.error(node.at(key), f"'{key}' must contain {placeholder} (missing in: "
                                     f"{', '.join(missing)})")

    def number(self, node: MarkedDict, key: str, what: str, whole: bool = False) -> float | None:
        value = node.get(key)
        kinds = (int,) if whole else (int, float)
        if not isinstance(value, kinds) or isinstance(value, bool) or value < 0:
            self.error(node.at(key), f"{what} takes a {'whole ' if whole else ''}number ≥ 0")
            return None
        return value

    def whole_number(self, node: MarkedDict, key: str, what: str) -> int | None:
        value = self.number(node, key, what, whole=True)
        return None if value is None else int(value)

    def weights(self, document: MarkedDict) -> dict[str, float]:
        node = self.mapping(document, "weights")
        result: dict[str, float] = {}
        if node is None:
            return result
        self.unknown_keys(node, WEIGHTS, "'weights'")
        for name in WEIGHTS:
            if name not in node:
                self.error(node.position, f"'weights' needs '{name}:'")
            elif (value := self.number(node, name, f"weight '{name}'")) is not None:
                result[name] = float(value)
        return result

    def contexts(self, document: MarkedDict, key: str, example: str) -> frozenset[str]:
        """``broad_contexts:``, ``distinct_contexts:`` or ``bound_contexts:``, optional: a
        list of contexts."""
        if key not in document:
            return frozenset()
        value = document.get(key)
        known = self.vocabularies.get("contexts", {})
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(document.at(key), f"'{key}' takes a list of contexts, e.g. {example}")
            return frozenset()
        for context in value:
            if context not in known:
                self.error(document.at(key), suggest("context", context, known)
                           + " Contexts are listed under 'contexts:' in taxonomy.yaml.")
        return frozenset(value)

    def kinds_rule(self, document: MarkedDict, rule: str,
                   keys: tuple[str, ...]) -> tuple[MarkedDict, frozenset[str]] | None:
        """A rule that applies to some kinds (``repeated_theme``, ``theme_share``,
        ``stage_bound``): its mapping, checked for unknown keys, and its ``kinds:``; None when
        it is absent or its kinds are wrong (reported)."""
        if rule not in document:
            return None
        node = self.mapping(document, rule)
        if node is None:
            return None
        self.unknown_keys(node, keys, f"'{rule}'")
        kinds = self.kinds(node, rule)
        return None if kinds is None else (node, kinds)

    def kinds(self, node: MarkedDict, rule: str) -> frozenset[str] | None:
        """The ``kinds:`` of a rule (``repeated_theme``, ``theme_share``...): recommended kinds."""
        kinds = node.get("kinds")
        if not isinstance(kinds, list) or not kinds or \
                not all(isinstance(k, str) and k in RECOMMENDED_KINDS for k in kinds):
            self.error(node.at("kinds") if "kinds" in node else node.position,
                       f"'{rule}.kinds' takes a list of kinds among "
                       + ", ".join(RECOMMENDED_KINDS))
            return None
        return frozenset(kinds)

    def repeated_theme(self, document: MarkedDict) -> RepeatedTheme | None:
        """``repeated_theme:``, optional: {kinds: [funding], served: 2, weight: 1}."""
        found = self.kinds_rule(document, "repeated_theme", ("kinds", "served", "weight"))
        if found is None:
            return None
        node, kinds = found
        served = self.whole_number(node, "served", "'repeated_theme.served'") \
            if "served" in node else None
        weight = self.number(node, "weight", "'repeated_theme.weight'") \
            if "weight" in node else None
        if served is None or weight is None:
            if "served" not in node or "weight" not in node:
                self.error(node.position, "'repeated_theme' needs 'served:' and 'weight:'")
            return None
        return RepeatedTheme(kinds, served, float(weight))

    def theme_share(self, document: MarkedDict) -> ThemeShare | None:
        """``theme_share:``, optional: {kinds: [lever], share: 0.6}."""
        found = self.kinds_rule(document, "theme_share", ("kinds", "share"))
        if found is None:
            return None
        node, kinds = found
        if "share" not in node:
            self.error(node.position, "'theme_share' needs 'share:' (a fraction of a list)")
            return None
        share = self.number(node, "share", "'theme_share.share'")
        if share is None:
            return None
        if share > 1:
            self.error(node.at("share"), "'theme_share.share' is a fraction of a list: 0 to 1")
            return None
        return ThemeShare(kinds, float(share))

    def expiring(self, document: MarkedDict) -> Expiring | None:
        """``expiring:``, optional: {days: 62, weight: 1}."""
        if "expiring" not in document:
            return None
        node = self.mapping(document, "expiring")
        if node is None:
            return None
        self.unknown_keys(node, ("days", "weight"), "'expiring'")
        if "days" not in node or "weight" not in node:
            self.error(node.position, "'expiring' needs 'days:' and 'weight:'")
            return None
        days = self.whole_number(node, "days", "'expiring.days'")
        weight = self.number(node, "weight", "'expiring.weight'")
        if days is None or weight is None:
            return None
        return Expiring(days, float(weight))

    def generic_tools(self, document: MarkedDict) -> GenericTools | None:
        """``generic_tools:``, optional: {kinds: [funding], central: 2}."""
        found = self.kinds_rule(document, "generic_tools", ("kinds", "central"))
        if found is None:
            return None
        node, kinds = found
        if "central" not in node:
            self.error(node.position, "'generic_tools' needs 'central:' (a priority, 0-3)")
            return None
        central = self.whole_number(node, "central", "'generic_tools.central'")
        return None if central is None else GenericTools(kinds, central)

    def generic_block(self, document: MarkedDict) -> GenericBlock | None:
        """``generic_block:``, optional: {kinds: [lever], steps: [identifier], places: 2}."""
        found = self.kinds_rule(document, "generic_block", ("kinds", "steps", "places"))
        if found is None:
            return None
        node, kinds = found
        steps = node.get("steps")
        if not isinstance(steps, list) or not steps or \
                not all(isinstance(s, str) and s in STEPS for s in steps):
            self.error(node.at("steps") if "steps" in node else node.position,
                       "'generic_block.steps' takes a list of steps among " + ", ".join(STEPS))
            return None
        if "places" not in node:
            self.error(node.position, "'generic_block' needs 'places:' (a number of items)")
            return None
        places = self.whole_number(node, "places", "'generic_block.places'")
        return None if places is None else GenericBlock(kinds, frozenset(steps), places)

    def theme_before_place(self, document: MarkedDict) -> frozenset[str]:
        """``theme_before_place:``, optional: {kinds: [funding]}."""
        found = self.kinds_rule(document, "theme_before_place", ("kinds",))
        return found[1] if found is not None else frozenset()

    def theme_cover(self, document: MarkedDict) -> frozenset[str]:
        """``theme_cover:``, optional: {kinds: [lever]}."""
        found = self.kinds_rule(document, "theme_cover", ("kinds",))
        return found[1] if found is not None else frozenset()

    def stage_bound(self, document: MarkedDict) -> frozenset[str]:
        """``stage_bound:``, optional: {kinds: [funding]}."""
        found = self.kinds_rule(document, "stage_bound", ("kinds",))
        return found[1] if found is not None else frozenset()

    def type_sizes(self, document: MarkedDict) -> dict[str, str]:
        """``type_sizes:``, optional: the size class of every collectivité of a type."""
        if "type_sizes" not in document:
            return {}
        node = self.mapping(document, "type_sizes")
        if node is None:
            return {}
        types = self.vocabularies.get("collectivites", {})
        classes = self.vocabularies.get("sizes", {})
        result = {}
        for kind, size in node.items():
            if kind not in types:
                self.error(node.key_positions[kind], suggest("type of collectivité", kind, types))
            elif not isinstance(size, str) or size not in classes:
                self.error(node.at(kind), suggest("size class", str(size), classes)
                           + " Size classes are listed under 'sizes:' in taxonomy.yaml.")
            else:
                result[kind] = size
        return result

    def limits(self, document: MarkedDict) -> dict[str, dict[str, int]]:
        node = self.mapping(document, "limits")
        result: dict[str, dict[str, int]] = {}
        if node is None:
            return result
        self.unknown_keys(node, LIMIT_SETS, "'limits'")
        kinds = list(RECOMMENDED_KINDS)
        for name in LIMIT_SETS:
            inner = self.mapping(node, name)
            if inner is None:
                continue
            self.unknown_keys(inner, kinds, f"'limits.{name}'")
            result[name] = {}
            for kind in kinds:
                if kind not in inner:
                    self.error(inner.position, f"'limits.{name}' needs '{kind}:'")
                elif (value := self.whole_number(inner, kind, f"limit '{kind}'")) is not None:
                    result[name][kind] = value
        return result

    def sizes(self, document: MarkedDict) -> tuple[tuple[str, int | None, int | None], ...]:
        node = self.mapping(document, "sizes")
        if node is None:
            return ()
        known = self.vocabularies.get("sizes", {})
        result = []
        for name, bounds in node.items():
            if name not in known:
                self.error(node.key_positions[name], suggest("size class", name, known)
                           + " Size classes are listed under 'sizes:' in taxonomy.yaml.")
                continue
            if not isinstance(bounds, MarkedDict) or not bounds:
                self.error(node.at(name), f"size class '{name}' needs {{min: N}}, {{max: N}} "
                                          "or both")
                continue
            self.unknown_keys(bounds, ("min", "max"), f"size class '{name}'")
            low = self.whole_number(bounds, "min", "'min'") if "min" in bounds else None
            high = self.whole_number(bounds, "max", "'max'") if "max" in bounds else None
            result.append((name, low, high))
        for name in known:
            if name not in node:
                self.error(node.position, f"'sizes' needs the bounds of '{name}'")
        return tuple(result)

    def phrases(self, raw: MarkedDict, vocabulary: str, known: Mapping[str, LocalText],
                values: dict[str, LocalText]) -> None:
        """The phrase of each value of a vocabulary in a reason, into ``values``."""
        for value in raw:
            if value not in known:
                self.error(raw.key_positions[value],
                           suggest(f"value of '{vocabulary}'", value, known))
            elif (text := self.text(raw, value, f"the phrase of '{value}'")) is not None:
                values[value] = text

    def reasons(self, document: MarkedDict) -> tuple[dict[str, LocalText],
                                                     dict[str, ReasonTexts]]:
        node = self.mapping(document, "reasons")
        if node is None:
            return {}, {}
        self.unknown_keys(node, (*REASON_TEXTS, *OPTIONAL_REASON_TEXTS, *OPTIONAL_CLAUSE_TEXTS,
                                 *OPTIONAL_PLAIN_TEXTS,
                                 *REASON_DIMENSIONS), "'reasons'")
        texts = {key: text for key in REASON_TEXTS
                 if (text := self.text(node, key, f"'reasons.{key}'")) is not None}
        self.placeholder(node, "sentence", texts.get("sentence"), "{reasons}")
        for key, placeholder in OPTIONAL_REASON_TEXTS.items():
            if key in node and (text := self.text(node, key, f"'reasons.{key}'")) is not None:
                self.placeholder(node, key, text, placeholder)
                texts[key] = text
        for key in (*OPTIONAL_CLAUSE_TEXTS, *OPTIONAL_PLAIN_TEXTS):
            if key in node and (text := self.text(node, key, f"'reasons.{key}'")) is not None:
                texts[key] = text
        dimensions: dict[str, ReasonTexts] = {}
        for dimension, vocabulary in REASON_DIMENSIONS.items():
            if dimension in OPTIONAL_DIMENSIONS and dimension not in node:
                continue
            inner = self.mapping(node, dimension)
            if inner is None:
                continue
            self.unknown_keys(inner, ("template", "values", "forms"), f"'reasons.{dimension}'")
            template = self.text(inner, "template", f"'reasons.{dimension}.template'")
            forms: dict[str, LocalText] = {}
            if "forms" in inner:
                raw_forms = self.mapping(inner, "forms")
                if raw_forms is not None:
                    self.unknown_keys(raw_forms, FORMS, f"'reasons.{dimension}.forms'")
                    for form in FORMS:
                        if form in raw_forms and (text := self.text(
                                raw_forms, form, f"'reasons.{dimension}.forms.{form}'")):
                            self.placeholder(raw_forms, form, text, "{values}")
                            forms[form] = text
            values: dict[str, LocalText] = {}
            known = self.vocabularies.get(vocabulary, {})
            if dimension not in PHRASES_FROM_TAXONOMY:
                raw = self.mapping(inner, "values")
                if raw is not None:
                    self.phrases(raw, vocabulary, known, values)
                    for value in known:
                        if value not in raw:
                            self.error(raw.position, f"'reasons.{dimension}.values' needs a "
                                                     f"phrase for '{value}'")
            self.placeholder(inner, "template", template, "{values}")
            if template is not None:
                dimensions[dimension] = ReasonTexts(template, values, forms)
        return texts, dimensions


def load_scoring(path: Path, root: Path,
                 vocabularies: Mapping[str, Mapping[str, LocalText]],
                 ) -> tuple[ScoringRules | None, list[Problem]]:
    """Read and check ``scoring.yaml``; None (with problems) when it is unusable."""
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        return None, [problem]
    if not isinstance(document, MarkedDict):
        return None, [Problem(Position(str(path.relative_to(root) if path.is_relative_to(root)
                                           else path), 1, 1),
                              "scoring.yaml must be a mapping: weights, limits, sizes, reasons")]
    parser = _ScoringParser(vocabularies)
    parser.unknown_keys(document, ("weights", "broad_contexts", "distinct_contexts",
                                   "bound_contexts",
                                   "repeated_theme",
                                   "theme_share", "stage_bound", "generic_tools", "expiring",
                                   "theme_before_place", "theme_cover",
                                   "generic_block", "limits",
                                   "sizes",
                                   "type_sizes", "reasons"),
                        "scoring.yaml")
    weights = parser.weights(document)
    broad_contexts = parser.contexts(document, "broad_contexts", "[rural, urbain]")
    distinct_contexts = parser.contexts(document, "distinct_contexts", "[outre-mer]")
    for context in broad_contexts & distinct_contexts:
        parser.error(document.at("distinct_contexts"),
                     f"'{context}' cannot be both broad and distinct")
    bound_contexts = parser.contexts(document, "bound_contexts", "[qpv]")
    for context in broad_contexts & bound_contexts:
        parser.error(document.at("bound_contexts"),
                     f"'{context}' cannot be both broad and bound")
    limits = parser.limits(document)
    sizes = parser.sizes(document)
    type_sizes = parser.type_sizes(document)
    repeated_theme = parser.repeated_theme(document)
    theme_share = parser.theme_share(document)
    stage_bound = parser.stage_bound(document)
    expiring = parser.expiring(document)
    generic_tools = parser.generic_tools(document)
    theme_before_place = parser.theme_before_place(document)
    theme_cover = parser.theme_cover(document)
    generic_block = parser.generic_block(document)
    texts, reasons = parser.reasons(document)
    if parser.problems:
        return None, parser.problems
    return ScoringRules(weights, limits, sizes, texts, reasons,
                        vocabularies.get("regions", {}), broad_contexts, distinct_contexts,
                        type_sizes, repeated_theme, theme_share, stage_bound, expiring,
                        generic_tools, theme_before_place, theme_cover,
                        bound_contexts=bound_contexts, generic_block=generic_block), []
