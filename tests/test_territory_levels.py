"""Every level of collectivité, its context and its neighbours: the resolver, the profile,
the command line and the chat (issue 14)."""

from __future__ import annotations

import gzip
import json

import pytest

from bot.config import PROJECT_ROOT
from bot.knowledge.profile import build_profile, find_territories, territory_facts
from bot.knowledge.territory import TerritoryIndex, default_territory_path, fold
from tests.conftest import Chat, run_essbot

DATA = default_territory_path(PROJECT_ROOT / "content")


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    return TerritoryIndex.load(DATA)


def best(index: TerritoryIndex, text: str, prefer: str | None = None) -> list[str]:
    return [t.label for t in index.resolve(text, prefer=prefer).best]


# -- départements and régions ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Creuse", "creuse", "23", "département de la Creuse", "Département Creuse", "le 23",
    "dpt 23", "département n°23", "conseil départemental de la Creuse"])
def test_a_departement_by_name_number_and_common_forms(index, text):
    assert best(index, text)[0] == "Creuse (département, 23)"


def test_a_departement_comes_before_a_tiny_homonym_commune_which_is_still_offered(index):
    assert best(index, "Creuse") == ["Creuse (département, 23)", "Creuse (80, Somme)"]
    assert best(index, "Creuse", prefer="departement") == ["Creuse (département, 23)"]
    assert best(index, "Creuse", prefer="commune") == ["Creuse (80, Somme)"]
    assert best(index, "commune de Creuse") == ["Creuse (80, Somme)"]


@pytest.mark.parametrize(("text", "label"), [
    ("Seine-Saint-Denis", "Seine-Saint-Denis (département, 93)"),
    ("Seine St Denis", "Seine-Saint-Denis (département, 93)"),
    ("le 93", "Seine-Saint-Denis (département, 93)"),
    ("Pas-de-Calais", "Pas-de-Calais (département, 62)"),
    ("Finistère", "Finistère (département, 29)"), ("finistere", "Finistère (département, 29)"),
    ("Corse-du-Sud", "Corse-du-Sud (département, 2A)"), ("2A", "Corse-du-Sud (département, 2A)"),
    ("2b", "Haute-Corse (département, 2B)"),
    ("Côtes-d’Armor", "Côtes-d'Armor (département, 22)"),  # typographic apostrophe
    ("971", "Guadeloupe (département, 971)"), ("974", "La Réunion (département, 974)"),
])
def test_departements_that_were_not_found_or_wrong(index, text, label):
    assert best(index, text)[0] == label


@pytest.mark.parametrize(("text", "code"), [
    ("Occitanie", "76"), ("Nouvelle-Aquitaine", "75"), ("nouvelle aquitaine", "75"),
    ("PACA", "93"), ("Région Sud", "93"), ("région 53", "53"), ("IDF", "11"),
])
def test_regions_by_name_short_name_and_code(index, text, code):
    found = index.resolve(text).best[0]
    assert (found.kind, found.code) == ("region", code)


def test_a_region_code_alone_is_a_departement_with_the_region_offered(index):
    found = index.resolve("53")
    assert [t.label for t in found.best] == ["Mayenne (département, 53)"]
    assert found.others[0].label == "Bretagne (région)"


@pytest.mark.parametrize(("former", "current"), [
    ("Aquitaine", "Nouvelle-Aquitaine"), ("Nord-Pas-de-Calais", "Hauts-de-France"),
    ("Limousin", "Nouvelle-Aquitaine"), ("Centre", "Centre-Val de Loire"),
])
def test_a_former_region_gives_todays_with_a_note(index, former, current):
    found = index.resolve(former).best[0]
    assert (found.kind, found.name) == ("region", current)
    assert former in found.note and current in found.note


def test_alsace_is_the_cea_first_and_the_former_region_too(index):
    assert best(index, "Alsace") == ["Collectivité européenne d'Alsace (67, 68)",
                                     "Grand Est (ancienne région Alsace)"]


