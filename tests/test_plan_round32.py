"""plan32: the feuille de route read by the élu and the DGS who receive it (Roubaix, the CC
Creuse Sud-Ouest, Mamoudzou, the Nièvre, the Région Bretagne), on what each one reads."""

from __future__ import annotations

import datetime as dt
import re

from bot.knowledge.partners import local_bodies, localise
from bot.knowledge.roadmap import render_markdown
from tests.test_plan_round33 import outline

TODAY = dt.date(2026, 12, 1)


def plan(kb, index, territory: str, kind: str, themes: set[str], step: str,
         today: dt.date = TODAY) -> str:
    """The feuille de route's Markdown, as `essbot plan` writes it, without its source annex."""
    doc, t = outline(kb, index, territory, kind, themes, step, today)
    return render_markdown(doc, t).split("## Annexe : les sources")[0]


def test_mayotte_reads_the_cssm_in_titles_and_sentence_openings(kb, index) -> None:
    """Mamoudzou read « CAF : financer l'accueil du jeune enfant » on page 1 and in the funding
    table, « La CAF finance… » in it, and « la CTG avec la CAF » in the calendar's next step:
    Mayotte has no CAF."""
    text = plan(kb, index, "Mamoudzou", "commune", {"petite-enfance-jeunesse", "alimentation"},
                "identifier")
    assert not re.search(r"\b(?:la|La) CAF\b|^CAF\b|\*\*\[?CAF\b|« CAF\b",
                         text.replace("qui y exerce les missions de la CAF", ""), re.M)
    assert "CSSM : financer l'accueil du jeune enfant" in text
    mayotte = local_bodies("976", "de Mayotte", "Mayotte", "CRESS de Mayotte")
    assert localise("La CAF finance.", mayotte).startswith("La CSSM (Caisse de sécurité")
    assert localise("CAF : financer", mayotte, short=True) == "CSSM : financer"
    nord = local_bodies("59", "du Nord", "Hauts-de-France", None)
    assert localise("La CAF finance.", nord) == "La CAF finance."


def calendar_of(markdown: str) -> str:
    return markdown.split("## Calendrier sur douze mois")[1].split("## Vos leviers")[0]


def test_the_calendar_follows_the_budget_cycle(kb, index) -> None:
    """Every calendar read « à adapter à vos instances et à vos budgets » and nothing of them:
    the credits of the priority actions go in the budget voted by 15 April, and next year's
    means are announced at the débat d'orientation budgétaire, with their legal source."""
    full = plan(kb, index, "Roubaix", "commune", {"emploi-insertion", "economie-circulaire"},
                "soutenir")
    calendar = calendar_of(full)
    quarters = calendar.split("### Trimestre ")[1:]
    assert "Budget 2027 : après le débat d'orientation budgétaire (DOB), inscrire les crédits" \
        in quarters[0] and "voté au plus tard le 15 avril 2027" in quarters[0]
    assert "décision modificative" in quarters[0]
    number = re.search(r"Budget 2028 : présenter au débat d'orientation budgétaire \(DOB\) "
                       r"les moyens de l'ESS pour 2028.*\[(\d+)\]", quarters[3])
    assert number, quarters[3]
    annex = render_annex(kb, index, "Roubaix", "commune")
    assert re.search(rf"^{number.group(1)}\. Légifrance — code général des collectivités "
                     r"territoriales.*L1612-2", annex, re.M)


def render_annex(kb, index, territory: str, kind: str) -> str:
    doc, t = outline(kb, index, territory, kind, {"emploi-insertion", "economie-circulaire"},
                     "soutenir", TODAY)
    return render_markdown(doc, t).split("## Annexe : les sources")[1]


def test_the_budget_lines_fit_the_collectivite(kb, index) -> None:
    """A village has no DOB (under 3,500 inhabitants) but a secrétariat de mairie; an
    intercommunalité's DOB depends on its communes; a département may be renewed; in 2026 the
    communes voted until 30 April; a collectivité d'outre-mer has its own statute (no line)."""
    village = calendar_of(plan(kb, index, "Royère-de-Vassivière", "commune",
                               {"alimentation"}, "identifier"))
    assert "Budget 2027 : inscrire les crédits" in village
    assert "orientation budgétaire" not in village and "secrétariat de mairie" in village
    epci = calendar_of(plan(kb, index, "CC Creuse Sud-Ouest", "epci",
                            {"services-proximite", "alimentation"}, "identifier"))
    assert "(DOB ; obligatoire dès qu'une commune membre compte 3 500 habitants ou plus)" in epci
    nievre = calendar_of(plan(kb, index, "Nièvre", "departement",
                              {"sante-social", "emploi-insertion"}, "ancrer"))
    assert "le 15 avril 2027 (le 30 avril si l'assemblée est renouvelée cette année-là)" in nievre
    earlier = calendar_of(plan(kb, index, "Roubaix", "commune", {"emploi-insertion"},
                               "soutenir", today=dt.date(2025, 12, 1)))
    assert "voté au plus tard le 30 avril 2026, année du renouvellement des conseils " \
        "municipaux" in earlier
    spm = calendar_of(plan(kb, index, "Saint-Pierre-et-Miquelon", "commune", {"alimentation"},
                           "identifier"))
    assert "Budget 20" not in spm


def test_page_one_never_cuts_a_figure_or_an_aside(kb, index) -> None:
    """Page 1's one-line « what it funds » read « le programme national (environ 4… » (the
    FSE+'s 4 Md€ cut in half) and, in Mayotte, « la CSSM (Caisse de sécurité sociale de
    Mayotte, qui y exerce les missions de… »: a line too long loses its brackets first, and is
    never cut after a figure."""
    from bot.knowledge.roadmap.outline import first_sentence
    assert first_sentence("Fonds européen pour l'emploi et l'inclusion : le programme national "
                          "(environ 4 Md€) est géré par la DGEFP, dont un tiers par des "
                          "organismes intermédiaires.", 80) == \
        "Fonds européen pour l'emploi et l'inclusion : le programme national est géré…"
    assert first_sentence("Un fonds doté de 1,15 Md€ en 2025 pour les projets de transition "
                          "des collectivités.", 24) == "Un fonds doté…"
    for territory, kind, themes, step in (
            ("Roubaix", "commune", {"emploi-insertion", "economie-circulaire"}, "soutenir"),
            ("Mamoudzou", "commune", {"petite-enfance-jeunesse", "alimentation"}, "identifier")):
        text = plan(kb, index, territory, kind, themes, step)
        page_1 = text.split("### Pour financer ces premières actions")[1].split("### Qui")[0]
        assert page_1.strip()
        assert not re.search(r"\([^)]*…", page_1) and not re.search(r"\d…", page_1), page_1
