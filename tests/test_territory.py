"""Territory lookups against the shipped file, and the build script's pure transform."""

from __future__ import annotations

import gzip
import importlib.util
import json

import pytest

from bot.config import PROJECT_ROOT
from bot.knowledge.territory import Territory, TerritoryIndex, default_territory_path, fold

DATA = default_territory_path(PROJECT_ROOT / "content")


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    return TerritoryIndex.load(DATA)


def first(index: TerritoryIndex, query: str) -> Territory:
    found = index.lookup(query)
    assert found, f"nothing found for {query!r}"
    return found[0]


# -- the shipped file ------------------------------------------------------------------------


def test_the_file_is_small_and_records_its_source(index):
    assert DATA.stat().st_size < 2_000_000
    assert index.version == "6.0.0"
    assert index.meta["package"] == "@etalab/decoupage-administratif"
    assert (DATA.parent / "LICENCE.md").read_text(encoding="utf-8").count("MIT") >= 1
    kinds = {kind: sum(t.kind == kind for t in index.territories)
             for kind in ("commune", "epci", "ept")}
    assert kinds["commune"] > 34_000 and kinds["epci"] > 1_200 and kinds["ept"] == 11


def test_labels_are_unique(index):
    labels = [t.label for t in index.territories]
    assert len(labels) == len(set(labels))


# -- communes --------------------------------------------------------------------------------


def test_a_commune_by_name_code_and_postal_code(index):
    by_name = first(index, "Rennes")
    assert by_name == first(index, "35238") == first(index, "35000") == first(index, "35 000")
    assert (by_name.kind, by_name.code, by_name.label) == ("commune", "35238",
                                                           "Rennes (35, Ille-et-Vilaine)")
    assert (by_name.departement_code, by_name.region_code, by_name.region_name) == (
        "35", "53", "Bretagne")
    assert by_name.epci_siren == "243500139" and by_name.epci_name == "Rennes Métropole"
    assert by_name.epci_type == "METRO"
    assert "35000" in by_name.postal_codes
    assert by_name.collectivite_type == "commune" and by_name.size_class == "grande"
    assert index.get("commune", "35238") == by_name


def test_a_postal_code_shared_by_several_communes(index):
    found = index.lookup("29300")  # also the INSEE code of Le Trévoux, a small commune
    assert found[0].name == "Quimperlé"
    assert len(found) > 2 and all("29300" in t.postal_codes or t.code == "29300"
                                  for t in found)
    assert found[1].name == "Le Trévoux", "the commune of that INSEE code comes second"
    populations = [t.population for t in found if t.name != "Le Trévoux"]
    assert populations == sorted(populations, reverse=True)


def test_a_postal_code_beats_a_smaller_commune_with_that_insee_code(index):
    assert first(index, "13100").name == "Aix-en-Provence"
    assert "Saint-Rémy-de-Provence" in {t.name for t in index.lookup("13100")}


def test_homonyms_are_all_offered_with_distinct_labels(index):
    found = index.lookup("Saint-Denis")
    namesakes = [t for t in found if t.name == "Saint-Denis"]
    assert len(namesakes) >= 2
    assert {"Saint-Denis (93, Seine-Saint-Denis)", "Saint-Denis (974, La Réunion)"} <= {
        t.label for t in namesakes}
    assert len({t.label for t in found}) == len(found)


@pytest.mark.parametrize(("query", "code"), [
    ("Saint-Denis 93", "93066"), ("Saint-Denis (93)", "93066"),
    ("Saint-Denis (974)", "97411"), ("saint denis, la réunion", "97411"),
    ("St Denis 974", "97411"), ("Saint-Denis (93, Seine-Saint-Denis)", "93066"),
])
def test_a_departement_hint_narrows_homonyms(index, query, code):
    found = index.lookup(query)
    assert [t.code for t in found] == [code]


@pytest.mark.parametrize("query", ["beziers", "Béziers", "BEZIERS", "Bezier", "Bézirs",
                                   "  béziers  "])
def test_case_accents_and_typos(index, query):
    assert first(index, query).code == "34032"


@pytest.mark.parametrize(("query", "code"), [
    ("st etienne", "42218"), ("Saint Étienne", "42218"), ("Hay les Roses", "94038"),
    ("l'hay-les-roses", "94038"), ("Montpelier", "34172"), ("aix en provence", "13001"),
])
def test_spelling_variants(index, query, code):
    assert first(index, query).code == code


def test_corsica_and_overseas(index):
    ajaccio = first(index, "2A004")
    assert ajaccio.name == "Ajaccio" and ajaccio.departement_code == "2A"
    assert ajaccio.region_code == "94" and first(index, "2a004") == ajaccio
    assert first(index, "Ajaccio") == ajaccio
    mamoudzou = first(index, "Mamoudzou")
    assert (mamoudzou.code, mamoudzou.departement_code, mamoudzou.region_code) == (
        "97611", "976", "06")
    assert first(index, "97209").name == "Fort-de-France"


