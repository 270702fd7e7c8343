"""The outline of the feuille de route: what the document says, before any format.

One outline is rendered to Markdown, HTML and PDF (:mod:`.markdown`, :mod:`.html`,
:mod:`.pdf`), so the three always say the same thing. It is built from the ranked items
of a profile, the content's fields on how to act (``how_to``, ``first_action``,
``carried_by``, ``cost``, ``indicators``: shown only when the item has them) and the real
names of the territory. Same profile, same date: same outline.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from bot.i18n import N_, Translator
from bot.knowledge.acting import QPV, acted_here, here_for
from bot.knowledge.collectivites import CORSE, GUYANE, LYON, MARTINIQUE, PARIS
from bot.knowledge.freshness import with_caution
from bot.knowledge.model import STEPS, Item, KnowledgeBase, Source
from bot.knowledge.partners import (
    OVERSEAS_COLLECTIVITES,
    describe,
    local_bodies,
    localised_item,
    public_partners,
    regional_cress,
    regional_state_service,
    with_article,
    with_cress_article,
)
from bot.knowledge.roadmap.budget import BUDGET_ITEM, budget_lines, has_budget_cycle
from bot.knowledge.roadmap.decision import (
    PACT_ITEM,
    decision_label,
    first_decision,
    pact_line,
)
from bot.knowledge.roadmap.local import LocalNames
from bot.knowledge.scoring import Profile, Ranked
from bot.knowledge.territory_reading import (
    programme_label,
    state_rsa_clause,
    within_parentheses,
)

PRIORITY_ACTIONS = 3
FUNDING_POOL = 12  # funding tools considered when matching funding to levers
FUNDING_PER_LEVER = 2
# Page 1 names the funding of the recommendations that fits its first actions (plan21): at
# most two tools, each with what it finances in one line.
FIRST_FUNDING = 2
FUNDING_WHY = 80  # characters of that line
NEXT_STEP_LEVERS = 3
QUARTERS = 4
ROLE, REACH = 125, 150  # characters of a contact's role and way to reach on page 1
# Page 1 holds the territory, three actions and three contacts on one A4 page: a fifth
# contact (the RTES, a network of peers rather than a first call) spilt onto page 2 in five
# of the six profiles of review_profiles.md, then a fourth (France Active) in three of ten
# profiles once the programmes line and the small commune's « Qui porte » grew (30 November,
# fourth session); the others open « Autres contacts utiles » instead.
FIRST_CALLS = 3
# Who to call first (docs/roadmap.md): content items, by id; absent ones are left out.
CALL_FIRST_IDS = ("dla", "france_active_territoriale", "rtes")
# The health theme's State partner (its contact item names the ARS): in the partners line.
HEALTH_THEME, ARS_ID = "sante-social", "ars_agence_regionale_sante"
STATE_SERVICES_ID = "correspondant_ess_dreets"
# The priority neighbourhoods' context, and the words of an action that assumes them (plan23)
_QUARTIERS = re.compile(r"\bquartiers?\b|contrat de ville|renouvellement urbain|"
                        r"politique de la ville", re.IGNORECASE)
# Official sources come first in the list: the State, the law, the EU.
OFFICIAL_DOMAINS = ("gouv.fr", "europa.eu", "service-public.fr")


@dataclass(frozen=True, slots=True)
class SourceKey:
    title: str
    url: str | None


@dataclass(slots=True)
class Contact:
    name: str
    role: str  # why call them, in one sentence
    reach: str = ""  # how to reach them
    link: str | None = None
    sources: list[SourceKey] = field(default_factory=list)


@dataclass(slots=True)
class Priority:
    action: str  # the concrete first action (the lever's title when it has none)
    lever: str  # the lever it starts
    anchor: str
    who: str | None = None

    @property
    def is_lever(self) -> bool:
        """The action is the lever itself (the content gives no first action yet)."""
        return self.action.rstrip(".") == self.lever.rstrip(".")


@dataclass(slots=True)
class FirstFunding:
    """A funding tool of the recommendations named on page 1, for the first actions it fits."""
    name: str
    anchor: str  # its row in the funding table
    why: str  # what it finances, in one line
    actions: list[int]  # the numbers of the priority actions it fits
    fits: str = ""  # « Pour les actions 1 et 3 », or « Pour ces actions » when none is named
    sources: list[SourceKey] = field(default_factory=list)


@dataclass(slots=True)
class LeverPlan:
    anchor: str
    title: str
    summary: str
    reason: str
    steps: list[str]  # how to do it
    practice: str = ""  # the item's body, when it has no steps
    first_action: str | None = None
    legal_basis: str | None = None
    cost: str | None = None
    carried_by: str | None = None
    indicators: list[str] = field(default_factory=list)
    funding: list[tuple[str, str]] = field(default_factory=list)  # (name, anchor)
    sources: list[SourceKey] = field(default_factory=list)


@dataclass(slots=True)
class Quarter:
    title: str  # « Trimestre 1 : décembre 2026 – février 2027 »
    goal: str  # « Lancer »
    tasks: list[str]
    # the sources of some tasks, by their index (the budget's lines: plan32)
    cited: dict[int, list[SourceKey]] = field(default_factory=dict)


@dataclass(slots=True)
class FundingRow:
    anchor: str
    name: str
    what: str
    audience: str
    apply: str
    link: str | None
    sources: list[SourceKey] = field(default_factory=list)


@dataclass(slots=True)
class Example:
    title: str
    summary: str
    link: str | None
    sources: list[SourceKey] = field(default_factory=list)


@dataclass(slots=True)
class SourceEntry:
    number: int
    title: str
    url: str | None
    checked: dt.date
    official: bool


@dataclass(slots=True)
class Outline:
    language: str
    title: str
    subtitle: str
    date: dt.date
    territory: str  # for headers and the file name
    portrait: list[str]  # the profile in words, one sentence each
    facts: list[tuple[str, str]]  # (label, value)
    priorities: list[Priority]
    first_funding: list[FirstFunding]
    first_calls: list[Contact]
    levers: list[LeverPlan]
    next_step: str | None  # the label of the next step, if any
    next_levers: list[str]  # the titles of the next step's first levers
    calendar: list[Quarter]
    funding: list[FundingRow]
    contacts: list[Contact]  # the other useful contacts
    examples: list[Example]
    sources: list[SourceEntry]
    # why the plan's levers are not in the recommendations' order, when they are not (plan23)
    order_note: str | None = None
    # the first decision to put to the executive and the assembly, and its sources (plan33)
    decision: str | None = None
    decision_label: str = ""  # « À décider d'abord par le maire et le conseil municipal »
    decision_sources: list[SourceKey] = field(default_factory=list)
    # no recommended tool fits the first actions: page 1 says so rather than name a misfit
    first_funding_note: str | None = None
    _numbers: dict[SourceKey, int] = field(default_factory=dict, repr=False)

    def refs(self, keys: list[SourceKey]) -> list[int]:
        """The numbers of sources in the list, in order, each once."""
        return sorted({self._numbers[key] for key in keys if key in self._numbers})


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"})


def roadmap_filename(profile: Profile, today: dt.date) -> str:
    """« feuille-de-route-ess-pont-aven-29-finistere-2026-11-29 » (no extension)."""
    name = profile.territory or profile.type or "collectivite"
    # the ligatures have no decomposition: « Mons-en-Barœul » would lose its « œ »
    name = name.translate(_LIGATURES)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return f"feuille-de-route-ess-{slug or 'collectivite'}-{today.isoformat()}"


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a text, cut at a word boundary if it is longer than ``limit``.
    A sentence too long loses its asides in brackets first, and a cut never ends on a
    figure (plan32: page 1 read « le programme national (environ 4… » for « environ 4 Md€ »,
    and Mayotte's « la CSSM (Caisse de sécurité sociale de Mayotte, qui y exerce les missions
    de… »)."""
    text = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«])", text)
    sentence = text[:match.start()] if match else text
    if len(sentence) <= limit:
        return sentence
    sentence = re.sub(r"\s*\([^()]*\)", "", sentence)
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit - 1].rsplit(" ", 1)[0].rstrip(",;: ")
    while " " in cut and (re.search(r"\d", cut.rsplit(" ", 1)[1])
                          or cut.rsplit(" ", 1)[1].lower() in _DANGLING):
        cut = cut.rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