# -- special statuses and outre-mer ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "status", "competences"), [
    ("Paris", "commune", "ville-de-paris", ("commune", "departement")),
    ("75", "commune", "ville-de-paris", ("commune", "departement")),
    ("Métropole de Lyon", "epci", "metropole-de-lyon", ("epci", "departement")),
    ("Corse", "region", "collectivite-de-corse", ("region", "departement")),
    ("Guyane", "region", "collectivite-territoriale-de-guyane", ("region", "departement")),
    ("973", "region", "collectivite-territoriale-de-guyane", ("region", "departement")),
    ("Martinique", "region", "collectivite-territoriale-de-martinique",
     ("region", "departement")),
    ("Mayotte", "departement", "mayotte", ("departement", "region")),
    ("976", "departement", "mayotte", ("departement", "region")),
    ("Collectivité européenne d'Alsace", "departement", "collectivite-europeenne-d-alsace",
     ("departement",)),
])
def test_collectivites_with_a_special_status_are_one_reading_with_their_competences(
        index, text, kind, status, competences):
    found = index.resolve(text).best
    assert len(found) == 1
    territory = found[0]
    assert (territory.kind, territory.status.key, territory.competences) == (
        kind, status, competences)
    assert territory.note


def test_la_reunion_is_the_departement_the_region_then_the_small_commune(index):
    assert best(index, "La Réunion") == ["La Réunion (département, 974)", "La Réunion (région)",
                                         "La Réunion (47, Lot-et-Garonne)"]


@pytest.mark.parametrize("text", ["Saint-Martin", "Saint-Barthélemy", "St Barth"])
def test_a_collectivite_d_outre_mer_comes_before_its_homonyms_and_says_what_applies(
        index, text):
    found = index.resolve(text).best
    assert found[0].kind == "com"
    assert "loi ESS" in found[0].note and "vérifier" in found[0].note
    assert found[0].collectivite_type is None, "no type of the taxonomy: the agent says"


def test_communes_of_a_com_carry_its_note(index):
    papeete = index.resolve("Papeete").best[0]
    assert papeete.kind == "commune" and "Polynésie française" in papeete.note
    assert best(index, "Nouvelle-Calédonie")[0].startswith("Nouvelle-Calédonie (collectivité")


@pytest.mark.parametrize("text", ["x" * 10_000, "\x00\x01", "😀😀", "'; DROP TABLE t; --",
                                  "SELECT * FROM communes", "mairie", "commune", "-1", "99"])
def test_bad_input_is_a_clear_not_found(index, text):
    assert index.resolve(text).all == []


# -- contexts and programmes -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "contexts", "programmes"), [
    ("Roubaix", {"qpv", "urbain"}, {"cites-emploi"}),
    ("Nîmes", {"qpv", "urbain"}, set()),
    ("Eymoutiers", {"rural"}, {"pvd"}),
    ("Gentioux-Pigerolles", {"rural"}, {"villages-avenir", "territoires-industrie"}),
    ("Camopi", {"rural", "outre-mer"}, {"villages-avenir"}),  # Guyane: overseas lauréats too
    ("Pont-Aven", {"rural", "littoral"}, set()),
    ("Lorient", {"qpv", "urbain", "littoral"}, {"acv", "territoires-industrie"}),
    ("Mamoudzou", {"qpv", "urbain", "outre-mer"}, {"acv"}),
    # A département: no programme; Guéret's QPV does not make the Creuse a « qpv » context.
    ("Creuse", {"rural"}, set()),
    ("Nord", {"qpv", "urbain", "littoral"}, set()),  # 57 % live in a commune with a QPV
    ("Auvergne-Rhône-Alpes", {"rural", "urbain"}, set()),  # 34 % rural: both, and no QPV
    ("Grand Auch Cœur de Gascogne", {"qpv", "rural", "urbain"},  # 43 % rural
     {"acv", "villages-avenir"}),
    ("Corte", {"urbain"}, {"pvd"}),  # a « petite ville »: urban as INSEE defines it
])
def test_contexts_and_programmes_come_from_the_data(index, text, contexts, programmes):
    context = index.context(index.resolve(text).best[0])
    assert set(context.contexts) == contexts
    assert set(context.programmes) == programmes


def test_an_epci_aggregates_its_communes(index):
    epci = index.resolve("CA Vitré Communauté").best[0]
    context = index.context(epci)
    assert context.rural_share is not None and context.rural_share >= 0.5
    assert "rural" in context.contexts
    assert {"acv", "pvd", "territoires-industrie"} <= set(context.programmes)
    assert context.industrie, "the name of the Territoire d'industrie is known"
    # Any member commune in a list puts the grouping in it, as for pvd and acv.
    gueret = index.context(index.resolve("CA du Grand Guéret").best[0])
    assert {"cites-emploi", "villages-avenir"} <= set(gueret.programmes)