def test_the_cadema_is_named_as_it_names_itself(index):
    """Review 2026-11-30 (second), fault 16: the DGCL list's « CA de Dembeni / Mamoudzou »
    was shown to Mamoudzou; a « / » that is part of a name stays."""
    mamoudzou = first(index, "Mamoudzou")
    assert mamoudzou.epci_name == "CA de Dembeni-Mamoudzou"
    cadema = first(index, "CADEMA")
    assert (cadema.kind, cadema.code) == ("epci", mamoudzou.epci_siren)
    assert cadema.label == "CA de Dembeni-Mamoudzou (CA, 976)"
    assert first(index, "CA de Dembeni / Mamoudzou") == cadema, "the listed name still finds it"
    assert first(index, "CC Castillon/Pujols").name == "CC Castillon/Pujols"


def test_a_small_commune_and_its_epci(index):
    commune = first(index, "Ambléon")
    assert commune.population is not None and commune.population < 3_500
    assert commune.size_class == "petite"
    assert commune.epci_name == "CC Bugey Sud" and commune.epci_type == "CC"
    epci = index.get("epci", commune.epci_siren)
    assert epci is not None and epci.collectivite_type == "epci"
    assert epci.departement_code == "01" and epci.member_count and epci.member_count > 1


def test_a_merged_commune_leads_to_the_new_one(index):
    assert first(index, "Pierrefitte-sur-Seine").code == "93066"


def test_an_arrondissement_code_leads_to_its_commune(index):
    assert first(index, "75101").code == "75056"
    found = index.lookup("75015")  # a postal code of Paris, a former code of Bry-sur-Marne
    assert found[0].code == "75056"


# -- EPCI and EPT ----------------------------------------------------------------------------


def test_an_epci_by_name_and_siren(index):
    epci = first(index, "Rennes Métropole")
    assert epci == first(index, "243500139") == first(index, "243 500 139")
    assert (epci.kind, epci.epci_type, epci.collectivite_type) == ("epci", "METRO", "epci")
    assert epci.departement_code == "35" and epci.region_code == "53"
    assert epci.size_class == "grande" and epci.member_count == 43
    assert index.get("epci", "243500139") == epci


@pytest.mark.parametrize(("query", "siren"), [
    ("agglo quimperlé", "242900694"), ("CA Quimperlé", "242900694"),
    ("métropole de lyon", "200046977"), ("Métropole Lyon", "200046977"),
    ("comcom bugey sud", "200040350"), ("communauté de communes Bugey Sud", "200040350"),
])
def test_epci_prefixes(index, query, siren):
    assert first(index, query).code == siren


def test_a_plain_name_prefers_the_commune(index):
    found = index.lookup("Strasbourg")
    assert [t.kind for t in found[:2]] == ["commune", "epci"]


def test_ept_are_there(index):
    plaine = first(index, "Plaine Commune")
    assert plaine.kind == "ept" and plaine.collectivite_type == "ept"
    assert plaine.epci_name == "Métropole du Grand Paris"
    saint_denis = index.get("commune", "93066")
    assert saint_denis.ept_name == "Plaine Commune"
    assert saint_denis.epci_name == "Métropole du Grand Paris"


# -- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "!!!", "x" * 10_000, "\x00\x01\xff\xfe",
                                   "\ufffd\ufffd", "123", "99999", "000000000", "zzzzqqqq",
                                   "\u202e\u0000Rennes"])
def test_garbage_gives_nothing(index, query):
    assert index.lookup(query) == []


def test_results_are_deterministic_and_limited(index):
    assert index.lookup("Saint", limit=5) == index.lookup("Saint", limit=5)
    assert len(index.lookup("Saint", limit=5)) == 5
    assert [t.code for t in index.lookup("sainte colombe")] == [
        t.code for t in TerritoryIndex.load(DATA).lookup("sainte colombe")]


def test_fold():
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Ste-Marie-aux-Chênes") == "sainte marie aux chenes"
    assert fold("  Œuilly  ") == "oeuilly"


# -- the build script ------------------------------------------------------------------------