# words a cut line must not end on (« doté de… »)
_DANGLING = frozenset({"de", "du", "des", "d'", "la", "le", "les", "l'", "un", "une", "et", "ou",
                       "à", "au", "aux", "en", "par", "pour", "avec", "sur", "dont", "qui",
                       "que", "of", "the", "and", "a", "to", "for", "with", "by"})


def is_official(url: str | None) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS)


class _Sources:
    """Sources gathered once each, with the latest date an item citing them was checked."""

    def __init__(self) -> None:
        self.order: list[SourceKey] = []
        self.checked: dict[SourceKey, dt.date] = {}
        self.by_url: dict[str, SourceKey] = {}

    def cite(self, item: Item) -> list[SourceKey]:
        """One number for one address: two items that cite the same page under two titles
        share the first title's number."""
        keys = []
        for source in item.sources:
            key = _key(source)
            if key.url:
                key = self.by_url.setdefault(key.url, key)
            if key not in self.checked:
                self.order.append(key)
                self.checked[key] = item.last_checked
            else:
                self.checked[key] = max(self.checked[key], item.last_checked)
            if key not in keys:
                keys.append(key)
        return keys

    def numbered(self) -> tuple[list[SourceEntry], dict[SourceKey, int]]:
        """Official sources first, then the others, each in the order of first citation."""
        ordered = sorted(self.order, key=lambda key: not is_official(key.url))
        entries = [SourceEntry(n, key.title, key.url, self.checked[key], is_official(key.url))
                   for n, key in enumerate(ordered, 1)]
        return entries, {key: n for n, key in enumerate(ordered, 1)}


def _key(source: Source) -> SourceKey:
    return SourceKey(source.title, source.url)


def _link(item: Item) -> str | None:
    """The organisation's or the tool's own site (its sources are in the references)."""
    return item.url


