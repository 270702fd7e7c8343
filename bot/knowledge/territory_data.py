"""Territory objects from the rows of the data file: communes, EPCI, EPT, départements,
régions, collectivités uniques and d'outre-mer, former régions; and the other names and codes
of the collectivités with a special status (``bot/knowledge/collectivites.py``)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from bot.knowledge import collectivites as special
from bot.knowledge.territory_model import TYPE_LABELS, Territory
from bot.knowledge.territory_text import fold

# EPCI names the source list (DGCL, via decoupage-administratif) writes otherwise than the
# body itself, by SIREN: (name shown, other names it is found by, folded). The DGCL list has
# « CA de Dembeni / Mamoudzou » for the Communauté d'agglomération Dembéni-Mamoudzou, the
# CADEMA (its name in its own communications and the local press); the other « / » of EPCI
# names are the names' own (« CC Castillon/Pujols », « CC de Pont-Audemer / Val de Risle »).
# The DGCL list also drops the apostrophe of « Val'Eyrieux » (« CC Val Eyrieux »), the name the
# communauté de communes of the Ardèche uses (its activity reports, the local press:
# https://hebdo-ardeche.fr/actualite-11940-trois-nouveaux-parcours-velo-a-l-etude, December
# 2021); « Val d'Eyrieux », which agents may type, finds it too.
# The listed name stays searchable: it folds to the same words.
EPCI_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "200060457": ("CA de Dembeni-Mamoudzou", ("cadema",)),
    "200041465": ("CC Val'Eyrieux", ("cc val d eyrieux", "val d eyrieux")),
}


# Acronyms an EPCI or EPT goes by that neither its listed name nor its initials give, by
# SIREN, folded; each from the body's own pages or a public body's (checked 2026-11-30):
# the CACEM (« la CACEM, Communauté d'Agglomération du Centre de la Martinique »,
# https://www.cacem.fr/lagglomeration/presentation/); POLD, Paris Ouest La Défense (the
# chambre régionale des comptes d'Île-de-France, https://www.ccomptes.fr/fr/documents/62164,
# and a member town, https://puteaux.fr/decouvrir-puteaux/vie-des-quartiers/territoire-paris-ouest-la-defense-pold).
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "249720061": ("cacem",),
    "200057982": ("pold",),
}
# Islands and archipelagos of a collectivité d'outre-mer, typed for it: those of the
# Polynésie française as the ministry of the Interior lists them (Tahiti among the îles du
# Vent; the Marquises, Tuamotu, Gambier, Australes, îles Sous-le-Vent:
# https://www.interieur.gouv.fr/Le-ministere/Prefectures/987-Polynesie-Francaise, checked
# 2026-11-30). « Gambier », « Moorea-Maiao », « Bora-Bora »... are communes: not here.
COM_ISLANDS: dict[str, tuple[str, ...]] = {
    "987": ("tahiti", "iles du vent", "iles sous le vent", "iles de la societe",
            "archipel de la societe", "tuamotu", "iles tuamotu", "marquises",
            "iles marquises", "australes", "iles australes"),
}


# The DGCL's list writes « Coeur », « Soeurs »; French typography (and the COG, for communes)
# writes œ. Only the displayed name changes: names are folded (œ -> oe) before any search.
_LIGATURES = re.compile(r"\b([CcSs])oeur")


def french_ligatures(name: str) -> str:
    """« CA Grand Auch Coeur de Gascogne » -> « CA Grand Auch Cœur de Gascogne »."""
    return _LIGATURES.sub(lambda m: m.group(1) + "œur", name)


def special_names(territory: Territory) -> list[str]:
    """Other names a collectivité is called by (folded), found as exactly as its own."""
    names = {
        "collectivite-europeenne-d-alsace": ["alsace", "cea", "collectivite europeenne alsace"],
        "collectivite-territoriale-de-guyane": ["guyane", "ctg", "guyane francaise"],
        "collectivite-territoriale-de-martinique": ["martinique", "ctm"],
        "collectivite-de-corse": ["corse", "ctc", "collectivite territoriale de corse"],
        "ville-de-paris": ["ville de paris"],
        "metropole-de-lyon": ["grand lyon"],
        "mayotte": ["departement de mayotte", "departement region de mayotte"],
    }
    found = list(names.get(territory.status.key, ())) if territory.status else []
    if territory.kind == "epci" and territory.code in EPCI_NAMES:
        found += EPCI_NAMES[territory.code][1]
    if territory.kind in ("epci", "ept"):
        found += SHORT_NAMES.get(territory.code, ())
    if territory.kind == "com":
        found += COM_ISLANDS.get(territory.code, ())
    if territory.kind == "com":
        found += {"975": ["spm", "saint pierre et miquelon"],
                  "977": ["saint barth", "saint barts", "saint barthelemy"],
                  "978": ["saint martin"],
                  "984": ["taaf"], "986": ["wallis", "wallis et futuna", "futuna"],
                  "987": ["polynesie", "polynesie francaise"],
                  "988": ["nouvelle caledonie", "caledonie"],
                  "989": ["clipperton", "ile de clipperton"]}.get(territory.code, [])
    if territory.kind == "region" and territory.note and "ancienne région" in territory.label:
        former = territory.label.split("ancienne région ", 1)[1].rstrip(")")
        found.append(fold(former))
    return found


def extra_codes(territory: Territory) -> list[str]:
    """Codes that lead to a collectivité besides its own: its commune code for Saint-Martin
    and Saint-Barthélemy."""
    return [code for code, dep in special.COM_COMMUNES.items() if dep == territory.code]


def territories_from_rows(data: dict[str, Any]) -> list[Territory]:
    """Territory objects from the file's rows; labels are made unique at the end."""
    regions = {code: (name, tncc, zone, population)
               for code, name, tncc, zone, population in data["regions"]}
    departements = {code: (name, region, tncc, zone, population)
                    for code, name, region, tncc, zone, population in data["departements"]}
    epci_rows = [[row[0], EPCI_NAMES[row[0]][0], *row[2:]] if row[0] in EPCI_NAMES
                 else [row[0], french_ligatures(row[1]), *row[2:]] for row in data["epci"]]
    epcis = {row[0]: row for row in epci_rows}
    epts = {row[0]: row for row in data["ept"]}
    postal_cache: dict[str, tuple[str, ...]] = {}

    places = {dep: (dep, name, region, regions.get(region, ("",))[0])
              for dep, (name, region, *_rest) in departements.items()}

    def place(dep: str) -> tuple[str, str, str, str]:
        return places.get(dep) or (dep, "", "", "")

    found: list[Territory] = []
    no_group = ("", None, None)
    com_postal: dict[str, tuple[str, ...]] = {}
    for code, name, dep, population, postal, epci, ept, siren in data["communes"]:
        postal_codes = postal_cache.get(postal) or postal_cache.setdefault(
            postal, tuple(postal.split()))
        if code in special.COM_COMMUNES:  # Saint-Martin, Saint-Barthélemy: the COM itself
            com_postal[special.COM_COMMUNES[code]] = postal_codes
            continue
        _, epci_name, epci_type = epcis.get(epci, no_group)[:3]
        ept_name = epts.get(ept, no_group)[1]
        where = place(dep)
        status = note = None
        if code == "75056":
            status, note = special.PARIS, special.PARIS.note
        elif dep in special.OVERSEAS_COLLECTIVITES:
            status = special.OVERSEAS_COLLECTIVITES[dep]
            note = status.note.format(name=_com_name(where[1]))
        found.append(Territory(
            "commune", code, name, f"{name} ({dep}, {where[1]})", population, *where,
            epci or None, epci_name, epci_type, ept or None, ept_name, postal_codes,
            status=status, note=note, siren=siren or None))
    epci_count: dict[str, int] = defaultdict(int)
    for siren, name, kind, population, members, dep in epci_rows:
        epci_count[dep] += 1
        status = special.LYON if kind == "MET69" else None
        found.append(Territory("epci", siren, name, f"{name} ({TYPE_LABELS.get(kind, kind)}, "
                               f"{dep})", population, *place(dep), epci_type=kind,
                               member_count=members, status=status,
                               note=status.note if status else None))
    for siren, name, population, members, dep, epci in data["ept"]:
        epci_count[dep] += 1
        found.append(Territory("ept", siren, name, f"{name} (EPT, {dep})", population,
                               *place(dep), epci_siren=epci,
                               epci_name=epcis.get(epci, no_group)[1], epci_type="EPT",
                               member_count=members))
    found.extend(_collectivites(regions, departements, epci_count, com_postal, data))
    return _unique_labels(found)


