"""Regenerate ``content/territoires/territoires.json.gz`` from Etalab's npm package.

Run by hand when a new vintage of the administrative map is out (each January):

    .venv/bin/python scripts/build_territories.py                 # the pinned version
    .venv/bin/python scripts/build_territories.py --version 6.0.0 # another one (update PINNED)

The script runs ``npm pack @etalab/decoupage-administratif@<version>`` in a temporary
directory, reads the JSON files of the tarball, keeps what the bot needs and writes a compact,
deterministic gzipped JSON file: regenerating from the same package gives the same bytes (no
timestamp, fixed gzip header, sorted rows). The bot never runs this script; it only reads the
shipped file (see ``bot/knowledge/territory.py`` and ``docs/territories.md``).

The territorial contexts (grille de densité, QPV 2024, communes littorales, massifs) and the
programmes (Petites villes de demain, Action cœur de ville, Territoires d'industrie, Villages
d'avenir, Cités de l'emploi) come from
files of public repositories, pinned by commit in ``CONTEXT_SOURCES``: pass a folder holding a
git clone of each (``--sources DIR``, with ``DIR/<owner>+<name>`` or ``DIR/<owner>/<name>``,
bare or not). See ``docs/territories.md`` for what each one is worth.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

PACKAGE = "@etalab/decoupage-administratif"
PINNED = "6.0.0"  # vintage 2026 (COG 2026, EPCI DGCL 2026)
FORMAT = 2
DATA_FILES = ("communes", "epci", "ept", "departements", "regions")
OUTPUT = Path(__file__).resolve().parent.parent / "content" / "territoires" / "territoires.json.gz"

COLUMNS = {
    "regions": ["code", "name", "tncc", "zone", "population"],
    "departements": ["code", "name", "region", "tncc", "zone", "population"],
    "communes": ["code", "name", "departement", "population", "postal_codes", "epci", "ept",
                 "siren"],
    "epci": ["siren", "name", "type", "population", "members", "departement"],
    "ept": ["siren", "name", "population", "members", "departement", "epci"],
    "aliases": ["code", "name", "commune", "kind"],
}
GRAND_PARIS_SIREN = "200054781"  # the Métropole du Grand Paris, the EPCI every EPT lies in

Raw = dict[str, list[dict[str, Any]]]


class ContextSource(NamedTuple):
    """A file of a public repository, pinned by commit, that a context or programme comes from."""

    key: str
    repository: str  # owner/name on GitHub
    commit: str
    path: str
    title: str  # what the file is, in French, as docs/territories.md and LICENCE.md say
    publisher: str  # who publishes the data
    date: str  # the date or vintage of the data
    licence: str


# Densité: INSEE's grille communale de densité in 7 levels, exported by the ANCT's Observatoire
# des territoires. Massifs: the communes of the massif perimeters (loi Montagne), *not* the
# zone de montagne. QPV: the quartiers prioritaires 2024 and their communes (SIG Ville).
# Littoral: the communes littorales riveraines de la mer (2019 list of the ministry of the
# ecological transition), from a third-party copy whose names are damaged: only codes are read.
SUPERPOSEUR = ("anct-carto/superposeur-V2", "3f2b0c0b87604a13831a9f214988878b6a4cb67e")
# Villages d'avenir and Cités de l'emploi: the ANCT's map of its programmes (data of September
# 2024), one feature per lauréat commune or per Cité, its communes as « Name (INSEE); ... ».
PROGRAMMES_ANCT = ("anct-carto/superposeur-anct", "949f7e581185229a3bef1962d8f81f5608757f0c")
CONTEXT_SOURCES = (
    ContextSource("densite", *SUPERPOSEUR, "data/grilles/densite.csv",
                  "Grille communale de densité à 7 niveaux (INSEE), export de l'Observatoire "
                  "des territoires", "INSEE ; ANCT (Observatoire des territoires)",
                  "export de 2026, millésime non indiqué dans le fichier",
                  "Licence Ouverte 2.0"),
    ContextSource("massif", *SUPERPOSEUR, "data/grilles/montagne.csv",
                  "Communes des périmètres de massif (loi Montagne), export de l'Observatoire "
                  "des territoires", "ANCT (Observatoire des territoires)",
                  "export de 2026", "Licence Ouverte 2.0"),
    ContextSource("qpv", *SUPERPOSEUR, "data/admin/centroide-4326_qpv.geojson",
                  "Quartiers prioritaires de la politique de la ville 2024 et leurs communes",
                  "ANCT (SIG Ville)", "liste 2024", "Licence Ouverte 2.0"),
    ContextSource("territoires-industrie", *SUPERPOSEUR, "data/admin/polygone-4326_ti.geojson",
                  "Programme Territoires d'industrie : territoires et intercommunalités",
                  "ANCT", "liste publiée en 2026", "Licence Ouverte 2.0"),
    ContextSource("pvd", "anct-carto/pvd", "e89a2ff3678cee81dc3505eb42aa88e8ba4a2f14",
                  "data_init/pvd_carte-interactive_20200122.csv",
                  "Programme Petites villes de demain : communes bénéficiaires",
                  "ANCT", "liste de janvier 2021", "Licence Ouverte 2.0"),
    ContextSource("acv", "anct-carto/action_coeur_de_ville",
                  "6903e5d473e70f414a448867c16ab9e3f7c63382", "data/coeurdeville.js",
                  "Programme Action cœur de ville : communes bénéficiaires",
                  "ANCT", "avril 2024", "Licence Ouverte 2.0"),
    ContextSource("villages-avenir", *PROGRAMMES_ANCT, "data/geom/geojsonV2/va_geom.geojson",
                  "Programme Villages d'avenir : communes lauréates",
                  "ANCT", "septembre 2024", "Licence Ouverte 2.0"),
    ContextSource("cites-emploi", *PROGRAMMES_ANCT, "data/geom/geojsonV2/cde_geom.geojson",
                  "Cités de l'emploi : territoires et leurs communes",
                  "ANCT", "septembre 2024", "Licence Ouverte 2.0"),
    ContextSource("littoral", "maelvdev/R605_Graphique_Immobilier",
                  "664661d1546c306d3b52c3a309ad08a3a579f853", "files/communes_littorales_2019.csv",
                  "Communes littorales riveraines de la mer, des étangs salés et des estuaires "
                  "(loi Littoral), copie de la liste du ministère de la Transition écologique",
                  "Ministère de la Transition écologique (ONML)", "2019",
                  "Licence Ouverte (données publiques de l'État)"),
)
# The 7 levels of the grille de densité, as the Observatoire des territoires names them; 1-4
# are urban communes, 5-7 rural ones (INSEE's definition of the rural since 2020).
DENSITY_LEVELS = {
    "Grands centres urbains": 1, "Centres urbains intermédiaires": 2, "Ceintures urbaines": 3,
    "Petites villes": 4, "Bourgs ruraux": 5, "Rural à habitat dispersé": 6,
    "Rural à habitat très dispersé": 7,
}


# -- fetching ------------------------------------------------------------------------------


def fetch(version: str, workdir: Path) -> tuple[Raw, dict[str, str]]:
    """Download the package with npm into ``workdir``; return its data files and npm's facts."""
    out = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", str(workdir)],
        cwd=workdir, check=True, capture_output=True, text=True,
    )
    info = json.loads(out.stdout)[0]
    tarball = workdir / info["filename"]
    raw: Raw = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for name in DATA_FILES:
            member = tar.extractfile(f"package/data/{name}.json")
            if member is None:
                raise SystemExit(f"{name}.json is missing from {tarball.name}")
            raw[name] = json.load(member)
    facts = {"version": info["version"], "integrity": info["integrity"],
             "shasum": info["shasum"]}
    return raw, facts


