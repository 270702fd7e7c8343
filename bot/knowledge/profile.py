"""From a territory to what it tells of the profile: type, size, region, contexts, programmes,
and the names of the collectivités around it.

Used by the flows (the ``territory`` resolver of an input) and by the
``essbot recommend`` and ``essbot plan`` commands, so both pre-fill alike. What the open data
says of the context (QPV, rural, littoral...) and the programmes are suggestions: the flow
shows them and the agent confirms or corrects them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.engine.choices import normalize_answer
from bot.engine.flow import Candidate, ResolverSpec
from bot.i18n import Translator, translator
from bot.knowledge.roadmap.local import LocalNames
from bot.knowledge.scoring import AREA_SEPARATOR, Profile, ScoringRules, areas_from_slot
from bot.knowledge.territory_model import DENSITY_LABELS
from bot.knowledge.territory_reading import context_sentence, programme_label

if TYPE_CHECKING:
    from bot.knowledge.territory import Resolution, Territory, TerritoryIndex

OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})  # INSEE codes (COG)
# What the resolver says of a territory. The first nine were there first: keep them.
TERRITORY_FACTS = frozenset({
    "type", "size", "region", "contexts", "code", "population", "name", "departement", "epci",
    "kind", "label", "status", "note", "competences", "programmes", "detected_contexts",
    "massif", "density", "epci_name", "epci_members", "ept_name", "groupement",
    "groupement_members",
    "departement_name",
    "departement_council", "departement_epci_count", "region_name", "region_council",
    "member_count", "places", "partners", "areas", "partners_en", "context_reading",
    "context_reading_en", "programmes_reading", "programmes_reading_en", "merged_name",
    "district",
})


def territory_facts(territory: Territory, rules: ScoringRules | None = None,
                    index: TerritoryIndex | None = None) -> dict[str, Any]:
    """What a territory says of the collectivité; values of the taxonomy where they apply.

    Without the index, only what the territory itself holds (no contexts but outre-mer, no
    programmes, no neighbours).
    """
    if territory.kind in ("commune", "epci", "ept"):
        size = rules.size_class(territory.population) if rules else territory.size_class
    else:
        size = None
    overseas = territory.region_code in OVERSEAS_REGIONS or territory.kind == "com" or (
        territory.status is not None and territory.status.key == "collectivite-d-outre-mer")
    facts: dict[str, Any] = {
        "type": territory.collectivite_type,
        "size": size,
        "region": territory.region_code,
        "contexts": ["outre-mer"] if overseas else [],
        "code": territory.code,
        "population": territory.population,
        "name": territory.name,
        "departement": territory.departement_code or None,
        "epci": territory.epci_name if territory.kind == "commune" else None,
        "kind": territory.kind,
        "label": territory.label,
        "status": territory.status.key if territory.status else None,
        "note": territory.note,
        "competences": list(territory.competences),
        "programmes": [],
        "member_count": territory.member_count,
        "places": own_places(territory),
    }
    if index is not None:
        context = index.context(territory)
        facts["contexts"] = list(context.contexts)
        facts["programmes"] = list(context.programmes)
        facts["grouping_programmes"] = list(context.grouping_programmes)
        facts["programmes_grouping"] = context.grouping  # who holds them
        facts["massif"] = context.massifs[0] if context.massifs else None
        facts["density"] = DENSITY_LABELS.get(context.density) if context.density else None
        facts["state_rsa"] = ([context.state_rsa.since, context.state_rsa.experiment]
                              if context.state_rsa else None)
        facts["context_reading"] = context_sentence(territory.kind, context, translator("fr"))
        facts["context_reading_en"] = context_sentence(territory.kind, context,
                                                      translator("en"))
        facts.update(index.neighbours(territory))
    facts["detected_contexts"] = facts["contexts"]
    facts["areas"] = [AREA_SEPARATOR.join(area) for area in _areas(territory, facts)]
    return facts


def _areas(territory: Territory, facts: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The département and région a territory lies in, nearest first, with the council that
    exercises their competences (known with the index only): (level, code, council). An
    example of theirs is the territory's larger collectivité's, labelled as such."""
    levels = {"commune": ("departement", "region"), "epci": ("departement", "region"),
              "ept": ("departement", "region"), "departement": ("region",)}
    found: list[tuple[str, str, str]] = []
    own = set(facts.get("places") or ())
    for level in levels.get(territory.kind, ()):
        code = territory.departement_code if level == "departement" else territory.region_code
        council = facts.get(f"{level}_council")
        if code and council and code not in own and all(council != c for _, _, c in found):
            found.append((level, code, council))
    return found