def _com_name(name: str) -> str:
    return {"Wallis et Futuna": "Wallis-et-Futuna"}.get(name, name)


def _collectivites(regions: dict[str, tuple], departements: dict[str, tuple],
                   epci_count: dict[str, int], com_postal: dict[str, tuple[str, ...]],
                   data: dict[str, Any]) -> list[Territory]:
    """Départements, régions, collectivités uniques and d'outre-mer, former régions."""
    communes_per_dep: dict[str, int] = defaultdict(int)
    for row in data["communes"]:
        communes_per_dep[row[2]] += 1
    found: list[Territory] = []
    region_epci: dict[str, int] = defaultdict(int)
    for dep, (_name, region, *_rest) in departements.items():
        region_epci[region] += epci_count.get(dep, 0)
    merged_deps = {"75", "972", "973", "976"}  # the Ville de Paris; collectivités uniques
    for code, (name, region, _tncc, _zone, population) in departements.items():
        region_name = regions.get(region, ("",))[0]
        if code in special.OVERSEAS_COLLECTIVITES:
            com = special.OVERSEAS_COLLECTIVITES[code]
            kind_label = {"nouvelle-caledonie": "collectivité à statut particulier",
                          "sans-collectivite": "territoire sans collectivité"}.get(
                com.key, "collectivité d'outre-mer")
            found.append(Territory(
                "com", code, _com_name(name), f"{_com_name(name)} ({kind_label}, {code})",
                population or None, code, _com_name(name), code, _com_name(name),
                postal_codes=com_postal.get(code, ()), member_count=communes_per_dep.get(code),
                status=com, note=com.note.format(name=_com_name(name))))
            continue
        if code in merged_deps and code != "976":
            continue
        status: special.Status | None = None
        note: str | None = None
        if code in ("2A", "2B"):
            status = special.CORSE_DEPARTEMENT
            note = status.note.format(name=f"La {name}")
        elif code in ("67", "68"):
            status = special.ALSACE_DEPARTEMENT
            note = status.note.format(name=name)
        elif code == "69":
            status, note = special.RHONE, special.RHONE.note
        elif code == "976":
            status, note = special.MAYOTTE, special.MAYOTTE.note
        count = sum(n for d, n in communes_per_dep.items() if d == code)
        found.append(Territory(
            "departement", code, name, f"{name} (département, {code})", population or None,
            code, name, region, region_name, member_count=count, status=status, note=note,
            epci_count=epci_count.get(code, 0)))
    alsace_population = sum(departements[d][4] for d in ("67", "68") if d in departements)
    if "67" in departements:
        found.append(Territory(
            "departement", "6AE", special.ALSACE.name, f"{special.ALSACE.name} (67, 68)",
            alsace_population, "6AE", special.ALSACE.name, "44", regions.get("44", ("",))[0],
            member_count=communes_per_dep.get("67", 0) + communes_per_dep.get("68", 0),
            status=special.ALSACE, note=special.ALSACE.note,
            epci_count=epci_count.get("67", 0) + epci_count.get("68", 0)))
    singles = {"94": (special.CORSE, ""), "03": (special.GUYANE, "973"),
               "02": (special.MARTINIQUE, "972")}
    for code, (name, _tncc, zone, population) in regions.items():
        if zone == "com" or code == "06":  # the COM are above; Mayotte is its département
            continue
        status, dep = singles.get(code, (None, ""))
        display = status.name if status else name
        label = (f"{display} ({dep})" if dep else f"{display} (région)")
        dep_name = departements[dep][0] if dep in departements else ""
        found.append(Territory(
            "region", code, display, label, population or None, dep, dep_name, code, name,
            member_count=sum(1 for d in departements.values() if d[1] == code),
            status=status, note=status.note if status else None,
            epci_count=region_epci.get(code, 0)))
    for former, code in special.FORMER_REGIONS.items():
        if code not in regions:
            continue
        name, _tncc, _zone, population = regions[code]
        found.append(Territory(
            "region", code, name, f"{name} (ancienne région {former})", population or None,
            "", "", code, name, member_count=sum(1 for d in departements.values()
                                                 if d[1] == code),
            note=special.former_region_note(former, name), epci_count=region_epci.get(code, 0)))
    return found


def _unique_labels(territories: list[Territory]) -> list[Territory]:
    """Add the code to any label two territories share, so a label always names one."""
    seen: dict[str, int] = defaultdict(int)
    for territory in territories:
        seen[territory.label] += 1
    return [t if seen[t.label] == 1 else replace(t, label=f"{t.label[:-1]}, {t.code})")
            for t in territories]
