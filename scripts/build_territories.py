"""Regenerate ``content/territoires/territoires.json.gz`` from Etalab's npm package.

Run by hand when a new vintage of the administrative map is out (each January):

    .venv/bin/python scripts/build_territories.py                 # the pinned version
    .venv/bin/python scripts/build_territories.py --version 6.0.0 # another one (update PINNED)

The script runs ``npm pack @etalab/decoupage-administratif@<version>`` in a temporary
directory, reads the JSON files of the tarball, keeps what the bot needs and writes a compact,
deterministic gzipped JSON file: regenerating from the same package gives the same bytes (no
timestamp, fixed gzip header, sorted rows). The bot never runs this script; it only reads the
shipped file (see ``bot/knowledge/territory.py`` and ``docs/territories.md``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
PINNED = "6.0.0"  # vintage 2026 (COG 2026, EPCI DGCL 2026)
FORMAT = 1
DATA_FILES = ("communes", "epci", "ept", "departements", "regions")
OUTPUT = Path(__file__).resolve().parent.parent / "content" / "territoires" / "territoires.json.gz"

COLUMNS = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "communes": ["code", "name", "departement", "population", "postal_codes", "epci", "ept"],
    "epci": ["siren", "name", "type", "population", "members", "departement"],
    "ept": ["siren", "name", "population", "members", "departement", "epci"],
    "aliases": ["code", "name", "commune", "kind"],
}
GRAND_PARIS_SIREN = "200054781"  # the Métropole du Grand Paris, the EPCI every EPT lies in

Raw = dict[str, list[dict[str, Any]]]


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


def transform(raw: Raw, source: dict[str, str]) -> dict[str, Any]:
    """The compact document written to disk, from the package's parsed JSON files."""
    current = {c["code"]: c for c in raw["communes"] if c["type"] == "commune-actuelle"}
    epci_of, ept_of = _commune_links(raw)
    communes = [
        [code, c["nom"], c["departement"], c.get("population"),
         " ".join(sorted(c.get("codesPostaux", []))), epci_of.get(code, ""),
         ept_of.get(code, "")]
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
    return {
        "format": FORMAT,
        "source": {
            "package": PACKAGE, **source, "licence": "MIT",
            "data": "INSEE (Code officiel géographique, populations légales), DGCL (EPCI à "
                    "fiscalité propre), La Poste (codes postaux); Licence Ouverte",
            "generated_by": "scripts/build_territories.py",
        },
        "columns": COLUMNS,
        "regions": [[r["code"], r["nom"]] for r in sorted(raw["regions"], key=_code)],
        "departements": [[d["code"], d["nom"], d["region"]]
                         for d in sorted(raw["departements"], key=_code)],
        "communes": communes,
        "epci": epci,
        "ept": ept,
        "aliases": _aliases(raw["communes"], current),
    }


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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="essbot-territoires-") as tmp:
        raw, facts = fetch(args.version, Path(tmp))
    document = transform(raw, facts)
    data = serialize(document)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    counts = ", ".join(f"{len(document[k])} {k}" for k in
                       ("communes", "epci", "ept", "departements", "regions", "aliases"))
    print(f"{args.output}: {len(data):,} bytes from {PACKAGE}@{facts['version']} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