def build_outline(kb: KnowledgeBase, profile: Profile, chosen: Mapping[str, list[Ranked]],
                  t: Translator, today: dt.date, names: LocalNames | None = None) -> Outline:
    """The feuille de route of a profile; ``chosen`` holds the ranked items of each kind (the
    ``full`` limits), ``names`` the real names of its territory, if known."""
    rules = kb.scoring
    if rules is None:
        raise RuntimeError("the ranking rules (content/scoring.yaml) did not load")
    sources = _Sources()
    cress = regional_cress(kb, profile.region)
    # the content's « la CRESS de votre région », « la DDETS » named for this territory
    bodies = local_bodies(names.departement_code, names.departement_of, names.region,
                          cress.title if cress is not None else None,
                          names.departement_council, profile.region,
                          names.region_council, names.other_departements) if names else None

    def local(ranked: list[Ranked]) -> list[Ranked]:
        return [replace(r, item=localised_item(r.item, bodies)) for r in ranked]

    chosen = {kind: local(ranked) for kind, ranked in chosen.items()}
    # the levers of the recommendations, none other; a chosen theme's first (plan23: the
    # order is the list's, or the visible rule of ``order_note``)
    listed = _unique(chosen.get("lever", []))
    here = here_for(kb, profile, names, t)  # as the chat's cards and « Détails » say it
    levers_ranked = [replace(r, item=acted_here(r.item, here))
                     for r in _theme_first(listed, profile.themes, profile.type)]
    pool = local(rules.rank(kb.of_kind("funding"), profile, FUNDING_POOL))

    # The funding table: the chosen tools, then those that fit a lever, in the pool's order.
    wanted = {r.item.id for r in chosen.get("funding", [])}
    # a funding tool that shares its family with a lever pays for that lever's object only
    tied = frozenset(item.family for item in kb.of_kind("lever") if item.family)
    per_lever = {r.item.id: _funding_for(r.item, pool, tied) for r in levers_ranked}
    for tools in per_lever.values():
        wanted.update(tool.id for tool in tools)
    funding_items = [r.item for r in pool if r.item.id in wanted]
    funding_items += [r.item for r in chosen.get("funding", []) if r.item not in funding_items]
    anchors = {item.id: f"financement-{item.id}" for item in funding_items}

    levers = [_lever(r, rules.reason(r, t), per_lever[r.item.id], anchors, sources, t, today)
              for r in levers_ranked]
    priorities = [Priority(_first_step(plan), plan.title, plan.anchor, plan.carried_by)
                  for plan in levers[:PRIORITY_ACTIONS]]
    first_funding = _first_funding(levers_ranked[:PRIORITY_ACTIONS], chosen.get("funding", []),
                                   per_lever, anchors, sources, t, today, tied)
    first_calls, called = _first_calls(kb, profile, names, cress, sources, t,
                                       lambda item: localised_item(item, bodies))
    first_calls, more_calls = first_calls[:FIRST_CALLS], first_calls[FIRST_CALLS:]
    # the calendar's budget lines cite the glossary's item on the budget cycle (plan32)
    budget_item = kb.items.get(BUDGET_ITEM)
    cycle = has_budget_cycle(names.departement_code if names else None,
                             names.kind if names else profile.type)
    budget = (profile.type, profile.size, sources.cite(budget_item)) if budget_item and \
        cycle else None
    # page 1's first decision (plan33), and an intercommunalité's pacte de gouvernance in
    # the year of the municipal renewal
    # the territory's own kind first: Saint-Martin chosen as a commune is a collectivité
    # d'outre-mer, whose executive and assembly decide
    level = (names.kind if names and names.kind else None) or profile.type
    decision = first_decision(level, profile.size, cycle, today, t) if levers else None
    pact_item = kb.items.get(PACT_ITEM)
    pact = pact_line(level, today, t) if cycle and pact_item else None
    pact_cited = (pact, sources.cite(pact_item)) if pact and pact_item else None

    next_step = _next_step(profile.step)
    shown = {r.item.id for r in levers_ranked}
    next_levers: list[Item] = []
    if next_step is not None:
        later = Profile(profile.type, profile.contexts, profile.themes, next_step,
                        profile.region, profile.size, profile.territory, profile.programmes,
                        competences=profile.competences)
        # named for the territory as the levers above are (plan32: « la CTG avec la CAF » in
        # Mamoudzou's calendar)
        next_levers = [r.item for r in local(rules.rank(kb.of_kind("lever"), later, 20))
                       if r.item.id not in shown
                       and (QPV in profile.contexts or not assumes_quartiers(r.item))
                       ][:NEXT_STEP_LEVERS]

    funding = [FundingRow(anchors[item.id], item.title,
                          with_caution(item.summary, item, t, today), item.audience or "",
                          item.how_to_reach or "", _link(item), sources.cite(item))
               for item in funding_items]
    contacts = more_calls + [
        Contact(r.item.title, with_caution(r.item.summary, r.item, t, today),
                r.item.how_to_reach or "", _link(r.item), sources.cite(r.item))
        for r in chosen.get("contact", []) if r.item.id not in called]
    examples = [Example(r.item.title, " ".join(
                            part for part in (with_caution(r.item.summary, r.item, t, today),
                                              rules.area_note(r, t)) if part),
                        _link(r.item), sources.cite(r.item))
                for r in chosen.get("example", [])]
    entries, numbers = sources.numbered()

    place = names.name if names else profile.territory or (
        kb.label("collectivites", profile.type, t) if profile.type else "")
    title = t._("Feuille de route ESS") + (f" — {place}" if place else "")
    subtitle = t._("Établie le {date} par essbot, pour les élus et les services. Chaque "
                   "information renvoie à ses sources, numérotées en fin de document.").format(
        date=t.format_date(today))
    return Outline(
        language=t.language, title=title, subtitle=subtitle, date=today,
        territory=place, portrait=_portrait(kb, profile, names, cress, t),
        facts=_facts(kb, profile, t), priorities=priorities, first_funding=first_funding,
        first_calls=first_calls,
        levers=levers, next_step=kb.label("steps", next_step, t) if next_step else None,
        next_levers=[i.title for i in next_levers],
        calendar=_calendar(levers, first_calls, next_step and kb.label("steps", next_step, t),
                           [i.title for i in next_levers], today, t, budget, pact_cited),
        funding=funding, contacts=contacts, examples=examples, sources=entries,
        order_note=_order_note(kb, listed, levers_ranked, profile, t),
        decision=decision,
        decision_label=decision_label(level, t, names.status if names else None),
        decision_sources=budget[2] if budget and decision else [],
        first_funding_note=None if first_funding or all(
            r.item.own_purchases for r in levers_ranked[:PRIORITY_ACTIONS]) else t._(
            "Aucun des financements recommandés ne vise ces actions : voir les financements à "
            "étudier de chaque levier, plus bas."),
        _numbers=numbers,
    )


def _first_step(plan: LeverPlan) -> str:
    """The first thing to do for a lever: its first action, else its first step, else
    the lever itself."""
    if plan.first_action:
        return _sentence(plan.first_action)
    if plan.steps:
        return _sentence(plan.steps[0])
    return _sentence(plan.title)


def assumes_quartiers(item: Item) -> bool:
    """The lever's own words send to the priority neighbourhoods: its title, first action or
    first step speaks of « quartiers », the contrat de ville, the renouvellement urbain or
    the politique de la ville. An item tagged for the quartiers prioritaires alone never
    reaches a territory without them (the ranking's `bound_contexts`, for every kind); this
    catches a lever meant for every place whose words still assume them, which the plan
    does not propose as a next step where the territory has none (plan23: « Coopérer avec
    les bailleurs sociaux … dans les quartiers » for Le Chambon-sur-Lignon, a village of
    2,500)."""
    words = " ".join((item.title, item.first_action or "", *item.how_to[:1]))
    return bool(_QUARTIERS.search(words))


def _unique(ranked: list[Ranked]) -> list[Ranked]:
    seen: set[str] = set()
    result = []
    for r in ranked:
        if r.item.id not in seen:
            seen.add(r.item.id)
            result.append(r)
    return result


_TO_CHECK = (
    (re.compile(r"numéro(?: en vigueur| d'article)? à vérifier sur (?:Légifrance|EUR-Lex)"),
     "référence à confirmer"),
    (re.compile(r"\bà (?:vérifier|confirmer) sur (?:Légifrance|EUR-Lex)"), "à confirmer"),
    (re.compile(r"\bà vérifier\b"), "à confirmer"),
)


def legal_words(text: str) -> str:
    """A legal basis as an élu reads it: the content's note to its editors (« numéro à
    vérifier sur Légifrance / EUR-Lex ») becomes « référence à confirmer » (plan23, blind
    rating 2026-12-01). French, like the content it rewrites."""
    for pattern, words in _TO_CHECK:
        text = pattern.sub(words, text)
    return text