def test_a_region_or_departement_is_not_stamped_qpv_or_urbain_as_a_whole():
    """A région is read by shares, never « Quartiers prioritaires (QPV), Urbain » alone."""
    result = run_essbot(["recommend", "--territory", "Auvergne-Rhône-Alpes", "--themes",
                         "transition-ecologique", "--step", "identifier"])
    assert result.returncode == 0, result.stderr
    head, reading = result.stdout.splitlines()[:2]
    assert "Quartiers prioritaires" not in head and "(Rural, Urbain)" in head
    assert reading.startswith("Lecture du territoire : 34\u00a0% de la population vit dans "
                              "une commune rurale au sens de l'Insee")
    assert "82 communes comptent un quartier prioritaire (QPV)" in reading


def test_a_petite_ville_says_why_it_is_urban_and_a_valley_shows_its_share():
    corte = run_essbot(["recommend", "--territory", "Corte", "--step", "identifier"])
    assert ("Lecture du territoire : commune urbaine au sens de l'Insee (petite ville, niveau 4 "
            "sur 7 de la grille communale de densité") in corte.stdout
    valley = run_essbot(["recommend", "--territory", "CC de la Vallée de Chamonix-Mont-Blanc",
                         "--step", "soutenir", "--json"])
    territory = json.loads(valley.stdout)["profile"]["territory"]
    assert territory["detected_contexts"] == ["urbain"]
    assert territory["context_reading"].startswith(
        "Lecture du territoire : 12\u00a0% de la population vit dans une commune rurale")


def test_a_commune_or_grouping_in_a_massif_is_asked_about_the_zone_de_montagne(index):
    """The zone de montagne is not in the data (docs/territories.md): a massif perimeter, wider,
    never sets « montagne », but the reading says the agent may add it (blind rating
    2026-11-30: Royère read without montagne and nothing said why); a département is not
    classed as a whole, and a place outside any massif gets no such words."""
    from bot.i18n import translator
    from bot.knowledge.territory_reading import context_sentence
    fr, en = translator("fr"), translator("en")
    royere = index.resolve("Royère-de-Vassivière").best[0]
    context = index.context(royere)
    assert "montagne" not in context.contexts
    reading = context_sentence("commune", context, fr)
    assert ("; dans un périmètre de massif (Massif Central, loi Montagne) ; si votre commune "
            "est classée en zone de montagne, ce que nos données ne disent pas, ajoutez le "
            "contexte « Montagne ».") in reading
    assert "add the « Mountain » context" in context_sentence("commune", context, en)
    cc = index.resolve("CC Creuse Sud Ouest").best[0]
    assert "si la plupart sont classées en zone de montagne" in context_sentence(
        "epci", index.context(cc), fr)
    creuse = index.resolve("Creuse").best[0]
    assert "massif" not in context_sentence("departement", index.context(creuse), fr)
    rennes = index.resolve("Rennes").best[0]
    assert "massif" not in context_sentence("commune", index.context(rennes), fr)


def test_the_massif_note_is_not_asked_of_a_port_nor_of_an_agent_who_gave_montagne(index):
    """Blind rating 2026-12-01: the « Montagne » prompt for Port-Vendres (a fishing port in the
    Pyrénées' perimeter) was noise, and for Le Chambon-sur-Lignon it asked again what the
    agent had just given."""
    from bot.i18n import translator
    from bot.knowledge.territory_reading import context_sentence
    fr = translator("fr")
    port = index.resolve("Port-Vendres").best[0]
    assert "massif" not in context_sentence("commune", index.context(port), fr)
    chambon = index.resolve("Le Chambon-sur-Lignon").best[0]
    assert "massif" in context_sentence("commune", index.context(chambon), fr)
    assert "massif" not in context_sentence("commune", index.context(chambon), fr,
                                            frozenset({"rural", "montagne"}))


def test_the_reading_says_no_more_than_it_needs(index):
    """Roubaix is a grand centre urbain: no word on petites villes; Plaine Commune has no
    rural commune at all: not « 0 % de la population… »."""
    from bot.i18n import translator
    from bot.knowledge.territory_reading import context_sentence
    t = translator("fr")
    roubaix = index.resolve("Roubaix").best[0]
    assert context_sentence("commune", index.context(roubaix), t) == (
        "Lecture du territoire : commune urbaine au sens de l'Insee (grand centre urbain, "
        "niveau 1 sur 7 de la grille communale de densité).")
    plaine = index.resolve("Plaine Commune").best[0]
    assert context_sentence("ept", index.context(plaine), t).startswith(
        "Lecture du territoire : toutes ses communes sont urbaines au sens de l'Insee")
    creuse_grand_sud = index.resolve("CC Creuse Grand Sud").best[0]
    assert "toutes ses communes sont rurales" in context_sentence(
        "epci", index.context(creuse_grand_sud), t)