def names_of(territory: Territory, index: TerritoryIndex) -> LocalNames:
    """The names around a territory, for the feuille de route."""
    return LocalNames.from_facts(territory_facts(territory, None, index))


def names_for_label(index: TerritoryIndex | None, label: str | None) -> LocalNames | None:
    """The names around the territory a conversation chose (its slot holds the label, which
    names one territory alone); None when there is none or it is no longer known."""
    if index is None or not label:
        return None
    exact = [t for t in index.resolve(label).best if t.label == label]
    return names_of(exact[0], index) if exact else None


def load_territories(path: Path) -> TerritoryIndex:
    """The territory index of a file, loaded once per version of the file (reloads are cheap)."""
    return _load_territories(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _load_territories(path: Path, mtime_ns: int) -> TerritoryIndex:
    from bot.knowledge.territory import TerritoryIndex

    return TerritoryIndex.load(path)


def resolve_territory(index: TerritoryIndex, text: str, prefer: str | None = None
                      ) -> Resolution:
    """What the agent most likely meant (``best``: one, or several to choose from), and the
    other readings; ``prefer`` is the type of collectivité already chosen, if any."""
    return index.resolve(text, prefer=prefer)


def find_territories(index: TerritoryIndex, text: str, prefer: str | None = None
                     ) -> list[Territory]:
    """The readings to offer: the best ones if any, else the weaker guesses.

    « Vitré » is the commune, not also « Vitrey-sur-Mance »; « Saint-Denis » is the four
    communes of that name; « Creuse » the département and the commune (département first);
    a code is every commune or grouping that bears it.
    """
    found = index.resolve(text, prefer=prefer)
    return found.best or found.others


def programmes_reading(facts: dict[str, Any], label: Callable[[str, Translator], str],
                       t: Translator) -> str | None:
    """The programmes found for a territory as a list a message shows, each with whose it is
    when the commune holds it through its intercommunalité (« Petites villes de demain et
    Territoires d'industrie (programme de votre intercommunalité, CC Val Eyrieux) »)."""
    found = list(facts.get("programmes") or ())
    if not found:
        return None
    held = tuple(facts.get("grouping_programmes") or ())
    grouping = facts.get("programmes_grouping")
    names = [programme_label(label(value, t), value, held, grouping, t) for value in found]
    return t.join(names)


def territory_resolver(index: TerritoryIndex, rules: ScoringRules | None,
                       label: Callable[[str, Translator], str] | None = None) -> ResolverSpec:
    """``label`` names a programme in a language (the taxonomy's): with it, the facts give
    the worded list of the programmes found (``programmes_reading``)."""
    def lookup(text: str) -> list[Candidate]:
        found = []
        for place in find_territories(index, text):
            facts = territory_facts(place, rules, index)
            # « Saint-Dizier-Leyrenne »: found as a commune déléguée of Saint-Dizier-Masbaraud
            merged = index.merged_name(text, place)
            facts["merged_name"] = merged
            # « marseille 13003 »: the commune, of which the 3rd arrondissement is part
            facts["district"] = index.district_name(text, place)
            if label is not None:
                for key, language in (("programmes_reading", "fr"),
                                      ("programmes_reading_en", "en")):
                    facts[key] = programmes_reading(facts, label, translator(language))
            # the arrondissement typed names its commune as surely as its name, and so does
            # a département's or région's number after the words that say its kind (« cd 58 »,
            # « conseil départemental du 58 »)
            # a commune's name then its département's or région's (« Maripasoula en Guyane »)
            also = (merged,) if merged else (text,) if (
                facts["district"] or by_kind_and_number(text, place)
                or by_name_and_place(text, place)) else ()
            found.append(Candidate(place.label, facts, also))
        return found

    return ResolverSpec("territory", lookup, TERRITORY_FACTS,
                        doc="Any collectivité: a commune (name, postal code, INSEE code), an "
                            "EPCI or EPT (name, SIREN), a département (name, number), a région "
                            "(name, former name, INSEE code), a collectivité d'outre-mer; from "
                            "the COG of INSEE and the DGCL, with the contexts and programmes of "
                            "open data (docs/territories.md).")


def by_kind_and_number(text: str, territory: Territory) -> bool:
    """Whether the text is words then the number of the département, région or collectivité
    d'outre-mer found (« cd 58 », « région 53 »), not the number alone."""
    said = text.replace("’", "'").split()
    return (territory.kind in ("departement", "region", "com") and len(said) > 1
            and said[-1].upper() == territory.code.upper())


# Words between a commune's name and its département's (« en », « dans la », « (50) »)
_PLACE_LINKS = frozenset({"en", "dans", "le", "la", "l", "les", "du", "de", "des", "d", "in"})


def by_name_and_place(text: str, territory: Territory) -> bool:
    """Whether the text is a commune's whole name then the name or number of its département
    or région, or a postal code of its département (« Maripasoula en Guyane », « Percy en
    Normandie (50) », « Roubaix 59100 »), so that it names the commune as surely as its name."""
    name, said = normalize_answer(territory.name), normalize_answer(text)
    if territory.kind != "commune" or not said.startswith(name + " "):
        return False
    rest = " ".join(w for w in said[len(name):].split() if w not in _PLACE_LINKS)
    code = territory.departement_code.lower()
    return bool(rest) and (
        rest in (normalize_answer(territory.departement_name),
                 normalize_answer(territory.region_name), code)
        or (len(rest) == 5 and rest.isdigit() and rest.startswith(code)))


def own_places(territory: Territory) -> list[str]:
    """The codes under which the content knows this collectivité's own projects: its code,
    its région's too where one collectivité is both (Mayotte, Guyane, Martinique), and for a
    commune those of its intercommunalité and EPT, whose projects its own council votes on
    through its delegates (a commune of the Métropole européenne de Lille knows the MEL's)."""
    codes = [territory.code]
    if territory.kind == "commune":
        codes += [c for c in (territory.epci_siren, territory.ept_siren) if c and c not in codes]
    if territory.kind in ("departement", "region") and \
            territory.region_code in OVERSEAS_REGIONS:
        codes += [c for c in (territory.region_code, territory.departement_code)
                  if c and c not in codes]
    return codes


def build_profile(rules: ScoringRules | None, *, type: str | None = None,
                  contexts: frozenset[str] = frozenset(), themes: frozenset[str] = frozenset(),
                  step: str | None = None, territory: Territory | None = None,
                  index: TerritoryIndex | None = None, region: str | None = None,
                  programmes: frozenset[str] | None = None) -> Profile:
    """A profile from explicit answers; a territory fills what they leave out, with the
    levels whose competences it exercises (its status's: an item meant for one of them
    applies, see ``Profile.other_levels``).

    Contexts and programmes given explicitly replace what the territory suggests (the agent's
    word wins), but outre-mer, which the code says for sure, stays; without them, the
    territory's are taken. ``region`` is used without a territory, or when the territory has
    no région.
    """
    if territory is None:
        return Profile(type, contexts, themes, step, region,
                       programmes=programmes or frozenset())
    facts = territory_facts(territory, rules, index)
    chosen_type = type or facts["type"]
    suggested = frozenset(facts["contexts"])
    chosen_contexts = (contexts | (suggested & {"outre-mer"})) if contexts else suggested
    size = facts["size"] if chosen_type == facts["type"] else None
    if size is None and rules is not None and territory.kind == "com" and \
            chosen_type in ("commune", "epci"):
        # A collectivité d'outre-mer told as a commune is sized by its own population, as
        # territory_facts sizes a commune: Saint-Martin (31,160 inhabitants) was given « Petite
        # commune : s'appuyer sur l'intercommunalité » first, with no intercommunalité there
        # (sixth blind rating).
        size = rules.size_class(territory.population)
    # the levels whose competences it exercises (the CTG: a région's and a département's),
    # as long as the type is one of them: a type corrected to another level is another
    # collectivité than the one the status describes
    competences = frozenset(facts["competences"]) if chosen_type in facts["competences"] \
        else frozenset()
    return Profile(chosen_type, chosen_contexts, themes, step,
                   facts["region"] or region, size, territory.label,
                   frozenset(facts["programmes"]) if programmes is None else programmes,
                   frozenset(facts["places"]), areas_from_slot(facts["areas"]), competences)
