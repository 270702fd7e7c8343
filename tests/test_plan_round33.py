"""plan33: page 1 says what to decide first (the executive and the assembly of the level,
the élu and service that carry the actions, the budget that holds their credits), the
2026-2032 municipal term is named for the communes and their intercommunalités, and a
commune whose size is unknown is not told that the DOB applies as if certain."""

from __future__ import annotations

import datetime as dt
import io
import re

from bot.i18n import translator
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render, render_markdown
from bot.knowledge.roadmap.budget import budget_lines

TODAY = dt.date(2026, 12, 1)


def outline(kb, index, territory: str, kind: str, themes: set[str], step: str,
            today: dt.date = TODAY):
    place = index.resolve(territory, prefer=kind).all[0]
    profile = build_profile(kb.scoring, type=kind, themes=frozenset(themes), step=step,
                            territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, today,
                        names_of(place, index))
    return doc, t


def plan(kb, index, *args, **kwargs) -> str:
    doc, t = outline(kb, index, *args, **kwargs)
    return render_markdown(doc, t)


def page_one(markdown: str) -> str:
    return markdown.split("## Calendrier sur douze mois")[0]


def calendar_of(markdown: str) -> str:
    return markdown.split("## Calendrier sur douze mois")[1].split("## Vos leviers")[0]


def test_page_one_says_what_to_decide_first_at_each_level(kb, index) -> None:
    """Page 1's three actions were all steps for the services (« Demander… », « Lister… »):
    the élu now reads who decides, whom to name and which budget holds the credits."""
    roubaix = page_one(plan(kb, index, "Roubaix", "commune", {"emploi-insertion"},
                            "soutenir"))
    decision = re.search(r"\*\*À décider d'abord \(maire et conseil municipal\)\*\* : (.*)",
                         roubaix)
    assert decision, roubaix
    assert "nommer un élu référent ESS et un service pilote" in decision.group(1)
    assert "budget primitif 2027" in decision.group(1)
    # after the actions, inside the summary
    assert roubaix.index("À décider d'abord") > roubaix.index("3. **")
    epci = page_one(plan(kb, index, "CC Creuse Sud-Ouest", "epci",
                         {"services-proximite", "alimentation"}, "identifier"))
    assert "**À décider d'abord (président, bureau et conseil communautaire)** : nommer un " \
        "vice-président référent ESS" in epci
    nievre = page_one(plan(kb, index, "Nièvre", "departement",
                           {"sante-social", "emploi-insertion"}, "ancrer"))
    assert "**À décider d'abord (président et assemblée départementale)**" in nievre
    assert "budget primitif 2027 (en avril au plus tard)" in nievre
    village = page_one(plan(kb, index, "Royère-de-Vassivière", "commune", {"alimentation"},
                            "identifier"))
    assert "choisir l'élu qui suit ces actions ; prévoir leurs crédits au budget 2027" in village


def test_a_collectivite_d_outre_mer_gets_no_budget_date(kb, index) -> None:
    """Saint-Martin's budget calendar was not checked (plan32: no budget line): its decision
    names no date and no CGCT source."""
    doc, _t = outline(kb, index, "978", "commune", {"alimentation"}, "identifier")
    assert doc.decision is not None
    assert doc.decision_label == "À décider d'abord (exécutif et assemblée de la collectivité)"
    assert doc.decision.endswith("prévoir les crédits de ces actions au prochain budget.")
    assert not re.search(r"20\d\d", doc.decision) and doc.decision_sources == []


def test_the_municipal_term_is_named(kb, index) -> None:
    """The 2026-2032 term was never named: the 2027 budget is the first one prepared entirely
    by the councils elected in March 2026, and an intercommunalité reads its pacte de
    gouvernance (CGCT, art. L5211-11-2) in the calendar, with its source."""
    roubaix = plan(kb, index, "Roubaix", "commune", {"emploi-insertion"}, "soutenir")
    assert "au budget primitif 2027, le premier du mandat 2026-2032 préparé en entier" in \
        page_one(roubaix)
    assert "pacte de gouvernance" not in roubaix
    nievre = plan(kb, index, "Nièvre", "departement", {"sante-social", "emploi-insertion"},
                  "ancrer")
    assert "mandat" not in page_one(nievre)
    full = plan(kb, index, "CC Creuse Sud-Ouest", "epci",
                {"services-proximite", "alimentation"}, "identifier")
    first = calendar_of(full).split("### Trimestre ")[1]
    # the calendar opens in January 2027, after the nine months to adopt a pacte: it speaks
    # of the pacte adopted, if any, not of one to adopt
    line = re.search(r"- Mandat 2026-2032 : présenter ces actions aux maires dans les "
                     r"instances que prévoit le pacte de gouvernance adopté après le "
                     r"renouvellement de mars 2026, s'il y en a un.*\[([\d, –]+)\]", first)
    assert line, first
    annex = full.split("## Annexe : les sources")[1]
    assert re.search(r"Légifrance — loi n° 2019-1461 du 27 décembre 2019", annex)
    # two years later the 2027 budget is past: no term in the decision, no pacte line
    later = plan(kb, index, "CC Creuse Sud-Ouest", "epci",
                 {"services-proximite", "alimentation"}, "identifier",
                 today=dt.date(2028, 12, 1))
    assert "pacte de gouvernance" not in later and "mandat" not in page_one(later)
    assert "budget primitif 2029 (en avril au plus tard)" in page_one(later)


def test_a_commune_of_unknown_size_reads_a_conditional_dob() -> None:
    """Without its population, a commune may be under 3,500 inhabitants: the DOB is said to
    be compulsory from 3,500, not as if certain."""
    t = translator("fr")
    quarters = [[dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)],
                [dt.date(2027, 10, 1), dt.date(2027, 11, 1), dt.date(2027, 12, 1)]]
    unknown = " ".join(line for _, line in budget_lines(quarters, "commune", None, t))
    assert "(DOB ; obligatoire dans les communes de 3 500 habitants ou plus)" in unknown
    known = " ".join(line for _, line in budget_lines(quarters, "commune", "grande", t))
    assert "débat d'orientation budgétaire (DOB)," in known and "obligatoire" not in known


def test_page_one_still_holds_its_three_first_calls(kb, index) -> None:
    """The decision takes two lines: on paper, page 1 of the Nièvre (the fullest of the four
    profiles read) and of Saint-Dizier-Leyrenne (a village with a two-line order note) still
    ends on its third first call."""
    from pypdf import PdfReader
    for args in (("Nièvre", "departement", {"sante-social", "emploi-insertion"}, "ancrer"),
                 ("Saint-Dizier-Leyrenne", "commune", {"services-proximite", "alimentation"},
                  "soutenir")):
        doc, t = outline(kb, index, *args)
        first = PdfReader(io.BytesIO(render(doc, t, ".pdf"))).pages[0].extract_text()
        assert "À décider d'abord" in first
        assert len(doc.first_calls) == 3
        for call in doc.first_calls:
            assert call.name.split(" (")[0] in first.replace("\n", " "), call.name