def _own_instrument(r: Ranked, kind: str | None) -> bool:
    """A lever meant for the profile's type of collectivité alone (the région's strategy and
    SRDEII, a département's insertion pact): its own instrument, which a plan keeps up front
    with the levers of its themes (blind rating 2026-12-01: the Grand Est's page 1 had lost
    its regional strategy to the theme levers)."""
    types = r.item.restricts("collectivites")
    return kind is not None and types is not None and set(types) == {kind}


def _theme_first(ranked: list[Ranked], themes: frozenset[str] | set[str],
                 kind: str | None = None) -> list[Ranked]:
    """The levers of a chosen theme first, in their order, then the step's generic ones: the
    plan's first actions serve the theme the collectivité chose (a département on santé-social
    starts with its autonomy levers, not with the SPASER every département is shown). The
    collectivité's own instrument (:func:`_own_instrument`) keeps its place among them."""
    if not themes:
        return ranked
    themed = [r.item.id for r in ranked if _on_theme(r, themes)]
    own = [r.item.id for r in ranked if r.item.id not in themed and _own_instrument(r, kind)]
    # page 1 (the first PRIORITY_ACTIONS) keeps a slot for the level's own instrument even
    # when the themes hold enough levers to fill it (gaps28's regional energy lever had pushed
    # the Grand Est's strategy off page 1 again)
    head = set(themed[:PRIORITY_ACTIONS - 1] + own[:1]) if own else set()
    firsts = set(themed) | set(own)
    return ([r for r in ranked if r.item.id in head]
            + [r for r in ranked if r.item.id in firsts - head]
            + [r for r in ranked if r.item.id not in firsts])


def _order_note(kb: KnowledgeBase, listed: list[Ranked], ordered: list[Ranked],
                profile: Profile, t: Translator) -> str | None:
    """The rule that put the plan's levers in another order than the recommendations'
    (``essbot recommend``, the chat's list), said on page 1; None when the order is the list's.
    Blind rating 2026-12-01: Carcassonne's and the Grand Est's plans differed from their lists
    with no word why."""
    if [r.item.id for r in listed] == [r.item.id for r in ordered]:
        return None
    themes = _join([_lower_first(kb.label("themes", theme, t))
                    for theme in sorted(profile.themes)], t, grouped=True)
    own = any(_own_instrument(r, profile.type) and not _on_theme(r, profile.themes)
              for r in ordered)
    if own:
        text = t.ngettext("D'abord ce qui sert votre thème ({themes}) et les leviers propres à "
                          "votre niveau de collectivité, puis les autres leviers recommandés.",
                          "D'abord ce qui sert vos thèmes ({themes}) et les leviers propres à "
                          "votre niveau de collectivité, puis les autres leviers recommandés.",
                          len(profile.themes))
    else:
        text = t.ngettext("D'abord ce qui sert votre thème ({themes}), puis les autres leviers "
                          "recommandés.",
                          "D'abord ce qui sert vos thèmes ({themes}), puis les autres leviers "
                          "recommandés.", len(profile.themes))
    return text.format(themes=themes)


def _on_theme(r: Ranked, themes: frozenset[str] | set[str]) -> bool:
    """The item is meant for one of the chosen themes (not for every theme)."""
    return bool((r.item.restricts("themes") or frozenset()) & themes)


def _first_funding(priority: list[Ranked], ranked_funding: list[Ranked],
                   per_lever: Mapping[str, list[Item]], anchors: Mapping[str, str],
                   sources: _Sources, t: Translator, today: dt.date,
                   tied: frozenset[str] = frozenset()) -> list[FirstFunding]:
    """The funding tools of the recommendations (``ranked_funding``, in their order) that fit
    the first actions, at most FIRST_FUNDING; none fits: the first one ranked, for them all,
    unless it is tied to a lever (``tied``: the families that a lever shares with a funding
    tool) that is not one of them, or every first action works through the collectivité's own
    purchases (``own_purchases``). An action whose lever has its own tool (:func:`own_tool`)
    is funded by it alone, ranked or not (it is in the funding table); any other tool the
    recommendations did not rank, or whose calls are closed, is never named on page 1."""
    found: list[FirstFunding] = []
    ranked_funding = [r for r in ranked_funding if not r.item.closed]
    # an action whose lever has its own tool (:func:`own_tool`) is funded by that tool alone,
    # named even when the recommendations ranked it below their first ones: it is in the
    # funding table, and another tool of the theme would be named for a public or a frame
    # the action does not have
    own = {lever.item.id: [tool for tool in per_lever.get(lever.item.id, [])
                           if own_tool(lever.item, tool) and not tool.closed]
           for lever in priority}
    listed = [r.item for r in ranked_funding]
    unlisted = [tools[0] for tools in own.values() if tools and tools[0] not in listed]
    for tool in [*unlisted, *listed]:
        actions = [n for n, lever in enumerate(priority, 1)
                   if any(fit.id == tool.id for fit in (own[lever.item.id][:1]
                                                        or per_lever.get(lever.item.id, [])))
                   and _nested_themes(lever.item, tool)]
        if actions and tool.id in anchors:
            fits = t.ngettext("Pour l'action {numbers}", "Pour les actions {numbers}",
                              len(actions)).format(numbers=t.join([str(n) for n in actions]))
            found.append(FirstFunding(tool.title, anchors[tool.id], _why(tool, t, today),
                                      actions, fits, sources.cite(tool)))
    families = {lever.item.family for lever in priority}
    # « Pour ces actions » is said of a tool for every theme or of one of these actions'
    # theme: a tool of another theme would be named for work it does not pay for
    # and it pays for what one of them costs (:func:`pays_for`)
    for_all = [r for r in ranked_funding if r.item.family not in tied - families
               and any(pays_for(lever.item, r.item)
                       and (r.item.restricts("themes") is None
                            or (_on_theme(r, lever.item.restricts("themes") or frozenset())
                                and _nested_themes(lever.item, r.item)))
                       for lever in priority)]
    # actions that work through the collectivité's own purchases need no tool « for them »
    needs_funding = any(not lever.item.own_purchases for lever in priority)
    if not found and needs_funding and for_all and for_all[0].item.id in anchors:
        tool = for_all[0].item
        # a tool that does not pay for what some of them cost is named for the others only
        # (review39: the FEDER « pour ces actions », the région's conférence among them)
        needing = [n for n, lever in enumerate(priority, 1) if not lever.item.own_purchases]
        paid = [n for n in needing if pays_for(priority[n - 1].item, tool)]
        fits = (t._("Pour ces actions") if paid == needing else
                t.ngettext("Pour l'action {numbers}", "Pour les actions {numbers}",
                           len(paid)).format(numbers=t.join([str(n) for n in paid])))
        found.append(FirstFunding(tool.title, anchors[tool.id], _why(tool, t, today),
                                  [] if paid == needing else paid, fits, sources.cite(tool)))
    # shown in the order of the actions they fund (« Pour l'action 1 » before « … 3 »)
    return sorted(found[:FIRST_FUNDING], key=lambda tool: min(tool.actions, default=0))