def _build_module():
    path = PROJECT_ROOT / "scripts" / "build_territories.py"
    spec = importlib.util.spec_from_file_location("build_territories", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURE = {
    "regions": [{"code": "53", "nom": "Bretagne"}],
    "departements": [{"code": "35", "nom": "Ille-et-Vilaine", "region": "53"},
                     {"code": "22", "nom": "Côtes-d'Armor", "region": "53"}],
    "communes": [
        {"code": "35238", "nom": "Rennes", "type": "commune-actuelle", "departement": "35",
         "region": "53", "codesPostaux": ["35200", "35000"], "population": 230890},
        {"code": "35001", "nom": "Acigné", "type": "commune-actuelle", "departement": "35",
         "region": "53", "codesPostaux": ["35690"], "population": 7000,
         "anciensCodes": ["35999"]},
        {"code": "22001", "nom": "Bourg", "type": "commune-actuelle", "departement": "22",
         "region": "53", "codesPostaux": ["22000"], "population": 10},
        {"code": "35002", "nom": "Vieux-Bourg", "type": "commune-deleguee",
         "chefLieu": "35001", "departement": "35", "region": "53"},
    ],
    "epci": [{"code": "243500139", "nom": "Rennes Métropole", "type": "METRO",
              "populationMunicipale": 237000, "populationTotale": 240000,
              "membres": [{"code": "35238"}, {"code": "35001"}, {"code": "22001"}]}],
    "ept": [],
}


def test_the_build_transform_is_deterministic_and_loadable(tmp_path):
    build = _build_module()
    source = {"version": "0.0.0", "integrity": "sha512-x", "shasum": "0"}
    shuffled = {key: list(reversed(rows)) for key, rows in FIXTURE.items()}
    data = build.serialize(build.transform(FIXTURE, source))
    assert data == build.serialize(build.transform(shuffled, source))
    document = json.loads(gzip.decompress(data))
    assert document["communes"][0] == ["22001", "Bourg", "22", 10, "22000", "243500139", "", ""]
    assert document["epci"] == [["243500139", "Rennes Métropole", "METRO", 237000, 3, "35"]]
    assert ["35999", "", "35001", "ancien-code"] in document["aliases"]
    assert ["35002", "Vieux-Bourg", "35001", "deleguee"] in document["aliases"]
    path = tmp_path / "t.json.gz"
    path.write_bytes(data)
    small = TerritoryIndex.load(path)
    assert small.version == "0.0.0"
    assert small.lookup("35000")[0].postal_codes == ("35000", "35200")
    assert small.lookup("vieux bourg")[0].name == "Acigné"
    assert small.lookup("Rennes Métropole")[0].departement_name == "Ille-et-Vilaine"


def test_the_anct_programme_lists_are_read_by_insee_code_through_former_codes():
    build = _build_module()
    cites = {"features": [
        {"properties": {"id_territoire": "cde-001", "lib_territoire": "Rennes",
                        "liste_geo": "Rennes (35238); Ancienne (35999)"}},
        {"properties": {"id_territoire": "cde-002 ; cde-003", "lib_territoire": "Ailleurs",
                        "liste_geo": "Disparue (99999)"}}]}
    codes = build.parse_context("cites-emploi", json.dumps(cites).encode())
    assert codes == ["35238", "35999", "99999"]
    villages = {"features": [{"properties": {"liste_geo": "Bourg (22001)"}}]}
    parsed = {"cites-emploi": codes,
              "villages-avenir": build.parse_context("villages-avenir",
                                                     json.dumps(villages).encode())}
    document = build.transform(FIXTURE, {"version": "0.0.0"}, parsed)
    # The former code leads to today's commune; a code that leads nowhere is dropped.
    assert document["programmes"] == {"cites-emploi": ["35001", "35238"],
                                      "villages-avenir": ["22001"]}
    broken = {"features": [{"properties": {"liste_geo": "Rennes (35238); Sans code"}}]}
    with pytest.raises(ValueError, match="unreadable list"):
        build.parse_context("villages-avenir", json.dumps(broken).encode())


def test_an_intercommunality_named_by_the_start_of_its_name_beats_a_villages_one(index):
    # « Val de Drôme » for an intercommunalité is the CC du Val de Drôme en Biovallée, not the
    # CC of the Calvados village Val de Drôme (899 inhabitants), which stays another reading.
    found = index.resolve("Val de Drôme", prefer="epci")
    assert [t.name for t in found.best] == ["CC du Val de Drôme en Biovallée"]
    assert "CC Pré-Bocage Intercom" in [t.name for t in found.others]
    assert index.resolve("CC du Val de Drôme").best[0].name == "CC du Val de Drôme en Biovallée"
    # A town's own grouping still wins: its name bears the town's (Paris), or the town is not
    # a village beside the named grouping (Saint-Quentin, 53,000 inhabitants), or it has none
    # of that name (Guéret).
    assert index.resolve("Paris", prefer="epci").best[0].name == "Métropole du Grand Paris"
    assert index.resolve("Saint-Quentin", prefer="epci").best[0].name == "CA du Saint-Quentinois"
    assert index.resolve("Guéret", prefer="epci").best[0].name == "CA du Grand Guéret"


def test_a_village_named_like_a_valleys_cc_is_offered_with_it(index):
    # « Val de Drôme » with no kind said: the Calvados village first, and the CC du Val de
    # Drôme en Biovallée offered beside it, so that the CC's agent can choose it.
    found = index.resolve("Val de Drôme")
    assert [t.name for t in found.best] == ["Val de Drôme", "CC du Val de Drôme en Biovallée"]
    # Not when a département bears the name (« Creuse »: not the CC Creuse Confluence), nor
    # when the name starts many groupings' (« La Plaine »), nor for a town's own (« Guéret »).
    assert "CC Creuse Confluence" not in [t.name for t in index.resolve("Creuse").best]
    assert [t.name for t in index.resolve("La Plaine").best] == ["La Plaine"]
    assert [t.name for t in index.resolve("Guéret").best] == ["Guéret"]