def test_ligatures_are_shown_but_not_needed_to_find_a_name(index):
    """The DGCL writes « Coeur »: the name shown is « Cœur », found either way."""
    for text in ("Grand Auch Coeur de Gascogne", "Grand Auch Cœur de Gascogne"):
        assert index.resolve(text).best[0].label == "CA Grand Auch Cœur de Gascogne (CA, 32)"
    assert index.resolve("Auch").best[0].epci_name == "CA Grand Auch Cœur de Gascogne"
    assert index.resolve("CC des Villes Soeurs").best[0].name == "CC des Villes Sœurs"
    assert index.resolve("200066926").best[0].name == "CA Grand Auch Cœur de Gascogne"


def test_a_former_communes_listing_leads_to_the_commune_it_merged_into(index):
    # The Cités de l'emploi list Pierrefitte-sur-Seine (93059), merged into Saint-Denis in
    # 2025; Villages d'avenir list Blaudeix (23023), now part of Parsac (23149).
    assert "cites-emploi" in index.context(index.get("commune", "93066")).programmes
    assert "villages-avenir" in index.context(index.get("commune", "23149")).programmes


def test_massifs_are_facts_not_the_mountain_context(index):
    context = index.context(index.resolve("Moulins (Allier)").best[0])
    assert context.massifs == ("Massif Central",) and "montagne" not in context.contexts


# -- neighbours and facts --------------------------------------------------------------------


def test_the_neighbours_have_their_real_names(index):
    facts = territory_facts(index.resolve("Eymoutiers").best[0], None, index)
    assert facts["epci_name"] == "CC des Portes de Vassivière" and facts["epci_members"] > 1
    assert facts["departement_council"] == "le conseil départemental de la Haute-Vienne"
    assert facts["region_council"] == "le conseil régional de la Nouvelle-Aquitaine"
    dep = territory_facts(index.resolve("Finistère").best[0], None, index)
    assert dep["departement_epci_count"] > 5 and dep["departement_council"].endswith(
        "du Finistère")



def test_a_commune_of_an_ept_is_told_its_ept_s_communes_not_the_metropole_s(index):
    """plan23: Montreuil's feuille de route read « Votre intercommunalité (130 communes) », the
    Métropole du Grand Paris's count, beside Est Ensemble's name (9 communes)."""
    facts = territory_facts(index.resolve("Montreuil (93)").best[0], None, index)
    assert facts["groupement"] == "Est Ensemble"
    assert facts["groupement_members"] == 9 and facts["epci_members"] > 100
    eymoutiers = territory_facts(index.resolve("Eymoutiers").best[0], None, index)
    assert eymoutiers["groupement_members"] == eymoutiers["epci_members"] > 1

@pytest.mark.parametrize(("text", "council"), [
    ("Lyon", "la Métropole de Lyon"), ("Strasbourg", "la Collectivité européenne d'Alsace"),
    ("Ajaccio", "la Collectivité de Corse"), ("Cayenne", "la Collectivité territoriale de Guyane"),
    ("Paris", "la Ville de Paris"),
])
def test_who_exercises_the_departement_competences(index, text, council):
    assert territory_facts(index.resolve(text).best[0], None, index)[
        "departement_council"] == council


def test_the_old_facts_are_kept(index):
    facts = territory_facts(index.get("commune", "35238"), None, index)
    assert {"type", "size", "region", "contexts", "code", "population", "name", "departement",
            "epci"} <= set(facts)
    assert (facts["type"], facts["region"], facts["epci"]) == ("commune", "53",
                                                               "Rennes Métropole")


def test_a_profile_takes_the_territorys_suggestions_unless_the_agent_says_otherwise(index):
    roubaix = index.resolve("Roubaix").best[0]
    profile = build_profile(None, territory=roubaix, index=index)
    assert profile.contexts == {"qpv", "urbain"} and profile.region == "32"
    corrected = build_profile(None, territory=roubaix, index=index,
                              contexts=frozenset({"fragile"}))
    assert corrected.contexts == {"fragile"}
    lorient = build_profile(None, territory=index.resolve("Lorient").best[0], index=index)
    assert lorient.programmes == {"acv", "territoires-industrie"}
    assert build_profile(None, type="region", region="76").region == "76"