def _nested_themes(lever: Item, tool: Item) -> bool:
    """The tool is for the action's work, not only for one theme they share: the themes of
    one hold the other's (the AVP, habitat and santé-social, for the habitat inclusif lever,
    not for the RSA's insertion lever, emploi-insertion and santé-social); an item for every
    theme fits any."""
    mine, its = lever.restricts("themes"), tool.restricts("themes")
    return mine is None or its is None or mine <= its or its <= mine


def _why(tool: Item, t: Translator, today: dt.date) -> str:
    return first_sentence(with_caution(tool.summary, tool, t, today), FUNDING_WHY)


def _funding_for(lever: Item, pool: list[Ranked],
                 tied: frozenset[str] = frozenset()) -> list[Item]:
    """The funding tools of the pool that work on a theme of the lever; else the best tool
    that is not tied to a theme; never one whose calls are closed, and none for a lever that
    works through the collectivité's own purchases (``own_purchases``: a clause d'insertion);
    never one that does not pay for what the lever costs (:func:`pays_for`). A tool that
    shares its family with a lever (``tied``: the France Services forfait and the France
    Services lever) pays for that lever's object only, not for another lever of its theme (a
    village café, the CAF's CTG: blind rating 2026-12-02, Pesmes). A tool for every theme that
    fits some above all (`preferred_themes`: the DETR for the services kept in rural communes)
    works on those themes."""
    if lever.own_purchases:  # the contract pays for the work: no tool to name
        return []
    themes = lever.restricts("themes") or frozenset()
    pool = [r for r in pool if not r.item.closed and pays_for(lever, r.item)
            and (r.item.family not in tied or r.item.family == lever.family)]
    shared = [r.item for r in pool if themes & (r.item.restricts("themes")
                                                or r.item.restricts("preferred_themes")
                                                or frozenset())]
    # the tool that pays for this lever's object comes first (the forfait for France Services),
    # then one of its frame (the LBU for the overseas informal housing), then the pool's order
    shared.sort(key=lambda item: not own_tool(lever, item))
    if shared:
        return shared[:FUNDING_PER_LEVER]
    return [r.item for r in pool if r.item.restricts("themes") is None][:1]


def pays_for(lever: Item, tool: Item) -> bool:
    """The tool pays for what the lever's work costs (``expenses``): a lever that says what it
    costs (a CTG, a Cité de l'emploi, a contrat local de santé: « pilotage ») is funded only by
    a tool that says it pays for one of them — not by an investment grant that shares its
    theme (plan39, review39: the DETR for a CTG, the ANRU for a Cité de l'emploi, the FEDER
    for the région's conférence, the CAF's centre social grant for a CLS). A lever that does
    not say fits any tool."""
    return not lever.expenses or bool(lever.expenses & tool.expenses)


def own_tool(lever: Item, tool: Item) -> bool:
    """The funding tool pays for this lever's object: it shares the lever's ``family`` (the
    France Services forfait and the France Services lever; the AVP and the habitat inclusif),
    or it is bound to a context the lever is bound to and works on one of its themes (the LBU,
    the State's housing credits overseas, for the overseas informal housing lever). A lever
    bound to a context is written for that frame; a tool of that frame and theme is its
    funding before any tool of the theme alone (plan36, blind rating fresh7: the AVP, the
    housing of elderly and disabled people, funded Mayotte's informal housing action)."""
    if lever.family is not None and tool.family == lever.family:
        return True
    frame = (lever.restricts("contexts") or frozenset()) & (tool.restricts("contexts")
                                                          or frozenset())
    themes = (lever.restricts("themes") or frozenset()) & (tool.restricts("themes")
                                                         or frozenset())
    return bool(frame and themes)


def _lever(ranked: Ranked, reason: str, tools: list[Item], anchors: Mapping[str, str],
           sources: _Sources, t: Translator, today: dt.date) -> LeverPlan:
    item = ranked.item
    return LeverPlan(
        anchor=f"levier-{item.id}", title=item.title,
        summary=with_caution(item.summary, item, t, today), reason=reason,
        steps=list(item.how_to), practice="" if item.how_to else item.body.strip(),
        first_action=item.first_action,
        legal_basis=legal_words(item.legal_basis) if item.legal_basis else None, cost=item.cost,
        carried_by=item.carried_by, indicators=list(item.indicators),
        funding=[(tool.title, anchors[tool.id]) for tool in tools if tool.id in anchors],
        sources=sources.cite(item),
    )


def _next_step(step: str | None) -> str | None:
    if step not in STEPS:
        return None
    position = STEPS.index(step)
    return STEPS[position + 1] if position + 1 < len(STEPS) else None


