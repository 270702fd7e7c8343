"""The public bodies over a territory, each named once: its intercommunalité, the body that
holds the départemental competences and the one that holds the régional ones."""

from __future__ import annotations

import re

from bot.i18n import N_, Translator

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
