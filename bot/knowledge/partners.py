"""The public bodies over a territory, each named once: its intercommunalité, the body that
holds the départemental competences and the one that holds the régional ones."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.i18n import N_, Translator
from bot.knowledge.model import Item

# How a body that holds more than its own competences is described (catalog messages:
# marked for extraction here, translated by describe()).
PARTNER_ROLES = {
    "both": N_("{name} (qui exerce les compétences du département et de la région)"),
    "departement": N_("{name} (qui exerce aussi les compétences du département)"),
}


# The Métropole du Grand Paris: the EPCI à fiscalité propre over every EPT (CGCT, art.
# L5219-1 and L5219-2).
GRAND_PARIS = "la Métropole du Grand Paris"


def with_article(name: str) -> str:
    """« CC Creuse Sud Ouest » in a list of bodies: « la CC Creuse Sud Ouest », like « le
    conseil départemental »; a name without a feminine head (« Plaine Commune ») is kept."""
    if re.match(r"(?:CC|CA|CU|Communauté|Métropole)\b", name):
        return "la " + name
    return name


def public_partners(kind: str, name: str, groupement: str | None, departement: str | None,
                    region: str | None) -> list[tuple[str, str]]:
    """The intercommunalité (of a commune), département and région over a territory, each
    body once, as (name, role) with a role of :data:`PARTNER_ROLES` or "": a collectivité
    unique (Corse, Guyane, Martinique, Mayotte) holds both competences, the Métropole de Lyon
    is the intercommunalité and holds the département's, the Ville de Paris is the commune
    itself, and a département or région is not its own partner."""
    if kind in ("departement", "region") or (kind == "epci" and _same_body(departement, name)):
        own = departement if kind != "region" else region
        departement = None if _same_body(departement, own) else departement
        region = None if _same_body(region, own) else region
    partners: list[tuple[str, str]] = [(groupement, "")] if groupement else []
    if kind == "ept":  # every établissement public territorial is within the Métropole
        partners.append((GRAND_PARIS, ""))
    if departement and _same_body(departement, region):
        return [*partners, (departement, "both")]
    if departement and groupement and _same_body(departement, groupement):
        partners[0] = (groupement, "departement")
    elif departement and not (kind == "commune"
                              and _same_body(departement, f"la Ville de {name}")):
        partners.append((departement, ""))
    if region:
        partners.append((region, ""))
    return partners


def describe(body: str, role: str, t: Translator) -> str:
    """A body as a list of partners names it, with what it holds beyond its own competences
    (:data:`PARTNER_ROLES`, in the translator's language; the body's name stays)."""
    return t._(PARTNER_ROLES[role]).format(name=body) if role else body


def partners_phrase(partners: list[tuple[str, str]], t: Translator) -> str | None:
    """« le conseil départemental du Nord et le conseil régional des Hauts-de-France », the
    roles and the last « et » in the translator's language."""
    names = [describe(body, role, t) for body, role in partners]
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + t._(" et ") + names[-1]


def _same_body(one: str | None, other: str | None) -> bool:
    """« la Métropole de Lyon » and « Métropole de Lyon » name the same body."""
    def bare(text: str) -> str:
        return re.sub(r"^(?:le|la|les|l')\s*", "", text.strip(), flags=re.IGNORECASE).casefold()
    return bool(one and other) and bare(one or "") == bare(other or "")


# The State's departmental service for employment, labour and solidarity, as content text
# names it (content is written in French, so these words are French whatever the interface
# language). Décret n° 2020-1545 of 9 December 2020 made DDETS, or DDETS-PP where protection
# of populations is merged in (the list of those départements was not verified: both names
# are given); in Guadeloupe, Martinique, La Réunion and Mayotte one DEETS holds the regional
# and departmental missions (docs/roadmap.md, « State services »). Guyane's service was not
# verified: the content's own words are kept there.
DEETS_DEPARTEMENTS = frozenset({"971", "972", "974", "976"})
UNVERIFIED_STATE_SERVICE = frozenset({"973"})
_DDETS = re.compile(r"\bla DDETS(?: de votre département)?\b(?![-\w])")
_CRESS = re.compile(r"\bla CRESS de votre région\b")


def state_service(departement_code: str | None, departement_of: str | None) -> str | None:
    """« la DDETS ou DDETS-PP du Cantal », « la DEETS de Mayotte »; None when unknown."""
    if not departement_code or not departement_of or (
            departement_code in UNVERIFIED_STATE_SERVICE):
        return None
    if departement_code in DEETS_DEPARTEMENTS:
        return f"la DEETS {departement_of}"
    return f"la DDETS ou DDETS-PP {departement_of}"


def localise(text: str, cress: str | None, state: str | None) -> str:
    """Content text with the territory's own bodies: « la CRESS de votre région » becomes
    « la CRESS Nouvelle-Aquitaine », « la DDETS » the département's service."""
    if cress:
        text = _CRESS.sub(lambda _: with_cress_article(cress), text)
    if state:
        text = _DDETS.sub(lambda _: state, text)
    return text


def with_cress_article(title: str) -> str:
    """« CRESS de Mayotte » -> « la CRESS de Mayotte »."""
    return title if title[:3].lower() in ("la ", "le ") else "la " + title


def localised_item(item: Item, cress: str | None, state: str | None) -> Item:
    """The item with its text fields localised (:func:`localise`); the item itself when
    nothing is known of the territory."""
    if not cress and not state:
        return item

    def local(text: str | None) -> str | None:
        return localise(text, cress, state) if text else text

    return replace(item, summary=local(item.summary) or "", body=local(item.body) or "",
                   how_to=tuple(localise(step, cress, state) for step in item.how_to),
                   first_action=local(item.first_action),
                   how_to_reach=local(item.how_to_reach), carried_by=local(item.carried_by))


# Who carries a lever in a commune under 3,500 inhabitants (the « petite » size of
# content/scoring.yaml): it has a secrétariat de mairie, not a « service du développement
# économique »; the intercommunalité's service acts where the competence sits there.
SMALL_COMMUNE_SIZE = "petite"
_SERVICE = re.compile(r"^(?:Service|Direction|Services)\b", re.IGNORECASE)
_SERVICE_WITHIN = re.compile(r"\b(?:le|les) services? (?!de l'intercommunalité)[^,;]*")


def small_commune_carrier(carried_by: str, groupement: str | None) -> str:
    """« Service du développement économique, avec l'élu référent ESS » for a village:
    « Maire ou adjoint, avec le secrétariat de mairie et le service de la CC … qui exerce
    la compétence ; avec aussi l'élu référent ESS ». A carrier that is not a service (« Maire
    et conseil municipal… ») is kept. French, like the content it rewrites."""
    if not _SERVICE.match(carried_by):  # « Élu référent ESS, avec le service du… »
        return _SERVICE_WITHIN.sub("le secrétariat de mairie", carried_by)
    epci = (f"le service de {with_article(groupement)} là où elle exerce la compétence"
            if groupement else "l'intercommunalité là où elle exerce la compétence")
    _, _, partners = carried_by.partition(", avec ")
    extra = f" ; avec aussi {partners}" if partners else ""
    return f"Maire ou adjoint, avec le secrétariat de mairie et {epci}{extra}"