def _first_calls(kb: KnowledgeBase, profile: Profile, names: LocalNames | None,
                 cress: Item | None, sources: _Sources, t: Translator,
                 local: Callable[[Item], Item] = lambda item: item,
                 ) -> tuple[list[Contact], set[str]]:
    """Who to call first, named: the CRESS, the intercommunalité's economic development
    service, the DLA of the département, the State's services (for a département, a région,
    an intercommunalité), France Active, the RTES; page 1 shows the first FIRST_CALLS."""
    calls: list[Contact] = []
    called: set[str] = set()
    items = kb.items

    def add(item: Item | None, name: str | None = None, role: str | None = None,
            reach: str | None = None) -> None:
        if item is None or item.id in called:
            return
        called.add(item.id)
        item = local(item)
        calls.append(Contact(name or item.title, role or first_sentence(item.summary, ROLE),
                             reach or first_sentence(item.how_to_reach or "", REACH),
                             _link(item), sources.cite(item)))

    # a collectivité d'outre-mer: no DLA and no France Active territorial association could
    # be verified there (content29, 2026-12-01): none is named after the territory
    com = names is not None and names.departement_code in OVERSEAS_COLLECTIVITES

    add(cress)
    if names is not None and names.groupement:
        members = names.groupement_members
        role = t._("Votre intercommunalité : l'échelle à laquelle porter et mutualiser "
                   "beaucoup d'actions économiques.")
        if members:
            role = t.ngettext("Votre intercommunalité ({n} commune) : l'échelle à laquelle "
                              "porter et mutualiser beaucoup d'actions économiques.",
                              "Votre intercommunalité ({n} communes) : l'échelle à laquelle "
                              "porter et mutualiser beaucoup d'actions économiques.",
                              members).format(n=t.format_number(members))
        calls.append(Contact(
            t._("Le service du développement économique de l'intercommunalité ({epci})").format(
                epci=within_parentheses(names.groupement)),
            role, t._("Par l'accueil de l'intercommunalité ; demandez la personne chargée de "
                      "l'ESS ou de l'économie de proximité.")))
    dla = items.get("dla")
    if dla is not None:
        # {of} is the French « de la Creuse »; a translation may use {place}, the name.
        if com:
            add(dla, t._("Le dispositif local d'accompagnement (DLA, à vérifier sur place)"),
                t._("Un diagnostic et du conseil gratuits pour les structures employeuses de "
                    "l'ESS ; aucun DLA n'a pu être vérifié dans votre collectivité."),
                t._("Demandez à Avise, qui anime le DLA au niveau national, et au représentant "
                    "de l'État sur place si le dispositif y est mis en œuvre."))
        if names is not None and names.kind == "region" and names.region_of:
            name = t._("Le DLA régional {of}").format(of=names.region_of, place=names.region)
        elif names is not None and names.departement_of:
            name = t._("Le DLA {of}").format(of=names.departement_of, place=names.departement)
        else:
            name = t._("Le DLA de votre département")
        add(dla, name, t._("Le dispositif local d'accompagnement : un diagnostic et du conseil "
                           "gratuits pour les structures employeuses de l'ESS que vous "
                           "soutenez."))
    # a département, a région, an intercommunalité: the State's services before France Active
    if names is None or names.kind in ("departement", "region", "epci", "ept"):
        services = items.get(STATE_SERVICES_ID)
        types = services.restricts("collectivites") if services is not None else None
        if services is not None and (profile.type is None or not types
                                     or profile.exercises(types)):
            add(services)
    france_active = items.get("france_active_territoriale")
    if france_active is not None:
        where = names.region if names is not None and names.region else None
        if com:
            add(france_active, t._("France Active (réseau national)"),
                t._("Un réseau de financement solidaire organisé en associations "
                    "territoriales ; aucune n'a pu être vérifiée dans votre collectivité."),
                t._("Par le site national de France Active, en demandant si un relais "
                    "intervient dans votre collectivité."))
        add(france_active, t._("France Active : l'association territoriale ({region})").format(
            region=where) if where else None)
    add(items.get("rtes"))
    return calls, called


def _portrait(kb: KnowledgeBase, profile: Profile, names: LocalNames | None,
              cress: Item | None, t: Translator) -> list[str]:
    """The profile in words, with the real names."""
    lines: list[str] = []
    if names is not None:
        lines.append(_where(names, kb, profile, t))
        if names.status in _STATUS_KINDS and names.status_note:
            lines.append(names.status_note)  # « … elle exerce les compétences d'une métropole
            # et celles du département » (sixth blind rating: Lyon's and the CTG's page 1)
        partners = _partners(names, t) + _departement_partners(names, t) + \
            _region_partners(names, t)
        state = " ; ".join(p for p in (_state_of_departement(names, t),
                                      _state_of_region(names, t),
                                      _state_partner(kb, profile, t)) if p) or None
        if partners and state:
            lines.append(t._("Vos partenaires publics : {names} ; {state}.").format(
                names=_join(partners, t), state=state))
        elif partners or state:
            lines.append(t._("Vos partenaires publics : {names}.").format(
                names=_join(partners, t) if partners else state))
        if names.state_rsa is not None:  # « Le RSA y est versé par l'État (…) ; … »
            clause = state_rsa_clause(names.state_rsa, t)
            lines.append(f"{clause[:1].upper()}{clause[1:]}.")
    elif profile.type:
        what = kb.label("collectivites", profile.type, t)
        region = kb.label("regions", profile.region, t) if profile.region else None
        lines.append(t._("{what}, région {region}.").format(what=what, region=region)
                     if region else f"{what}.")
    if cress is not None:
        lines.append(t._("Votre chambre régionale de l'ESS : {name}.").format(name=cress.title))
    described = [_lower_first(kb.label("contexts", c, t)) for c in sorted(profile.contexts)]
    if described:
        lines.append(t._("Territoire : {contexts}.").format(contexts=_join(described, t)))
    if profile.programmes:
        held = names.grouping_programmes if names is not None else ()
        grouping = names.programmes_grouping if names is not None else None
        lines.append(t._("Programmes nationaux : {names}.").format(names=_join(
            [programme_label(kb.label("programmes", p, t), p, held, grouping, t)
             for p in sorted(profile.programmes)], t)))
    if profile.themes:
        lines.append(t._("Thèmes prioritaires : {themes}.").format(themes=_join(
            [_lower_first(kb.label("themes", p, t)) for p in sorted(profile.themes)], t,
            grouped=True)))
    if profile.step:
        lines.append(t._("Où vous en êtes : {step}.").format(
            step=_step_words(kb.label("steps", profile.step, t))))
    return lines


def _departement_partners(names: LocalNames, t: Translator) -> list[str]:
    """A département's intercommunalités, the largest named (« les 4 intercommunalités du
    département, dont la Métropole d'Aix-Marseille-Provence »): with the région, the
    collectivités it works with."""
    count = names.departement_epci_count
    if names.kind != "departement" or not count:
        return []
    if names.departement_main_epci and count > 1:
        return [t.ngettext("{n} intercommunalité du département, dont {main}",
                           "les {n} intercommunalités du département, dont {main}",
                           count).format(n=t.format_number(count),
                                         main=with_article(names.departement_main_epci))]
    return [t.ngettext("{n} intercommunalité du département",
                       "les {n} intercommunalités du département",
                       count).format(n=t.format_number(count))]