def test_find_territories_offers_the_best_readings_else_the_guesses(index):
    assert [t.code for t in find_territories(index, "Vitré")] == ["35360"]
    assert len(find_territories(index, "Saint-Denis")) == 4


# -- the data file ---------------------------------------------------------------------------


def test_the_territory_folder_is_small_and_records_every_source():
    folder = DATA.parent
    assert sum(f.stat().st_size for f in folder.iterdir()) < 2_000_000
    document = json.loads(gzip.decompress(DATA.read_bytes()))
    sources = document["source"]["contexts"]
    assert {s["key"] for s in sources} == {"densite", "massif", "qpv", "territoires-industrie",
                                           "pvd", "acv", "villages-avenir", "cites-emploi",
                                           "littoral"}
    programmes = document["programmes"]
    assert len(programmes["villages-avenir"]) == 2493 and len(programmes["cites-emploi"]) == 282
    licence = (folder / "LICENCE.md").read_text(encoding="utf-8")
    for source in sources:
        assert len(source["commit"]) == 40 and len(source["sha256"]) == 64
        assert source["repository"] in licence and source["licence"]


def test_fold_reads_abbreviations_agents_type():
    assert fold("Boulogne s/ Mer") == "boulogne sur mer"
    assert fold("Mt-de-Marsan") == "mont de marsan"
    assert fold("N.-D.-de-Gravenchon") == "notre dame de gravenchon"
    assert fold("Paris Est Marne & Bois") == "paris est marne et bois"


# -- the command line ------------------------------------------------------------------------


def test_recommend_for_a_departement_gets_its_cress_and_names_the_others():
    result = run_essbot(["recommend", "--territory", "Creuse", "--step", "soutenir", "--json"])
    assert result.returncode == 0, result.stderr
    assert "Creuse (80, Somme)" in result.stderr, "the other readings are named on stderr"
    data = json.loads(result.stdout)
    profile = data["profile"]
    assert (profile["type"], profile["region"]) == ("departement", "75")
    territory = profile["territory"]
    assert (territory["kind"], territory["code"]) == ("departement", "23")
    assert territory["detected_contexts"] == ["rural"]
    assert territory["context_reading"] == (
        "Lecture du territoire : 89\u00a0% de la population vit dans une commune rurale au sens "
        "de l'Insee (grille communale de densité, où les petites villes sont urbaines) ; "
        "1 commune compte un quartier prioritaire (QPV), où vit 11\u00a0% de la population "
        "(des quartiers et du reste de ces communes).")
    assert territory["departement_council"] == "le conseil départemental de la Creuse"
    assert {"kind": "commune", "code": "80225", "label": "Creuse (80, Somme)"} in territory[
        "alternatives"]
    assert any("CRESS Nouvelle-Aquitaine" in c["title"] for c in data["contacts"])


