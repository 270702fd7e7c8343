"""The public bodies over a territory, each named once: its intercommunalité, the body that
holds the départemental competences and the one that holds the régional ones."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.i18n import N_, Translator
from bot.knowledge.model import Item, KnowledgeBase, Source

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
    if name.startswith("Eurométropole"):
        return "l'" + name
    return name


def public_partners(kind: str, name: str, groupement: str | None, departement: str | None,
                    region: str | None, other_departements: Sequence[str | None] = ()
                    ) -> list[tuple[str, str]]:
    """The intercommunalité (of a commune), département and région over a territory, each
    body once, as (name, role) with a role of :data:`PARTNER_ROLES` or "": a collectivité
    unique (Corse, Guyane, Martinique, Mayotte) holds both competences, the Métropole de Lyon
    is the intercommunalité and holds the département's, the Ville de Paris is the commune
    itself, and a département or région is not its own partner. ``other_departements`` are
    the councils of the other départements a grouping's communes lie in (« Boucle Nord de
    Seine »: the Val-d'Oise's), named after its own."""
    partners = _public_partners(kind, name, groupement, departement, region)
    others = [(body, "") for body in dict.fromkeys(other_departements)
              if body and body not in dict(partners)]
    at = next((i + 1 for i, (body, _) in enumerate(partners) if body == departement),
              len(partners) - (1 if region and partners and partners[-1][0] == region else 0))
    return [*partners[:at], *others, *partners[at:]]


def _public_partners(kind: str, name: str, groupement: str | None, departement: str | None,
                     region: str | None) -> list[tuple[str, str]]:
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


# The State in a région: the préfet de région, with the secrétariat général pour les affaires
# régionales (SGAR), and its employment and solidarity service — the DREETS, the DRIEETS in
# Île-de-France, the DEETS in Guadeloupe, Martinique, La Réunion and Mayotte (décret
# n° 2020-1545 of 9 December 2020, Légifrance JORFTEXT000042636412); Guyane's service was not
# verified (see above). By INSEE région code.
_REGIONAL_STATE = {"01": "la DEETS de Guadeloupe", "02": "la DEETS de Martinique",
                   "03": "ses services chargés de l'emploi et des solidarités en Guyane",
                   "04": "la DEETS de La Réunion", "06": "la DEETS de Mayotte",
                   "11": "la DRIEETS Île-de-France", "94": "la DREETS de Corse"}


def regional_state_service(region_code: str | None, region: str | None) -> str | None:
    """« la DREETS Bretagne », « la DRIEETS Île-de-France », « la DEETS de La Réunion »."""
    if region_code in _REGIONAL_STATE:
        return _REGIONAL_STATE[region_code]
    return f"la DREETS {region}" if region else None


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
    return t.join(names)


def _same_body(one: str | None, other: str | None) -> bool:
    """« la Métropole de Lyon » and « Métropole de Lyon » name the same body."""
    def bare(text: str) -> str:
        return re.sub(r"^(?:le|la|les|l')\s*", "", text.strip(), flags=re.IGNORECASE).casefold()
    return bool(one and other) and bare(one or "") == bare(other or "")


# The content says « la CRESS de votre région », « la DDETS », « la DRAAF de votre région »;
# the document names them for its territory. The State's services are French words whatever
# the interface language (content is written in French). Sources (docs/roadmap.md, « The
# State's services »): décret n° 2020-1545 of 9 December 2020 made the DDETS, or the DDETSPP
# where the protection of populations is merged in — no primary source for the whole list of
# those départements was found, so both names are given where no préfecture's page says which
# (content/territoires/services_etat.yaml: the Lozère's DDETSPP...); in Guadeloupe,
# Martinique, La Réunion and Mayotte a DEETS holds the regional and departmental missions
# (Journal de Mayotte and Martinique la 1ère, 1 April 2021; the décret's own article was not
# read); Guyane's service was not verified: « les services de l'État chargés de l'emploi et
# des solidarités ». Overseas the State's agriculture and food service is a DAAF, not a DRAAF
# (décret n° 2010-1582 of 17 December 2010, presented by the Conseil des ministres of 15
# December 2010, vie-publique.fr), but in Guyane the DGTM took the DAAF's missions (décret of
# August 2019, the ministry of the economy's note cited by the PAT items).
# Île-de-France: Paris and the petite couronne (75, 92, 93, 94) have interdepartmental services
# (décret n° 2010-687 of 24 June 2010 on the State's services in Île-de-France, presented by
# the Conseil des ministres of 23 June 2010, vie-publique.fr: DRIHL, DRIEA, DRIEE and the
# DRIAAF, the region's agriculture and food service for all of it). Since 1 April 2021 the
# DRIEETS Île-de-France holds the State's employment and solidarity missions; in the petite
# couronne it works, to our knowledge, through its unités départementales, and the grande
# couronne (77, 78, 91, 95) has a DDETS. The consolidated article that says so was not read on
# Légifrance (searched 2026-11-30, docs/territories.md; only the Seine-Saint-Denis
# préfecture's recueil des actes administratifs lists acts of the DRIEETS-IdF beside a
# separate DDPP), so the text names the likely service and the other one in brackets.
PETITE_COURONNE = frozenset({"75", "92", "93", "94"})
GRANDE_COURONNE = frozenset({"77", "78", "91", "95"})
ILE_DE_FRANCE_AGRICULTURE = "la DRIAAF Île-de-France"
DRIEETS = "la DRIEETS Île-de-France"
DEETS_DEPARTEMENTS = frozenset({"971", "972", "974", "976"})
GUYANE = "973"
OVERSEAS_DEPARTEMENTS = DEETS_DEPARTEMENTS | {GUYANE}
# The collectivités d'outre-mer (article 74) and the Nouvelle-Calédonie have no DREETS, DDETS
# or DRAAF: the State is there a préfet (a haut-commissaire, an administrateur supérieur) with
# services of their own, named only where a source was read. Saint-Pierre-et-Miquelon: the
# direction des territoires, de l'alimentation et de la mer (DTAM), born on 1 January 2011
# from the former DAF, équipement and affaires maritimes (the State's site in the archipel,
# saint-pierre-et-miquelon.developpement-durable.gouv.fr, its 2023 activity report), and the
# direction de la cohésion sociale, du travail, de l'emploi et de la population (DCSTEP: SPM
# la 1ère, April 2026, the préfet's commission on jobs in short supply). Elsewhere a text
# names « le représentant de l'État sur place » rather than a service that does not exist
# (blind rating 2026-12-03: « la DRAAF Saint-Pierre-et-Miquelon »).
OVERSEAS_COLLECTIVITES = frozenset({"975", "977", "978", "986", "987", "988"})
# No CRESS is known in a COM (bot/knowledge/collectivites.py, the COM note): the content's
# « la CRESS de votre région » says so the first time in a text.
NO_CRESS = (" (à notre connaissance, il n'y en a pas dans les collectivités d'outre-mer ; "
            "ESS France Outre-mer y appuie les démarches)")
COM_STATE = "le représentant de l'État sur place (préfecture ou haut-commissariat)"
_COM_SERVICES = {
    "975": ("la DCSTEP de Saint-Pierre-et-Miquelon (direction de la cohésion sociale, du "
            "travail, de l'emploi et de la population)",
            "la DTAM de Saint-Pierre-et-Miquelon (direction des territoires, de "
            "l'alimentation et de la mer)")}
# The content's general wording may add the overseas names in brackets (« la DDETS (outre-mer :
# la DEETS en Guadeloupe…) », « la DRAAF (la DAAF outre-mer ; …) »): the territory's own name
# replaces the bracket too.
_OVERSEAS_NOTE = r"(?:\s*\((?:outre-mer\b|la DEETS outre-mer|la DAAF outre-mer)[^)]*\))?"
_DDETS = re.compile(r"\b(?P<prep>à |de )?la DDETS(?: de votre département)?\b(?![-\w])"
                    + _OVERSEAS_NOTE)
_DRAAF = re.compile(r"\b(?P<prep>à |de )?la DRAAF(?: de votre région)?\b(?![-\w])"
                    + _OVERSEAS_NOTE + r"(?:,? ou (?:à |de )?la DAAF outre-mer)?")
# A source about one overseas place (« … — en Guyane, la direction générale des territoires et
# de la mer remplace notamment la DAAF ») is shown to that place only, once the place is known.
_OVERSEAS_PLACES = {"971": "en Guadeloupe", "972": "en Martinique", "973": "en Guyane",
                    "974": "à La Réunion", "976": "à Mayotte"}
_DREETS = re.compile(r"\b(?P<prep>à |de )?la DREETS de votre région\b")
_CRESS = re.compile(r"\bla CRESS de votre région\b")
# Where no CRESS is known (a COM), the content's other unnamed CRESS (« avec la CRESS », « la
# CRESS du territoire », « l'appui de la CRESS »: not « la CRESS de Mayotte », nor « de votre
# région », which :data:`NO_CRESS` explains) are ESS France Outre-mer, the delegation of ESS
# France that supports the COM's ESS (content/glossary.yaml, the COM entry): the text never
# sends the reader to a body that does not exist there (issue 15 §1, content29).
_ANY_CRESS = re.compile(r"(?P<prep>\b[àÀ] |\b[dD]e )?\b[Ll]a CRESS(?: du territoire)?\b"
                        r"(?! de votre région)(?! (?:de |d'|du )?(?:La |L'|Le )?[A-ZÉÎ])")
NO_CRESS_HERE = "ESS France Outre-mer"
_OR_CRESS = re.compile(r"(?P<named>ESS France Outre-mer[^.;]*?),? ou (?:à |de )?la CRESS"
                       r"(?: du territoire| de votre région)?\b")
NO_CRESS_FIRST = ("ESS France Outre-mer (faute de CRESS connue dans les collectivités "
                  "d'outre-mer)")
# Mayotte has no CAF: the Caisse de sécurité sociale de Mayotte is the island's one social
# security body and has served the family benefits since 1 January 2015 (CLEISS, « Le régime
# mahorais de sécurité sociale »); it signs the conventions territoriales globales with the
# communes (Outremers360, 2023).
MAYOTTE = "976"
CSSM = "la CSSM (Caisse de sécurité sociale de Mayotte, qui y exerce les missions de la CAF)"
CSSM_AGAIN = "la CSSM"
# « la CAF du département »: Mayotte's one body needs no « du département » after its name
# (blind rating 2026-12-03: « de la CSSM (…) du département », a broken splice)
_CAF = re.compile(r"\b(?P<prep>[àÀ] |[dD]e )?(?P<article>[lL]a) CAF\b(?![-\w])(?: du "
                  r"département| de votre département)?")
# a title that opens on the body's name (« CAF : financer l'accueil du jeune enfant »), plan32
_CAF_OPENING = re.compile(r"^CAF\b(?![-\w])")
# « à les services », « de les services »: French contracts them
_CONTRACT = {"à ": "aux ", "de ": "des "}
# « le département » or « au département » as an actor (« la région et le département
# copilotent », « délégation au département »), not as a place (« dans le département », « le
# département du siège », « le département où… »): where another body holds the département's
# competences (the Métropole de Lyon, the Ville de Paris, a collectivité unique, the CeA), its
# first mention says which (:func:`departement_note`).
_DEPARTEMENT_ACTOR = re.compile(r"(?<!dans )\b(?:[Ll]e|[Aa]u) département\b"
                                r"(?! de\b| d'| du\b| où\b)"
                                # its council or its président, unnamed (« autorisation du
                                # président du conseil départemental »)
                                r"|\b(?:[Ll]e|[Aa]u|[Dd]u) (?:président du )?conseil "
                                r"départemental\b(?! de\b| d'| du\b| des\b)")
DEPARTEMENT_COUNCIL = "le conseil départemental"
# « la région » or « le conseil régional » as an actor, the same way: where a collectivité
# unique or the Département de Mayotte holds the région's competences (:func:`region_note`);
# not a place (« dans la région », « de la région », « la région Bretagne »).
_DEPARTEMENTS_LISTED = re.compile(r"\bles départements(?:, | et )(?=les |des |l')")
_REGION_ACTOR = re.compile(r"(?<!dans )(?<!de )(?<!en )(?<!votre )\b(?:[Ll]a|[Àà] la) région\b"
                           r"(?! de\b| d'| du\b| où\b| [A-ZÉ])"
                           r"|\b(?:[Ll]e|[Aa]u|[Dd]u) (?:président du )?conseil régional\b"
                           r"(?! de\b| d'| du\b| des\b)")
REGION_COUNCIL = "le conseil régional"


@dataclass(frozen=True, slots=True)
class LocalBodies:
    """The bodies a territory's text names: « la CRESS Nouvelle-Aquitaine », « la DDETS ou
    DDETS-PP du Cantal », « la DRAAF Nouvelle-Aquitaine »; None where unknown."""

    cress: str | None = None
    state: str | None = None
    agriculture: str | None = None
    family: bool = False  # « la CAF » is the CSSM (Mayotte)
    departement: str | None = None  # its code, when known: a source about another place goes
    # the body that holds the département's competences when it is not a conseil
    # départemental (« la Métropole de Lyon »): « le département » in a text is said to be it
    departement_body: str | None = None
    # the State's employment and solidarity service of the région (« la DREETS Bretagne »)
    regional_state: str | None = None
    # the body that holds the région's competences when it is not a conseil régional (« la
    # Collectivité territoriale de Martinique »): « la région » in a text is said to be it
    region_body: str | None = None
    # where no CRESS is known (a collectivité d'outre-mer): said once a text, after the
    # content's « la CRESS de votre région »
    no_cress: str | None = None


STATE_SERVICES = PROJECT_ROOT / "content" / "territoires" / "services_etat.yaml"
_STATE_SERVICE_NAMES = {"DDETS": "la DDETS", "DDETSPP": "la DDETSPP"}


@functools.cache
def verified_state_services(path: Path = STATE_SERVICES) -> dict[str, str]:
    """Département code -> « la DDETS » or « la DDETSPP », for the départements whose
    préfecture says which one it has (the file's header says why the list is partial)."""
    if not path.is_file():
        return {}
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {str(row["departement"]): _STATE_SERVICE_NAMES[row["service"]] for row in rows}


def departement_state_service(code: str, of: str) -> str:
    """The State's employment and solidarity service of a département (« la DDETS ou DDETS-PP
    du Cantal », « la DEETS de Mayotte »...)."""
    if code == GUYANE:
        return "les services de l'État chargés de l'emploi et des solidarités en Guyane"
    if code in DEETS_DEPARTEMENTS:
        return f"la DEETS {of}"
    if code in PETITE_COURONNE:
        return f"l'unité départementale {of} de {DRIEETS} (ou la DDETS)"
    if code in GRANDE_COURONNE:
        return f"la DDETS {of} (ou l'unité départementale de {DRIEETS})"
    one = verified_state_services().get(code)
    return f"{one or 'la DDETS ou DDETS-PP'} {of}"


def local_bodies(departement_code: str | None, departement_of: str | None,
                 region: str | None, cress: str | None,
                 departement_council: str | None = None,
                 region_code: str | None = None,
                 region_council: str | None = None,
                 other_departements: Sequence[Sequence[str | None]] = ()) -> LocalBodies:
    """The bodies of a territory from its département (code, « du Cantal ») and région
    (« Nouvelle-Aquitaine »: « la DRAAF Nouvelle-Aquitaine », as the State names them), and
    who holds the département's competences (« la Métropole de Lyon »). A grouping across
    départements gives the others as (code, name, « du Val-d'Oise », …): the State's service of
    each is named after its own département's."""
    state = agriculture = None
    if departement_code in OVERSEAS_COLLECTIVITES:
        state, agriculture = _COM_SERVICES.get(departement_code, (COM_STATE, COM_STATE))
        return LocalBodies(with_cress_article(cress) if cress else None, state, agriculture,
                           departement=departement_code, regional_state=state,
                           no_cress=None if cress else NO_CRESS)
    if departement_code and departement_of:
        services = [departement_state_service(departement_code, departement_of)]
        services += [departement_state_service(str(other[0]), str(other[2]))
                     for other in other_departements if other[0] and other[2]]
        # one service per commune: « A ou B, selon la commune » (never « A et B et … »)
        state = services[0] if len(services) == 1 else (
            ", ".join(services[:-1]) + " ou " + services[-1] + ", selon la commune")
        if departement_code == GUYANE:  # the DGTM took over the DAAF (décret of August 2019)
            agriculture = "la direction générale des territoires et de la mer (DGTM) de Guyane"
        elif departement_code in OVERSEAS_DEPARTEMENTS:
            agriculture = f"la DAAF {departement_of}"
    if departement_code in PETITE_COURONNE | GRANDE_COURONNE or region_code == "11":
        agriculture = ILE_DE_FRANCE_AGRICULTURE
    if agriculture is None and region and departement_code not in OVERSEAS_DEPARTEMENTS:
        agriculture = f"la DRAAF {region}"
    body = departement_council if departement_council and not departement_council.startswith(
        DEPARTEMENT_COUNCIL) else None
    # overseas one State service (a DEETS; in Guyane, the État's single service) holds the
    # regional and departmental missions: one name for both
    regional = (state if departement_code in OVERSEAS_DEPARTEMENTS else
                regional_state_service(region_code, region) if region and region_code
                else None)
    region_body = region_council if region_council and not region_council.startswith(
        REGION_COUNCIL) else None
    return LocalBodies(with_cress_article(cress) if cress else None, state, agriculture,
                       departement_code == MAYOTTE, departement_code or None, body, regional,
                       region_body)


def localise(text: str, bodies: LocalBodies, short: bool = False) -> str:
    """Content text with the territory's own bodies (:class:`LocalBodies`); ``short`` for a
    title, whose text below explains what it names."""
    if bodies.cress:
        text = _CRESS.sub(lambda _: bodies.cress or "", text)
    elif bodies.no_cress:
        if not short:
            text = _CRESS.sub(lambda match: match.group(0) + (bodies.no_cress or ""), text,
                              count=1)
        text = no_cress_here(text, explained=short or (bodies.no_cress or "") in text)
    for pattern, name in ((_DDETS, bodies.state), (_DRAAF, bodies.agriculture),
                          (_DREETS, bodies.regional_state)):
        if name:
            text = pattern.sub(functools.partial(_with_preposition, name=name), text)
    if bodies.family:
        said: list[str] = ["title"] if short else []

        def cssm(match: re.Match[str]) -> str:
            name = CSSM_AGAIN if said else CSSM  # explained once a text
            said.append(name)
            said_here = _with_preposition(match, name=name)
            if match.group(0)[:1].isupper():  # « La CAF finance… » opens a sentence (plan32)
                return said_here[:1].upper() + said_here[1:]
            return said_here

        text = _CAF_OPENING.sub("CSSM", text) if short else text
        text = _CAF.sub(cssm, text)
    if bodies.departement_body and not short:
        text = departement_note(text, bodies.departement_body)
    if bodies.region_body and not short:
        text = region_note(text, bodies.region_body)
    if bodies.region_body:
        # one collectivité holds the région's and the département's competences (the CTG, the
        # CTM, the Collectivité de Corse): « les départements » of a list are no one there
        # (sixth blind rating: « Partager un diagnostic avec les départements, les
        # intercommunalités et les communes » in the Guyane's plan)
        text = _DEPARTEMENTS_LISTED.sub("", text)
    return text


def no_cress_here(text: str, explained: bool = False) -> str:
    """In a place without a CRESS, the content's unnamed CRESS (« avec la CRESS ») become ESS
    France Outre-mer, its first mention saying why unless ``explained`` already."""
    said = [explained]
    # « par ESS France Outre-mer (…) ou la CRESS du territoire »: the alternative goes
    text = _OR_CRESS.sub(r"\g<named>", text)

    def name(match: re.Match[str]) -> str:
        words = NO_CRESS_HERE if said[0] else NO_CRESS_FIRST
        said[0] = True
        prep = match.group("prep") or ""
        if prep[:1] in ("d", "D"):  # « de ESS France » -> « d'ESS France »
            return prep[0] + "'" + words
        return prep + words

    return _ANY_CRESS.sub(name, text)


def departement_note(text: str, body: str) -> str:
    """« la région et le département (ici, la Métropole de Lyon, qui en exerce les
    compétences) copilotent… »: the first mention of the département as an actor, in a place
    where another body holds its competences, says which body that is."""
    return _actor_note(_DEPARTEMENT_ACTOR, text, body)


def region_note(text: str, body: str) -> str:
    """« le conseil régional (ici, la Collectivité territoriale de Martinique, qui en exerce
    les compétences), autorité de gestion du FEDER »: as :func:`departement_note`, for the
    région's competences."""
    return _actor_note(_REGION_ACTOR, text, body)


def _actor_note(actor: re.Pattern[str], text: str, body: str) -> str:
    """The first match of ``actor`` followed by « (ici, <body>, qui en exerce les
    compétences) »; nothing when the text already names the body."""
    if body in text:
        return text
    return actor.sub(
        lambda m: f"{m.group(0)} (ici, {body}, qui en exerce les compétences)", text, count=1)


def _sources_for(sources: tuple[Source, ...], departement: str | None) -> tuple[Source, ...]:
    """The sources, without those about one overseas place when the territory is elsewhere
    (« en Guyane, … » for the Creuse); all of them when the place is unknown."""
    if departement is None:
        return sources
    elsewhere = [f"— {place}" for code, place in _OVERSEAS_PLACES.items() if code != departement]
    kept = tuple(s for s in sources if not any(mark in s.title for mark in elsewhere))
    return kept or sources


def _with_preposition(match: re.Match[str], *, name: str) -> str:
    prep = match.group("prep") or ""
    if prep and name.startswith("les "):
        return _CONTRACT[prep] + name.removeprefix("les ")
    if prep and name.startswith("le "):  # « au représentant de l'État », « du représentant »
        return {"à ": "au ", "de ": "du "}[prep] + name.removeprefix("le ")
    return prep + name


def with_cress_article(title: str) -> str:
    """« CRESS de Mayotte » -> « la CRESS de Mayotte »."""
    return title if title[:3].lower() in ("la ", "le ") else "la " + title


def localised_item(item: Item, bodies: LocalBodies | None) -> Item:
    """The item with its text fields localised (:func:`localise`). An item about named
    places (an example: ``places``) tells what bodies did there, so its text is left as
    written: Guadeloupe's CAF is not Mayotte's CSSM."""
    if bodies is None or bodies == LocalBodies() or item.places:
        return item

    def local(text: str | None) -> str | None:
        return localise(text, bodies) if text else text

    return replace(item, title=localise(item.title, bodies, short=True),
                   sources=_sources_for(item.sources, bodies.departement),
                   summary=local(item.summary) or "", body=local(item.body) or "",
                   how_to=tuple(localise(step, bodies) for step in item.how_to),
                   first_action=local(item.first_action),
                   first_action_small=local(item.first_action_small),
                   how_to_small=tuple(localise(step, bodies) for step in item.how_to_small),
                   first_action_region=local(item.first_action_region),
                   how_to_region=tuple(localise(step, bodies) for step in item.how_to_region),
                   how_to_reach=local(item.how_to_reach), carried_by=local(item.carried_by),
                   audience=local(item.audience))


# Who carries a lever in a commune under 3,500 inhabitants (the « petite » size of
# content/scoring.yaml): it has a secrétariat de mairie, not a « service du développement
# économique »; the intercommunalité's service acts where the competence sits there.
SMALL_COMMUNE_SIZE = "petite"
_SERVICE = re.compile(r"^(?:Service|Direction|Services)\b", re.IGNORECASE)
_SERVICE_WITHIN = re.compile(r"\b(?:le|les) services? (?!de l'intercommunalité)[^,;]*")


def at_small_commune_scale(item: Item) -> Item:
    """The item as a commune under 3,500 inhabitants acts on it: its ``first_action_small``
    and ``how_to_small`` when the content gives them (a PAT is carried by the intercommunalité,
    the PETR or the pays, not requested by a village)."""
    if not (item.first_action_small or item.how_to_small):
        return item
    return replace(item, first_action=item.first_action_small or item.first_action,
                   how_to=item.how_to_small or item.how_to)


def small_commune_carrier(carried_by: str, groupement: str | None) -> str:
    """« Service du développement économique, avec l'élu référent ESS » for a village:
    « Maire ou adjoint, avec le secrétariat de mairie et l'élu référent ESS ; le service de
    la CC … là où elle exerce la compétence ». A carrier that is not a service (« Maire
    et conseil municipal… ») is kept. French, like the content it rewrites."""
    if not _SERVICE.match(carried_by):  # « Élu référent ESS, avec le service du… »
        return _SERVICE_WITHIN.sub("le secrétariat de mairie", carried_by)
    epci = (f"le service de {with_article(groupement)}" if groupement
            else "les services de l'intercommunalité")
    _, _, partners = carried_by.partition(", avec ")
    joined = ", " if " et " in partners else " et "  # « …, un élu référent et la cantine »
    team = f"le secrétariat de mairie{joined}{partners}" if partners else \
        "le secrétariat de mairie"
    return f"Maire ou adjoint, avec {team} ; {epci} là où elle exerce la compétence"


# What a commune under 3,500 inhabitants does not have, and who does the work there
# (plan21): « vos propres services (vie associative, emploi, politique de la ville) », « la
# direction générale (des services) » are the secrétariat de mairie and the
# intercommunalité's services. French, like the content it rewrites.
_OWN_SERVICES = re.compile(r"\bvos (?:propres )?services(?: \([^)]*\))?")
_GENERAL_DIRECTION = re.compile(r"\b(?:la|à la) direction générale(?: des services)?")
# the town hall's own services a village does not have (ninth session: Pont-Aven was sent to
# « le service foncier », « le service des marchés »): the secrétariat de mairie keeps them
_TOWN_SERVICE = re.compile(r"\b(au|le|du) service (?:de la commande publique|des marchés|"
                           r"du patrimoine|achats|foncier)\b")


def small_commune_words(text: str, groupement: str | None) -> str:
    """A step or first action as a small commune reads it: « Compléter avec vos propres
    services (vie associative, emploi…) » becomes « Compléter avec le secrétariat de mairie
    et les services de la CC … »; « Lister avec la direction générale… », « Lister avec le
    secrétariat de mairie… »; « Demander au service foncier… » (the marchés, the patrimoine,
    the achats), « Demander au secrétariat de mairie… »."""
    epci = (f"les services de {with_article(groupement)}" if groupement
            else "les services de l'intercommunalité")
    text = _OWN_SERVICES.sub(f"le secrétariat de mairie et {epci}", text)
    text = _TOWN_SERVICE.sub(lambda m: f"{m.group(1)} secrétariat de mairie", text)
    return _GENERAL_DIRECTION.sub(
        lambda m: ("au" if m.group(0).startswith("à ") else "le") + " secrétariat de mairie",
        text)


def regional_cress(kb: KnowledgeBase, region: str | None) -> Item | None:
    """The CRESS of a région (the contact item that names the région); none for a
    collectivité d'outre-mer, whose own contacts (``region: "978"``) are no CRESS."""
    if region is None or region not in kb.vocabularies.get("regions", {}):
        return None
    return next((i for i in kb.of_kind("contact") if i.region == region), None)
