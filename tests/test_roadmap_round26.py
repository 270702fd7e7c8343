"""plan26: the feuille de route read as the élu who receives it (a Creuse village, Roubaix,
Koungou, a département, a région), on what each one reads."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from bot.i18n import translator
from bot.knowledge.acting import size_words
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render, render_markdown

CONTENT = Path(__file__).resolve().parent.parent / "content"
TODAY = dt.date(2026, 11, 30)




def plan(kb, index, territory: str, kind: str, themes: set[str], step: str,
         suffix: str = ".md") -> str:
    """The feuille de route as `essbot plan` writes it: the Markdown, or the PDF's pages
    (text, parted by form feeds)."""
    place = index.resolve(territory, prefer=kind).all[0]
    profile = build_profile(kb.scoring, type=kind, themes=frozenset(themes), step=step,
                            territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, TODAY,
                        names_of(place, index))
    if suffix == ".md":
        return render_markdown(doc, t)
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(render(doc, t, ".pdf")))
    return "\f".join(page.extract_text() for page in reader.pages)


def test_a_large_commune_reads_no_condition_on_its_size(kb, index) -> None:
    """Koungou (32,000 inhabitants) read « Pour une commune de plus de 3 500 habitants,
    inscrire… » in its calendar: the condition holds, so it is left out."""
    text = plan(kb, index, "Koungou", "commune", {"petite-enfance-jeunesse", "emploi-insertion"},
                "identifier")
    assert "Pour une commune de plus de 3 500 habitants" not in text
    assert "Inscrire dans la planification les projets des gestionnaires associatifs" in text


def test_a_step_for_larger_communes_is_left_out_for_a_village() -> None:
    step = ("Pour une commune de plus de 3 500 habitants, inscrire dans la planification les "
            "projets des gestionnaires associatifs.")
    assert size_words(step, "commune", "petite") == ""
    assert size_words(step, "commune", "grande").startswith("Inscrire dans la planification")
    assert size_words(step, "departement", None) == step


def page_1(text: str) -> str:
    return text.split("## L'essentiel", 1)[1].split("## Calendrier", 1)[0]


def test_a_village_asks_whoever_runs_its_canteen(kb, index) -> None:
    """Saint-Dizier-Masbaraud (1,143 inhabitants) was told to « Demander au service de
    restauration » its EGalim shares: a village has no such service; its canteen is run by
    the commune, a syndicat scolaire or the intercommunalité, often through a caterer. (The
    manager's list stays in the calendar: on page 1 it pushed the DLA onto page 2.)"""
    text = plan(kb, index, "Saint-Dizier-Leyrenne", "commune",
                {"services-proximite", "alimentation"}, "soutenir")
    first = page_1(text)
    assert "Demander au service de restauration" not in first
    assert "Demander au gestionnaire de la cantine la part de produits durables" in first
    calendar = text.split("## Calendrier", 1)[1].split("## Vos leviers", 1)[0]
    printed = plan(kb, index, "Saint-Dizier-Leyrenne", "commune",
                   {"services-proximite", "alimentation"}, "soutenir", ".pdf")
    assert "Le DLA de la Creuse" in printed.split("\f")[0]
    assert "Savoir qui gère la cantine (la commune, un syndicat scolaire ou " \
           "l'intercommunalité" in calendar


def test_a_region_reads_its_own_part_in_the_pat_and_the_canteens(kb, index) -> None:
    """The Occitanie's vice-présidente read « Prendre contact avec la DRAAF Occitanie pour
    connaître les PAT voisins » (a commune's step) and, in the calendar, « Demander au service
    de restauration… »: a région supports the PATs of its territory and runs the lycées'
    canteens (code de l'éducation, art. L214-6)."""
    text = plan(kb, index, "Occitanie", "region", {"transition-ecologique", "alimentation"},
                "ancrer")
    assert "PAT voisins" not in text
    assert "Demander à la DRAAF Occitanie la liste des PAT reconnus ou en projet dans la " \
           "région" in page_1(text)
    assert "Demander la reconnaissance du PAT" not in text
    assert "Demander au service chargé de la restauration des lycées" in text
    assert "Demander au service de restauration" not in text


def test_a_chosen_circular_economy_names_its_filiere_and_who_maps_it(kb, index) -> None:
    """Roubaix, on économie circulaire, read « Choisir une filière prioritaire (alimentation,
    réemploi, numérique) et réunir ses acteurs autour de la cartographie »: a choice already
    made, and a map it may not have."""
    # Since gaps31 the ressourcerie lever is page 1's circular-economy action; the filière
    # lever, fifth, says it in its own section.
    text = plan(kb, index, "Roubaix", "commune", {"emploi-insertion", "economie-circulaire"},
                "soutenir")
    assert "Partir de la filière économie circulaire et réemploi, votre thème prioritaire, et " \
           "réunir ses acteurs, repérés avec la CRESS Hauts-de-France." in text
    assert "Choisir une filière prioritaire" not in text
    assert "autour de la cartographie" not in text


def test_a_city_in_a_programme_is_not_asked_whether_it_is_in_it(kb, index) -> None:
    """Roubaix's page 1 says « Programmes nationaux : Cités de l'emploi » and then asked it to
    « Demander au délégué du préfet si une Cité de l'emploi couvre vos quartiers »: the lever
    is offered only to a territory of the programme, so its first step starts from it."""
    first = page_1(plan(kb, index, "Roubaix", "commune",
                        {"emploi-insertion", "economie-circulaire"}, "soutenir"))
    assert "Programmes nationaux : Cités de l'emploi" in first
    assert "si une Cité de l'emploi couvre" not in first
    assert "qui est le chef de file de la Cité de l'emploi de votre territoire" in first