def read_sources(root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The parsed context files (see ``parse_context``) and what to record of each source."""
    parsed: dict[str, Any] = {}
    records = []
    for source in CONTEXT_SOURCES:
        data = _git_show(root, source)
        parsed[source.key] = parse_context(source.key, data)
        records.append({**source._asdict(), "sha256": hashlib.sha256(data).hexdigest(),
                        "url": f"https://github.com/{source.repository}/blob/{source.commit}/"
                               f"{source.path}"})
    return parsed, records


def _git_show(root: Path, source: ContextSource) -> bytes:
    owner, name = source.repository.split("/")
    clone = root / f"{owner}+{name}"
    for folder in (clone / "repo", clone, root / owner / name):
        if folder.is_dir():
            out = subprocess.run(["git", "-C", str(folder), "show",
                                  f"{source.commit}:{source.path}"], capture_output=True)
            if out.returncode == 0:
                return out.stdout
            raise SystemExit(f"{folder}: cannot read {source.path} at {source.commit[:10]}: "
                             f"{out.stderr.decode(errors='replace').strip()}")
    raise SystemExit(f"no clone of {source.repository} under {root} "
                     f"(expected {owner}+{name} or {owner}/{name})")


def parse_context(key: str, data: bytes) -> Any:
    """One source file as plain Python: codes (INSEE or SIREN) and what they carry."""
    if key in ("densite", "massif"):
        rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        if key == "densite":
            return {row["insee_com"].zfill(5): DENSITY_LEVELS[row["niveau_densite"].strip()]
                    for row in rows}
        # "02 - Massif du Jura" -> "Massif du Jura"
        return {row["insee_com"].zfill(5): row["niveau_montagne"].split(" - ", 1)[-1].strip()
                for row in rows}
    if key == "qpv":
        found: dict[str, set[str]] = defaultdict(set)
        for feature in json.loads(data)["features"]:
            props = feature["properties"]
            found[props["insee_com"]].update(c.strip() for c in props["code_qp"].split(","))
        return {code: sorted(qpv) for code, qpv in found.items()}
    if key == "territoires-industrie":
        names: dict[str, set[str]] = defaultdict(set)
        for feature in json.loads(data)["features"]:
            props = feature["properties"]
            for siren in props["siren_groupement"].split(","):
                names[siren.strip()].add(props["lib_ti"].strip())
        return {siren: sorted(ti) for siren, ti in names.items()}
    if key == "pvd":
        rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        return sorted({row["insee_com"].strip().zfill(5) for row in rows if row["insee_com"]})
    if key == "acv":
        text = data.decode("utf-8")
        document = json.loads(text[text.index("{"):text.rindex("}") + 1])
        return sorted({str(f["properties"]["insee_com"]).zfill(5)
                       for f in document["features"]})
    if key in ("villages-avenir", "cites-emploi"):  # "Angers (49007); Trélazé (49353)"
        found_codes = set()
        for feature in json.loads(data)["features"]:
            listed = feature["properties"]["liste_geo"]
            for part in listed.split(";"):
                match = re.fullmatch(r".+ \(([0-9][0-9AB][0-9]{3})\)", part.strip())
                if match is None:
                    raise ValueError(f"{key}: unreadable list of communes {listed!r}")
                found_codes.add(match.group(1))
        return sorted(found_codes)
    if key == "littoral":  # no header; ';'; column 4 the INSEE code, 10 the new commune's
        codes = set()
        for row in csv.reader(io.StringIO(data.decode("latin-1")), delimiter=";"):
            if len(row) >= 10 and re.fullmatch(r"[0-9][0-9AB][0-9]{3}", row[3]):
                codes.add(row[9] if re.fullmatch(r"[0-9][0-9AB][0-9]{3}", row[9]) else row[3])
        return sorted(codes)
    raise ValueError(f"unknown context source {key!r}")


# -- transform (pure: tested on a fixture) --------------------------------------------------


def _commune_links(raw: Raw) -> tuple[dict[str, str], dict[str, str]]:
    """Commune INSEE code -> SIREN of its EPCI, and -> SIREN of its EPT (Grand Paris)."""
    epci = {m["code"]: e["code"] for e in raw["epci"] for m in e["membres"]}
    ept = {m["code"]: e["code"] for e in raw.get("ept", []) for m in e["membres"]}
    return epci, ept


def _main_departement(members: list[dict[str, Any]], communes: dict[str, dict[str, Any]]
                      ) -> str:
    """The département holding most of the members' population (ties: smallest code).

    The sources give no seat for an EPCI; its département (and so its region and CRESS) is
    the one where most of its inhabitants live.
    """
    weight: dict[str, int] = defaultdict(int)
    for member in members:
        commune = communes.get(member["code"])
        if commune is not None:
            weight[commune["departement"]] += commune.get("population") or 0
    if not weight:
        return ""
    return min(weight, key=lambda dep: (-weight[dep], dep))


def _aliases(entries: list[dict[str, Any]], current: dict[str, dict[str, Any]]) -> list[list]:
    """Former names and codes that lead to a current commune.

    Communes déléguées and associées (old communes merged into a commune nouvelle), the
    arrondissements municipaux of Paris, Lyon and Marseille, and the former INSEE codes
    (``anciensCodes``) of current communes. An alias that is already the current name or
    code of a commune is left out.
    """
    rows: set[tuple[str, str, str, str]] = set()
    for entry in entries:
        kind = entry["type"]
        if kind == "commune-actuelle":
            for old in entry.get("anciensCodes", []):
                if old not in current:
                    rows.add((old, "", entry["code"], "ancien-code"))
            continue
        parent = entry.get("chefLieu") or entry.get("commune")
        if parent not in current:
            continue
        code = "" if entry["code"] in current else entry["code"]
        name = "" if entry["nom"] == current[parent]["nom"] else entry["nom"]
        if code or name:
            short = {"commune-deleguee": "deleguee", "commune-associee": "associee",
                     "arrondissement-municipal": "arrondissement"}[kind]
            rows.add((code, name, parent, short))
    return [list(row) for row in sorted(rows)]


def transform(raw: Raw, source: dict[str, str], contexts: dict[str, Any] | None = None,
              records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The compact document written to disk, from the package's parsed JSON files and the
    parsed context sources (``read_sources``)."""
    current = {c["code"]: c for c in raw["communes"] if c["type"] == "commune-actuelle"}
    epci_of, ept_of = _commune_links(raw)
    communes = [
        [code, c["nom"], c["departement"], c.get("population"),
         " ".join(sorted(c.get("codesPostaux", []))), epci_of.get(code, ""),
         ept_of.get(code, ""), c.get("siren", "")]
        for code, c in sorted(current.items())
    ]
    epci = [
        [e["code"], e["nom"], e["type"], e.get("populationMunicipale"), len(e["membres"]),
         _main_departement(e["membres"], current)]
        for e in sorted(raw["epci"], key=lambda e: e["code"])
    ]
    ept = [
        [e["code"], e["nom"], e.get("populationMunicipale"), len(e["membres"]),
         _main_departement(e["membres"], current), GRAND_PARIS_SIREN]
        for e in sorted(raw.get("ept", []), key=lambda e: e["code"])
    ]
    aliases = _aliases(raw["communes"], current)
    dep_population: dict[str, int] = defaultdict(int)
    region_population: dict[str, int] = defaultdict(int)
    for c in current.values():
        dep_population[c["departement"]] += c.get("population") or 0
        region_population[c.get("region", "")] += c.get("population") or 0
    document: dict[str, Any] = {
        "format": FORMAT,
        "source": {
            "package": PACKAGE, **source, "licence": "MIT",
            "data": "INSEE (Code officiel géographique, populations légales), DGCL (EPCI à "
                    "fiscalité propre), La Poste (codes postaux); Licence Ouverte",
            "generated_by": "scripts/build_territories.py",
            "contexts": records or [],
        },
        "columns": COLUMNS,
        "regions": [[r["code"], r["nom"], r.get("typeLiaison", 0), r.get("zone", ""),
                     region_population.get(r["code"], 0)]
                    for r in sorted(raw["regions"], key=_code)],
        "departements": [[d["code"], d["nom"], d["region"], d.get("typeLiaison", 0),
                          d.get("zone", ""), dep_population.get(d["code"], 0)]
                         for d in sorted(raw["departements"], key=_code)],
        "communes": communes,
        "epci": epci,
        "ept": ept,
        "aliases": aliases,
    }
    document.update(_contexts(contexts or {}, current, aliases, {e[0] for e in epci + ept}))
    return document


def _contexts(parsed: dict[str, Any], current: dict[str, Any], aliases: list[list],
              groups: set[str]) -> dict[str, Any]:
    """The contexts and programmes keyed by today's codes: a code of a former commune leads to
    the commune it merged into; a code that leads nowhere is dropped (and counted)."""
    former = {code: commune for code, _name, commune, _kind in aliases if code}

    def today(code: str) -> str | None:
        return code if code in current else former.get(code)

    def codes(values: list[str]) -> list[str]:
        return sorted({now for now in map(today, values) if now is not None})

    contexts: dict[str, Any] = {}
    programmes: dict[str, Any] = {}
    if "densite" in parsed:
        levels: dict[str, list[str]] = defaultdict(list)
        for code, level in parsed["densite"].items():
            now = today(code)
            if now is not None and now not in levels.get(str(level), ()):
                levels[str(level)].append(now)
        contexts["densite"] = {level: sorted(found) for level, found in sorted(levels.items())}
    if "massif" in parsed:
        massifs: dict[str, set[str]] = defaultdict(set)
        for code, massif in parsed["massif"].items():
            now = today(code)
            if now is not None:
                massifs[massif].add(now)
        contexts["massif"] = {name: sorted(found) for name, found in sorted(massifs.items())}
    if "qpv" in parsed:
        qpv: dict[str, set[str]] = defaultdict(set)
        for code, quartiers in parsed["qpv"].items():
            now = today(code)
            if now is not None:
                qpv[now].update(quartiers)
        contexts["qpv"] = [[code, len(found)] for code, found in sorted(qpv.items())]
    if "littoral" in parsed:
        contexts["littoral"] = codes(parsed["littoral"])
    for key in ("pvd", "acv", "villages-avenir", "cites-emploi"):
        if key in parsed:
            programmes[key] = codes(parsed[key])
    if "territoires-industrie" in parsed:
        programmes["territoires-industrie"] = [
            [siren, names] for siren, names in sorted(parsed["territoires-industrie"].items())
            if siren in groups]
    return {"contexts": contexts, "programmes": programmes} if parsed else {}


def _code(entry: dict[str, Any]) -> str:
    return entry["code"]


def serialize(document: dict[str, Any]) -> bytes:
    """Gzipped compact JSON, byte-for-byte reproducible (mtime 0, no file name in the header)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


# -- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=PINNED, help=f"package version (default {PINNED})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write")
    parser.add_argument("--sources", type=Path, required=True, metavar="DIR",
                        help="folder holding a git clone of each repository of CONTEXT_SOURCES")
    args = parser.parse_args(argv)
    contexts, records = read_sources(args.sources)
    with tempfile.TemporaryDirectory(prefix="essbot-territoires-") as tmp:
        raw, facts = fetch(args.version, Path(tmp))
    document = transform(raw, facts, contexts, records)
    data = serialize(document)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    counts = ", ".join(f"{len(document[k])} {k}" for k in
                       ("communes", "epci", "ept", "departements", "regions", "aliases"))
    print(f"{args.output}: {len(data):,} bytes from {PACKAGE}@{facts['version']} ({counts})")
    for key, values in (*document["contexts"].items(), *document["programmes"].items()):
        size = sum(map(len, values.values())) if isinstance(values, dict) else len(values)
        print(f"  {key}: {size} entries (source: {len(contexts[key])} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
