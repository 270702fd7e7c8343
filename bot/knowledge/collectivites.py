"""What the administrative data does not say: collectivités with a special status, the
collectivités d'outre-mer, the names of the régions before 2016, and common short names.

The codes are those of the COG (INSEE); ``6AE`` is the COG's code of the Collectivité
européenne d'Alsace. Each status names the text that creates it, so that the note shown to
agents can be checked (docs/territories.md lists them with links).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    """A collectivité that is not a plain commune, EPCI, département or région."""

    key: str
    name: str  # the name of the collectivité, as agents and laws call it
    competences: tuple[str, ...]  # values of the taxonomy's `collectivites` it exercises
    note: str  # French, shown to agents: what it is and what applies
    basis: str  # the text that creates it


PARIS = Status(
    "ville-de-paris", "Ville de Paris", ("commune", "departement"),
    "La Ville de Paris est une collectivité à statut particulier : elle exerce à la fois les "
    "compétences d'une commune et celles d'un département.",
    "Loi n° 2017-257 du 28 février 2017 relative au statut de Paris ; CGCT, art. L2512-1")
LYON = Status(
    "metropole-de-lyon", "Métropole de Lyon", ("epci", "departement"),
    "La Métropole de Lyon est une collectivité territoriale à statut particulier, et non un "
    "EPCI : sur son territoire, elle exerce les compétences d'une métropole et celles du "
    "département.",
    "Loi n° 2014-58 du 27 janvier 2014 (MAPTAM) ; CGCT, art. L3611-1")
RHONE = Status(
    "rhone", "Département du Rhône", ("departement",),
    "Le département du Rhône n'exerce ses compétences que hors du territoire de la Métropole "
    "de Lyon.",
    "CGCT, art. L3611-1")
CORSE = Status(
    "collectivite-de-corse", "Collectivité de Corse", ("region", "departement"),
    "Depuis le 1er janvier 2018, la Collectivité de Corse exerce les compétences de la région "
    "et celles des deux anciens départements, Corse-du-Sud et Haute-Corse.",
    "Loi n° 2015-991 du 7 août 2015 (NOTRe), art. 30 ; CGCT, art. L4421-1")
CORSE_DEPARTEMENT = Status(
    "departement-corse", "Collectivité de Corse", ("region", "departement"),
    "{name} n'est plus une collectivité territoriale depuis 2018 : ses compétences "
    "départementales sont exercées par la Collectivité de Corse.",
    "Loi n° 2015-991 du 7 août 2015 (NOTRe), art. 30 ; CGCT, art. L4421-1")
ALSACE = Status(
    "collectivite-europeenne-d-alsace", "Collectivité européenne d'Alsace", ("departement",),
    "Depuis le 1er janvier 2021, la Collectivité européenne d'Alsace exerce les compétences "
    "départementales du Bas-Rhin et du Haut-Rhin, et quelques compétences propres "
    "(coopération transfrontalière notamment).",
    "Loi n° 2019-816 du 2 août 2019 relative aux compétences de la Collectivité européenne "
    "d'Alsace")
ALSACE_DEPARTEMENT = Status(
    "departement-alsace", "Collectivité européenne d'Alsace", ("departement",),
    "Depuis 2021, les compétences départementales du {name} sont exercées par la "
    "Collectivité européenne d'Alsace.",
    "Loi n° 2019-816 du 2 août 2019")
GUYANE = Status(
    "collectivite-territoriale-de-guyane", "Collectivité territoriale de Guyane",
    ("region", "departement"),
    "La Collectivité territoriale de Guyane est une collectivité unique : elle exerce les "
    "compétences de la région et celles du département.",
    "Loi n° 2011-884 du 27 juillet 2011 ; CGCT, art. L7111-1")
MARTINIQUE = Status(
    "collectivite-territoriale-de-martinique", "Collectivité territoriale de Martinique",
    ("region", "departement"),
    "La Collectivité territoriale de Martinique est une collectivité unique : elle exerce les "
    "compétences de la région et celles du département.",
    "Loi n° 2011-884 du 27 juillet 2011 ; CGCT, art. L7211-1")
MAYOTTE = Status(
    "mayotte", "Département de Mayotte", ("departement", "region"),
    "Mayotte est un département qui exerce aussi les compétences d'une région (collectivité "
    "unique).",
    "Loi organique n° 2010-1486 et loi n° 2010-1487 du 7 décembre 2010 relatives au "
    "Département de Mayotte")

# No CRESS in a COM: ESS France counted 18 regional or territorial chambers in 2023 (13 in the
# Hexagone and Corse, 5 in the DROM); Saint-Martin's council planned a chambre territoriale
# with ESS France Outre-mer (Fax Info, 2023), and the Polynésie's Agence de développement
# économique prepares an ESS law of the Pays with it (service-public.pf/ade, 2025).
_COM_NOTE = (
    "{name} est une collectivité d'outre-mer (article 74 de la Constitution), avec ses "
    "propres compétences : selon les domaines, les lois nationales, dont la loi ESS de 2014, "
    "et les programmes de l'État ne s'y appliquent pas, ou pas comme en métropole. Les "
    "recommandations sont à vérifier auprès de la collectivité et des services de l'État sur "
    "place. Il n'y a pas de chambre régionale de l'ESS (CRESS) dans les collectivités "
    "d'outre-mer à notre connaissance : ESS France Outre-mer y appuie des démarches.")
COM = Status("collectivite-d-outre-mer", "", (), _COM_NOTE, "Constitution, art. 74")
NOUVELLE_CALEDONIE = Status(
    "nouvelle-caledonie", "Nouvelle-Calédonie", (),
    "La Nouvelle-Calédonie est une collectivité à statut particulier (titre XIII de la "
    "Constitution) aux larges compétences propres : les lois nationales, dont la loi ESS de "
    "2014, ne s'y appliquent que lorsqu'elles le prévoient, et les programmes de l'État "
    "rarement. Les recommandations sont à vérifier auprès des institutions calédoniennes.",
    "Constitution, titre XIII ; loi organique n° 99-209 du 19 mars 1999")
NO_COLLECTIVITE = Status(
    "sans-collectivite", "", (),
    "{name} n'a ni collectivité territoriale élue ni population permanente : le parcours ne "
    "s'y applique pas.",
    "Loi n° 55-1052 du 6 août 1955 (TAAF et île de Clipperton)")

# Département codes (COG) of the collectivités d'outre-mer and other overseas territories.
OVERSEAS_COLLECTIVITES = {"975": COM, "977": COM, "978": COM, "986": COM, "987": COM,
                          "988": NOUVELLE_CALEDONIE, "984": NO_COLLECTIVITE,
                          "989": NO_COLLECTIVITE}
# The codes a contact's ``region:`` may take besides the régions': a collectivité d'outre-mer
# has no CRESS, but a contact may be its own (Saint-Martin's ESS bodies, cont39); a profile
# there carries its code as its région.
COM_REGION_CODES = frozenset(code for code, status in OVERSEAS_COLLECTIVITES.items()
                             if status is COM)
# Saint-Barthélemy and Saint-Martin are each one collectivité, listed as one commune too.
COM_COMMUNES = {"97701": "977", "97801": "978"}
DROM_REGIONS = frozenset({"01", "02", "03", "04", "06"})

# Short and everyday names of today's régions (folded as territory.fold does).
REGION_ALIASES = {
    "paca": "93", "region sud": "93", "provence alpes cote d azur": "93",
    "aura": "84", "bfc": "27", "idf": "11", "pays de loire": "52", "grand est": "44",
}
# Names of the régions merged on 1 January 2016 (and « Centre », renamed in 2015).
FORMER_REGIONS = {
    "Alsace": "44", "Champagne-Ardenne": "44", "Lorraine": "44",
    "Aquitaine": "75", "Limousin": "75", "Poitou-Charentes": "75",
    "Auvergne": "84", "Rhône-Alpes": "84",
    "Bourgogne": "27", "Franche-Comté": "27",
    "Basse-Normandie": "28", "Haute-Normandie": "28",
    "Languedoc-Roussillon": "76", "Midi-Pyrénées": "76",
    "Nord-Pas-de-Calais": "32", "Picardie": "32",
    "Centre": "24",
}


def former_region_note(former: str, current: str) -> str:
    if former == "Centre":
        return "La région Centre s'appelle Centre-Val de Loire depuis 2015."
    return (f"Depuis le 1er janvier 2016, l'ancienne région {former} fait partie de la région "
            f"{current}.")


# Articles of the COG's « type de nom en clair » (TNCC): « de » + name, by TNCC.
_OF = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des ", 7: "de las ",
       8: "de los "}
_ARTICLES = ("Le ", "La ", "Les ", "L'", "Las ", "Los ", "Aux ")


def of_name(name: str, tncc: int) -> str:
    """« de la Haute-Vienne », « du Finistère », « de l'Ain », « des Landes », « de Paris »."""
    bare = name
    for article in _ARTICLES:
        if name.startswith(article) and tncc >= 2:
            bare = name[len(article):]
            break
    return _OF.get(tncc, "de ") + bare