def test_recommend_with_a_type_picks_that_reading():
    result = run_essbot(["recommend", "--territory", "Creuse", "--type", "commune", "--json"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["profile"]["territory"]["code"] == "80225"


def test_recommend_for_a_region_without_a_territory():
    result = run_essbot(["recommend", "--type", "region", "--region", "Occitanie", "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["profile"]["region"] == "76" and data["profile"]["territory"] is None
    assert any("CRESS Occitanie" in c["title"] for c in data["contacts"])
    bad = run_essbot(["recommend", "--region", "Atlantide"])
    assert bad.returncode != 0 and "no région matches" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_recommend_programmes_can_be_given_or_removed():
    result = run_essbot(["recommend", "--territory", "Lorient", "--programmes", "none",
                         "--json"])
    assert json.loads(result.stdout)["profile"]["programmes"] == []
    result = run_essbot(["recommend", "--territory", "Lorient", "--json"])
    assert json.loads(result.stdout)["profile"]["programmes"] == ["acv",
                                                                  "territoires-industrie"]


def test_a_collectivite_d_outre_mer_on_the_command_line():
    result = run_essbot(["recommend", "--territory", "Saint-Martin", "--step", "identifier"])
    assert result.returncode == 0, result.stderr
    assert "collectivité d'outre-mer" in result.stderr and "loi ESS" in result.stderr
    assert result.stdout.startswith("Saint-Martin (collectivité d'outre-mer, 978)")


# -- the chat --------------------------------------------------------------------------------


def test_the_chat_resolves_a_departement_and_shows_what_it_understood(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Creuse")
    assert chat.labels[:2] == ["Creuse (département, 23)", "Creuse (80, Somme)"]
    chat.press("Creuse (département")
    assert chat.conversation.state == "territoire_trouve_large"
    assert "J'en retiens : Département, région Nouvelle-Aquitaine." in chat.text
    chat.press("Oui")
    # Guéret's QPV is a fact of the reading, not a context of the whole département.
    assert "caractéristiques : Rural. Ce sont" in chat.text
    assert "\nLecture du territoire : 89\u00a0% de la population" in chat.text
    assert "1 commune compte un quartier prioritaire (QPV)" in chat.text
    chat.press("Oui, c'est juste")
    # No programmes question for a département, nor the contrat de ville's (review
    # 2026-11-30 second, fault 19): the communes and intercommunalités carry it.
    assert chat.conversation.state == "themes"
    assert "contrat de ville" not in chat.text and "Sur quel thème" in chat.text


def test_a_region_with_priority_areas_is_not_asked_about_its_contrat_de_ville(chat: Chat):
    for text in ["/start", "Commencer", "Occitanie", "Oui, c'est bien ça"]:
        chat.send(text)
    # 37 % of its people in rural communes: both readings, and its QPV as a count.
    assert "caractéristiques : Rural, Urbain, Littoral. Ce sont" in chat.text
    assert "\nLecture du territoire : 37" in chat.text
    assert "communes comptent un quartier prioritaire (QPV)" in chat.text
    chat.send("Oui, c'est juste")
    assert chat.conversation.state == "themes"
    assert "contrat de ville" not in chat.text


def test_a_special_status_is_explained_before_confirming(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Guyane")
    assert chat.conversation.state == "territoire_statut"
    assert "collectivité unique" in chat.text and "Est-ce bien" in chat.text


def test_a_com_asks_the_type_after_saying_what_applies(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Saint-Barthélemy")
    chat.press("Saint-Barthélemy (collectivité d'outre-mer")
    assert "loi ESS" in chat.text
    chat.press("Oui")
    assert chat.conversation.state == "collectivite"


def test_suggestions_can_be_corrected_and_another_search_starts_afresh(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Roubaix")
    chat.press("Chercher un autre")
    assert "contexte" not in chat.conversation.slots, "the first territory's facts are gone"
    chat.send("Eymoutiers")
    chat.press("Oui")
    assert "caractéristiques : Rural." in chat.text
    chat.press("Non, je corrige")
    assert chat.conversation.state == "contexte" and "contexte" not in chat.conversation.slots
    chat.press("Montagne")
    chat.press("Continuer")
    assert "listes publiées : Petites villes de demain." in chat.text
    chat.press("France Ruralités")
    chat.press("Continuer")
    slots = chat.conversation.slots
    assert slots["contexte"] == ["montagne"] and slots["programmes"] == ["pvd", "frr"]
    assert chat.conversation.state == "themes"


def test_mamoudzou_is_told_its_intercommunalite_by_the_name_it_uses(chat: Chat):
    """Review 2026-11-30 (second), fault 16: « CA de Dembeni / Mamoudzou »."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Mamoudzou")
    assert "intercommunalité CA de Dembeni-Mamoudzou." in chat.text
    assert "Dembeni / Mamoudzou" not in chat.text


# -- programmes found in the data change what the chat recommends ---------------------------


def _recommendations(chat: Chat, place: str, programmes_answer: str, theme: str, step: str,
                     qpv: bool = False) -> str:
    """Walk the chat from a commune's name to its recommendations; the programmes message."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send(place)
    chat.press("Oui, c'est bien ça")
    chat.press("Oui, c'est juste")
    programmes = chat.text
    chat.press(programmes_answer)
    if qpv:
        chat.press("Oui")  # a contrat de ville is signed
    for text in [theme, "Continuer", step]:
        chat.press(text)
    return programmes


def test_a_villages_davenir_commune_is_told_so_and_shown_the_programme(chat: Chat):
    said = _recommendations(chat, "Gentioux-Pigerolles", "Continuer", "Alimentation",
                            "Nous débutons")
    # whose Territoires d'industrie is: the CC's (blind rating 2026-11-30, profile 1)
    assert "listes publiées : Villages d'avenir et Territoires d'industrie (programme de votre " \
           "intercommunalité, CC Creuse Grand Sud)." in said, said
    assert "datent de septembre 2024" in said
    assert chat.conversation.slots["programmes"] == ["villages-avenir", "territoires-industrie"]
    chat.press("Financements")
    assert "1. Villages d'avenir : un chef de projet de l'État" in chat.text


def test_a_commune_of_a_cite_de_lemploi_is_shown_the_cite(chat: Chat):
    said = _recommendations(chat, "Roubaix", "Continuer", "Emploi", "Nous connaissons", qpv=True)
    assert "listes publiées : Cités de l'emploi." in said
    assert "concerné par la démarche Cités de l'emploi" in chat.text
    assert "1. Coordonner les acteurs de l'emploi dans les quartiers prioritaires avec une " \
           "Cité de l'emploi" in chat.text


@pytest.mark.parametrize(("place", "theme", "step", "qpv", "absent"), [
    ("Pont-Aven", "Alimentation", "Nous débutons", False, "Villages d'avenir : un chef"),
    ("Nîmes", "Emploi", "Nous connaissons", True, "Cité de l'emploi"),
])
def test_a_commune_in_neither_list_is_not_shown_them(chat: Chat, place, theme, step, qpv,
                                                     absent):
    said = _recommendations(chat, place, "Aucun, continuer", theme, step, qpv=qpv)
    assert "ne figure dans aucune des listes publiées" in said
    assert "Villages d'avenir, Cités de l'emploi)" in said
    assert "programmes" not in chat.conversation.slots
    cards = chat.text
    chat.press("Financements")
    assert absent not in cards + chat.text


# -- programmes held by the intercommunalité (blind rating 2026-11-30, profile 1) --------------


def test_territoires_dindustrie_is_shown_as_the_intercommunalites_programme(index):
    """Territoires d'industrie is listed by intercommunalité: a village is in it as a member of
    its CC, and is told whose programme it is, not shown it as its own."""
    village = index.resolve("Saint-Pierreville").best[0]
    context = index.context(village)
    assert "territoires-industrie" in context.programmes
    assert context.grouping_programmes == ("territoires-industrie",)
    assert context.grouping == village.epci_name
    facts = territory_facts(village, None, index)
    assert f"Votre intercommunalité, {village.epci_name}, est Territoire d'industrie" \
        in facts["context_reading"]
    assert "Your inter-municipal body" in facts["context_reading_en"]
    # the intercommunalité itself holds it: nothing to say of whose it is
    epci = index.resolve("CA Vitré Communauté").best[0]
    assert index.context(epci).grouping_programmes == ()
    assert "Votre intercommunalité" not in territory_facts(epci, None, index)["context_reading"]
    # a commune in PVD only: its own programme, no note
    assert index.context(index.resolve("Corte").best[0]).grouping_programmes == ()


def test_the_command_line_and_the_plan_say_whose_programme_it_is(tmp_path):
    args = ["--territory", "Saint-Pierreville", "--type", "commune", "--themes",
            "services-proximite", "--step", "identifier"]
    text = run_essbot(["recommend", *args]).stdout
    header = text.splitlines()[0]
    assert "Territoires d'industrie (programme de votre intercommunalité, CC " in header, header
    assert "est Territoire d'industrie : ce programme est le sien" in text
    data = json.loads(run_essbot(["recommend", *args, "--json"]).stdout)
    assert "territoires-industrie" in data["profile"]["programmes"]  # unchanged field
    territory = data["profile"]["territory"]
    assert territory["grouping_programmes"] == ["territoires-industrie"]
    assert territory["programmes_grouping"] == territory["epci_name"]
    out = tmp_path / "plan.md"
    assert run_essbot(["plan", *args, "--output", str(out)]).returncode == 0
    assert "Territoires d'industrie (programme de votre intercommunalité, CC " in \
        out.read_text(encoding="utf-8")


def test_the_english_header_names_whose_programme_it_is_briefly():
    """The English header had « Territoires d'industrie (industrial areas) (a programme of your
    inter-municipal body, CC …) »: two nested brackets and 90 characters for one programme."""
    args = ["--territory", "Saint-Pierreville", "--type", "commune", "--themes",
            "services-proximite", "--step", "identifier", "--lang", "en"]
    header = run_essbot(["recommend", *args]).stdout.splitlines()[0]
    assert "Territoires d'industrie (industrial areas) via CC " in header, header
    assert "a programme of your inter-municipal body" not in header, header


def test_the_chat_says_whose_programme_territoires_dindustrie_is(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Gentioux-Pigerolles")
    chat.press("Oui, c'est bien ça")
    assert "est Territoire d'industrie : ce programme est le sien, et votre commune en relève " \
           "comme membre." in chat.text, chat.text


# -- « le département » where another body holds its competences (blind rating, profile 3) ----


def test_le_departement_as_an_actor_names_the_body_that_holds_its_competences():
    from bot.knowledge.partners import departement_note
    lyon = "la Métropole de Lyon"
    said = departement_note("la région et le département copilotent les comités ; le "
                            "département finance", lyon)
    assert said == ("la région et le département (ici, la Métropole de Lyon, qui en exerce les "
                    "compétences) copilotent les comités ; le département finance")
    for place in ("accordé par le préfet du département du siège", "les services de l'État "
                  "dans le département", "le département où l'entreprise a son siège",
                  "le département de la Creuse"):
        assert departement_note(place, lyon) == place


def test_the_council_and_the_region_as_actors_name_the_collectivite_unique():
    """Blind rating 2026-12-02 (fresh4): Kourou's feuille de route sent crèche authorisations
    to « le président du conseil départemental », the Martinique CTM's FEDER contact was « le
    conseil régional »: neither exists there."""
    from bot.knowledge.partners import departement_note, region_note
    ctg = "la Collectivité territoriale de Guyane"
    assert departement_note("transmises au président du conseil départemental.", ctg) == (
        "transmises au président du conseil départemental (ici, la Collectivité territoriale "
        "de Guyane, qui en exerce les compétences).")
    ctm = "la Collectivité territoriale de Martinique"
    assert region_note("le service des fonds européens du conseil régional (autorité de "
                       "gestion)", ctm) == (
        "le service des fonds européens du conseil régional (ici, la Collectivité territoriale "
        "de Martinique, qui en exerce les compétences) (autorité de gestion)")
    for place in ("dans la région", "la CRESS de la région", "la région Bretagne",
                  "le conseil régional de Bretagne", "votre région", "en région"):
        assert region_note(place, ctm) == place, place
    args = ["--type", "region", "--themes", "alimentation", "--step", "ancrer"]
    text = run_essbot(["recommend", "--territory", "Martinique", *args]).stdout
    assert "(ici, la Collectivité territoriale de Martinique, qui en exerce les compétences)" \
        in text, text
    elsewhere = run_essbot(["recommend", "--territory", "Bretagne", *args]).stdout
    assert "(ici, " not in elsewhere

def test_vaulx_en_velin_is_told_the_metropole_de_lyon_holds_the_departements_competences():
    args = ["--type", "commune", "--themes", "emploi-insertion,petite-enfance-jeunesse",
            "--step", "ancrer"]
    text = run_essbot(["recommend", "--territory", "Vaulx-en-Velin", *args]).stdout
    assert "la région et le département (ici, la Métropole de Lyon, qui en exerce les " \
           "compétences) copilotent" in text, text
    elsewhere = run_essbot(["recommend", "--territory", "Guéret", *args]).stdout
    assert "la région et le département copilotent" in elsewhere
    assert "(ici, " not in elsewhere


def test_val_eyrieux_keeps_its_apostrophe_and_is_found_by_every_spelling(index):
    """The DGCL list writes « CC Val Eyrieux »; the plan of Saint-Pierreville showed it so
    (blind rating 2026-11-30, plan 01)."""
    village = index.resolve("Saint-Pierreville").best[0]
    assert village.epci_name == "CC Val'Eyrieux"
    assert index.neighbours(village)["groupement"] == "CC Val'Eyrieux"
    for text in ("CC Val'Eyrieux", "Val Eyrieux", "Val d'Eyrieux", "200041465"):
        assert best(index, text)[0] == "CC Val'Eyrieux (CC, 07)", text


def test_the_chats_programmes_message_says_whose_territoires_dindustrie_is(chat: Chat):
    """The programmes question listed « Territoires d'industrie » plainly for a village whose
    CC holds it, where the reading, `recommend` and the plan say whose it is."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Gentioux-Pigerolles")
    chat.press("Oui, c'est bien ça")
    chat.press("Oui, c'est juste")  # the contexts first
    assert "Territoires d'industrie (programme de votre intercommunalité, CC " in chat.text, \
        chat.text