def _region_partners(names: LocalNames, t: Translator) -> list[str]:
    """A région's collectivités: its départements (« les 4 départements de la région », or
    the one council of a région with a single département; none where the région's own
    collectivité holds their competences) and its intercommunalités, the main ones named
    (« les 4 départements et les 60 intercommunalités de la région, dont Rennes Métropole et
    Brest Métropole »)."""
    if names.kind != "region":
        return []
    councils = names.region_departement_councils
    found: list[str] = []
    if len(councils) == 1:
        found.append(councils[0])
    elif councils:
        departements = max(names.member_count or 0, len(councils))
        found.append(t.ngettext("{n} département", "les {n} départements", departements).format(
            n=t.format_number(departements)))
    count = names.region_epci_count
    if count:
        main = [with_article(name) for name in names.region_main_epcis]
        if main and count > 1:
            found.append(t.ngettext("{n} intercommunalité de la région, dont {main}",
                                    "les {n} intercommunalités de la région, dont {main}",
                                    count).format(n=t.format_number(count),
                                                  main=_join(main, t)))
        else:
            found.append(t.ngettext("{n} intercommunalité de la région",
                                    "les {n} intercommunalités de la région",
                                    count).format(n=t.format_number(count)))
    return found


def _state_of_region(names: LocalNames, t: Translator) -> str | None:
    """The State in a région: the préfecture de région, its SGAR and its employment and
    solidarity service (« la DREETS Bretagne », « la DEETS de La Réunion »)."""
    if names.kind != "region":
        return None
    service = regional_state_service(names.region_code, names.region)
    return (t._("l'État : la préfecture de région, son SGAR et {service}").format(
        service=service) if service else t._("l'État : la préfecture de région et son SGAR"))


def _state_of_departement(names: LocalNames, t: Translator) -> str | None:
    """The State in a département: the préfecture and its employment and solidarity service
    (« la DDETS ou DDETS-PP des Bouches-du-Rhône »)."""
    if names.kind != "departement" or not names.departement_code:
        return None
    service = local_bodies(names.departement_code, names.departement_of, None, None).state
    return (t._("l'État : la préfecture et {service}").format(service=service) if service
            else t._("l'État : la préfecture"))


def _state_partner(kb: KnowledgeBase, profile: Profile, t: Translator) -> str | None:
    """The State's partner of a plan on health and medico-social services: the ARS (its
    contact item, content/contacts.yaml), which a département's council line alone left out."""
    if HEALTH_THEME not in profile.themes or ARS_ID not in kb.items:
        return None
    return t._("pour la santé et le médico-social, l'agence régionale de santé (ARS) et sa "
               "délégation départementale")


def _partners(names: LocalNames, t: Translator) -> list[str]:
    """The public bodies over a territory, each once (see public_partners)."""
    bodies = public_partners(names.kind, names.name, names.groupement,
                             names.departement_council, names.region_council,
                             [other[3] for other in names.other_departements])
    return [describe(with_article(body), role, t) for body, role in bodies]


# What a collectivité holding two levels' competences is called in the plan's portrait
# (Mayotte stays « département »: its note says so)
_STATUS_KINDS = {LYON.key: N_("collectivité à statut particulier"),
                 PARIS.key: N_("collectivité à statut particulier"),
                 CORSE.key: N_("collectivité à statut particulier"),
                 GUYANE.key: N_("collectivité unique"),
                 MARTINIQUE.key: N_("collectivité unique")}


def _where(names: LocalNames, kb: KnowledgeBase, profile: Profile, t: Translator) -> str:
    population = (t.ngettext("{n} habitant", "{n} habitants", names.population).format(
        n=t.format_number(names.population)) if names.population else None)
    # « (Mayotte) », not « (Mayotte, Mayotte) », nor « Saint-Martin (Saint-Martin) »
    area = ", ".join(dict.fromkeys(
        p for p in (names.departement if names.kind != "departement" else None,
                    *(other[1] for other in names.other_departements),
                    names.region if names.kind != "region" else None)
        if p and p != names.name))
    kind = _lower_first(kb.label("collectivites", profile.type, t)) if profile.type else ""
    if names.kind == "com":  # « Saint-Martin, collectivité d'outre-mer de 31 160 habitants »
        kind = t._("collectivité d'outre-mer")
    if names.status in _STATUS_KINDS:
        # not « intercommunalité (EPCI) » for the Métropole de Lyon, nor « région » for the CTG
        # (sixth blind rating): the note below says which competences it holds
        kind = t._(_STATUS_KINDS[names.status])
    parts = [names.name]
    if kind:
        parts.append(kind)
    sentence = ", ".join(parts)
    if population:
        sentence += t._(" de {population}").format(population=population)
    if area:
        sentence += f" ({area})"
    if names.groupement:
        sentence += t._(" ; intercommunalité : {epci}").format(epci=names.groupement)
    elif names.member_count and names.kind in ("epci", "ept"):
        sentence += t.ngettext(", {n} commune", ", {n} communes", names.member_count).format(
            n=t.format_number(names.member_count))
    elif names.departement_epci_count and names.kind == "departement":
        sentence += t.ngettext(", {n} intercommunalité", ", {n} intercommunalités",
                               names.departement_epci_count).format(
            n=t.format_number(names.departement_epci_count))
    return sentence + "."


def _step_words(label: str) -> str:
    """« 2. Soutenir et structurer les initiatives » -> « soutenir et structurer... »."""
    words = re.sub(r"^\d+\.\s*", "", label)
    return words[:1].lower() + words[1:]


def _join(words: list[str], t: Translator, grouped: bool = False) -> str:
    """« a, b et c »; with grouped, labels that hold their own « et » are parted by « ; »
    (« alimentation ; emploi et insertion », not « alimentation et emploi et insertion »)."""
    if grouped and len(words) > 1 and any(t._(" et ") in word for word in words):
        return " ; ".join(words)
    return t.join(words)


def _facts(kb: KnowledgeBase, profile: Profile, t: Translator) -> list[tuple[str, str]]:
    def label(vocabulary: str, value: str | None) -> str:
        return kb.label(vocabulary, value, t) if value else "—"

    # sizes are bands of communes and intercommunalités: a département or a région has none
    sized = profile.type not in ("departement", "region")
    return [
        (t._("Collectivité"), label("collectivites", profile.type)),
        (t._("Territoire"), profile.territory or "—"),
        (t._("Région"), label("regions", profile.region)),
        *([(t._("Taille"), label("sizes", profile.size))] if sized else []),
        (t._("Contexte"), ", ".join(kb.label("contexts", c, t)
                                    for c in sorted(profile.contexts)) or "—"),
        (t._("Thèmes"), ", ".join(kb.label("themes", c, t) for c in sorted(profile.themes))
         or "—"),
        (t._("Étape"), label("steps", profile.step)),
    ]


def _calendar(levers: list[LeverPlan], calls: list[Contact], next_step: str | None,
              next_levers: list[str], today: dt.date, t: Translator,
              budget: tuple[str | None, str | None, list[SourceKey]] | None = None,
              pact: tuple[str, list[SourceKey]] | None = None) -> list[Quarter]:
    """Four quarters from the month after the document's date: launch (the contacts and
    the first actions), engage and deploy (the steps of the priority levers, then the
    first actions of the others), assess and prepare the next step (the indicators); with
    ``budget`` (the collectivité's kind, size and the sources of the budget cycle), the
    budget's moments in their quarters (plan32); with ``pact`` (a line and its sources), an
    intercommunalité's pacte de gouvernance in the first quarter (plan33)."""
    from babel.dates import format_date

    def first_day(offset: int) -> dt.date:
        index = today.month + offset  # the month after today is offset 0
        return dt.date(today.year + index // 12, index % 12 + 1, 1)

    def month(offset: int) -> str:
        return format_date(first_day(offset), "MMMM y", locale=t.language)

    priority = levers[:PRIORITY_ACTIONS]
    others = levers[PRIORITY_ACTIONS:]
    launch = []
    quoted = {plan.title: _inner_quotes(plan.title) for plan in levers}
    if calls:
        launch.append(t._("Premiers contacts : {names}.").format(
            names=_join([_contact_in_sentence(c.name, t) for c in calls[:3]], t)))
    if priority:
        # the summary already says each priority action and who carries it: the calendar
        # points at them rather than repeat them word for word (« Qui porte « … » : … »)
        launch.append(t._("Lancer les actions prioritaires de « L'essentiel », chacune avec "
                          "qui la porte : {titles}.").format(titles=_join(
            [t._("« {title} »").format(title=quoted[plan.title]) for plan in priority], t)))
    engage, deploy = [], []
    for plan in priority:
        half = (len(plan.steps) + 1) // 2
        engage += [_sentence(s) for s in plan.steps[:half]]
        deploy += [_sentence(s) for s in plan.steps[half:]]
        if not plan.steps:
            engage.append(t._("Mettre en œuvre « {title} » (voir la fiche).").format(
                title=quoted[plan.title]))
    for plan in others:
        deploy.append(_sentence(plan.first_action) if plan.first_action else
                      t._("Engager « {title} ».").format(title=quoted[plan.title]))
    assess = []
    for plan in priority:
        if plan.indicators:
            assess.append(t._("Faire le point sur « {title} » : {indicators}.").format(
                title=quoted[plan.title], indicators=" ; ".join(i[:1].lower() + i[1:]
                                                       for i in plan.indicators[:2])))
    if not assess:
        assess.append(t._("Faire le point avec les acteurs de l'ESS et votre CRESS sur les "
                          "actions engagées."))
    if next_step:
        assess.append(t._("Préparer l'étape suivante ({step}) : {levers}.").format(
            step=_step_words(next_step), levers=_join(
                [t._("« {title} »").format(title=_inner_quotes(title)) for title in next_levers],
                t) or "—"))
    else:
        # the last step: no « étape 1 » of the chat's menu in a document (plan23)
        assess.append(t._("Mettre à jour cette feuille de route pour l'année suivante, avec "
                          "les acteurs apparus en cours d'année et le bilan des actions."))
    goals = [t._("Lancer"), t._("Engager"), t._("Déployer"), t._("Évaluer et préparer la "
                                                                 "suite")]
    tasks = [launch, engage, deploy, assess]
    tasks = [quarter or [t._("Poursuivre les actions engagées.")] for quarter in tasks]
    cited: list[dict[int, list[SourceKey]]] = [{} for _ in range(QUARTERS)]
    if pact is not None:
        cited[0][len(tasks[0])] = pact[1]
        tasks[0].append(pact[0])
    if budget is not None:
        kind, size, keys = budget
        months = [[first_day(3 * n + m) for m in range(3)] for n in range(QUARTERS)]
        lines = budget_lines(months, kind, size, t)
        for n in range(QUARTERS):
            said = [line for quarter, line in lines if quarter == n]
            # the last quarter closes on the next step (or the update of the plan)
            at = len(tasks[n]) - 1 if n == QUARTERS - 1 else len(tasks[n])
            tasks[n][at:at] = said
            cited[n].update({at + i: keys for i in range(len(said))})
    return [Quarter(t._("Trimestre {n} : {start} – {end}").format(
                        n=n + 1, start=month(3 * n), end=month(3 * n + 2)),
                    goals[n], tasks[n], cited[n])
            for n in range(QUARTERS)]


def _inner_quotes(title: str) -> str:
    """A title quoted inside « » keeps its own quotes as “ ”: « S'engager dans “Territoires
    zéro chômeur” », not « S'engager dans « Territoires zéro chômeur » »."""
    return re.sub(r"«\s*(.*?)\s*»", "“\\1”", title)


def _lower_first(label: str) -> str:
    """« Quartiers prioritaires (QPV) » inside a sentence: « quartiers prioritaires (QPV) »,
    the acronyms kept (« EPT », not « ept »); a label that starts with one stays whole."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _contact_in_sentence(name: str, t: Translator) -> str:
    """A contact's title inside a French sentence: « le DLA de la Creuse », and « la CRESS de
    La Réunion » with the article its title leaves out (« Premiers contacts : CRESS de La
    Réunion, le service… » read as a list of labels)."""
    name = _lower_article(name)
    return with_cress_article(name) if t.language == "fr" and name.startswith("CRESS ") \
        else name


def _lower_article(name: str) -> str:
    """« Le DLA du Finistère » inside a sentence: « le DLA du Finistère »."""
    first, _, rest = name.partition(" ")
    if first in ("Le", "La", "Les", "The") or first.startswith("L'"):
        return first[:1].lower() + first[1:] + (" " + rest if rest else "")
    return name


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
